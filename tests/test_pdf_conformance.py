"""ND30 conformance of the rendered PDF, measured on the page (T-08 … T-23, R-PAGE, R-EL, R-NN).

Why: the decree regulates what the printed page shows (positions, sizes, faces, rules), so
each test reads the real PDF with pdfplumber/pypdf/poppler and checks one rule ID, for the
seed notice and for variations written as YAML here (chủ quản + 3-line issuing body, a
trích yếu that wraps, a 2-line signer chain, a one-page notice, a draft without số/ngày), and
for the notices of ``tests/fixtures/real`` (footnotes, emphasis, tasks at every level, both
kinds of draft, sentence-case headings asked for). Footnotes are outside ND30: the checks
measure the text around them, footnote areas and calls left out (``pdfmeasure.without_footnotes``).
"""

from __future__ import annotations

import itertools
import logging
import re
import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import ROOT, SEED, context_from_yaml, notice_yaml, problems_from_yaml
from pdfmeasure import (
    MM,
    Line,
    Measured,
    Rule,
    embedded_fonts,
    has_embedded_file,
    measure,
    metadata,
    mm,
    paragraphs,
    pdffonts,
    squash,
    without_footnotes,
)
from vanban.errors import RenderError
from vanban.pipeline.context import LAYOUT, Block, Context
from vanban.pipeline.render_pdf import _weasyprint, render_html, render_pdf
from vanban.pipeline.templates import default_dir, search_path

pytestmark = pytest.mark.usefixtures("fail_on_weasyprint_warning")

# R-PAGE-1/3/5 with the recommended margins: the text block is 30 … 195 mm × 20 … 277 mm.
PAGE_W, PAGE_H = 210 * MM, 297 * MM
LEFT, RIGHT, TOP, BOTTOM = 30 * MM, 195 * MM, 20 * MM, 277 * MM
TEXT_CENTRE = (LEFT + RIGHT) / 2
# §3.3: header columns 65 | 100 mm, signature columns 62 | 103 mm.
HEADER_SPLIT = LEFT + LAYOUT.header_left_mm * MM
SLACK = 0.5  # pt: rounding of glyph boxes

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"  # R-EL-1a, R-FONT-5
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"  # R-EL-1b
ROMAN = r"^(I|II|III|IV|V|VI|VII|VIII|IX|X)\. "

OFFICE_YAML = """\
loai: thong_bao
co_quan:
  chu_quan: UBND THỊ XÃ HOÀNG MAI
  ten: ["BAN QUẢN LÝ DỰ ÁN", "ĐẦU TƯ XÂY DỰNG", "THỊ XÃ HOÀNG MAI"]
  viet_tat: BQLDA
  dia_danh: Hoàng Mai
so: "7"
ngay: "2024-02-09"
trich_yeu: >-
  Kết luận của Giám đốc Ban Quản lý dự án đầu tư xây dựng thị xã tại cuộc họp kiểm điểm tiến độ
  thi công, giải ngân vốn đầu tư công và công tác giải phóng mặt bằng các dự án trọng điểm
  trên địa bàn thị xã Hoàng Mai năm 2024
mo_dau:
  - >-
    Ngày 05/02/2024, tại trụ sở Ban Quản lý dự án, đồng chí Giám đốc chủ trì cuộc họp kiểm điểm tiến độ
    các dự án trọng điểm. Sau khi nghe báo cáo của các phòng chuyên môn, đồng chí Giám đốc kết luận như sau:
noi_dung:
  - khoan: "Giao Phòng Kế hoạch - Tổng hợp rà soát tiến độ từng gói thầu, báo cáo trước ngày 20/02/2024."
  - khoan: >-
      Giao Phòng Kỹ thuật phối hợp với nhà thầu bổ sung nhân lực, thiết bị để bảo đảm tiến độ thi công
      các hạng mục chính trước mùa mưa.
  - khoan: "Giao Phòng Tài chính lập hồ sơ thanh toán khối lượng hoàn thành, giải ngân vốn đầu tư công đạt kế hoạch."
ket_thuc: "Ban Quản lý dự án thông báo để các phòng, đơn vị liên quan biết, thực hiện."
nguoi_ky:
  chuc_vu: ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
  ho_ten: Lê Thị Thu Hà
noi_nhan:
  - UBND thị xã Hoàng Mai (để báo cáo)
  - Các phòng chuyên môn, đơn vị thuộc Ban Quản lý dự án đầu tư xây dựng thị xã
  - Các nhà thầu thi công
luu:
  don_vi: ["VT", "KH"]
  so_ban: "3"
"""

CUOC_HOP = {
    "ngay": "2024-03-01",
    "don_vi_to_chuc": "UBND thị xã",
    "chu_tri": {"ho_ten": "Nguyễn Hữu An", "chuc_vu": "Chủ tịch UBND thị xã"},
}


