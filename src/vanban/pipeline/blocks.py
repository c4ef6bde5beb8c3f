"""Lay out the body (ô 6) as display-ready paragraphs: numbered items, deadlines, end mark, page-keeping.

Why its own module: every kind's body is the same paragraphs — an opening, the numbered
sections and items of ``outline``, a closing — formatted by the same ND30 rules; the context
puts them in the frame, whatever the kind.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from vanban.pipeline import deadlines, inline, rules
from vanban.pipeline.inline import Inline, Run
from vanban.pipeline.model import Node, TrinhBay
from vanban.pipeline.outline import Item, outline


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


#: ND30's heading forms: what a body is set in unless its document asks otherwise [T-17].
ND30_HEADINGS = TrinhBay()


def body(opening: Sequence[Inline], nodes: Sequence[Node], closing: Sequence[Inline],
         style: TrinhBay = ND30_HEADINGS) -> list[Block]:
    """Return the body's paragraphs: ``opening``, the numbered ``nodes``, ``closing``; the last one ends "./."."""
    numbers = itertools.count(1)  # footnotes are numbered through the whole body, in reading order
    blocks = [Block("doan", t.runs(numbers)) for t in opening]
    blocks.extend(_block(item, numbers, style) for item in outline(nodes))
    blocks.extend(Block("doan", t.runs(numbers)) for t in closing)
    last = blocks[-1]
    # R-END-1: "./." right after the last character of the body's last paragraph.
    blocks[-1] = replace(last, runs=inline.with_tail(last.runs, rules.end_mark))
    # A lead-in ("… như sau:") stays on the page of the item it introduces.
    return [replace(b, keep_next=rules.is_lead_in(b.text)) for b in blocks[:-1]] + blocks[-1:]


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
