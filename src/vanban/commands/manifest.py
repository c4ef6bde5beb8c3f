"""Record what each output was built from, decide what needs rebuilding, and verify outputs.

Why: an office rebuilds a folder of a hundred notices after editing one; only that one should
be rendered again. The manifest in the output folder keeps, per notice, the hashes of its
inputs (content file bytes, templates, bundled fonts, vanban version) and of its outputs, so a
later build can skip what is unchanged and ``vanban verify`` can say which content file (and
git revision) produced a given PDF or .docx.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import vanban
from vanban.errors import OutputError, UsageError
from vanban.i18n import _
from vanban.pipeline.fonts import FONT_DIR
from vanban.pipeline.output import write_atomic
from vanban.repo import git

MANIFEST_NAME = ".vanban-manifest.json"
FORMAT_VERSION = 1

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


@dataclass
class Manifest:
    """The build record of one output folder: ``{stem: entry}``."""

    path: Path
    notices: dict[str, Entry]

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """Read the manifest at ``path``; a missing or unreadable one is empty (everything rebuilds)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(path, {})
        if not isinstance(data, dict) or data.get("format") != FORMAT_VERSION:
            return cls(path, {})
        notices = data.get("notices")
        if not isinstance(notices, dict):
            return cls(path, {})
        return cls(path, {k: v for k, v in notices.items() if isinstance(v, dict)})

    @classmethod
    def of(cls, out_dir: Path) -> Manifest:
        """Read the manifest of the output folder ``out_dir``."""
        return cls.load(out_dir / MANIFEST_NAME)

    def is_current(self, stem: str, inputs: Mapping[str, str], outputs: Iterable[str]) -> bool:
        """Tell whether ``stem`` was built from exactly ``inputs`` and its ``outputs`` are intact on disk."""
        entry = self.notices.get(stem)
        if entry is None or entry.get("inputs") != dict(inputs):
            return False
        recorded = entry.get("outputs", {})
        for name in outputs:
            target = self.path.parent / name
            if name not in recorded or not target.is_file() or sha256_file(target) != recorded[name]:
                return False
        return True

    def record(self, stem: str, inputs: Mapping[str, str], outputs: Mapping[str, bytes]) -> None:
        """Record that ``outputs`` were just written for ``stem`` from ``inputs``."""
        old = self.notices.get(stem, {})
        kept: dict[str, str] = {}
        if old.get("inputs") == dict(inputs):  # other formats built earlier from the same inputs stay valid
            kept = {k: v for k, v in old.get("outputs", {}).items() if k not in outputs}
        kept.update({name: sha256_bytes(data) for name, data in outputs.items()})
        self.notices[stem] = {"inputs": dict(inputs), "outputs": kept}

    def dumps(self) -> str:
        """Return the manifest as deterministic JSON (sorted keys), so equal builds give equal bytes."""
        data = {"format": FORMAT_VERSION, "notices": self.notices}
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    def save(self) -> None:
        """Write the manifest atomically (a build killed half-way leaves the old one whole)."""
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
        blob = git(["show", f"{rev}:./{source.name}"], folder)
        if blob is not None and sha256_bytes(blob.stdout) == content_hash:
            matching = rev
            break
    return revision, clean, matching


def verify(output: Path, manifest_path: Path | None = None) -> Origin | None:
    """Return where ``output`` came from per the manifest, or None when it matches no recorded output."""
    if not output.is_file():
        raise UsageError(_("không tìm thấy tệp {file}").format(file=output))
    manifest = Manifest.load(manifest_path or output.parent / MANIFEST_NAME)
    digest = sha256_file(output)
    for stem, entry in sorted(manifest.notices.items()):
        for name, recorded in sorted(entry.get("outputs", {}).items()):
            if recorded != digest:
                continue
            inputs = entry.get("inputs", {})
            source = source_path(str(inputs.get("source", stem)), manifest.path)
            content_hash = str(inputs.get("content", ""))
            matches = source.is_file() and sha256_file(source) == content_hash
            revision, clean, matching = _git_info(source, content_hash)
            return Origin(output, name, source, matches, revision, clean, matching)
    return None
