"""The Giấy mời (Mẫu 1.7): an invitation to a meeting, its time and place as real values.

Why here: what a giấy mời adds to the frame is its body's fixed shape [R-GM-1] — "<body>
trân trọng kính mời: …", "Tới dự …", then the labelled lines Chủ trì, Thời gian and Địa điểm
and the points to note — written from the meeting's data, so the day of the week is always
the date's own [R-GM-2] and the invitation and the conclusions that follow it describe the
same meeting (``cuoc_hop``, with the office profile's defaults).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, ClassVar, Literal

from vanban.errors import Problem
from vanban.i18n import N_, _
from vanban.pipeline import inline, rules
from vanban.pipeline.kinds.base import Cells, Kind, all_but, paragraphs
from vanban.pipeline.loader import Located
from vanban.pipeline.model import CuocHop, Date, Frame, Lines, OptText, ParaLines, Text, Time
from vanban.pipeline.raw import as_date, as_time, get, strings


class Hop(CuocHop):
    """The meeting an invitation convenes: its day, time and place are required, the rest optional.

    It may say when it ends: a time the same day (``gio_ket_thuc``), or a later day and time
    (``ngay_ket_thuc`` with ``gio_ket_thuc``) for a meeting over several days [R-GM-2].
    """

    ngay: Date
    gio: Time
    dia_diem: Text
    gio_ket_thuc: Time | None = None
    ngay_ket_thuc: Date | None = None

    @property
    def when(self) -> str:
        """Return the Thời gian line's words: the start, and the end when it is given [R-GM-2]."""
        return rules.meeting_time(self.ngay, self.gio, self.gio_ket_thuc, self.ngay_ket_thuc)


class GiayMoi(Frame):
    """A Giấy mời: whom it invites, to which meeting (when, where, who chairs), and what to note."""

    TYPE_NAME: ClassVar[str] = "Giấy mời"

    loai: Literal["giay_moi"] = "giay_moi"
    cuoc_hop: Hop
    kinh_moi: Lines = ()  # the invitees; default: the meeting's thanh_phan
    toi_du: OptText = ""  # "Tới dự …"; default: the meeting's name and organiser
    luu_y: ParaLines = ()  # the points to note, after the place

    def own_date(self) -> dt.date | None:
        """Return the meeting's date (a draft's year comes from it)."""
        return self.cuoc_hop.ngay

    @property
    def invitees(self) -> tuple[str, ...]:
        """Return whom the invitation invites: ``kinh_moi``, else the meeting's attendees."""
        return self.kinh_moi or self.cuoc_hop.thanh_phan


def _sentence(text: str) -> str:
    """Return ``text`` with its first letter capitalised, as it opens a sentence."""
    return text[:1].upper() + text[1:]


def _ended(text: str) -> str:
    """Return ``text`` ending with one period."""
    return text.rstrip(" .;:") + "."


def _event(letter: GiayMoi) -> str:
    """Return what the invitation invites to: ``toi_du``, else the meeting's name and organiser."""
    meeting = letter.cuoc_hop
    organiser = f"của {meeting.don_vi_to_chuc}" if meeting.don_vi_to_chuc else ""
    return letter.toi_du.removeprefix("Tới dự").strip() or " ".join(
        part for part in (meeting.name, organiser) if part)


def body(letter: GiayMoi) -> list[str]:
    """Return the invitation's paragraphs in Mẫu 1.7's order [R-GM-1]."""
    meeting = letter.cuoc_hop
    host = _sentence(rules.collapse_spaces(meeting.don_vi_to_chuc))
    invitees = letter.invitees
    if len(invitees) == 1:
        out = [f"{host} trân trọng kính mời: {rules.clean_recipient(invitees[0])}"]
    else:
        out = [f"{host} trân trọng kính mời:", *rules.kinh_gui_items(invitees)]
    out.append(_ended(f"Tới dự {_event(letter)}"))
    if meeting.noi_dung:
        out.append(_ended(f"Nội dung: {meeting.agenda}"))
    if meeting.chair:
        out.append(f"Chủ trì: {meeting.chair}.")
    out.append(f"Thời gian: {meeting.when}.")  # R-GM-2
    out.append(_ended(f"Địa điểm: {meeting.dia_diem}"))
    return [rules.collapse_spaces(x) for x in out]


