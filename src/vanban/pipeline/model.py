"""The typed, frozen content model of a notice, in the content authors' own vocabulary.

Why: YAML keys are the authors' words (``trich_yeu``, ``noi_nhan``, ``nguoi_ky``); the same
names go through the model, the context and the templates. Every model is frozen and
forbids unknown keys; every scalar arrives as a string and is converted here explicitly.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    StringConstraints,
    Tag,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from vanban.i18n import N_, _
from vanban.pipeline import deadlines, inline, rules
from vanban.pipeline.deadlines import Deadline
from vanban.pipeline.inline import Inline
from vanban.pipeline.raw import as_time

#: How a draft's number reads where a number is cited (task lists, diffs).
DRAFT_NUMBER = "(dự thảo)"

#: Node kinds of the body, each written as the one key that names it.
NODE_KINDS = ("muc", "khoan", "diem", "gach", "cong", "nhiem_vu")

#: A required, non-blank piece of text.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
#: An optional piece of text (may be empty).
OptText = Annotated[str, StringConstraints(strip_whitespace=True)]


def _lines(value: Any) -> Any:
    """Accept one string where a list of lines is expected; a blank one is an empty list.

    Why blank → empty: ``noi_nhan:`` with nothing after it must read "danh sách không được
    rỗng" at the field, not "không được để trống" at an item ``[0]`` the author never wrote.
    """
    if isinstance(value, str):
        return [value] if value.strip() else []
    return value


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: A date as Vietnamese offices write it on paper: "05/03/2024", "5-3-2024", "05.03.2024".
_PAPER_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def _date(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("vb_date_type", _("ngày phải viết dạng năm-tháng-ngày, ví dụ '2026-11-27'"))
    text = value.strip()
    if not _ISO_DATE.match(text):
        paper = _PAPER_DATE.match(text)
        try:
            meant = dt.date(int(paper[3]), int(paper[2]), int(paper[1])) if paper else None
        except ValueError:
            meant = None
        if meant is not None:  # the day-month-year of paper: say what to write instead
            raise PydanticCustomError("vb_date_format", _(
                "ngày '{value}' phải viết dạng năm-tháng-ngày: '{iso}'"), {"value": text, "iso": meant.isoformat()})
        raise PydanticCustomError("vb_date_format", _(
            "ngày '{value}' phải viết dạng năm-tháng-ngày, ví dụ '2026-11-27'"), {"value": text})
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise PydanticCustomError("vb_date_impossible", _("ngày '{value}' không tồn tại"), {"value": text}) from None


def _time(value: Any) -> Any:
    """Read a time of day written ``"14:00"`` (24-hour clock), as an invitation prints it."""
    if isinstance(value, dt.time):
        return value
    found = as_time(value)
    if found is None:
        raise PydanticCustomError("vb_time", _("giờ phải viết dạng HH:MM (24 giờ), ví dụ '14:00'"))
    return found


def _positive_int(value: Any) -> Any:
    if isinstance(value, int):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\s*\d{1,6}\s*", value):
        raise PydanticCustomError("vb_int", _("phải là số nguyên dương viết bằng chữ số Ả Rập"))
    number = int(value)
    if number < 1:
        raise PydanticCustomError("vb_int", _("phải từ 1 trở lên"))
    return number


def _inline(allowed: frozenset[str]) -> Any:
    """Return the validator of text written in the inline grammar, accepting the marks ``allowed``."""

    def parse(value: Any) -> Inline:
        if isinstance(value, Inline):
            return value
        if not isinstance(value, str):
            raise PydanticCustomError("vb_string", _("phải là chuỗi văn bản"))
        if not value.strip():
            raise PydanticCustomError("vb_string", _("không được để trống"))
        try:
            return inline.parse(value.strip(), allowed)
        except inline.InlineError as exc:
            raise PydanticCustomError("vb_inline", str(exc)) from None

    return parse


def _deadline(value: Any) -> Deadline:
    """Read a task's ``han``: an ISO date (printed "trước ngày DD/MM/YYYY") or a deadline phrase."""
    if isinstance(value, Deadline):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}-\d{1,2}-\d{1,2}\s*", value):
        return deadlines.from_date(_date(value))
    if not isinstance(value, str) or not value.strip():
        raise PydanticCustomError("vb_deadline", _("thời hạn phải là ngày năm-tháng-ngày (ví dụ '2026-11-27') hoặc "
                                                   "cụm từ như 'trong tháng 10/2026'"))
    try:
        return deadlines.parse(value)
    except deadlines.DeadlineError as exc:
        raise PydanticCustomError("vb_deadline", str(exc)) from None