@dataclass(frozen=True)
class Variant:
    """One document to check: its YAML text and the issue (or meeting) date its metadata must carry."""

    yaml: str
    created: str  # PDF date prefix, from the content's ngay (or cuoc_hop.ngay for a draft); "": the context's
    upper_headings: bool = True  # False where the notice asks for sentence-case mục headings [T-17]


REAL = ROOT / "tests" / "fixtures" / "real"
#: Documents of every kind (Công văn, Giấy mời, general Thông báo): the frame is measured on them too.
KINDS = ROOT / "tests" / "fixtures" / "kinds"


def _real(name: str, created: str, upper_headings: bool = True) -> Variant:
    return Variant((REAL / f"{name}.yaml").read_text(encoding="utf-8"), created, upper_headings)


VARIANTS = {
    "seed": Variant(SEED.read_text(encoding="utf-8"), "D:20240102000000+07'00"),
    "office": Variant(OFFICE_YAML, "D:20240209000000+07'00"),
    "short": Variant(notice_yaml(), "D:20240305000000+07'00"),
    "draft": Variant(notice_yaml(so=None, ngay=None, cuoc_hop=CUOC_HOP), "D:20240301000000+07'00"),
    "ubnd-tinh-giao-ban": _real("ubnd-tinh-giao-ban", "D:20260821000000+07'00"),
    "diem-han-bang-chu": _real("diem-han-bang-chu", "D:20260914000000+07'00"),
    "dinh-ky": _real("dinh-ky", "D:20260907000000+07'00"),
    "chu-thich-han-dam": _real("chu-thich-han-dam", "D:20260908000000+07'00"),
    "trinh-ky": _real("trinh-ky", "D:20260901000000+07'00"),  # the draft's month: 09/2026
    "du-thao-lan-2": _real("du-thao-lan-2", "D:20260101000000+07'00"),  # the draft's year: 2026
    "chu-thuong-muc": _real("chu-thuong-muc", "D:20261002000000+07'00", upper_headings=False),
    **{path.stem: Variant(path.read_text(encoding="utf-8"), "") for path in sorted(KINDS.glob("*.yaml"))},
}
DRAFTS = {"draft", "trinh-ky", "du-thao-lan-2", *(name for name in VARIANTS if name.endswith("du-thao"))}


@dataclass(frozen=True)
class Parts:
    """The measured components of one notice, found on the page (ô 1–9b)."""

    m: Measured
    margin_lines: tuple[Line, ...]  # lines above the text block (page numbers, draft mark)
    quoc_hieu: Line
    tieu_ngu: Line
    chu_quan: tuple[Line, ...]
    co_quan: tuple[Line, ...]
    so: Line
    ngay: Line
    ten_loai: Line | None  # None for a công văn: its trích yếu reads "V/v …" under the number (ô 5b)
    trich_yeu: tuple[Line, ...]
    kinh_gui: tuple[Line, ...]  # ô 9a, for a kind addressed to someone
    body: tuple[tuple[Line, ...], ...]
    nn_label: Line
    nn_lines: tuple[Line, ...]
    chuc_vu: tuple[Line, ...]
    ho_ten: Line


@dataclass(frozen=True)
class Doc:
    """A rendered variant: its context, PDF bytes and measured parts."""

    name: str
    variant: Variant
    ctx: Context
    pdf: bytes
    parts: Parts


def sign_split(ctx: Context) -> float:
    """Return where the Nơi nhận column ends and the signer's begins: the width the context fitted [§3.3]."""
    return LEFT + ctx.cot_noi_nhan_mm * MM


