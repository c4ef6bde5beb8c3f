"""Tasks as data: collect the tasks of many notices, their status history, filters and exports.

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
``chua_lam``.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vanban import rules
from vanban.context import build_context
from vanban.errors import ContentError, Problem, UsageError
from vanban.i18n import N_, _
from vanban.loader import Located, Path_
from vanban.model import NhiemVu, ThongBao
from vanban.output import fixed_zip

if TYPE_CHECKING:
    from vanban.build import Notice

#: Status codes as written in YAML, and how they read in listings. The labels are data in
#: CSV/XLSX exports and drafts (always Vietnamese) and msgids for the terminal table.
STATUS_LABELS = {"xong": N_("Đã xong"), "dang_lam": N_("Đang làm"), "chua_lam": N_("Chưa làm")}
OVERDUE_LABEL = N_("quá hạn")
DRAFT_NUMBER = "(dự thảo)"
UPDATES = "cap_nhat_nhiem_vu"

#: Column headers: fixed Vietnamese in CSV/XLSX (stable for spreadsheets and scripts whatever
#: the user's language), translated in the terminal table.
COLUMNS = (N_("Số thông báo"), N_("Ngày thông báo"), N_("Mã"), N_("Đơn vị"), N_("Nhiệm vụ"), N_("Hạn"),
           N_("Trạng thái"), N_("Ngày cập nhật"), N_("Ghi chú"), N_("Tệp"))


# --- identity of notices and units --------------------------------------------------------


def notice_number(notice: ThongBao) -> str:
    """Return the notice's number as cited, ``05/TB-UBND`` [R-NUM-2/6], or ``(dự thảo)`` for a draft."""
    if notice.so is None:
        return DRAFT_NUMBER
    symbol = notice.ky_hieu or rules.ky_hieu("Thông báo", notice.co_quan.viet_tat)
    return f"{rules.number_text(notice.so)}/{symbol}"


def notice_date(notice: ThongBao) -> dt.date | None:
    """Return the date a notice speaks from: its issue date, else (draft) its meeting date."""
    if notice.ngay is not None:
        return notice.ngay
    return notice.cuoc_hop.ngay if notice.cuoc_hop else None


def unit_key(unit: str) -> str:
    """Return the comparison key of a unit name: NFC, case-folded, spaces collapsed."""
    return " ".join(rules.nfc(unit).casefold().split())


def _number_key(ref: str) -> str:
    """Return the comparison key of a cited number: ``5/tb-ubnd`` matches ``05/TB-UBND``."""
    text = "".join(rules.nfc(ref).split()).upper().removeprefix("SỐ:")
    head, sep, tail = text.partition("/")
    return f"{head.lstrip('0') or '0'}{sep}{tail}" if head.isdigit() else text


# --- checks on one notice's raw data (called by validate) ---------------------------------


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
        pair = (_number_key(ref), ma.strip())
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
            out.append(Problem(problem.file, problem.line, problem.col, problem.field, problem.message,
                               problem.rule, warning=True))
    return out


# --- status history across notices --------------------------------------------------------


@dataclass(frozen=True)
class Update:
    """One recorded status of a task: which notice recorded it, when, and the note."""

    stem: str
    so: str
    ngay: dt.date | None
    trang_thai: str
    ghi_chu: str


