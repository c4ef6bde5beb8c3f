"""Which series a document is numbered in, and the checks of its number: used twice, or missing in a final.

Why apart from the register: numbering runs from 01 on 1 January to 31 December, and two
documents of one series never share a number [R-NUM-3, T-06]; ``issue``, ``copy``, ``check``
and ``build --final`` ask these questions, and the register only shows their answers. A series
is a body and a year, and a kind when the office numbers each kind apart [Điều 15.1.c]; secret
documents number apart [Điều 15.2], and copies have one yearly series of their own
[Phụ lục I Phần II.II.1.c].
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from vanban.commands.archive import ARCHIVE_DIR, REGISTER_NAME, Entry, numbered
from vanban.errors import ContentError, Problem
from vanban.i18n import _
from vanban.pipeline import rules
from vanban.pipeline.copy_block import NAMES
from vanban.pipeline.kinds import KINDS
from vanban.pipeline.model import Frame
from vanban.pipeline.notice import Notice, load, load_notices
from vanban.pipeline.profile import find_entry, load_profile
from vanban.pipeline.validate.nd30 import heading_warnings
from vanban.pipeline.validate.text import walk_strings
from vanban.repo import display, repository_root

#: A numbering series: the issuing body, the year, and the kind when each kind is numbered apart
#: (or SECRET for the documents with state secrets).
Series = tuple[str, int | None, str]
#: The third part of the series of secret documents, whatever their kind [Điều 15.2; R-NUM-3].
SECRET = "mat"
#: The numbering schemes an office may choose in vanban.yaml's ``danh_so`` [Điều 15.1.c].
SCHEMES = ("chung", "theo_loai")


def body_name(notice: Frame) -> str:
    """Return the issuing body's identity: its chủ quản and name lines, upper-cased."""
    return " ".join(rules.upper_vi(x) for x in (*notice.co_quan.chu_quan, *notice.co_quan.ten))


def notice_year(notice: Frame) -> int | None:
    """Return the year a notice's number belongs to: its issue year, else its meeting's [R-NUM-3]."""
    day = notice.reference_date
    return day.year if day else None


def series(document: Frame, scheme: str = "chung") -> Series:
    """Return a document's numbering series: its body and year [R-NUM-3], and its kind if numbered apart.

    Why a scheme: the head of the body decides the numbering [Điều 15.1.c]; one sequence for
    every kind is ND30's default (``danh_so: chung``), ``theo_loai`` gives each kind its own.
    Secret documents (``do_mat``) have a series of their own under either scheme [Điều 15.2].
    An advisory body that issues with the body's seal (a Hội đồng, Ban, Tổ written as the
    issuing body, ``co_quan``) is a body of its own here, so it has its own series too
    [Phụ lục I, II.1.c; R-NUM-3].
    """
    own = SECRET if document.do_mat else document.loai if scheme == "theo_loai" else ""
    return body_name(document), notice_year(document), own


def entry_series(entry: Entry, scheme: str = "chung") -> tuple[str, int, str]:
    """Return the numbering series of an archived register line, as ``series`` gives the document's."""
    own = SECRET if entry.do_mat else entry.loai if scheme == "theo_loai" else ""
    return entry.co_quan, entry.year, own


def series_name(own: str) -> str:
    """Return how the register names a series apart: the kind's name, "Văn bản mật", or "" (one series)."""
    if own == SECRET:
        return "Văn bản mật"
    return KINDS[own].name if own in KINDS else ""


def numbering(start: Path) -> str:
    """Return the numbering scheme (``danh_so``) of the office profile governing ``start``; ``chung`` without one.

    A broken profile counts as the default: loading the documents reports its problems.
    """
    path = find_entry(start)
    located = load_profile(path, display(path))[0] if path is not None and path.is_file() else None
    value = located.data.get("danh_so") if located is not None and isinstance(located.data, dict) else None
    return value if value in SCHEMES else "chung"


def office_schemes(notices: Iterable[Notice]) -> dict[Path, str]:
    """Return the numbering scheme of each document's office (the profile read once per folder)."""
    by_folder: dict[Path, str] = {}
    out: dict[Path, str] = {}
    for notice in notices:
        folder = notice.source.resolve().parent
        if folder not in by_folder:
            by_folder[folder] = numbering(folder)
        out[notice.source] = by_folder[folder]
    return out


