"""Record what each output was built from, decide what needs rebuilding, and verify outputs.

Why: an office rebuilds a folder of a hundred notices after editing one; only that one should
be rendered again. The manifest in the output folder keeps, per notice, the hashes of its
inputs (content file bytes, templates, bundled fonts, vanban version) and of its outputs, so a
later build can skip what is unchanged and ``vanban verify`` can say which content file (and
git revision) produced a given PDF or .docx. It also records the versions of the libraries
that shape the output bytes: the same inputs give other bytes under another WeasyPrint,
Pango or zlib, and ``verify`` must tell that apart from a modified file. Builds into one
folder may run at the same time: the outputs and the manifest are written under the folder's
lock (``locked``), and the manifest is read again there, so no build drops what another recorded.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import vanban
from vanban.errors import OutputError, UsageError, VanbanError
from vanban.files import NotRegularFile, TooLarge, read_regular
from vanban.i18n import _
from vanban.pipeline.fonts import FONT_DIR
from vanban.pipeline.output import write_atomic
from vanban.repo import display, git

MANIFEST_NAME = ".vanban-manifest.json"
#: Where the folder lock lives when the file system cannot lock the folder itself (see ``locked``).
LOCK_NAME = ".vanban-manifest.lock"
FORMAT_VERSION = 1
#: Largest manifest read, in bytes. One notice's entry takes about 830 bytes (the seed's, with
#: both formats), so 32 MiB holds some 40,000 notices, far more than an office's output folder;
#: the bound keeps ``--manifest /dev/zero`` or a huge file from being read without end.
MANIFEST_LIMIT = 32 * 1024 * 1024

Entry = dict[str, Any]


def sha256_bytes(data: bytes) -> str:
    """Return the hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """Return the hex SHA-256 of the file at ``path``."""
    return sha256_bytes(path.read_bytes())


def _ignored(name: str) -> bool:
    """Tell editor litter (hidden files, backups) apart from real template or font files."""
    return name.startswith(".") or name.endswith("~")


def tree_files(folders: Sequence[Path]) -> dict[str, Path]:
    """Return ``{relative name: file}`` over ``folders``, the first folder winning (search-path order)."""
    found: dict[str, Path] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder).as_posix()
            if path.is_file() and not any(_ignored(part) for part in rel.split("/")):
                found.setdefault(rel, path)
    return found


def tree_hash(folders: Sequence[Path]) -> str:
    """Return one hash over the effective files of ``folders`` (names and bytes)."""
    digest = hashlib.sha256()
    for name, path in sorted(tree_files(folders).items()):
        digest.update(f"{name}\0{sha256_file(path)}\n".encode())
    return digest.hexdigest()


def fonts_hash() -> str:
    """Return the hash of the bundled fonts (they change every line break and every glyph)."""
    return tree_hash([FONT_DIR])


def code_hash() -> str:
    """Return the hash of vanban's own modules.

    Why besides the version: an editable install changes code without changing the version
    number, and outputs rendered by older code must not be kept as current.
    """
    digest = hashlib.sha256()
    package = Path(__file__).parents[1]
    for path in sorted(package.rglob("*.py")):
        digest.update(f"{path.relative_to(package).as_posix()}\0{sha256_file(path)}\n".encode())
    return digest.hexdigest()


#: Python distributions whose versions change the bytes of a PDF or .docx made from the same inputs.
SHAPING_PACKAGES = ("weasyprint", "pydyf", "fonttools", "docxtpl", "python-docx", "lxml", "jinja2")
#: System libraries WeasyPrint loads (shaping, line breaking, font subsetting and matching):
#: (name in the manifest, shared object, function returning the version).
SHAPING_LIBRARIES = (
    ("pango", "libpango-1.0.so.0", "pango_version_string"),
    ("harfbuzz", "libharfbuzz.so.0", "hb_version_string"),
    ("harfbuzz-subset", "libharfbuzz-subset.so.0", None),
    ("fontconfig", "libfontconfig.so.1", "FcGetVersion"),
)
#: Shown for a library that is not installed or whose version cannot be read.
ABSENT = "-"


