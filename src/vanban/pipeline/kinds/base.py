"""What a document kind is to the frame: its model, what it puts in ND30's cells, its own checks.

Why: every kind shares ND30's frame (header, number, date, signer, Nơi nhận, page numbers);
a kind only says what its own cells hold — the tên loại line or not (ô 5a or 5b), whom it
addresses (ô 9a), the paragraphs of its body (ô 6) — and checks the fields only it has. The
frame (``context``, the templates' shared partials, validation of the shared fields, issue
and register) does the rest, once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
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
    they are ô 6, and the last of them gets the end mark [R-END-1]. ``kinh_gui`` holds the
    addressees of ô 9a as written [R-EL-9a].
    """

    opening: tuple[Inline, ...] = ()
    nodes: tuple[Node, ...] = ()
    closing: tuple[Inline, ...] = ()
    kinh_gui: tuple[str, ...] = ()
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

    def takes(self, data: Any, key: str) -> bool:
        """Tell whether a document with ``data`` takes the profile's default for ``key`` (a meeting, a Lưu …)."""
        return key in self.keys(self.model, data)

    @property
    def name(self) -> str:
        """Return the type's name as ND30 writes it ("Công văn")."""
        return self.model.TYPE_NAME
