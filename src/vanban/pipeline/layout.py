"""Page geometry and type sizes: one consistent set of values inside every ND30 range [§16].

Why its own module: the context lays text out with these numbers, the Word template is built
from them, and validation measures title and issuing-body lines against the same columns, so
a line the author gives is refused exactly when it would not fit on the page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from vanban.pipeline.fonts import MM_PER_PT, ink_below_box_em, line_pitch_em, text_width_mm


@dataclass(frozen=True)
class Layout:
    """Page geometry and type sizes: one consistent set inside every ND30 range [§16]."""

    page_width_mm: float = 210.0  # R-PAGE-1
    page_height_mm: float = 297.0
    margin_top_mm: float = 20.0  # R-PAGE-3, R-PAGE-5
    margin_bottom_mm: float = 20.0
    margin_left_mm: float = 30.0
    margin_right_mm: float = 15.0
    header_distance_mm: float = 10.0  # R-PAGE-4
    header_left_mm: float = 65.0  # §3.3: 65 | 100 on a 165 mm text block
    header_right_mm: float = 100.0
    cell_padding_mm: float = 1.9  # Word's default cell margin, kept in both renderers
    sign_left_mm: float = 62.0  # §3.3: ≈ 62 | 103, the Word template's grid; each notice fits its own (noi_nhan_width)
    sign_right_mm: float = 103.0
    quoc_hieu_pt: float = 13.0  # R-EL-1a 12–13
    tieu_ngu_pt: float = 14.0  # R-EL-1b 13–14
    co_quan_pt: float = 13.0  # R-EL-2a/2b 12–13
    so_pt: float = 13.0  # R-EL-3
    ngay_pt: float = 14.0  # R-EL-4 13–14
    ten_loai_pt: float = 14.0  # R-EL-5a-1 13–14
    trich_yeu_pt: float = 14.0  # R-EL-5a-2 13–14
    vv_pt: float = 12.0  # R-EL-5b 12–13: a công văn's "V/v …" (the decree's own sample is 12)
    vv_space_pt: float = 6.0  # R-EL-5b: 6 pt under the số and ký hiệu
    kinh_gui_pt: float = 14.0  # R-EL-9a 13–14
    kinh_gui_space_pt: float = 12.0  # under the header: ND30 sets no gap; the decree's Mẫu 1.5 leaves a blank line
    body_pt: float = 14.0  # R-BODY-1 13–14
    indent_mm: float = 12.7  # R-BODY-2: 1 cm or 1.27 cm
    para_space_pt: float = 6.0  # R-BODY-3: at least 6 pt
    line_spacing: float = 1.0  # R-BODY-4: single to 1.5
    noi_nhan_label_pt: float = 12.0  # R-NN-1
    noi_nhan_pt: float = 11.0  # R-NN-2
    noi_nhan_hang_em: float = 0.7  # R-NN-6: a wrapped Nơi nhận line starts after "- " (in em of its size)
    chuc_vu_pt: float = 14.0  # R-EL-7a 13–14
    ho_ten_pt: float = 14.0  # R-EL-7b 13–14
    signature_gap_mm: float = 30.0  # R-SIG-6: 25–35 mm for signature and seal
    page_number_pt: float = 14.0  # R-PGN-1 13–14
    footnote_pt: float = 12.0  # footnotes: ND30 sets no size; smaller than the body, one size throughout [R-FONT-4]
    footnote_call_pt: float = 9.0  # the superscript number in the text (≈ 2/3 of the body, as Word draws it)
    rule_ratio: float = 0.4  # R-EL-2b, R-EL-5a-2: 1/3–1/2 of the line; §16 recommends ≈ 40 %
    rule_weight_pt: float = 0.75
    #: Clear space between the lowest ink of a line (descenders, dots below) and the top of its
    #: rule [R-EL-1b, R-EL-2b, R-EL-5a-2]: within 1.5–6 pt for any line, so a rule never reads as
    #: an underline nor drifts off its line.
    rule_clearance_pt: float = 2.25

    @property
    def line_height_em(self) -> float:
        """Return the line pitch in em: ``line_spacing`` times the font's single spacing [R-BODY-4]."""
        return round(self.line_spacing * line_pitch_em(), 4)

    def rule_offset_pt(self, size_pt: float) -> float:
        """Return how far under the line box of a bold ``size_pt`` line its rule's top edge goes.

        Why one number: both renderers place the rule from the line box, the clearance that
        matters is from the ink (``rule_clearance_pt``); the deepest letter ends
        ``fonts.ink_below_box_em`` above the box's bottom.
        """
        leading = (self.line_spacing - 1) * line_pitch_em() / 2  # extra spacing is shared above and below
        return round(self.rule_clearance_pt - (ink_below_box_em(True) + leading) * size_pt, 2)

    @property
    def co_quan_rule_offset_pt(self) -> float:
        """Return the offset of the rule under the issuing body's name [R-EL-2b]."""
        return self.rule_offset_pt(self.co_quan_pt)

    @property
    def tieu_ngu_rule_offset_pt(self) -> float:
        """Return the offset of the rule under the Tiêu ngữ [R-EL-1b]."""
        return self.rule_offset_pt(self.tieu_ngu_pt)

    @property
    def trich_yeu_rule_offset_pt(self) -> float:
        """Return the offset of the rule under the trích yếu [R-EL-5a-2]."""
        return self.rule_offset_pt(self.trich_yeu_pt)

    @property
    def text_width_mm(self) -> float:
        """Return the width of the text block (165 mm with the default margins)."""
        return self.page_width_mm - self.margin_left_mm - self.margin_right_mm

    @property
    def noi_nhan_hang_mm(self) -> float:
        """Return where a wrapped Nơi nhận line starts, in mm from the item's "- " [R-NN-6]."""
        return self.noi_nhan_hang_em * self.noi_nhan_pt * MM_PER_PT

    @property
    def header_text_mm(self) -> float:
        """Return the width a line of the issuing body may take: its column less the cell padding."""
        return self.header_left_mm - 2 * self.cell_padding_mm

    def title_place(self, named: bool) -> Place:
        """Return where the trích yếu goes: under the tên loại across the text block (ô 5a), or "V/v …" in ô 5b.

        Why one answer: the context breaks the lines and validation measures the author's own
        lines in the same room, size and weight [R-EL-5a-2, R-EL-5b].
        """
        if named:
            return Place(self.text_width_mm, self.trich_yeu_pt, True)
        return Place(self.header_text_mm, self.vv_pt, False)