# JSON Schemas describe what authors write (text), not the converted Python values.
_STRING = WithJsonSchema({"type": "string", "minLength": 1})
Date = Annotated[dt.date, BeforeValidator(_date), WithJsonSchema({"type": "string", "format": "date"})]
#: A time of day, ``"14:00"``.
Time = Annotated[dt.time, BeforeValidator(_time),
                 WithJsonSchema({"type": "string", "pattern": r"^\s*\d{1,2}:\d{2}\s*$"})]
#: Text of a body item: every mark of the inline grammar (docs/inline.md).
BodyText = Annotated[Inline, PlainValidator(_inline(inline.BODY)), _STRING]
#: Text of an opening, closing or heading: emphasis, no-break and footnotes, no task marks.
ParaText = Annotated[Inline, PlainValidator(_inline(inline.PARAGRAPH)), _STRING]
#: A title line: only no-break spans (the line is bold and centred as a whole).
TitleText = Annotated[Inline, PlainValidator(_inline(inline.TITLE)), _STRING]
#: A deadline: an ISO date or a phrase (docs/deadlines.md).
Han = Annotated[Deadline, PlainValidator(_deadline), _STRING]
PositiveInt = Annotated[
    int, BeforeValidator(_positive_int), WithJsonSchema({"type": "string", "pattern": r"^\s*\d{1,6}\s*$"})
]
_LINES_SCHEMA = WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]})
Lines = Annotated[tuple[Text, ...], BeforeValidator(_lines), _LINES_SCHEMA]
ParaLines = Annotated[tuple[ParaText, ...], BeforeValidator(_lines), _LINES_SCHEMA]
TitleLines = Annotated[tuple[TitleText, ...], BeforeValidator(_lines), _LINES_SCHEMA]