def locate(ctx: Context, m: Measured) -> Parts:
    """Return the components of the document, found by position and by the texts the context holds."""
    margin = tuple(ln for ln in m.lines() if ln.bottom < TOP)
    lines = [ln for ln in m.lines() if ln.bottom >= TOP]
    first = [ln for ln in lines if ln.page == 1]
    kinh_gui: list[Line] = []
    if ctx.ten_loai:  # ô 5a: the header ends at the tên loại, the trích yếu follows it
        ten_loai: Line | None = next(ln for ln in first if ln.text == ctx.ten_loai)
        assert ten_loai is not None
        end = ten_loai.top
        start = lines.index(ten_loai) + 1
        trich_yeu = tuple(lines[start : start + len(ctx.trich_yeu)])
        rest = lines[start + len(ctx.trich_yeu) :]
    else:  # ô 5b: the trích yếu is in the header, which ends where the Kính gửi begins
        ten_loai = None
        label = next(ln for ln in first if ln.text.startswith("Kính gửi:"))
        end = label.top
        trich_yeu = ()
        rest = lines[lines.index(label):]
    if ctx.kinh_gui is not None:
        kinh_gui = [ln for para in paragraphs(rest, ctx.kinh_gui.lines) for ln in para]
        rest = rest[len(kinh_gui):]
    header = [ln for ln in first if ln.top < end]
    left = [ln for ln in header if ln.x1 <= HEADER_SPLIT]
    right = [ln for ln in header if ln.x0 >= HEADER_SPLIT]
    so = next(ln for ln in left if ln.text.startswith("Số:"))
    names = [ln for ln in left if ln.top < so.top]
    trich_yeu = trich_yeu or tuple(ln for ln in left if ln.top > so.top)
    n_chu = len(ctx.chu_quan)
    body = paragraphs(rest, [b.text for b in ctx.body])
    used = sum(len(p) for p in body)
    sign = rest[used:]
    split = sign_split(ctx)
    nn = [ln for ln in sign if ln.x1 <= split]
    signer = [ln for ln in sign if ln.x0 >= split]
    assert len(nn) + len(signer) == len(sign), "a line of the signature area straddles its two columns"
    return Parts(
        m=m,
        margin_lines=margin,
        quoc_hieu=right[0],
        tieu_ngu=right[1],
        chu_quan=tuple(names[:n_chu]),
        co_quan=tuple(names[n_chu:]),
        so=so,
        ngay=next(ln for ln in right if abs(ln.top - so.top) < 3),
        ten_loai=ten_loai,
        trich_yeu=trich_yeu,
        kinh_gui=tuple(kinh_gui),
        body=tuple(tuple(p) for p in body),
        nn_label=nn[0],
        nn_lines=tuple(nn[1:]),
        chuc_vu=tuple(signer[:-1]),
        ho_ten=signer[-1],
    )


@pytest.fixture(scope="module", params=list(VARIANTS))
def doc(request: pytest.FixtureRequest, seed_context: Context, seed_pdf: bytes) -> Doc:
    """Render one variant once per module and locate its parts."""
    name: str = request.param
    variant = VARIANTS[name]
    if name == "seed":
        ctx, pdf = seed_context, seed_pdf  # rendered once per session in conftest
    else:
        ctx = context_from_yaml(variant.yaml, name)
        pdf = render_pdf(ctx)
    return Doc(name, variant, ctx, pdf, locate(ctx, without_footnotes(measure(pdf), LAYOUT.footnote_pt,
                                                                      LAYOUT.footnote_call_pt)))


def _pages(doc: Doc) -> int:
    return len(doc.parts.m.pages)


def test_variants_cover_what_they_claim(doc: Doc) -> None:
    """The variations really exercise chủ quản, wrapping, 1 page, several pages and drafts."""
    p = doc.parts
    if doc.name == "office":
        assert len(p.chu_quan) == 1 and len(p.co_quan) == 3 and len(p.trich_yeu) >= 3
        assert len(p.chuc_vu) == 2
    if doc.name == "short":
        assert _pages(doc) == 1 and len(p.trich_yeu) >= 2
    if doc.name == "seed":
        assert _pages(doc) >= 3 and len(p.chuc_vu) == 3
    assert (doc.name in DRAFTS) == doc.ctx.du_thao


# --- T-08 page and margins ---------------------------------------------------------------


def test_t08_page_size_portrait_every_page(doc: Doc) -> None:
    """T-08 [R-PAGE-1/2]: every page is A4 210 × 297 mm, portrait."""
    for page in doc.parts.m.pages:
        assert abs(page.width - PAGE_W) < 0.5 and abs(page.height - PAGE_H) < 0.5, page.number


def test_t08_text_inside_margins(doc: Doc) -> None:
    """T-08 [R-PAGE-3]: text and rules stay in 30 … 195 mm × 20 … 277 mm (page numbers excepted)."""
    p = doc.parts
    for ln in p.m.lines():
        if ln in p.margin_lines:
            continue
        assert ln.x0 >= LEFT - SLACK and ln.x1 <= RIGHT + SLACK, (ln.page, mm(ln.x0), mm(ln.x1), ln.text)
        assert ln.top >= TOP and ln.bottom <= BOTTOM, (ln.page, mm(ln.top), mm(ln.bottom), ln.text)
    for rule in p.m.rules():
        assert rule.x0 >= LEFT - SLACK and rule.x1 <= RIGHT + SLACK and TOP <= rule.top <= BOTTOM
    # The body's continuation lines start at the left margin (30 mm) and justified lines end at 195 mm.
    continuation = [ln for para in p.body for ln in para[1:]]
    if continuation:
        assert abs(min(ln.x0 for ln in continuation) - LEFT) < 0.2 * MM
    # Only page numbers, and on page 1 of a review draft its mark, sit in the top margin.
    for ln in p.margin_lines:
        assert ln.page > 1 or (doc.ctx.du_thao_mark and ln.text == doc.ctx.du_thao_mark), ln.text


# --- T-09 fonts and colour ------------------------------------------------------------------