@dataclass(frozen=True)
class Place:
    """The room a line has, in mm, and the size (pt) and weight it is set in."""

    room_mm: float
    size_pt: float
    bold: bool


LAYOUT = Layout()

#: Room kept free when breaking title lines, so a renderer's own shaping never re-wraps them.
WRAP_SLACK = 0.96


def rule_mm(lines: Sequence[str], size_pt: float, ratio: float) -> float:
    """Return the length of the rule under bold ``lines``: ``ratio`` of the longest [R-EL-2b, R-EL-5a-2]."""
    longest = max((text_width_mm(line, size_pt, bold=True) for line in lines), default=0.0)
    return round(longest * ratio, 2)


# --- the Nơi nhận | signer table -----------------------------------------------------------------

#: Bounds of the Nơi nhận column [§3.3]: Phụ lục III's Mẫu 1.4 draws 52.8 mm; practice goes up to
#: 75 mm (real notices, so that "- Chủ tịch, các Phó Chủ tịch UBND tỉnh;" stands on one line).
NOI_NHAN_MIN_MM = 52.8
NOI_NHAN_MAX_MM = 75.0
#: The seal assumed when the office has not given its own (``ky_so.con_dau``, or ``co_quan.con_dau_mm``):
#: a district UBND's 36 mm, over the left third of a signature image at its widest (R-SIG-8: about
#: 35–50 mm), 1 mm clear of the Nơi nhận text [R-SIG-9].
SEAL_MM = 36.0
SIGNATURE_MM = 50.0
SEAL_CLEARANCE_MM = 1.0
#: Room kept on a line beyond the measured width, for the renderers' own rounding of glyph advances.
FIT_SLACK_MM = 0.5


@dataclass(frozen=True)
class SignArea:
    """The Nơi nhận | signer table of one document: its column widths and where its list breaks.

    ``beside`` Nơi nhận lines stand in the row of the signer, which never breaks across pages;
    the lines after them continue below in a row that may (a list longer than a page).
    """

    left_mm: float
    right_mm: float
    beside: int


def pitch_pt(size_pt: float, layout: Layout = LAYOUT) -> float:
    """Return the distance between two lines of ``size_pt`` text: single spacing as both renderers draw it."""
    return size_pt * layout.line_height_em


def line_count(text: str, room_mm: float, size_pt: float, bold: bool = False, first_mm: float = 0.0,
               hang_mm: float = 0.0) -> int:
    """Return how many lines ``text`` fills, filled greedily at spaces as Word and WeasyPrint fill them.

    ``first_mm`` is the first line's indent, ``hang_mm`` the indent of the lines after it.
    """
    lines, used = 1, first_mm
    room = room_mm - FIT_SLACK_MM
    space = text_width_mm(" ", size_pt, bold)
    for word in text.split():
        width = text_width_mm(word, size_pt, bold)
        if used > (first_mm if lines == 1 else hang_mm) and used + space + width > room:
            lines += 1
            used = hang_mm + width
        else:
            used += (space if used > (first_mm if lines == 1 else hang_mm) else 0.0) + width
    return lines


