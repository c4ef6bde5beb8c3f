"""The .docx of a notice conforms to ND30, measured on the rendered file with python-docx.

Each test reads the rendered document (not the template) and cites the ND30 assertion
(indexed in ``docs/nd30.md``, §17 of the spec) it checks. Formatting is resolved the way Word does: direct
formatting on the run or paragraph, then the paragraph style and its base styles, then the
document defaults, so a test fails whether a value is wrong in the template's styles or in
the output.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import subprocess
import sys
import textwrap
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Length
from docx.table import Table
from docx.text.paragraph import Paragraph

from helpers import ROOT, context_from_yaml, context_of, notice_yaml, words
from vanban.pipeline.context import Block, Context
from vanban.pipeline.layout import NOI_NHAN_MAX_MM, NOI_NHAN_MIN_MM
from vanban.pipeline.render_docx import render_docx
from vanban.pipeline.templates import search_path

FONT = "Times New Roman"
MM_PER_TWIP = 25.4 / 1440
FIXTURES = ROOT / "tests" / "fixtures" / "notices"


def render(ctx: Context) -> Any:
    """Return the python-docx Document of ``ctx`` rendered with the default templates."""
    return Document(io.BytesIO(render_docx(ctx, search_path())))


#: The notices of issue 12 (footnotes, emphasis, tasks at every level, drafts), and the documents of every
#: other kind (Công văn, Giấy mời, general Thông báo); each is checked like the seed.
REAL = sorted([*(ROOT / "tests" / "fixtures" / "real").glob("*.yaml"),
               *(ROOT / "tests" / "fixtures" / "kinds").glob("*.yaml")])


@pytest.fixture(scope="module", params=["seed", *(p.stem for p in REAL)])
def case(request: pytest.FixtureRequest, seed_context: Context) -> tuple[Context, bytes]:
    """Return (context, .docx bytes) of the seed or of one real-shaped notice, rendered once."""
    ctx = seed_context if request.param == "seed" else context_of(REAL[[p.stem for p in REAL].index(request.param)])
    return ctx, render_docx(ctx, search_path())


@pytest.fixture(scope="module")
def ctx(case: tuple[Context, bytes]) -> Context:
    return case[0]


@pytest.fixture(scope="module")
def docx_bytes(case: tuple[Context, bytes]) -> bytes:
    return case[1]


@pytest.fixture(scope="module")
def doc(docx_bytes: bytes) -> Any:
    return Document(io.BytesIO(docx_bytes))


# --- reading the document ---------------------------------------------------------------------


def mm(length: int | None) -> float:
    """Return an EMU length (python-docx ``Length``) in millimetres."""
    return Length(length or 0).mm


def styles_chain(paragraph: Paragraph) -> Iterator[Any]:
    style = paragraph.style
    while style is not None:
        yield style
        style = style.base_style


def doc_default_size_pt(document: Any) -> float:
    size = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:sz')}")
    return int(size.get(qn("w:val"))) / 2 if size is not None else 10.0


def font_prop(document: Any, paragraph: Paragraph, name: str) -> Any:
    """Return a font property as Word resolves it: runs, then the paragraph style chain."""
    values = {getattr(run.font, name) for run in paragraph.runs if run.text.strip()}
    values.discard(None)
    if values:
        assert len(values) == 1, f"runs of {paragraph.text!r} disagree on {name}: {values}"
        return values.pop()
    for style in styles_chain(paragraph):
        value = getattr(style.font, name)
        if value is not None:
            return value
    if name == "size":
        return Length(int(doc_default_size_pt(document) * 12700))
    return False if name in ("bold", "italic") else None


def size_pt(document: Any, paragraph: Paragraph) -> float:
    return float(font_prop(document, paragraph, "size").pt)


def para_prop(paragraph: Paragraph, name: str) -> Any:
    """Return a paragraph format property: direct, then the style chain."""
    value = getattr(paragraph.paragraph_format, name)
    if value is not None:
        return value
    for style in styles_chain(paragraph):
        value = getattr(style.paragraph_format, name)
        if value is not None:
            return value
    return None


def line_ratio(document: Any, paragraph: Paragraph) -> float:
    """Return the line pitch as a multiple of the font size (1.0 = the size itself)."""
    rule = para_prop(paragraph, "line_spacing_rule")
    spacing = para_prop(paragraph, "line_spacing")
    if rule in (WD_LINE_SPACING.EXACTLY, WD_LINE_SPACING.AT_LEAST):
        return float(Length(spacing).pt) / size_pt(document, paragraph)
    if spacing is None:
        return 1.15  # Word's "single" for Times New Roman
    return float(spacing) * 1.15


def blocks(document: Any) -> Iterator[tuple[str, Paragraph, tuple[int, int, int] | None]]:
    """Yield (text, paragraph, (table, row, column) or None) for every paragraph, in order."""
    table_index = -1
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            p = Paragraph(child, document)
            yield p.text, p, None
        elif child.tag == qn("w:tbl"):
            table_index += 1
            table = Table(child, document)
            for r, row in enumerate(table.rows):
                for c, cell in enumerate(row.cells):
                    for p in cell.paragraphs:
                        yield p.text, p, (table_index, r, c)


def find(document: Any, text: str) -> tuple[Paragraph, tuple[int, int, int] | None]:
    hits = [(p, where) for t, p, where in blocks(document) if t == text]
    assert hits, f"no paragraph reads {text!r}"
    return hits[0]


def tables(document: Any) -> list[Table]:
    return list(document.tables)


def tblpr(table: Table) -> Any:
    return table._tbl.tblPr


def grid_mm(table: Table) -> list[float]:
    return [int(g.get(qn("w:w"))) * MM_PER_TWIP for g in table._tbl.tblGrid.findall(qn("w:gridCol"))]


def body_paragraphs(document: Any, ctx: Context) -> list[Paragraph]:
    """Return the paragraphs between the trích yếu (or the Kính gửi) and the signature table, in order."""
    out: list[Paragraph] = []
    started = False
    before = ctx.kinh_gui.lines[-1] if ctx.kinh_gui else ctx.trich_yeu[-1]
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:tbl"):
            if started:
                break
            continue
        p = Paragraph(child, document)
        if not started and p.text == before:
            started = True
            continue
        if started and p.text:
            out.append(p)
    return out


# --- T-08 page ---------------------------------------------------------------------------------


def test_page_is_a4_portrait_with_nd30_margins(doc: Any) -> None:
    """T-08 [R-PAGE-1/2/3/4]: 11906 × 16838 twips, margins inside the ND30 ranges, header 10 mm."""
    (section,) = doc.sections
    pg = section._sectPr.find(qn("w:pgSz"))
    assert (pg.get(qn("w:w")), pg.get(qn("w:h"))) == ("11906", "16838")
    assert pg.get(qn("w:orient")) in (None, "portrait")
    assert 20 <= round(mm(section.top_margin), 1) <= 25
    assert 20 <= round(mm(section.bottom_margin), 1) <= 25
    assert 30 <= round(mm(section.left_margin), 1) <= 35
    assert 15 <= round(mm(section.right_margin), 1) <= 20
    assert mm(section.header_distance) == pytest.approx(10, abs=0.1)


# --- T-09 fonts and colour ---------------------------------------------------------------------


def _xml_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist() if n.endswith(".xml")}


def test_every_run_style_and_default_names_times_new_roman(docx_bytes: bytes, ctx: Context) -> None:
    """T-09 [R-FONT-1]: every run, style and the defaults set w:rFonts to TNR; no theme fonts."""
    from lxml import etree

    parts = _xml_parts(docx_bytes)
    runs = 0
    for name, xml in parts.items():
        if not name.startswith("word/") or "theme" in name:
            continue
        assert b"Theme=" not in xml and b"theme=" not in xml.replace(b"cstheme", b"Theme="), name
        tree = etree.fromstring(xml)
        for run in tree.iter(qn("w:r")):
            runs += 1
            fonts = run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
            assert fonts is not None, f"{name}: a run has no w:rFonts"
            for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
                assert fonts.get(qn(f"w:{attr}")) == FONT, f"{name}: run font {attr}"
    assert runs >= len(ctx.paragraph_texts())  # every paragraph's runs were seen
    styles = etree.fromstring(parts["word/styles.xml"])
    rpr_sets = [s.find(qn("w:rPr")) for s in styles.iter(qn("w:style"))]
    rpr_sets.append(styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}"))
    assert len(rpr_sets) > 10
    for rpr in rpr_sets:
        fonts = rpr.find(qn("w:rFonts"))
        assert fonts is not None
        assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "cs", "eastAsia")} == {FONT}


def test_text_is_black(doc: Any) -> None:
    """T-09 [R-FONT-3]: no run and no style colours text anything but black (or auto)."""
    for _, p, _ in blocks(doc):
        for run in p.runs:
            assert run.font.color.rgb in (None, "000000") or str(run.font.color.rgb) == "000000"
    for style in doc.styles:
        color = style.element.find(f"{qn('w:rPr')}/{qn('w:color')}")
        if color is not None:
            assert color.get(qn("w:val")) in ("000000", "auto"), style.name


# --- T-10 … T-14 header and title block ----------------------------------------------------------


def test_quoc_hieu_and_tieu_ngu(doc: Any, ctx: Context) -> None:
    """T-10 [R-EL-1a/1b]: exact texts, bold, 12–13 / 13–14 pt, upright, right header column."""
    qh, where_qh = find(doc, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    tn, where_tn = find(doc, "Độc lập - Tự do - Hạnh phúc")
    assert where_qh == (0, 0, 1) and where_tn == (0, 0, 1)
    assert font_prop(doc, qh, "bold") and not font_prop(doc, qh, "italic")
    assert 12 <= size_pt(doc, qh) <= 13
    assert font_prop(doc, tn, "bold") and not font_prop(doc, tn, "italic")
    assert 13 <= size_pt(doc, tn) <= 14
    assert "\u2013" not in tn.text
    for p in (qh, tn):
        assert para_prop(p, "alignment") == WD_ALIGN_PARAGRAPH.CENTER


def test_issuing_body_bold_upper_and_chu_quan_not_bold() -> None:
    """T-12 [R-EL-2a/2b]: issuing-body lines upper, bold, 12–13 pt; a chủ quản line is not bold."""
    ctx = context_from_yaml((FIXTURES / "du-thao-van-phong.yaml").read_text(encoding="utf-8"), "dt")
    document = render(ctx)
    assert ctx.chu_quan and ctx.co_quan
    for line in ctx.chu_quan:
        p, where = find(document, line)
        assert where == (0, 0, 0)
        assert not font_prop(document, p, "bold")
        assert 12 <= size_pt(document, p) <= 13
    for line in ctx.co_quan:
        p, where = find(document, line)
        assert where == (0, 0, 0)
        assert line == line.upper()
        assert font_prop(document, p, "bold")
        assert 12 <= size_pt(document, p) <= 13


def test_so_and_date_share_a_row(doc: Any, ctx: Context) -> None:
    """T-13 [R-EL-3/R-EL-4]: Số (13 pt upright, left) and the date (13–14 pt italic, right) in one row."""
    so, where_so = find(doc, ctx.so_ky_hieu)
    day, where_day = find(doc, ctx.dia_danh_ngay)
    assert where_so is not None and where_day is not None
    assert where_so[:2] == where_day[:2] and (where_so[2], where_day[2]) == (0, 1)
    assert size_pt(doc, so) == 13 and not font_prop(doc, so, "italic")
    assert 13 <= size_pt(doc, day) <= 14 and font_prop(doc, day, "italic")


def test_header_table_is_a_fixed_borderless_65_100_grid(doc: Any, ctx: Context) -> None:
    """§3.3: header 65 | 100 mm, signature as the context fits it; fixed layout (LibreOffice needs it), no borders."""
    header, sign = tables(doc)
    assert grid_mm(header) == pytest.approx([65, 100], abs=0.1)
    assert grid_mm(sign) == pytest.approx([ctx.cot_noi_nhan_mm, ctx.cot_nguoi_ky_mm], abs=0.05)
    assert NOI_NHAN_MIN_MM <= ctx.cot_noi_nhan_mm <= NOI_NHAN_MAX_MM
    for table in (header, sign):
        layout = tblpr(table).find(qn("w:tblLayout"))
        assert layout is not None and layout.get(qn("w:type")) == "fixed"
        borders = tblpr(table).find(qn("w:tblBorders"))
        assert borders is not None
        assert {b.get(qn("w:val")) for b in borders} <= {"nil", "none"}


def test_ten_loai_and_trich_yeu(doc: Any, ctx: Context) -> None:
    """T-14 [R-EL-5a]: THÔNG BÁO centred bold 13–14 pt; trích yếu centred bold, not upper, no V/v.

    A công văn has no tên loại; its "V/v …" (ô 5b) is checked in ``test_cong_van``.
    """
    if not ctx.ten_loai:
        assert ctx.loai == "cong_van"  # only a công văn has no tên loại line [R-EL-5b]
        return
    title, where = find(doc, ctx.ten_loai)
    assert where is None
    assert para_prop(title, "alignment") == WD_ALIGN_PARAGRAPH.CENTER
    assert font_prop(doc, title, "bold") and 13 <= size_pt(doc, title) <= 14
    for line in ctx.trich_yeu:
        p, where = find(doc, line)
        assert where is None
        assert para_prop(p, "alignment") == WD_ALIGN_PARAGRAPH.CENTER
        assert font_prop(doc, p, "bold") and 13 <= size_pt(doc, p) <= 14
    text = " ".join(ctx.trich_yeu)
    assert text != text.upper() and not text.startswith("V/v")


# --- rules ------------------------------------------------------------------------------------------


def _rule_after(document: Any, text: str) -> tuple[Paragraph, float]:
    """Return the empty paragraph right after the paragraph reading ``text``, and the room it spans (mm)."""
    seen = False
    for t, p, where in blocks(document):
        if seen:
            assert t == "", f"the paragraph after {text!r} is not an empty rule paragraph"
            if where is None:
                room = 165.0
            else:
                table = tables(document)[where[0]]
                margins = tblpr(table).find(qn("w:tblCellMar"))
                pad = sum(int(margins.find(qn(f"w:{s}")).get(qn("w:w"))) for s in ("left", "right"))
                room = grid_mm(table)[where[2]] - pad * MM_PER_TWIP
            return p, room
        seen = t == text
    raise AssertionError(f"{text!r} not found")


@pytest.mark.parametrize(
    ("after", "width"),
    [
        (lambda c: c.co_quan[-1], lambda c: c.co_quan_rule_mm),  # R-EL-2b; T-12
        (lambda c: c.tieu_ngu, lambda c: c.tieu_ngu_rule_mm),  # R-EL-1b; T-11
        (lambda c: c.trich_yeu[-1], lambda c: c.trich_yeu_rule_mm),  # R-EL-5a-2; T-14
    ],
    ids=["co_quan", "tieu_ngu", "trich_yeu"],
)
def test_rules_are_bottom_borders_of_the_computed_width(
    doc: Any, ctx: Context, after: Callable[[Context], str], width: Callable[[Context], float]
) -> None:
    """§4.5, T-11/T-12/T-14: a single bottom border, as wide as the context says ±0.5 mm, centred."""
    if not ctx.ten_loai and after(ctx) == ctx.trich_yeu[-1]:
        # A công văn: nothing is ruled under "V/v …" [§4.5].
        v_v, _where = find(doc, ctx.trich_yeu[-1])
        assert v_v._p.pPr is None or v_v._p.pPr.find(f"{qn('w:pBdr')}/{qn('w:bottom')}") is None
        return
    p, room = _rule_after(doc, after(ctx))
    bottom = p._p.pPr.find(f"{qn('w:pBdr')}/{qn('w:bottom')}")
    if bottom is None:  # the border may come from the paragraph style
        bottom = p.style.element.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}")
    assert bottom is not None and bottom.get(qn("w:val")) == "single"
    left = mm(p.paragraph_format.left_indent)
    right = mm(p.paragraph_format.right_indent)
    assert room - left - right == pytest.approx(width(ctx), abs=0.5)
    assert abs(left - right) <= 0.05  # centred ("cân đối")


def test_tieu_ngu_rule_matches_the_text_width(seed_context: Context) -> None:
    """T-11 [R-EL-1b]: the rule under the Tiêu ngữ is 60.4 mm at 14 pt ±2 mm (measured from the font)."""
    assert seed_context.tieu_ngu_rule_mm == pytest.approx(60.4, abs=2)


# --- T-15, T-16, T-17 body -----------------------------------------------------------------------


#: Notices that ask for sentence-case mục headings (and are warned) [T-17].
SENTENCE_CASE = {"chu-thuong-muc"}


def style_prop(paragraph: Paragraph, name: str) -> Any:
    """Return a font property of the paragraph's style chain (the paragraph's own weight, not its runs')."""
    for style in styles_chain(paragraph):
        value = getattr(style.font, name)
        if value is not None:
            return value
    return False


