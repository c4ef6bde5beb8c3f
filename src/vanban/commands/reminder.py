"""Draft the Công văn đôn đốc: the letter that chases the units whose tasks are late, from the register of tasks.

Why: the tasks each notice gives are data (``vanban tasks``), so the reminder a clerk used to
type by hand — addressed to the units with overdue tasks, each task cited with the notice it
came from and its deadline — is written from them, in the office's own words (``don_doc`` in
vanban.yaml), as a draft công văn that passes ``check`` and builds at once [R-EL-9a, R-NN-4,
R-BODY-8].
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from vanban.commands.scaffold import write_draft
from vanban.commands.tasks import TaskRow, collect, select
from vanban.pipeline import kinds, rules
from vanban.pipeline.loader import load_file
from vanban.pipeline.notice import Notice, load
from vanban.pipeline.profile import DonDoc, find_entry, load_profile
from vanban.pipeline.status import unit_key
from vanban.repo import display

#: Where a task no unit answers for is listed (a reminder cannot address it).
NO_UNIT = "Các đơn vị liên quan"
#: The reminder is a Công văn by definition (a letter with a Kính gửi, "V/v …" under the number): the one
#: place a command names a kind, asked of the registry so that it cannot name one vanban does not write.
LETTER = kinds.KINDS["cong_van"]


def office_reminder(start: Path) -> DonDoc:
    """Return the office's reminder settings (``don_doc`` in the profile governing ``start``), or the defaults."""
    path = find_entry(start)
    located = load_profile(path, display(path))[0] if path is not None and path.is_file() else None
    data = located.data.get("don_doc") if located is not None and isinstance(located.data, dict) else None
    return DonDoc.model_validate(data) if isinstance(data, dict) else DonDoc()


def _escaped(text: str) -> str:
    """Return text to be read back as plain words: a "^" of the inline grammar doubled (docs/inline.md)."""
    return text.replace("^", "^^")


def _cited(row: TaskRow, types: dict[str, str]) -> str:
    """Return where a task was given, "Thông báo số 05/TB-UBND ngày 02/01/2024" [R-BODY-8]."""
    kind = types.get(row.stem, kinds.KINDS[kinds.DEFAULT].name)
    if row.ngay is None or row.so.startswith("("):
        return f"dự thảo {kind.lower()} {row.stem}"  # data in the office's repository: always Vietnamese
    return f"{kind} số {row.so} ngày {rules.short_date(row.ngay)}"


def _line(row: TaskRow, types: dict[str, str]) -> str:
    """Return one overdue task as the letter lists it: its words, then where it came from and its deadline."""
    due = row.deadline.phrase if row.deadline is not None else ""
    source = _cited(row, types) + (f"; thời hạn: {due}" if due else "")
    return f"{_escaped(row.text.rstrip(' .;:'))} ({_escaped(source)})."


def letter(notices: Sequence[Notice], rows: Sequence[TaskRow], as_of: dt.date, office: DonDoc) -> dict[str, Any]:
    """Return the reminder letter's YAML data: addressed to the units of ``rows``, listing each task by unit.

    The issuing body, Lưu and signer come from the profile; where the profile lacks them, from
    the latest notice the tasks came from.
    """
    by_unit: dict[str, tuple[str, list[TaskRow]]] = {}
    for row in rows:
        for unit in row.lead or (NO_UNIT,):
            by_unit.setdefault(unit_key(unit), (unit, []))[1].append(row)
    types = {n.stem: n.model.TYPE_NAME for n in notices}
    body: list[Any] = [_escaped(office.mo_dau.format(ngay=rules.short_date(as_of)))]
    body += [{"khoan": _escaped(unit), "tieu_de": "co", "noi_dung": [{"gach": _line(r, types)} for r in tasks]}
             for unit, tasks in by_unit.values()]
    due = as_of + dt.timedelta(days=office.han_ngay)
    data: dict[str, Any] = {"loai": LETTER.loai, "du_thao": {"thang": f"{as_of:%Y-%m}"}}
    latest = _latest(notices, {r.stem for r in rows})
    for key in ("co_quan", "luu"):
        if key in latest:
            data[key] = latest[key]
    if office.don_vi_soan_thao:
        data["don_vi_soan_thao"] = office.don_vi_soan_thao
    data |= {
        "trich_yeu": office.trich_yeu,
        "kinh_gui": [unit for unit, _tasks in by_unit.values() if unit != NO_UNIT] or [NO_UNIT],
        "noi_dung": body,
        "ket_thuc": _escaped(office.ket_thuc.format(ngay=rules.short_date(as_of), han=rules.short_date(due))),
        "nguoi_ky": office.nguoi_ky or latest.get("nguoi_ky"),
        "noi_nhan": list(office.noi_nhan),  # written even when empty: not the profile's notice recipients
    }
    return {k: v for k, v in data.items() if v is not None}


def _latest(notices: Sequence[Notice], stems: set[str]) -> dict[str, Any]:
    """Return the raw data of the latest notice the tasks came from (what the letter carries over).

    A Thông báo (the default kind, what gives tasks) first: its issuing body, Lưu and signer.
    """
    notice = kinds.KINDS[kinds.DEFAULT].model
    sources = [n for n in notices if n.stem in stems and isinstance(n.model, notice)] or list(notices)
    latest = max(sources, key=lambda n: (n.model.reference_date or dt.date.min, n.stem))
    located, _problems = load_file(latest.source)
    return located.data if located is not None and isinstance(located.data, dict) else {}


def draft(paths: Sequence[Path], as_of: dt.date, out: Path | None) -> tuple[Path | None, int]:
    """Write the draft reminder of the tasks overdue on ``as_of``; return its path (None: nothing is late) and count.

    Raise UsageError when ``out`` exists already.
    """
    notices = load(paths)
    rows = select(collect(notices), overdue=True, as_of=as_of)
    if not rows:
        return None, 0
    folder = paths[0] if len(paths) == 1 and paths[0].is_dir() else notices[0].source.parent
    office = office_reminder(folder)
    data = letter(notices, rows, as_of, office)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    header = (f"# Công văn đôn đốc tạo bởi `vanban remind --as-of {as_of.isoformat()}` từ {len(rows)} nhiệm vụ quá "
              "hạn: dự thảo, chưa có số và ngày ban hành.\n"
              "# Lời mở đầu và kết thúc lấy từ mục don_doc của vanban.yaml; sửa được ở đây trước khi ban hành.\n")
    target = out or folder / f"{as_of.isoformat()}-cong-van-don-doc.yaml"
    return write_draft(target, header + text, LETTER.loai), len(rows)
