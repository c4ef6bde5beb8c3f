"""The outgoing register as a printable PDF in the form of Phụ lục IV [issue 15, point 3].

Measured on the PDF itself with pdfplumber: the cover's lines, the ten column headings
verbatim on every page, one table row per numbered document with the values of the .xlsx,
every glyph inside its cell and on the paper, page numbers, and equal bytes for equal input.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from openpyxl import load_workbook

from helpers import norm, squash
from vanban.cli import main

#: The columns of the outgoing register [Phụ lục IV, I.2], as the decree prints them.
HEADINGS = ["Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung văn bản", "Người ký",
            "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản", "Ngày chuyển", "Ký nhận", "Ghi chú"]
NUMBERS = [f"({i})" for i in range(1, 11)]
#: A trích yếu long enough to wrap over several lines of its 56 mm cell.
LONG = ("Kết luận của Chủ tịch UBND thị xã tại cuộc họp bàn giải pháp tháo gỡ khó khăn, vướng mắc trong công tác "
        "giải phóng mặt bằng các dự án trọng điểm trên địa bàn thị xã, bảo đảm tiến độ giải ngân vốn đầu tư công "
        "năm 2024 và chuẩn bị các điều kiện khởi công dự án đường ven biển")
#: Entries in the long register: more than fit on one page, so the header must repeat.
ENTRIES = 60
#: The date of the last entry (a new one every fifth day from 5 January).
LAST = dt.date(2024, 1, 5) + dt.timedelta(days=ENTRIES * 5)


def _long_office(office: Path) -> None:
    """Give the office's register ``ENTRIES`` numbered Thông báo of 2024 (one with a long trích yếu)."""
    content = office / "content"
    source = (content / "2023-12-phien-hop-thuong-ky.yaml").read_text(encoding="utf-8")
    for number in range(2, ENTRIES + 1):
        day = dt.date(2024, 1, 5) + dt.timedelta(days=number * 5)
        text = source.replace('so: "01"', f'so: "{number:02d}"').replace('ngay: "2024-01-05"', f'ngay: "{day}"')
        if number == 7:
            text = text.replace("trich_yeu: Kết luận của Chủ tịch UBND thị xã tại phiên họp thường kỳ tháng 12 năm "
                                "2023", f"trich_yeu: {LONG}")
        (content / f"2024-tb-{number:02d}.yaml").write_text(text, encoding="utf-8")


@pytest.fixture()
def long_register(office: Path) -> Path:
    """Return the office with a 60-entry register, printed to so.pdf and so.xlsx."""
    _long_office(office)
    assert main(["register", "-f", "pdf", "-o", "so.pdf"]) == 0
    assert main(["register", "-f", "xlsx", "-o", "so.xlsx"]) == 0
    return office


def _tables(pdf: Any) -> Iterator[tuple[int, Any, list[list[str]]]]:
    """Yield (page index, page, table rows with whitespace collapsed) for each table page."""
    for index, page in enumerate(pdf.pages):
        found = page.find_tables()
        if found:
            assert len(found) == 1, index
            rows = [[norm(cell or "") for cell in row] for row in found[0].extract()]
            yield index, page, rows


def _xlsx_rows(path: Path) -> list[list[str]]:
    """Return the sheet's rows (first ten columns) as the PDF prints them: dates as dd/mm/yyyy, blanks empty."""
    sheet = load_workbook(path).worksheets[0]
    out = []
    for row in list(sheet.iter_rows(values_only=True))[1:]:
        cells = ["" if v is None else v.strftime("%d/%m/%Y") if isinstance(v, dt.datetime) else str(v)
                 for v in row[:10]]
        out.append(cells)
    return out


def test_the_cover_follows_phu_luc_iv(long_register: Path) -> None:
    with pdfplumber.open(long_register / "so.pdf") as pdf:
        first = pdf.pages[0]
        assert first.width > first.height  # A4 landscape: 297 × 210 mm
        assert round(first.width / 72 * 25.4) == 297 and round(first.height / 72 * 25.4) == 210
        lines = [norm(line) for line in first.extract_text().splitlines()]
    assert lines == ["ỦY BAN NHÂN DÂN", "THỊ XÃ HOÀNG MAI", "SỔ ĐĂNG KÝ VĂN BẢN ĐI", "Năm: 2024",
                     f"Từ ngày 05/01/2024 đến ngày {LAST:%d/%m/%Y}", f"Từ số 01 đến số {ENTRIES}", "Quyển số: ………"]


def test_one_row_per_entry_with_the_values_of_the_xlsx(long_register: Path) -> None:
    expected = _xlsx_rows(long_register / "so.xlsx")
    assert len(expected) == ENTRIES  # the example công văn and giấy mời of `init` are unnumbered drafts
    printed: list[list[str]] = []
    with pdfplumber.open(long_register / "so.pdf") as pdf:
        pages = list(_tables(pdf))
        for _index, _page, rows in pages:
            assert rows[0] == HEADINGS and rows[1] == NUMBERS
            printed += rows[2:]
    assert len(pages) >= 3
    # Lines wrap (and a long word breaks) inside the cell: compare the text without whitespace.
    assert [[squash(c) for c in row] for row in printed] == [[squash(c) for c in row] for row in expected]
    assert squash(f"Thông báo: {LONG}") in [squash(row[2]) for row in printed]


