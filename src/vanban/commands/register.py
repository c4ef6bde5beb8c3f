"""The number register, and the checks a notice must pass before it is issued as final.

Why: numbering runs from 01 on 1 January to 31 December and two documents of the same body
in the same year never share a number [R-NUM-3, T-06]. With every notice in git as data,
the register is computed instead of kept by hand.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vanban.commands.archive import Entry, read_register
from vanban.commands.sheet import Sheet, workbook_bytes
from vanban.errors import ContentError, Problem
from vanban.i18n import N_, _
from vanban.pipeline import rules
from vanban.pipeline.kinds import KINDS
from vanban.pipeline.model import Frame
from vanban.pipeline.notice import Notice, load, load_notices
from vanban.pipeline.profile import find_entry, load_profile
from vanban.pipeline.validate.nd30 import heading_warnings
from vanban.pipeline.validate.text import walk_strings
from vanban.repo import display, repository_root

#: The note of a numbered notice that ``vanban issue`` did not archive: data in the sheet
#: (always Vietnamese), translated on the terminal.
NOT_ISSUED = N_("chưa phát hành qua vanban issue")
#: The columns of the outgoing register [Phụ lục IV, I.2]; the sheet's headers, always Vietnamese.
COLUMNS = ("Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung văn bản", "Người ký",
           "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản", "Ngày chuyển", "Ký nhận", "Ghi chú",
           "Tệp")


@dataclass(frozen=True)
class Row:
    """One numbered document in the outgoing register, with the fields of Phụ lục IV."""

    so: int
    ky_hieu: str
    ngay: dt.date | None
    loai: str
    trich_yeu: str
    nguoi_ky: str
    noi_nhan: str
    luu: str
    so_ban: str
    source: str  # the content file (or the archive's record of it)
    issued: bool  # issued through ``vanban issue`` (its exact bytes are archived)
    note: str = ""  # "Ghi chú": why the row needs a look

    @property
    def number(self) -> str:
        """Return ``05/TB-UBND``."""
        return f"{rules.number_text(self.so)}/{self.ky_hieu}"


@dataclass(frozen=True)
class YearRegister:
    """What one body numbered in one year (in one kind's series): rows in number order, duplicates, holes, next."""

    co_quan: str
    nam: int
    rows: tuple[Row, ...]
    duplicates: tuple[int, ...]
    holes: tuple[str, ...]  # numbers taken whose file is gone, each with what the archive knows
    next_free: int
    loai: str = ""  # the kind, when the office numbers each kind apart (``danh_so: theo_loai``); SECRET
    chu_quan: tuple[str, ...] = ()  # the body's chủ quản lines, upper-cased, for the register's cover
    ten: tuple[str, ...] = ()  # the body's name lines, upper-cased (``co_quan`` joins both)


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


def _schemes(notices: Iterable[Notice]) -> dict[Path, str]:
    """Return the numbering scheme of each document's office (the profile read once per folder)."""
    by_folder: dict[Path, str] = {}
    out: dict[Path, str] = {}
    for notice in notices:
        folder = notice.source.resolve().parent
        if folder not in by_folder:
            by_folder[folder] = numbering(folder)
        out[notice.source] = by_folder[folder]
    return out


def _row(notice: Notice, entry: Entry | None) -> Row:
    model = notice.model
    assert model.so is not None
    copies = rules.recipient_lines(model.noi_nhan, model.luu.don_vi, model.luu.so_ban)[-1]
    luu = copies.removeprefix("- Lưu: ").rstrip(".")
    note = "" if entry is not None else NOT_ISSUED
    return Row(model.so, model.symbol, model.ngay, model.TYPE_NAME,
               model.summary, model.nguoi_ky.ho_ten, "; ".join(model.recipients),
               luu, str(model.luu.so_ban or ""), display(notice.source), entry is not None, note)


def build_register(notices: Iterable[Notice]) -> list[YearRegister]:
    """Return one register per series (body and year, and kind if numbered apart), with what was archived.

    A number the archive records whose content file is gone is a hole the register can
    explain; numbers never seen are not listed: the body issues documents outside this
    repository too [Điều 15.3], so a missing number proves nothing.
    """
    notices = list(notices)
    schemes = _schemes(notices)
    groups: dict[tuple[str, int, str], list[Row]] = defaultdict(list)
    holes: dict[tuple[str, int, str], list[tuple[int, str]]] = defaultdict(list)
    archives: dict[Path, list[Entry]] = {}
    apart: dict[Path, bool] = {}
    names: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}  # body → (chủ quản lines, name lines)
    for notice in notices:
        root = repository_root(notice.source.resolve().parent)
        if root not in archives:
            archives[root] = read_register(root)[0]
            apart[root] = schemes[notice.source] == "theo_loai"
        body, year, loai = series(notice.model, schemes[notice.source])
        names.setdefault(body, (tuple(rules.upper_vi(x) for x in notice.model.co_quan.chu_quan),
                                tuple(rules.upper_vi(x) for x in notice.model.co_quan.ten)))
        if notice.model.so is None or year is None:
            continue
        relative = _relative(notice.source, root)
        entry = next((e for e in archives[root] if e.su_kien == "phat_hanh" and e.nguon == relative), None)
        groups[(body, year, loai)].append(_row(notice, entry))
    for root, entries in archives.items():
        for entry in entries:
            if entry.su_kien == "phat_hanh" and not (root / entry.nguon).is_file():
                text = _("số {number}: đã phát hành ngày {day}, tệp nguồn {file} không còn (bản lưu vẫn còn)").format(
                    number=entry.number, day=rules.short_date(dt.date.fromisoformat(entry.ngay)), file=entry.nguon)
                holes[entry_series(entry, "theo_loai" if apart[root] else "chung")].append((entry.so, text))
    out: list[YearRegister] = []
    for key in sorted(set(groups) | set(holes)):
        rows = sorted(groups.get(key, []), key=lambda r: (r.so, r.source))
        numbers = [r.so for r in rows]
        duplicates = tuple(sorted({n for n in numbers if numbers.count(n) > 1}))
        gone = sorted(holes.get(key, []))
        highest = max([*numbers, *(so for so, _text in gone)], default=0)
        explained = tuple(text for _so, text in gone)
        chu_quan, ten = names.get(key[0], ((), (key[0],)))
        out.append(YearRegister(key[0], key[1], tuple(rows), duplicates, explained, highest + 1, key[2],
                                chu_quan, ten))
    return out


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def format_register(registers: list[YearRegister]) -> str:
    """Return the register as plain text (Vietnamese by default)."""
    if not registers:
        return _("Chưa có văn bản nào được đánh số.") + "\n"
    lines: list[str] = []
    for reg in registers:
        heading = _("{body} — năm {year}").format(body=reg.co_quan, year=reg.nam)
        lines.append(heading + (f" — {series_name(reg.loai)}" if series_name(reg.loai) else ""))
        for row in reg.rows:
            day = row.ngay.strftime("%d/%m/%Y") if row.ngay else _("(chưa có ngày)")
            mark = "  ← " + _("TRÙNG SỐ") + " [R-NUM-3]" if row.so in reg.duplicates else ""
            state = "" if row.issued else "  (" + _(row.note) + ")"
            lines.append(f"  {row.number}  {day}  {row.loai}: {_short(row.trich_yeu)}  {row.nguoi_ky}  "
                         f"{row.source}{state}{mark}")
        for hole in reg.holes:
            lines.append("  " + hole)
        if reg.duplicates:
            lines.append("  " + _("Số bị trùng: {numbers}").format(
                numbers=", ".join(rules.number_text(n) for n in reg.duplicates)))
        lines.append("  " + _("Số tiếp theo theo kho này: {number}").format(number=rules.number_text(reg.next_free)))
        lines.append("")
    return "\n".join(lines)


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def cells(row: Row) -> tuple[str, dt.date | None, str, str, str, str, str, None, None, str, str]:
    """Return a row's cells in the order of ``COLUMNS``: the same values in the .xlsx and the PDF.

    "Ngày chuyển" and "Ký nhận" stay empty: the văn thư fills them by hand when the document
    leaves [Phụ lục IV, I.2 (8), (9)].
    """
    return (row.number, row.ngay, f"{row.loai}: {row.trich_yeu}", row.nguoi_ky, row.noi_nhan, row.luu,
            row.so_ban, None, None, row.note, row.source)


