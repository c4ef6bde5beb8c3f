"""What a document kind is to the frame: its model, what it puts in ND30's cells, its own checks.

Why: every kind shares ND30's frame (header, number, date, signer, Nơi nhận, page numbers);
a kind only says what its own cells hold — the tên loại line or not (ô 5a or 5b), whom it
addresses (ô 9a), the paragraphs of its body (ô 6) — and checks the fields only it has. The
frame (``context``, the templates' shared partials, validation of the shared fields, issue
and register) does the rest, once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vanban.errors import Problem
from vanban.pipeline import inline
from vanban.pipeline.blocks import ND30_HEADINGS
from vanban.pipeline.inline import Inline
from vanban.pipeline.loader import Located
from vanban.pipeline.model import Frame, Node, TrinhBay


@dataclass(frozen=True)
class Cells:
    """What a kind puts in the frame's cells for one document, as data (the context formats it).

    ``opening`` and ``closing`` are paragraphs around the numbered body ``nodes``; together
    they are ô 6, and the last of them gets the end mark [R-END-1]. The addressees of ô 9a
    are no cell: the frame reads the model's ``kinh_gui`` when the model is ``ADDRESSED``.
    """

    opening: tuple[Inline, ...] = ()
    nodes: tuple[Node, ...] = ()
    closing: tuple[Inline, ...] = ()
    trinh_bay: TrinhBay = ND30_HEADINGS


def paragraphs(texts: Iterable[Inline | str]) -> tuple[Inline, ...]:
    """Return the paragraphs of a cell: the author's parsed text, or what vanban or a command wrote, unparsed.

    Why one helper: a paragraph vanban composes (or a command's model holds as a plain string)
    is words without marks; every kind's opening and closing reads them the same way.
    """
    return tuple(inline.plain_inline(t) for t in texts)


def no_problems(located: Located, data: Any) -> list[Problem]:
    """Return no problem: a kind whose fields the model checks alone."""
    return []


def no_facts(document: Any) -> dict[str, str]:
    """Return no fact: a kind whose changes are all in its numbered body (tasks, sections)."""
    return {}


def all_fields(model: type[Frame], data: Any) -> frozenset[str]:
    """Return every top-level key of ``model``: what a document of that kind may take from the profile."""
    return frozenset(model.model_fields)


def all_but(*left_out: str) -> Callable[[type[Frame], Any], frozenset[str]]:
    """Return a ``Kind.keys`` that takes every field of the model but ``left_out`` from the profile.

    Why: the profile's ``noi_nhan`` are a Thông báo's usual recipients; a letter or an invitation
    goes where its author sends it, so it names its own (and a group from the profile by name).
    """
    def keys(model: type[Frame], data: Any) -> frozenset[str]:
        return frozenset(model.model_fields) - set(left_out)
    return keys


def at_field(problem: Problem, field: str) -> Problem:
    """Return ``problem`` said of ``field`` (dotted) though it is located where the field would be written.

    Why: a missing field has no line of its own; the problem stands at its parent (or the
    file's start) and names the field the author must add, so they know what to write where.
    """
    return dataclasses.replace(problem, field=field)


def as_warning(problem: Problem) -> Problem:
    """Return ``problem`` as a warning ("cảnh báo": printed, never failing a build)."""
    return dataclasses.replace(problem, warning=True)


@dataclass(frozen=True)
class Source:
    """The document ``vanban new`` starts a draft from: its file, its model, its data as the author wrote it."""

    path: Path
    model: Frame
    data: dict[str, Any]


def _any_day(day: dt.date) -> None:
    return None


@dataclass(frozen=True)
class Start:
    """What ``vanban new`` gives a kind's drafter: the latest document, the day asked for, the open tasks.

    ``tasks`` are the open tasks of the chain of documents up to ``latest`` on ``as_of``
    (``commands.tasks.TaskRow``), given only to a kind whose ``Drafting.tasks`` says it carries them.
    """

    latest: Source
    meeting: dt.date | None  # the meeting day the user gave (--meeting-date), else the kind chooses
    tasks: tuple[Any, ...] = ()
    as_of: dt.date | None = None
    as_of_line: str = ""  # the sentence naming the day statuses are read on, untranslated (a YAML comment)
    #: Refuse a meeting day the draft could not be validated with (raises UsageError), before the draft uses it.
    check_day: Callable[[dt.date], None] = _any_day


@dataclass(frozen=True)
class Drafted:
    """A draft a kind wrote: its YAML text (header comments included) and the file it goes to unless told."""

    text: str
    path: Path


def _every(model: Frame) -> bool:
    return True


@dataclass(frozen=True)
class Drafting:
    """How ``vanban new --kind <loai>`` starts a document of a kind from the latest one it can follow.

    Why on the kind: what next month's document carries over is the kind's own knowledge; the
    command finds the latest document, the open tasks and writes the file, for every kind alike.
    """

    #: What it drafts, for ``new --kind``'s help (a msgid: "thông báo kết luận").
    help: str
    #: What it may start from, for the messages when there is none (a msgid).
    sources: str
    #: Whether a document can be its starting point.
    starts_from: Callable[[Frame], bool]
    #: Write the draft from the latest document.
    write: Callable[[Start], Drafted]
    #: Of those, the ones the latest is taken from when there are any (its own kind before the others).
    prefers: Callable[[Frame], bool] = _every
    #: Whether it carries the chain's open tasks (and prints the day their status is read on).
    tasks: bool = False


@dataclass(frozen=True)
class Kind:
    """One ND30 document type vanban writes: ``loai`` in YAML, its model, cells and checks.

    Its layout is the templates named after it (``render_pdf.html_template``,
    ``render_docx.docx_template``): ``<loai>.html`` (with ``<loai>.css``) and ``<loai>.docx``,
    each made of the frame's shared parts.
    """

    loai: str
    model: type[Frame]
    cells: Callable[[Any], Cells]
    problems: Callable[[Located, Any], list[Problem]] = no_problems
    #: Whether its body can give tasks (``vanban tasks`` says so when it cannot).
    has_tasks: bool = True
    #: Its own top-level keys of running text, each with the inline marks it takes (None: none), so
    #: that the checks of long words and marks (``validate.boxes``) read them like the body's.
    texts: tuple[tuple[str, frozenset[str] | None], ...] = ()
    #: Warnings about its own parts ("cảnh báo": printed, never failing a build).
    warnings: Callable[[Located, Any], list[Problem]] = no_problems
    #: What its own parts say, by label (a msgid: "Địa điểm" …), for ``vanban diff`` to compare.
    facts: Callable[[Any], dict[str, str]] = no_facts
    #: The top-level keys a document of this kind takes from the office profile, given its data.
    keys: Callable[[type[Frame], Any], frozenset[str]] = all_fields
    #: How ``vanban new`` drafts the next one (None: ``new`` does not draft this kind).
    drafting: Drafting | None = None

    def __post_init__(self) -> None:
        """Refuse an ``ADDRESSED`` model without the ``kinh_gui`` field the frame puts in ô 9a [R-EL-9a].

        Why: a kind says it has a Kính gửi once, by its model's ``ADDRESSED``; the frame reads that
        flag for "- Như trên;" [R-NN-4], the Word template's Kính gửi and the block itself.
        """
        if self.model.ADDRESSED and "kinh_gui" not in self.model.model_fields:
            raise TypeError(f"{self.model.__name__} is ADDRESSED but has no 'kinh_gui' field")

    def takes(self, data: Any, key: str) -> bool:
        """Tell whether a document with ``data`` takes the profile's default for ``key`` (a meeting, a Lưu …)."""
        return key in self.keys(self.model, data)

    @property
    def name(self) -> str:
        """Return the type's name as ND30 writes it ("Công văn")."""
        return self.model.TYPE_NAME