def test_body_paragraphs(doc: Any, ctx: Context) -> None:
    """T-15 [R-BODY-1..4], T-17 [§7]: justified, indent 12.7 mm, 13–14 pt, ≥ 6 pt apart, single-ish.

    A paragraph's weight is its style's; inside it, exactly the words the author marked are bold or italic.
    """
    paragraphs = body_paragraphs(doc, ctx)
    assert [words(p.text) for p in paragraphs] == [words(b.text) for b in ctx.body]
    for p, block in zip(paragraphs, ctx.body, strict=True):
        for flag in ("bold", "italic"):
            marked = "".join(r.text for r in block.runs if getattr(r, flag) and not block.bold)
            direct = "".join(r.text for r in p.runs if getattr(r.font, flag))
            assert words(direct) == words(marked), (flag, p.text[:40])
        assert para_prop(p, "alignment") == WD_ALIGN_PARAGRAPH.JUSTIFY, p.text[:40]
        assert mm(para_prop(p, "first_line_indent")) == pytest.approx(12.7, abs=0.1)
        assert 13 <= size_pt(doc, p) <= 14
        before = Length(para_prop(p, "space_before") or 0).pt
        after = Length(para_prop(p, "space_after") or 0).pt
        assert before == 6 and after == 0
        assert 1.0 <= line_ratio(doc, p) <= 1.5
        assert bool(style_prop(p, "bold")) == block.bold, p.text[:40]
        assert not style_prop(p, "italic")
        assert p._p.pPr.find(qn("w:numPr")) is None  # literal numbering, no Word lists
        if re.match(r"^(I|II|III|IV|V|VI|VII|VIII|IX|X)\. ", p.text):
            title = p.text.split(". ", 1)[1]
            assert style_prop(p, "bold") and (title == title.upper()) == (ctx.stem not in SENTENCE_CASE)
        if re.match(r"^[a-zđ]\) ", p.text):
            assert not style_prop(p, "bold")
    if ctx.stem == "2023-12-phien-hop-thuong-ky":
        assert any(b.bold for b in ctx.body) and any(not b.bold for b in ctx.body)


