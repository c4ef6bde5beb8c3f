"""Write task rows for people and spreadsheets: an aligned table, CSV, and .xlsx.

Why apart from the rows: the formats change for their readers (column widths, date cells,
fixed metadata so equal input gives equal bytes) while the rows stay the same. A spreadsheet
runs any cell that looks like a formula, so no text from a notice ever reaches one as a
formula (see ``sheet.FORMULA_START``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence

from vanban.commands.sheet import Sheet, defused, workbook_bytes
from vanban.commands.tasks import AsOf, TaskRow
from vanban.i18n import N_, _
from vanban.pipeline import rules

#: Column headers: fixed Vietnamese in CSV/XLSX (stable for spreadsheets and scripts whatever
#: the user's language), translated in the terminal table. The history gives each status with
#: its date; the last column, the day every status of the file is read on.
COLUMNS = (N_("Số thông báo"), N_("Ngày thông báo"), N_("Mã"), N_("Đơn vị"), N_("Nhiệm vụ"), N_("Hạn"),
           N_("Trạng thái"), N_("Ngày cập nhật"), N_("Ghi chú"), N_("Tệp"), N_("Lịch sử trạng thái"),
           N_("Tính đến ngày"))


def _cells(row: TaskRow, as_of: dt.date, translated: bool = False) -> list[str | dt.date | None]:
    last = row.last_update(as_of)
    return [row.so, row.ngay, row.ma, row.don_vi, row.text, row.han, row.status_label(as_of, translated),
            last.ngay if last else None, last.ghi_chu if last else "", row.stem, row.history_text(as_of), as_of]


def _text(value: str | dt.date | None) -> str:
    if value is None:
        return ""
    return rules.short_date(value) if isinstance(value, dt.date) else value


def table_text(rows: Sequence[TaskRow], as_of: AsOf) -> str:
    """Return the rows as an aligned plain-text table; the long task text comes last, the as-of date below."""
    order = (0, 1, 3, 2, 5, 6, 4)  # Số, Ngày, Đơn vị, Mã, Hạn, Trạng thái, Nhiệm vụ
    table = [[_(COLUMNS[i]) for i in order]]
    table += [[_text(cells[i]) for i in order] for cells in (_cells(r, as_of.day, translated=True) for r in rows)]
    widths = [max(len(line[c]) for line in table) for c in range(len(order) - 1)]
    lines = ["  ".join([*(cell.ljust(w) for cell, w in zip(line, widths, strict=False)), line[-1]]).rstrip()
             for line in table]
    lines.insert(1, "  ".join("-" * w for w in [*widths, len(table[0][-1])]))
    lines.append(_("Tổng số: {count} nhiệm vụ.").format(count=len(rows)))
    lines.append(as_of.line())
    return "\n".join(lines) + "\n"


def csv_text(rows: Sequence[TaskRow], as_of: dt.date) -> str:
    """Return the rows as CSV with a header; dates in ISO form (YYYY-MM-DD) for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if v is None else v.isoformat() if isinstance(v, dt.date) else defused(v)
                         for v in _cells(row, as_of)])
    return buffer.getvalue()


#: Widest a column grows in the spreadsheet (characters); long task text wraps instead.
_MAX_WIDTH = {"Nhiệm vụ": 80, "Ghi chú": 50, "Đơn vị": 32, "Lịch sử trạng thái": 60}


def xlsx_bytes(rows: Sequence[TaskRow], as_of: dt.date) -> bytes:
    """Return the rows as an .xlsx workbook: real dates, a frozen header, set widths, fixed metadata."""
    # Fixed metadata from the content, never the clock, so equal input gives equal bytes.
    days = [d for r in rows for d in (r.ngay, *(u.ngay for u in r.history)) if d is not None]
    sheet = Sheet("Nhiệm vụ", COLUMNS, [_cells(row, as_of) for row in rows], _MAX_WIDTH)
    return workbook_bytes([sheet], max(days, default=dt.date(2000, 1, 1)))
