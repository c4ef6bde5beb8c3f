"""Issue a notice: give it its number and date, archive exactly what is sent, commit it all at once.

Why: under ND30 the head of the body decides the numbering scheme [Điều 15.1.c] and
electronic documents are numbered by the e-office system [Điều 15.3]; the body also issues
many documents outside this repository. So vanban checks a number against what the
repository knows and proposes the next one, but never claims to own the sequence. Once
issued, a document never changes: the step writes the number and date into the YAML
(leaving the author's comments and layout alone), freezes every value that came from
``vanban.yaml`` into a snapshot beside the archived files, stores the exact PDF/A and .docx
bytes, appends a line to the register, and makes one git commit of all of it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from vanban.commands.archive import (
    Entry,
    archive_name,
    integrity_problems,
    issued,
    read_register,
    record,
    register_path,
    require_clean,
    sha256,
)
from vanban.commands.numbering import (
    Series,
    body_name,
    copy_duplicate_problems,
    entry_series,
    final_problems,
    numbering,
    series,
)
from vanban.errors import ContentError, Problem, UsageError
from vanban.i18n import _
from vanban.pipeline import rules
from vanban.pipeline.context import build_context
from vanban.pipeline.loader import Located, load_yaml
from vanban.pipeline.model import Frame
from vanban.pipeline.notice import Notice, load_notice, load_notices
from vanban.pipeline.render_docx import render_docx
from vanban.pipeline.render_pdf import render_pdf
from vanban.pipeline.templates import search_path
from vanban.repo import display, repository_root

#: Vietnam keeps UTC+7 all year (no daylight saving): the issue date is the date there.
VIETNAM = dt.timezone(dt.timedelta(hours=7))
#: What the archive keeps of an issued notice. PDF/A-2b, not 3b: the YAML source is archived
#: beside it as a snapshot in git, so nothing needs to be attached inside the PDF.
PDF_VARIANT = "pdf/a-2b"


def today() -> dt.date:
    """Return today's date in Vietnam (Asia/Ho_Chi_Minh)."""
    return dt.datetime.now(VIETNAM).date()


@dataclass(frozen=True)
class Issued:
    """What the issue step did: the number given, and every file it wrote and committed."""

    number: str
    day: dt.date
    files: tuple[Path, ...]
    commit: str


@dataclass(frozen=True)
class Proposal:
    """The next number as far as this repository knows, and what it was computed from."""

    so: int
    body: str
    year: int


def _taken(root: Path, model: Frame, notices: list[Notice], source: Path) -> dict[int, list[str]]:
    """Return the numbers already used in ``model``'s series: number → where (register line or file).

    The series is the body and year [R-NUM-3], for every kind (ND30's default), or for the
    document's kind alone when the office's profile says ``danh_so: theo_loai`` [Điều 15.1.c].
    """
    scheme = numbering(source)
    mine: Series = series(model, scheme)
    used: dict[int, list[str]] = {}
    entries, _problems = read_register(root)
    for entry in entries:
        if entry.su_kien == "phat_hanh" and entry_series(entry, scheme) == mine:
            used.setdefault(entry.so, []).append(f"{entry.number} ({entry.nguon})")
    for other in notices:
        if other.source.resolve() == source.resolve() or other.model.so is None:
            continue
        if series(other.model, scheme) == mine:
            used.setdefault(other.model.so, []).append(display(other.source))
    return used


def propose(path: Path, day: dt.date | None = None) -> Proposal:
    """Return the next number for the notice at ``path`` as far as this repository knows."""
    notice, root, notices = _load(path)
    model = notice.model.model_copy(update={"ngay": day or today()})
    body, year, _kind = series(model)
    assert year is not None
    taken = _taken(root, model, notices, path)
    return Proposal(max(taken, default=0) + 1, body, year)


