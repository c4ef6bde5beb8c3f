"""The Công văn (Mẫu 1.5): its ký hiệu, "V/v …" under the number, the Kính gửi and "Như trên", in both formats.

Why its own tests: the frame (header, body, Nơi nhận, signer, page numbers) is measured on the
công văn fixtures by ``test_pdf_conformance`` and ``test_docx_conformance``; what only a công
văn has is measured here, on the same fixtures (``tests/fixtures/kinds/cong-van-*.yaml``): no
tên loại line and the trích yếu "V/v …" centred under the number [R-EL-5b], the ký hiệu without
a type abbreviation [R-NUM-5], the Kính gửi block [R-EL-9a] and "- Như trên;" first [R-NN-4].
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from helpers import ROOT, changed_yaml, context_from_yaml, context_of, model_of, problems_from_yaml
from pdfmeasure import measure, mm, without_footnotes
from test_docx_conformance import find, font_prop, para_prop, render, size_pt
from test_docx_conformance import mm as emu_mm
from test_pdf_conformance import HEADER_SPLIT, LEFT, TEXT_CENTRE, Parts, locate
from vanban.pipeline import rules
from vanban.pipeline.context import LAYOUT, Context
from vanban.pipeline.fonts import text_width_mm
from vanban.pipeline.notice import load_one
from vanban.pipeline.render_pdf import render_pdf

KINDS = ROOT / "tests" / "fixtures" / "kinds"
LETTERS = sorted(KINDS.glob("cong-van-*.yaml"))
MM = 72 / 25.4
DON_DOC = KINDS / "cong-van-don-doc.yaml"


def _data(path: Path = DON_DOC) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _yaml(**changes: Any) -> str:
    """Return the đôn đốc letter with top-level keys replaced (None removes one)."""
    return changed_yaml(DON_DOC.read_text(encoding="utf-8"), **changes)


def _messages(text: str) -> list[str]:
    return [f"{p.field}: {p.message} [{p.rule}]" for p in problems_from_yaml(text)]


# --- the model: ký hiệu, V/v, Như trên ------------------------------------------------------------


def test_fixtures_are_the_shapes_offices_use() -> None:
    """Three letters: several addressees, one addressee (a Văn phòng with a chủ quản line), a draft."""
    assert len(LETTERS) >= 3
    contexts = [context_of(path) for path in LETTERS]
    shapes = {(ctx.kinh_gui is not None and ctx.kinh_gui.one_line, ctx.du_thao, bool(ctx.chu_quan))
              for ctx in contexts}
    assert (False, False, False) in shapes and (True, False, True) in shapes and (False, True, False) in shapes


def test_ky_hieu_is_body_and_drafting_unit_without_a_type() -> None:
    """T-05, R-NUM-5: ``UBND-VP``, the drafting unit from Lưu by default, or the one given; no type abbreviation."""
    assert rules.number_line(7, model_of(DON_DOC).symbol) == "Số: 07/UBND-VP"  # T-05's công văn case
    assert model_of(KINDS / "cong-van-mot-noi.yaml").symbol == "VP-TH"
    assert context_of(KINDS / "cong-van-du-thao.yaml").so_ky_hieu == f"Số: {rules.BLANK}/UBND-KT"  # R-NUM-8
    ctx = context_from_yaml(_yaml(luu={"don_vi": ["VT", "TCKH"]}))
    assert ctx.so_ky_hieu == "Số: 152/UBND-TCKH"  # "VT" is the văn thư, never the drafting unit [R-NN-3]


def test_a_missing_or_spaced_drafting_unit_is_located() -> None:
    """R-NUM-5/6: without a drafting unit there is no ký hiệu; one with a space cannot be in it."""
    missing = _messages(_yaml(luu={"don_vi": []}))
    assert any(m.startswith("don_vi_soan_thao: ký hiệu công văn cần đơn vị soạn thảo") and m.endswith("[R-NUM-5]")
               for m in missing), missing
    spaced = _messages(_yaml(don_vi_soan_thao="V P"))
    assert any(m.startswith("don_vi_soan_thao: đơn vị soạn thảo 'V P'") for m in spaced), spaced
    assert _messages(_yaml(luu={"don_vi": []}, ky_hieu="UBND-VP")) == []  # a ký hiệu given needs no unit


def test_trich_yeu_reads_v_v_once_and_has_no_title_line() -> None:
    """R-EL-5b, R-EL-5a-3: "V/v " starts the trích yếu whether or not the author wrote it; no tên loại."""
    written = context_from_yaml(_yaml(trich_yeu="V/v đôn đốc thực hiện nhiệm vụ"))
    bare = context_from_yaml(_yaml(trich_yeu="đôn đốc thực hiện nhiệm vụ"))
    assert written.trich_yeu == bare.trich_yeu == ("V/v đôn đốc thực hiện nhiệm vụ",)
    assert bare.ten_loai == "" and bare.trich_yeu_rule_mm == 0
    long = context_of(DON_DOC)
    assert len(long.trich_yeu) >= 2 and long.trich_yeu[0].startswith("V/v ")
    assert all(text_width_mm(line, LAYOUT.vv_pt) <= LAYOUT.header_text_mm for line in long.trich_yeu)
    assert long.meta.subject == "CÔNG VĂN Số: 152/UBND-VP"


def test_a_long_author_line_of_the_v_v_is_refused_at_its_line() -> None:
    """R-EL-5b: lines the author splits are kept, so one too wide for the left column is the author's to split."""
    text = _yaml(trich_yeu=["V/v đôn đốc thực hiện các nhiệm vụ được giao tại phiên họp", "tháng 12"])
    problems = problems_from_yaml(text)
    assert [(p.field, p.rule) for p in problems] == [("trich_yeu[0]", "R-EL-5b")]