class Model(BaseModel):
    """Base of every content model: frozen, no unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")


#: Seals of Vietnamese bodies are 20–60 mm across; anything else is a typing mistake.
SEAL_RANGE_MM = (20.0, 60.0)


def _diameter(value: Any) -> Any:
    """Return the diameter in mm from its text (YAML values arrive as text); a Vietnamese error otherwise."""
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise PydanticCustomError("vb_seal_mm", _("đường kính con dấu phải là một số milimét, ví dụ 36")) from None
    if not SEAL_RANGE_MM[0] <= number <= SEAL_RANGE_MM[1]:
        raise PydanticCustomError("vb_seal_mm", _("đường kính con dấu {value} mm không hợp lý: phải từ 20 đến 60 mm"),
                                  {"value": value})
    return number


#: The schema describes what authors write (text, like every YAML value here), not the float.
Diameter = Annotated[float, BeforeValidator(_diameter),
                     WithJsonSchema({"type": "string", "pattern": r"^\d+([.,]\d+)?$"})]


class CoQuan(Model):
    """The issuing body: optional chủ quản lines, its name lines, abbreviation and seat [ô 2]."""

    chu_quan: Lines = ()
    ten: Annotated[Lines, Field(min_length=1)]
    viet_tat: Text
    dia_danh: Text
    #: The real diameter of the body's seal [R-SIG-9], from ``ky_so.con_dau`` of vanban.yaml unless
    #: given: the Nơi nhận column is kept clear of it (``layout.noi_nhan_width``).
    con_dau_mm: Diameter | None = None


class Nguoi(Model):
    """A person with a title, e.g. the chair of the meeting."""

    ho_ten: Text
    chuc_vu: Text


class MeetingDefaults(Model):
    """What stays the same from one meeting to the next: the office profile's ``cuoc_hop``.

    Why a class of its own: a meeting (``CuocHop``) is this plus its day and agenda, so the
    profile may give exactly what a meeting may take from it, checked by the same fields; a
    day or an agenda in ``vanban.yaml`` is refused (no later meeting shares them).
    """

    gio: Time | None = None  # the time it starts: an invitation prints it, a conclusion does not
    hinh_thuc: Text = "cuộc họp"
    ten: OptText = ""
    don_vi_to_chuc: OptText = ""
    dia_diem: OptText = ""
    chu_tri: Nguoi | None = None
    thanh_phan: Lines = ()
    nghe: Text = "báo cáo"


class CuocHop(MeetingDefaults):
    """The meeting a notice reports on (its opening is written from it), or an invitation convenes.

    Every field is optional here: a notice that writes its own opening (``mo_dau``) needs none
    of them, and ``kinds.thong_bao`` asks for the date, organiser and chair only when vanban
    composes the opening [§15]; an invitation asks for what it prints (``kinds.giay_moi``).
    """

    ngay: Date | None = None
    noi_dung: Lines = ()

    @property
    def name(self) -> str:
        """Return what the meeting is called: "phiên họp thường kỳ", "cuộc họp"."""
        return " ".join(part for part in (self.hinh_thuc, self.ten) if part)

    @property
    def chair(self) -> str:
        """Return who chairs it as a sentence names them: "đồng chí Nguyễn Hữu An - Chủ tịch UBND thị xã"."""
        return f"đồng chí {self.chu_tri.ho_ten} - {self.chu_tri.chuc_vu}" if self.chu_tri else ""

    @property
    def agenda(self) -> str:
        """Return its contents as one list in a sentence: "A; B; C" (each item's own end mark dropped)."""
        return "; ".join(item.rstrip(" .;") for item in self.noi_dung)


def _giao(value: Any) -> Any:
    """Accept ``giao: Sở Nội vụ`` (or a list of units) for ``giao: {don_vi: …}``."""
    if isinstance(value, str | list):
        return {"don_vi": value}
    return value


class Giao(Model):
    """An assignment: the unit(s), lead and co-ordinating units, deadline and stable id of a task."""

    don_vi: Lines = ()
    chu_tri: Lines = ()
    phoi_hop: Lines = ()
    han: Han | None = None
    ma: OptText = ""  # optional stable id ("KT-01") that later notices update by (see CapNhat)


class _WrittenOnce(Model):
    """A body item that may be a task: its deadline and units are written once, in text or as data."""

    #: The key that names the item's kind and holds its text ("khoan", "diem", …).
    TEXT_KEY: ClassVar[str]

    def own_text(self) -> Inline:
        """Return the item's own text (the value of its kind key)."""
        text: Inline = getattr(self, self.TEXT_KEY)
        return text

    def assignment(self) -> Giao | None:
        """Return the assignment given as data (``giao`` or a task's own fields), if any."""
        raise NotImplementedError

    @model_validator(mode="after")
    def _written_once(self) -> _WrittenOnce:
        """Refuse a deadline or unit given both in the sentence and as data (it would print twice)."""
        text = self.own_text()
        if len(text.spans(inline.DEADLINE)) > 1:
            raise PydanticCustomError("vb_task", _("một nhiệm vụ chỉ có một thời hạn '^han[…]'"))
        given = self.assignment()
        if given is None:
            return self
        if text.deadline is not None and given.han is not None:
            raise PydanticCustomError("vb_task", _("thời hạn đã đánh dấu trong câu bằng '^han[…]'; bỏ trường 'han'"))
        for mark in inline.UNITS:
            if text.marked(mark) and getattr(given, mark):
                raise PydanticCustomError("vb_task", _(
                    "đơn vị đã đánh dấu trong câu bằng '^{mark}[…]'; bỏ trường '{mark}'").format(mark=mark))
        return self


class Assignable(_WrittenOnce):
    """A body item that becomes a task when given ``giao`` or when its text marks a unit or deadline."""

    giao: Annotated[Giao | None, BeforeValidator(_giao)] = None

    def assignment(self) -> Giao | None:
        """Return the ``giao`` mapping, if any."""
        return self.giao


class Doan(Assignable):
    """A plain body paragraph given as a mapping (a bare string means the same)."""

    TEXT_KEY: ClassVar[str] = "doan"

    doan: BodyText


class Muc(Model):
    """A titled section, numbered I, II, … [§7 report-style mục]."""

    muc: ParaText
    noi_dung: Annotated[tuple[Node, ...], Field(min_length=1)]
    don_vi: OptText = ""


class Khoan(Assignable):
    """A numbered item ``1.`` / ``2.1.``; bold when it is a title [§7 khoản; T-17].

    ``tieu_de`` says whether the khoản is a title; by default one with children is, unless it
    assigns work ("3. Giao Sở Nội vụ: …" is a sentence, not a title).
    """

    TEXT_KEY: ClassVar[str] = "khoan"

    khoan: BodyText
    noi_dung: tuple[Node, ...] = ()
    don_vi: OptText = ""  # the unit of every task below, unless a task names its own
    tieu_de: Literal["co", "khong"] | None = None


class Diem(Assignable):
    """A lettered item ``a)`` ``b)`` … ``đ)`` [§7 điểm]."""

    TEXT_KEY: ClassVar[str] = "diem"

    diem: BodyText
    noi_dung: tuple[Node, ...] = ()
    don_vi: OptText = ""


class Gach(Assignable):
    """A ``-`` bullet, optionally with ``+`` sub-bullets [§7 below điểm]."""

    TEXT_KEY: ClassVar[str] = "gach"

    gach: BodyText
    noi_dung: tuple[Node, ...] = ()
    don_vi: OptText = ""


class Cong(Assignable):
    """A ``+`` bullet [§7 below điểm]."""

    TEXT_KEY: ClassVar[str] = "cong"

    cong: BodyText


class NhiemVu(_WrittenOnce):
    """A task assigned to unit(s), with an optional deadline; shown as a bullet by default."""

    TEXT_KEY: ClassVar[str] = "nhiem_vu"

    nhiem_vu: BodyText
    don_vi: Lines = ()
    chu_tri: Lines = ()
    phoi_hop: Lines = ()
    han: Han | None = None
    dang: Literal["gach", "cong", "doan"] = "gach"
    ma: OptText = ""  # optional stable id ("KT-01") that later notices update by (see CapNhat)

    def assignment(self) -> Giao:
        """Return the task's own fields as an assignment."""
        return Giao(don_vi=self.don_vi, chu_tri=self.chu_tri, phoi_hop=self.phoi_hop, han=self.han, ma=self.ma)


#: The error of a body item that is no known kind. pydantic reads ``custom_error_message`` once,
#: when the class is made, so ``validate`` translates this msgid itself when it meets ``vb_node``.
NODE_ERROR = N_(
    "mỗi phần tử nội dung phải là một đoạn văn (chuỗi) hoặc có đúng một trong các khóa "
    "muc, khoan, diem, gach, cong, nhiem_vu"
)


def _node_kind(value: Any) -> str | None:
    if isinstance(value, str | Inline):
        return "str"
    if isinstance(value, dict):
        for kind in (*NODE_KINDS, "doan"):
            if kind in value:
                return kind
    return None


Node = Annotated[
    Annotated[BodyText, Tag("str")]
    | Annotated[Doan, Tag("doan")]
    | Annotated[Muc, Tag("muc")]
    | Annotated[Khoan, Tag("khoan")]
    | Annotated[Diem, Tag("diem")]
    | Annotated[Gach, Tag("gach")]
    | Annotated[Cong, Tag("cong")]
    | Annotated[NhiemVu, Tag("nhiem_vu")],
    Discriminator(
        _node_kind,
        custom_error_type="vb_node",
        custom_error_message=NODE_ERROR,
    ),
]


class NguoiKy(Model):
    """The signer: authority and title lines [ô 7a] and full name [ô 7b]."""

    chuc_vu: Annotated[Lines, Field(min_length=1)]
    ho_ten: Text


class Luu(Model):
    """The file-copy line: drafting units and number of copies kept [R-NN-3]."""

    don_vi: Lines = ()
    so_ban: PositiveInt | None = None


class CapNhat(Model):
    """A status update, recorded in a later notice, of a task of an earlier one (data, not rendered)."""

    thong_bao: Text  # the earlier notice: "05/TB-UBND" or its content file's stem
    ma: Text
    trang_thai: Literal["xong", "dang_lam", "chua_lam"]
    ngay: Date | None = None
    ghi_chu: OptText = ""


_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def _month(value: Any) -> Any:
    """Read ``"2026-09"`` as (2026, 9): the month and year an issuing draft's date line prints."""
    if isinstance(value, tuple):
        return value
    match = _MONTH.match(value) if isinstance(value, str) else None
    if match is None or not 1 <= int(match[2]) <= 12:
        raise PydanticCustomError("vb_month", _("tháng phải viết dạng năm-tháng, ví dụ '2026-09'"))
    return int(match[1]), int(match[2])


def _year(value: Any) -> Any:
    if isinstance(value, int):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\s*\d{4}\s*", value):
        raise PydanticCustomError("vb_year", _("năm phải viết 4 chữ số, ví dụ '2026'"))
    return int(value)


Month = Annotated[tuple[int, int], BeforeValidator(_month),
                  WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{1,2}$"})]
Year = Annotated[int, BeforeValidator(_year), WithJsonSchema({"type": "string", "pattern": r"^\d{4}$"})]


def _draft_kind(value: Any) -> Any:
    """Accept ``du_thao: trinh_ky`` (or ``gop_y``) for ``du_thao: {loai: …}``."""
    return {"loai": value} if isinstance(value, str) else value


class DuThao(Model):
    """What kind of draft a notice is, and what its date line already knows [R-NUM-8, R-DATE-5].

    A review draft (``gop_y``, the default) is marked "DỰ THẢO" ("DỰ THẢO LẦN 2" with ``lan``);
    an issuing draft (``trinh_ky``), the copy that goes to the signer, has no mark. Both leave
    the number and the day blank for the văn thư; ``thang`` prints the month and year,
    ``nam`` the year only.
    """

    loai: Literal["gop_y", "trinh_ky"] = "gop_y"
    lan: PositiveInt | None = None
    thang: Month | None = None
    nam: Year | None = None

    @model_validator(mode="after")
    def _consistent(self) -> DuThao:
        if self.lan is not None and self.loai == "trinh_ky":
            raise PydanticCustomError("vb_draft", _("bản trình ký không đánh số lần dự thảo ('lan')"))
        if self.thang is not None and self.nam is not None:
            raise PydanticCustomError("vb_draft", _("chỉ ghi một trong 'thang' hoặc 'nam'"))
        return self

    @property
    def year(self) -> int | None:
        """Return the year the date line prints, when the draft gives it."""
        return self.thang[0] if self.thang else self.nam


class TrinhBay(Model):
    """Departures from ND30's heading forms an office asks for; each one is warned about [T-17]."""

    muc_chu: Literal["in_hoa", "giu_nguyen"] = "in_hoa"  # mục headings upper case, or as written
    muc_net: Literal["dam", "thuong"] = "dam"  # mục headings bold, or regular weight


class Frame(Model):
    """The parts every ND30 document has, whatever its kind: issuing body, number, date, trích yếu, signer, Nơi nhận.

    Why one base: header, number and ký hiệu, place and date, signer chain, Nơi nhận and Lưu
    are the same frame for every kind [Phụ lục I, Mục IV]; a kind (``vanban.pipeline.kinds``)
    subclasses it with its own parts and says, in the class variables, how it fills the frame.
    """

    #: The document type as ND30 names it ("Thông báo", "Công văn"): ký hiệu, register, messages.
    TYPE_NAME: ClassVar[str] = ""
    #: Whether the trích yếu follows a tên loại line (ô 5a), or reads "V/v …" under the number (ô 5b).
    NAMED: ClassVar[bool] = True
    #: Whether the document is addressed in a "Kính gửi" block (ô 9a) [R-EL-9a, R-NN-4].
    ADDRESSED: ClassVar[bool] = False

    loai: str
    co_quan: CoQuan
    so: PositiveInt | None = None
    ky_hieu: OptText = ""
    ngay: Date | None = None
    du_thao: Annotated[DuThao | None, BeforeValidator(_draft_kind)] = None
    #: Độ mật (ô 10a): a document with state secrets is numbered in a series of its own [R-NUM-3, R-OTH-2].
    do_mat: Literal["mat", "toi_mat", "tuyet_mat"] | None = None
    trich_yeu: Annotated[TitleLines, Field(min_length=1)]
    nguoi_ky: NguoiKy
    noi_nhan: Annotated[Lines, Field(min_length=1)]
    luu: Luu

    @property
    def is_draft(self) -> bool:
        """Tell whether the document is still a draft: marked one, or no number or issue date [R-NUM-8, R-DATE-5]."""
        return self.du_thao is not None or self.so is None or self.ngay is None

    @property
    def draft_kind(self) -> Literal["gop_y", "trinh_ky"] | None:
        """Return the kind of draft (``gop_y`` review, ``trinh_ky`` issuing), or None for a final document.

        Why a default: a document without number or date was always a review draft, and still is.
        """
        if self.du_thao is not None:
            return self.du_thao.loai
        return "gop_y" if self.is_draft else None

    def own_date(self) -> dt.date | None:
        """Return the date the kind's own parts give (a meeting's), which a draft's year falls back on."""
        return None

    @property
    def reference_date(self) -> dt.date | None:
        """Return the date the document speaks from: its issue date, else its own parts', else its draft's month.

        Why: a draft has no issue date yet, but its year (the date line, the number register)
        and the status of its tasks are read from the meeting it reports on or convenes, or
        from the month or year the draft states (the first day of it) [R-DATE-5].
        """
        if self.ngay is not None:
            return self.ngay
        own = self.own_date()
        if own is not None:
            return own
        if self.du_thao is not None and self.du_thao.year is not None:
            month = self.du_thao.thang[1] if self.du_thao.thang else 1
            return dt.date(self.du_thao.year, month, 1)
        return None

    def default_symbol(self) -> str:
        """Return the ký hiệu of a type with a name: its abbreviation and the body's, ``TB-UBND`` [R-NUM-4]."""
        return rules.ky_hieu(self.TYPE_NAME, self.co_quan.viet_tat)

    @property
    def symbol(self) -> str:
        """Return the ký hiệu: the one given, else the kind's own [R-NUM-4/5]."""
        return self.ky_hieu or self.default_symbol()

    @property
    def cited_number(self) -> str:
        """Return the number as other documents cite it, ``05/TB-UBND`` [R-NUM-2/6], or ``(dự thảo)``."""
        if self.so is None:
            return DRAFT_NUMBER
        return f"{rules.number_text(self.so)}/{self.symbol}"

    @property
    def nodes(self) -> tuple[Node, ...]:
        """Return the numbered body (sections, items, tasks), empty for a kind that has none."""
        return ()

    @property
    def summary(self) -> str:
        """Return the trích yếu on one line as a register cites it: "V/v …" when it stands in ô 5b [R-EL-5b]."""
        lines = [str(t) for t in self.trich_yeu]
        return rules.collapse_spaces(" ".join(lines if self.NAMED else rules.vv_lines(lines)))

    @property
    def recipients(self) -> tuple[str, ...]:
        """Return everyone the document is sent to, as the register lists them: addressees, then Nơi nhận."""
        return self.noi_nhan

    @property
    def updates(self) -> tuple[CapNhat, ...]:
        """Return the status updates of earlier documents' tasks this one records (data, not rendered)."""
        return ()


class ThongBao(Frame):
    """A Thông báo: a meeting's conclusions (``mau: ket_luan``, the default) or a general notice (``chung``).

    Why one class for both patterns: they are the same ND30 type (Mẫu 1.4, ký hiệu TB); the
    conclusion's opening is written from the meeting, a general notice writes its own.
    """

    TYPE_NAME: ClassVar[str] = "Thông báo"

    loai: Literal["thong_bao"] = "thong_bao"
    mau: Literal["ket_luan", "chung"] = "ket_luan"
    cuoc_hop: CuocHop | None = None
    mo_dau: ParaLines = ()
    noi_dung: Annotated[tuple[Node, ...], Field(min_length=1)]
    ket_thuc: ParaLines = ()
    trinh_bay: TrinhBay = TrinhBay()
    cap_nhat_nhiem_vu: tuple[CapNhat, ...] = ()

    def own_date(self) -> dt.date | None:
        """Return the meeting's date (a conclusion's draft takes its year from it)."""
        return self.cuoc_hop.ngay if self.cuoc_hop is not None else None

    @property
    def nodes(self) -> tuple[Node, ...]:
        """Return the numbered body."""
        return self.noi_dung

    @property
    def updates(self) -> tuple[CapNhat, ...]:
        """Return the status updates this notice records."""
        return self.cap_nhat_nhiem_vu


for _model in (Muc, Khoan, Diem, Gach):
    _model.model_rebuild()
