"""Keep exactly what was sent: the archive of issued documents and its append-only register.

Why: an issued document never changes. Re-rendering it later gives other bytes (another
profile, other library versions), so the issue step stores the exact bytes it produced in
``da-phat-hanh/<năm>/`` and records them in ``da-phat-hanh/so-dang-ky.jsonl``: one JSON line
per event (issued, and later signed or number-filled), each carrying the SHA-256 of the
line before it, so an edited or removed line breaks the chain. The archive is committed to
git with the YAML that produced it, so a new clone still has what was sent.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar

from vanban.commands.manifest import locked
from vanban.errors import Problem, UsageError
from vanban.files import read_regular
from vanban.i18n import _
from vanban.pipeline.output import write_atomic
from vanban.repo import display, git, repository_root

ARCHIVE_DIR = "da-phat-hanh"
REGISTER_NAME = "so-dang-ky.jsonl"
#: Largest register read (about 10,000 documents a year for 20 years stays far below).
MAX_REGISTER_BYTES = 64 * 1024 * 1024
#: Largest archived file read when verifying (a signed 200-page PDF is a few MB).
MAX_ARCHIVED_BYTES = 256 * 1024 * 1024
#: Events a register line records; ``sao`` is a copy (SAO Y, SAO LỤC, TRÍCH SAO) of the document
#: issued from ``nguon``, numbered in the copy series [Phụ lục I Phần II.II.1.c].
EVENTS = ("phat_hanh", "ky_so", "dien_so", "sao")


def sha256(data: bytes) -> str:
    """Return the hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Entry:
    """One line of the register: an issued document (or a later revision of its files).

    Field names are the văn thư's words, as in the outgoing register of Phụ lục IV.
    """

    su_kien: str  # phat_hanh | ky_so | dien_so
    co_quan: str  # the issuing body, as its name lines read
    so: int
    ky_hieu: str
    ngay: str  # ISO date of issue
    loai: str  # document type (thong_bao …)
    trich_yeu: str
    nguoi_ky: str  # the signer's name
    noi_nhan: tuple[str, ...]
    luu: str  # the file-copy line ("VT, VP (2)")
    nguon: str  # the content file, relative to the repository root
    tep: dict[str, str] = field(default_factory=dict)  # archived file (relative) → SHA-256
    truoc: str = ""  # SHA-256 of the register line before this one ("" for the first)
    do_mat: str = ""  # the độ mật of a secret document, numbered in its own series [Điều 15.2]

    #: Fields a line may leave out when empty: lines written before they existed stay valid, and
    #: a line without them is the same bytes as before, so the hash chain does not change.
    OPTIONAL: ClassVar[frozenset[str]] = frozenset({"do_mat"})

    @property
    def number(self) -> str:
        """Return ``153/TB-UBND``."""
        return f"{self.so:02d}/{self.ky_hieu}" if self.so < 10 else f"{self.so}/{self.ky_hieu}"

    @property
    def year(self) -> int:
        """Return the year the number belongs to [R-NUM-3]."""
        return int(self.ngay[:4])

    def line(self) -> str:
        """Return the entry as one canonical JSON line (sorted keys, UTF-8 text)."""
        data = {key: value for key, value in asdict(self).items() if value or key not in self.OPTIONAL}
        data["noi_nhan"] = list(self.noi_nhan)
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @classmethod
    def parse(cls, text: str) -> Entry:
        """Return the entry of one register line; raise ValueError when it is not one."""
        data: Any = json.loads(text)
        names = {f.name for f in fields(cls)}
        if not isinstance(data, dict) or not names - cls.OPTIONAL <= set(data) <= names:
            raise ValueError("fields")
        if data["su_kien"] not in EVENTS or not isinstance(data["so"], int) or not isinstance(data["tep"], dict):
            raise ValueError("values")
        data["noi_nhan"] = tuple(data["noi_nhan"])
        return cls(**data)


def register_path(root: Path) -> Path:
    """Return the register file of the repository at ``root``."""
    return root / ARCHIVE_DIR / REGISTER_NAME