def test_the_header_repeats_and_pages_are_numbered(long_register: Path) -> None:
    with pdfplumber.open(long_register / "so.pdf") as pdf:
        tables = list(_tables(pdf))
        assert [index for index, _page, _rows in tables] == list(range(1, len(pdf.pages)))  # all but the cover
        for index, page, rows in tables:
            assert rows[0] == HEADINGS, index  # page 2, 3 …: the header again
            below = page.crop((0, page.height - 18 * 72 / 25.4, page.width, page.height)).extract_text()
            assert below.strip() == str(index + 1)
            above = norm(page.crop((0, 0, page.width, 20 * 72 / 25.4)).extract_text())
            assert above == "ỦY BAN NHÂN DÂN THỊ XÃ HOÀNG MAI — SỔ ĐĂNG KÝ VĂN BẢN ĐI NĂM 2024"
        cover = pdf.pages[0]
        assert not cover.crop((0, cover.height - 18 * 72 / 25.4, cover.width, cover.height)).extract_text().strip()


def test_no_text_is_clipped(long_register: Path) -> None:
    """Every glyph lies on the paper, and every glyph of the table inside the cell it starts in."""
    with pdfplumber.open(long_register / "so.pdf") as pdf:
        long_cell_lines = 0
        for index, page, _rows in _tables(pdf):
            table = page.find_tables()[0]
            cells = [c for row in table.rows for c in row.cells if c is not None]
            for char in page.chars:
                assert char["x0"] >= 0 and char["x1"] <= page.width and char["top"] >= 0 and \
                    char["bottom"] <= page.height, (index, char["text"])
                middle = ((char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2)
                home = [c for c in cells if c[0] <= middle[0] <= c[2] and c[1] <= middle[1] <= c[3]]
                if not home:
                    continue  # the running head and the page number, outside the table
                x0, top, x1, bottom = home[0]
                assert x0 <= char["x0"] + 0.1 and char["x1"] <= x1 + 0.1, (index, char["text"])
                assert top <= char["top"] + 0.1 and char["bottom"] <= bottom + 0.1, (index, char["text"])
            for cell in cells:
                text = page.crop(cell).extract_text()
                if squash(text).startswith(squash("Thông báo: Kết luận của Chủ tịch UBND thị xã tại cuộc họp")):
                    long_cell_lines = len(text.splitlines())
        assert long_cell_lines >= 4  # the long trích yếu wrapped inside its cell


def test_same_register_same_bytes(long_register: Path) -> None:
    first = (long_register / "so.pdf").read_bytes()
    assert main(["register", "-f", "pdf", "-o", "again.pdf"]) == 0
    assert (long_register / "again.pdf").read_bytes() == first
    with pdfplumber.open(io.BytesIO(first)) as pdf:
        assert pdf.metadata.get("CreationDate", "").startswith(f"D:{LAST:%Y%m%d}")  # the last entry's date, not today


def test_pdf_needs_an_output_file_and_writes_nothing_without(office: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    before = sorted(p.name for p in office.iterdir())
    assert main(["register", "-f", "pdf"]) == 2
    assert "-f pdf cần -o TỆP" in capsys.readouterr().err
    assert sorted(p.name for p in office.iterdir()) == before


def test_help_tells_of_the_pdf(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["register", "--help"]) == 0
    out = norm(capsys.readouterr().out)
    assert "pdf: sổ in theo mẫu Phụ lục IV" in out and "A4 nằm ngang" in out


def test_duplicates_are_noted_under_the_table(office: Path) -> None:
    content = office / "content"
    source = (content / "2023-12-phien-hop-thuong-ky.yaml").read_text(encoding="utf-8")
    (content / "b.yaml").write_text(source.replace('ngay: "2024-01-05"', 'ngay: "2024-02-01"'), encoding="utf-8")
    assert main(["register", "-f", "pdf", "-o", "so.pdf"]) == 0
    with pdfplumber.open(office / "so.pdf") as pdf:
        rows = [row for _index, _page, table in _tables(pdf) for row in table[2:]]
        text = norm(pdf.pages[-1].extract_text())
    assert [row[0] for row in rows] == ["01/TB-UBND", "01/TB-UBND"]
    assert "Số bị trùng: 01 [R-NUM-3]" in text  # R-NUM-3: one number, two documents of the year


def test_an_empty_register_prints_one_page_that_says_so(office: Path) -> None:
    (office / "content" / "2023-12-phien-hop-thuong-ky.yaml").unlink()  # the others are unnumbered drafts
    assert main(["register", "-f", "pdf", "-o", "so.pdf"]) == 0
    with pdfplumber.open(office / "so.pdf") as pdf:
        assert len(pdf.pages) == 1
        assert norm(pdf.pages[0].extract_text()) == "Chưa có văn bản nào được đánh số."