def register_xlsx(registers: list[YearRegister]) -> bytes:
    """Return the register as an .xlsx with one sheet per body and year, in the columns of Phụ lục IV."""
    sheets = [Sheet(f"{reg.nam}", COLUMNS, [cells(row) for row in reg.rows],
                    {"Tên loại và trích yếu nội dung văn bản": 60, "Nơi nhận văn bản": 50})
              for reg in registers]
    days = [row.ngay for reg in registers for row in reg.rows if row.ngay is not None]
    return workbook_bytes(sheets or [Sheet("Sổ", COLUMNS, [])], max(days, default=dt.date(2000, 1, 1)))


#: The printed register's title [Phụ lục IV, I.1]; always Vietnamese, like the sheet's headers.
TITLE = "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
#: The register's HTML template (templates/so_dang_ky.html), rendered like a notice's.
PDF_TEMPLATE = "so_dang_ky.html"
#: The columns printed in the PDF: the ten of Phụ lục IV, I.2 ("tối thiểu gồm 10 nội dung"); the
#: sheet's eleventh, the content file, is the repository's business, not the printed book's.
PRINTED = 10
#: Where the văn thư writes by hand: the book's number is given when the book is opened.
BY_HAND = "………"


def register_pages(registers: list[YearRegister]) -> dict[str, Any]:
    """Return the printed register's display-ready values: per book its cover and its rows [Phụ lục IV, I].

    Why one book per body and year (and kind, when numbered apart): numbering restarts each
    year [R-NUM-3], and the register is kept per issuing body. Every value is text here; the
    template only lays it out.
    """
    books: list[dict[str, Any]] = []
    for reg in registers:
        days = sorted(row.ngay for row in reg.rows if row.ngay is not None)
        numbers = sorted(row.so for row in reg.rows)
        first_day, last_day = (rules.short_date(days[0]), rules.short_date(days[-1])) if days else (BY_HAND,) * 2
        first_no, last_no = (rules.number_text(numbers[0]), rules.number_text(numbers[-1])) if numbers \
            else (BY_HAND,) * 2
        kind = series_name(reg.loai)
        notes = [f"Số bị trùng: {', '.join(rules.number_text(n) for n in reg.duplicates)} [R-NUM-3]"] \
            if reg.duplicates else []
        books.append({
            "chu_quan": list(reg.chu_quan), "ten": list(reg.ten), "title": TITLE,
            "kind": "" if not kind else kind if reg.loai == SECRET else f"Loại văn bản: {kind}",
            "year": f"Năm: {reg.nam}",
            "days": f"Từ ngày {first_day} đến ngày {last_day}",
            "numbers": f"Từ số {first_no} đến số {last_no}",
            "book": f"Quyển số: {BY_HAND}",
            "running": " — ".join(x for x in (reg.co_quan, f"{TITLE} NĂM {reg.nam}", kind.upper()) if x),
            "rows": [[_cell(value) for value in cells(row)[:PRINTED]] for row in reg.rows],
            "notes": notes + list(reg.holes),
        })
    days = [row.ngay for reg in registers for row in reg.rows if row.ngay is not None]
    created = dt.datetime.combine(max(days, default=dt.date(2000, 1, 1)), dt.time(0, 0),
                                  dt.timezone(dt.timedelta(hours=7)))
    return {"books": books, "columns": list(COLUMNS[:PRINTED]), "numbers": [f"({i})" for i in range(1, PRINTED + 1)],
            "empty": "Chưa có văn bản nào được đánh số.",
            "meta": {"title": TITLE.capitalize(), "created_iso": created.isoformat(), "lang": "vi"}}