def test_diem_items_are_upright_and_tasks_show_deadlines() -> None:
    """T-17 [§7]: điểm a) b) are not bold; a task's deadline is in its text (from the context)."""
    ctx = context_from_yaml((FIXTURES / "kt-pho-chu-tich.yaml").read_text(encoding="utf-8"), "kt")
    document = render(ctx)
    paragraphs = body_paragraphs(document, ctx)
    diem = [p for p in paragraphs if re.match(r"^[a-zđ]\) ", p.text)]
    assert [p.text[:2] for p in diem] == ["a)", "b)", "c)"]
    assert not any(font_prop(document, p, "bold") for p in diem)
    assert any("(hoàn thành trước ngày 20/03/2024)" in words(p.text) for p in paragraphs)  # joiners left out


def test_end_mark_only_at_the_end(doc: Any, ctx: Context) -> None:
    """T-16 [R-END-1]: the last body paragraph ends with "./."; nowhere else in the body."""
    paragraphs = body_paragraphs(doc, ctx)
    assert paragraphs[-1].text.endswith("./.") and not paragraphs[-1].text.endswith(" ./.")
    assert not any("./." in p.text for p in paragraphs[:-1])


# --- signature block --------------------------------------------------------------------------------


def _sign_cells(document: Any) -> tuple[Any, Any]:
    sign = tables(document)[-1]
    left, right = sign.rows[0].cells  # the signer's row; a long list goes on in a second
    return left, right


