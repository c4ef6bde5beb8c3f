"""The Giấy mời (Mẫu 1.7): an invitation to a meeting, its time and place as real values.

Why here: what a giấy mời adds to the frame is its body's fixed shape [R-GM-1] — "<body>
trân trọng kính mời: …", "Tới dự …", then the labelled lines Chủ trì, Thời gian and Địa điểm
and the points to note — written from the meeting's data, so the day of the week is always
the date's own [R-GM-2] and the invitation and the conclusions that follow it describe the
same meeting (``cuoc_hop``, with the office profile's defaults).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Literal

import yaml

from vanban.errors import Problem
from vanban.i18n import N_, _
from vanban.pipeline import inline, rules
from vanban.pipeline.drafting import CARRIED_MEETING, add_month, next_name, shift
from vanban.pipeline.kinds.base import Cells, Drafted, Drafting, Kind, Start, all_but, as_warning, at_field, paragraphs
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
        out.append(at_field(problem, "cuoc_hop.don_vi_to_chuc"))
    if not strings(get(data, "kinh_moi")) and not strings(get(data, "cuoc_hop", "thanh_phan")):
        problem = located.problem(("kinh_moi",) if "kinh_moi" in (data or {}) else (), _(
            "giấy mời cần người được mời: ghi 'kinh_moi' (hoặc 'cuoc_hop.thanh_phan')"), "R-GM-1")
        out.append(at_field(problem, "kinh_moi"))
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
    return [as_warning(problem)]


#: Keys of the latest invitation that the next one carries over unchanged.
CARRIED_INVITATION = ("co_quan", "kinh_moi", "luu_y", "nguoi_ky", "noi_nhan", "luu")
#: What an invitation sent after a meeting's conclusions (not after another invitation) lists as recipients.
INVITED = "Như thành phần mời"
#: The hour a meeting starts when neither the profile nor the last invitation says (the author checks it).
DEFAULT_TIME = "08:00"


def has_meeting(model: Frame) -> bool:
    """Tell whether a document describes a dated meeting (an invitation, a meeting's conclusions): one to follow."""
    return isinstance(getattr(model, "cuoc_hop", None), CuocHop) and model.own_date() is not None


def draft(start: Start) -> Drafted:
    """Write the draft Giấy mời of next month's meeting.

    It starts from the latest invitation (its invitees, notes, signer and recipients carried)
    or, before the first one, from the latest document about a meeting (its conclusions); the
    meeting's place, time, chair and attendees come from the profile's meeting defaults
    unless the invitation it follows gave its own [R-GM-1].
    """
    old, model = start.latest.data, start.latest.model
    merged = getattr(model, "cuoc_hop", None)  # with the profile's defaults
    assert isinstance(merged, CuocHop)
    old_day = model.own_date()
    assert old_day is not None  # every document it starts from has its meeting's date
    day = start.meeting or add_month(old_day)
    moved = start.meeting is None and day.weekday() >= 5
    if moved:  # a month later may fall on a weekend: the working day after [R-GM-2]
        day += dt.timedelta(days=7 - day.weekday())
    start.check_day(day)
    own: dict[str, Any] = old["cuoc_hop"] if isinstance(old.get("cuoc_hop"), dict) else {}
    again = isinstance(model, GiayMoi)  # after an invitation, not after a meeting's conclusions
    new: dict[str, Any] = {"loai": "giay_moi"}
    if again:
        new |= {k: shift(old[k], old_day, day) for k in CARRIED_INVITATION if k in old}
        new["trich_yeu"] = shift(old.get("trich_yeu"), old_day, day)
    else:
        new |= {k: old[k] for k in ("co_quan", "nguoi_ky", "luu") if k in old}
        new["trich_yeu"] = f"Dự {merged.name} tháng {day:%m} năm {day.year}"
        new["noi_nhan"] = [INVITED]
    meeting_data = {k: own[k] for k in (*CARRIED_MEETING, "gio") if k in own and (again or k != "noi_dung")}
    meeting_data.pop("nghe", None)  # what a conclusion says it heard: no invitation prints it
    new["cuoc_hop"] = {"ngay": day.isoformat(), **meeting_data, "noi_dung": ["[Nội dung họp]"]}
    if isinstance(model, GiayMoi) and model.cuoc_hop.gio_ket_thuc is not None:  # its end, a day later if it was
        new["cuoc_hop"]["gio_ket_thuc"] = own.get("gio_ket_thuc")
        if model.cuoc_hop.ngay_ket_thuc is not None:
            new["cuoc_hop"]["ngay_ket_thuc"] = (day + (model.cuoc_hop.ngay_ket_thuc - old_day)).isoformat()
    guessed = merged.gio is None
    if guessed:
        new["cuoc_hop"]["gio"] = DEFAULT_TIME
    # What the invitation prints and neither the profile nor the last document gives: a blank to fill in.
    for key, blank in (("dia_diem", "[Địa điểm]"), ("don_vi_to_chuc", "[Cơ quan mời]")):
        if not getattr(merged, key):
            new["cuoc_hop"][key] = blank
    if not new.get("kinh_moi") and not merged.thanh_phan:
        new["kinh_moi"] = ["[Thành phần mời]"]
    order = ("loai", "co_quan", "trich_yeu", "cuoc_hop", "kinh_moi", "luu_y", "nguoi_ky", "noi_nhan", "luu")
    new = {k: new[k] for k in order if k in new}
    body = yaml.safe_dump(new, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    header = (f"# Dự thảo giấy mời tạo bởi `vanban new --kind giay_moi` từ {start.latest.path.name}: chưa có số và "
              "ngày ban hành;\n# điền các chỗ [ … ] rồi `vanban build`; `vanban issue` cấp số khi ban hành.\n")
    if guessed:
        header += f"# Giờ họp {DEFAULT_TIME} là giờ mặc định (vanban.yaml chưa có cuoc_hop.gio): hãy kiểm tra.\n"
    if moved:
        header += (f"# Một tháng sau cuộc họp trước là ngày nghỉ: ngày họp dời sang {rules.weekday(day)} "
                   f"{day:%d/%m/%Y}.\n")
    path = start.latest.path
    target = next_name(path, day, "giay-moi") if again else path.parent / f"{day:%Y-%m}-giay-moi.yaml"
    return Drafted(header + body, target)


DRAFTING = Drafting(help=N_("giấy mời họp"), sources=N_("giấy mời hay thông báo kết luận"), starts_from=has_meeting,
                    write=draft, prefers=lambda model: isinstance(model, GiayMoi))

KIND = Kind("giay_moi", GiayMoi, cells, problems, has_tasks=False, facts=facts, warnings=warnings,
            texts=(("kinh_moi", None), ("toi_du", None), ("luu_y", inline.PARAGRAPH)),
            keys=all_but("noi_nhan"), drafting=DRAFTING)  # its invitees ("Như thành phần mời"), not the notices'
