"""The document kinds vanban writes, by their ``loai`` in YAML: one module each, one registry.

Why a registry: the frame (validation of the shared fields, context, renderers, issue,
register, schemas) asks it what a document's kind is and does the rest once. ``loai`` tells
the models apart — the registry is the discriminated union, read before pydantic so that an
unknown kind and every model error are said in the author's words. A new kind is a new module
here (its model, cells and checks), one line in ``KINDS`` and its templates; no other kind's
code changes (docs/kinds.md, "Adding a kind").
"""

from __future__ import annotations

from typing import Any

from vanban.errors import Problem
from vanban.hints import did_you_mean
from vanban.i18n import _
from vanban.pipeline.kinds import cong_van, giay_moi, thong_bao
from vanban.pipeline.kinds.base import Cells, Kind
from vanban.pipeline.loader import Located
from vanban.pipeline.model import Frame

__all__ = ["DEFAULT", "KINDS", "Cells", "Kind", "drafted", "kind_of", "loai_of", "problems", "register", "takes",
           "unknown", "warnings"]

#: Every kind, by its ``loai``; the first is what a file without ``loai`` is.
KINDS: dict[str, Kind] = {kind.loai: kind for kind in (thong_bao.KIND, cong_van.KIND, giay_moi.KIND)}
DEFAULT = "thong_bao"


def register(kind: Kind) -> Kind:
    """Add ``kind`` to the registry (every stage then writes it: check, build, issue, register); return it.

    Why a function: a kind written outside vanban (an office's Tờ trình) joins the frame the
    same way as vanban's own, which are listed in ``KINDS`` above. A ``loai`` already taken by
    another kind is refused: two kinds of one name would make every file of it ambiguous.
    """
    taken = KINDS.get(kind.loai)
    if taken is not None and taken is not kind:
        raise ValueError(f"loai {kind.loai!r} is registered already (by {taken.model.__name__})")
    KINDS[kind.loai] = kind
    return kind


def drafted() -> list[Kind]:
    """Return the kinds ``vanban new`` can draft (``Kind.drafting``), in the registry's order: the default first."""
    return [kind for kind in KINDS.values() if kind.drafting is not None]


def loai_of(data: Any) -> str:
    """Return the ``loai`` a document's raw data names (``thong_bao`` when it names none)."""
    value = data.get("loai") if isinstance(data, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() else DEFAULT


def kind_of(document: Frame) -> Kind:
    """Return the kind of a validated document."""
    return KINDS[document.loai]


def unknown(located: Located, data: Any) -> Problem | None:
    """Return the problem of a ``loai`` vanban does not write (with the kinds it does), or None."""
    loai = loai_of(data)
    if loai in KINDS:
        return None
    message = _("loại văn bản '{loai}' chưa hỗ trợ").format(loai=loai) + (
        did_you_mean(loai, list(KINDS)) or " " + _("(các loại: {kinds})").format(kinds=", ".join(KINDS)))
    return located.problem(("loai",), message)


def takes(data: Any, key: str) -> bool:
    """Tell whether a document with ``data`` takes the office profile's default for ``key``.

    Why: the profile's meeting defaults belong to a meeting's conclusions and its invitation,
    not to a công văn or a general notice, which would refuse them as keys they do not have.
    A document of an unknown kind takes everything (its ``loai`` is the problem reported).
    """
    kind = KINDS.get(loai_of(data))
    return kind is None or kind.takes(data, key)


def problems(located: Located, data: Any) -> list[Problem]:
    """Return the problems of the parts only the document's kind has (none for an unknown kind)."""
    kind = KINDS.get(loai_of(data))
    return kind.problems(located, data) if kind is not None else []


def warnings(located: Located, data: Any) -> list[Problem]:
    """Return the warnings about the parts only the document's kind has."""
    kind = KINDS.get(loai_of(data))
    return kind.warnings(located, data) if kind is not None else []
