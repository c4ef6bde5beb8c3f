"""The outgoing register and the copy register, as the văn thư keeps them: table, .xlsx, printed book.

Why computed: with every notice in git as data and every issue and copy in the archive's
register, the book of Phụ lục IV is made from them instead of kept by hand; which series a
document is numbered in, and the checks of its number, are ``vanban.commands.numbering``'s.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from vanban.commands.archive import Entry, numbered, read_register
from vanban.commands.numbering import (
    SECRET,
    archived_file,
    cited_original,
    copy_clashes,
    entry_series,
    office_schemes,
    series,
    series_name,
)
from vanban.commands.sheet import Sheet, workbook_bytes
from vanban.i18n import N_, _
from vanban.pipeline import rules
from vanban.pipeline.copy_block import FORMS
from vanban.pipeline.notice import Notice
from vanban.repo import display, repository_root

#: The note of a numbered notice that ``vanban issue`` did not archive: data in the sheet
#: (always Vietnamese), translated on the terminal.
NOT_ISSUED = N_("chưa phát hành qua vanban issue")
#: The notes of a copy whose number another copy of the series has, and of one made again.
CLASH_NOTE = N_("trùng số trong dãy số bản sao")
REMADE_NOTE = N_("đã sao lại thành {number}")
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
    ban_goc: str = ""  # a copy's row: the document copied, "Thông báo số 03/TB-UBND ngày 01/02/2024"
    sao_lai: str = ""  # a copy's row: the number of the copy that was made again in its place

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
    ban_sao: bool = False  # the copy series (SAO Y, SAO LỤC, TRÍCH SAO) of the copying body, not its originals


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
    schemes = office_schemes(notices)
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
    shown = {_relative(n.source, root) for n in notices for root in (repository_root(n.source.resolve().parent),)}
    for root in sorted(archives):
        # The copies of the documents asked for, and of those whose content file is gone (as for holes).
        out += copy_registers(root, partial(_wanted, root, shown))
    return out


def _wanted(root: Path, shown: set[str], source: str) -> bool:
    return source in shown or not (root / source).is_file()


def _original(entries: Sequence[Entry], copy: Entry, cited: str) -> Entry | None:
    """Return the issue line of the document ``copy`` was made from (the one its text cites)."""
    issues = [e for e in entries if e.su_kien == "phat_hanh" and e.nguon == copy.nguon]
    return next((e for e in issues if f"số {e.number} " in f"{cited} "), issues[-1] if issues else None)


def copy_registers(root: Path, wanted: Callable[[str], bool] = lambda _source: True) -> list[YearRegister]:
    """Return the copy series of the repository at ``root``: one register per copying body and year.

    Why one series for the three forms: copies are numbered in one yearly series shared by
    SAO Y, SAO LỤC and TRÍCH SAO [Phụ lục I Phần II.II.1.c]. Every value comes from the
    append-only register (``sao`` lines), the trích yếu from the original's issue line;
    ``wanted`` chooses by the original's content file.
    """
    every = numbered(root)
    lines = [(n, e) for n, e in every if e.su_kien == "sao" and wanted(e.nguon)]
    entries = [e for _n, e in every]
    clashes, remade = copy_clashes(every)
    clashing = {n for clash in clashes for n, _e in clash.lines}
    groups: dict[tuple[str, int], list[tuple[Row, int]]] = defaultdict(list)
    for number, entry in lines:
        cited, parts = cited_original(entry)
        source = _original(entries, entry, cited)
        summary = source.trich_yeu if source is not None else cited
        again = remade[number].number if number in remade else ""
        note = REMADE_NOTE.format(number=again) if again else CLASH_NOTE if number in clashing else ""
        row = Row(entry.so, entry.ky_hieu, dt.date.fromisoformat(entry.ngay), FORMS.get(entry.loai, entry.loai),
                  summary + (f" (trích {parts})" if parts else ""), entry.nguoi_ky, "; ".join(entry.noi_nhan),
                  entry.luu, "", archived_file(entry), True, note, cited, again)
        groups[(entry.co_quan, entry.year)].append((row, number))
    out: list[YearRegister] = []
    for (body, year), found in sorted(groups.items()):
        rows = tuple(row for row, _n in sorted(found, key=lambda x: (x[0].so, x[1])))
        numbers = [row.so for row in rows]
        duplicates = tuple(sorted({r.so for (r, n) in found if n in clashing}))
        out.append(YearRegister(body, year, rows, duplicates, (), max(numbers) + 1, "", (), (body,), ban_sao=True))
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
        if reg.ban_sao:
            lines += _format_copies(reg)
            continue
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


def _format_copies(reg: YearRegister) -> list[str]:
    """Return the lines of one copy series: each copy with its form, the original, signer, Nơi nhận, file."""
    lines = [_("{body} — năm {year} — bản sao (SAO Y, SAO LỤC, TRÍCH SAO chung một dãy số)").format(
        body=reg.co_quan, year=reg.nam)]
    for row in reg.rows:
        day = row.ngay.strftime("%d/%m/%Y") if row.ngay else ""
        mark = "  ← " + _("TRÙNG SỐ") + " [R-NUM-3]" if row.note == CLASH_NOTE else ""
        state = "  (" + _(REMADE_NOTE).format(number=row.sao_lai) + ")" if row.sao_lai else ""
        lines.append(f"  {row.number}  {day}  {row.loai} {row.ban_goc}: {_short(row.trich_yeu)}  {row.nguoi_ky}  "
                     + _("nơi nhận: {recipients}").format(recipients=row.noi_nhan or "—")
                     + f"  {row.source}{state}{mark}")
    if reg.duplicates:
        lines.append("  " + _("Số bị trùng: {numbers}").format(
            numbers=", ".join(rules.number_text(n) for n in reg.duplicates)))
    lines.append("  " + _("Số bản sao tiếp theo theo kho này: {number}").format(
        number=rules.number_text(reg.next_free)))
    lines.append("")
    return lines


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def cells(row: Row) -> tuple[str, dt.date | None, str, str, str, str, str, None, None, str, str]:
    """Return a row's cells in the order of ``COLUMNS``: the same values in the .xlsx and the PDF.

    "Ngày chuyển" and "Ký nhận" stay empty: the văn thư fills them by hand when the document
    leaves [Phụ lục IV, I.2 (8), (9)].
    """
    return (row.number, row.ngay, f"{row.loai}: {row.trich_yeu}", row.nguoi_ky, row.noi_nhan, row.luu,
            row.so_ban, None, None, row.note, row.source)


#: The columns of the copy register. Phụ lục IV has no form for copies (its registers are of
#: documents sent and received), so these follow the outgoing register's, with what a copy adds:
#: its form, and the document copied [Phụ lục I Phần II; Phụ lục III Mẫu 3.1]. Always Vietnamese.
COPY_COLUMNS = ("Số, ký hiệu bản sao", "Ngày tháng bản sao", "Hình thức sao",
                "Văn bản được sao (tên loại, số, ký hiệu, ngày)", "Trích yếu nội dung văn bản được sao",
                "Người ký bản sao", "Nơi nhận bản sao", "Ngày chuyển", "Ký nhận", "Ghi chú", "Tệp lưu")
#: The printed copy register's title (no form in the decree; worded as Phụ lục IV's).
COPY_TITLE = "SỔ ĐĂNG KÝ BẢN SAO VĂN BẢN"


def copy_cells(row: Row) -> tuple[str, dt.date | None, str, str, str, str, str, None, None, str, str]:
    """Return a copy's cells in the order of ``COPY_COLUMNS``: the same values in the .xlsx and the PDF."""
    return (row.number, row.ngay, row.loai, row.ban_goc, row.trich_yeu, row.nguoi_ky, row.noi_nhan, None, None,
            row.note, row.source)


