"""Turn a notice model into the one display-ready context both renderers draw.

Why: every ND30 formatting decision (numbers, dates, labels, upper-casing, punctuation,
line breaks of the titles, lengths of the rules) is made here, once, as pure functions of
the model. The .docx and the PDF templates only lay this context out, so the two can never
disagree on a date, a number or a sentence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from vanban.pipeline import rules
from vanban.pipeline.fonts import line_pitch_em, text_width_mm, wrap
from vanban.pipeline.model import ThongBao
from vanban.pipeline.outline import Item, outline


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
    sign_left_mm: float = 62.0  # §3.3: ≈ 62 | 103
    sign_right_mm: float = 103.0
    quoc_hieu_pt: float = 13.0  # R-EL-1a 12–13
    tieu_ngu_pt: float = 14.0  # R-EL-1b 13–14
    co_quan_pt: float = 13.0  # R-EL-2a/2b 12–13
    so_pt: float = 13.0  # R-EL-3
    ngay_pt: float = 14.0  # R-EL-4 13–14
    ten_loai_pt: float = 14.0  # R-EL-5a-1 13–14
    trich_yeu_pt: float = 14.0  # R-EL-5a-2 13–14
    body_pt: float = 14.0  # R-BODY-1 13–14
    indent_mm: float = 12.7  # R-BODY-2: 1 cm or 1.27 cm
    para_space_pt: float = 6.0  # R-BODY-3: at least 6 pt
    line_spacing: float = 1.0  # R-BODY-4: single to 1.5
    noi_nhan_label_pt: float = 12.0  # R-NN-1
    noi_nhan_pt: float = 11.0  # R-NN-2
    chuc_vu_pt: float = 14.0  # R-EL-7a 13–14
    ho_ten_pt: float = 14.0  # R-EL-7b 13–14
    signature_gap_mm: float = 30.0  # R-SIG-6: 25–35 mm for signature and seal
    page_number_pt: float = 14.0  # R-PGN-1 13–14
    rule_ratio: float = 0.4  # R-EL-2b, R-EL-5a-2: 1/3–1/2 of the line; §16 recommends ≈ 40 %
    rule_weight_pt: float = 0.75

    @property
    def line_height_em(self) -> float:
        """Return the line pitch in em: ``line_spacing`` times the font's single spacing [R-BODY-4]."""
        return round(self.line_spacing * line_pitch_em(), 4)

    @property
    def text_width_mm(self) -> float:
        """Return the width of the text block (165 mm with the default margins)."""
        return self.page_width_mm - self.margin_left_mm - self.margin_right_mm


LAYOUT = Layout()

#: Room kept free when breaking title lines, so a renderer's own shaping never re-wraps them.
_WRAP_SLACK = 0.96


@dataclass(frozen=True)
class Block:
    """One body paragraph, display-ready: its full text (label included) and its emphasis."""

    kind: str  # muc | khoan | diem | gach | cong | doan
    text: str
    bold: bool = False
    level: int = 0


@dataclass(frozen=True)
class Meta:
    """Document properties shared by both formats (title, author, dates from the content)."""

    title: str
    author: str
    subject: str
    created: dt.datetime
    lang: str = "vi"

    @property
    def created_iso(self) -> str:
        """Return the creation time as ISO 8601 in Vietnam time (+07:00) [R-SIG-13]."""
        return self.created.isoformat()


@dataclass(frozen=True)
class Context:
    """Everything the templates show, already formatted per ND30."""

    stem: str
    layout: Layout
    meta: Meta
    du_thao: bool
    chu_quan: tuple[str, ...]
    co_quan: tuple[str, ...]
    co_quan_rule_mm: float
    so_ky_hieu: str
    quoc_hieu: str
    tieu_ngu: str
    tieu_ngu_rule_mm: float
    dia_danh_ngay: str
    ten_loai: str
    trich_yeu: tuple[str, ...]
    trich_yeu_rule_mm: float
    body: tuple[Block, ...]
    noi_nhan_label: str
    noi_nhan: tuple[str, ...]
    chuc_vu: tuple[str, ...]
    ho_ten: str

    @property
    def trich_yeu_text(self) -> str:
        """Return the trích yếu on one line (for metadata and the file title)."""
        return " ".join(self.trich_yeu)

    def paragraph_texts(self) -> list[str]:
        """Return every paragraph in reading order, as both renderers must show it."""
        # Header table order: row 1 left, row 1 right, then row 2 (Số | date) [R-EL-4; T-13].
        out = [*self.chu_quan, *self.co_quan, self.quoc_hieu, self.tieu_ngu, self.so_ky_hieu, self.dia_danh_ngay]
        out += [self.ten_loai, *self.trich_yeu]
        out += [b.text for b in self.body]
        out += [self.noi_nhan_label, *self.noi_nhan, *self.chuc_vu, self.ho_ten]
        return out


_VN = dt.timezone(dt.timedelta(hours=7), "ICT")