@dataclass(frozen=True)
class Clash:
    """Copy lines of one body and year that share a number [R-NUM-3]: each line's number and entry."""

    lines: tuple[tuple[int, Entry], ...]

    @property
    def last(self) -> tuple[int, Entry]:
        """Return the line written last (after a merge, the one the other branch brought)."""
        return self.lines[-1]


def archived_file(entry: Entry) -> str:
    """Return the archived file a register line names first: its PDF, else any file."""
    return next((n for n in sorted(entry.tep) if n.endswith(".pdf")), next(iter(sorted(entry.tep)), ""))


def _copy_key(entry: Entry) -> tuple[str, str, str, str]:
    """Return what makes a copy the same copy again: copying body, original, form and selection."""
    return entry.co_quan, entry.nguon, entry.loai, entry.trich_yeu


def copy_series(root: Path, body: str, year: int) -> list[tuple[int, Entry]]:
    """Return the copies ``body`` made in ``year``, with their register lines: one series for SY, SL and TrS.

    [Phụ lục I Phần II.II.1.c]
    """
    return [(n, e) for n, e in numbered(root) if e.su_kien == "sao" and e.co_quan == body and e.year == year]


def copy_clashes(lines: Sequence[tuple[int, Entry]]) -> tuple[list[Clash], dict[int, Entry]]:
    """Return the copy numbers used twice in a series, and for each copy made again, its new line.

    Why "made again": an issued copy never changes, so a number given twice (two clerks on two
    git branches) is mended by copying one of them again with a free number and sending that
    instead; the later line with the same original, form and selection shows it was done.
    The clash is gone when at most one of its copies was not made again.
    """
    copies = [(n, e) for n, e in lines if e.su_kien == "sao"]
    groups: dict[tuple[str, int, int], list[tuple[int, Entry]]] = defaultdict(list)
    for number, entry in copies:
        groups[(entry.co_quan, entry.year, entry.so)].append((number, entry))
    remade: dict[int, Entry] = {}
    # Only a copy made again after its number was taken twice counts: the same copy made twice on
    # purpose (for other recipients) before the clash is two copies.
    for group in (g for g in groups.values() if len(g) > 1):
        since = group[-1][0]
        for number, entry in group:
            later = [e for n, e in copies if n > since and _copy_key(e) == _copy_key(entry) and e.so != entry.so]
            if later:
                remade[number] = later[0]
    clashes = [Clash(tuple(group)) for group in groups.values()
               if len(group) > 1 and sum(1 for n, _e in group if n not in remade) > 1]
    return clashes, remade


def cited_original(entry: Entry) -> tuple[str, str]:
    """Return what a copy line says of its original ("Thông báo số 03/TB-UBND ngày 01/02/2024") and parts."""
    rest = entry.trich_yeu.removeprefix(f"{NAMES.get(entry.loai, '')} ")
    found = re.match(r"^(.*? ngày \d\d/\d\d/\d{4})(?: \((.*)\))?$", rest)
    return (found.group(1), found.group(2) or "") if found else (rest, "")


def copy_duplicate_problems(root: Path) -> list[Problem]:
    """Return a located problem for each copy number given twice in a copying body's yearly series.

    Why in ``check``: two clerks may each make copy 01 on their own branch; ``copy`` refuses
    a number its repository has seen, but after the merge only the register shows the clash
    [R-NUM-3; Phụ lục I Phần II.II.1.c]. Located on the line written last, naming every file.
    """
    out: list[Problem] = []
    shown = f"{ARCHIVE_DIR}/{REGISTER_NAME}"
    for clash in copy_clashes(numbered(root))[0]:
        line, entry = clash.last
        files = [archived_file(e) for _n, e in clash.lines]
        parts = cited_original(entry)[1]
        chosen = " ".join(f"--part {label.strip()}" for said in re.findall(r"(?:^|; )phần ([^;]*)", parts)
                          for label in said.split(","))
        unit = re.search(r"(?:^|; )giao (.*)$", parts)
        command = " ".join(x for x in ("vanban copy", entry.nguon, "--form", entry.loai, chosen,
                                       f'--unit "{unit.group(1)}"' if unit else "", "--next") if x)
        out.append(Problem(shown, line, 1, "so", _(
            "số bản sao {number} năm {year} đã dùng cho cả {files} (hai nhánh git cùng cấp số này rồi gộp lại); "
            "bản sao đã phát hành không sửa được: sao lại bản {copy} với số mới ({command}) và gửi bản mới "
            "thay bản trùng số").format(number=rules.number_text(entry.so), year=entry.year,
                                        files=_("{first} và {last}").format(first=", ".join(files[:-1]),
                                                                           last=files[-1]),
                                        copy=entry.number, command=command), "R-NUM-3"))
    return out


