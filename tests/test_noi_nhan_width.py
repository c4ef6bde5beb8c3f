"""The Nơi nhận column fits its list, within bounds, with the same width in the PDF and the .docx.

Why: a fixed 62 mm column wrapped six of ten items of a real list ("Chủ tịch, các Phó Chủ tịch
UBND / tỉnh;") where real notices use up to 75 mm [§3.3]. The context now fits the column to
the list once (``layout.noi_nhan_width``): the narrowest width that wraps as few items as
the bounds allow, the bounds keeping the signer's lines whole in their column [R-EL-7a/7b]
and a seal over the left third of the signature clear of the Nơi nhận text [R-SIG-9]. The
tests measure the widths both renderers drew: the signer's centre and the lines of the PDF
(pdfplumber), the table grid and cells of the .docx (python-docx), and LibreOffice's layout
of the .docx.
"""

from __future__ import annotations

from typing import Any

import pytest
from docx.oxml.ns import qn

from helpers import MM, SEED, context_from_yaml, context_of, notice_yaml, words
from pdfmeasure import measure
from test_parity import convert_with_libreoffice
from test_pdf_conformance import Parts, locate
from vanban.pipeline.context import LAYOUT, Context
from vanban.pipeline.fonts import text_width_mm
from vanban.pipeline.layout import (
    FIT_SLACK_MM,
    NOI_NHAN_MAX_MM,
    NOI_NHAN_MIN_MM,
    SEAL_CLEARANCE_MM,
    SEAL_MM,
    SIGNATURE_MM,
    noi_nhan_max_mm,
    noi_nhan_width,
)
from vanban.pipeline.render_docx import render_docx
from vanban.pipeline.render_pdf import render_pdf
from vanban.pipeline.templates import search_path

LEFT, RIGHT = LAYOUT.margin_left_mm, LAYOUT.page_width_mm - LAYOUT.margin_right_mm
PAD = 2 * LAYOUT.cell_padding_mm
#: A real list (issue 18): long unit names, annotations; the last item is longer than any column.
LONG_NAMES = [
    "Chủ tịch, các Phó Chủ tịch UBND tỉnh",
    "Văn phòng Đoàn ĐBQH và HĐND tỉnh",
    "Sở Tài nguyên và Môi trường (Đ/c Hùng)",
    "Trung tâm Phát triển quỹ đất thị xã Hoàng Mai",
    "Ban Quản lý dự án đầu tư xây dựng và phát triển quỹ đất khu vực thị xã Hoàng Mai",
    "UBND các xã, phường",
]
#: A provincial body's 44 mm seal (vanban.yaml's ky_so.con_dau gives it to co_quan.con_dau_mm).
BIG_SEAL_MM = 44.0
BIG_SEAL_BODY = {"ten": ["ỦY BAN NHÂN DÂN", "TỈNH NGHỆ AN"], "viet_tat": "UBND", "dia_danh": "Nghệ An",
                 "con_dau_mm": f"{BIG_SEAL_MM:g}"}
CASES = {
    "short": lambda: context_from_yaml(notice_yaml(noi_nhan=["Phòng Kinh tế"]), "short"),
    "long-names": lambda: context_from_yaml(notice_yaml(noi_nhan=LONG_NAMES), "long-names"),
    "reference": lambda: context_of(SEED),
    "big-seal": lambda: context_from_yaml(notice_yaml(noi_nhan=LONG_NAMES, co_quan=BIG_SEAL_BODY), "big-seal"),
}
#: The seal each case's body has: the layout's assumption unless the body gives its own.
SEALS = {"big-seal": BIG_SEAL_MM}


@pytest.fixture(scope="module")
def rendered() -> dict[str, tuple[Context, bytes, bytes]]:
    """Return (context, docx, pdf) of each case."""
    out = {}
    for name, make in CASES.items():
        ctx = make()
        out[name] = (ctx, render_docx(ctx, search_path()), render_pdf(ctx, search_path()))
    return out


def _need(item: str) -> float:
    """Return the column an item needs to stand on one line (mm)."""
    return text_width_mm(item, LAYOUT.noi_nhan_pt) + PAD + FIT_SLACK_MM


def drawn_split(parts: Parts) -> float:
    """Return where the drawn signer column begins (mm from the text block's left), from its centred lines."""
    centre = (parts.ho_ten.x0 + parts.ho_ten.x1) / 2 / MM
    return 2 * centre - RIGHT - LEFT


