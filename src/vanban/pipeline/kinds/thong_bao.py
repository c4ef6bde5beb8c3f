"""The Thông báo (Mẫu 1.4): a meeting's conclusions, or a general notice with an opening of its own.

Why here: what a Thông báo adds to the frame is its tên loại line and a body written as
numbered sections and items; a meeting's conclusions open with the paragraphs vanban writes
from the meeting (§15), a general notice (``mau: chung``: holidays, a change of venue) with
its author's own.
"""

from __future__ import annotations

from typing import Any

import yaml

from vanban.errors import Problem, UsageError
from vanban.i18n import N_, _
from vanban.pipeline import rules
from vanban.pipeline.drafting import CARRIED_MEETING, add_month, next_name, shift
from vanban.pipeline.inline import Inline
from vanban.pipeline.kinds.base import Cells, Drafted, Drafting, Kind, Start, at_field, paragraphs
from vanban.pipeline.loader import Located
from vanban.pipeline.model import Frame, ThongBao
from vanban.pipeline.raw import as_date, get


def cells(notice: ThongBao) -> Cells:
    """Return what a Thông báo puts in the frame: its opening, numbered body and closing."""
    return Cells(opening=paragraphs(opening(notice)), nodes=notice.noi_dung,
                 closing=paragraphs(notice.ket_thuc), trinh_bay=notice.trinh_bay)


def opening(notice: ThongBao) -> list[Inline | str]:
    """Write the opening paragraphs from the meeting data, unless ``mo_dau`` gives them (§15)."""
    if notice.mo_dau:
        return list(notice.mo_dau)
    meeting = notice.cuoc_hop
    if meeting is None or meeting.ngay is None or meeting.chu_tri is None:
        return []  # nothing to write from (validation asks for the meeting's date and chair)
    name, chair = meeting.name, meeting.chair
    where = f", tại {meeting.dia_diem}" if meeting.dia_diem else ""
    first = (
        f"Ngày {rules.short_date(meeting.ngay)}{where}, {meeting.don_vi_to_chuc} tổ chức {name} "
        f"dưới sự chủ trì của {chair}."
    )
    if meeting.thanh_phan:
        first += f" Tham dự {meeting.hinh_thuc} có {', '.join(meeting.thanh_phan)}."
    if meeting.noi_dung:
        first += (f" Tại {meeting.hinh_thuc}, {meeting.don_vi_to_chuc} đã nghe và cho ý kiến các nội dung: "
                  f"{meeting.agenda}.")
    second = (
        f"Sau khi nghe {meeting.nghe}, ý kiến phát biểu của các đại biểu tham dự {meeting.hinh_thuc}, "
        f"{chair} kết luận:"
    )
    return [rules.collapse_spaces(first), rules.collapse_spaces(second)]


def problems(located: Located, data: Any) -> list[Problem]:
    """Return the problems of a Thông báo's own parts: the meeting a conclusion reports on, or none in a general one."""
    if get(data, "mau") == "chung":
        if get(data, "cuoc_hop") is not None:
            return [located.problem(("cuoc_hop",), _("thông báo chung (mau: chung) không có 'cuoc_hop'; viết đoạn "
                                                     "mở đầu trong 'mo_dau'"), at_key=True)]
        return []
    out: list[Problem] = []
    issued = as_date(get(data, "ngay"))
    meeting = as_date(get(data, "cuoc_hop", "ngay"))
    if issued and meeting and issued < meeting:
        out.append(located.problem(("ngay",), _("ngày ban hành trước ngày cuộc họp"), "R-DATE-1"))
    out.extend(_meeting_problems(located, data))
    return out


def _meeting_problems(located: Located, data: Any) -> list[Problem]:
    """Ask for the meeting's date, organiser and chair when vanban writes the opening from them (§15)."""
    meeting = get(data, "cuoc_hop")
    if not isinstance(meeting, dict) or get(data, "mo_dau") not in (None, "", []):
        return []
    out = []
    for key in ("ngay", "don_vi_to_chuc", "chu_tri"):
        if meeting.get(key) in (None, ""):
            problem = located.problem(("cuoc_hop",), _("thiếu '{field}' để viết đoạn mở đầu (hoặc tự viết "
                                                       "đoạn mở đầu trong 'mo_dau')").format(field=f"cuoc_hop.{key}"))
            out.append(at_field(problem, f"cuoc_hop.{key}"))
    return out


