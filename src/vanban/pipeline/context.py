"""Turn a document model into the one display-ready context both renderers draw.

Why: every ND30 formatting decision (numbers, dates, labels, upper-casing, punctuation,
line breaks of the titles, lengths of the rules) is made here, once, as pure functions of
the model. The .docx and the PDF templates only lay this context out, so the two can never
disagree on a date, a number or a sentence. The context is the frame — ND30's cells, ô 1 to
9b — whatever the kind; a kind (``vanban.pipeline.kinds``) only says what goes in its cells.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from vanban.pipeline import inline, kinds, rules
from vanban.pipeline.blocks import Block, body
from vanban.pipeline.copy_block import CopyBlock
from vanban.pipeline.fonts import text_width_mm, wrap
from vanban.pipeline.inline import Inline, Note, Run
from vanban.pipeline.layout import LAYOUT, SEAL_MM, WRAP_SLACK, Layout, rule_mm, sign_area
from vanban.pipeline.model import Frame

__all__ = ["LAYOUT", "Block", "Context", "KinhGui", "Layout", "Meta", "build_context"]


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
class KinhGui:
    """The "Kính gửi" block (ô 9a), display-ready [R-EL-9a].

    One addressee stands on the label's line, centred; several stand one a line, "- X;", the
    dashes aligned under the label's colon and the block centred on the text block.
    """

    label: str  # "Kính gửi:"
    items: tuple[str, ...]  # one addressee as written, or "- X;" … "- Y." for several
    indent_mm: float = 0.0  # several: the label's left indent
    item_indent_mm: float = 0.0  # several: the items' left indent, under the colon
    hang_mm: float = 0.0  # several: where a wrapped item's next line starts, after "- "

    @property
    def one_line(self) -> bool:
        """Tell whether the one addressee stands on the label's line."""
        return len(self.items) == 1 and not self.items[0].startswith("- ")

    @property
    def lines(self) -> tuple[str, ...]:
        """Return the block's paragraphs as they read."""
        return (f"{self.label} {self.items[0]}",) if self.one_line else (self.label, *self.items)


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
    ten_loai: str  # ô 5a: "THÔNG BÁO"; "" for a công văn, whose trích yếu reads "V/v …" in ô 5b
    trich_yeu: tuple[str, ...]
    trich_yeu_rule_mm: float  # 0 in ô 5b: nothing is ruled under "V/v …" [§4.5]
    body: tuple[Block, ...]
    noi_nhan_label: str
    noi_nhan: tuple[str, ...]
    chuc_vu: tuple[str, ...]
    ho_ten: str
    # The Nơi nhận | signer table: column widths (mm) and how many Nơi nhận lines stand beside the
    # signer; the rest continue below it (a list longer than a page) [§3.3, R-SIG-6, R-SIG-9].
    cot_noi_nhan_mm: float
    cot_nguoi_ky_mm: float
    noi_nhan_canh_ky: int
    footnotes: tuple[Note, ...] = ()  # every footnote, numbered 1, 2, 3 … in reading order
    loai: str = kinds.DEFAULT  # the kind: its templates are <loai>.html, <loai>.css and <loai>.docx
    kinh_gui: KinhGui | None = None  # ô 9a, for a kind addressed to someone
    sao: CopyBlock | None = None  # a paper copy's block under the original [R-OTH-7]; None on the original
    #: Each Nơi nhận line as runs, always from ``noi_nhan``: references and annotations no-break [R-BRK-1].
    noi_nhan_runs: tuple[tuple[Run, ...], ...] = field(init=False, default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "noi_nhan_runs",
                           tuple(inline.recipient_runs(line) for line in self.noi_nhan))

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
        # Header table order: row 1 left, row 1 right, then row 2 (Số and ô 5b | date) [R-EL-4; T-13].
        out = [*self.chu_quan, *self.co_quan, self.quoc_hieu, self.tieu_ngu, self.so_ky_hieu]
        out += [*self.trich_yeu, self.dia_danh_ngay] if not self.ten_loai else [self.dia_danh_ngay, self.ten_loai,
                                                                                 *self.trich_yeu]
        out += [*self.kinh_gui.lines] if self.kinh_gui else []
        out += [b.text for b in self.body]
        beside = self.noi_nhan_canh_ky
        out += [self.noi_nhan_label, *self.noi_nhan[:beside], *self.chuc_vu, self.ho_ten, *self.noi_nhan[beside:]]
        return out + (self.sao.lines() if self.sao else [])


_VN = dt.timezone(dt.timedelta(hours=7), "ICT")