LIBERATION = {"Liberation-Serif", "Liberation-Serif-Bold", "Liberation-Serif-Italic", "Liberation-Serif-Bold-Italic"}


def _base(name: str) -> str:
    return re.sub(r"^/?[A-Z]{6}\+", "", name)


def test_t09_only_bundled_liberation_embedded(doc: Doc, tmp_path: Path) -> None:
    """T-09 [R-FONT-1]: the only fonts are the bundled Liberation Serif faces, all embedded; no DejaVu."""
    file = tmp_path / "doc.pdf"
    file.write_bytes(doc.pdf)
    listed = pdffonts(file)
    assert listed and all(embedded for _, embedded in listed)
    assert {_base(name) for name, _ in listed} <= LIBERATION, listed
    assert {_base(name) for name in embedded_fonts(doc.pdf)} <= LIBERATION
    assert not any("DejaVu" in word.font for ln in doc.parts.m.lines() for word in ln.words)


def test_t09_text_is_black(doc: Doc) -> None:
    """T-09 [R-FONT-3]: every glyph and every rule is painted black."""
    black = {(0.0, 0.0, 0.0), (0.0,), (0,), 0, (0, 0, 0)}
    for page in doc.parts.m.pages:
        assert page.char_colors <= black, (page.number, page.char_colors)
    assert all(rule.color in black for rule in doc.parts.m.rules())  # R-EL-1b, §4.5: black rules


# --- T-10/T-11 Quốc hiệu, Tiêu ngữ ----------------------------------------------------------


def _in_right_header_column(ln: Line) -> None:
    assert ln.x0 >= HEADER_SPLIT and ln.x1 <= RIGHT + SLACK
    assert abs(ln.centre - (HEADER_SPLIT + RIGHT) / 2) < 1 * MM


def test_t10_quoc_hieu_and_tieu_ngu(doc: Doc) -> None:
    """T-10 [R-EL-1a/1b]: exact texts, bold, upright, 12–13 / 13–14 pt, next lines, right column."""
    qh, tn = doc.parts.quoc_hieu, doc.parts.tieu_ngu
    assert qh.page == 1 and qh.text == QUOC_HIEU
    assert qh.bold and not qh.any_italic and all(12 <= s <= 13 for s in qh.sizes)
    assert tn.text == TIEU_NGU and "\u2013" not in tn.text and tn.text.count(" - ") == 2
    assert tn.bold and not tn.any_italic and all(13 <= s <= 14 for s in tn.sizes)
    assert 0 < tn.top - qh.top < 1.5 * qh.size  # the next line, single spacing
    _in_right_header_column(qh)
    _in_right_header_column(tn)


def test_t11_rule_under_tieu_ngu(doc: Doc) -> None:
    """T-11 [R-EL-1b]: a solid rule as long as the Tiêu ngữ (±2 mm), centred directly under it."""
    tn = doc.parts.tieu_ngu
    rule = doc.parts.m.rule_below(tn)
    assert abs(rule.width - tn.width) <= 2 * MM, (mm(rule.width), mm(tn.width))
    assert abs(rule.centre - tn.centre) <= 1 * MM


# --- T-12 issuing body ----------------------------------------------------------------------


def _is_upper(text: str) -> bool:
    return text == text.upper() and any(ch.isalpha() for ch in text)


def _rule_ratio_ok(rule: Rule, lines: tuple[Line, ...]) -> None:
    """R-EL-2b / R-EL-5a-2: 1/3–1/2 of the (longest) line, centred under it within ±1 mm."""
    longest = max(lines, key=lambda ln: ln.width)
    ratio = rule.width / longest.width
    assert 1 / 3 <= ratio <= 1 / 2, (ratio, mm(rule.width), mm(longest.width))
    assert abs(rule.centre - longest.centre) <= 1 * MM, (mm(rule.centre), mm(longest.centre))


def test_t12_issuing_body(doc: Doc) -> None:
    """T-12 [R-EL-2a/2b/2e]: chủ quản upper not bold; issuing body upper bold 12–13; rule 1/3–1/2, centred."""
    p = doc.parts
    assert [ln.text for ln in p.chu_quan] == list(doc.ctx.chu_quan)
    assert [ln.text for ln in p.co_quan] == list(doc.ctx.co_quan)
    for ln in p.chu_quan:
        assert _is_upper(ln.text) and not ln.any_bold and not ln.any_italic
        assert all(12 <= s <= 13 for s in ln.sizes)
    for ln in p.co_quan:
        assert _is_upper(ln.text) and ln.bold and not ln.any_italic
        assert all(12 <= s <= 13 for s in ln.sizes)
        assert ln.x1 <= HEADER_SPLIT
    rule = p.m.rule_below(p.co_quan[-1])
    _rule_ratio_ok(rule, p.co_quan)
    # The Số line is centred under the issuing body (ô 3), single rows of the same column.
    assert abs(p.so.centre - max(p.co_quan, key=lambda ln: ln.width).centre) <= 1 * MM


