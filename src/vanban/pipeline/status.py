"""Resolve status updates across notices: which task of which earlier notice each one reports on.

Why a pipeline stage: a notice records, in ``cap_nhat_nhiem_vu``, the status of an earlier
notice's tasks by that notice's number (``05/TB-UBND``) or file stem and the task's ``ma``.
Whether such a reference resolves is a property of the whole set of notices, checked by
every command that loads them (``check``, ``build``) and read by ``tasks`` and ``new``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from vanban.errors import Problem
from vanban.hints import did_you_mean
from vanban.i18n import _
from vanban.pipeline import rules
from vanban.pipeline.loader import Located, Path_
from vanban.pipeline.model import Frame
from vanban.pipeline.outline import outline, tasks
from vanban.pipeline.rules import unit_key

__all__ = ["UPDATES", "Source", "Update", "date_warnings", "number_key", "reference_problems", "resolve_updates",
           "unit_key"]

UPDATES = "cap_nhat_nhiem_vu"


class Source(Protocol):
    """What resolving needs of a loaded notice (``notice.Notice`` has it)."""

    @property
    def source(self) -> Path: ...
    @property
    def model(self) -> Frame: ...
    @property
    def located(self) -> Located: ...
    @property
    def stem(self) -> str: ...


# --- identity of notices and units --------------------------------------------------------


def number_key(ref: str) -> str:
    """Return the comparison key of a cited number: ``5/tb-ubnd`` matches ``05/TB-UBND``."""
    text = "".join(rules.nfc(ref).split()).upper().removeprefix("SỐ:")
    head, sep, tail = text.partition("/")
    return f"{head.lstrip('0') or '0'}{sep}{tail}" if head.isdigit() else text


@dataclass(frozen=True)
class Update:
    """One recorded status of a task: which notice recorded it, when, and the note."""

    stem: str
    so: str
    ngay: dt.date | None
    trang_thai: str
    ghi_chu: str


def _index(notices: Sequence[Source]) -> tuple[dict[str, Source], dict[str, list[Source]]]:
    by_stem = {n.source.stem: n for n in notices}
    by_number: dict[str, list[Source]] = {}
    for n in notices:
        if n.model.so is not None:
            by_number.setdefault(number_key(n.model.cited_number), []).append(n)
    return by_stem, by_number


def _task_ids(notice: Source) -> list[str]:
    return [t.ma for t in tasks(outline(notice.model.nodes)) if t.ma]


def resolve_updates(notices: Sequence[Source], strict: bool) -> tuple[dict[tuple[str, str], list[Update]],
                                                                      list[Problem]]:
    """Return every update keyed by (target stem, ma), and the problems of the references.

    With ``strict`` a reference to a notice that is not loaded is an error too (``vanban
    tasks`` needs the whole history); otherwise only references into loaded notices are
    checked (``vanban check`` may be run on one file).
    """
    by_stem, by_number = _index(notices)
    ids: dict[str, list[str]] = {}
    found: dict[tuple[str, str], list[Update]] = {}
    problems: list[Problem] = []
    for notice in notices:
        source_date = notice.model.reference_date
        for i, item in enumerate(notice.model.updates):
            here: Path_ = (UPDATES, i)
            targets = by_number.get(number_key(item.thong_bao), [])
            if item.thong_bao in by_stem:
                targets = [by_stem[item.thong_bao]]
            if not targets:
                if strict:
                    problems.append(notice.located.problem((*here, "thong_bao"),
                        _("không tìm thấy thông báo '{ref}' trong các tệp đã nạp "
                          "(ghi số, ví dụ '05/TB-UBND', hoặc tên tệp không có đuôi)").format(ref=item.thong_bao)))
                continue
            if len(targets) > 1 and source_date is not None:
                # Numbers restart every year [R-NUM-2]: a notice cannot update one issued after it.
                targets = [t for t in targets if (t.model.reference_date or dt.date.min) <= source_date] or targets
            if len(targets) > 1:
                names = ", ".join(t.source.stem for t in targets)
                problems.append(notice.located.problem((*here, "thong_bao"),
                    _("số '{ref}' trùng ở nhiều thông báo ({names}); hãy ghi tên tệp").format(
                        ref=item.thong_bao, names=names)))
                continue
            target = targets[0]
            if target is notice:
                problems.append(notice.located.problem((*here, "thong_bao"),
                                                 _("một thông báo không cập nhật nhiệm vụ của chính nó")))
                continue
            if target.stem not in ids:
                ids[target.stem] = _task_ids(target)
            known = ids[target.stem]
            if item.ma not in known:
                message = _("thông báo {number} ({stem}) không có nhiệm vụ mã '{ma}'").format(
                    number=target.model.cited_number, stem=target.stem, ma=item.ma) + did_you_mean(item.ma, known)
                problems.append(notice.located.problem((*here, "ma"), message))
                continue
            when = item.ngay or source_date
            target_date = target.model.reference_date
            if when is not None and target_date is not None and when < target_date:
                problems.append(notice.located.problem((*here, "ngay") if item.ngay else here,
                                                 _("ngày cập nhật trước ngày của thông báo được cập nhật")))
                continue
            update = Update(notice.stem, notice.model.cited_number, when, item.trang_thai, item.ghi_chu)
            found.setdefault((target.stem, item.ma), []).append(update)
    return found, problems


def reference_problems(notices: Sequence[Source]) -> list[Problem]:
    """Return the problems of status updates that point into the loaded notices (for check/build)."""
    return resolve_updates(notices, strict=False)[1]


def date_warnings(notices: Sequence[Source], as_of: dt.date) -> list[Problem]:
    """Warn, located, about each status update dated after the notice that records it or after ``as_of``.

    Why warnings: such a date is usually a typo, or an update written ahead; it does not count
    until its day (every command reads status on one as-of date), so the author must hear why
    a task still reads "Chưa làm" [issue 18].
    """
    out: list[Problem] = []
    for notice in notices:
        recorded = notice.model.reference_date
        for i, item in enumerate(notice.model.updates):
            when = item.ngay or recorded
            where: Path_ = (UPDATES, i, "ngay") if item.ngay else (UPDATES, i)
            if item.ngay is not None and recorded is not None and item.ngay > recorded:
                out.append(_warning(notice, where, _("ngày cập nhật {date} sau ngày {recorded} của chính thông báo "
                                                     "ghi nó").format(date=rules.short_date(item.ngay),
                                                                      recorded=rules.short_date(recorded))))
            if when is not None and when > as_of:
                out.append(_warning(notice, where, _("cập nhật ghi ngày {date}, sau ngày xét {as_of}: chưa được tính "
                                                     "vào trạng thái nhiệm vụ '{ma}'").format(
                    date=rules.short_date(when), as_of=rules.short_date(as_of), ma=item.ma)))
    return out


def _warning(notice: Source, path: Path_, message: str) -> Problem:
    return dataclasses.replace(notice.located.problem(path, message), warning=True)