def noi_nhan_max_mm(chuc_vu: Sequence[str], ho_ten: str, layout: Layout = LAYOUT, seal_mm: float = SEAL_MM) -> float:
    """Return the widest the Nơi nhận column may be beside this signer and this seal (see ``noi_nhan_width``)."""
    pad = 2 * layout.cell_padding_mm
    text = layout.text_width_mm
    # R-SIG-9: seal's left edge = column centre − S/2 + S/3 − D ≥ the text's right edge (column − padding).
    seal = text - SIGNATURE_MM / 3 - 2 * seal_mm - 2 * SEAL_CLEARANCE_MM + pad
    widest = max([text_width_mm(ho_ten, layout.ho_ten_pt, bold=True),
                  *(text_width_mm(line, layout.chuc_vu_pt, bold=True) for line in chuc_vu)])
    signer_room = text - pad - widest - FIT_SLACK_MM
    return max(NOI_NHAN_MIN_MM, min(NOI_NHAN_MAX_MM, seal, signer_room))


def noi_nhan_width(items: Sequence[str], chuc_vu: Sequence[str], ho_ten: str, layout: Layout = LAYOUT,
                   seal_mm: float = SEAL_MM) -> float:
    """Return the Nơi nhận column's width: the narrowest that wraps as few items as the bounds allow.

    Why adaptive: a fixed 62 mm column wraps most items of a real list ("Chủ tịch, các Phó Chủ
    tịch UBND / tỉnh;") while a short list leaves the signer off-centre. The width lies between
    NOI_NHAN_MIN_MM and NOI_NHAN_MAX_MM [§3.3], leaves the signer column room for its widest line
    unbroken [R-EL-7a/7b], and keeps a seal of ``seal_mm`` over the left third of the signature,
    centred in the signer column, clear of the Nơi nhận text [R-SIG-9]. Both renderers use it.
    """
    pad = 2 * layout.cell_padding_mm
    high = noi_nhan_max_mm(chuc_vu, ho_ten, layout, seal_mm)
    needs = [text_width_mm(item, layout.noi_nhan_pt) + pad + FIT_SLACK_MM for item in items]
    width = max([NOI_NHAN_MIN_MM, *(n for n in needs if n <= high)])
    return math.ceil(width * 10) / 10


def sign_area(items: Sequence[str], chuc_vu: Sequence[str], ho_ten: str, last: str, last_bold: bool,
              layout: Layout = LAYOUT, seal_mm: float = SEAL_MM) -> SignArea:
    """Return the Nơi nhận | signer table of a document: widths, and how many lines stand beside the signer.

    Why decided here: ND30 keeps the signature with the text it closes [R-SIG-6]. When the last
    paragraph, the Nơi nhận list and the signer fit on a page, all the list stands beside the
    signer in one row that never breaks, kept with the last paragraph. A longer list cannot: the
    signer's row then holds just enough lines to stand as tall as the signer block (so no gap
    opens in the list), and the rest continues under it, across the page break. Both renderers
    draw the same rows, so they break pages at the same places.
    """
    left = noi_nhan_width(items, chuc_vu, ho_ten, layout, seal_mm)
    right = round(layout.text_width_mm - left, 1)
    pad = 2 * layout.cell_padding_mm
    hang = layout.noi_nhan_hang_mm
    heights = [line_count(item, left - pad, layout.noi_nhan_pt, hang_mm=hang) * pitch_pt(layout.noi_nhan_pt, layout)
               for item in items]
    signer = sum(line_count(line, right - pad, layout.chuc_vu_pt, True) for line in chuc_vu)
    signer_pt = (signer + 1) * pitch_pt(layout.chuc_vu_pt, layout) + layout.signature_gap_mm / MM_PER_PT
    label_pt = pitch_pt(layout.noi_nhan_label_pt, layout)
    last_pt = line_count(last, layout.text_width_mm, layout.body_pt, last_bold,
                         first_mm=layout.indent_mm) * pitch_pt(layout.body_pt, layout)
    page_pt = (layout.page_height_mm - layout.margin_top_mm - layout.margin_bottom_mm) / MM_PER_PT
    block_pt = 2 * layout.para_space_pt + last_pt + max(label_pt + sum(heights), signer_pt)
    if block_pt <= page_pt:
        return SignArea(left, right, len(items))
    beside, column = 0, label_pt
    while beside < len(items) and column < signer_pt:
        column += heights[beside]
        beside += 1
    # One item more than the signer's height needs: a renderer that wraps an item less leaves no gap.
    return SignArea(left, right, min(len(items), beside + 1))