# --- T-13 Số and date ----------------------------------------------------------------------


def test_t13_so_and_date_on_one_row(doc: Doc) -> None:
    """T-13 [R-EL-3/R-EL-4]: Số (upright 13) and the date (italic 13–14) share a row; date centred under ô 1."""
    so, ngay = doc.parts.so, doc.parts.ngay
    assert abs(so.top - ngay.top) < 3, (so.top, ngay.top)
    assert so.text == doc.ctx.so_ky_hieu
    # R-NUM-1/2; a draft leaves the number blank for the văn thư [R-NUM-8].
    number = r"(0[1-9]|[1-9]\d+|\xa0+)" if doc.ctx.du_thao else r"(0[1-9]|[1-9]\d+)"
    assert re.fullmatch(rf"Số: {number}/[A-ZĐa-zđ]+(-[A-ZĐa-zđ&]+)+", so.text), so.text
    assert not so.any_italic and so.sizes == {13.0}
    assert ngay.italic and all(13 <= s <= 14 for s in ngay.sizes)
    assert ngay.text == doc.ctx.dia_danh_ngay
    # R-DATE-5: a draft leaves the day blank, and the month unless an issuing draft states it.
    date = r"ngày\xa0+tháng(\xa0+| \d{1,2} )năm \d{4}" if doc.ctx.du_thao else r"ngày \d{2} tháng \d{1,2} năm \d{4}"
    assert re.fullmatch(rf"[^,]+, {date}", ngay.text), ngay.text  # R-DATE-1/5
    assert abs(ngay.centre - doc.parts.tieu_ngu.centre) <= 1 * MM


# --- T-14 title block ------------------------------------------------------------------------


def test_t14_title_block(doc: Doc) -> None:
    """T-14 [R-EL-5a]: THÔNG BÁO centred bold 13–14; trích yếu centred bold, not upper, no V/v; rule 1/3–1/2.

    A công văn has no tên loại; its "V/v …" (ô 5b) is measured in ``test_cong_van``.
    """
    p = doc.parts
    if p.ten_loai is None:
        assert doc.ctx.loai == "cong_van"  # only a công văn has no tên loại line [R-EL-5b]
        return
    assert p.ten_loai.text == doc.ctx.ten_loai in ("THÔNG BÁO", "GIẤY MỜI")
    assert p.ten_loai.bold and all(13 <= s <= 14 for s in p.ten_loai.sizes)
    assert abs(p.ten_loai.centre - TEXT_CENTRE) <= 1 * MM
    assert [ln.text for ln in p.trich_yeu] == list(doc.ctx.trich_yeu)
    text = " ".join(ln.text for ln in p.trich_yeu)
    assert not text.startswith("V/v") and text != text.upper()
    for ln in p.trich_yeu:
        assert ln.bold and not ln.any_italic and all(13 <= s <= 14 for s in ln.sizes)
        assert abs(ln.centre - TEXT_CENTRE) <= 1 * MM
    assert 0 < p.trich_yeu[0].top - p.ten_loai.bottom < p.ten_loai.size  # directly under the tên loại
    _rule_ratio_ok(p.m.rule_below(p.trich_yeu[-1]), p.trich_yeu)


# --- T-15 … T-17 body ------------------------------------------------------------------------


def _pitches(doc: Doc) -> list[float]:
    """Return the baseline distances between consecutive lines of one paragraph on one page."""
    return [b.top - a.top for para in doc.parts.body for a, b in itertools.pairwise(para)
            if a.page == b.page]


def test_t15_body_paragraphs(doc: Doc) -> None:
    """T-15 [R-BODY-1..4]: 13–14 pt, justified, first-line indent 12.7 mm, ≥ 6 pt apart, spacing 1.0–1.5."""
    body = doc.parts.body
    pitch = statistics.median(_pitches(doc)) if _pitches(doc) else None
    for para in body:
        first, last = para[0], para[-1]
        assert all(13 <= s <= 14 for ln in para for s in ln.sizes), first.text
        assert abs((first.x0 - LEFT) - LAYOUT.indent_mm * MM) <= 0.3 * MM, (mm(first.x0 - LEFT), first.text)
        assert abs(LAYOUT.indent_mm - 12.7) < 1e-9 or abs(LAYOUT.indent_mm - 10.0) < 1e-9  # R-BODY-2
        for ln in para[1:]:
            assert abs(ln.x0 - LEFT) <= 0.3 * MM, (mm(ln.x0), ln.text)
        for ln in para[:-1]:  # justified: every line but the last reaches the right margin
            assert abs(ln.x1 - RIGHT) <= 1 * MM, (mm(ln.x1), ln.text)
        assert last.x1 <= RIGHT + SLACK
        for a, b in itertools.pairwise(para):
            if a.page == b.page:
                assert 1.0 <= (b.top - a.top) / a.size <= 1.5, (b.top - a.top, a.text)
    assert pitch is None or 1.0 <= pitch / LAYOUT.body_pt <= 1.5
    line_pitch = pitch or 1.15 * LAYOUT.body_pt
    for prev, nxt in itertools.pairwise(body):
        if prev[-1].page == nxt[0].page:
            gap = (nxt[0].top - prev[-1].top) - line_pitch
            assert gap >= 6 - 0.1, (gap, nxt[0].text)


