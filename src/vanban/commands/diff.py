"""Compare two versions of a notice structurally: tasks and sections, not lines.

Why: between two drafts (or two months) the chair asks "which tasks are new, which were
dropped, who got re-assigned, which deadline moved" — a line diff of the YAML answers none
of that once paragraphs are re-wrapped or re-ordered. Tasks are matched by their stable id
``ma`` when both sides have one, else by normalised text similarity (difflib ratio ≥ 0.8).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field

from vanban.commands.tasks import AsOf, TaskRow, row_of
from vanban.errors import UsageError
from vanban.i18n import _
from vanban.pipeline import rules
from vanban.pipeline.kinds import kind_of
from vanban.pipeline.model import Frame
from vanban.pipeline.outline import Item, Task, outline, tasks

#: Least difflib ratio at which two task texts (or section titles) count as the same one.
SIMILARITY = 0.8
#: Least title similarity for a section at the same number to count as renamed.
RENAMED = 0.5
#: Longest task text shown in a report line; the rest is elided.
SHOWN_CHARS = 90


@dataclass(frozen=True)
class Section:
    """A titled part of the body: a mục (``Mục II``) or a khoản (``Khoản 2.1``) [§7]."""

    kind: str  # muc | khoan
    label: str
    title: str
    muc: str = ""  # the enclosing mục's numeral: khoản numbers restart inside each mục [§7]

    def __str__(self) -> str:
        if self.kind == "muc":
            text = _("Mục {label} “{title}”")
        elif self.muc:
            text = _("Khoản {label} (Mục {muc}) “{title}”")
        else:
            text = _("Khoản {label} “{title}”")
        return text.format(label=self.label, muc=self.muc, title=self.title)


@dataclass(frozen=True)
class Change:
    """One matched pair whose ``what`` differs: old value → new value."""

    old: Task
    new: Task


@dataclass
class Diff:
    """Every structural difference between two notices."""

    added: list[Task] = field(default_factory=list)
    removed: list[Task] = field(default_factory=list)
    reassigned: list[Change] = field(default_factory=list)
    deadline_moved: list[Change] = field(default_factory=list)
    reworded: list[Change] = field(default_factory=list)
    sections_added: list[Section] = field(default_factory=list)
    sections_removed: list[Section] = field(default_factory=list)
    sections_renamed: list[tuple[Section, Section]] = field(default_factory=list)
    #: What a kind's own parts say that changed: (label msgid, old, new), e.g. a giấy mời's place.
    facts: list[tuple[str, str, str]] = field(default_factory=list)
    has_tasks: bool = True  # the documents' kind gives tasks (a giấy mời does not)

    @property
    def empty(self) -> bool:
        """Tell whether nothing structural changed."""
        return not any(getattr(self, name) for name in (
            "added", "removed", "reassigned", "deadline_moved", "reworded",
            "sections_added", "sections_removed", "sections_renamed", "facts"))


# --- structure ----------------------------------------------------------------------------


def sections(items: Sequence[Item]) -> list[Section]:
    """Return the mục and the khoản that are titles, with the labels the notice shows (II, 2.1, …) [§7].

    A khoản without a title ("3. Giao Sở Nội vụ: …") is a sentence of the notice, not a part of it.
    """
    return [Section(i.kind, i.label.rstrip("."), i.text, "" if i.kind == "muc" else i.section)
            for i in items if i.kind in ("muc", "khoan") and i.is_title]


def _norm(text: str) -> str:
    return " ".join(rules.nfc(text).casefold().split()).rstrip(" .;:,")


def _ratio(a: str, b: str, floor: float = SIMILARITY) -> float:
    """Return the similarity of two normalised texts, or 0 once it is surely below ``floor``."""
    matcher = difflib.SequenceMatcher(None, _norm(a), _norm(b), autojunk=False)
    if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
        return 0.0
    return matcher.ratio()


def _pair_by_similarity(old: list[int], new: list[int], old_text: Sequence[str],
                        new_text: Sequence[str]) -> list[tuple[int, int]]:
    """Pair indices greedily, most similar first, keeping pairs with ratio ≥ SIMILARITY."""
    scored = sorted(((r, i, j) for i in old for j in new
                     if (r := _ratio(old_text[i], new_text[j])) >= SIMILARITY), key=lambda x: (-x[0], x[1], x[2]))
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs = []
    for _score, i, j in scored:
        if i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def match_tasks(old: Sequence[Task], new: Sequence[Task]) -> list[tuple[int, int]]:
    """Return the (old, new) index pairs of the same task: equal ``ma`` first, then similar text."""
    by_ma = {t.ma: j for j, t in enumerate(new) if t.ma}
    pairs = [(i, by_ma[t.ma]) for i, t in enumerate(old) if t.ma and t.ma in by_ma]
    done_old = {p[0] for p in pairs}
    done_new = {p[1] for p in pairs}
    rest_old = [i for i in range(len(old)) if i not in done_old]
    rest_new = [j for j in range(len(new)) if j not in done_new]
    for i, j in _pair_by_similarity(rest_old, rest_new, [t.text for t in old], [t.text for t in new]):
        # Two different ids are two different tasks, however alike their text.
        if not (old[i].ma and new[j].ma):
            pairs.append((i, j))
    return sorted(pairs)


def _match_sections(old: list[Section], new: list[Section]) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    free_new = list(range(len(new)))
    # 1. Same kind and same title: the same section, whatever its number now.
    for i, s in enumerate(old):
        j = next((j for j in free_new if new[j].kind == s.kind and _norm(new[j].title) == _norm(s.title)), None)
        if j is not None:
            pairs.append((i, j))
            free_new.remove(j)
    free_old = [i for i in range(len(old)) if i not in {p[0] for p in pairs}]
    # 2. Same kind, same number and a half-similar title: a renamed section (a different unit's
    # khoản at the same number is a removal plus an addition, not a rename).
    for i in list(free_old):
        j = next((j for j in free_new if (new[j].kind, new[j].label, new[j].muc) == (old[i].kind, old[i].label,
                                                                                      old[i].muc)
                  and _ratio(new[j].title, old[i].title, RENAMED) >= RENAMED), None)
        if j is not None:
            pairs.append((i, j))
            free_new.remove(j)
            free_old.remove(i)
    # 3. Similar titles elsewhere: renamed and moved.
    for i, j in _pair_by_similarity(free_old, free_new, [s.title for s in old], [s.title for s in new]):
        if old[i].kind == new[j].kind:
            pairs.append((i, j))
    return sorted(pairs)


def compare(old: Frame, new: Frame) -> Diff:
    """Return the structural differences from ``old`` to ``new`` (two documents of one kind).

    Raise UsageError for documents of two kinds: their parts do not correspond.
    """
    kind = kind_of(new)
    if kind_of(old) is not kind:
        raise UsageError(_("không so sánh được {old} với {new}: hai loại văn bản khác nhau").format(
            old=old.TYPE_NAME.lower(), new=new.TYPE_NAME.lower()))
    before, after = kind.facts(old), kind.facts(new)
    result = Diff(facts=[(label, before.get(label, ""), after.get(label, "")) for label in dict.fromkeys(
        [*before, *after]) if before.get(label) != after.get(label)], has_tasks=kind.has_tasks)
    old_items, new_items = outline(old.nodes), outline(new.nodes)
    old_tasks, new_tasks = tasks(old_items), tasks(new_items)
    pairs = match_tasks(old_tasks, new_tasks)
    result.removed = [t for i, t in enumerate(old_tasks) if i not in {p[0] for p in pairs}]
    result.added = [t for j, t in enumerate(new_tasks) if j not in {p[1] for p in pairs}]
    for i, j in pairs:
        a, b = old_tasks[i], new_tasks[j]
        if _norm(a.don_vi) != _norm(b.don_vi):
            result.reassigned.append(Change(a, b))
        if _deadline_key(a) != _deadline_key(b):
            result.deadline_moved.append(Change(a, b))
        if _norm(a.text) != _norm(b.text):
            result.reworded.append(Change(a, b))
    old_sections = sections(old_items)
    new_sections = sections(new_items)
    section_pairs = _match_sections(old_sections, new_sections)
    result.sections_removed = [s for i, s in enumerate(old_sections) if i not in {p[0] for p in section_pairs}]
    result.sections_added = [s for j, s in enumerate(new_sections) if j not in {p[1] for p in section_pairs}]
    result.sections_renamed = [(old_sections[i], new_sections[j]) for i, j in section_pairs
                               if _norm(old_sections[i].title) != _norm(new_sections[j].title)]
    return result


# --- report -------------------------------------------------------------------------------


def _short(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1].rstrip() + "…"


def _changed(old: str, new: str) -> str:
    """Return "old → new", the words both start with elided when long, so the change shows."""
    a, b = old.split(), new.split()
    same = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    if same > 3 and max(len(old), len(new)) > SHOWN_CHARS // 2:
        a, b = ["…", *a[same - 2:]], ["…", *b[same - 2:]]
    return f"{_short(' '.join(a)) or '—'} → {_short(' '.join(b)) or '—'}"


def _deadline_key(task: Task) -> object:
    """Return what a task's deadline means, whatever words say it ("20/9/2026" = "20/09/2026")."""
    return task.deadline.key if task.deadline else None


