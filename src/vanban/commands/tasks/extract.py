"""Reduce a notice to one unit's tasks, with the notice's own header, signer and recipients.

Why: each unit needs only its own part of a meeting's conclusions; the extract carries the
notice's number and date so the unit can cite where each task came from [R-BODY-8].
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from vanban.commands.tasks import AsOf, TaskRow, row_of
from vanban.errors import UsageError
from vanban.i18n import _
from vanban.pipeline import rules
from vanban.pipeline.model import Frame, NhiemVu, ThongBao
from vanban.pipeline.outline import outline, tasks
from vanban.pipeline.render import render_model
from vanban.pipeline.status import UPDATES, unit_key
from vanban.pipeline.templates import search_path


def extract(notice: ThongBao, unit: str, rows: Sequence[TaskRow] | None = None, as_of: AsOf | None = None,
            ) -> ThongBao:
    """Return the notice reduced to the tasks of ``unit``: same header, signer and recipients.

    With ``rows`` (the notice's tasks chosen by status on ``as_of``: ``tasks --open/--overdue``)
    only those are kept, and the opening says on which day they were still open. Raise
    UsageError when the notice gives that unit no task (the message lists the units), or none
    of them is left.
    """
    given = tasks(outline(notice.noi_dung))
    mine = [t for t in given if t.assigned_to(unit_key(unit))]
    if not mine:
        units = sorted({t.don_vi for t in given if t.don_vi}, key=unit_key)
        raise UsageError(_("thông báo không giao nhiệm vụ nào cho '{unit}'; các đơn vị: {units}").format(
            unit=unit, units="; ".join(units)))
    name = mine[0].don_vi  # the unit as the notice writes it, not as typed on the command line
    still = ""
    if rows is not None and as_of is not None:
        mine = [t for t in mine if row_of(rows, t.ma, t.text) is not None]
        if not mine:
            raise UsageError(_("không còn nhiệm vụ nào của '{unit}' theo bộ lọc. {as_of}").format(
                unit=name, as_of=as_of.line()))
        still = f" chưa hoàn thành đến ngày {rules.short_date(as_of.day)}"
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
        "mo_dau": (f"Trích {cited} về “{subject}”, nhiệm vụ giao {name}{still} như sau:",),
        "noi_dung": body,
        "ket_thuc": (),
        UPDATES: (),
    })


def render_extract(notice: Frame, stem: str, unit: str, fmt: str, templates: Path | None = None,
                   rows: Sequence[TaskRow] | None = None, as_of: AsOf | None = None) -> bytes:
    """Render the extract of ``unit`` from ``notice`` as ``pdf`` or ``docx`` bytes, like the notice.

    Raise UsageError for a document that is not a Thông báo: the extract is a Thông báo's own form.
    """
    if not isinstance(notice, ThongBao):
        raise UsageError(_("chỉ trích được nhiệm vụ từ một thông báo; tệp này là {kind}").format(
            kind=notice.TYPE_NAME.lower()))
    return render_model(extract(notice, unit, rows, as_of), stem, [fmt], search_path(templates))[f"{stem}.{fmt}"]