def test_noi_nhan(doc: Any, ctx: Context) -> None:
    """T-18 [R-NN-1/2/3/6]: "Nơi nhận:" bold italic 12 pt first in the left cell; items 11 pt upright."""
    left, _ = _sign_cells(doc)
    label, *items = left.paragraphs
    assert label.text == "Nơi nhận:"
    assert font_prop(doc, label, "bold") and font_prop(doc, label, "italic") and size_pt(doc, label) == 12
    assert [words(p.text) for p in items] == list(ctx.noi_nhan)  # as read: no-break joiners left out [R-BRK-1]
    for p in items[:-1]:
        assert re.match(r"^- .+;$", p.text)
    assert re.match(r"^- Lưu: VT(, [^;]+)?\.$", items[-1].text)
    for p in items:
        assert size_pt(doc, p) == 11 and not font_prop(doc, p, "bold") and not font_prop(doc, p, "italic")
        hang = mm(para_prop(p, "left_indent"))
        assert hang > 0 and mm(para_prop(p, "first_line_indent")) == pytest.approx(-hang)  # R-NN-6
    # T-19 [R-NN-4]: "Như trên" only under a Kính gửi, and then first.
    assert any(p.text.startswith("- Như trên") for p in items) == (ctx.kinh_gui is not None)