def _task(task: Task) -> str:
    ma = f"[{task.ma}] " if task.ma else ""
    unit = task.don_vi or _("(chưa giao đơn vị)")
    due = " " + _("(hạn {date})").format(date=_day(task)) if task.deadline else ""
    return f"{ma}{unit}: {_short(task.text)}{due}"


def _brief(task: Task) -> str:
    return f"[{task.ma}] {_short(task.text)}" if task.ma else _short(task.text)


def _day(task: Task) -> str:
    """Return a task's deadline as a report line shows it: the date of a one-day deadline, else its words."""
    if task.deadline is None:
        return _("không có hạn")
    if task.deadline.kind == "ngay" and task.han is not None:
        return rules.short_date(task.han)
    return task.deadline.phrase


def report(diff: Diff, old_name: str, new_name: str, rows: Sequence[TaskRow] = (), as_of: AsOf | None = None) -> str:
    """Return the differences as a report (Vietnamese by default), one heading per kind of change.

    With the old notice's task ``rows`` and an ``as_of`` date, each dropped task shows its status
    on that day (``TaskRow.status_label``, as ``tasks`` and ``new`` read it): dropping a task
    still open is what a chair asks about.
    """
    lines = [_("So sánh {old} → {new}").format(old=old_name, new=new_name)]

    def dropped(task: Task) -> str:
        row = row_of(rows, task.ma, task.text) if as_of is not None else None
        status = f" — {row.status_label(as_of.day, translated=True)}" if row is not None and as_of else ""
        return f"- {_task(task)}{status}"

    def group(title: str, items: Sequence[str]) -> None:
        if items:
            lines.append(f"{title} ({len(items)}):")
            lines.extend(f"  {item}" for item in items)

    unassigned = _("(chưa giao)")
    became = _("thành:")
    group(_("Nhiệm vụ mới"), [f"+ {_task(t)}" for t in diff.added])
    group(_("Nhiệm vụ bị bỏ"), [dropped(t) for t in diff.removed])
    group(_("Nhiệm vụ giao lại đơn vị khác"),
          [f"~ {c.old.don_vi or unassigned} → {c.new.don_vi or unassigned}: {_brief(c.new)}"
           for c in diff.reassigned])
    group(_("Nhiệm vụ đổi thời hạn"),
          [f"~ {_day(c.old)} → {_day(c.new)}, {c.new.don_vi}: {_brief(c.new)}" for c in diff.deadline_moved])
    group(_("Nhiệm vụ sửa nội dung"),
          [f"~ {c.new.don_vi}: {_brief(c.old)}\n      {became} {_brief(c.new)}" for c in diff.reworded])
    group(_("Mục, khoản mới"), [f"+ {s}" for s in diff.sections_added])
    group(_("Mục, khoản bị bỏ"), [f"- {s}" for s in diff.sections_removed])
    group(_("Mục, khoản đổi tên"), [f"~ {a} → “{b.title}”" for a, b in diff.sections_renamed])
    group(_("Thông tin thay đổi"), [f"~ {_(label)}: {_changed(a, b)}" for label, a, b in diff.facts])
    if diff.empty and diff.has_tasks:
        lines.append(_("Không có thay đổi về nhiệm vụ và mục, khoản."))
    elif diff.empty:
        lines.append(_("Không có thay đổi."))
    if diff.removed and rows and as_of is not None:
        lines.append(as_of.line())
    return "\n".join(lines) + "\n"
