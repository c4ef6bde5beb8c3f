"""The number register, and the checks a notice must pass before it is issued as final.

Why: numbering runs from 01 on 1 January to 31 December and two documents of the same body
in the same year never share a number [R-NUM-3, T-06]. With every notice in git as data,
the register is computed instead of kept by hand.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vanban.errors import ContentError, Problem
from vanban.i18n import _
from vanban.pipeline import rules
from vanban.pipeline.loader import Path_
from vanban.pipeline.model import ThongBao
from vanban.pipeline.notice import Notice, load, load_notices
from vanban.pipeline.validate.nd30 import heading_warnings
from vanban.repo import display, repository_root


@dataclass(frozen=True)
class Entry:
    """One numbered notice: its number, ký hiệu, issue date and source file."""

    so: int
    ky_hieu: str
    ngay: dt.date | None
    source: str


@dataclass(frozen=True)
class YearRegister:
    """The numbers one body used in one year, with duplicates, gaps and the next free number."""

    co_quan: str
    nam: int
    entries: tuple[Entry, ...]
    duplicates: tuple[int, ...]
    gaps: tuple[int, ...]
    next_free: int


def body_name(notice: ThongBao) -> str:
    """Return the issuing body's identity: its chủ quản and name lines, upper-cased."""
    return " ".join(rules.upper_vi(x) for x in (*notice.co_quan.chu_quan, *notice.co_quan.ten))


def notice_year(notice: ThongBao) -> int | None:
    """Return the year a notice's number belongs to: its issue year, else its meeting's [R-NUM-3]."""
    day = notice.reference_date
    return day.year if day else None


def build_register(notices: Iterable[tuple[str, ThongBao]]) -> list[YearRegister]:
    """Return one register per (body, year) from ``(source, notice)`` pairs; drafts are skipped."""
    groups: dict[tuple[str, int], list[Entry]] = defaultdict(list)
    for source, notice in notices:
        year = notice_year(notice)
        if notice.so is None or year is None:
            continue
        groups[(body_name(notice), year)].append(Entry(notice.so, notice.symbol, notice.ngay, source))
    out: list[YearRegister] = []
    for (body, year), entries in sorted(groups.items()):
        entries.sort(key=lambda e: (e.so, e.source))
        numbers = [e.so for e in entries]
        used = set(numbers)
        duplicates = tuple(sorted(n for n in used if numbers.count(n) > 1))
        gaps = tuple(n for n in range(1, max(used) + 1) if n not in used)
        out.append(YearRegister(body, year, tuple(entries), duplicates, gaps, max(used) + 1))
    return out


def format_register(registers: list[YearRegister]) -> str:
    """Return the register as plain text (Vietnamese by default)."""
    if not registers:
        return _("Chưa có văn bản nào được đánh số.") + "\n"
    lines: list[str] = []
    for reg in registers:
        lines.append(_("{body} — năm {year}").format(body=reg.co_quan, year=reg.nam))
        for entry in reg.entries:
            day = entry.ngay.strftime("%d/%m/%Y") if entry.ngay else _("(chưa có ngày)")
            mark = "  ← " + _("TRÙNG SỐ") + " [R-NUM-3]" if entry.so in reg.duplicates else ""
            lines.append(f"  {rules.number_text(entry.so)}/{entry.ky_hieu}  {day}  {entry.source}{mark}")
        if reg.gaps:
            lines.append("  " + _("Số bị bỏ trống: {numbers}").format(
                numbers=", ".join(rules.number_text(n) for n in reg.gaps)))
        if reg.duplicates:
            lines.append("  " + _("Số bị trùng: {numbers}").format(
                numbers=", ".join(rules.number_text(n) for n in reg.duplicates)))
        lines.append("  " + _("Số tiếp theo: {number}").format(number=rules.number_text(reg.next_free)))
        lines.append("")
    return "\n".join(lines)


def final_problems(notices: Iterable[Notice], others: Iterable[tuple[str, ThongBao]]) -> list[Problem]:
    """Return why ``notices`` cannot be issued as finals: blanks, placeholders, a number in use.

    ``notices`` are the notices to issue, with their located data; ``others`` are every
    numbered notice of the content repository, so a number is checked against the whole year
    of the same body [R-NUM-3, T-06].
    """
    out: list[Problem] = []
    used: dict[tuple[str, int, int], list[str]] = defaultdict(list)
    for source, other in others:
        year = notice_year(other)
        if other.so is not None and year is not None:
            used[(body_name(other), year, other.so)].append(source)
    for notice in notices:
        located, model = notice.located, notice.model
        if model.so is None:
            out.append(located.problem(("so",), _("bản chính thức phải có số văn bản"), "R-NUM-8"))
        if model.ngay is None:
            out.append(located.problem(("ngay",), _("bản chính thức phải có ngày ban hành"), "R-DATE-5"))
        out.extend(heading_warnings(located))  # [T-17] reported with any refusal, never one on its own
        for path, text in _strings(located.data, ()):
            found = rules.placeholder(text)
            if found:
                out.append(located.problem(path, _("còn chỗ chưa điền '{text}'").format(text=found)))
        year = notice_year(model)
        if model.so is not None and year is not None:
            me = located.file
            clash = [s for s in used[(body_name(model), year, model.so)] if s != me]
            if clash:
                number = rules.number_text(model.so)
                message = _("số {number} năm {year} đã dùng cho {files}").format(
                    number=number, year=year, files=", ".join(sorted(clash)))
                out.append(located.problem(("so",), message, "R-NUM-3"))
    return out


def _strings(value: Any, path: Path_) -> Iterator[tuple[Path_, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, (*path, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))


def check_final(paths: Sequence[Path]) -> None:
    """Raise ContentError unless every notice under ``paths`` can be issued as a final [issue 4]."""
    notices = load(paths)
    roots = {repository_root(n.source.parent) for n in notices}
    others: dict[Path, ThongBao] = {n.source.resolve(): n.model for n in notices}
    for root in roots:
        folder = root / "content" if (root / "content").is_dir() else root
        # Other broken notices are not this build's business; the register shows them.
        for other in load_notices([folder])[0]:
            others.setdefault(other.source.resolve(), other.model)
    pairs = [(display(path), model) for path, model in others.items()]
    problems = final_problems(notices, pairs)
    if any(not p.warning for p in problems):
        raise ContentError(problems)