def test_t15_some_lines_are_really_justified(doc: Doc) -> None:
    """T-15 [R-BODY-1]: a body of several multi-line paragraphs has full lines ending at 195 mm."""
    full = [ln for para in doc.parts.body for ln in para[:-1]]
    assert full, "no multi-line paragraph: the justification test would be vacuous"


def test_t16_end_mark(doc: Doc) -> None:
    """T-16 [R-END-1]: the body's last paragraph ends with "./." (no space before) and "./." occurs once."""
    last = " ".join(ln.text for ln in doc.parts.body[-1])
    assert last.endswith("./.") and not last.endswith(" ./.")
    everything = " ".join(ln.text for ln in doc.parts.m.lines())
    assert everything.count("./.") == 1


def _bold_beyond_marks(block: Block, para: tuple[Line, ...]) -> bool:
    """Tell whether a paragraph shows bold words other than those its author marked ^dam[…]."""
    drawn = squash("".join(w.text for ln in para for w in ln.words if w.bold))
    return drawn != squash("".join(r.text for r in block.runs if r.bold))


def test_t17_headings(doc: Doc) -> None:
    """T-17 [§7]: mục headings Roman + upper + bold; khoản titles bold; điểm lines not bold.

    Inside a sentence the author may mark words bold (a deadline): only those are.
    """
    seen = {"muc": 0, "khoan_title": 0, "diem": 0}
    for block, para in zip(doc.ctx.body, doc.parts.body, strict=True):
        text = " ".join(ln.text for ln in para)
        bold = all(ln.bold for ln in para)
        if re.match(ROMAN, text):
            title = re.sub(ROMAN, "", text)
            # Sentence case only where the notice asks for it (and is warned) [T-17].
            assert (title == title.upper()) == doc.variant.upper_headings and bold, text
            seen["muc"] += 1
        elif re.match(r"^[a-zđ]\) ", text):
            assert not _bold_beyond_marks(block, para), text
            seen["diem"] += 1
        elif re.match(r"^\d+(\.\d+)*\. ", text):
            # A khoản that is a title is bold; one without a title ("3. Giao Sở Nội vụ: …") is upright.
            assert bold == block.bold and (bold or not _bold_beyond_marks(block, para)), text
            seen["khoan_title"] += block.bold
        else:
            assert not _bold_beyond_marks(block, para), text
    expected = {"seed": ("muc", "khoan_title"), "short": ("muc", "khoan_title", "diem"), "office": ()}
    for kind in expected.get(doc.name, ()):
        assert seen[kind] > 0, f"{doc.name} has no {kind}: the check would be vacuous"


# --- T-18, T-20 … T-22 Nơi nhận and signer ---------------------------------------------------


def _items(lines: tuple[Line, ...]) -> list[str]:
    items: list[str] = []
    for ln in lines:
        if ln.text.startswith("- ") or not items:
            items.append(ln.text)
        else:
            items[-1] += " " + ln.text  # a recipient that wraps onto a second line
    return items


def test_t18_noi_nhan(doc: Doc) -> None:
    """T-18 [R-NN-1/2/3]: label bold italic 12; items 11 upright, "- …;" and last "- Lưu: VT, ….", flush left."""
    p = doc.parts
    assert p.nn_label.text == "Nơi nhận:" and p.nn_label.bold and p.nn_label.italic
    assert p.nn_label.sizes == {12.0}
    items = _items(p.nn_lines)
    assert len(items) == len(doc.ctx.noi_nhan) >= 2
    for item in items[:-1]:
        assert re.fullmatch(r"- .+;", item), item
    assert re.fullmatch(r"- Lưu: VT(, [^;]+)?\.", items[-1]), items[-1]
    for ln in p.nn_lines:
        assert ln.sizes == {11.0} and not ln.any_bold and not ln.any_italic, ln.text
    starts = [ln.x0 for ln in p.nn_lines if ln.text.startswith("- ")]
    assert max(starts) - min(starts) < 0.2 and abs(p.nn_label.x0 - min(starts)) < 0.2  # flush left