def final_problems(notices: Iterable[Notice], others: Iterable[tuple[str, Frame]]) -> list[Problem]:
    """Return why ``notices`` cannot be issued as finals: blanks, placeholders, a number in use.

    ``notices`` are the notices to issue, with their located data; ``others`` are every
    numbered notice of the content repository, so a number is checked against the whole year
    of the same body [R-NUM-3, T-06].
    """
    out: list[Problem] = []
    notices = list(notices)
    schemes = office_schemes(notices)
    others = list(others)
    used: dict[str, dict[tuple[Series, int], list[str]]] = {}  # per scheme: (series, number) → files
    for scheme in set(schemes.values()):
        used[scheme] = defaultdict(list)
        for source, other in others:
            key = series(other, scheme)
            if other.so is not None and key[1] is not None:
                used[scheme][(key, other.so)].append(source)
    for notice in notices:
        located, model = notice.located, notice.model
        if model.so is None:
            out.append(located.problem(("so",), _("bản chính thức phải có số văn bản"), "R-NUM-8"))
        if model.ngay is None:
            out.append(located.problem(("ngay",), _("bản chính thức phải có ngày ban hành"), "R-DATE-5"))
        out.extend(heading_warnings(located))  # [T-17] reported with any refusal, never one on its own
        for path, text in walk_strings(located.data):
            found = rules.placeholder(text)
            if found:
                out.append(located.problem(path, _("còn chỗ chưa điền '{text}'").format(text=found)))
        scheme = schemes[notice.source]
        key = series(model, scheme)
        year = key[1]
        if model.so is not None and year is not None:
            me = located.file
            clash = [s for s in used[scheme].get((key, model.so), []) if s != me]
            if clash:
                number = rules.number_text(model.so)
                message = _("số {number} năm {year} đã dùng cho {files}").format(
                    number=number, year=year, files=", ".join(sorted(clash)))
                out.append(located.problem(("so",), message, "R-NUM-3"))
    return out


def duplicate_problems(notices: Iterable[Notice]) -> list[Problem]:
    """Return a located problem for each notice whose number another notice of its body and year has.

    Why in ``check``: two clerks may each give the next number on their own branch; after
    the merge both files are valid alone, and only the set shows the clash [R-NUM-3, T-06].
    """
    notices = list(notices)
    schemes = office_schemes(notices)
    groups: dict[tuple[Series, int], list[Notice]] = defaultdict(list)
    for notice in notices:
        key = series(notice.model, schemes[notice.source])
        if notice.model.so is not None and key[1] is not None:
            groups[(key, notice.model.so)].append(notice)
    out: list[Problem] = []
    for ((_body, year, _loai), so), clash in groups.items():
        for notice in clash if len(clash) > 1 else []:
            others = ", ".join(sorted(display(n.source) for n in clash if n is not notice))
            out.append(notice.located.problem(("so",), _("số {number} năm {year} đã dùng cho {files}").format(
                number=rules.number_text(so), year=year, files=others), "R-NUM-3"))
    return out


def check_final(paths: Sequence[Path]) -> None:
    """Raise ContentError unless every notice under ``paths`` can be issued as a final [issue 4]."""
    notices = load(paths)
    roots = {repository_root(n.source.parent) for n in notices}
    others: dict[Path, Frame] = {n.source.resolve(): n.model for n in notices}
    for root in roots:
        folder = root / "content" if (root / "content").is_dir() else root
        # Other broken notices are not this build's business; the register shows them.
        for other in load_notices([folder])[0]:
            others.setdefault(other.source.resolve(), other.model)
    pairs = [(display(path), model) for path, model in others.items()]
    problems = final_problems(notices, pairs)
    if any(not p.warning for p in problems):
        raise ContentError(problems)