def _system_library(soname: str, function: str | None) -> str:
    """Return the version of the shared library ``soname`` by calling its version ``function``.

    Why ctypes rather than WeasyPrint's own bindings: importing WeasyPrint costs a third of a
    second, too much for a rebuild that finds nothing to do; dlopen of the same soname gives
    the library WeasyPrint loads. harfbuzz-subset has no version function: it is the version
    of harfbuzz when present (without it fontTools subsets fonts and stamps the clock into them).
    """
    import ctypes

    try:
        library = ctypes.CDLL(soname)
        if function is None:
            return _system_library("libharfbuzz.so.0", "hb_version_string")
        call = getattr(library, function)
        if function == "FcGetVersion":  # an int: 21401 is 2.14.1
            number = int(call())
            return f"{number // 10000}.{number // 100 % 100}.{number % 100}"
        call.restype = ctypes.c_char_p
        return bytes(call()).decode("ascii")
    except (OSError, AttributeError, TypeError, ValueError):
        return ABSENT


@functools.cache
def _library_versions() -> tuple[tuple[str, str], ...]:
    from importlib.metadata import PackageNotFoundError, version

    found: dict[str, str] = {}
    for name in SHAPING_PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = ABSENT
    for name, soname, function in SHAPING_LIBRARIES:
        found[name] = _system_library(soname, function)
    import platform
    import zlib

    # Python's zlib deflates the PDF streams (pydyf) and the .docx zip. CPython's zipfile writes the
    # zip: only a feature release changes it, so the patch level is left out (no needless rebuilds).
    found["zlib"] = zlib.ZLIB_RUNTIME_VERSION
    found["python"] = ".".join(platform.python_version_tuple()[:2])
    return tuple(sorted(found.items()))


def library_versions() -> dict[str, str]:
    """Return ``{library: version}`` of everything installed that shapes the output bytes.

    Why cached: the versions cannot change while the process runs, and a build of a hundred
    notices asks once per notice. Only a build or verify asks, so ``vanban --help`` pays nothing.
    """
    return dict(_library_versions())


def shared_inputs(template_path: Sequence[Path]) -> dict[str, str]:
    """Return the inputs every notice shares: templates in use, bundled fonts, vanban version and code."""
    return {"templates": tree_hash(template_path), "fonts": fonts_hash(), "version": vanban.__version__,
            "code": code_hash()}


def source_label(source: Path, out_dir: Path) -> str:
    """Return how the manifest names ``source``: relative to the project (the output folder's parent).

    Why: the manifest must not depend on the folder the build was started from, and it should
    stay valid when the project is checked out elsewhere.
    """
    resolved = source.resolve()
    try:
        return resolved.relative_to(out_dir.resolve().parent).as_posix()
    except ValueError:
        return str(resolved)


def source_path(label: str, manifest_path: Path) -> Path:
    """Return the content file a manifest ``label`` names (inverse of ``source_label``)."""
    path = Path(label)
    return path if path.is_absolute() else manifest_path.resolve().parent.parent / path


class ManifestError(VanbanError):
    """Raise when a manifest is missing or is not one vanban wrote (not a file, too large, not JSON, wrong shape)."""


def _is_hashes(value: object) -> bool:
    """Tell whether ``value`` is ``{name: text}``, the shape of an entry's inputs and outputs."""
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def _notices(document: object) -> dict[str, Entry] | None:
    """Return the entries of a parsed manifest, or None when its shape is not the one vanban writes."""
    if not isinstance(document, dict) or document.get("format") != FORMAT_VERSION:
        return None
    notices = document.get("notices")
    if not isinstance(notices, dict):
        return None
    for entry in notices.values():
        if not isinstance(entry, dict) or not _is_hashes(entry.get("inputs")) or not _is_hashes(entry.get("outputs")):
            return None
    return notices