def test_signer(doc: Any, ctx: Context) -> None:
    """T-20/T-21/T-22 [R-EL-7a/7b, R-SIG-6]: 7a lines bold upper 13–14 centred; name bold, ≈ 30 mm below."""
    left, right = _sign_cells(doc)
    *chuc_vu, name = right.paragraphs
    assert [p.text for p in chuc_vu] == list(ctx.chuc_vu)
    for p in chuc_vu:
        assert p.text == p.text.upper() and font_prop(doc, p, "bold") and 13 <= size_pt(doc, p) <= 14
        assert para_prop(p, "alignment") == WD_ALIGN_PARAGRAPH.CENTER
    assert name.text == ctx.ho_ten and name.text != name.text.upper()
    assert font_prop(doc, name, "bold") and 13 <= size_pt(doc, name) <= 14
    assert para_prop(name, "alignment") == WD_ALIGN_PARAGRAPH.CENTER
    assert 25 <= mm(para_prop(name, "space_before")) <= 35
    assert not re.match(r"^(TS|ThS|PGS|GS|KS|BS)\.", name.text)
    # T-22: Nơi nhận and the first 7a line open the two cells of the same row.
    assert left.paragraphs[0].text == "Nơi nhận:" and right.paragraphs[0].text == ctx.chuc_vu[0]