def test_nhu_tren_comes_first_once_and_only_under_a_kinh_gui() -> None:
    """R-NN-4, T-19: "- Như trên;" heads a công văn's Nơi nhận (written or not, once); a Thông báo refuses it."""
    ctx = context_from_yaml(_yaml(noi_nhan=["Chủ tịch UBND thị xã", "Như trên"]))
    assert ctx.noi_nhan == ("- Như trên;", "- Chủ tịch UBND thị xã;", "- Lưu: VT, VP.")
    alone = context_from_yaml(_yaml(noi_nhan=None))
    assert alone.noi_nhan == ("- Như trên;", "- Lưu: VT, VP.")
    notice = yaml.safe_load((ROOT / "tests" / "fixtures" / "kinds" / "thong-bao-nghi-tet.yaml").read_text("utf-8"))
    notice["noi_nhan"] = ["Như trên", *notice["noi_nhan"]]
    refused = _messages(yaml.safe_dump(notice, allow_unicode=True))
    assert "noi_nhan[0]: Thông báo không có 'Kính gửi' nên không dùng 'Như trên' [R-NN-4]" in refused


def test_kinh_gui_is_required() -> None:
    """R-EL-9a: a công văn is addressed; without kinh_gui it is refused at the field."""
    assert any(m.startswith("kinh_gui: thiếu trường bắt buộc") for m in _messages(_yaml(kinh_gui=None)))


def test_the_profiles_meeting_does_not_reach_a_cong_van(tmp_path: Path) -> None:
    """The profile's meeting defaults go to kinds that have a meeting; a công văn takes the rest."""
    shutil.copytree(ROOT / "tests" / "fixtures" / "profile", tmp_path / "office")
    letter = tmp_path / "office" / "content" / "cv.yaml"
    letter.write_text(_yaml(co_quan=None, nguoi_ky="pho-chanh-vp"), encoding="utf-8")
    ctx = context_of(letter)
    assert ctx.co_quan == ("ỦY BAN NHÂN DÂN", "THỊ XÃ HOÀNG MAI") and ctx.ho_ten == "Nguyễn Mạnh Hùng"
    assert load_one(letter).model.loai == "cong_van"