def test_t20_t21_signer(doc: Doc) -> None:
    """T-20/T-21 [R-EL-7a/7b]: chức vụ bold upper 13–14, name bold not upper; centred in the right column."""
    p = doc.parts
    assert [ln.text for ln in p.chuc_vu] == list(doc.ctx.chuc_vu)
    column_centre = (sign_split(doc.ctx) + RIGHT) / 2
    for ln in p.chuc_vu:
        assert _is_upper(ln.text) and ln.bold and not ln.any_italic and all(13 <= s <= 14 for s in ln.sizes)
        assert abs(ln.centre - column_centre) <= 1 * MM, (mm(ln.centre), ln.text)
    name = p.ho_ten
    assert name.text == doc.ctx.ho_ten and name.bold and not _is_upper(name.text)
    assert all(13 <= s <= 14 for s in name.sizes)
    assert abs(name.centre - column_centre) <= 1 * MM
    assert not re.match(r"^(TS|ThS|PGS|GS|KS|BS)\.", name.text)  # R-SIG-2
    assert name.page == p.chuc_vu[-1].page
    gap = mm(name.top - p.chuc_vu[-1].bottom)
    assert 25 <= gap <= 35, gap  # R-SIG-6: room for signature and seal


def test_t22_noi_nhan_level_with_signer(doc: Doc) -> None:
    """T-22 [R-NN-1]: the Nơi nhận label is level with the first chức vụ line (< one line apart)."""
    label, first = doc.parts.nn_label, doc.parts.chuc_vu[0]
    assert label.page == first.page
    assert abs(label.top - first.top) < label.size, (label.top, first.top)


def test_end_block_not_alone(doc: Doc) -> None:
    """R-SIG-6: the last body paragraph, Nơi nhận and the signer name are on one page."""
    p = doc.parts
    assert p.body[-1][-1].page == p.nn_label.page == p.ho_ten.page == p.nn_lines[-1].page


# --- T-23 page numbers -----------------------------------------------------------------------


def test_t23_page_numbers(doc: Doc) -> None:
    """T-23 [R-PGN-1/2/3]: none on page 1; bare "n" on page n ≥ 2, centred in the top margin, 13–14 pt."""
    margin = doc.parts.margin_lines
    assert not [ln for ln in margin if ln.page == 1 and ln.text != doc.ctx.du_thao_mark]
    for n in range(2, _pages(doc) + 1):
        numbers = [ln for ln in margin if ln.page == n]
        assert len(numbers) == 1, (n, [ln.text for ln in numbers])
        number = numbers[0]
        assert number.text == str(n)
        assert abs(number.centre - TEXT_CENTRE) <= 2 * MM, mm(number.centre)
        assert number.bottom < TOP and all(13 <= s <= 14 for s in number.sizes) and not number.any_italic
    # Every page's first line of the text block is not a number: nothing else crept into the header.
    for page in doc.parts.m.pages:
        body_lines = [ln for ln in page.lines if ln.bottom >= TOP]
        assert body_lines and body_lines[0].text != str(page.number)


# --- metadata ----------------------------------------------------------------------------------


def test_metadata(doc: Doc) -> None:
    """Title = trích yếu, author = issuing body, dates from the issue date, /Lang vi [R-FONT-2]."""
    info, catalog = metadata(doc.pdf)
    p = doc.parts
    assert info["/Title"] == " ".join(ln.text for ln in p.trich_yeu)
    assert info["/Author"] == " ".join(ln.text for ln in p.co_quan)
    created = doc.variant.created or doc.ctx.meta.created.strftime("D:%Y%m%d%H%M%S+07'00")
    assert info["/CreationDate"] == created
    assert info.get("/ModDate", created) == created
    assert str(catalog.get("/Lang")) == "vi"


# --- the end block never sits alone on a page --------------------------------------------------

FILLER = "Các phòng, ban chuyên môn thực hiện nhiệm vụ được giao."
#: One-line filler paragraphs: up to 17 the notice fits on page 1, from 18 it needs page 2
#: (measured); the range covers every position of the end block across the break.
FILLER_FROM, FILLER_TO = 14, 22


def _filler_contexts(counts: range) -> Iterator[tuple[int, Context]]:
    for n in counts:
        body = [{"muc": "Nhiệm vụ", "noi_dung": [FILLER] * n}]
        yield n, context_from_yaml(notice_yaml(noi_dung=body), f"filler-{n}")


@pytest.mark.slow
def test_end_block_never_alone_near_page_break() -> None:
    """R-SIG-6: for every length around the page 1 → 2 break, the end block stays with the last paragraph."""
    pages: dict[int, int] = {}
    for n, ctx in _filler_contexts(range(FILLER_FROM, FILLER_TO)):
        parts = locate(ctx, measure(render_pdf(ctx)))
        pages[n] = len(parts.m.pages)
        last = parts.body[-1][-1]
        assert last.page == parts.nn_label.page == parts.ho_ten.page, n
        assert parts.nn_lines[-1].page == parts.ho_ten.page, n
    assert set(pages.values()) == {1, 2}, f"range does not straddle the page break: {pages}"