@dataclass(frozen=True)
class TaskRow:
    """One task of one notice, with its status history from later notices."""

    stem: str
    so: str
    ngay: dt.date | None
    ma: str
    don_vi: str
    text: str
    han: dt.date | None
    history: tuple[Update, ...] = ()

    def last_update(self, as_of: dt.date | None = None) -> Update | None:
        """Return the latest update recorded on or before ``as_of`` (any date when None)."""
        known = [u for u in self.history if as_of is None or u.ngay is None or u.ngay <= as_of]
        return known[-1] if known else None

    def status(self, as_of: dt.date | None = None) -> str:
        """Return the status code on ``as_of``; a task nobody reported on is ``chua_lam``."""
        last = self.last_update(as_of)
        return last.trang_thai if last else "chua_lam"

    def is_open(self, as_of: dt.date | None = None) -> bool:
        """Tell whether the task was not done yet on ``as_of``."""
        return self.status(as_of) != "xong"

    def is_overdue(self, as_of: dt.date) -> bool:
        """Tell whether the task was open on ``as_of`` and its deadline had passed."""
        return self.is_open(as_of) and self.han is not None and self.han < as_of

    def status_label(self, as_of: dt.date | None = None, translated: bool = False) -> str:
        """Return the status as read in a listing: ``Chưa làm``, ``Đang làm – quá hạn`` …

        Vietnamese (data for exports and drafts) unless ``translated`` (the terminal table).
        """
        tr = _ if translated else str
        label = tr(STATUS_LABELS[self.status(as_of)])
        if as_of is not None and self.is_overdue(as_of):
            label += f" – {tr(OVERDUE_LABEL)}"
        return label


def _located_problem(notice: Notice, path: Path_, message: str) -> Problem:
    if notice.located is not None:
        return notice.located.problem(path, message)
    from vanban.build import display
    from vanban.loader import dotted

    return Problem(display(notice.source), 1, 1, dotted(path), message)


def _index(notices: Sequence[Notice]) -> tuple[dict[str, Notice], dict[str, list[Notice]]]:
    by_stem = {n.source.stem: n for n in notices}
    by_number: dict[str, list[Notice]] = {}
    for n in notices:
        if n.model.so is not None:
            by_number.setdefault(_number_key(notice_number(n.model)), []).append(n)
    return by_stem, by_number


def _task_ids(notice: Notice) -> list[str]:
    return [t.ma for t in build_context(notice.model, notice.stem).tasks if t.ma]


