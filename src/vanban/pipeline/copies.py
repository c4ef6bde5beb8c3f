"""Wrap an issued document's frame into a lawful copy: SAO Y, SAO LỤC, TRÍCH SAO (pure, no I/O).

Why here: a copy reproduces the original's full frame as issued — header, number, date,
body, signer, Nơi nhận — and adds the copying body's block under it [Điều 25.3; Phụ lục I
Phần II; Phụ lục III Mẫu 3.1]. It is made from the original's display context, whatever the
kind, so a kind added later gets copies without a line of code here. A TRÍCH SAO keeps the
selected parts verbatim with their original labels and the headings on their path, each
omitted stretch marked "…" on its own line, footnotes kept as footnotes; nothing about a
task's status is added: the copy says what the original said.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

from vanban.errors import UsageError
from vanban.i18n import _
from vanban.pipeline import kinds, rules
from vanban.pipeline.blocks import Block
from vanban.pipeline.context import LAYOUT, Context, Layout
from vanban.pipeline.copy_block import FORMS, OMISSION, SYMBOLS, CopyBlock
from vanban.pipeline.inline import Note, Run
from vanban.pipeline.layout import rule_mm
from vanban.pipeline.model import Frame
from vanban.pipeline.outline import Item, outline


@dataclass(frozen=True)
class Selection:
    """What a TRÍCH SAO copies: parts named by the labels the original prints ("II.1", "II.2.b") or a
    task id (``ma``), and/or every part given to one unit."""

    parts: tuple[str, ...] = ()
    unit: str = ""

    def __bool__(self) -> bool:
        return bool(self.parts or self.unit)


#: No selection: the whole document (SAO Y, SAO LỤC).
WHOLE = Selection()


def _key(text: str) -> tuple[str, ...]:
    """Return a part reference as comparable tokens: "II.2.b)" and "ii.2.b" both give ("ii", "2", "b")."""
    text = unicodedata.normalize("NFC", "".join(text.split())).casefold()
    return tuple(t.rstrip(")") for t in text.strip(".").split(".") if t.rstrip(")"))


def references(items: Sequence[Item]) -> list[str]:
    """Return, for each outline item, the reference a clerk reads on the page ("II", "II.1", "II.1.b"), or "".

    Why from the printed labels: the văn thư selects what the paper shows. A mục is its
    numeral, a khoản its number after its mục's ("II.2.1"), a điểm its letter after its
    khoản's; dashes, plus signs and plain paragraphs have no label of their own.
    """
    refs: list[str] = []
    stack: list[tuple[int, str]] = []  # (level, reference) of the enclosing labelled items
    for item in items:
        while stack and stack[-1][0] >= item.level:
            stack.pop()
        parent = stack[-1][1] if stack else ""
        own = ""
        if item.kind == "muc":
            own = item.label.rstrip(".")
        elif item.kind == "khoan":
            own = ".".join(x for x in (item.section, item.label.rstrip(".")) if x)
        elif item.kind == "diem":
            own = ".".join(x for x in (parent, item.label.rstrip(")")) if x)
        refs.append(own)
        stack.append((item.level, own or parent))
    return refs


def _below(items: Sequence[Item], index: int) -> range:
    """Return the indexes of the items inside item ``index`` (its children, theirs …)."""
    end = index + 1
    while end < len(items) and items[end].level > items[index].level:
        end += 1
    return range(index + 1, end)


def _above(items: Sequence[Item], index: int) -> list[int]:
    """Return the indexes of the headings on the path to item ``index``."""
    out: list[int] = []
    level = items[index].level
    for j in range(index - 1, -1, -1):
        if items[j].level < level:
            out.append(j)
            level = items[j].level
    return out


def selected(items: Sequence[Item], selection: Selection) -> set[int]:
    """Return the indexes of the items a TRÍCH SAO keeps: the selected ones, what they hold, the headings above.

    Raise UsageError naming a part the document does not have (with the parts it has), or a
    unit given no part.
    """
    refs = references(items)
    chosen: set[int] = set()
    for part in selection.parts:
        wanted = _key(part)
        hits = [i for i, item in enumerate(items)
                if (refs[i] and _key(refs[i]) == wanted) or (item.ma and _key(item.ma) == wanted)]
        if not hits:
            known = ", ".join(r for r in refs if r) or "—"
            raise UsageError(_("văn bản không có phần '{part}'; các phần có nhãn: {known}").format(
                part=part, known=known))
        chosen.update(hits)
    if selection.unit:
        key = rules.unit_key(selection.unit)
        hits = [i for i, item in enumerate(items) if _given_to(item, key)]
        if not hits:
            raise UsageError(_("văn bản không giao phần nào cho '{unit}'").format(unit=selection.unit))
        chosen.update(hits)
    kept: set[int] = set()
    for index in chosen:
        kept.add(index)
        kept.update(_below(items, index))
        kept.update(_above(items, index))
    return kept


def _given_to(item: Item, key: str) -> bool:
    """Tell whether ``item`` is given to the unit whose comparison key is ``key``: a task naming it (any
    role), or a part under that unit's own heading (a khoản or mục with ``don_vi``)."""
    if item.is_task:
        return key in {rules.unit_key(u) for u in item.units}
    return bool(item.unit) and rules.unit_key(item.unit) == key


