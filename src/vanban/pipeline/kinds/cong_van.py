"""The Công văn (Mẫu 1.5): a letter to named addressees, its trích yếu "V/v …" under the number.

Why here: what a công văn adds to the frame is a ký hiệu without a type abbreviation
(``UBND-VP``) [R-NUM-5], no tên loại line (its trích yếu reads "V/v …" in ô 5b) [R-EL-5b], the
"Kính gửi" block (ô 9a) [R-EL-9a], and a Nơi nhận that starts "- Như trên;" [R-NN-4].
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field

from vanban.errors import Problem
from vanban.i18n import N_, _
from vanban.pipeline import rules
from vanban.pipeline.kinds.base import Cells, Kind, all_but, at_field, paragraphs
from vanban.pipeline.loader import Located
from vanban.pipeline.model import Frame, Lines, Node, OptText, ParaLines, TrinhBay
from vanban.pipeline.raw import get, strings

#: The Văn thư's abbreviation in the Lưu line, never a drafting unit [R-NN-3].
VAN_THU = "VT"


class CongVan(Frame):
    """A Công văn: addressees (Kính gửi), a body of paragraphs and numbered items, a closing."""

    TYPE_NAME: ClassVar[str] = "Công văn"
    NAMED: ClassVar[bool] = False
    ADDRESSED: ClassVar[bool] = True

    loai: Literal["cong_van"] = "cong_van"
    don_vi_soan_thao: OptText = ""  # the drafting unit in the ký hiệu, "VP" in UBND-VP; default: Lưu's unit
    kinh_gui: Annotated[Lines, Field(min_length=1)]
    noi_dung: Annotated[tuple[Node, ...], Field(min_length=1)]
    ket_thuc: ParaLines = ()
    trinh_bay: TrinhBay = TrinhBay()
    noi_nhan: Lines = ()  # "- Như trên;" (the addressees) is always there; others are optional

    @property
    def drafting_unit(self) -> str:
        """Return the drafting unit of the ký hiệu: the one given, else the first of Lưu's units [R-NUM-5]."""
        return self.don_vi_soan_thao or next((u for u in self.luu.don_vi if u.strip() != VAN_THU), "")

    def default_symbol(self) -> str:
        """Return ``UBND-VP``: the body's abbreviation, then the drafting unit's, no type abbreviation [R-NUM-5]."""
        return rules.ky_hieu(None, self.co_quan.viet_tat, self.drafting_unit)

    @property
    def nodes(self) -> tuple[Node, ...]:
        """Return the numbered body."""
        return self.noi_dung

    @property
    def recipients(self) -> tuple[str, ...]:
        """Return the addressees (Kính gửi), then the other recipients."""
        return (*self.kinh_gui, *self.noi_nhan)


def cells(letter: CongVan) -> Cells:
    """Return what a công văn puts in the frame: its body and closing (its addressees, ô 9a, the frame's: ADDRESSED)."""
    return Cells(nodes=letter.noi_dung, closing=paragraphs(letter.ket_thuc), trinh_bay=letter.trinh_bay)


def facts(letter: CongVan) -> dict[str, str]:
    """Return whom a công văn is addressed to, for ``vanban diff`` (its body is compared as structure)."""
    return {N_("Kính gửi"): "; ".join(rules.clean_recipient(x) for x in letter.kinh_gui)}


def problems(located: Located, data: Any) -> list[Problem]:
    """Return the problems of a công văn's own parts: a drafting unit for its ký hiệu [R-NUM-5]."""
    if get(data, "ky_hieu") not in (None, ""):
        return []  # the ký hiệu given is checked as a whole [R-NUM-6]
    given = get(data, "don_vi_soan_thao")
    unit = given if isinstance(given, str) and given.strip() else next(
        (u for _i, u in strings(get(data, "luu", "don_vi")) if u.strip() and u.strip() != VAN_THU), None)
    body = get(data, "co_quan", "viet_tat")
    if unit is None:
        problem = located.problem(("luu",), _("ký hiệu công văn cần đơn vị soạn thảo (như VP trong UBND-VP): ghi "
                                              "'don_vi_soan_thao' hoặc 'luu.don_vi'"), "R-NUM-5")
        return [at_field(problem, "don_vi_soan_thao")]
    if isinstance(body, str) and not rules.is_valid_ky_hieu(f"{body.strip()}-{unit.strip()}"):
        where = ("don_vi_soan_thao",) if given else ("luu", "don_vi")
        return [located.problem(where, _("đơn vị soạn thảo '{unit}' không dùng được trong ký hiệu (không dấu "
                                         "cách)").format(unit=unit), "R-NUM-6")]
    return []


KIND = Kind("cong_van", CongVan, cells, problems, texts=(("kinh_gui", None),), facts=facts,
            keys=all_but("noi_nhan"))  # "- Như trên;" and its own recipients, not the notices' list
