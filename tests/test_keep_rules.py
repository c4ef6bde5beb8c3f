"""The .docx keeps the signature page together as the PDF does, and prints page numbers where it does.

Why: ND30 never lets the signature stand apart from the text it closes [R-SIG-6]; the PDF
kept the last paragraph, the Nơi nhận and the signer on one page while the .docx, laid out
by LibreOffice, left "…thực hiện./." alone at the foot of a page and began the next with the
signer (a 60-item list). Each notice here has a body of several pages and a Nơi nhận list
of 10, 40, 60 or 80 items, its length chosen so the end block does not fit where the body
ends (the keep rules have something to do; each test checks that first). Both PDFs, vanban's
and LibreOffice's rendering of the .docx, are measured: every paragraph starts and ends on
the same page in both, and the page number stands on the same baseline, at the same place.

The rule for a list longer than a page (docs/templates.md, "The signature page"): the
signer's row holds the first lines of the list, as tall as the signer block, and never
breaks; the last body paragraph stays with it; the rest of the list goes on under it.
"""

from __future__ import annotations

import io
from typing import Any

import pdfplumber
import pytest

from helpers import MM, context_from_yaml, notice_yaml, squash
from pdfmeasure import measure, paragraphs
from test_parity import convert_with_libreoffice
from vanban.pipeline.context import LAYOUT, Context
from vanban.pipeline.render_docx import render_docx
from vanban.pipeline.render_pdf import render_pdf
from vanban.pipeline.templates import search_path

LEFT, TOP = LAYOUT.margin_left_mm * MM, LAYOUT.margin_top_mm * MM
FILLER = "Các phòng, ban chuyên môn thực hiện nhiệm vụ được giao."
#: Nơi nhận items → one-line body paragraphs before the last: measured (PDF) so that the end
#: block cannot stay on the page where the body's second-last paragraph ends.
CASES = {10: 49, 40: 32, 60: 16, 80: 16}


def _notice(items: int, fillers: int) -> Context:
    body = [{"muc": "Nhiệm vụ", "noi_dung": [FILLER] * fillers}]
    recipients = [f"Đơn vị nhận số {i:02d}" for i in range(1, items)]  # + the Lưu line: ``items`` lines
    return context_from_yaml(notice_yaml(noi_dung=body, noi_nhan=recipients), f"nn-{items}")


@pytest.fixture(scope="module")
def rendered() -> dict[str, tuple[Context, bytes, bytes]]:
    """Return (context, docx, pdf) of every case, by stem."""
    out = {}
    for items, fillers in CASES.items():
        ctx = _notice(items, fillers)
        out[ctx.stem] = (ctx, render_docx(ctx, search_path()), render_pdf(ctx, search_path()))
    return out


@pytest.fixture(scope="module")
def libreoffice(rendered: dict[str, tuple[Context, bytes, bytes]], tmp_path_factory: Any) -> dict[str, bytes]:
    """Return every case's .docx laid out by LibreOffice, as PDF."""
    return convert_with_libreoffice(rendered, tmp_path_factory.mktemp("keep"))


def paragraph_pages(ctx: Context, data: bytes) -> list[tuple[str, int, int]]:
    """Return each paragraph from the body on, with the pages of its first and last line.

    Why by lines: the PDF has no paragraph marks; the signer's lines (right of the Nơi nhận
    column) are taken out of the flow, which then reads body, "Nơi nhận:" and the items in order.
    """
    m = measure(data)
    split = LEFT + ctx.cot_noi_nhan_mm * MM
    signer_texts = {squash(t) for t in (*ctx.chuc_vu, ctx.ho_ten)}
    lines = [ln for ln in m.lines() if ln.bottom >= TOP]
    signer = [ln for ln in lines if ln.x0 >= split and squash(ln.text) in signer_texts]
    flow = [ln for ln in lines if ln not in signer]
    first = squash(ctx.body[0].text)
    start = next(i for i, ln in enumerate(flow) if first.startswith(squash(ln.text)))
    texts = [*(b.text for b in ctx.body), ctx.noi_nhan_label, *ctx.noi_nhan]
    out = [(text, got[0].page, got[-1].page) for text, got in zip(texts, paragraphs(flow[start:], texts), strict=True)]
    return out + [(ln.text, ln.page, ln.page) for ln in signer]


def _pages(rows: list[tuple[str, int, int]], text: str) -> tuple[int, int]:
    (found,) = [(a, b) for t, a, b in rows if t == text]
    return found


@pytest.mark.parametrize("items", list(CASES))
def test_cases_need_the_keep_rules(items: int, rendered: dict[str, tuple[Context, bytes, bytes]]) -> None:
    """Control: each case's body runs over pages and its end block was moved off the page it would start on."""
    ctx, _, pdf = rendered[f"nn-{items}"]
    rows = paragraph_pages(ctx, pdf)
    assert len(measure(pdf).pages) >= 3 and len(ctx.noi_nhan) == items
    # 10 and 40 lines fit a page beside the signer; 60 and 80 do not, and go on under the signer's row.
    assert (ctx.noi_nhan_canh_ky == items) == (items <= 40)
    before, last = rows[len(ctx.body) - 2], rows[len(ctx.body) - 1]  # the body's last two paragraphs
    assert last[0] == ctx.body[-1].text and before[2] < last[1]
    assert rows[0][1] == 1  # the body starts on page 1: several pages of it