def archive_name(entry_year: int, so: int, ky_hieu: str, suffix: str, secret: bool = False) -> str:
    """Return ``da-phat-hanh/2026/153-TB-UBND.pdf``: where an issued file is kept (relative to the root).

    A secret document's files are ``…-TB-UBND-mat.pdf``: its number runs in a series of its own
    [Điều 15.2], so "05/TB-UBND" may name one secret and one ordinary document of a year.
    """
    number = f"{so:02d}" if so < 10 else str(so)
    return f"{ARCHIVE_DIR}/{entry_year}/{number}-{ky_hieu.replace('/', '-')}{'-mat' if secret else ''}{suffix}"


def _lines(text: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield number, line


def read_register(root: Path) -> tuple[list[Entry], list[Problem]]:
    """Return the register's entries and the problems of its lines (a broken chain, a bad line)."""
    path = register_path(root)
    shown = f"{ARCHIVE_DIR}/{REGISTER_NAME}"
    try:
        text = read_regular(path, MAX_REGISTER_BYTES).decode("utf-8")
    except FileNotFoundError:
        return [], []
    except (OSError, UnicodeDecodeError):
        return [], [Problem(shown, 1, 1, "", _("không đọc được sổ đăng ký văn bản đi"))]
    entries: list[Entry] = []
    problems: list[Problem] = []
    previous = ""
    earlier: dict[str, int] = {"": 0}  # SHA-256 of each line before → its line number ("": none yet)
    for number, line, entry in _parsed(text):
        if entry is None:
            problems.append(Problem(shown, number, 1, "", _("dòng sổ đăng ký bị hỏng hoặc bị sửa tay")))
            previous = sha256(line.encode("utf-8"))
            earlier.setdefault(previous, number)
            continue
        if entry.truoc != previous and entry.truoc in earlier:
            # Two git branches each appended after the same line, then were merged: nothing was
            # edited, so it is said, never a refusal (every later issue would be refused for
            # good). What such a merge can break, a number given twice, is checked on its own.
            after = _("dòng {line}").format(line=earlier[entry.truoc]) if entry.truoc else _("đầu sổ")
            problems.append(Problem(shown, number, 1, "", _(
                "sổ đăng ký rẽ nhánh: dòng này ghi nối sau {after}, không phải dòng ngay trước (hai nhánh git "
                "cùng ghi thêm vào sổ rồi được gộp)").format(after=after), warning=True))
        elif entry.truoc != previous:
            problems.append(Problem(shown, number, 1, "", _(
                "sổ đăng ký bị sửa: dòng trước dòng này đã bị sửa hoặc xóa (sổ chỉ được ghi thêm)")))
        entries.append(entry)
        previous = sha256(line.encode("utf-8"))
        earlier.setdefault(previous, number)
    return entries, problems


def numbered(root: Path) -> list[tuple[int, Entry]]:
    """Return each readable register line with its line number, for problems located on the line.

    Lines that are not entries are left out: ``read_register`` reports them.
    """
    try:
        text = read_regular(register_path(root), MAX_REGISTER_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return [(number, entry) for number, _line, entry in _parsed(text) if entry is not None]


def _parsed(text: str) -> Iterator[tuple[int, str, Entry | None]]:
    """Yield each line of the register with its number and its entry (None for a line that is not one)."""
    for number, line in _lines(text):
        try:
            yield number, line, Entry.parse(line)
        except (ValueError, TypeError, KeyError):
            yield number, line, None


def next_link(root: Path) -> str:
    """Return the ``truoc`` value of the next line: the SHA-256 of the register's last line."""
    try:
        text = read_regular(register_path(root), MAX_REGISTER_BYTES).decode("utf-8")
    except FileNotFoundError:
        return ""
    lines = [line for _, line in _lines(text)]
    return sha256(lines[-1].encode("utf-8")) if lines else ""


def integrity_problems(root: Path) -> list[Problem]:
    """Return why the archive cannot be trusted: an edited or removed register line, a changed file.

    A committed register line must still be there, unchanged (the working file must begin
    with the committed one), and every archived file must have the bytes its line records.
    """
    entries, problems = read_register(root)
    shown = f"{ARCHIVE_DIR}/{REGISTER_NAME}"
    committed = git(["show", f"HEAD:./{ARCHIVE_DIR}/{REGISTER_NAME}"], root)
    if committed is not None:
        current = register_path(root).read_bytes() if register_path(root).is_file() else b""
        if not current.startswith(committed.stdout):
            line = _first_difference(committed.stdout, current)
            problems.append(Problem(shown, line, 1, "", _(
                "dòng đã commit của sổ đăng ký bị sửa hoặc xóa; sổ chỉ được ghi thêm (xem git diff)")))
    for entry in entries:
        for name, digest in sorted(entry.tep.items()):
            found = _archived(root, name, digest, entry)
            if isinstance(found, Problem):
                problems.append(found)
    return problems


def _archived(root: Path, name: str, digest: str, entry: Entry) -> bytes | Problem:
    """Return the bytes of the archived file ``name`` if they are those its register line records."""
    try:
        data = read_regular(root / name, MAX_ARCHIVED_BYTES)
    except OSError:
        return Problem(name, 1, 1, "", _("thiếu tệp lưu của văn bản {number}").format(number=entry.number))
    if sha256(data) != digest:
        return Problem(name, 1, 1, "", _("tệp lưu của văn bản {number} đã bị thay đổi sau khi phát hành").format(
            number=entry.number))
    return data


def _first_difference(old: bytes, new: bytes) -> int:
    old_lines, new_lines = old.splitlines(), new.splitlines()
    for number, line in enumerate(old_lines, start=1):
        if number > len(new_lines) or new_lines[number - 1] != line:
            return number
    return len(old_lines) + 1


@dataclass(frozen=True)
class Match:
    """An archived document a file is, or began as (an earlier revision of a signed PDF)."""

    entry: Entry
    name: str  # the archived file it matches
    exact: bool  # False: the file is a later revision (incremental update) of the archived one


def find(root: Path, data: bytes) -> Match | None:
    """Return the archived file ``data`` is, or whose revision it extends, or None.

    Why revisions: a signature is an incremental update appended to the PDF; the signed
    file begins with the bytes that were archived, up to and including a ``%%EOF`` line.
    """
    entries, _problems = read_register(root)
    digest = sha256(data)
    prefixes = {sha256(data[:end]) for end in _eof_ends(data)}
    for entry in reversed(entries):
        for name, recorded in sorted(entry.tep.items()):
            if recorded == digest:
                return Match(entry, name, True)
    for entry in reversed(entries):
        for name, recorded in sorted(entry.tep.items()):
            if recorded in prefixes:
                return Match(entry, name, False)
    return None


def _eof_ends(data: bytes) -> list[int]:
    """Return the lengths at which a PDF revision may end: after each ``%%EOF``, with or without its line end.

    Why both: a writer may or may not end the line after ``%%EOF``, and the update appended
    after it may itself begin with a line end.
    """
    ends: list[int] = []
    start = 0
    while (found := data.find(b"%%EOF", start)) >= 0:
        end = found + 5
        ends.append(end)
        for eol in (b"\r\n", b"\n", b"\r"):
            if data.startswith(eol, end):
                ends.append(end + len(eol))
                break
        start = end
    return ends


def latest_pdf(entries: Sequence[Entry], source: str) -> str | None:
    """Return the archived PDF that is the latest revision of the document issued from ``source``."""
    latest = None
    for entry in entries:
        if entry.nguon != source or entry.su_kien == "sao":  # a copy is no revision of the original
            continue
        for name in entry.tep:
            if name.endswith(".pdf") and "-phu-luc-" not in name:
                latest = name
    return latest


def issued_outputs(source: Path, formats: Sequence[str]) -> tuple[dict[str, bytes], list[Problem]] | None:
    """Return the archived outputs of the issued notice ``source`` as ``{stem.fmt: bytes}``, or None if not issued.

    Why: ``build`` never renders an issued notice again — another profile or other library
    versions would give other bytes than those sent. The PDF is the latest archived revision
    (signed, if it was); each file is checked against its register line first.
    """
    root = repository_root(source.resolve().parent)
    if not register_path(root).is_file():
        return None
    entries, _problems = read_register(root)
    relative = source.resolve().relative_to(root.resolve()).as_posix()
    entry = issued(entries, relative)
    if entry is None:
        return None
    names = {"pdf": latest_pdf(entries, relative),
             "docx": next((n for n in entry.tep if n.endswith(".docx")), None)}
    digests = {name: digest for e in entries if e.nguon == relative for name, digest in e.tep.items()}
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    for fmt in formats:
        name = names.get(fmt)
        if name is None:
            continue
        found = _archived(root, name, digests[name], entry)
        if isinstance(found, Problem):
            problems.append(found)
        else:
            files[f"{source.stem}.{fmt}"] = found
    return files, problems


def issued(entries: Sequence[Entry], source: str) -> Entry | None:
    """Return the issue entry of the content file ``source`` (relative to the root), or None."""
    for entry in entries:
        if entry.su_kien == "phat_hanh" and entry.nguon == source:
            return entry
    return None


# --- recording: archive files, register lines and the sources, in one commit --------------


def require_clean(root: Path) -> None:
    """Raise UsageError unless ``root`` is inside a git work tree with nothing uncommitted."""
    inside = git(["rev-parse", "--is-inside-work-tree"], root)
    if inside is None:
        raise UsageError(_("{folder} không phải kho git; phát hành cần git để lưu vết").format(folder=display(root)))
    status = git(["status", "--porcelain", "--untracked-files=no"], root)
    if status is None or status.stdout.strip():
        raise UsageError(_("kho git còn thay đổi chưa commit; hãy commit hoặc bỏ các thay đổi trước khi phát hành"))


def _commit(root: Path, names: list[str], message: str) -> str:
    """Commit exactly ``names`` (relative to ``root``); return the new commit id."""
    if git(["add", "--", *names], root) is None:
        raise UsageError(_("git add không thành công"))
    if git(["commit", "-q", "-m", message, "--", *names], root) is None:
        raise UsageError(_("git commit không thành công (đã đặt git config user.name và user.email chưa?)"))
    head = git(["rev-parse", "HEAD"], root)
    return head.stdout.decode().strip() if head else ""


def record(root: Path, files: Mapping[str, bytes], entries: Sequence[Entry], message: str,
           edits: Mapping[Path, bytes] | None = None) -> str:
    """Archive ``files`` (relative names), apply ``edits`` to sources, append ``entries`` (chained), commit.

    Why one step, under the archive's lock: two clerks issuing at once must not lose a
    register line, and a failed commit must leave nothing behind — every file written is
    removed and every source and the register are put back, so the work tree is as it was.
    Returns the commit id.
    """
    folder = root / ARCHIVE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    register = register_path(root)
    with locked(folder):
        require_clean(root)
        old_register = register.read_bytes() if register.is_file() else b""
        originals = {path: path.read_bytes() for path in (edits or {})}
        previous = next_link(root)
        lines: list[str] = []
        for entry in entries:
            lines.append(dataclasses.replace(entry, truoc=previous).line())
            previous = sha256(lines[-1].encode("utf-8"))
        written: list[Path] = []
        try:
            for name, data in files.items():
                target = root / name
                if target.exists():
                    raise UsageError(_("{file} đã có trong kho lưu; bước này đã làm rồi").format(file=name))
                target.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(target, data)
                written.append(target)
            for path, data in (edits or {}).items():
                write_atomic(path, data)
            write_atomic(register, old_register + "".join(line + "\n" for line in lines).encode("utf-8"))
            names = [*files, *(p.resolve().relative_to(root.resolve()).as_posix() for p in edits or {})]
            return _commit(root, [*names, register.relative_to(root).as_posix()], message)
        except BaseException:
            for target in written:
                target.unlink(missing_ok=True)
            for path, data in originals.items():
                write_atomic(path, data)
            if old_register:
                write_atomic(register, old_register)
            else:
                register.unlink(missing_ok=True)
            raise