def test_kinh_gui_lines_are_punctuated_by_vanban() -> None:
    """R-EL-9a: one addressee as written on the label's line; several "- X;" … "- Y.", typed dashes not doubled."""
    one = context_from_yaml(_yaml(kinh_gui="Sở Nội vụ tỉnh Nghệ An;"))
    assert one.kinh_gui is not None and one.kinh_gui.lines == ("Kính gửi: Sở Nội vụ tỉnh Nghệ An",)
    several = context_from_yaml(_yaml(kinh_gui=["- Sở Nội vụ;", "Sở Tài chính."]))
    assert several.kinh_gui is not None
    assert several.kinh_gui.lines == ("Kính gửi:", "- Sở Nội vụ;", "- Sở Tài chính.")


# --- the PDF ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=[p.stem for p in LETTERS])
def letter(request: pytest.FixtureRequest) -> tuple[Context, Parts]:
    """Render one công văn to PDF once and locate its parts."""
    ctx = context_of(KINDS / f"{request.param}.yaml")
    measured = without_footnotes(measure(render_pdf(ctx)), LAYOUT.footnote_pt, LAYOUT.footnote_call_pt)
    return ctx, locate(ctx, measured)


def test_pdf_v_v_is_centred_under_the_number_in_the_left_column(letter: tuple[Context, Parts]) -> None:
    """R-EL-5b: "V/v …" 12–13 pt upright, not bold, centred under Số in ô 5b, 6 pt below it; no rule under it."""
    ctx, p = letter
    assert [ln.text for ln in p.trich_yeu] == list(ctx.trich_yeu) and p.trich_yeu[0].text.startswith("V/v ")
    assert p.ten_loai is None and not p.m.find_all(r"^CÔNG VĂN$")
    for ln in p.trich_yeu:
        assert ln.x1 <= HEADER_SPLIT and all(12 <= s <= 13 for s in ln.sizes)
        assert not ln.any_bold and not ln.any_italic
        assert abs(ln.centre - p.so.centre) <= 1 * MM, (mm(ln.centre), mm(p.so.centre))
    gap = p.trich_yeu[0].top - p.so.bottom
    assert 6 - 1 <= gap <= 6 + 4, gap  # 6 pt of space, and the glyph boxes' own leading
    under = [r for r in p.m.rules(1) if p.trich_yeu[-1].bottom < r.top < p.trich_yeu[-1].bottom + 6 * MM
             and r.x1 <= HEADER_SPLIT]
    assert not under  # §4.5: nothing is ruled under "V/v …"


def test_pdf_kinh_gui(letter: tuple[Context, Parts]) -> None:
    """R-EL-9a: 13–14 pt upright; one addressee on the label's line, centred; several under the colon."""
    ctx, p = letter
    assert ctx.kinh_gui is not None and p.kinh_gui
    assert p.kinh_gui[0].top > p.so.top and p.kinh_gui[-1].bottom < p.body[0][0].top
    for ln in p.kinh_gui:
        assert all(13 <= s <= 14 for s in ln.sizes) and not ln.any_bold and not ln.any_italic
    if ctx.kinh_gui.one_line:
        (line,) = p.kinh_gui
        assert line.text == ctx.kinh_gui.lines[0] and abs(line.centre - TEXT_CENTRE) <= 1 * MM
        return
    label, *items = p.kinh_gui
    assert label.text == "Kính gửi:"
    colon = label.x1 - text_width_mm(":", LAYOUT.kinh_gui_pt) * MM
    starts = [ln.x0 for ln in items if ln.text.startswith("- ")]
    assert len(starts) == len(ctx.kinh_gui.items) and max(starts) - min(starts) < 0.2
    assert abs(starts[0] - colon) <= 0.5 * MM  # the dashes stand under the colon
    assert abs(label.x0 - (LEFT + ctx.kinh_gui.indent_mm * MM)) <= 0.5 * MM
    wrapped = [ln for ln in items if not ln.text.startswith("- ")]
    for ln in wrapped:  # a long addressee continues after "- ", like a Nơi nhận item [R-NN-6]
        assert abs(ln.x0 - (starts[0] + ctx.kinh_gui.hang_mm * MM)) <= 0.5 * MM
    texts = [ln.text for ln in items if ln.text.startswith("- ")]
    assert all(t.endswith(";") for t in texts[:-1]) and " ".join(ln.text for ln in items).endswith(".")


