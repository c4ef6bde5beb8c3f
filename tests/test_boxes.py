"""Values printed in fixed-width boxes: what passes validation fits its box in the real PDF.

Why measured in the PDF: the check reads widths from the font (``fonts.text_width_mm``);
if a renderer drew wider, a value the check let through would still run over its box. So the
widest value that passes is rendered and measured, and one character more must be refused.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pdfplumber
import pytest

from helpers import MM
from minimal_notice import MINIMAL, checked
from vanban.pipeline.context import build_context
from vanban.pipeline.fonts import text_width_mm
from vanban.pipeline.layout import LAYOUT
from vanban.pipeline.loader import load_yaml
from vanban.pipeline.render_pdf import render_pdf
from vanban.pipeline.validate.boxes import box_problems

LETTERS = "ABCDEGHKLMNPQRSTUVXY"


def _check(**changes: Any) -> tuple[Any, list[str]]:
    model, problems = checked(**changes)
    return model, [f"{p.field}: {p.message} [{p.rule}]" for p in problems]


def _widest(make: Callable[[str], dict[str, Any]]) -> tuple[str, str]:
    """Return the longest value made of LETTERS that passes, and the same with one letter more."""
    value = ""
    while True:
        longer = value + LETTERS[len(value) % len(LETTERS)]
        if _check(**make(longer))[0] is None:
            return value, longer
        value = longer


def _words(pdf: bytes) -> list[dict[str, Any]]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return list(document.pages[0].extract_words(keep_blank_chars=True))


def test_the_widest_ky_hieu_that_passes_stays_in_its_column() -> None:
    fits, too_long = _widest(lambda x: {"ky_hieu": f"TB-{x}"})
    model, _ = _check(ky_hieu=f"TB-{fits}")
    pdf = render_pdf(build_context(model, "x"))
    number = next(w for w in _words(pdf) if w["text"].startswith("Số:"))
    right_edge = (LAYOUT.margin_left_mm + LAYOUT.header_left_mm - LAYOUT.cell_padding_mm) * MM
    assert number["x1"] <= right_edge + 0.1 * MM
    _, problems = _check(ky_hieu=f"TB-{too_long}")
    width = f"{text_width_mm(f'Số: 07/TB-{too_long}', LAYOUT.so_pt):.1f}".replace(".", ",")
    assert problems == [f"ky_hieu: dòng 'Số: 07/TB-{too_long}' rộng {width} mm, không vừa ô số, ký hiệu (61,2 mm) "
                        "nên sẽ lấn sang dòng ngày tháng; hãy rút ngắn ký hiệu [R-EL-3]"]


def test_a_long_abbreviation_is_reported_at_viet_tat() -> None:
    _, problems = _check(co_quan={**MINIMAL["co_quan"], "viet_tat": "UBNDHUYENQUYNHLUUTINHNGHEAN"})
    assert len(problems) == 1 and problems[0].startswith("co_quan.viet_tat: dòng 'Số: 07/TB-UBNDHUYEN")


def test_the_widest_place_that_passes_keeps_the_date_line_on_one_line() -> None:
    fits, too_long = _widest(lambda x: {"co_quan": {**MINIMAL["co_quan"], "dia_danh": f"Quỳnh {x.capitalize()}"}})
    model, _ = _check(co_quan={**MINIMAL["co_quan"], "dia_danh": f"Quỳnh {fits.capitalize()}"})
    pdf = render_pdf(build_context(model, "x"))
    lines = {round(w["top"]) for w in _words(pdf) if "2024" in w["text"] or "Quỳnh" in w["text"]}
    assert len(lines) == 1, "the date line wrapped"
    _, problems = _check(co_quan={**MINIMAL["co_quan"], "dia_danh": f"Quỳnh {too_long.capitalize()}"})
    assert problems[0].startswith("co_quan.dia_danh: dòng 'Quỳnh ") and problems[0].endswith("[R-EL-4]")


def test_the_widest_name_that_passes_stays_on_one_line() -> None:
    fits, too_long = _widest(lambda x: {"nguoi_ky": {**MINIMAL["nguoi_ky"], "ho_ten": f"Trần {x.capitalize()}"}})
    model, _ = _check(nguoi_ky={**MINIMAL["nguoi_ky"], "ho_ten": f"Trần {fits.capitalize()}"})
    pdf = render_pdf(build_context(model, "x"))
    assert any(w["text"] == f"Trần {fits.capitalize()}" for w in _words(pdf))
    _, problems = _check(nguoi_ky={**MINIMAL["nguoi_ky"], "ho_ten": f"Trần {too_long.capitalize()}"})
    assert problems[0].startswith("nguoi_ky.ho_ten: họ tên") and problems[0].endswith("[R-EL-7b]")


@pytest.mark.parametrize(("changes", "field"), [
    ({"nguoi_ky": {**MINIMAL["nguoi_ky"], "chuc_vu": ["TUQ. CHỦ TỊCH", "CHÁNH-VĂN-PHÒNG-HĐND-VÀ-UBND-HUYỆN"]}},
     "nguoi_ky.chuc_vu[1]"),
    ({"noi_nhan": ["Các phòng", "vanphong.ubnd.quynhlien@nghean.gov.vn"]}, "noi_nhan[1]"),
    ({"luu": {"don_vi": ["VP", "VANPHONGHDNDVAUBNDXAQUYNHLIEN"]}}, "luu.don_vi[1]"),
    ({"trich_yeu": "Kết luận " + "KẾTLUẬN" * 10}, "trich_yeu"),
])
def test_a_word_wider_than_its_box_is_refused_where_it_is(changes: dict[str, Any], field: str) -> None:
    model, problems = _check(**changes)
    assert model is None
    assert len(problems) == 1 and problems[0].startswith(f"{field}: chữ '") and "nên sẽ bị cắt ngang" in problems[0]


def test_a_long_title_that_wraps_at_spaces_is_accepted() -> None:
    """A chức vụ line longer than the column wraps like a Word cell; only a word that cannot wrap is refused."""
    model, problems = _check(nguoi_ky={**MINIMAL["nguoi_ky"],
                                       "chuc_vu": ["TUQ. CHỦ TỊCH", "PHÓ GIÁM ĐỐC SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"]})
    assert model is not None, problems


def test_the_seed_fits_every_box(seed_path: Any) -> None:
    located, _ = load_yaml(seed_path.read_text(encoding="utf-8"), "seed.yaml")
    assert located is not None
    assert box_problems(located, located.data) == []


def _chars(pdf: bytes) -> list[dict[str, Any]]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [c for page in document.pages for c in page.chars]


def test_the_widest_no_break_span_that_passes_stays_on_the_paper() -> None:
    fits, too_long = _widest(lambda x: {"noi_dung": [f"Mở ^lien[Phòng {x.capitalize()} xã] hết."]})
    model, _ = _check(noi_dung=[f"Mở ^lien[Phòng {fits.capitalize()} xã] hết."])
    pdf = render_pdf(build_context(model, "x"))
    right = (LAYOUT.page_width_mm - LAYOUT.margin_right_mm) * MM
    assert max(c["x1"] for c in _chars(pdf)) <= right + 0.5 * MM
    _, problems = _check(noi_dung=[f"Mở ^lien[Phòng {too_long.capitalize()} xã] hết."])
    assert len(problems) == 1 and problems[0].startswith("noi_dung[0]: phần giữ liền một dòng '^lien[Phòng ")


def test_footnotes_up_to_the_limit_stay_on_the_paper_however_they_fall() -> None:
    """Twenty short paragraphs, each calling a long footnote: the arrangement that drew them off the page."""
    note = " ".join(f"w{j}" for j in range(170))  # about 8 lines at the footnote size
    calls = [f"Câu {i}^chu_thich[{note}] hết." for i in range(20)]
    model, problems = _check(noi_dung=calls)
    assert model is None and len(problems) == 1 and "các chú thích đến đây đã dài" in problems[0]
    allowed = next(n for n in range(20, 0, -1) if _check(noi_dung=calls[:n])[0] is not None)
    model, _ = _check(noi_dung=calls[:allowed])
    pdf = render_pdf(build_context(model, "x"))
    assert min(c["top"] for c in _chars(pdf)) >= 0, "a footnote was drawn above the top of the paper"
