"""Hold every date of a notice to the years a notice can bear: 1945 to 2099.

Why: ``0001-01-01`` and ``9999-12-31`` are dates Python accepts, and a notice dated on them
passed validation, then crashed a renderer (the document's creation time in UTC falls before
year 1) or ``vanban new`` (the month after December 9999). No Vietnamese state document is
dated before the state's founding in 1945, and a date line reads "năm 20xx" [R-DATE-2]; a
year outside that range is a typing slip, said at the date itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from vanban.errors import Problem
from vanban.i18n import _
from vanban.pipeline.loader import Located, Path_
from vanban.pipeline.validate.raw import as_date, get

#: The first and last years a date of a notice may have.
MIN_YEAR = 1945
MAX_YEAR = 2099


def in_range(day: dt.date) -> bool:
    """Tell whether ``day`` lies in the years a notice can bear."""
    return MIN_YEAR <= day.year <= MAX_YEAR


def date_problems(located: Located, data: Any) -> list[Problem]:
    """Return a problem for each date of the notice outside MIN_YEAR–MAX_YEAR."""
    out: list[Problem] = []
    for path in _date_paths(data):
        day = as_date(get(data, *path))
        if day is not None and not in_range(day):
            out.append(located.problem(path, _(
                "năm {year} nằm ngoài khoảng {first}–{last} của một thông báo; hãy kiểm tra lại ngày '{value}'").format(
                    year=day.year, first=MIN_YEAR, last=MAX_YEAR, value=day.isoformat())))
    return out


def _date_paths(data: Any) -> Iterator[Path_]:
    """Yield the path of every date field: issue, meeting, task deadlines, status updates."""
    yield ("ngay",)
    yield ("cuoc_hop", "ngay")
    stack: list[tuple[Path_, Any]] = [(("noi_dung",), get(data, "noi_dung"))]
    while stack:
        path, nodes = stack.pop()
        for i, node in enumerate(nodes if isinstance(nodes, list) else []):
            if isinstance(node, dict):
                if "han" in node:
                    yield (*path, i, "han")
                stack.append(((*path, i, "noi_dung"), node.get("noi_dung")))
    updates = get(data, "cap_nhat_nhiem_vu")
    for i, item in enumerate(updates if isinstance(updates, list) else []):
        if isinstance(item, dict) and "ngay" in item:
            yield ("cap_nhat_nhiem_vu", i, "ngay")