def docx_grid(data: bytes) -> list[list[float]]:
    """Return the Nơi nhận table's grid and each of its rows' cell widths (mm), read with python-docx."""
    import io

    import docx

    document = docx.Document(io.BytesIO(data))
    table = document.tables[-1]
    grid = [int(c.get(qn("w:w"))) / 1440 * 25.4 for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    rows = [[cell.width.mm for cell in row.cells] for row in table.rows]
    return [grid, *rows]


@pytest.mark.parametrize("name", list(CASES))
def test_widths_within_bounds_and_equal_in_both_formats(name: str, rendered: dict[str, Any]) -> None:
    """§3.3: the context's widths lie within bounds; the PDF draws them and the .docx's grid and cells hold them."""
    ctx, docx_bytes, pdf = rendered[name]
    assert NOI_NHAN_MIN_MM <= ctx.cot_noi_nhan_mm <= NOI_NHAN_MAX_MM
    assert ctx.cot_noi_nhan_mm + ctx.cot_nguoi_ky_mm == pytest.approx(LAYOUT.text_width_mm, abs=0.05)
    parts = locate(ctx, measure(pdf))
    assert drawn_split(parts) == pytest.approx(ctx.cot_noi_nhan_mm, abs=0.3)
    for widths in docx_grid(docx_bytes):
        assert widths == pytest.approx([ctx.cot_noi_nhan_mm, ctx.cot_nguoi_ky_mm], abs=0.02)
    # Nothing of the Nơi nhận reaches into the signer's column: its lines end inside their own.
    assert max(ln.x1 for ln in parts.nn_lines) / MM <= LEFT + ctx.cot_noi_nhan_mm - LAYOUT.cell_padding_mm + 0.1


@pytest.mark.parametrize("name", list(CASES))
def test_fewest_items_wrap(name: str, rendered: dict[str, Any]) -> None:
    """Every item that can stand on one line within the bounds does; the column is no wider than that needs."""
    ctx, _, pdf = rendered[name]
    parts = locate(ctx, measure(pdf))
    lines = [ln.text for ln in parts.nn_lines]
    starts = [i for i, text in enumerate(lines) if text.startswith("- ")]
    spans = [b - a for a, b in zip(starts, [*starts[1:], len(lines)], strict=True)]
    assert len(spans) == len(ctx.noi_nhan)
    # The bound: 75 mm, less where the signer's widest line or the body's seal needs the room [R-SIG-9].
    high = noi_nhan_max_mm(ctx.chuc_vu, ctx.ho_ten, LAYOUT, SEALS.get(name, SEAL_MM))
    for item, span in zip(ctx.noi_nhan, spans, strict=True):
        if _need(item) <= high:
            assert span == 1, item
        else:
            assert span >= 2, item  # honest control: a wider item does wrap
    one_line = [_need(item) for item in ctx.noi_nhan if _need(item) <= high]
    assert ctx.cot_noi_nhan_mm == pytest.approx(max([NOI_NHAN_MIN_MM, *one_line]), abs=0.1)


def test_cases_cover_short_long_and_wrapping(rendered: dict[str, Any]) -> None:
    """Control: a short list gets the narrowest column, a long one a wider one, and one item wraps anyway."""
    assert rendered["short"][0].cot_noi_nhan_mm == NOI_NHAN_MIN_MM
    long_names = rendered["long-names"][0]
    assert long_names.cot_noi_nhan_mm > LAYOUT.sign_left_mm  # wider than the old fixed 62 mm
    assert any(_need(item) > NOI_NHAN_MAX_MM for item in long_names.noi_nhan)
    # A bigger seal narrows the same list's column: the seal's real diameter bounds it [R-SIG-9].
    assert rendered["big-seal"][0].cot_noi_nhan_mm < long_names.cot_noi_nhan_mm


@pytest.mark.parametrize("name", list(CASES))
def test_seal_clears_the_noi_nhan(name: str, rendered: dict[str, Any]) -> None:
    """R-SIG-9: the body's seal (36 mm unless it gives its own) over the left third of a 50 mm signature
    centred on the signer stays 1 mm clear of the Nơi nhận."""
    ctx, _, pdf = rendered[name]
    parts = locate(ctx, measure(pdf))
    centre = (parts.ho_ten.x0 + parts.ho_ten.x1) / 2 / MM
    seal_left = centre - SIGNATURE_MM / 2 + SIGNATURE_MM / 3 - SEALS.get(name, SEAL_MM)
    assert max(ln.x1 for ln in parts.nn_lines) / MM + SEAL_CLEARANCE_MM <= seal_left


def test_width_bounds_follow_the_signer_and_the_seal() -> None:
    """The column widens to hold an item on one line, but not past a wide signer's line or a large seal."""
    item = "- Chủ tịch, các Phó Chủ tịch UBND tỉnh;"  # ≈ 68 mm with the cell's padding
    roomy = noi_nhan_width([item], ["CHỦ TỊCH"], "Lê Văn B")
    assert roomy == pytest.approx(_need(item), abs=0.1) and roomy > LAYOUT.sign_left_mm
    signer = "PHÓ CHÁNH VĂN PHÒNG HĐND VÀ UBND"  # ≈ 101 mm, bold 14 pt: fits 111 mm, not 97 mm
    narrowed = noi_nhan_width([item], ["KT. CHÁNH VĂN PHÒNG", signer], "Lê Văn B")
    room = LAYOUT.text_width_mm - PAD - text_width_mm(signer, LAYOUT.chuc_vu_pt, bold=True)
    assert narrowed == NOI_NHAN_MIN_MM and room < _need(item)  # the item wraps; the signer's line does not
    assert noi_nhan_width([item], ["CHỦ TỊCH"], "Lê Văn B", seal_mm=45) == NOI_NHAN_MIN_MM  # 45 mm seal
    assert noi_nhan_width(["- Lưu: VT."], ["CHỦ TỊCH"], "Lê Văn B") == NOI_NHAN_MIN_MM


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_draws_the_same_columns(rendered: dict[str, Any], tmp_path: Any) -> None:
    """The .docx laid out by LibreOffice: the signer's column where the PDF's is, the same lines of Nơi nhận."""
    pdfs = convert_with_libreoffice(rendered, tmp_path)
    for name, (ctx, _, pdf) in rendered.items():
        ours, theirs = locate(ctx, measure(pdf)), locate(ctx, measure(pdfs[name]))
        assert drawn_split(theirs) == pytest.approx(drawn_split(ours), abs=0.5), name
        # words(): the .docx holds no-break spaces and word joiners where the PDF has a no-wrap span [R-BRK-1].
        assert [words(ln.text) for ln in theirs.nn_lines] == [words(ln.text) for ln in ours.nn_lines], name
        assert abs(max(ln.x1 for ln in theirs.nn_lines) - max(ln.x1 for ln in ours.nn_lines)) <= 0.5 * MM