def _load(path: Path) -> tuple[Notice, Path, list[Notice]]:
    root = repository_root(path.parent)
    notice, problems = load_notice(path)
    if notice is None:
        raise ContentError(problems)
    folder = root / "content" if (root / "content").is_dir() else root
    notices, _others = load_notices([folder])  # another file's problems are not this step's business
    return notice, root, notices


def issue(path: Path, number: int, day: dt.date | None = None, templates: Path | None = None) -> Issued:
    """Issue the notice at ``path`` as number ``number`` on ``day`` (default today in Vietnam).

    Raise UsageError when the repository is not a clean git work tree or the notice was
    issued already, ContentError when the notice cannot be issued (a blank, a number in
    use); nothing is written then.
    """
    day = day or today()
    _current, root, notices = _load(path)  # the file as it is must be a valid notice
    require_clean(root)  # before any check, so a dirty tree is the first thing said
    relative = path.resolve().relative_to(root.resolve()).as_posix()
    entries, _problems = read_register(root)  # integrity_problems below says what is wrong with it
    done = issued(entries, relative)
    if done is not None:
        message = _("{file} đã phát hành với số {number} ngày {day}; văn bản đã phát hành không được sửa")
        day_text = rules.short_date(dt.date.fromisoformat(done.ngay))
        raise UsageError(message.format(file=display(path), number=done.number, day=day_text))
    problems = [p for p in integrity_problems(root) if not p.warning]
    text = path.read_bytes().decode("utf-8")
    own, _unmerged = load_yaml(text, display(path))  # the file's own positions, not the profile's
    assert own is not None  # it loaded a moment ago
    if ("du_thao", "<key>") in own.marks:
        # Issued, it is a draft no more; a kind without a meeting took its year from du_thao [R-DATE-5].
        text = drop_field(text, own, "du_thao")
        own, _unmerged = load_yaml(text, display(path))
        assert own is not None
    new_text = set_fields(text, own, {"so": f"{number:02d}" if number < 10 else str(number),
                                                 "ngay": day.isoformat()})
    final, found = load_notice(path, raw=new_text.encode("utf-8"))
    problems += found
    if final is not None:
        problems += final_problems([final], [])
        used = _taken(root, final.model, notices, path)
        if number in used:
            problems.append(final.located.problem(("so",), _(
                "số {number} năm {year} đã dùng cho {where}; số tiếp theo theo kho này là {next}").format(
                number=rules.number_text(number), year=day.year, where=", ".join(used[number]),
                next=max(used) + 1), "R-NUM-3"))
    if final is None or any(not p.warning for p in problems):  # a warning alone never refuses
        raise ContentError(problems)
    return _write_and_commit(root, path, relative, new_text, final, templates)


def _write_and_commit(root: Path, path: Path, relative: str, new_text: str, notice: Notice,
                      templates: Path | None) -> Issued:
    """Render, write every file, append the register line and commit; undo the writes if the commit fails."""
    model = notice.model
    assert model.so is not None and model.ngay is not None
    ctx = build_context(model, path.stem)
    template_path = search_path(templates)
    outputs = {".pdf": render_pdf(ctx, template_path, PDF_VARIANT), ".docx": render_docx(ctx, template_path)}
    year = model.ngay.year
    names = {suffix: archive_name(year, model.so, model.symbol, suffix, bool(model.do_mat))
             for suffix in (*outputs, ".yaml")}
    snapshot = _snapshot(notice.located, model)
    files: dict[str, bytes] = {names[s]: data for s, data in outputs.items()}
    files[names[".yaml"]] = snapshot
    entry = Entry(
        su_kien="phat_hanh", co_quan=body_name(model), so=model.so, ky_hieu=model.symbol,
        ngay=model.ngay.isoformat(), loai=model.loai, trich_yeu=ctx.trich_yeu_text, nguoi_ky=ctx.ho_ten,
        noi_nhan=model.recipients, luu=ctx.noi_nhan[-1].removeprefix("- ").removeprefix("Lưu: ").rstrip("."),
        nguon=relative,
        tep={name: sha256(data) for name, data in files.items()},
        do_mat=model.do_mat or "",
    )
    message = f"Phát hành {entry.number} ngày {rules.short_date(model.ngay)}"
    commit = record(root, files, [entry], message, {path: new_text.encode("utf-8")})
    register = register_path(root)
    return Issued(entry.number, model.ngay, (path, *(root / n for n in files), register), commit)


