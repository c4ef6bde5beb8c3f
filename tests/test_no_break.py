"""No line break inside a reference, a date, a number and its unit, or a Nơi nhận annotation [R-BRK-1].

The fixtures slide each unit across the end of a line: the same sentence with 0, 1, 2 … short
words before the unit, so that on some paragraph the unit would straddle the line end. The
PDF is read with pdfplumber, the .docx with python-docx (its joiners) and, laid out by
LibreOffice, with pdfplumber again. Text comparisons leave the joiners out: the words are the
author's, unchanged.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest

from helpers import context_from_yaml, notice_yaml, problems_from_yaml, squash, words
from inkmeasure import docx_to_pdfs
from pdfmeasure import measure
from vanban.pipeline import inline, rules
from vanban.pipeline.context import Context
from vanban.pipeline.render_docx import render_docx
from vanban.pipeline.render_pdf import render_pdf
from vanban.pipeline.templates import search_path

#: One of each kind of unit; the brief's own examples.
UNITS = ["05/TB-UBND", "34-NQ/TU", "số 30/2020/NĐ-CP", "ngày 26/11/2026", "152/TB-UBND", "56,2 tạ/ha", "47,3 ha",
         "15 ngày", "100%"]
URL = "https://baocao.hoangmai.gov.vn/bao-cao/2023/thang-12.pdf"
ANNOTATION = "(để b/c)"
#: How many short words slide a unit along the line: "ở " is about 3.8 mm, the line 152–165 mm.
SLIDE = range(0, 46, 1)


def _sentence(unit: str, shift: int) -> str:
    return " ".join(["Giao", *["ở"] * shift, unit, "và các nội dung khác của văn bản này."])


@pytest.fixture(scope="module")
def notice() -> Context:
    """A notice whose paragraphs put every unit, and the web address, at a line end somewhere."""
    paragraphs = [_sentence(unit, shift) for unit in [*UNITS, URL] for shift in SLIDE]
    recipients = [" ".join(["Chủ tịch UBND", *["ở"] * shift, ANNOTATION]) for shift in range(14)]
    text = notice_yaml(noi_dung=[{"muc": "Nhiệm vụ", "noi_dung": paragraphs}], noi_nhan=recipients)
    return context_from_yaml(text, "no-break")


@pytest.fixture(scope="module")
def pdf_lines(notice: Context) -> list[str]:
    return [squash(line.text) for line in measure(render_pdf(notice)).lines()]


def _assert_whole(lines: list[str], unit: str, count: int) -> None:
    """``unit`` is on one line in each of its ``count`` paragraphs, and at a line's end or start in some."""
    whole = squash(unit)
    assert sum(line.count(whole) for line in lines) == count, unit
    assert any(line.endswith(whole) or line.startswith(whole) for line in lines), f"{unit} never met a line end"


# --- the detector --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "kept"), [
    ("Thực hiện Nghị quyết số 34-NQ/TU ngày 12/3/2023 của Tỉnh ủy",
     ["số 34-NQ/TU", "ngày 12/3/2023"]),
    ("Nghị định số 30/2020/NĐ-CP và Thông báo 05/TB-UBND", ["số 30/2020/NĐ-CP", "05/TB-UBND"]),
    ("năng suất 56,2 tạ/ha trên 47,3 ha trong 15 ngày, đạt 100%; rộng 13,5m", [
        "56,2 tạ/ha", "47,3 ha", "15 ngày", "100%", "13,5m"]),
    ("tháng 8/2026, giai đoạn 2021-2025", ["8/2026", "2021-2025"]),
    ("xem https://baocao.hoangmai.gov.vn/bao-cao/2023/thang-12.pdf.", [
        "https://baocao.hoangmai.gov.vn/", "bao-cao/", "2023/", "thang-12.pdf"]),
    ("xem https://baocao.hoangmai.gov.vn trước ngày 21/01/2024.", ["https://baocao.hoangmai.gov.vn",
                                                                   "ngày 21/01/2024"]),
    ("kinh tế - xã hội, V/v góp ý, năm 2024", []),
])
def test_protected_spans(text: str, kept: list[str]) -> None:
    assert [text[a:b] for a, b in rules.protected_spans(text)] == kept


def test_annotations_are_kept_in_noi_nhan_only() -> None:
    line = "- Chủ tịch, các PCT UBND thị xã (để b/c);"
    assert [line[a:b] for a, b in rules.protected_spans(line, annotations=True)] == ["(để b/c)"]
    assert rules.protected_spans(line) == []
    assert rules.protected_spans("- Phòng Kinh tế (một ghi chú rất dài không phải chú thích ngắn);", True) == []


def test_runs_keep_the_words_and_mark_the_units() -> None:
    """The context only marks runs: the text is the author's, no joiner in it; every unit is one no-break run."""
    source = inline.parse("Giao ^dam[Phòng Kinh tế] thực hiện Thông báo số 05/TB-UBND ngày 26/11/2026, xem " + URL)
    runs = inline.line_runs(source.runs(iter(())), rules.protected_spans)
    assert inline.runs_text(runs) == source.plain
    assert "\u2060" not in source.plain and "\u00a0" not in source.plain
    kept = [r.text.strip() for r in runs if r.nobreak]
    assert kept == ["số 05/TB-UBND", "ngày 26/11/2026", "https://baocao.hoangmai.gov.vn/", "bao-cao/", "2023/",
                    "thang-12.pdf"]


# --- the PDF ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("unit", UNITS)
def test_pdf_never_breaks_inside_a_unit(unit: str, pdf_lines: list[str]) -> None:
    _assert_whole(pdf_lines, unit, len(SLIDE))


