"""Walk the numbered body once: each item's kind, label, text, assignment, deadline and place.

Why: numbering restarts inside each parent [§7], a unit given on a mục or khoản applies to
every task below it, and tasks, diff, the register of tasks and the display context all
need those same facts. One walk computes them from the model; the context only formats
them for display, and the features (tasks, diff) read this outline, never the display.

Any item but a mục heading can be a task: a ``nhiem_vu``, an item given ``giao``, or one whose
sentence marks a unit or deadline (``^don_vi[…]``, ``^han[…]``). A task keeps its children.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from vanban.pipeline import rules
from vanban.pipeline.deadlines import Deadline
from vanban.pipeline.inline import Inline
from vanban.pipeline.loader import Path_
from vanban.pipeline.model import Assignable, Cong, Diem, Doan, Gach, Khoan, Muc, NhiemVu, Node

#: The label a task shows, by how it is set (``dang``).
_TASK_MARKERS = {"gach": "-", "cong": "+", "doan": ""}


@dataclass(frozen=True)
class Assignment:
    """Who a task is given to: the unit(s), the lead (chủ trì) and the co-ordinating (phối hợp) units."""

    don_vi: tuple[str, ...] = ()
    chu_tri: tuple[str, ...] = ()
    phoi_hop: tuple[str, ...] = ()

    @property
    def primary(self) -> tuple[str, ...]:
        """Return the units answerable for the task: those it is given to, else its lead."""
        return self.don_vi or self.chu_tri

    @property
    def units(self) -> tuple[str, ...]:
        """Return every unit named, each once, in the order written."""
        return tuple(dict.fromkeys((*self.don_vi, *self.chu_tri, *self.phoi_hop)))

    def shown(self, inherited: str) -> str:
        """Return the assignment as task lists show it: "A, B", "A (chủ trì); B (phối hợp)"."""
        parts = [", ".join(self.don_vi)] if self.don_vi else []
        if self.chu_tri:
            parts.append(", ".join(self.chu_tri) + " (chủ trì)")
        if not parts and inherited:
            parts.append(inherited)
        if self.phoi_hop:
            parts.append(", ".join(self.phoi_hop) + " (phối hợp)")
        return "; ".join(parts)


@dataclass(frozen=True)
class Item:
    """One body item as numbered: ``kind`` is the YAML key (``muc`` … ``nhiem_vu``, ``doan``)."""

    kind: str
    label: str  # "I.", "2.1.", "a)", "-", "+", or "" for a paragraph
    inline: Inline  # the author's text, parsed (marks, footnotes), without label or printed deadline
    level: int  # nesting depth, 0 for the body's own items
    path: Path_  # where the item is in the content file, e.g. ("noi_dung", 1, "noi_dung", 0)
    has_children: bool = False
    unit: str = ""  # a task's units as listed ("A (chủ trì); B (phối hợp)"), else the enclosing unit
    deadline: Deadline | None = None
    ma: str = ""  # a task's stable id
    dang: str = ""  # how a nhiem_vu is set: gach | cong | doan
    section: str = ""  # the numeral of the enclosing mục ("II"), "" outside any mục
    is_task: bool = False
    is_title: bool = False  # a mục, or a khoản that is a title (bold) [§7; T-17]
    units: tuple[str, ...] = ()  # every unit a task names (for filtering by unit)
    deadline_in_text: bool = False  # the deadline is marked in the sentence, not printed by vanban
    lead: tuple[str, ...] = ()  # the units answerable for a task: given it, else its lead, else the enclosing unit

    @property
    def text(self) -> str:
        """Return the text as task lists and diffs show it: spaces collapsed, footnotes in place."""
        return self.inline.text


@dataclass(frozen=True)
class Task:
    """A task as data: the unit(s) it is assigned to, its text and deadline."""

    don_vi: str
    text: str
    han: dt.date | None  # the due date the register shows (None: recurring, free text or none)
    ma: str = ""  # the author's stable id, by which later notices record its status
    deadline: Deadline | None = None
    units: tuple[str, ...] = ()  # every unit named (don_vi, chu_tri, phoi_hop), for filtering
    inline: Inline | None = None  # the sentence with its marks, for re-setting the task elsewhere
    deadline_in_text: bool = False  # the sentence itself says the deadline (^han[…])
    lead: tuple[str, ...] = ()  # the units answerable for it (a reminder is addressed to them)

    def assigned_to(self, key: str) -> bool:
        """Tell whether the unit whose comparison key is ``key`` is named by the task (any role)."""
        return any(rules.unit_key(u) == key for u in (*self.units, self.don_vi))


def outline(body: Sequence[Node]) -> tuple[Item, ...]:
    """Return every item of ``body`` in reading order, numbered as the notice shows it."""
    return tuple(_walk(body, ("noi_dung",), (), "", 0, ""))


def tasks(items: Sequence[Item]) -> list[Task]:
    """Return the tasks among ``items``, in reading order."""
    return [Task(i.unit, i.text, i.deadline.due if i.deadline else None, i.ma, i.deadline, i.units, i.inline,
                 i.deadline_in_text, i.lead) for i in items if i.is_task]


def _assignment(node: Node, text: Inline) -> tuple[Assignment, Deadline | None, str, bool] | None:
    """Return (units, deadline, id, deadline written in the sentence) of a task item, None if not a task."""
    given = node.assignment() if isinstance(node, Assignable | NhiemVu) else None
    if given is None and not text.has_task_marks:
        return None
    units = Assignment(*((given_units or text.marked(mark)) for mark, given_units in (
        ("don_vi", given.don_vi if given else ()),
        ("chu_tri", given.chu_tri if given else ()),
        ("phoi_hop", given.phoi_hop if given else ()),
    )))
    marked = text.deadline
    deadline = marked or (given.han if given else None)
    return units, deadline, given.ma if given else "", marked is not None


def _walk(nodes: Sequence[Node], path: Path_, prefix: tuple[int, ...], unit: str, level: int,
          section: str) -> Iterator[Item]:
    """Yield the items of ``nodes``; numbering restarts inside each parent [§7]."""
    counters = {"muc": 0, "khoan": 0, "diem": 0}
    for i, node in enumerate(nodes):
        here = (*path, i)
        below = (*here, "noi_dung")
        if isinstance(node, Muc):
            counters["muc"] += 1
            numeral = rules.roman(counters["muc"])
            own = node.don_vi or unit
            yield Item("muc", f"{numeral}.", node.muc, level, here, True, own, section=numeral, is_title=True)
            yield from _walk(node.noi_dung, below, (), own, level + 1, numeral)
            continue
        children: Sequence[Node] = getattr(node, "noi_dung", ())
        number = prefix
        text = node if isinstance(node, Inline) else node.own_text()
        if isinstance(node, Inline | Doan):
            kind, label = "doan", ""
        elif isinstance(node, Khoan):
            counters["khoan"] += 1
            number = (*prefix, counters["khoan"])
            kind, label = "khoan", rules.khoan_label(number)
        elif isinstance(node, Diem):
            counters["diem"] += 1
            kind, label = "diem", rules.diem_label(counters["diem"])
        elif isinstance(node, Gach | Cong):
            kind, label = node.TEXT_KEY, "-" if isinstance(node, Gach) else "+"
        else:
            kind, label = "nhiem_vu", _TASK_MARKERS[node.dang]
        scope = "" if isinstance(node, NhiemVu) else getattr(node, "don_vi", "")
        task = _assignment(node, text)
        item = Item(kind, label, text, level, here, bool(children), scope or unit, section=section,
                    dang=node.dang if isinstance(node, NhiemVu) else "")
        if task is not None:
            units, deadline, ma, in_text = task
            item = replace(item, unit=units.shown(unit), deadline=deadline, ma=ma, is_task=True,
                           units=units.units or ((unit,) if unit else ()), deadline_in_text=in_text,
                           lead=units.primary or ((unit,) if unit else ()))
            scope = scope or ", ".join(units.primary)
        if isinstance(node, Khoan):
            # §7: a khoản is a title (bold) when the author says so, else when it heads children
            # without assigning work itself [T-17].
            title = node.tieu_de == "co" if node.tieu_de else bool(children) and task is None
            item = replace(item, is_title=title)
        yield item
        yield from _walk(children, below, number, scope or unit, level + 1, section)