def test_last_paragraph_and_signature_never_part(doc: Any, ctx: Context) -> None:
    """R-SIG-6: the last body paragraph keeps with the table; the signer's row never splits.

    A list longer than a page goes on in a second row, which may split and holds only Nơi nhận
    lines (docs/templates.md, "The signature page").
    """
    last = body_paragraphs(doc, ctx)[-1]
    assert para_prop(last, "keep_with_next") and para_prop(last, "keep_together")
    sign = tables(doc)[-1]
    first, *rest = sign.rows
    assert first._tr.trPr is not None and first._tr.trPr.find(qn("w:cantSplit")) is not None
    assert len(rest) == (1 if ctx.noi_nhan_canh_ky < len(ctx.noi_nhan) else 0)
    for row in rest:
        assert row._tr.trPr is None or row._tr.trPr.find(qn("w:cantSplit")) is None
        assert [words(p.text) for p in row.cells[0].paragraphs] == list(ctx.noi_nhan[ctx.noi_nhan_canh_ky:])
    left, right = _sign_cells(doc)
    assert [words(p.text) for p in left.paragraphs] == [ctx.noi_nhan_label, *ctx.noi_nhan[:ctx.noi_nhan_canh_ky]]
    for p in right.paragraphs[:-1]:
        assert para_prop(p, "keep_with_next"), p.text