def _snapshot(located: Located, model: Frame) -> bytes:
    """Return the notice as issued, every value from the profile included, as YAML."""
    data: dict[str, Any] = dict(located.data) if isinstance(located.data, dict) else {}
    # Data in the office's repository, so always Vietnamese (like the commit message).
    header = (f"# Bản chốt khi phát hành {model.cited_number}: mọi giá trị, kể cả những lấy từ vanban.yaml.\n"
              "# Không sửa tệp này: bản sao (sao y, sao lục, trích sao) dựng lại văn bản từ đây.\n")
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    return (header + body).encode("utf-8")


# --- writing the number and date into the author's YAML -----------------------------------

_KEY_LINE = re.compile(r"^(?P<key>[a-z_]+)\s*:(?P<rest>.*)$")


def set_fields(text: str, located: Located, values: dict[str, str]) -> str:
    """Return ``text`` with the top-level ``key: "value"`` of each of ``values`` set, all else untouched.

    A key already written has its value replaced on its own line (a trailing comment is
    kept); a missing key is inserted before the first top-level key. Why text, not a YAML
    dump: the author's comments, order and quoting are the author's.
    """
    lines = text.splitlines(keepends=True)
    first_key = min((m[0] for p, m in located.marks.items() if len(p) == 2 and p[1] == "<key>"), default=1)
    inserts: list[str] = []
    for key, value in values.items():
        mark = located.marks.get((key, "<key>"))
        new_line = f'{key}: "{value}"'
        if mark is None:
            inserts.append(new_line + "\n")
            continue
        index = mark[0] - 1
        match = _KEY_LINE.match(lines[index].rstrip("\r\n"))
        value_line = located.marks.get((key,), mark)[0]
        if match is None or value_line != mark[0] or match.group("rest").strip().startswith(("|", ">")):
            raise UsageError(_("không tự ghi được '{key}' vào tệp (giá trị nhiều dòng); hãy viết '{key}: \"{value}\"' "
                               "trên một dòng").format(key=key, value=value))
        comment = _trailing_comment(match.group("rest"))
        ending = lines[index][len(lines[index].rstrip("\r\n")):] or "\n"
        lines[index] = new_line + (f"  {comment}" if comment else "") + ending
    position = first_key - 1
    return "".join(lines[:position] + inserts + lines[position:])


def drop_field(text: str, located: Located, key: str) -> str:
    """Return ``text`` without the top-level ``key`` and its value (the lines indented under it), all else untouched."""
    lines = text.splitlines(keepends=True)
    start = located.marks[(key, "<key>")][0] - 1
    end = start + 1
    while end < len(lines) and (lines[end][:1] in (" ", "\t") or not lines[end].strip()):
        end += 1
    return "".join(lines[:start] + lines[end:])


def _trailing_comment(rest: str) -> str:
    """Return the ``# …`` comment after a one-line scalar value, or ""."""
    value = rest.strip()
    if value[:1] in ("'", '"'):
        close = value.find(value[0], 1)
        after = value[close + 1:] if close > 0 else ""
    else:
        found = re.search(r"\s#", " " + value)
        after = value[found.start():] if found else ""
    after = after.strip()
    return after if after.startswith("#") else ""


def problems_of_repository(paths: list[Path]) -> list[Problem]:
    """Return the archive problems of the repositories holding ``paths`` (for ``check``)."""
    out: list[Problem] = []
    for root in sorted({repository_root(p if p.is_dir() else p.parent) for p in paths}):
        if register_path(root).exists():
            # A copy number given twice shows only in the register, e.g. after a merge [R-NUM-3].
            out += integrity_problems(root) + copy_duplicate_problems(root)
    return out