def build_context(notice: ThongBao, stem: str, layout: Layout = LAYOUT) -> Context:
    """Return the display-ready context of ``notice``; ``stem`` names its output files."""
    co = notice.co_quan
    issued = notice.reference_date or dt.date(1970, 1, 1)
    year = issued.year
    header_width = layout.header_left_mm - 2 * layout.cell_padding_mm
    chu_quan = _wrap_lines([rules.upper_vi(x) for x in co.chu_quan], header_width, layout.co_quan_pt, False)
    co_quan = _wrap_lines([rules.upper_vi(x) for x in co.ten], header_width, layout.co_quan_pt, True)
    trich_yeu = _wrap_lines(
        [rules.collapse_spaces(x) for x in notice.trich_yeu], layout.text_width_mm, layout.trich_yeu_pt, True
    )
    body = _body(notice)
    author = " ".join(co_quan)
    return Context(
        stem=stem,
        layout=layout,
        meta=Meta(
            title=" ".join(trich_yeu),
            author=author,
            subject=f"THÔNG BÁO {rules.number_line(notice.so, notice.symbol)}".replace(rules.BLANK, " "),
            created=dt.datetime.combine(issued, dt.time(0, 0), _VN),
        ),
        du_thao=notice.du_thao,
        chu_quan=tuple(chu_quan),
        co_quan=tuple(co_quan),
        # R-EL-2b/2e: rule 1/3–1/2 of the longest bold line of the issuing body.
        co_quan_rule_mm=_rule(co_quan, layout.co_quan_pt, layout.rule_ratio),
        so_ky_hieu=rules.number_line(notice.so, notice.symbol),
        quoc_hieu=rules.QUOC_HIEU,
        tieu_ngu=rules.TIEU_NGU,
        # R-EL-1b: the rule is exactly as long as the Tiêu ngữ.
        tieu_ngu_rule_mm=round(text_width_mm(rules.TIEU_NGU, layout.tieu_ngu_pt, bold=True), 2),
        dia_danh_ngay=rules.place_date_line(co.dia_danh, notice.ngay, year),
        ten_loai="THÔNG BÁO",
        trich_yeu=tuple(trich_yeu),
        # R-EL-5a-2: rule 1/3–1/2 of the trích yếu line.
        trich_yeu_rule_mm=_rule(trich_yeu, layout.trich_yeu_pt, layout.rule_ratio),
        body=tuple(body),
        noi_nhan_label="Nơi nhận:",
        noi_nhan=tuple(rules.recipient_lines(notice.noi_nhan, notice.luu.don_vi, notice.luu.so_ban)),
        chuc_vu=tuple(rules.upper_vi(rules.collapse_spaces(x)) for x in notice.nguoi_ky.chuc_vu),
        ho_ten=rules.collapse_spaces(notice.nguoi_ky.ho_ten),
    )


def _wrap_lines(lines: list[str], width_mm: float, size_pt: float, bold: bool) -> list[str]:
    out: list[str] = []
    for line in lines:
        out.extend(wrap(line, width_mm * _WRAP_SLACK, size_pt, bold))
    return out


def _rule(lines: list[str], size_pt: float, ratio: float) -> float:
    longest = max((text_width_mm(line, size_pt, bold=True) for line in lines), default=0.0)
    return round(longest * ratio, 2)


# --- body ---------------------------------------------------------------------------------


def _body(notice: ThongBao) -> list[Block]:
    blocks: list[Block] = [Block("doan", t) for t in _opening(notice)]
    blocks.extend(_block(item) for item in outline(notice.noi_dung))
    blocks.extend(Block("doan", rules.collapse_spaces(t)) for t in notice.ket_thuc)
    last = blocks[-1]
    # R-END-1: "./." right after the last character of the body's last paragraph.
    blocks[-1] = Block(last.kind, rules.end_mark(last.text), last.bold, last.level)
    return blocks


def _opening(notice: ThongBao) -> list[str]:
    """Write the opening paragraphs from the meeting data, unless ``mo_dau`` gives them (§15)."""
    if notice.mo_dau:
        return [rules.collapse_spaces(t) for t in notice.mo_dau]
    meeting = notice.cuoc_hop
    if meeting is None:
        return []
    name = f"{meeting.hinh_thuc} {meeting.ten}".strip()
    chair = f"đồng chí {meeting.chu_tri.ho_ten} - {meeting.chu_tri.chuc_vu}"
    where = f", tại {meeting.dia_diem}" if meeting.dia_diem else ""
    first = (
        f"Ngày {rules.short_date(meeting.ngay)}{where}, {meeting.don_vi_to_chuc} tổ chức {name} "
        f"dưới sự chủ trì của {chair}."
    )
    if meeting.thanh_phan:
        first += f" Tham dự {meeting.hinh_thuc} có {', '.join(meeting.thanh_phan)}."
    if meeting.noi_dung:
        agenda = "; ".join(x.rstrip(" .;") for x in meeting.noi_dung)
        first += f" Tại {meeting.hinh_thuc}, {meeting.don_vi_to_chuc} đã nghe và cho ý kiến các nội dung: {agenda}."
    second = (
        f"Sau khi nghe {meeting.nghe}, ý kiến phát biểu của các đại biểu tham dự {meeting.hinh_thuc}, "
        f"{chair} kết luận:"
    )
    return [rules.collapse_spaces(first), rules.collapse_spaces(second)]


def _block(item: Item) -> Block:
    """Return the display block of one outline item: label, emphasis, a task's deadline."""
    if item.kind == "muc":
        # §7 report-style mục: Roman numeral, UPPER, bold [T-17].
        return Block("muc", f"{item.label} {rules.upper_vi(item.text)}", bold=True, level=item.level)
    if item.kind == "khoan":
        # §7: a khoản with a title (children follow) is bold; without, upright [T-17].
        return Block("khoan", f"{item.label} {item.text}", bold=item.has_children, level=item.level)
    if item.kind == "nhiem_vu":
        text = rules.with_deadline(item.text, item.deadline) if item.deadline else item.text
        return Block(item.dang, f"{item.label} {text}" if item.label else text, level=item.level)
    return Block(item.kind, f"{item.label} {item.text}" if item.label else item.text, level=item.level)