def resolve_updates(notices: Sequence[Notice], strict: bool) -> tuple[dict[tuple[str, str], list[Update]],
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
        source_date = notice_date(notice.model)
        for i, item in enumerate(notice.model.cap_nhat_nhiem_vu):
            here: Path_ = (UPDATES, i)
            targets = by_number.get(_number_key(item.thong_bao), [])
            if item.thong_bao in by_stem:
                targets = [by_stem[item.thong_bao]]
            if not targets:
                if strict:
                    problems.append(_located_problem(
                        notice, (*here, "thong_bao"),
                        _("không tìm thấy thông báo '{ref}' trong các tệp đã nạp "
                          "(ghi số, ví dụ '05/TB-UBND', hoặc tên tệp không có đuôi)").format(ref=item.thong_bao)))
                continue
            if len(targets) > 1 and source_date is not None:
                # Numbers restart every year [R-NUM-2]: a notice cannot update one issued after it.
                targets = [t for t in targets if (notice_date(t.model) or dt.date.min) <= source_date] or targets
            if len(targets) > 1:
                names = ", ".join(t.source.stem for t in targets)
                problems.append(_located_problem(
                    notice, (*here, "thong_bao"),
                    _("số '{ref}' trùng ở nhiều thông báo ({names}); hãy ghi tên tệp").format(
                        ref=item.thong_bao, names=names)))
                continue
            target = targets[0]
            if target is notice:
                problems.append(_located_problem(notice, (*here, "thong_bao"),
                                                 _("một thông báo không cập nhật nhiệm vụ của chính nó")))
                continue
            if target.stem not in ids:
                ids[target.stem] = _task_ids(target)
            known = ids[target.stem]
            if item.ma not in known:
                hint = difflib.get_close_matches(item.ma, known, n=1, cutoff=0.6)
                message = _("thông báo {number} ({stem}) không có nhiệm vụ mã '{ma}'").format(
                    number=notice_number(target.model), stem=target.stem, ma=item.ma)
                if hint:
                    message += _("; có phải ý bạn là '{hint}'?").format(hint=hint[0])
                problems.append(_located_problem(notice, (*here, "ma"), message))
                continue
            when = item.ngay or source_date
            target_date = notice_date(target.model)
            if when is not None and target_date is not None and when < target_date:
                problems.append(_located_problem(notice, (*here, "ngay") if item.ngay else here,
                                                 _("ngày cập nhật trước ngày của thông báo được cập nhật")))
                continue
            update = Update(notice.stem, notice_number(notice.model), when, item.trang_thai, item.ghi_chu)
            found.setdefault((target.stem, item.ma), []).append(update)
    return found, problems


def reference_problems(notices: Sequence[Notice]) -> list[Problem]:
    """Return the problems of status updates that point into the loaded notices (for check/build)."""
    return resolve_updates(notices, strict=False)[1]


def _order(update: Update) -> tuple[dt.date, str]:
    return (update.ngay or dt.date.min, update.stem)


def collect(notices: Sequence[Notice]) -> list[TaskRow]:
    """Return every task of ``notices`` with its status history; raise ContentError on a bad reference."""
    updates, problems = resolve_updates(notices, strict=True)
    if problems:
        raise ContentError(problems)
    rows: list[TaskRow] = []
    for notice in sorted(notices, key=lambda n: (notice_date(n.model) or dt.date.min, n.stem)):
        number = notice_number(notice.model)
        for task in build_context(notice.model, notice.stem).tasks:
            history = sorted(updates.get((notice.stem, task.ma), []), key=_order) if task.ma else []
            rows.append(TaskRow(notice.stem, number, notice.model.ngay, task.ma, task.don_vi, task.text,
                                task.han, tuple(history)))
    return rows


def select(rows: Sequence[TaskRow], unit: str | None = None, open_only: bool = False,
           overdue: bool = False, as_of: dt.date | None = None) -> list[TaskRow]:
    """Return the rows of ``unit`` (case/NFC-insensitive), only open or only overdue ones on ``as_of``."""
    if overdue and as_of is None:
        raise UsageError(_("lọc nhiệm vụ quá hạn cần ngày xét (as_of)"))
    key = unit_key(unit) if unit else None
    out = []
    for row in rows:
        if key is not None and unit_key(row.don_vi) != key:
            continue
        if open_only and not row.is_open(as_of):
            continue
        if overdue and as_of is not None and not row.is_overdue(as_of):
            continue
        out.append(row)
    return out


# --- outputs ------------------------------------------------------------------------------


def _cells(row: TaskRow, as_of: dt.date | None, translated: bool = False) -> list[str | dt.date | None]:
    last = row.last_update(as_of)
    return [row.so, row.ngay, row.ma, row.don_vi, row.text, row.han, row.status_label(as_of, translated),
            last.ngay if last else None, last.ghi_chu if last else "", row.stem]


def _text(value: str | dt.date | None) -> str:
    if value is None:
        return ""
    return rules.short_date(value) if isinstance(value, dt.date) else value


def table_text(rows: Sequence[TaskRow], as_of: dt.date | None = None) -> str:
    """Return the rows as an aligned plain-text table; the long task text comes last."""
    order = (0, 1, 3, 2, 5, 6, 4)  # Số, Ngày, Đơn vị, Mã, Hạn, Trạng thái, Nhiệm vụ
    table = [[_(COLUMNS[i]) for i in order]]
    table += [[_text(cells[i]) for i in order] for cells in (_cells(r, as_of, translated=True) for r in rows)]
    widths = [max(len(line[c]) for line in table) for c in range(len(order) - 1)]
    lines = ["  ".join([*(cell.ljust(w) for cell, w in zip(line, widths, strict=False)), line[-1]]).rstrip()
             for line in table]
    lines.insert(1, "  ".join("-" * w for w in [*widths, len(table[0][-1])]))
    lines.append(_("Tổng số: {count} nhiệm vụ.").format(count=len(rows)))
    return "\n".join(lines) + "\n"


def csv_text(rows: Sequence[TaskRow], as_of: dt.date | None = None) -> str:
    """Return the rows as CSV with a header; dates in ISO form (YYYY-MM-DD) for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if v is None else v.isoformat() if isinstance(v, dt.date) else v
                         for v in _cells(row, as_of)])
    return buffer.getvalue()


#: Widest a column grows in the spreadsheet (characters); long task text wraps instead.
_MAX_WIDTH = {"Nhiệm vụ": 80, "Ghi chú": 50, "Đơn vị": 32}
_DATE_FORMAT = "DD/MM/YYYY"


def xlsx_bytes(rows: Sequence[TaskRow], as_of: dt.date | None = None) -> bytes:
    """Return the rows as an .xlsx workbook: real dates, a frozen header, set widths, fixed metadata."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Nhiệm vụ"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(_cells(row, as_of)))
    widths = [len(c) for c in COLUMNS]
    for line in sheet.iter_rows(min_row=2):
        for i, cell in enumerate(line):
            if isinstance(cell.value, dt.date):
                cell.number_format = _DATE_FORMAT
                widths[i] = max(widths[i], 10)
            else:
                widths[i] = max(widths[i], len(str(cell.value or "")))
            cell.alignment = Alignment(vertical="top", wrap_text=COLUMNS[i] in _MAX_WIDTH)
    for i, name in enumerate(COLUMNS):
        sheet.column_dimensions[get_column_letter(i + 1)].width = min(widths[i], _MAX_WIDTH.get(name, 40)) + 2
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    # Fixed metadata from the content, never the clock, so equal input gives equal bytes.
    days = [d for r in rows for d in (r.ngay, *(u.ngay for u in r.history)) if d is not None]
    stamp = dt.datetime.combine(max(days, default=dt.date(2000, 1, 1)), dt.time(0, 0))
    book.properties.creator = "vanban"
    book.properties.created = stamp
    book.properties.lastModifiedBy = "vanban"
    buffer = io.BytesIO()
    book.save(buffer)
    book.properties.modified = stamp  # openpyxl stamps "now" while saving; rewrite it below
    return fixed_zip(buffer.getvalue(), {"docProps/core.xml": _core_xml(book)})