def written_unit(document: Frame, unit: str) -> str:
    """Return ``unit`` as ``document`` writes it (the clerk may type it in any case); as typed if not found."""
    key = rules.unit_key(unit)
    items = outline(kinds.kind_of(document).cells(document).nodes)
    names = [u for item in items for u in (*item.units, *((item.unit,) if not item.is_task else ()))]
    return next((u for u in names if rules.unit_key(u) == key), unit)


def excerpt(ctx: Context, document: Frame, selection: Selection) -> tuple[tuple[Block, ...], tuple[Note, ...]]:
    """Return the body paragraphs a TRÍCH SAO of ``document`` shows, and its footnotes (numbered again from 1).

    The paragraphs are the original's own (``ctx.body``), labels and marks untouched; each
    stretch left out, the opening and closing included, becomes one "…" line.
    """
    cells = kinds.kind_of(document).cells(document)
    items = outline(cells.nodes)
    start = len(cells.opening)
    assert len(ctx.body) == start + len(items) + len(cells.closing)  # one paragraph per item
    kept = {start + i for i in selected(items, selection)}
    blocks: list[Block] = []
    for index, block in enumerate(ctx.body):
        if index in kept:
            blocks.append(block)
        elif not blocks or blocks[-1].text != OMISSION:
            blocks.append(Block.of("doan", OMISSION))
    return _renumbered(blocks)


def _renumbered(blocks: list[Block]) -> tuple[tuple[Block, ...], tuple[Note, ...]]:
    """Return ``blocks`` with their footnotes numbered 1, 2, 3 … in reading order, and the notes."""
    notes: list[Note] = []
    out: list[Block] = []
    for block in blocks:
        runs: list[Run] = []
        for run in block.runs:
            if run.note is not None:
                notes.append(replace(run.note, number=len(notes) + 1))
                run = replace(run, note=notes[-1])
            runs.append(run)
        out.append(replace(block, runs=tuple(runs)))
    return tuple(out), tuple(notes)


@dataclass(frozen=True)
class Copier:
    """Who makes the copy: the copying body's name lines, abbreviation and place, and the signer."""

    co_quan: tuple[str, ...]
    viet_tat: str
    dia_danh: str
    chuc_vu: tuple[str, ...]
    ho_ten: str

    @property
    def body(self) -> str:
        """Return the copying body as the register names it: its name lines, upper-cased, on one line."""
        return " ".join(rules.upper_vi(x) for x in self.co_quan)


def copy_symbol(form: str, viet_tat: str) -> str:
    """Return the copy's ký hiệu: "SY-UBND", "SL-UBND", "TrS-UBND" [Phụ lục I Phần II.II.1.c]."""
    return f"{SYMBOLS[form]}-{viet_tat}"


def copy_block(form: str, copier: Copier, so: int, day: dt.date, recipients: Sequence[str],
               layout: Layout = LAYOUT) -> CopyBlock:
    """Return the Mẫu 3.1 block of a copy numbered ``so`` on ``day`` [R-OTH-7]."""
    names = tuple(rules.upper_vi(rules.collapse_spaces(x)) for x in copier.co_quan)
    return CopyBlock(
        hinh_thuc=FORMS[form],
        co_quan=names,
        # R-EL-2b: the rule under the copying body's name is 1/3–1/2 of its longest line, as in ô 2.
        co_quan_rule_mm=rule_mm(names, layout.co_quan_pt, layout.rule_ratio),
        so_ky_hieu=rules.number_line(so, copy_symbol(form, copier.viet_tat)),
        dia_danh_ngay=rules.place_date_line(copier.dia_danh, day, day.year),
        chuc_vu=tuple(rules.upper_vi(rules.collapse_spaces(x)) for x in copier.chuc_vu),
        ho_ten=rules.collapse_spaces(copier.ho_ten),
        # Mẫu 3.1: the copy's Nơi nhận ends "- Lưu: VT." [R-NN-3].
        noi_nhan=tuple(rules.recipient_lines(list(recipients), (), None)),
    )


def wrap(ctx: Context, document: Frame, form: str, block: CopyBlock, selection: Selection = WHOLE) -> Context:
    """Return the context of a copy: the original's frame as issued, its body cut for a TRÍCH SAO, the block under it.

    Raise UsageError when a TRÍCH SAO selects nothing, or another form is given a selection.
    """
    if form not in FORMS:
        raise UsageError(_("hình thức sao không hợp lệ: {form} (chỉ có {forms})").format(
            form=form, forms=", ".join(FORMS)))
    if form == "trich_sao" and not selection:
        raise UsageError(_("trích sao cần chọn phần trích: --part NHÃN (ví dụ II.1) hoặc --unit ĐƠN_VỊ"))
    if form != "trich_sao" and selection:
        raise UsageError(_("--part và --unit chỉ dùng cho trích sao; sao y và sao lục chép toàn văn"))
    if form == "trich_sao":
        body, notes = excerpt(ctx, document, selection)
        ctx = replace(ctx, body=body, footnotes=notes)
    return replace(ctx, sao=block, du_thao=False, du_thao_mark="")