@pytest.mark.parametrize("items", list(CASES))
def test_pdf_keeps_the_signature_with_the_last_paragraph(
        items: int, rendered: dict[str, tuple[Context, bytes, bytes]]) -> None:
    """R-SIG-6: last paragraph, "Nơi nhận:", the signer's lines on one page; the whole list too when it fits one."""
    ctx, _, pdf = rendered[f"nn-{items}"]
    _assert_kept(ctx, paragraph_pages(ctx, pdf))


@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.parametrize("items", list(CASES))
def test_docx_keeps_the_signature_and_breaks_pages_as_the_pdf(
        items: int, rendered: dict[str, tuple[Context, bytes, bytes]], libreoffice: dict[str, bytes]) -> None:
    """R-SIG-6 in the .docx (LibreOffice): the same keep, and every paragraph on the PDF's pages."""
    ctx, _, pdf = rendered[f"nn-{items}"]
    ours, theirs = paragraph_pages(ctx, pdf), paragraph_pages(ctx, libreoffice[ctx.stem])
    _assert_kept(ctx, theirs)
    assert theirs == ours
    assert len(measure(libreoffice[ctx.stem]).pages) == len(measure(pdf).pages)


def _assert_kept(ctx: Context, rows: list[tuple[str, int, int]]) -> None:
    last = _pages(rows, ctx.body[-1].text)
    page = _pages(rows, ctx.noi_nhan_label)[0]
    assert last == (page, page)  # the last paragraph whole, on the page of the signer's row
    assert {_pages(rows, line) for line in (*ctx.chuc_vu, ctx.ho_ten)} == {(page, page)}  # R-SIG-6
    beside = ctx.noi_nhan[:ctx.noi_nhan_canh_ky]
    assert {_pages(rows, line) for line in beside} == {(page, page)}
    after = [_pages(rows, line)[1] for line in ctx.noi_nhan[ctx.noi_nhan_canh_ky:]]
    # A list longer than a page goes on under the signer's row, in order, onto the next page(s).
    assert after == sorted(after) and all(p >= page for p in after) and (not after or after[-1] > page)


# --- page numbers ------------------------------------------------------------------------------


def page_numbers(data: bytes) -> list[tuple[str, float, float]]:
    """Return, per page, the text in the top margin with its baseline and centre (mm from the top-left)."""
    out = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            chars = [c for c in page.chars if c["bottom"] < TOP and not c["text"].isspace()]
            if not chars:
                out.append(("", 0.0, 0.0))
                continue
            baseline = max(page.height - c["matrix"][5] for c in chars)  # matrix f: the baseline's height
            centre = (min(c["x0"] for c in chars) + max(c["x1"] for c in chars)) / 2
            out.append(("".join(c["text"] for c in chars), baseline / MM, centre / MM))
    return out


@pytest.mark.libreoffice
@pytest.mark.slow
def test_page_number_stands_where_the_pdf_prints_it(
        rendered: dict[str, tuple[Context, bytes, bytes]], libreoffice: dict[str, bytes]) -> None:
    """R-PGN-1/2: none on page 1; from page 2 the bare number, on the PDF's baseline and centre within 1 mm."""
    for stem, (_, _, pdf) in rendered.items():
        ours, theirs = page_numbers(pdf), page_numbers(libreoffice[stem])
        assert [t for t, _, _ in ours] == [t for t, _, _ in theirs] == ["", *map(str, range(2, len(ours) + 1))]
        centre = LAYOUT.margin_left_mm + LAYOUT.text_width_mm / 2
        for (_, base, x), (_, their_base, their_x) in zip(ours[1:], theirs[1:], strict=True):
            assert abs(base - their_base) <= 1.0, (stem, base, their_base)
            assert abs(x - their_x) <= 1.0 and abs(x - centre) <= 1.0, (stem, x, their_x)
            # R-PAGE-4: the line starts at the header distance, 10 mm from the paper's top edge.
            assert LAYOUT.header_distance_mm < base < LAYOUT.margin_top_mm


def test_measures_find_what_they_look_for(rendered: dict[str, tuple[Context, bytes, bytes]]) -> None:
    """Control: the helpers find a page number on page 2 and every paragraph of a case, in order."""
    ctx, _, pdf = rendered["nn-10"]
    numbers = page_numbers(pdf)
    assert numbers[0][0] == "" and numbers[1][0] == "2"
    rows = paragraph_pages(ctx, pdf)
    assert len(rows) == len(ctx.body) + 1 + len(ctx.noi_nhan) + len(ctx.chuc_vu) + 1


@pytest.mark.parametrize("part", ["_end.html", "_sign.html"])
def test_an_older_copy_of_one_part_loses_or_repeats_no_line(
        part: str, rendered: dict[str, tuple[Context, bytes, bytes]], tmp_path: Any) -> None:
    """An office's older copy of one part (no ``dai``, the whole list in one row) prints each line once."""
    from vanban.pipeline.templates import default_dir

    text = (default_dir() / part).read_text(encoding="utf-8")
    if part == "_end.html":
        older = text.replace("{% if noi_nhan[noi_nhan_canh_ky:] %} dai{% endif %}", "")
    else:
        first_row = text[: text.index("</table>") + len("</table>")]
        older = first_row.replace("noi_nhan_runs[:noi_nhan_canh_ky]", "noi_nhan_runs")
    assert older != text
    (tmp_path / part).write_text(older, encoding="utf-8")
    ctx = rendered["nn-80"][0]
    lines = [ln.text for ln in measure(render_pdf(ctx, search_path(tmp_path))).lines()]
    for item in ctx.noi_nhan:
        assert lines.count(item) == 1, item
    assert lines.count(ctx.ho_ten) == 1 and sum(ln.startswith(ctx.body[-1].text[:30]) for ln in lines) == 1