def _core_xml(book: Any) -> bytes:
    from openpyxl.xml.functions import tostring

    data: bytes = tostring(book.properties.to_tree())
    return data




# --- per-unit extract ---------------------------------------------------------------------


def extract(notice: ThongBao, unit: str) -> ThongBao:
    """Return the notice reduced to the tasks of ``unit``: same header, signer and recipients.

    Raise UsageError when the notice gives that unit no task (the message lists the units).
    """
    tasks = build_context(notice, "extract").tasks
    mine = [t for t in tasks if unit_key(t.don_vi) == unit_key(unit)]
    if not mine:
        units = sorted({t.don_vi for t in tasks if t.don_vi}, key=unit_key)
        raise UsageError(_("thông báo không giao nhiệm vụ nào cho '{unit}'; các đơn vị: {units}").format(
            unit=unit, units="; ".join(units)))
    name = mine[0].don_vi  # the unit as the notice writes it, not as typed on the command line
    number = notice_number(notice)
    short = "dự thảo Thông báo" if notice.so is None else f"Thông báo số {number}"
    cited = f"{short} ngày {rules.short_date(notice.ngay)}" if notice.ngay is not None else short
    subject = rules.collapse_spaces(" ".join(notice.trich_yeu))
    body = tuple(NhiemVu(nhiem_vu=t.text, don_vi=t.don_vi, han=t.han, ma=t.ma) for t in mine)
    return notice.model_copy(update={
        "trich_yeu": (f"Trích {short} – nhiệm vụ giao {name}",),
        # R-BODY-8: cite the source document by type, number, date and subject.
        "mo_dau": (f"Trích {cited} về “{subject}”, nhiệm vụ giao {name} như sau:",),
        "noi_dung": body,
        "ket_thuc": (),
        UPDATES: (),
    })


def render_extract(notice: ThongBao, stem: str, unit: str, fmt: str, templates: Path | None = None) -> bytes:
    """Render the extract of ``unit`` from ``notice`` as ``pdf`` or ``docx`` bytes, like the notice."""
    from vanban.build import renderers
    from vanban.templates import search_path

    ctx = build_context(extract(notice, unit), stem)
    return renderers([fmt])[fmt](ctx, search_path(templates))