@contextlib.contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    """Hold the exclusive lock of the existing folder ``out_dir`` (waiting for another build to release it).

    Why: two builds into one folder each read the manifest when they start and wrote it when
    they ended, so the second dropped what the first recorded and ``verify`` then called the
    first one's genuine outputs tampered. Writing outputs and manifest under this lock keeps
    them in agreement. The folder itself is locked, so no lock file is left among the outputs;
    where the file system cannot lock a folder (NFS emulates flock with write locks, which
    need a file open for writing), a lock file in the folder is used instead.
    """
    try:
        import fcntl
    except ImportError:  # not POSIX: builds into one folder are not serialised there
        yield
        return
    fd = -1
    try:
        fd = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:
            os.close(fd)
            fd = os.open(out_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
            fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError as exc:
        if fd >= 0:
            os.close(fd)
        raise OutputError(_("{path}: không khóa được thư mục đầu ra ({reason})").format(
            path=out_dir, reason=exc.strerror)) from None
    try:
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


@dataclass
class Manifest:
    """The build record of one output folder: ``{stem: entry}``."""

    path: Path
    notices: dict[str, Entry]

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """Read the manifest at ``path``; raise ManifestError saying why it is not one vanban wrote."""
        shown = display(path)
        try:
            data = read_regular(path, MANIFEST_LIMIT)
        except FileNotFoundError:
            raise ManifestError(_("{path}: không có tệp kê khai").format(path=shown)) from None
        except NotRegularFile:
            raise ManifestError(_("{path}: tệp kê khai không phải tệp thường").format(path=shown)) from None
        except TooLarge:
            raise ManifestError(_("{path}: tệp kê khai lớn hơn {limit} MiB").format(
                path=shown, limit=MANIFEST_LIMIT >> 20)) from None
        except OSError as exc:
            raise ManifestError(_("{path}: không đọc được tệp kê khai ({reason})").format(
                path=shown, reason=exc.strerror)) from None
        damaged = _("tệp kê khai hỏng; chạy lại vanban build --force để ghi lại")
        try:
            document = json.loads(data)
        except json.JSONDecodeError as exc:
            raise ManifestError(f"{shown}:{exc.lineno}:{exc.colno}: {damaged} ({exc.msg})") from None
        except (ValueError, RecursionError):  # bad UTF-8, a number too long, nesting too deep
            raise ManifestError(f"{shown}: {damaged}") from None
        notices = _notices(document)
        if notices is None:
            raise ManifestError(f"{shown}: {damaged}")
        return cls(path, notices)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """Read the manifest at ``path``; a missing or damaged one is empty (everything rebuilds)."""
        try:
            return cls.read(path)
        except ManifestError:
            return cls(path, {})

    @classmethod
    def of(cls, out_dir: Path) -> Manifest:
        """Read the manifest of the output folder ``out_dir``."""
        return cls.load(out_dir / MANIFEST_NAME)

    def is_current(self, stem: str, inputs: Mapping[str, str], outputs: Iterable[str]) -> bool:
        """Tell whether ``stem`` was built from exactly ``inputs`` and libraries and its ``outputs`` are intact."""
        entry = self.notices.get(stem)
        if entry is None or entry.get("inputs") != dict(inputs) or entry.get("libraries") != library_versions():
            return False
        recorded = entry["outputs"]
        for name in outputs:
            target = self.path.parent / name
            if name not in recorded or not target.is_file() or sha256_file(target) != recorded[name]:
                return False
        return True

    def record(self, stem: str, inputs: Mapping[str, str], outputs: Mapping[str, bytes]) -> None:
        """Record that ``outputs`` were just written for ``stem`` from ``inputs``."""
        old = self.notices.get(stem, {})
        libraries = library_versions()
        kept: dict[str, str] = {}
        if old.get("inputs") == dict(inputs) and old.get("libraries") == libraries:
            # other formats built earlier from the same inputs and libraries stay valid
            kept = {k: v for k, v in old["outputs"].items() if k not in outputs}
        kept.update({name: sha256_bytes(data) for name, data in outputs.items()})
        self.notices[stem] = {"inputs": dict(inputs), "libraries": libraries, "outputs": kept}

    def dumps(self) -> str:
        """Return the manifest as deterministic JSON (sorted keys), so equal builds give equal bytes."""
        data = {"format": FORMAT_VERSION, "notices": self.notices}
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    def save(self) -> None:
        """Write the manifest atomically (a build killed half-way leaves the old one whole).

        Read, record and save under ``locked``: another build may have saved since this one read.
        """
        try:
            write_atomic(self.path, self.dumps().encode("utf-8"))
        except OSError as exc:
            raise OutputError(_("{path}: không ghi được tệp kê khai ({reason})").format(
                path=self.path, reason=exc.strerror)) from None


@dataclass(frozen=True)
class Origin:
    """Where a verified output came from."""

    output: Path
    name: str
    source: Path
    content_matches: bool
    revision: str | None
    clean: bool | None
    revision_matches: str | None


def _git_info(source: Path, content_hash: str) -> tuple[str | None, bool | None, str | None]:
    """Return (last commit touching ``source``, working copy clean?, commit whose blob has ``content_hash``)."""
    folder = source.parent
    if not folder.is_dir() or git(["rev-parse", "--is-inside-work-tree"], folder) is None:
        return None, None, None
    log = git(["log", "-1", "--format=%H", "--", source.name], folder)
    revision = (log.stdout.decode().strip() or None) if log else None
    status = git(["status", "--porcelain", "--", source.name], folder)
    clean = None if status is None else not status.stdout.strip()
    matching = None
    history = git(["log", "--format=%H", "-n", "200", "--", source.name], folder)
    for rev in history.stdout.decode().split() if history else []:
        blob = git(["show", "--end-of-options", f"{rev}:./{source.name}"], folder)
        if blob is not None and sha256_bytes(blob.stdout) == content_hash:
            matching = rev
            break
    return revision, clean, matching


def verify(output: Path, manifest_path: Path | None = None) -> Origin | None:
    """Return where ``output`` came from per the manifest, or None when it matches no recorded output.

    Raise ManifestError when the manifest given, or the one beside ``output``, is not whole.
    """
    if not output.is_file():
        raise UsageError(_("không tìm thấy tệp {file}").format(file=output))
    path = manifest_path or output.parent / MANIFEST_NAME
    if manifest_path is None and not path.exists() and not path.is_symlink():
        return None  # nothing was built into this folder: the output matches no recorded one
    manifest = Manifest.read(path)  # a manifest named by the user, or one that is there, must be whole
    digest = sha256_file(output)
    for stem, entry in sorted(manifest.notices.items()):
        for name, recorded in sorted(entry["outputs"].items()):
            if recorded != digest:
                continue
            inputs = entry["inputs"]
            source = source_path(inputs.get("source", stem), manifest.path)
            content_hash = str(inputs.get("content", ""))
            matches = source.is_file() and sha256_file(source) == content_hash
            revision, clean, matching = _git_info(source, content_hash)
            return Origin(output, name, source, matches, revision, clean, matching)
    return None


def library_differences(output: Path, manifest_path: Path | None = None) -> list[tuple[str, str, str]]:
    """Return ``(library, recorded, installed)`` where the manifest entries of ``output`` record another version.

    Why: an output that matches no recorded hash is not necessarily modified; it may have been
    made from the same content under other libraries (a lock update, another machine). The
    entries looked at are those that wrote a file of ``output``'s name, else (a renamed copy)
    every entry. Empty when the versions agree or the manifest records none (an older vanban).
    """
    manifest = Manifest.load(manifest_path or output.parent / MANIFEST_NAME)
    entries = [e for e in manifest.notices.values() if output.name in e.get("outputs", {})]
    installed = library_versions()
    found: set[tuple[str, str, str]] = set()
    for entry in entries or manifest.notices.values():
        recorded = entry.get("libraries")
        if not isinstance(recorded, dict):
            continue
        for name in sorted(set(recorded) | set(installed)):
            was, now = str(recorded.get(name, ABSENT)), installed.get(name, ABSENT)
            if was != now:
                found.add((name, was, now))
    return sorted(found)
