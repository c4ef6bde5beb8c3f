"""Check the tasks of one notice: ids used twice, updates listed twice, deadlines on a weekend.

Why apart: these checks read the raw body (so they report even when the model fails
elsewhere) and know the ``nhiem_vu`` and ``cap_nhat_nhiem_vu`` shapes; the rest of
validation does not need to.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Any

from vanban.errors import Problem
from vanban.i18n import _
from vanban.pipeline import rules
from vanban.pipeline.loader import Located, Path_
from vanban.pipeline.status import UPDATES, number_key


def _raw_tasks(nodes: Any, path: Path_) -> Iterator[tuple[Path_, dict[str, Any]]]:
    if not isinstance(nodes, list):
        return
    for i, node in enumerate(nodes):
        if not isinstance(node, dict):
            continue
        here = (*path, i)
        if "nhiem_vu" in node:
            yield here, node
        yield from _raw_tasks(node.get("noi_dung"), (*here, "noi_dung"))


def id_problems(located: Located, data: Any) -> list[Problem]:
    """Return the problems of task ids in one notice: a ``ma`` used twice, an update listed twice."""
    out: list[Problem] = []
    body = data.get("noi_dung") if isinstance(data, dict) else None
    seen: dict[str, Path_] = {}
    for path, node in _raw_tasks(body, ("noi_dung",)):
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
    """Return a warning for each task deadline on a Saturday or Sunday (allowed, but rarely meant)."""
    out: list[Problem] = []
    body = located.data.get("noi_dung") if isinstance(located.data, dict) else None
    for path, node in _raw_tasks(body, ("noi_dung",)):
        han = node.get("han")
        try:
            day = dt.date.fromisoformat(han.strip()) if isinstance(han, str) else None
        except ValueError:
            continue  # an impossible date is the model's error, not a warning
        if day is not None and day.weekday() >= 5:
            text = _("thời hạn {date} rơi vào thứ Bảy") if day.weekday() == 5 else _("thời hạn {date} rơi vào Chủ nhật")
            problem = located.problem((*path, "han"), text.format(date=rules.short_date(day)))
            out.append(dataclasses.replace(problem, warning=True))
    return out
