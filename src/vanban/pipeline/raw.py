"""Read raw located data safely: a value at a path, the strings of a list, an ISO date, a time.

Why: the checks across fields run on the raw data (so they report even when the model
fails elsewhere), where any value may be missing or of the wrong type.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def get(data: Any, *path: str | int) -> Any:
    """Return the value at ``path`` inside ``data``, or None where the path does not exist."""
    for part in path:
        if isinstance(part, int):
            data = data[part] if isinstance(data, list) and part < len(data) else None
        else:
            data = data.get(part) if isinstance(data, dict) else None
    return data


def strings(value: Any) -> list[tuple[int | None, str]]:
    """Return ``(index, text)`` of each string of a list, or ``(None, value)`` for one string."""
    if isinstance(value, str):
        return [(None, value)]
    if isinstance(value, list):
        return [(i, v) for i, v in enumerate(value) if isinstance(v, str)]
    return []


def as_date(value: Any) -> dt.date | None:
    """Return ``value`` as a date when it is a valid ISO date string, else None."""
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def as_time(value: Any) -> dt.time | None:
    """Return ``value`` as a time of day when it is written ``"14:00"`` (24-hour clock), else None."""
    match = _TIME.match(value) if isinstance(value, str) else None
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return dt.time(int(match[1]), int(match[2]))
