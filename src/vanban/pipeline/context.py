"""Turn a notice model into the one display-ready context both renderers draw.

Why: every ND30 formatting decision (numbers, dates, labels, upper-casing, punctuation,
line breaks of the titles, lengths of the rules) is made here, once, as pure functions of
the model. The .docx and the PDF templates only lay this context out, so the two can never
disagree on a date, a number or a sentence.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from vanban.pipeline import deadlines, inline, rules
from vanban.pipeline.fonts import text_width_mm, wrap
from vanban.pipeline.inline import Inline, Note, Run
from vanban.pipeline.layout import LAYOUT, WRAP_SLACK, Layout
from vanban.pipeline.model import ThongBao, TrinhBay
from vanban.pipeline.outline import Item, outline

__all__ = ["LAYOUT", "Block", "Context", "Layout", "Meta", "build_context"]


@dataclass(frozen=True)
class Block:
    """One body paragraph, display-ready: its runs (label included), weight and page-keeping.

    Why runs: emphasis and footnote calls inside a sentence reach both renderers as data
    (text plus style), so neither parses markup and both draw the same words.
    """

    kind: str  # muc | khoan | diem | gach | cong | doan
    runs: tuple[Run, ...]
    bold: bool = False  # the whole paragraph: a mục heading or a khoản that is a title [§7; T-17]
    level: int = 0
    keep_next: bool = False  # a lead-in ending with ":" never ends a page without what it introduces
    #: The paragraph's words (footnote calls left out), as a reader and the .docx read them.
    text: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", inline.runs_text(self.runs))

    @property
    def plain(self) -> bool:
        """Tell whether the paragraph is one run of ordinary text (nothing marked inside it)."""
        return len(self.runs) == 1 and self.runs[0].plain

    @classmethod
    def of(cls, kind: str, text: str, bold: bool = False) -> Block:
        """Return a paragraph of ordinary text (for texts vanban writes itself, and for tests)."""
        return cls(kind, (Run(text),), bold)


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
    du_thao_mark: str  # "DỰ THẢO", "DỰ THẢO LẦN 2" on a review draft; "" on an issuing draft or a final
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
    footnotes: tuple[Note, ...] = ()  # every footnote, numbered 1, 2, 3 … in reading order

    @property
    def footnote_texts(self) -> list[str]:
        """Return the words of each footnote, in order (both formats print them at the page foot)."""
        return [n.text for n in self.footnotes]

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
    draft = notice.du_thao
    # R-EL-2c: the issuing body's lines as the author gives them (validation checks each fits).
    chu_quan = [rules.upper_vi(rules.collapse_spaces(x)) for x in co.chu_quan]
    co_quan = [rules.upper_vi(rules.collapse_spaces(x)) for x in co.ten]
    trich_yeu = title_lines(notice.trich_yeu, layout)
    body = _body(notice)
    notes = tuple(run.note for block in body for run in block.runs if run.note is not None)
    return Context(
        stem=stem,
        layout=layout,
        meta=Meta(
            title=" ".join(trich_yeu),
            author=" ".join(co_quan),
            subject=f"THÔNG BÁO {rules.number_line(notice.so, notice.symbol)}".replace(rules.BLANK, " "),
            created=dt.datetime.combine(issued, dt.time(0, 0), _VN),
        ),
        du_thao=notice.is_draft,
        du_thao_mark=rules.draft_mark(notice.draft_kind, draft.lan if draft else None),
        chu_quan=tuple(chu_quan),
        co_quan=tuple(co_quan),
        # R-EL-2b/2e: rule 1/3–1/2 of the longest bold line of the issuing body.
        co_quan_rule_mm=_rule(co_quan, layout.co_quan_pt, layout.rule_ratio),
        # R-NUM-8: an issuing draft leaves the number blank for the văn thư.
        so_ky_hieu=rules.number_line(None if notice.draft_kind == "trinh_ky" else notice.so, notice.symbol),
        quoc_hieu=rules.QUOC_HIEU,
        tieu_ngu=rules.TIEU_NGU,
        # R-EL-1b: the rule is exactly as long as the Tiêu ngữ.
        tieu_ngu_rule_mm=round(text_width_mm(rules.TIEU_NGU, layout.tieu_ngu_pt, bold=True), 2),
        # R-DATE-5: a draft's date line shows the year, and the month when the draft states it.
        dia_danh_ngay=rules.place_date_line(co.dia_danh, notice.ngay, (draft.year if draft else None) or issued.year,
                                            draft.thang[1] if draft and draft.thang else None),
        ten_loai="THÔNG BÁO",
        trich_yeu=tuple(trich_yeu),
        # R-EL-5a-2: rule 1/3–1/2 of the trích yếu line.
        trich_yeu_rule_mm=_rule(trich_yeu, layout.trich_yeu_pt, layout.rule_ratio),
        body=tuple(body),
        noi_nhan_label="Nơi nhận:",
        noi_nhan=tuple(rules.recipient_lines(notice.noi_nhan, notice.luu.don_vi, notice.luu.so_ban)),
        chuc_vu=tuple(rules.upper_vi(rules.collapse_spaces(x)) for x in notice.nguoi_ky.chuc_vu),
        ho_ten=rules.collapse_spaces(notice.nguoi_ky.ho_ten),
        footnotes=notes,
    )


def title_lines(given: tuple[Inline, ...], layout: Layout = LAYOUT) -> list[str]:
    """Return the trích yếu's lines: the author's own lines when there are several, else balanced.

    Why: the author who splits a title knows where it reads well, so those lines are kept
    (validation refuses one that does not fit); one line that is too long is balanced by
    ``fonts.wrap``, which never breaks inside a person's name or a ``^lien[…]`` span [R-EL-5a-2].
    """
    lines = [inline.plain_inline(t) for t in given]
    if len(lines) > 1:
        return [t.plain for t in lines]
    text = lines[0].plain
    keep = [*rules.name_spans(text), *inline.title_breaks(lines[0])]
    return wrap(text, layout.text_width_mm * WRAP_SLACK, layout.trich_yeu_pt, True, keep)


def _rule(lines: list[str], size_pt: float, ratio: float) -> float:
    longest = max((text_width_mm(line, size_pt, bold=True) for line in lines), default=0.0)
    return round(longest * ratio, 2)


# --- body ---------------------------------------------------------------------------------


def _body(notice: ThongBao) -> list[Block]:
    numbers = itertools.count(1)  # footnotes are numbered through the whole body, in reading order
    blocks = [Block("doan", t.runs(numbers)) for t in _opening(notice)]
    blocks.extend(_block(item, numbers, notice.trinh_bay) for item in outline(notice.noi_dung))
    blocks.extend(Block("doan", inline.plain_inline(t).runs(numbers)) for t in notice.ket_thuc)
    last = blocks[-1]
    # R-END-1: "./." right after the last character of the body's last paragraph.
    blocks[-1] = replace(last, runs=inline.with_tail(last.runs, rules.end_mark))
    # A lead-in ("… như sau:") stays on the page of the item it introduces.
    return [replace(b, keep_next=rules.is_lead_in(b.text)) for b in blocks[:-1]] + blocks[-1:]


def _opening(notice: ThongBao) -> list[Inline]:
    """Write the opening paragraphs from the meeting data, unless ``mo_dau`` gives them (§15)."""
    if notice.mo_dau:
        return [inline.plain_inline(t) for t in notice.mo_dau]  # plain when a command wrote it
    meeting = notice.cuoc_hop
    if meeting is None or meeting.ngay is None or meeting.chu_tri is None:
        return []  # nothing to write from (validation asks for the meeting's date and chair)
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
    return [inline.plain_inline(rules.collapse_spaces(first)), inline.plain_inline(rules.collapse_spaces(second))]


def _block(item: Item, numbers: Iterator[int], style: TrinhBay) -> Block:
    """Return the display block of one outline item: label, emphasis, a task's deadline."""
    if item.kind == "muc":
        # §7 report-style mục: Roman numeral, UPPER, bold [T-17]; another form only when the
        # notice asks (trinh_bay), which validation warns about.
        runs = item.inline.runs(numbers, rules.upper_vi if style.muc_chu == "in_hoa" else None)
        return Block("muc", _labelled(item.label, runs), bold=style.muc_net == "dam", level=item.level)
    runs = item.inline.runs(numbers)
    deadline = item.deadline
    if deadline is not None and not item.deadline_in_text:
        words = deadlines.printed(deadline)
        runs = inline.with_tail(runs, lambda text: rules.with_deadline(text, words))
    kind = item.dang if item.kind == "nhiem_vu" else item.kind
    # §7: a khoản that is a title is bold; one without a title, and every other item, upright [T-17].
    return Block(kind, _labelled(item.label, runs), bold=item.is_title, level=item.level)


def _labelled(label: str, runs: tuple[Run, ...]) -> tuple[Run, ...]:
    """Return ``runs`` after the item's label ("2.1.", "a)", "-"), joined to plain words when they start so."""
    if not label:
        return runs
    first = runs[0] if runs else Run("")
    if first.plain:
        return (Run(f"{label} {first.text}"), *runs[1:])
    return (Run(f"{label} "), *runs)
