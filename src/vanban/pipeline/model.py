"""The typed, frozen content model of a notice, in the content authors' own vocabulary.

Why: YAML keys are the authors' words (``trich_yeu``, ``noi_nhan``, ``nguoi_ky``); the same
names go through the model, the context and the templates. Every model is frozen and
forbids unknown keys; every scalar arrives as a string and is converted here explicitly.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from vanban.i18n import N_, _
from vanban.pipeline import rules

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


def _date(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("vb_date_type", _("ngày phải là chuỗi dạng YYYY-MM-DD"))
    text = value.strip()
    if not _ISO_DATE.match(text):
        raise PydanticCustomError("vb_date_format", _("ngày '{value}' phải viết dạng YYYY-MM-DD"), {"value": text})
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise PydanticCustomError("vb_date_impossible", _("ngày '{value}' không tồn tại"), {"value": text}) from None


def _positive_int(value: Any) -> Any:
    if isinstance(value, int):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\s*\d{1,6}\s*", value):
        raise PydanticCustomError("vb_int", _("phải là số nguyên dương viết bằng chữ số Ả Rập"))
    number = int(value)
    if number < 1:
        raise PydanticCustomError("vb_int", _("phải từ 1 trở lên"))
    return number


# JSON Schemas describe what authors write (text), not the converted Python values.
Date = Annotated[dt.date, BeforeValidator(_date), WithJsonSchema({"type": "string", "format": "date"})]
PositiveInt = Annotated[
    int, BeforeValidator(_positive_int), WithJsonSchema({"type": "string", "pattern": r"^\s*\d{1,6}\s*$"})
]
Lines = Annotated[
    tuple[Text, ...],
    BeforeValidator(_lines),
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}),
]


class Model(BaseModel):
    """Base of every content model: frozen, no unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class CoQuan(Model):
    """The issuing body: optional chủ quản lines, its name lines, abbreviation and seat [ô 2]."""

    chu_quan: Lines = ()
    ten: Annotated[Lines, Field(min_length=1)]
    viet_tat: Text
    dia_danh: Text


class Nguoi(Model):
    """A person with a title, e.g. the chair of the meeting."""

    ho_ten: Text
    chuc_vu: Text


class CuocHop(Model):
    """The meeting the notice reports on; the opening paragraphs are written from it."""

    ngay: Date
    hinh_thuc: Text = "cuộc họp"
    ten: OptText = ""
    don_vi_to_chuc: Text
    dia_diem: OptText = ""
    chu_tri: Nguoi
    thanh_phan: Lines = ()
    noi_dung: Lines = ()
    nghe: Text = "báo cáo"


class Doan(Model):
    """A plain body paragraph given as a mapping (a bare string means the same)."""

    doan: Text


class Muc(Model):
    """A titled section, numbered I, II, … [§7 report-style mục]."""

    muc: Text
    noi_dung: Annotated[tuple[Node, ...], Field(min_length=1)]
    don_vi: OptText = ""


class Khoan(Model):
    """A numbered item ``1.`` / ``2.1.``; bold title when it has children [§7 khoản]."""

    khoan: Text
    noi_dung: tuple[Node, ...] = ()
    don_vi: OptText = ""


class Diem(Model):
    """A lettered item ``a)`` ``b)`` … ``đ)`` [§7 điểm]."""

    diem: Text
    noi_dung: tuple[Node, ...] = ()
    don_vi: OptText = ""


class Gach(Model):
    """A ``-`` bullet, optionally with ``+`` sub-bullets [§7 below điểm]."""

    gach: Text
    noi_dung: tuple[Node, ...] = ()
    don_vi: OptText = ""


class Cong(Model):
    """A ``+`` bullet [§7 below điểm]."""

    cong: Text


class NhiemVu(Model):
    """A task assigned to a unit, with an optional deadline; shown as a bullet by default."""

    nhiem_vu: Text
    don_vi: OptText = ""
    han: Date | None = None
    dang: Literal["gach", "cong", "doan"] = "gach"
    ma: OptText = ""  # optional stable id ("KT-01") that later notices update by (see CapNhat)


#: The error of a body item that is no known kind. pydantic reads ``custom_error_message`` once,
#: when the class is made, so ``validate`` translates this msgid itself when it meets ``vb_node``.
NODE_ERROR = N_(
    "mỗi phần tử nội dung phải là một đoạn văn (chuỗi) hoặc có đúng một trong các khóa "
    "muc, khoan, diem, gach, cong, nhiem_vu"
)


def _node_kind(value: Any) -> str | None:
    if isinstance(value, str):
        return "str"
    if isinstance(value, dict):
        for kind in (*NODE_KINDS, "doan"):
            if kind in value:
                return kind
    return None


Node = Annotated[
    Annotated[Text, Tag("str")]
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


class ThongBao(Model):
    """A Thông báo (kết luận): everything the notice says, nothing about how it looks."""

    loai: Literal["thong_bao"] = "thong_bao"
    co_quan: CoQuan
    so: PositiveInt | None = None
    ky_hieu: OptText = ""
    ngay: Date | None = None
    trich_yeu: Annotated[Lines, Field(min_length=1)]
    cuoc_hop: CuocHop | None = None
    mo_dau: Lines = ()
    noi_dung: Annotated[tuple[Node, ...], Field(min_length=1)]
    ket_thuc: Lines = ()
    nguoi_ky: NguoiKy
    noi_nhan: Annotated[Lines, Field(min_length=1)]
    luu: Luu
    cap_nhat_nhiem_vu: tuple[CapNhat, ...] = ()

    @property
    def du_thao(self) -> bool:
        """Tell whether the notice is still a draft (no number or no issue date) [R-NUM-8, R-DATE-5]."""
        return self.so is None or self.ngay is None

    @property
    def reference_date(self) -> dt.date | None:
        """Return the date the notice speaks from: its issue date, else (a draft) its meeting's.

        Why: a draft has no issue date yet, but its year (the date line, the number register)
        and the status of its tasks are read from the meeting it reports on [R-DATE-5].
        """
        if self.ngay is not None:
            return self.ngay
        return self.cuoc_hop.ngay if self.cuoc_hop else None

    @property
    def symbol(self) -> str:
        """Return the ký hiệu: the one given, else the type's and the body's abbreviations [R-NUM-4]."""
        return self.ky_hieu or rules.ky_hieu("Thông báo", self.co_quan.viet_tat)

    @property
    def cited_number(self) -> str:
        """Return the number as other documents cite it, ``05/TB-UBND`` [R-NUM-2/6], or ``(dự thảo)``."""
        if self.so is None:
            return DRAFT_NUMBER
        return f"{rules.number_text(self.so)}/{self.symbol}"


for _model in (Muc, Khoan, Diem, Gach):
    _model.model_rebuild()
