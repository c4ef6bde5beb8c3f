"""Reduce a notice to one unit's tasks, with the notice's own header, signer and recipients.

Why: each unit needs only its own part of a meeting's conclusions; the extract carries the
notice's number and date so the unit can cite where each task came from [R-BODY-8].
"""

from __future__ import annotations

from pathlib import Path

from vanban.errors import UsageError
from vanban.i18n import _
from vanban.pipeline import rules
from vanban.pipeline.model import NhiemVu, ThongBao
from vanban.pipeline.outline import outline, tasks
from vanban.pipeline.render import render_model
from vanban.pipeline.status import UPDATES, unit_key
from vanban.pipeline.templates import search_path


def extract(notice: ThongBao, unit: str) -> ThongBao:
    """Return the notice reduced to the tasks of ``unit``: same header, signer and recipients.

    Raise UsageError when the notice gives that unit no task (the message lists the units).
    """
    given = tasks(outline(notice.noi_dung))
    mine = [t for t in given if t.assigned_to(unit_key(unit))]
    if not mine:
        units = sorted({t.don_vi for t in given if t.don_vi}, key=unit_key)
        raise UsageError(_("thông báo không giao nhiệm vụ nào cho '{unit}'; các đơn vị: {units}").format(
            unit=unit, units="; ".join(units)))
    name = mine[0].don_vi  # the unit as the notice writes it, not as typed on the command line
    number = notice.cited_number
    short = "dự thảo Thông báo" if notice.so is None else f"Thông báo số {number}"
    cited = f"{short} ngày {rules.short_date(notice.ngay)}" if notice.ngay is not None else short
    subject = rules.collapse_spaces(" ".join(notice.trich_yeu))
    # Each task as the notice writes it: its marks kept, its deadline printed only if the sentence lacks it.
    body = tuple(NhiemVu.model_validate({"nhiem_vu": t.inline or t.text, "don_vi": t.don_vi, "ma": t.ma,
                                         "han": None if t.deadline_in_text else t.deadline}) for t in mine)
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
    return render_model(extract(notice, unit), stem, [fmt], search_path(templates))[f"{stem}.{fmt}"]
