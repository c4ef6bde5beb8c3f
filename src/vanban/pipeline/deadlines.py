"""Deadlines as data: read the Vietnamese phrase an office writes, once, into a typed deadline.

Why: a task's deadline is written in words ("trước ngày 20/9/2026", "trong Quý IV/2026",
"hằng tuần, trước 15 giờ ngày thứ Năm", "định kỳ 03 tuần/lần"), either in the sentence itself
(marked ``^han[…]``) or in the task's ``han`` field. One parser turns that phrase into data:
the register gets a due date and knows whether that day itself is still on time, a recurring
task knows its occurrences, and a phrase without any date stays free text. The phrase is
kept as the author wrote it, so the notice prints exactly those words, once. The forms and
their meaning are listed in ``docs/deadlines.md``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Literal

from vanban.i18n import _
from vanban.pipeline import rules

#: What a deadline is: one day, a month, a quarter, a half-year, a year, a recurring schedule
#: (weekly, monthly, every N weeks) or free text without a date.
Kind = Literal["ngay", "thang", "quy", "nua_nam", "nam", "hang_tuan", "hang_thang", "dinh_ky", "khac"]
RECURRING = ("hang_tuan", "hang_thang", "dinh_ky")

#: Weekday names as written after "thứ" (Monday is 0), and "chủ nhật".
_WEEKDAYS = {"hai": 0, "2": 0, "ba": 1, "3": 1, "tư": 2, "4": 2, "năm": 3, "5": 3, "sáu": 4, "6": 4,
             "bảy": 5, "7": 5}
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


class DeadlineError(ValueError):
    """Raise when a phrase looks like a dated deadline but cannot be read."""


@dataclass(frozen=True)
class Deadline:
    """One task's deadline: its kind, the words that say it, and what the register needs.

    ``due`` is the date the register shows: the day written ("trước ngày 20/9/2026" → 20/9), or
    the last day of a month, quarter, half-year or year; None for recurring and free-text
    deadlines. ``inclusive`` tells whether ``due`` itself is still on time ("chậm nhất ngày D"
    yes, "trước ngày D" no). Recurring deadlines give ``weekday`` (Monday 0), ``day`` of the
    month, or ``weeks`` with an ``anchor`` (None: the notice's own date).
    """

    kind: Kind
    phrase: str
    due: dt.date | None = None
    inclusive: bool = True
    weekday: int | None = None
    day: int | None = None
    weeks: int | None = None
    anchor: dt.date | None = None
    time: str = ""

    @property
    def recurring(self) -> bool:
        """Tell whether the deadline repeats (weekly, monthly, every N weeks)."""
        return self.kind in RECURRING

    @property
    def last_on_time(self) -> dt.date | None:
        """Return the last day on which the task is still on time (None: no single due day)."""
        if self.due is None:
            return None
        return self.due if self.inclusive else self.due - dt.timedelta(days=1)

    @property
    def key(self) -> tuple[object, ...]:
        """Return what the deadline means, without its wording (two phrasings, one deadline)."""
        return (self.kind, self.due, self.inclusive, self.weekday, self.day, self.weeks, self.anchor, self.time,
                self.phrase if self.kind == "khac" else "")

    def with_anchor(self, anchor: dt.date | None) -> Deadline:
        """Return the deadline with ``anchor`` as the start of an every-N-weeks schedule if none is written."""
        return replace(self, anchor=anchor) if self.kind == "dinh_ky" and self.anchor is None else self

    def occurrence_closed_by(self, as_of: dt.date, start: dt.date | None) -> tuple[dt.date, dt.date] | None:
        """Return (period start, occurrence) of the latest occurrence already late on ``as_of``.

        The period runs from the day after the previous occurrence to the occurrence itself; a
        report dated inside it answers that occurrence. Occurrences on or before ``start`` (the
        notice's date) do not count. None when no occurrence has closed yet.
        """
        if not self.recurring:
            return None
        step = 0 if self.inclusive else 1
        # An occurrence o is late from the day after its last on-time day: o (inclusive) or o - 1.
        last_closed = as_of - dt.timedelta(days=1) + dt.timedelta(days=step)
        occurrence = self._previous_or_same(last_closed)
        if occurrence is None or (start is not None and occurrence <= start):
            return None
        before = self._previous_or_same(occurrence - dt.timedelta(days=1))
        begin = (before + dt.timedelta(days=1)) if before is not None else (start or occurrence)
        if start is not None and begin < start:
            begin = start
        return begin, occurrence

    def _previous_or_same(self, day: dt.date) -> dt.date | None:
        """Return the latest occurrence on or before ``day`` (None before an anchored schedule starts)."""
        if self.kind == "hang_tuan":
            assert self.weekday is not None
            return day - dt.timedelta(days=(day.weekday() - self.weekday) % 7)
        if self.kind == "hang_thang":
            assert self.day is not None
            here = _month_day(day.year, day.month, self.day)
            if here <= day:
                return here
            year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
            return _month_day(year, month, self.day)
        if self.kind == "dinh_ky":
            assert self.weeks is not None
            if self.anchor is None or day <= self.anchor:
                return None
            count = (day - self.anchor).days // (7 * self.weeks)
            return self.anchor + dt.timedelta(weeks=self.weeks * count) if count >= 1 else None
        return None


def _month_day(year: int, month: int, day: int) -> dt.date:
    """Return ``day`` of the month, or its last day for a month that is shorter (31 → 30 or 28)."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def from_date(day: dt.date) -> Deadline:
    """Return the deadline of a task's ``han`` given as an ISO date: "trước ngày DD/MM/YYYY"."""
    return Deadline("ngay", f"trước ngày {rules.short_date(day)}", due=day, inclusive=False)


# --- the phrase grammar ---------------------------------------------------------------------

_DATE = r"(?:ngày\s+)?(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s*/\s*(?P<y>\d{4})"
_DATE_WORDS = r"ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})"
_TIME = r"(?P<h>\d{1,2})\s*(?:giờ|h)(?:\s*(?P<min>\d{1,2})(?:\s*phút)?)?"
_LEAD = r"(?:(?:hoàn\s+thành|xong|báo\s+cáo|thực\s+hiện)\s+)?"
#: "trước" makes the day itself late; every other lead-in keeps it on time.
_BEFORE = r"(?P<before>trước|chậm\s+nhất(?:\s+(?:là|vào|trong))?|vào|trong)"
_ONE_DAY = [re.compile(rf"^{_LEAD}(?:{_BEFORE}\s+)?(?:{_TIME}\s+)?{date}$") for date in (_DATE, _DATE_WORDS)]
_PERIOD_LEAD = rf"^{_LEAD}(?:(?:chậm\s+nhất\s+)?trong\s+|ngay\s+trong\s+)?"
_MONTH = re.compile(_PERIOD_LEAD + r"tháng\s+(?P<m>\d{1,2})\s*(?:/|\s+năm\s+)\s*(?P<y>\d{4})$")
_QUARTER = re.compile(_PERIOD_LEAD + r"quý\s+(?P<q>iv|iii|ii|i|[1-4])\s*(?:/|\s+năm\s+)\s*(?P<y>\d{4})$")
_HALF = re.compile(_PERIOD_LEAD + r"(?:6|sáu)\s+tháng\s+(?P<h>đầu|cuối)\s+năm\s+(?P<y>\d{4})$")
_YEAR = re.compile(_PERIOD_LEAD + r"năm\s+(?P<y>\d{4})$")
_EVERY = r"(?:hằng|hàng)"
_WEEKDAY = r"(?:ngày\s+)?(?:thứ\s+(?P<wd>hai|ba|tư|năm|sáu|bảy|[2-7])|(?P<cn>chủ\s+nhật))"
_WEEKLY = [
    re.compile(rf"^{_LEAD}{_EVERY}\s+tuần\s*,?\s*(?:{_BEFORE}\s+)?(?:{_TIME}\s+)?{_WEEKDAY}$"),
    re.compile(rf"^{_LEAD}(?:{_BEFORE}\s+)?(?:{_TIME}\s+)?{_WEEKDAY}\s+{_EVERY}\s+tuần$"),
]
_MONTHLY = re.compile(rf"^{_LEAD}(?:{_BEFORE}\s+)?ngày\s+(?P<d>\d{{1,2}})\s+{_EVERY}\s+tháng$")
_MONTHLY_FIRST = re.compile(rf"^{_LEAD}{_EVERY}\s+tháng\s*,?\s*(?:{_BEFORE}\s+)?ngày\s+(?P<d>\d{{1,2}})$")
_EVERY_WEEKS = re.compile(
    rf"^{_LEAD}"
    r"(?:định\s+kỳ\s+)?(?P<n>\d{1,2})\s+tuần\s*(?:/\s*lần|một\s+lần|1\s+lần)"
    r"(?:\s*,?\s*(?:kể\s+)?từ\s+(?:ngày\s+)?(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s*/\s*(?P<y>\d{4}))?$"
)
#: Words that promise a schedule: a phrase with one of them must read as one.
_SCHEDULE_WORDS = re.compile(r"(?:hằng|hàng)\s+(?:tuần|tháng)|định\s+kỳ|tuần\s*/\s*lần")


def parse(phrase: str) -> Deadline:
    """Return the deadline ``phrase`` states; raise DeadlineError if it has a date that cannot be read.

    A phrase with no digit and no schedule word ("khi có yêu cầu", "thường xuyên") is free
    text: it has no due date and is never overdue.
    """
    shown = rules.collapse_spaces(phrase).replace("\n", " ")
    text = rules.nfc(shown).casefold().strip().rstrip(".;,")
    for pattern in _ONE_DAY:
        match = pattern.match(text)
        if match:
            day = _day(match["y"], match["m"], match["d"], shown)
            # "trước ngày D" leaves D late; a time ("trước 17 giờ ngày D") or any other lead-in keeps D on time.
            inclusive = match["before"] != "trước" or match["h"] is not None
            return Deadline("ngay", shown, due=day, inclusive=inclusive, time=_time(match))
    period = _period(text, shown)
    if period is not None:
        return period
    schedule = _schedule(text, shown)
    if schedule is not None:
        return schedule
    if _SCHEDULE_WORDS.search(text):
        raise DeadlineError(_("không đọc được lịch định kỳ '{phrase}' (ví dụ: 'hằng tuần, trước 15 giờ ngày thứ "
                              "Năm', 'chậm nhất vào ngày 10 hằng tháng', 'định kỳ 03 tuần/lần')").format(phrase=shown))
    if any(ch.isdigit() for ch in text):
        raise DeadlineError(_("không đọc được thời hạn '{phrase}' (ví dụ: 'trước ngày 20/9/2026', "
                              "'trong tháng 10/2026', 'trong Quý IV/2026', 'trong năm 2026')").format(phrase=shown))
    if not text:
        raise DeadlineError(_("thời hạn không được để trống"))
    return Deadline("khac", shown)


def _day(year: str, month: str, day: str, phrase: str) -> dt.date:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise DeadlineError(_("ngày trong thời hạn '{phrase}' không tồn tại").format(phrase=phrase)) from None


def _time(match: re.Match[str]) -> str:
    if match["h"] is None:
        return ""
    hour, minute = int(match["h"]), int(match["min"] or 0)
    if hour > 23 or minute > 59:
        raise DeadlineError(_("giờ trong thời hạn '{phrase}' không tồn tại").format(phrase=match.string))
    return f"{hour:02d}:{minute:02d}"


def _period(text: str, shown: str) -> Deadline | None:
    """Return a month, quarter, half-year or year deadline (due on its last day, inclusive)."""
    match = _MONTH.match(text)
    if match:
        year, month = int(match["y"]), int(match["m"])
        if not 1 <= month <= 12:
            raise DeadlineError(_("tháng trong thời hạn '{phrase}' không tồn tại").format(phrase=shown))
        return Deadline("thang", shown, due=_month_day(year, month, 31))
    match = _QUARTER.match(text)
    if match:
        quarter = _QUARTERS[match["q"]]
        return Deadline("quy", shown, due=_month_day(int(match["y"]), quarter * 3, 31))
    match = _HALF.match(text)
    if match:
        month = 6 if match["h"] == "đầu" else 12
        return Deadline("nua_nam", shown, due=_month_day(int(match["y"]), month, 31))
    match = _YEAR.match(text)
    if match:
        return Deadline("nam", shown, due=dt.date(int(match["y"]), 12, 31))
    return None


def _schedule(text: str, shown: str) -> Deadline | None:
    """Return a weekly, monthly or every-N-weeks deadline."""
    for pattern in _WEEKLY:
        match = pattern.match(text)
        if match:
            weekday = 6 if match["cn"] else _WEEKDAYS[match["wd"]]
            inclusive = match["before"] != "trước" or match["h"] is not None
            return Deadline("hang_tuan", shown, inclusive=inclusive, weekday=weekday, time=_time(match))
    match = _MONTHLY.match(text) or _MONTHLY_FIRST.match(text)
    if match:
        day = int(match["d"])
        if not 1 <= day <= 31:
            raise DeadlineError(_("ngày trong thời hạn '{phrase}' không tồn tại").format(phrase=shown))
        return Deadline("hang_thang", shown, inclusive=match["before"] != "trước", day=day)
    match = _EVERY_WEEKS.match(text)
    if match:
        weeks = int(match["n"])
        if weeks < 1:
            raise DeadlineError(_("số tuần trong thời hạn '{phrase}' phải từ 1 trở lên").format(phrase=shown))
        anchor = _day(match["y"], match["m"], match["d"], shown) if match["y"] else None
        return Deadline("dinh_ky", shown, weeks=weeks, anchor=anchor)
    return None


def printed(deadline: Deadline) -> str:
    """Return the words vanban adds after a task whose deadline is data: "hoàn thành trước ngày …".

    Why two verbs: a one-off deadline is met by finishing ("hoàn thành"); a schedule or a
    condition is kept by doing the work each time ("thực hiện").
    """
    verb = "hoàn thành" if deadline.due is not None else "thực hiện"
    return f"{verb} {deadline.phrase}"