# --- nothing is fetched; warnings fail ---------------------------------------------------------


def _user_templates(tmp_path: Path, html: str | None = None, css_extra: str = "",
                    html_name: str = "_head.html") -> tuple[Path, ...]:
    """Return a template search path whose user folder overrides an HTML part (the head) and/or thong_bao.css."""
    user = tmp_path / "templates"
    user.mkdir()
    if html is not None:
        (user / html_name).write_text(html, encoding="utf-8")
    if css_extra:
        css = (default_dir() / "thong_bao.css").read_text(encoding="utf-8")
        (user / "thong_bao.css").write_text(css + "\n" + css_extra, encoding="utf-8")
    return search_path(user)


def _default_html() -> str:
    """Return the frame's shared <head> part, which every kind's HTML template includes."""
    return (default_dir() / "_head.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def short_ctx() -> Context:
    """Return the Context of the one-page base notice."""
    return context_from_yaml(notice_yaml(), "short")


def test_markup_in_content_renders_literally() -> None:
    """Content is text, never markup: an <img> tag in a paragraph prints as text and fetches nothing."""
    tag = '<img src="file:///etc/passwd">'
    body = [{"muc": "Nhiệm vụ", "noi_dung": [f"Đường dẫn {tag} phải hiện nguyên văn."]}]
    ctx = context_from_yaml(notice_yaml(noi_dung=body), "markup")
    pdf = render_pdf(ctx)
    text = squash(" ".join(ln.text for ln in measure(pdf).lines()))
    assert squash(tag) in text
    assert not has_embedded_file(pdf)
    assert b"/Subtype /Image" not in pdf and b"/Subtype/Image" not in pdf


def test_embedded_file_detector_works(tmp_path: Path, short_ctx: Context) -> None:
    """Control: with WeasyPrint's default fetcher the attachment IS embedded, so the check below can fail."""
    secret = tmp_path / "secret.txt"
    secret.write_text("bí mật", encoding="utf-8")
    html = render_html(short_ctx).replace("</head>", f'<link rel="attachment" href="{secret.as_uri()}"></head>')
    weasyprint = _weasyprint()
    assert has_embedded_file(weasyprint.HTML(string=html).write_pdf())


@pytest.mark.parametrize(
    "inject",
    [
        '<link rel="attachment" href="file:///etc/hostname">',
        '<img src="file:///etc/passwd">',
        '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">',
    ],
)
def test_user_template_cannot_fetch(tmp_path: Path, short_ctx: Context, inject: str) -> None:
    """A user template that references a file or URL fails the render; nothing is embedded."""
    html = _default_html().replace("</head>", inject + "\n</head>")
    assert inject in html
    with pytest.raises(RenderError) as info:
        render_pdf(short_ctx, _user_templates(tmp_path, html=html))
    assert "tài nguyên" in str(info.value) or "WeasyPrint" in str(info.value)


def test_unknown_font_family_resolves_to_liberation(tmp_path: Path, short_ctx: Context) -> None:
    """R-FONT-1: a template naming a font that does not exist still gets Liberation Serif, silently."""
    path = _user_templates(tmp_path, css_extra='html, body, p, td { font-family: "NoSuchFont", "Arial", sans-serif; }')
    pdf = render_pdf(short_ctx, path)
    file = tmp_path / "x.pdf"
    file.write_bytes(pdf)
    assert {_base(name) for name, _ in pdffonts(file)} <= LIBERATION
    assert "NoSuchFont" in (path[0] / "thong_bao.css").read_text(encoding="utf-8")


@pytest.mark.parametrize("char", ["👍", "漢", "✓"])
def test_character_missing_from_font_rejected_at_validation(char: str) -> None:
    """R-FONT-1: a character the bundled font cannot draw is a located content error, not tofu in the PDF."""
    text = notice_yaml(ket_thuc=f"Đề nghị các đơn vị thực hiện {char} nghiêm túc.")
    problems = problems_from_yaml(text)
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if row.startswith("ket_thuc:"))
    found = [p for p in problems if p.rule == "R-FONT-1"]
    assert found and found[0].line == line, problems


def test_any_weasyprint_warning_fails_the_render(
    tmp_path: Path, short_ctx: Context, fail_on_weasyprint_warning: list[logging.LogRecord]
) -> None:
    """A template WeasyPrint only warns about (an unknown CSS property) fails the render, not the page."""
    path = _user_templates(tmp_path, css_extra="p { text-rendering: geometricPrecision; }")
    with pytest.raises(RenderError, match="WeasyPrint"):
        render_pdf(short_ctx, path)
    assert any("text-rendering" in r.getMessage() for r in fail_on_weasyprint_warning)
    fail_on_weasyprint_warning.clear()  # the warning was the point of this test
