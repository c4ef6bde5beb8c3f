"""What every kind's draft of next month's document uses: the month after, the dates moved with the meeting.

Why a stage of its own: ``vanban new`` asks the kind to write its draft (``kinds.base.Drafting``),
and the kinds that follow a monthly meeting move its month words and nearby dates the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from vanban.errors import UsageError
from vanban.i18n import _
from vanban.pipeline import rules

#: Keys of the meeting that the next document carries over (date and agenda are new each month).
CARRIED_MEETING = ("hinh_thuc", "ten", "don_vi_to_chuc", "dia_diem", "chu_tri", "thanh_phan", "nghe")


def add_month(day: dt.date) -> dt.date:
    """Return the same day of the next month (or its last day); past 9999-12 there is none."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    if year > dt.MAXYEAR:
        raise UsageError(_("không có tháng nào sau tháng {month}/{year}; hãy cho --meeting-date năm-tháng-ngày").format(
            month=day.month, year=day.year))
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _shift_month_words(text: str, old: dt.date, new: dt.date) -> str:
    """Rewrite 'tháng 12 năm 2023' and 'tháng 12/2023' of the old meeting to the new meeting's month."""
    month = rf"0?{old.month}"
    text = re.sub(rf"tháng {month} năm {old.year}", f"tháng {new.month:02d} năm {new.year}", text)
    return re.sub(rf"tháng {month}/{old.year}", f"tháng {new.month:02d}/{new.year}", text)


_DAY = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
#: How far from the old meeting a date written in a carried text is taken as one of its dates.
_NEAR = dt.timedelta(days=45)


def _shift_days(text: str, old: dt.date, new: dt.date) -> str:
    """Move each date written dd/mm/yyyy near the old meeting ("báo cáo trước ngày 25/01/2024") with the meeting.

    Why: a carried note's deadline stands in the same relation to the next meeting; a date far
    from it (a decree's, a plan's) is left alone.
    """
    def moved(match: re.Match[str]) -> str:
        try:
            day = dt.date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            return match[0]
        return rules.short_date(day + (new - old)) if abs(day - old) <= _NEAR else match[0]

    return _DAY.sub(moved, text)


def shift(value: Any, old: dt.date | None, new: dt.date) -> Any:
    """Return a carried text (or list of texts) with the old meeting's month words and nearby dates moved to the new."""
    if old is None:
        return value
    if isinstance(value, str):
        return _shift_days(_shift_month_words(value, old, new), old, new)
    if isinstance(value, list):
        return [shift(v, old, new) for v in value]
    return value


def next_name(latest: Path, day: dt.date, fallback: str) -> Path:
    """Return the new file beside ``latest``: its name with the new month, else ``<YYYY-MM>-<fallback>.yaml``."""
    stem = re.sub(r"^\d{4}-\d{2}", f"{day:%Y-%m}", latest.stem)
    return latest.parent / f"{stem if stem != latest.stem else f'{day:%Y-%m}-{fallback}'}.yaml"
