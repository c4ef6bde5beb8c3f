"""The Thông báo (Mẫu 1.4): a meeting's conclusions, or a general notice with an opening of its own.

Why here: what a Thông báo adds to the frame is its tên loại line and a body written as
numbered sections and items; a meeting's conclusions open with the paragraphs vanban writes
from the meeting (§15), a general notice (``mau: chung``: holidays, a change of venue) with
its author's own.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from vanban.errors import Problem
from vanban.i18n import _
from vanban.pipeline import rules
from vanban.pipeline.inline import Inline
from vanban.pipeline.kinds.base import Cells, Kind, paragraphs
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
            out.append(dataclasses.replace(problem, field=f"cuoc_hop.{key}"))
    return out


def keys(model: type[Frame], data: Any) -> frozenset[str]:
    """Return what a Thông báo takes from the profile: all but the meeting when it is a general notice."""
    fields = frozenset(model.model_fields)
    return fields - {"cuoc_hop"} if get(data, "mau") == "chung" else fields


KIND = Kind("thong_bao", ThongBao, cells, problems, keys=keys)