def _cell(value: str | dt.date | None) -> str:
    if isinstance(value, dt.date):
        return rules.short_date(value)
    return value or ""


def register_pdf(registers: list[YearRegister], template_path: tuple[Path, ...] | None = None) -> bytes:
    """Return the register as a PDF in the form of Phụ lục IV: a cover per book, then its table.

    Why: a register kept in a system must be printed with every field of the form and bound
    [Điều 16.2.b]; here git is the system.

    Rendered like a notice (sandboxed template, bundled fonts, nothing fetched); equal input
    gives equal bytes (the creation date comes from the register, never the clock).
    """
    from vanban.pipeline.render_pdf import render_template_pdf

    return render_template_pdf(PDF_TEMPLATE, register_pages(registers), "so-dang-ky", template_path)


def final_problems(notices: Iterable[Notice], others: Iterable[tuple[str, Frame]]) -> list[Problem]:
    """Return why ``notices`` cannot be issued as finals: blanks, placeholders, a number in use.

    ``notices`` are the notices to issue, with their located data; ``others`` are every
    numbered notice of the content repository, so a number is checked against the whole year
    of the same body [R-NUM-3, T-06].
    """
    out: list[Problem] = []
    notices = list(notices)
    schemes = _schemes(notices)
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
    schemes = _schemes(notices)
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
