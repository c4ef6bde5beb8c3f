"""The header's rules stand clear of the ink above them, in both formats [R-EL-1b, R-EL-2b, R-EL-5a-2].

Measured on the rendered pages (pdftoppm at 600 dpi, one pixel 0.12 pt): for each rule, the
rows of clear paper between its top edge and the lowest ink of the line above it, descenders
(g, p, q, y) and the dots below Vietnamese vowels (Ậ, ạ, ọ, ụ, ỵ) included. At least 1.5 pt, so a
rule never reads as an underline; at most 6 pt, so it still belongs to its line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers import SEED, context_from_yaml, context_of, model_of, notice_yaml
from inkmeasure import docx_to_pdfs, gap_above_pt, page_image, rules
from pdfmeasure import measure
from vanban.pipeline.context import Context
from vanban.pipeline.render_docx import render_docx
from vanban.pipeline.render_pdf import render_pdf
from vanban.pipeline.templates import search_path

LEAST_PT, MOST_PT = 1.5, 6.0


def _notice(ten: list[str], trich_yeu: str) -> Context:
    body = {"ten": ten, "viet_tat": "UBND", "dia_danh": "Quảng Ngãi"}
    return context_from_yaml(notice_yaml(co_quan=body, trich_yeu=trich_yeu))


#: Lines ending in descenders and dots below, one line with none (the widest gap), and the reference notice.
CASES: dict[str, Any] = {
    "quang-ngai": lambda: _notice(["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI"], "V/v góp ý dự thảo quy hoạch"),
    "tan-lap": lambda: _notice(["ỦY BAN NHÂN DÂN", "XÃ TÂN LẬP"],
                               "Kết luận tại cuộc họp của Ủy ban nhân dân tỉnh Quảng Ngãi"),
    "ha-tinh": lambda: _notice(["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HÀ TĨNH"],
                               "Kết luận về hồ sơ trực tuyến của các sở, ban, ngành"),
    "reference": lambda: context_of(SEED),
}


def _rules(ctx: Context) -> Iterator[tuple[str, float, float]]:
    """Yield each rule the notice has: its name, length (mm) and how far either side of its centre its line reaches."""
    # The issuing body's rule is 40 % of its longest line, held to its own 65 mm column.
    yield "co_quan", ctx.co_quan_rule_mm, min(ctx.co_quan_rule_mm / ctx.layout.rule_ratio / 2,
                                              ctx.layout.header_left_mm / 2)
    yield "tieu_ngu", ctx.tieu_ngu_rule_mm, ctx.tieu_ngu_rule_mm / 2 + 1  # as long as its line
    if ctx.trich_yeu_rule_mm:
        yield "trich_yeu", ctx.trich_yeu_rule_mm, ctx.trich_yeu_rule_mm / ctx.layout.rule_ratio / 2


def _gaps(ctx: Context, pdf: bytes) -> dict[str, float]:
    page = page_image(pdf)
    out: dict[str, float] = {}
    for name, length, reach in _rules(ctx):
        found = rules(page, length)
        assert len(found) == 1, f"{name}: {len(found)} rules of {length} mm on page 1"
        out[name] = gap_above_pt(page, found[0], reach)
    return out


@pytest.fixture(scope="module")
def contexts() -> dict[str, Context]:
    return {stem: make() for stem, make in CASES.items()}


@pytest.mark.slow
@pytest.mark.parametrize("stem", list(CASES))
def test_pdf_rules_clear_the_ink_above(stem: str, contexts: dict[str, Context]) -> None:
    """Every rule of vanban's PDF stands 1.5–6 pt under the lowest ink of its line."""
    ctx = contexts[stem]
    gaps = _gaps(ctx, render_pdf(ctx))
    assert len(gaps) == (3 if ctx.ten_loai else 2)
    for name, gap in gaps.items():
        assert LEAST_PT <= gap <= MOST_PT, f"{stem} {name}: {gap:.2f} pt"


@pytest.fixture(scope="module")
def libreoffice_pdfs(contexts: dict[str, Context], tmp_path_factory: Any) -> dict[str, bytes]:
    docs = {stem: render_docx(ctx, search_path(None)) for stem, ctx in contexts.items()}
    return docx_to_pdfs(docs, Path(tmp_path_factory.mktemp("lo-rules")))


@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.parametrize("stem", list(CASES))
def test_docx_rules_clear_the_ink_above(stem: str, contexts: dict[str, Context],
                                        libreoffice_pdfs: dict[str, bytes]) -> None:
    """The same in the .docx as LibreOffice lays it out."""
    ctx = contexts[stem]
    gaps = _gaps(ctx, libreoffice_pdfs[stem])
    assert len(gaps) == (3 if ctx.ten_loai else 2)
    for name, gap in gaps.items():
        assert LEAST_PT <= gap <= MOST_PT, f"{stem} {name}: {gap:.2f} pt"


def test_one_clearance_places_every_rule() -> None:
    """The CSS and the Word template take the rules' offsets from Layout's one clearance."""
    from vanban.pipeline.layout import LAYOUT, Layout

    wider = Layout(rule_clearance_pt=LAYOUT.rule_clearance_pt + 1)
    for size in (LAYOUT.co_quan_pt, LAYOUT.tieu_ngu_pt, LAYOUT.trich_yeu_pt):
        assert wider.rule_offset_pt(size) == pytest.approx(LAYOUT.rule_offset_pt(size) + 1, abs=0.011)
    assert 0 < LAYOUT.co_quan_rule_offset_pt < LAYOUT.rule_clearance_pt


def _copy() -> tuple[Context, float]:
    """Return a SAO Y of the reference notice by a body with a descender and a dot below, and the block's rule."""
    import datetime as dt

    from vanban.pipeline.copies import Copier, copy_block, wrap

    model = model_of(SEED)
    who = Copier(("ỦY BAN NHÂN DÂN", "HUYỆN ĐẮK GLONG"), "UBND", "Đắk Glong", ("CHỦ TỊCH",), "Trần Văn An")
    block = copy_block("sao_y", who, 1, dt.date(2024, 2, 5), ["Phòng Nội vụ"])
    return wrap(context_of(SEED), model, "sao_y", block), block.co_quan_rule_mm


@pytest.mark.slow
@pytest.mark.libreoffice
def test_the_copy_blocks_rule_clears_the_copying_body_in_both_formats(tmp_path: Path) -> None:
    """R-EL-2b, issue 18 point 4, in a paper copy's block (Mẫu 3.1): the rule under the copying body's name too."""
    ctx, length = _copy()
    reach = min(length / ctx.layout.rule_ratio / 2, ctx.layout.header_left_mm / 2)
    laid_out = docx_to_pdfs({"copy": render_docx(ctx, search_path(None))}, tmp_path)["copy"]  # LibreOffice
    pdfs = {"pdf": render_pdf(ctx), "docx": laid_out}
    for fmt, pdf in pdfs.items():
        last = len(measure(pdf).pages) - 1  # the block closes the copy
        page = page_image(pdf, last)
        found = rules(page, length)
        assert len(found) == 1, f"{fmt}: {len(found)} rules of {length} mm on the last page"
        gap = gap_above_pt(page, found[0], reach)
        assert LEAST_PT <= gap <= MOST_PT, f"{fmt}: {gap:.2f} pt"