def test_pdf_nhu_tren_heads_the_noi_nhan(letter: tuple[Context, Parts]) -> None:
    """R-NN-4: the Nơi nhận's first item is "- Như trên;" (the addressees above)."""
    _, p = letter
    assert p.nn_lines[0].text == "- Như trên;"


# --- the .docx -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=[p.stem for p in LETTERS])
def docx(request: pytest.FixtureRequest) -> tuple[Context, Any]:
    """Render one công văn to .docx once."""
    ctx = context_of(KINDS / f"{request.param}.yaml")
    return ctx, render(ctx)


def test_docx_v_v_under_the_number(docx: tuple[Context, Any]) -> None:
    """R-EL-5b: the "V/v …" lines follow Số in the header's left cell, 12 pt upright, centred, 6 pt first."""
    ctx, document = docx
    _so, where = find(document, ctx.so_ky_hieu)
    assert where == (0, 1, 0)
    cell = document.tables[0].rows[1].cells[0]
    assert [p.text for p in cell.paragraphs] == [ctx.so_ky_hieu, *ctx.trich_yeu]
    for p in cell.paragraphs[1:]:
        assert size_pt(document, p) == LAYOUT.vv_pt and not font_prop(document, p, "bold")
        assert not font_prop(document, p, "italic")
        assert para_prop(p, "alignment") == WD_ALIGN_PARAGRAPH.CENTER
        assert para_prop(p, "space_before").pt == LAYOUT.vv_space_pt
        # Word's "no space between paragraphs of the same style": only the first line is 6 pt down.
        assert p.style.element.find(f"{qn('w:pPr')}/{qn('w:contextualSpacing')}") is not None
    assert not any(p.text == "CÔNG VĂN" for p in document.paragraphs)


def test_docx_kinh_gui_indents_are_the_contexts(docx: tuple[Context, Any]) -> None:
    """R-EL-9a: the label and items carry the indents measured in the context (dashes under the colon)."""
    ctx, document = docx
    block = ctx.kinh_gui
    assert block is not None
    paragraphs = [p for p in document.paragraphs if p.style.name.startswith("VB Kinh Gui")]
    assert [p.text for p in paragraphs] == list(block.lines)
    for p in paragraphs:
        assert size_pt(document, p) == LAYOUT.kinh_gui_pt and not font_prop(document, p, "bold")
        assert para_prop(p, "keep_with_next")
    if block.one_line:
        assert para_prop(paragraphs[0], "alignment") == WD_ALIGN_PARAGRAPH.CENTER
        return
    label, *items = paragraphs
    assert emu_mm(label.paragraph_format.left_indent) == pytest.approx(block.indent_mm, abs=0.05)
    for p in items:
        assert emu_mm(p.paragraph_format.left_indent) == pytest.approx(block.item_indent_mm + block.hang_mm, abs=0.05)
        assert emu_mm(p.paragraph_format.first_line_indent) == pytest.approx(-block.hang_mm, abs=0.05)


def test_docx_footnote_in_a_cong_van() -> None:
    """A footnote in a công văn's body is a real Word footnote, as in a Thông báo (the body starts after Kính gửi)."""
    body = _data()["noi_dung"]
    body[0] = "Thực hiện Thông báo số 05/TB-UBND^chu_thich[Ban hành ngày 02/01/2024.] của UBND thị xã:"
    ctx = context_from_yaml(_yaml(noi_dung=body))
    document = render(ctx)
    (first,) = [p for p in document.paragraphs if p.text.startswith("Thực hiện Thông báo")]
    assert first._p.findall(f".//{qn('w:footnoteReference')}")
