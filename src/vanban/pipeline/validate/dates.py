"""Hold every date of a notice to the years a notice can bear: 1945 to 2099.

Why: ``0001-01-01`` and ``9999-12-31`` are dates Python accepts, and a notice dated on them
passed validation, then crashed a renderer (the document's creation time in UTC falls before
year 1) or ``vanban new`` (the month after December 9999); a deadline "trong năm 0000" came
back in English from the date library. No Vietnamese state document is dated before the
state's founding in 1945, and a date line reads "năm 20xx" [R-DATE-2]; a year outside that
range is a typing slip, said at the value that holds it: an ISO date, a deadline phrase (in
``han`` or marked ``^han[…]`` in a sentence) or a draft's month or year.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from vanban.errors import Problem
from vanban.i18n import _
from vanban.pipeline import inline
from vanban.pipeline.loader import Located, Path_
from vanban.pipeline.model import NODE_KINDS
from vanban.pipeline.raw import get

#: The first and last years a date of a notice may have.
MIN_YEAR = 1945
MAX_YEAR = 2099

#: A year as written in an ISO date, a deadline phrase ("trước ngày 20/9/2026", "trong Quý IV/2026")
#: or a draft's month: four digits standing alone.
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def in_range(day: dt.date) -> bool:
    """Tell whether ``day`` lies in the years a notice can bear."""
    return MIN_YEAR <= day.year <= MAX_YEAR


def date_problems(located: Located, data: Any) -> list[Problem]:
    """Return a problem for each value of the notice that names a year outside MIN_YEAR–MAX_YEAR."""
    out: list[Problem] = []
    for path, text in _dated_values(data):
        years = [y for y in _YEAR.findall(text) if not MIN_YEAR <= int(y) <= MAX_YEAR]
        if years:
            out.append(located.problem(path, _(
                "năm {year} nằm ngoài khoảng {first}–{last} của một thông báo; hãy kiểm tra lại ngày '{value}'").format(
                    year=years[0], first=MIN_YEAR, last=MAX_YEAR, value=text.strip())))
    return out


def _dated_values(data: Any) -> Iterator[tuple[Path_, str]]:
    """Yield (path, text) of every value that states a date or a year."""
    for path in (("ngay",), ("cuoc_hop", "ngay"), ("du_thao", "thang"), ("du_thao", "nam")):
        value = get(data, *path)
        if isinstance(value, str):
            yield path, value
    yield from _body_dates(get(data, "noi_dung"), ("noi_dung",))
    updates = get(data, "cap_nhat_nhiem_vu")
    for i, item in enumerate(updates if isinstance(updates, list) else []):
        if isinstance(item, dict) and isinstance(item.get("ngay"), str):
            yield ("cap_nhat_nhiem_vu", i, "ngay"), item["ngay"]


def _body_dates(nodes: Any, path: Path_) -> Iterator[tuple[Path_, str]]:
    """Yield each deadline of the body: a task's or an item's ``han``, and each ``^han[…]`` phrase."""
    for i, node in enumerate(nodes if isinstance(nodes, list) else []):
        here = (*path, i)
        texts = [(here, node)] if isinstance(node, str) else []
        if isinstance(node, dict):
            if isinstance(node.get("han"), str):
                yield (*here, "han"), node["han"]
            giao = node.get("giao")
            if isinstance(giao, dict) and isinstance(giao.get("han"), str):
                yield (*here, "giao", "han"), giao["han"]
            texts = [((*here, k), node[k]) for k in (*NODE_KINDS, "doan") if isinstance(node.get(k), str)]
            yield from _body_dates(node.get("noi_dung"), (*here, "noi_dung"))
        for text_path, text in texts:
            if "^han[" in text:
                try:
                    marked = inline.parse(text.strip()).marked(inline.DEADLINE)
                except inline.InlineError:
                    continue  # the model reports the mark
                yield from ((text_path, phrase) for phrase in marked)
