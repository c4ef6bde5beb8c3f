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

from vanban.commands.archive import Entry, read_register
from vanban.commands.sheet import Sheet, workbook_bytes
from vanban.errors import ContentError, Problem
from vanban.i18n import N_, _
from vanban.pipeline import rules
from vanban.pipeline.model import ThongBao
from vanban.pipeline.notice import Notice, load, load_notices
from vanban.pipeline.validate.nd30 import heading_warnings
from vanban.pipeline.validate.text import walk_strings
from vanban.repo import display, repository_root

#: The note of a numbered notice that ``vanban issue`` did not archive: data in the sheet
#: (always Vietnamese), translated on the terminal.
NOT_ISSUED = N_("chưa phát hành qua vanban issue")
#: How a document type reads in the register's "Tên loại" column.
TYPE_NAMES = {"thong_bao": "Thông báo"}
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
    """What one body numbered in one year: rows in number order, duplicates, explained holes, next number."""

    co_quan: str
    nam: int
    rows: tuple[Row, ...]
    duplicates: tuple[int, ...]
    holes: tuple[str, ...]  # numbers taken whose file is gone, each with what the archive knows
    next_free: int


def body_name(notice: ThongBao) -> str:
    """Return the issuing body's identity: its chủ quản and name lines, upper-cased."""
    return " ".join(rules.upper_vi(x) for x in (*notice.co_quan.chu_quan, *notice.co_quan.ten))


def notice_year(notice: ThongBao) -> int | None:
    """Return the year a notice's number belongs to: its issue year, else its meeting's [R-NUM-3]."""
    day = notice.reference_date
    return day.year if day else None


def _row(notice: Notice, entry: Entry | None) -> Row:
    model = notice.model
    assert model.so is not None
    copies = rules.recipient_lines(model.noi_nhan, model.luu.don_vi, model.luu.so_ban)[-1]
    luu = copies.removeprefix("- Lưu: ").rstrip(".")
    note = "" if entry is not None else NOT_ISSUED
    return Row(model.so, model.symbol, model.ngay, TYPE_NAMES.get(model.loai, model.loai),
               rules.collapse_spaces(" ".join(model.trich_yeu)), model.nguoi_ky.ho_ten, "; ".join(model.noi_nhan),
               luu, str(model.luu.so_ban or ""), display(notice.source), entry is not None, note)


def build_register(notices: Iterable[Notice]) -> list[YearRegister]:
    """Return one register per (body, year): numbered notices, with what their repositories archived.

    A number the archive records whose content file is gone is a hole the register can
    explain; numbers never seen are not listed: the body issues documents outside this
    repository too [Điều 15.3], so a missing number proves nothing.
    """
    groups: dict[tuple[str, int], list[Row]] = defaultdict(list)
    holes: dict[tuple[str, int], list[tuple[int, str]]] = defaultdict(list)
    archives: dict[Path, list[Entry]] = {}
    for notice in notices:
        root = repository_root(notice.source.resolve().parent)
        if root not in archives:
            archives[root] = read_register(root)[0]
        year = notice_year(notice.model)
        if notice.model.so is None or year is None:
            continue
        relative = _relative(notice.source, root)
        entry = next((e for e in archives[root] if e.su_kien == "phat_hanh" and e.nguon == relative), None)
        groups[(body_name(notice.model), year)].append(_row(notice, entry))
    for root, entries in archives.items():
        for entry in entries:
            if entry.su_kien == "phat_hanh" and not (root / entry.nguon).is_file():
                text = _("số {number}: đã phát hành ngày {day}, tệp nguồn {file} không còn (bản lưu vẫn còn)").format(
                    number=entry.number, day=rules.short_date(dt.date.fromisoformat(entry.ngay)), file=entry.nguon)
                holes[(entry.co_quan, entry.year)].append((entry.so, text))
    out: list[YearRegister] = []
    for key in sorted(set(groups) | set(holes)):
        rows = sorted(groups.get(key, []), key=lambda r: (r.so, r.source))
        numbers = [r.so for r in rows]
        duplicates = tuple(sorted({n for n in numbers if numbers.count(n) > 1}))
        gone = sorted(holes.get(key, []))
        highest = max([*numbers, *(so for so, _text in gone)], default=0)
        explained = tuple(text for _so, text in gone)
        out.append(YearRegister(key[0], key[1], tuple(rows), duplicates, explained, highest + 1))
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
        lines.append(_("{body} — năm {year}").format(body=reg.co_quan, year=reg.nam))
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


def register_xlsx(registers: list[YearRegister]) -> bytes:
    """Return the register as an .xlsx with one sheet per body and year, in the columns of Phụ lục IV."""
    sheets = [Sheet(f"{reg.nam}", COLUMNS, [
        (row.number, row.ngay, f"{row.loai}: {row.trich_yeu}", row.nguoi_ky, row.noi_nhan, row.luu, row.so_ban,
         None, None, row.note, row.source) for row in reg.rows], {"Tên loại và trích yếu nội dung văn bản": 60,
                                                                  "Nơi nhận văn bản": 50})
              for reg in registers]
    days = [row.ngay for reg in registers for row in reg.rows if row.ngay is not None]
    return workbook_bytes(sheets or [Sheet("Sổ", COLUMNS, [])], max(days, default=dt.date(2000, 1, 1)))


def final_problems(notices: Iterable[Notice], others: Iterable[tuple[str, ThongBao]]) -> list[Problem]:
    """Return why ``notices`` cannot be issued as finals: blanks, placeholders, a number in use.

    ``notices`` are the notices to issue, with their located data; ``others`` are every
    numbered notice of the content repository, so a number is checked against the whole year
    of the same body [R-NUM-3, T-06].
    """
    out: list[Problem] = []
    used: dict[tuple[str, int, int], list[str]] = defaultdict(list)
    for source, other in others:
        year = notice_year(other)
        if other.so is not None and year is not None:
            used[(body_name(other), year, other.so)].append(source)
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
        year = notice_year(model)
        if model.so is not None and year is not None:
            me = located.file
            clash = [s for s in used[(body_name(model), year, model.so)] if s != me]
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
    groups: dict[tuple[str, int, int], list[Notice]] = defaultdict(list)
    for notice in notices:
        year = notice_year(notice.model)
        if notice.model.so is not None and year is not None:
            groups[(body_name(notice.model), year, notice.model.so)].append(notice)
    out: list[Problem] = []
    for (_body, year, so), clash in groups.items():
        for notice in clash if len(clash) > 1 else []:
            others = ", ".join(sorted(display(n.source) for n in clash if n is not notice))
            out.append(notice.located.problem(("so",), _("số {number} năm {year} đã dùng cho {files}").format(
                number=rules.number_text(so), year=year, files=others), "R-NUM-3"))
    return out


def check_final(paths: Sequence[Path]) -> None:
    """Raise ContentError unless every notice under ``paths`` can be issued as a final [issue 4]."""
    notices = load(paths)
    roots = {repository_root(n.source.parent) for n in notices}
    others: dict[Path, ThongBao] = {n.source.resolve(): n.model for n in notices}
    for root in roots:
        folder = root / "content" if (root / "content").is_dir() else root
        # Other broken notices are not this build's business; the register shows them.
        for other in load_notices([folder])[0]:
            others.setdefault(other.source.resolve(), other.model)
    pairs = [(display(path), model) for path, model in others.items()]
    problems = final_problems(notices, pairs)
    if any(not p.warning for p in problems):
        raise ContentError(problems)
