"""Write tables for spreadsheets: .xlsx with real dates, text that never runs, fixed metadata; safe CSV fields.

Why one writer: the task list and the outgoing register both go to spreadsheets, where a
cell that starts with ``=``, ``+``, ``-`` or ``@`` would run as a formula (a task text
``=HYPERLINK(…)`` becomes a live link), and where equal input must give equal bytes. Every
text cell is written as a string cell, so nothing is evaluated; dates are date cells.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from vanban.pipeline.output import fixed_zip

Cell = str | int | dt.date | None

_DATE_FORMAT = "DD/MM/YYYY"

#: A cell starting with one of these is read as a formula by spreadsheet programs (OWASP "CSV
#: injection": ``=HYPERLINK(…)`` sends data away, ``=cmd|…`` runs a program). Tab and CR count
#: too: some programs skip them before looking. Task texts never start with the "- " bullet of
#: the notice (vanban adds it when rendering), so only a text whose author typed one of these
#: first is touched.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defused(text: str) -> str:
    """Return ``text`` with a ``'`` in front when a spreadsheet would read it as a formula.

    Why ``'``: spreadsheets take a leading apostrophe as "this is text" and every other
    character stays as written (OWASP's advice for CSV).
    """
    return "'" + text if text.startswith(FORMULA_START) else text


@dataclass(frozen=True)
class Sheet:
    """One worksheet: its title, column headers and rows; ``widest`` caps chosen columns (characters)."""

    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    widest: Mapping[str, int] = field(default_factory=dict)


def workbook_bytes(sheets: Sequence[Sheet], stamp: dt.date) -> bytes:
    """Return the sheets as one .xlsx; ``stamp`` (from the content, never the clock) dates the file."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    default = book.active
    assert default is not None
    book.remove(default)
    for spec in sheets:
        sheet = book.create_sheet(spec.title[:31])  # Excel's limit on sheet names
        sheet.append(list(spec.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [len(c) for c in spec.columns]
        for r, values in enumerate(spec.rows, start=2):
            for c, value in enumerate(values, start=1):
                cell = sheet.cell(row=r, column=c)
                if isinstance(value, dt.date):
                    cell.value = value
                    cell.number_format = _DATE_FORMAT
                    widths[c - 1] = max(widths[c - 1], 10)
                elif value is not None:
                    # openpyxl stores "=…" as a live formula and "#N/A" as an error: keep every text a
                    # string; the quote prefix keeps it one when someone edits the cell in Excel.
                    cell.value = str(value)
                    cell.data_type = "s"
                    cell.quotePrefix = cell.value.startswith(FORMULA_START)
                    widths[c - 1] = max(widths[c - 1], len(cell.value))
                cell.alignment = Alignment(vertical="top", wrap_text=spec.columns[c - 1] in spec.widest)
        for i, name in enumerate(spec.columns):
            sheet.column_dimensions[get_column_letter(i + 1)].width = min(widths[i], spec.widest.get(name, 40)) + 2
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    moment = dt.datetime.combine(stamp, dt.time(0, 0))
    book.properties.creator = "vanban"
    book.properties.created = moment
    book.properties.lastModifiedBy = "vanban"
    buffer = io.BytesIO()
    book.save(buffer)
    book.properties.modified = moment  # openpyxl stamps "now" while saving; rewrite it below
    return fixed_zip(buffer.getvalue(), {"docProps/core.xml": _core_xml(book)})


def _core_xml(book: Any) -> bytes:
    from openpyxl.xml.functions import tostring

    data: bytes = tostring(book.properties.to_tree())
    return data