def facts(letter: GiayMoi) -> dict[str, str]:
    """Return what an invitation says, by label, for ``vanban diff`` ("Địa điểm: A → B")."""
    meeting = letter.cuoc_hop
    chair = f"{meeting.chu_tri.ho_ten} - {meeting.chu_tri.chuc_vu}" if meeting.chu_tri else ""
    return {N_("Kính mời"): "; ".join(rules.clean_recipient(x) for x in letter.invitees),
            N_("Tới dự"): _event(letter), N_("Chủ trì"): chair,
            N_("Thời gian"): meeting.when,
            N_("Địa điểm"): meeting.dia_diem, N_("Lưu ý"): " ".join(inline.plain_inline(t).plain for t in letter.luu_y)}


def cells(letter: GiayMoi) -> Cells:
    """Return what a giấy mời puts in the frame: its paragraphs, then the points to note (no numbered body)."""
    return Cells(opening=paragraphs(body(letter)), closing=paragraphs(letter.luu_y))


def problems(located: Located, data: Any) -> list[Problem]:
    """Return the problems of an invitation's own parts: who invites, whom, and a meeting after its issue."""
    out: list[Problem] = []
    meeting = get(data, "cuoc_hop")
    if isinstance(meeting, dict) and get(meeting, "don_vi_to_chuc") in (None, ""):
        problem = located.problem(("cuoc_hop",), _("thiếu '{field}' để viết '… trân trọng kính mời'").format(
            field="cuoc_hop.don_vi_to_chuc"), "R-GM-1")
        out.append(dataclasses.replace(problem, field="cuoc_hop.don_vi_to_chuc"))
    if not strings(get(data, "kinh_moi")) and not strings(get(data, "cuoc_hop", "thanh_phan")):
        problem = located.problem(("kinh_moi",) if "kinh_moi" in (data or {}) else (), _(
            "giấy mời cần người được mời: ghi 'kinh_moi' (hoặc 'cuoc_hop.thanh_phan')"), "R-GM-1")
        out.append(dataclasses.replace(problem, field="kinh_moi"))
    issued, day = as_date(get(data, "ngay")), as_date(get(meeting, "ngay"))
    if issued and day and issued > day:
        out.append(located.problem(("ngay",), _("giấy mời ban hành sau ngày họp ({day})").format(
            day=rules.short_date(day)), "R-DATE-1"))
    return out + _end_problems(located, meeting)


def _end_problems(located: Located, meeting: Any) -> list[Problem]:
    """Return the problems of when the meeting ends: a day needs its time, and the end comes after the start."""
    end_day, end_time = get(meeting, "ngay_ket_thuc"), get(meeting, "gio_ket_thuc")
    if end_day is not None and end_time is None:
        return [located.problem(("cuoc_hop", "ngay_ket_thuc"), _(
            "có ngày kết thúc thì ghi cả giờ kết thúc, ví dụ 'gio_ket_thuc: \"17:00\"'"), "R-GM-2")]
    day, start, until = as_date(get(meeting, "ngay")), as_time(get(meeting, "gio")), as_time(end_time)
    until_day = day if end_day is None else as_date(end_day)
    if day is None or start is None or until is None or until_day is None:
        return []  # nothing to compare, or the model says what is malformed
    if dt.datetime.combine(until_day, until) > dt.datetime.combine(day, start):
        return []
    where = "ngay_ket_thuc" if until_day < day else "gio_ket_thuc"
    return [located.problem(("cuoc_hop", where), _("cuộc họp kết thúc ({end}) phải sau lúc bắt đầu ({start})").format(
        end=_moment(until_day, until), start=_moment(day, start)), "R-GM-2")]


def _moment(day: dt.date, at: dt.time) -> str:
    return f"{at.hour:02d} giờ {at.minute:02d} phút ngày {rules.short_date(day)}"


def warnings(located: Located, data: Any) -> list[Problem]:
    """Warn about a meeting on a Saturday or Sunday: allowed, rarely meant [R-GM-2]."""
    day = as_date(get(data, "cuoc_hop", "ngay"))
    if day is None or day.weekday() < 5:
        return []
    problem = located.problem(("cuoc_hop", "ngay"), _("cuộc họp vào {weekday}, ngày {day}").format(
        weekday=rules.weekday(day), day=rules.short_date(day)), "R-GM-2")
    return [dataclasses.replace(problem, warning=True)]


KIND = Kind("giay_moi", GiayMoi, cells, problems, has_tasks=False, facts=facts, warnings=warnings,
            texts=(("kinh_moi", None), ("toi_du", None), ("luu_y", inline.PARAGRAPH)),
            keys=all_but("noi_nhan"))  # its invitees ("Như thành phần mời"), not the notices' list
