"""Walk the numbered body once: each item's kind, label, text, unit, deadline and place.

Why: numbering restarts inside each parent [§7], a unit given on a mục or khoản applies to
every task below it, and tasks, diff, the register of tasks and the display context all
need those same facts. One walk computes them from the model; the context only formats
them for display, and the features (tasks, diff) read this outline, never the display.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from vanban.pipeline import rules
from vanban.pipeline.loader import Path_
from vanban.pipeline.model import Cong, Diem, Doan, Gach, Khoan, Muc, NhiemVu, Node

#: The label a task shows, by how it is set (``dang``).
_TASK_MARKERS = {"gach": "-", "cong": "+", "doan": ""}


@dataclass(frozen=True)
class Item:
    """One body item as numbered: ``kind`` is the YAML key (``muc`` … ``nhiem_vu``, ``doan``)."""

    kind: str
    label: str  # "I.", "2.1.", "a)", "-", "+", or "" for a paragraph
    text: str  # the author's text, spaces collapsed, without label or deadline
    level: int  # nesting depth, 0 for the body's own items
    path: Path_  # where the item is in the content file, e.g. ("noi_dung", 1, "noi_dung", 0)
    has_children: bool = False
    unit: str = ""  # the item's unit, else the nearest enclosing one
    deadline: dt.date | None = None
    ma: str = ""  # a task's stable id
    dang: str = ""  # how a task is set: gach | cong | doan
    section: str = ""  # the numeral of the enclosing mục ("II"), "" outside any mục

    @property
    def is_task(self) -> bool:
        """Tell whether the item assigns work (it is a ``nhiem_vu``)."""
        return self.kind == "nhiem_vu"


@dataclass(frozen=True)
class Task:
    """A task as data: the unit it is assigned to, its text and deadline."""

    don_vi: str
    text: str
    han: dt.date | None
    ma: str = ""  # the author's stable id, by which later notices record its status


def outline(body: Sequence[Node]) -> tuple[Item, ...]:
    """Return every item of ``body`` in reading order, numbered as the notice shows it."""
    return tuple(_walk(body, ("noi_dung",), (), "", 0, ""))


def tasks(items: Sequence[Item]) -> list[Task]:
    """Return the tasks among ``items``, in reading order."""
    return [Task(i.unit, i.text, i.deadline, i.ma) for i in items if i.is_task]


def _walk(nodes: Sequence[Node], path: Path_, prefix: tuple[int, ...], unit: str, level: int,
          section: str) -> Iterator[Item]:
    """Yield the items of ``nodes``; numbering restarts inside each parent [§7]."""
    counters = {"muc": 0, "khoan": 0, "diem": 0}
    for i, node in enumerate(nodes):
        here = (*path, i)
        below = (*here, "noi_dung")
        if isinstance(node, str | Doan):
            text = node if isinstance(node, str) else node.doan
            yield Item("doan", "", rules.collapse_spaces(text), level, here, unit=unit, section=section)
        elif isinstance(node, Muc):
            counters["muc"] += 1
            numeral = rules.roman(counters["muc"])
            own = node.don_vi or unit
            yield Item("muc", f"{numeral}.", rules.collapse_spaces(node.muc), level, here, True, own, section=numeral)
            yield from _walk(node.noi_dung, below, (), own, level + 1, numeral)
        elif isinstance(node, Khoan):
            counters["khoan"] += 1
            number = (*prefix, counters["khoan"])
            own = node.don_vi or unit
            yield Item("khoan", rules.khoan_label(number), rules.collapse_spaces(node.khoan), level, here,
                       bool(node.noi_dung), own, section=section)
            yield from _walk(node.noi_dung, below, number, own, level + 1, section)
        elif isinstance(node, Diem):
            counters["diem"] += 1
            own = node.don_vi or unit
            yield Item("diem", rules.diem_label(counters["diem"]), rules.collapse_spaces(node.diem), level, here,
                       bool(node.noi_dung), own, section=section)
            yield from _walk(node.noi_dung, below, prefix, own, level + 1, section)
        elif isinstance(node, Gach):
            own = node.don_vi or unit
            yield Item("gach", "-", rules.collapse_spaces(node.gach), level, here, bool(node.noi_dung), own,
                       section=section)
            yield from _walk(node.noi_dung, below, prefix, own, level + 1, section)
        elif isinstance(node, Cong):
            yield Item("cong", "+", rules.collapse_spaces(node.cong), level, here, unit=unit, section=section)
        elif isinstance(node, NhiemVu):
            yield Item("nhiem_vu", _TASK_MARKERS[node.dang], rules.collapse_spaces(node.nhiem_vu), level, here,
                       unit=node.don_vi or unit, deadline=node.han, ma=node.ma, dang=node.dang, section=section)