def keys(model: type[Frame], data: Any) -> frozenset[str]:
    """Return what a Thông báo takes from the profile: all but the meeting when it is a general notice."""
    fields = frozenset(model.model_fields)
    return fields - {"cuoc_hop"} if get(data, "mau") == "chung" else fields


#: Keys of the latest notice that the next one carries over unchanged.
CARRIED = ("loai", "co_quan", "nguoi_ky", "noi_nhan", "luu")


def is_conclusion(model: Frame) -> bool:
    """Tell whether a document is a meeting's conclusions: what next month's notice follows."""
    return isinstance(model, ThongBao) and model.mau == "ket_luan"


def draft(start: Start) -> Drafted:
    """Write next month's notice from the latest conclusions: carried signer and recipients, the open tasks.

    ``start.tasks`` are the tasks of the chain of notices still open on ``start.as_of``
    (``commands.tasks.TaskRow``); they prefill the section that reports on the tasks given, each
    with the notice it came from. The meeting is named as the latest one was ("phiên họp").
    """
    latest, old = start.latest, start.latest.data
    model = latest.model
    assert isinstance(model, ThongBao)
    kind = model.cuoc_hop.hinh_thuc if model.cuoc_hop else "cuộc họp"
    written = get(old, "cuoc_hop", "ngay")
    old_day = as_date(str(written)) if written is not None else None
    day = start.meeting or (add_month(old_day) if old_day else None)
    if day is None:
        raise UsageError(_("không xác định được ngày họp; hãy cho --meeting-date năm-tháng-ngày, ví dụ 2026-11-27"))
    start.check_day(day)
    new: dict[str, Any] = {k: old[k] for k in CARRIED if k in old}
    if isinstance(old.get("trich_yeu"), str | list):
        new["trich_yeu"] = shift(old["trich_yeu"], old_day, day)
    meeting_data: dict[str, Any] = old["cuoc_hop"] if isinstance(old.get("cuoc_hop"), dict) else {}
    previous = f"{kind} tháng {old_day:%m/%Y}" if old_day else f"{kind} trước"
    new["cuoc_hop"] = {"ngay": day.isoformat(), **{k: meeting_data[k] for k in CARRIED_MEETING if k in meeting_data}}
    new["cuoc_hop"]["noi_dung"] = [f"Kết quả thực hiện nhiệm vụ giao tại {previous}", "[Nội dung họp]"]
    review: list[Any] = ["[Đánh giá chung kết quả thực hiện nhiệm vụ]"]
    by_unit: dict[str, list[Any]] = {}
    for task in start.tasks:
        notes = [task.source, *([f"hạn {rules.short_date(task.han)}"] if task.han else []),
                 task.status_label(start.as_of).lower()]
        by_unit.setdefault(task.don_vi or "Các đơn vị", []).append(
            {"gach": f"{task.text.rstrip(' .;')} ({'; '.join(notes)})."})
    review += [{"khoan": unit, "noi_dung": items} for unit, items in by_unit.items()]
    new["noi_dung"] = [
        {"muc": f"Kết quả thực hiện nhiệm vụ giao tại {previous}", "noi_dung": review},
        {"muc": f"Nhiệm vụ trọng tâm tháng {add_month(day):%m/%Y}", "noi_dung": ["[Nội dung kết luận]"]},
    ]
    if "ket_thuc" in old:
        new["ket_thuc"] = shift(old["ket_thuc"], old_day, day)
    order = ("loai", "co_quan", "trich_yeu", "cuoc_hop", "noi_dung", "ket_thuc", "nguoi_ky", "noi_nhan", "luu")
    new = {k: new[k] for k in order if k in new}
    body = yaml.safe_dump(new, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    name = latest.path.name
    header = (
        f"# Dự thảo tạo bởi `vanban new` từ {name}: chưa có số và ngày ban hành;\n"
        "# điền các chỗ [ … ] rồi `vanban build`; `vanban build --final` từ chối bản còn chỗ trống.\n"
        f"# Nhiệm vụ chưa xong của mọi thông báo đến {name}. {start.as_of_line}\n"
    )
    return Drafted(header + body, next_name(latest.path, day, "thong-bao"))


# Next month's notice follows a meeting's conclusions (not a công văn, an invitation or a general notice).
DRAFTING = Drafting(help=N_("thông báo kết luận"), sources=N_("thông báo kết luận"), starts_from=is_conclusion,
                    write=draft, tasks=True)

KIND = Kind("thong_bao", ThongBao, cells, problems, keys=keys, drafting=DRAFTING)
