"""Tasks as data: the tasks of many notices with their status history, and the filters on them.

Why: a Thông báo kết luận is mostly tasks given to units with deadlines, and the next
meeting reviews them. A task may carry a stable id (``ma``); a later notice records the
status of an earlier notice's tasks in ``cap_nhat_nhiem_vu``, so a year of notices in git
is the task history. Status updates are data only: they are never rendered, so the .docx
and the PDF stay identical in content. No clock is read here: "overdue" is always relative
to an ``as_of`` date the caller passes.

In YAML (the January notice gives the task, the February notice records its status)::

    # 2024-01-phien-hop.yaml (so: "05")        # 2024-02-phien-hop.yaml
    - nhiem_vu: "Tham mưu kế hoạch …"          cap_nhat_nhiem_vu:
      ma: KT-02                                  - thong_bao: "05/TB-UBND"  # or "2024-01-phien-hop"
      han: "2024-01-31"                            ma: KT-02
                                                   trang_thai: dang_lam      # xong | dang_lam | chua_lam
                                                   ngay: "2024-01-29"        # default: this notice's date
                                                   ghi_chu: "…"

A task's status on a day is its latest update dated on or before that day; with none it is
``chua_lam``. Every command reads it through ``TaskRow.status`` on one as-of date (``AsOf``:
``--as-of``, else today in Vietnam), and prints that date wherever the output depends on it:
an update dated after that day does not count yet, for ``tasks``, ``new``, ``diff`` and the
per-unit extract alike. A task is overdue when it is still open after the last day on time of
its deadline (``docs/deadlines.md``), and done late when its "xong" came after that day; a
recurring task is never done, and is overdue when its latest occurrence already late has no
update dated in that occurrence's period; a free-text deadline ("khi có yêu cầu") is never
overdue, and such tasks are listed after the others.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from vanban.errors import ContentError, UsageError
from vanban.i18n import N_, _
from vanban.pipeline import rules
from vanban.pipeline.deadlines import Deadline, from_date
from vanban.pipeline.kinds import kind_of
from vanban.pipeline.notice import Notice, load_notices
from vanban.pipeline.outline import outline, tasks
from vanban.pipeline.sources import SUFFIXES
from vanban.pipeline.status import Update, resolve_updates, unit_key
from vanban.repo import display

#: Status codes as written in YAML, and how they read in listings. The labels are data in
#: CSV/XLSX exports and drafts (always Vietnamese) and msgids for the terminal table.
STATUS_LABELS = {"xong": N_("Đã xong"), "dang_lam": N_("Đang làm"), "chua_lam": N_("Chưa làm")}
OVERDUE_LABEL = N_("quá hạn")
LATE_DONE_LABEL = N_("Đã xong trễ hạn")
RECURRING_LABEL = N_("Định kỳ")
#: Vietnam keeps UTC+7 all year: "today" for the status of a task is the date there.
VIETNAM = dt.timezone(dt.timedelta(hours=7))


@dataclass(frozen=True)
class AsOf:
    """The day every status of one run is read on, and whether the user chose it (``--as-of``)."""

    day: dt.date
    given: bool = False

    @classmethod
    def of(cls, day: dt.date | None) -> AsOf:
        """Return the as-of date ``day`` the user gave, else today in Vietnam (the CLI may read the clock)."""
        return cls(day, True) if day is not None else cls(dt.datetime.now(VIETNAM).date())

    def line(self, translated: bool = True) -> str:
        """Return the sentence that says which day statuses are read on, for every output that shows one."""
        tr = _ if translated else str
        text = tr(N_("Trạng thái tính đến ngày {date} (theo --as-of).")) if self.given else \
            tr(N_("Trạng thái tính đến ngày {date} (hôm nay, giờ Việt Nam; đổi bằng --as-of)."))
        return text.format(date=rules.short_date(self.day))


@dataclass(frozen=True)
class TaskRow:
    """One task of one notice, with its status history from later notices."""

    stem: str
    so: str
    ngay: dt.date | None
    ma: str
    don_vi: str
    text: str
    han: dt.date | None  # the due date the register shows
    history: tuple[Update, ...] = ()
    deadline: Deadline | None = None
    units: tuple[str, ...] = ()  # every unit the task names (lead and co-ordinating included)
    start: dt.date | None = None  # the notice's date: a schedule's occurrences count from the day after
    lead: tuple[str, ...] = ()  # the units answerable for it, whom a reminder is addressed to

    def __post_init__(self) -> None:
        if self.deadline is None and self.han is not None:  # a row made from a due date alone
            object.__setattr__(self, "deadline", from_date(self.han))

    def last_update(self, as_of: dt.date | None = None) -> Update | None:
        """Return the latest update recorded on or before ``as_of`` (any date when None)."""
        known = [u for u in self.history if as_of is None or u.ngay is None or u.ngay <= as_of]
        return known[-1] if known else None

    def status(self, as_of: dt.date | None = None) -> str:
        """Return the status code on ``as_of``; a task nobody reported on is ``chua_lam``."""
        last = self.last_update(as_of)
        return last.trang_thai if last else "chua_lam"

    def history_on(self, as_of: dt.date) -> tuple[Update, ...]:
        """Return the updates recorded on or before ``as_of``, oldest first (a later one does not count yet)."""
        return tuple(u for u in self.history if u.ngay is None or u.ngay <= as_of)

    def done_on(self, as_of: dt.date) -> dt.date | None:
        """Return the day the task was reported done, if it is done on ``as_of``: the first "xong" of the last run."""
        day = None
        for update in reversed(self.history_on(as_of)):
            if update.trang_thai != "xong":
                break
            day = update.ngay or day
        return day if self.status(as_of) == "xong" and not self.recurring else None

    def is_late_done(self, as_of: dt.date) -> bool:
        """Tell whether a one-off task done on ``as_of`` was done after its last day on time."""
        done = self.done_on(as_of)
        last = self.deadline.last_on_time if self.deadline else None
        return done is not None and last is not None and done > last

    @property
    def recurring(self) -> bool:
        """Tell whether the task repeats on a schedule (it is never done once and for all)."""
        return self.deadline is not None and self.deadline.recurring

    def is_open(self, as_of: dt.date | None = None) -> bool:
        """Tell whether the task was not done yet on ``as_of`` (a recurring task always is)."""
        return self.recurring or self.status(as_of) != "xong"

    def is_overdue(self, as_of: dt.date) -> bool:
        """Tell whether the task was late on ``as_of`` (docs/deadlines.md).

        A one-off task is late when still open after its last day on time; a recurring one when
        its latest occurrence already late has no update dated in that occurrence's period.
        """
        if self.deadline is None:
            return False
        if self.recurring:
            closed = self.deadline.occurrence_closed_by(as_of, self.start)
            if closed is None:
                return False
            begin, end = closed
            return not any(u.ngay is not None and begin <= u.ngay <= end for u in self.history)
        last = self.deadline.last_on_time
        return self.is_open(as_of) and last is not None and last < as_of

    def status_label(self, as_of: dt.date, translated: bool = False) -> str:
        """Return the status on ``as_of`` as a listing reads it: ``Chưa làm``, ``Đang làm – quá hạn`` …

        Vietnamese (data for exports and drafts) unless ``translated`` (the terminal table). A
        recurring task reads ``Định kỳ``: it is never done once and for all (docs/deadlines.md).
        """
        tr = _ if translated else str
        if self.recurring:
            label = tr(RECURRING_LABEL)
        elif self.is_late_done(as_of):
            label = tr(LATE_DONE_LABEL)
        else:
            label = tr(STATUS_LABELS[self.status(as_of)])
        if self.is_overdue(as_of):
            label += f" – {tr(OVERDUE_LABEL)}"
        return label

    def history_text(self, as_of: dt.date) -> str:
        """Return each status recorded by ``as_of`` with its date: "Đang làm (05/02/2024); Đã xong (20/02/2024)"."""
        return "; ".join(f"{STATUS_LABELS[u.trang_thai]} ({rules.short_date(u.ngay) if u.ngay else u.so})"
                         for u in self.history_on(as_of))

    @property
    def source(self) -> str:
        """Return the notice the task came from as a document cites it: "Thông báo số 05/TB-UBND ngày 02/01/2024"."""
        named = f"Thông báo số {self.so}" if self.ngay is not None else f"dự thảo {self.stem}"
        return f"{named} ngày {rules.short_date(self.ngay)}" if self.ngay is not None else named


def _order(update: Update) -> tuple[dt.date, str]:
    return (update.ngay or dt.date.min, update.stem)


def collect(notices: Sequence[Notice], strict: bool = True) -> list[TaskRow]:
    """Return every task of ``notices`` with its status history; raise ContentError on a bad reference.

    Without ``strict`` a reference that does not resolve is passed over (``diff`` and the extract
    read the status of a notice's tasks from its folder, whatever else is wrong there).
    """
    updates, problems = resolve_updates(notices, strict=True)
    if problems and strict:
        raise ContentError(problems)
    rows: list[TaskRow] = []
    for notice in sorted(notices, key=lambda n: (n.model.reference_date or dt.date.min, n.stem)):
        number = notice.model.cited_number
        start = notice.model.reference_date
        for task in tasks(outline(notice.model.nodes)):
            history = sorted(updates.get((notice.stem, task.ma), []), key=_order) if task.ma else []
            deadline = task.deadline.with_anchor(start) if task.deadline else None
            rows.append(TaskRow(notice.stem, number, notice.model.ngay, task.ma, task.don_vi, task.text,
                                task.han, tuple(history), deadline, task.units, start, task.lead))
    return rows


def taskless(notices: Sequence[Notice]) -> list[str]:
    """Return, for each document whose kind gives no tasks (a giấy mời), the line that says so.

    Why: ``vanban tasks`` on such a file would list nothing, which reads like "no task is
    late"; it says what the document is instead.
    """
    return [_("{file}: {kind} không giao nhiệm vụ, không có gì để liệt kê").format(
        file=display(n.source), kind=n.model.TYPE_NAME.lower()) for n in notices if not kind_of(n.model).has_tasks]


def select(rows: Sequence[TaskRow], unit: str | None = None, open_only: bool = False,
           overdue: bool = False, as_of: dt.date | None = None) -> list[TaskRow]:
    """Return the rows of ``unit`` (case/NFC-insensitive), only open or only overdue ones on ``as_of``."""
    if (overdue or open_only) and as_of is None:
        raise UsageError(_("lọc nhiệm vụ chưa xong hoặc quá hạn cần ngày xét (as_of)"))
    key = unit_key(unit) if unit else None
    out = []
    for row in rows:
        if key is not None and key not in {unit_key(u) for u in (*row.units, row.don_vi)}:
            continue
        if open_only and not row.is_open(as_of):
            continue
        if overdue and as_of is not None and not row.is_overdue(as_of):
            continue
        out.append(row)
    # A deadline in words without a date ("khi có yêu cầu") is listed apart, after the others.
    return sorted(out, key=lambda r: r.deadline is not None and r.deadline.kind == "khac")


def row_of(rows: Sequence[TaskRow], ma: str, text: str) -> TaskRow | None:
    """Return the row, among one notice's ``rows``, of the task with id ``ma`` (without one: with this text)."""
    return next((r for r in rows if (r.ma == ma if ma else not r.ma and r.text == text)), None)


def beside(notice: Notice) -> list[TaskRow]:
    """Return the tasks of ``notice`` with their history from the notices in its folder, read leniently.

    Why lenient: ``diff`` and the per-unit extract are asked about one notice; another file of
    the folder that does not validate, or a reference that does not resolve, must not stop them.
    """
    folder = notice.source.parent
    siblings = sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and p.stem != notice.stem) \
        if folder.is_dir() else []
    others = load_notices(siblings)[0] if siblings else []
    return [r for r in collect([notice, *others], strict=False) if r.stem == notice.stem]
