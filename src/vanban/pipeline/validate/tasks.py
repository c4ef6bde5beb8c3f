"""Check the tasks of one notice: ids used twice, updates listed twice, deadlines on a weekend or twice.

Why apart: these checks read the raw body (so they report even when the model fails
elsewhere) and know the task shapes (``nhiem_vu``, an item's ``giao``, a ``^han[…]`` in a
sentence) and ``cap_nhat_nhiem_vu``; the rest of validation does not need to.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from vanban.errors import Problem
from vanban.i18n import _
from vanban.pipeline import deadlines, inline, rules
from vanban.pipeline.deadlines import Deadline
from vanban.pipeline.kinds.base import as_warning
from vanban.pipeline.loader import Located, Path_
from vanban.pipeline.model import NODE_KINDS
from vanban.pipeline.status import UPDATES, number_key

#: The keys whose value is an item's own text (every kind but the mục heading).
_TEXT_KEYS = tuple(k for k in (*NODE_KINDS, "doan") if k != "muc")


def _raw_tasks(nodes: Any, path: Path_) -> Iterator[tuple[Path_, dict[str, Any], Path_, str]]:
    """Yield, for each item given an assignment as data, where its ``ma``/``han`` live and its text.

    That is ``(path of the mapping holding ma and han, the mapping, path of the text, the text)``:
    a ``nhiem_vu`` holds them itself, any other item in its ``giao`` mapping.
    """
    if not isinstance(nodes, list):
        return
    for i, node in enumerate(nodes):
        here = (*path, i)
        if isinstance(node, str):
            yield here, {}, here, node
            continue
        if not isinstance(node, dict):
            continue
        key = next((k for k in _TEXT_KEYS if k in node), None)
        text = node.get(key) if key else None
        text_path: Path_ = (*here, key) if key else here
        giao = node.get("giao")
        if key == "nhiem_vu":
            yield here, node, text_path, text if isinstance(text, str) else ""
        elif isinstance(giao, dict):
            yield (*here, "giao"), giao, text_path, text if isinstance(text, str) else ""
        elif isinstance(text, str):
            yield here, {}, text_path, text
        yield from _raw_tasks(node.get("noi_dung"), (*here, "noi_dung"))


def id_problems(located: Located, data: Any) -> list[Problem]:
    """Return the problems of task ids in one notice: a ``ma`` used twice, an update listed twice."""
    out: list[Problem] = []
    body = data.get("noi_dung") if isinstance(data, dict) else None
    seen: dict[str, Path_] = {}
    for path, node, _text_path, _text in _raw_tasks(body, ("noi_dung",)):
        ma = node.get("ma")
        if not isinstance(ma, str) or not ma.strip():
            continue
        key = ma.strip()
        if key in seen:
            first = located.problem(seen[key], "")
            out.append(located.problem((*path, "ma"), _("mã nhiệm vụ '{ma}' đã dùng ở dòng {line}").format(
                ma=key, line=first.line)))
        else:
            seen[key] = (*path, "ma")
    updates = data.get(UPDATES) if isinstance(data, dict) else None
    pairs: dict[tuple[str, str], int] = {}
    for i, item in enumerate(updates if isinstance(updates, list) else []):
        if not isinstance(item, dict):
            continue
        ref, ma = item.get("thong_bao"), item.get("ma")
        if not (isinstance(ref, str) and isinstance(ma, str)):
            continue
        pair = (number_key(ref), ma.strip())
        if pair in pairs:
            out.append(located.problem((UPDATES, i, "ma"), _("nhiệm vụ '{ma}' đã được cập nhật ở {where}").format(
                ma=ma.strip(), where=f"{UPDATES}[{pairs[pair]}]")))
        else:
            pairs[pair] = i
    return out


def deadline_warnings(located: Located) -> list[Problem]:
    """Return a warning for each task deadline on a Saturday or Sunday, or stated twice.

    A weekend is allowed but rarely meant; a ``han`` whose date the sentence already says
    would print the deadline a second time ("… trước ngày 20/9/2026 (hoàn thành trước ngày
    20/9/2026)"): mark the phrase ``^han[…]`` instead.
    """
    out: list[Problem] = []
    body = located.data.get("noi_dung") if isinstance(located.data, dict) else None
    for path, node, text_path, text in _raw_tasks(body, ("noi_dung",)):
        found = data_deadline(node.get("han"))
        if found is not None:
            out.extend(_weekend(located, (*path, "han"), found))
            if found.due is not None and any(shown in text for shown in _date_forms(found.due)):
                out.append(_warning(located, (*path, "han"), _(
                    "câu đã ghi thời hạn {date}; đánh dấu cụm từ đó bằng '^han[…]' thay cho trường 'han' "
                    "để thời hạn không in hai lần").format(date=rules.short_date(found.due))))
        marked = marked_deadline(text)
        if marked is not None:
            out.extend(_weekend(located, text_path, marked))
    return out


def data_deadline(han: Any) -> Deadline | None:
    """Return the deadline of a raw ``han`` (ISO date or phrase), or None when absent or unreadable.

    Why None for a mistake: the model reports it, located; the checks on raw data go on.
    """
    if not isinstance(han, str):
        return None
    try:
        return deadlines.from_date(dt.date.fromisoformat(han.strip())) if re.fullmatch(
            r"\s*\d{4}-\d{2}-\d{2}\s*", han) else deadlines.parse(han)
    except (ValueError, deadlines.DeadlineError):
        return None  # an impossible date or an unreadable phrase is the model's error, not a warning


def marked_deadline(text: Any) -> Deadline | None:
    """Return the deadline a raw text marks with ``^han[…]``, or None (none, or a mistake the model reports)."""
    if not isinstance(text, str) or "^han[" not in text:
        return None
    try:
        return inline.parse(text).deadline
    except inline.InlineError:
        return None


def _weekend(located: Located, path: Path_, deadline: Deadline) -> list[Problem]:
    day = deadline.due
    if deadline.kind != "ngay" or day is None or day.weekday() < 5:
        return []  # a month, quarter or year ends when it ends
    text = _("thời hạn {date} rơi vào thứ Bảy") if day.weekday() == 5 else _("thời hạn {date} rơi vào Chủ nhật")
    return [_warning(located, path, text.format(date=rules.short_date(day)))]


def _warning(located: Located, path: Path_, message: str) -> Problem:
    return as_warning(located.problem(path, message))


def _date_forms(day: dt.date) -> tuple[str, ...]:
    """Return the ways a sentence writes ``day``: 20/9/2026, 20/09/2026, 05/3/2026, 5/3/2026."""
    return tuple(dict.fromkeys(f"{d}/{m}/{day.year}" for d in (f"{day.day:02d}", str(day.day))
                               for m in (f"{day.month:02d}", str(day.month))))