def register_xlsx(registers: list[YearRegister]) -> bytes:
    """Return the register as an .xlsx with one sheet per body and year, in the columns of Phụ lục IV.

    A copy series has a sheet of its own ("2024 bản sao"), in ``COPY_COLUMNS``.
    """
    sheets = [Sheet(f"{reg.nam} bản sao", COPY_COLUMNS, [copy_cells(row) for row in reg.rows],
                    {"Trích yếu nội dung văn bản được sao": 60, "Nơi nhận bản sao": 50}) if reg.ban_sao else
              Sheet(f"{reg.nam}", COLUMNS, [cells(row) for row in reg.rows],
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
        if reg.ban_sao:
            books.append(_copy_book(reg, first_day, last_day, first_no, last_no))
            continue
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
            "columns": list(COLUMNS[:PRINTED]), "column_numbers": [f"({i})" for i in range(1, PRINTED + 1)],
            "table": "di",
        })
    days = [row.ngay for reg in registers for row in reg.rows if row.ngay is not None]
    created = dt.datetime.combine(max(days, default=dt.date(2000, 1, 1)), dt.time(0, 0),
                                  dt.timezone(dt.timedelta(hours=7)))
    return {"books": books, "columns": list(COLUMNS[:PRINTED]), "numbers": [f"({i})" for i in range(1, PRINTED + 1)],
            "empty": "Chưa có văn bản nào được đánh số.",
            "meta": {"title": TITLE.capitalize(), "created_iso": created.isoformat(), "lang": "vi"}}


def _copy_book(reg: YearRegister, first_day: str, last_day: str, first_no: str, last_no: str) -> dict[str, Any]:
    """Return the printed book of one copy series: a cover as the outgoing register's, then its own table."""
    notes = [f"Số bị trùng: {', '.join(rules.number_text(n) for n in reg.duplicates)} [R-NUM-3]"] \
        if reg.duplicates else []
    return {
        "chu_quan": list(reg.chu_quan), "ten": list(reg.ten), "title": COPY_TITLE,
        "kind": "Sao y, sao lục, trích sao: một dãy số", "year": f"Năm: {reg.nam}",
        "days": f"Từ ngày {first_day} đến ngày {last_day}",
        "numbers": f"Từ số {first_no} đến số {last_no}",
        "book": f"Quyển số: {BY_HAND}",
        "running": f"{reg.co_quan} — {COPY_TITLE} NĂM {reg.nam}",
        "rows": [[_cell(value) for value in copy_cells(row)] for row in reg.rows],
        "notes": notes,
        "columns": list(COPY_COLUMNS), "column_numbers": [f"({i})" for i in range(1, len(COPY_COLUMNS) + 1)],
        "table": "ban-sao",
    }


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