def test_pdf_breaks_a_web_address_only_after_a_slash(pdf_lines: list[str]) -> None:
    """Each line holding part of the address ends it at a "/" or holds its end; never inside "https://"."""
    whole = squash(URL)
    pieces: list[str] = []
    for line in pdf_lines:
        if whole in line:
            pieces.append(whole)
        elif "https:" in line:
            pieces.append(line[line.index("https:"):])
    assert len(pieces) == len(SLIDE)
    broken = [piece for piece in pieces if piece != whole]
    assert broken, "the address never met a line end"
    for piece in broken:
        assert piece.endswith("/") and whole.startswith(piece) and piece.startswith("https://baocao.hoangmai.gov.vn/")


def test_pdf_keeps_noi_nhan_annotations_whole(pdf_lines: list[str]) -> None:
    _assert_whole(pdf_lines, ANNOTATION, 14)


def test_pdf_has_no_lone_first_word_before_an_emphasised_span() -> None:
    """Issue 17: WeasyPrint measured the words before a span with their trailing space and, when only
    that space did not fit, broke after the paragraph's first word. The space now starts the span."""
    words_before = "quan chính hành hành quan quả Giao Văn kế kết mưu phối sở hợp chính báo"
    for mark in ("dam", "nghieng", "lien"):
        sentence = f"{words_before} ^{mark}[sở Sở hợp 05/TB-UBND] tổng hợp các nội dung của văn bản này."
        ctx = context_from_yaml(notice_yaml(mo_dau=[sentence]), f"lone-{mark}")
        lines = measure(render_pdf(ctx)).lines()
        first = next(i for i, line in enumerate(lines) if line.text.startswith("quan"))
        assert lines[first].text.startswith(words_before), (mark, lines[first].text)


def test_the_lone_word_fixture_shows_weasyprint_s_quirk() -> None:
    """The fixture above is the quirk itself: laid out the old way (the space ending the plain words)."""
    from vanban.pipeline.fonts import fontconfig_file

    os.environ.setdefault("FONTCONFIG_FILE", str(fontconfig_file()))
    import weasyprint

    words_before = "quan chính hành hành quan quả Giao Văn kế kết mưu phối sở hợp chính báo"
    html = (f'<p style="width:152.3mm;font:14pt \'Times New Roman\'">{words_before} '
            f'<b>sở Sở hợp 05/TB-UBND</b> tổng</p>')
    with_quirk = weasyprint.HTML(string=html).write_pdf()
    import pdfplumber

    with pdfplumber.open(io.BytesIO(with_quirk)) as pdf:
        assert pdf.pages[0].extract_text().splitlines()[0] == "quan"


# --- the .docx -------------------------------------------------------------------------------------------


def test_docx_has_the_joiners(notice: Context) -> None:
    """In Word each unit is one run of no-break characters; the address has no joiner after its path's "/"."""
    from docx import Document

    document = Document(io.BytesIO(render_docx(notice, search_path())))
    texts = [p.text for p in document.paragraphs]
    assert "số\u00a030/\u20602020/\u2060NĐ-\u2060CP".replace("-\u2060", "-") in "".join(texts)
    for unit in UNITS:
        runs = [r.text for p in document.paragraphs for r in p.runs if words(r.text).strip() == unit]
        assert len(runs) == len(SLIDE), unit
        for text in runs:
            core = text.strip(" ")
            assert " " not in core and ("/" not in core or "/\u2060" in core), repr(text)
            assert (" " not in unit) or "\u00a0" in core
    address = [r.text.strip(" ") for p in document.paragraphs for r in p.runs if "https:" in r.text]
    assert address and all(a.startswith("https:/\u2060/\u2060baocao.hoangmai.gov.vn/") and not a.endswith("\u2060")
                           for a in address)
    cell_texts = [p.text for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    annotated = [t for t in cell_texts if "b/" in t]
    assert len(annotated) == 14 and all("(để\u00a0b/\u2060c)" in t for t in annotated)
    assert [words(t) for t in annotated] == [words(x) for x in notice.noi_nhan if "b/c" in x]


@pytest.fixture(scope="module")
def libreoffice_lines(notice: Context, tmp_path_factory: Any) -> list[str]:
    pdf = docx_to_pdfs({"no-break": render_docx(notice, search_path())}, Path(tmp_path_factory.mktemp("lo-nb")))
    return [squash(words(line.text)) for line in measure(pdf["no-break"]).lines()]


@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.parametrize("unit", [*UNITS, ANNOTATION])
def test_libreoffice_never_breaks_inside_a_unit(unit: str, libreoffice_lines: list[str]) -> None:
    _assert_whole(libreoffice_lines, unit, 14 if unit == ANNOTATION else len(SLIDE))


# --- validation -------------------------------------------------------------------------------------------


def test_a_unit_wider_than_its_line_is_a_located_error() -> None:
    long = "Thực hiện Thông báo số 05/" + "TB-UBND" * 12 + " của UBND tỉnh."
    found = problems_from_yaml(notice_yaml(ket_thuc=long))
    assert [(p.field, p.rule) for p in found] == [("ket_thuc", "R-BRK-1")]
    assert "không được ngắt xuống dòng" in found[0].message and "số 05/TB-UBNDTB" in found[0].message
    assert found[0].line > 0 and found[0].col > 0
    assert problems_from_yaml(notice_yaml(ket_thuc="Thực hiện Thông báo số 05/TB-UBND của UBND tỉnh.")) == []