# --- T-23 page numbers, draft mark ----------------------------------------------------------------------


def test_page_number_field_from_page_2(doc: Any, ctx: Context) -> None:
    """T-23 [R-PGN-1/2/3]: PAGE field centred 13–14 pt in the header; titlePg; empty first-page header."""
    (section,) = doc.sections
    assert section._sectPr.find(qn("w:titlePg")) is not None
    assert section.different_first_page_header_footer
    header = section.header
    instr = " ".join(t.text for t in header._element.iter(qn("w:instrText")))
    simple = [f.get(qn("w:instr")) for f in header._element.iter(qn("w:fldSimple"))]
    assert "PAGE" in instr.split() or any("PAGE" in (s or "").split() for s in simple)
    (number,) = header.paragraphs
    assert para_prop(number, "alignment") == WD_ALIGN_PARAGRAPH.CENTER
    assert 13 <= size_pt(doc, number) <= 14
    assert not re.search(r"Trang|/", number.text)
    first = section.first_page_header
    assert not first.is_linked_to_previous
    assert not list(first._element.iter(qn("w:instrText")))
    assert all(p.text.strip() in ("", ctx.du_thao_mark) for p in first.paragraphs)  # a review draft's mark


def test_draft_shows_a_boxed_mark_on_page_1() -> None:
    """R-NUM-8/R-DATE-5: a draft (no số, no date) shows "DỰ THẢO" bold and boxed in the first-page header."""
    ctx = context_from_yaml((FIXTURES / "du-thao-van-phong.yaml").read_text(encoding="utf-8"), "dt")
    assert ctx.du_thao
    document = render(ctx)
    (mark,) = [p for p in document.sections[0].first_page_header.paragraphs if p.text]
    assert mark.text == "DỰ THẢO"
    assert font_prop(document, mark, "bold")
    box = mark.style.element.find(f"{qn('w:rPr')}/{qn('w:bdr')}")
    assert box is not None and box.get(qn("w:val")) == "single"


# --- T-27 NFC -----------------------------------------------------------------------------------------------


def test_all_text_is_nfc(docx_bytes: bytes, ctx: Context) -> None:
    """T-27 [R-FONT-2]: every text node of every part is NFC."""
    from lxml import etree

    count = 0
    for name, xml in _xml_parts(docx_bytes).items():
        for t in etree.fromstring(xml).iter(qn("w:t")):
            count += 1
            assert unicodedata.is_normalized("NFC", t.text or ""), name
    assert count >= len(ctx.paragraph_texts())