def build_context(document: Frame, stem: str, layout: Layout = LAYOUT) -> Context:
    """Return the display-ready context of ``document``; ``stem`` names its output files."""
    cells = kinds.kind_of(document).cells(document)
    co = document.co_quan
    issued = document.reference_date or dt.date(1970, 1, 1)
    draft = document.du_thao
    # R-EL-2c: the issuing body's lines as the author gives them (validation checks each fits).
    chu_quan = [rules.upper_vi(rules.collapse_spaces(x)) for x in co.chu_quan]
    co_quan = [rules.upper_vi(rules.collapse_spaces(x)) for x in co.ten]
    named = document.NAMED
    trich_yeu = title_lines(document.trich_yeu, layout, named)
    # R-BRK-1: no line breaks inside a reference, a date, a number and its unit; gaps between runs.
    blocks = [replace(b, runs=inline.line_runs(b.runs, rules.protected_spans))
              for b in body(cells.opening, cells.nodes, cells.closing, cells.trinh_bay)]
    notes = tuple(run.note for block in blocks for run in block.runs if run.note is not None)
    type_line = rules.upper_vi(document.TYPE_NAME)
    noi_nhan = tuple(rules.recipient_lines(rules.recipients(document.noi_nhan, document.ADDRESSED),
                                           document.luu.don_vi, document.luu.so_ban))
    chuc_vu = tuple(rules.upper_vi(rules.collapse_spaces(x)) for x in document.nguoi_ky.chuc_vu)
    ho_ten = rules.collapse_spaces(document.nguoi_ky.ho_ten)
    area = sign_area(noi_nhan, chuc_vu, ho_ten, blocks[-1].text, blocks[-1].bold, layout,
                     document.co_quan.con_dau_mm or SEAL_MM)
    return Context(
        stem=stem,
        layout=layout,
        meta=Meta(
            title=" ".join(trich_yeu),
            author=" ".join(co_quan),
            subject=f"{type_line} {rules.number_line(document.so, document.symbol)}".replace(rules.BLANK, " "),
            created=dt.datetime.combine(issued, dt.time(0, 0), _VN),
        ),
        du_thao=document.is_draft,
        du_thao_mark=rules.draft_mark(document.draft_kind, draft.lan if draft else None),
        chu_quan=tuple(chu_quan),
        co_quan=tuple(co_quan),
        # R-EL-2b/2e: rule 1/3–1/2 of the longest bold line of the issuing body.
        co_quan_rule_mm=rule_mm(co_quan, layout.co_quan_pt, layout.rule_ratio),
        # R-NUM-8: an issuing draft leaves the number blank for the văn thư.
        so_ky_hieu=rules.number_line(None if document.draft_kind == "trinh_ky" else document.so, document.symbol),
        quoc_hieu=rules.QUOC_HIEU,
        tieu_ngu=rules.TIEU_NGU,
        # R-EL-1b: the rule is exactly as long as the Tiêu ngữ.
        tieu_ngu_rule_mm=round(text_width_mm(rules.TIEU_NGU, layout.tieu_ngu_pt, bold=True), 2),
        # R-DATE-5: a draft's date line shows the year, and the month when the draft states it.
        dia_danh_ngay=rules.place_date_line(co.dia_danh, document.ngay, (draft.year if draft else None) or issued.year,
                                            draft.thang[1] if draft and draft.thang else None),
        ten_loai=type_line if named else "",
        trich_yeu=tuple(trich_yeu),
        # R-EL-5a-2: rule 1/3–1/2 of the trích yếu line; none under a công văn's "V/v …" [§4.5].
        trich_yeu_rule_mm=rule_mm(trich_yeu, layout.trich_yeu_pt, layout.rule_ratio) if named else 0.0,
        body=tuple(blocks),
        noi_nhan_label="Nơi nhận:",
        # R-NN-4: "- Như trên;" first when the document has a Kính gửi.
        noi_nhan=noi_nhan,
        chuc_vu=chuc_vu,
        cot_noi_nhan_mm=area.left_mm,
        cot_nguoi_ky_mm=area.right_mm,
        noi_nhan_canh_ky=area.beside,
        ho_ten=ho_ten,
        footnotes=notes,
        loai=document.loai,
        # R-EL-9a: ô 9a holds an addressed kind's kinh_gui (Kind checks the model has it).
        kinh_gui=kinh_gui(tuple(getattr(document, "kinh_gui", ())), layout) if document.ADDRESSED else None,
    )


def title_lines(given: tuple[Inline, ...], layout: Layout = LAYOUT, named: bool = True) -> list[str]:
    """Return the trích yếu's lines: the author's own lines when there are several, else balanced.

    Why: the author who splits a title knows where it reads well, so those lines are kept
    (validation refuses one that does not fit); one line that is too long is balanced by
    ``fonts.wrap``, which never breaks inside a person's name or a ``^lien[…]`` span
    [R-EL-5a-2]. A công văn's trích yếu starts "V/v " and is broken to the header's left
    column, where it stands [R-EL-5b].
    """
    lines = [inline.plain_inline(t) for t in given]
    if len(lines) > 1:
        texts = [t.plain for t in lines]
        return texts if named else rules.vv_lines(texts)
    text = lines[0].plain
    keep = [*rules.name_spans(text), *inline.title_breaks(lines[0]), *rules.protected_spans(text)]  # R-BRK-1
    if not named:
        shown = rules.vv_lines([text])[0]
        shift = len(shown) - len(text)  # the kept spans move with "V/v " (the author's own is replaced)
        keep = [(a + shift, b + shift) for a, b in keep if a + shift >= len("V/v ")]
        text = shown
    place = layout.title_place(named)
    return wrap(text, place.room_mm * WRAP_SLACK, place.size_pt, place.bold, keep)


def kinh_gui(addressees: tuple[str, ...], layout: Layout = LAYOUT) -> KinhGui:
    """Return the "Kính gửi" block of ``addressees``, its indents measured on the bundled font [R-EL-9a].

    Why measured: ND30 aligns the dashes of several addressees under the label's colon; the
    block is centred on the text block as the decree's own samples set it, and starts at
    the margin when an addressee is too long for that.
    """
    label = "Kính gửi:"
    if len(addressees) == 1:
        return KinhGui(label, (rules.clean_recipient(addressees[0]),))
    items = rules.kinh_gui_items(addressees)
    size = layout.kinh_gui_pt
    colon = text_width_mm(label.removesuffix(":"), size)
    widest = max(text_width_mm(item, size) for item in items)
    indent = max(0.0, (layout.text_width_mm - colon - widest) / 2)
    return KinhGui(label, tuple(items), round(indent, 2), round(indent + colon, 2), round(text_width_mm("- ", size), 2))
