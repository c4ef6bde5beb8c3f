"""The copy block a paper copy adds under the original (Phụ lục III Mẫu 3.1), display-ready.

Why its own module: the context (``vanban.pipeline.context``) carries it beside the frame,
and the stage that makes copies (``vanban.pipeline.copies``) fills it; neither imports the
other for it. Every text is formatted here once, so the .docx and the PDF print the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from vanban.pipeline.inline import Run, recipient_runs

#: The forms of copy as YAML and the command line write them, and as the copy prints them
#: [Phụ lục I Phần II.I.1, II.1.a].
FORMS = {"sao_y": "SAO Y", "sao_luc": "SAO LỤC", "trich_sao": "TRÍCH SAO"}
#: The abbreviation of each form in the copy's ký hiệu [Phụ lục III Mục I: SY, SL, TrS].
SYMBOLS = {"sao_y": "SY", "sao_luc": "SL", "trich_sao": "TrS"}
#: How the register and the commit name each form (sentence case).
NAMES = {"sao_y": "Sao y", "sao_luc": "Sao lục", "trich_sao": "Trích sao"}
#: The line that marks an omitted stretch of the original in a TRÍCH SAO.
OMISSION = "…"


@dataclass(frozen=True)
class CopyBlock:
    """Ô 1–7 of Mẫu 3.1: form, copying body, copy number, place and date, signer, Nơi nhận [R-OTH-7]."""

    hinh_thuc: str  # ô 1: "SAO Y", "SAO LỤC" or "TRÍCH SAO"
    co_quan: tuple[str, ...]  # ô 2: the copying body's name lines, upper case
    co_quan_rule_mm: float  # the rule under ô 2: 1/3–1/2 of its longest line [R-EL-2b]
    so_ky_hieu: str  # ô 3: "Số: 05/SY-UBND"
    dia_danh_ngay: str  # ô 4: "Hoàng Mai, ngày 05 tháng 02 năm 2024"
    chuc_vu: tuple[str, ...]  # ô 5a: quyền hạn and chức vụ, upper case
    ho_ten: str  # ô 5b
    noi_nhan: tuple[str, ...]  # ô 7: "- X;" … "- Lưu: VT."
    noi_nhan_label: str = "Nơi nhận:"

    @property
    def noi_nhan_runs(self) -> tuple[tuple[Run, ...], ...]:
        """Return each Nơi nhận line as runs, for the HTML: references and annotations no-break [R-BRK-1]."""
        return tuple(recipient_runs(line) for line in self.noi_nhan)

    def lines(self) -> list[str]:
        """Return the block's paragraphs in reading order, as both renderers show them."""
        return [*self.co_quan, self.hinh_thuc, self.so_ky_hieu, self.dia_danh_ngay, self.noi_nhan_label,
                *self.noi_nhan, *self.chuc_vu, self.ho_ten]