def test_nfd_input_comes_out_nfc() -> None:
    """T-27 [R-FONT-2]: content typed in NFD (decomposed marks) is written NFC."""
    name = unicodedata.normalize("NFD", "Nguyễn Thị Hường")
    assert not unicodedata.is_normalized("NFC", name)
    text = notice_yaml(nguoi_ky={"chuc_vu": ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"], "ho_ten": name})
    document = render(context_from_yaml(text, "nfd"))
    names = [p.text for _, p, _ in blocks(document) if "Nguy" in p.text]
    assert unicodedata.normalize("NFC", name) in names


# --- hostile text ------------------------------------------------------------------------------------------

HOSTILE = "A & B <c> \"d\" 'e' {{ 7*7 }} {% if %}"


def test_hostile_text_comes_out_as_written(seed_context: Context) -> None:
    """Escaping: markup, quotes, Jinja syntax, tabs and line breaks survive; nothing after them is lost."""
    body = (
        Block.of("doan", f"{HOSTILE} mở đầu"),
        Block.of("khoan", f"1. {HOSTILE}", bold=True),
        Block.of("doan", f"Trước\tsau tab\ndòng mới {HOSTILE}"),
        *seed_context.body[-2:],
    )
    ctx = dataclasses.replace(
        seed_context,
        co_quan=(f"CƠ QUAN {HOSTILE}",),
        trich_yeu=(HOSTILE, "dòng hai"),
        body=body,
        noi_nhan=(f"- {HOSTILE};", "- Lưu: VT."),
        chuc_vu=(f"TL. {HOSTILE}", "CHÁNH VĂN PHÒNG"),
        ho_ten=f"Nguyễn & <Văn> \"A\" {HOSTILE}",
    )
    document = render(ctx)
    # As read: the no-break joiners of references and dates left out [R-BRK-1]; tabs and line breaks kept.
    texts = [t.replace("\u2060", "").replace("\u00a0", " ") for t, _, _ in blocks(document) if t]
    for expected in (*ctx.co_quan, *ctx.trich_yeu, *(b.text for b in body), *ctx.noi_nhan, *ctx.chuc_vu):
        assert expected in texts, expected
    assert texts[-1] == ctx.ho_ten  # the signer's name, last, intact: nothing was truncated
    (broken,) = [p for _, p, _ in blocks(document) if p.text.startswith("Trước")]
    assert broken._p.findall(f".//{qn('w:br')}") and broken._p.findall(f".//{qn('w:tab')}")
    assert texts == ctx.paragraph_texts()


# --- reproducible bytes and properties -----------------------------------------------------------------------

_RENDER_SCRIPT = textwrap.dedent(
    """
    import sys
    from vanban.pipeline.loader import load_file
    from vanban.pipeline.validate import check
    from vanban.pipeline.context import build_context
    from vanban.pipeline.render_docx import render_docx
    from vanban.pipeline.templates import search_path
    from pathlib import Path
    path = Path(sys.argv[1])
    located, _ = load_file(path, path.name)
    model, _ = check(located)
    sys.stdout.buffer.write(render_docx(build_context(model, path.stem), search_path()))
    """
)


@pytest.mark.slow
def test_two_processes_give_identical_bytes(seed_path: Path) -> None:
    """Reproducible output: separate processes ≥ 1.1 s apart (zip clock, properties) write the same bytes."""
    runs = []
    for i in range(2):
        if i:
            time.sleep(1.1)
        done = subprocess.run(
            [sys.executable, "-c", _RENDER_SCRIPT, str(seed_path)], capture_output=True, check=True
        )
        runs.append(done.stdout)
    assert runs[0][:2] == b"PK" and len(runs[0]) > 5000
    assert runs[0] == runs[1]
    with zipfile.ZipFile(io.BytesIO(runs[0])) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert z.namelist()[0] == "[Content_Types].xml"


def test_core_properties_come_from_the_content(docx_bytes: bytes, ctx: Context) -> None:
    """Metadata: title, author and dates from the context (never the clock); revision 1; valid core.xml.

    Read with lxml, not python-docx: once docxtpl is imported, python-docx's ``cp`` prefix
    points at the wrong namespace and would misread (and miswrite) these properties.
    """
    from lxml import etree

    cp = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
    dc = "{http://purl.org/dc/elements/1.1/}"
    dcterms = "{http://purl.org/dc/terms/}"
    root = etree.fromstring(_xml_parts(docx_bytes)["docProps/core.xml"])
    namespaces = {child.tag.split("}")[0] + "}" for child in root}
    assert namespaces <= {cp, dc, dcterms}, namespaces
    tags = [child.tag for child in root]
    assert len(tags) == len(set(tags)), "a core property is written twice"

    def one(tag: str) -> str:
        (element,) = root.findall(tag)
        return element.text or ""

    assert one(f"{dc}title") == ctx.meta.title
    assert one(f"{dc}creator") == ctx.meta.author
    created = ctx.meta.created.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert one(f"{dcterms}created") == one(f"{dcterms}modified") == one(f"{cp}lastPrinted") == created
    assert one(f"{cp}lastModifiedBy") == "" and one(f"{cp}revision") == "1"
