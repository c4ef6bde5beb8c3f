"""Validate located content and build the frozen model, collecting every problem at once.

Why: a notice that breaks ND30 is sent back, and a renderer that meets bad text loses it
silently. So, before any renderer sees a notice: its text is cleaned, its invisible and
look-alike characters refused (``structure``) and held to the limits (``text``), the ND30
rules across fields are checked on the raw data (``nd30``, ``tasks``), a label typed where
vanban prints its own refused (``labels``), every value printed in
a fixed-width box is measured against it (``boxes``), every date held to the years a notice
can bear (``dates``), and the typed model is built, its errors located in the author's words
(``fields``).
"""

from __future__ import annotations

from pydantic import ValidationError

from vanban.errors import Problem
from vanban.pipeline import kinds
from vanban.pipeline.loader import Located, cap_problems
from vanban.pipeline.model import Frame
from vanban.pipeline.validate.boxes import box_problems
from vanban.pipeline.validate.dates import date_problems
from vanban.pipeline.validate.fields import model_problems
from vanban.pipeline.validate.labels import label_problems
from vanban.pipeline.validate.nd30 import heading_warnings, notice_problems, secret_warnings
from vanban.pipeline.validate.tasks import deadline_warnings
from vanban.pipeline.validate.text import (
    MAX_BLOCKS,
    MAX_BODY_NODES,
    MAX_RECIPIENTS,
    MAX_SECTIONS,
    MAX_TEXT_CHARS,
    MAX_VALUE_CHARS,
    MAX_WORD_CHARS,
    clean_text,
    limit_problems,
)

__all__ = [
    "MAX_BLOCKS",
    "MAX_BODY_NODES",
    "MAX_RECIPIENTS",
    "MAX_SECTIONS",
    "MAX_TEXT_CHARS",
    "MAX_VALUE_CHARS",
    "MAX_WORD_CHARS",
    "check",
    "clean_text",
    "model_problems",
    "warnings",
]


def check(located: Located) -> tuple[Frame | None, list[Problem]]:
    """Return the model of one located document (of the kind its ``loai`` names), or None with every problem."""
    data, problems = clean_text(located)
    limits = limit_problems(located, data)
    if limits:
        return None, cap_problems(problems + limits)  # an oversized notice's model is not worth building
    problems.extend(notice_problems(located, data))
    problems.extend(label_problems(located, data))
    problems.extend(box_problems(located, data))
    calendar = date_problems(located, data)
    problems.extend(calendar)
    unknown = kinds.unknown(located, data)
    if unknown is not None:
        return None, cap_problems([*problems, unknown])
    model = kinds.KINDS[kinds.loai_of(data)].model
    try:
        notice = model.model_validate(data)
    except ValidationError as exc:
        # A year out of range is said once, in the author's words: the date library's own
        # complaint about it ("year 0 is out of range") would only repeat it, in English.
        said = {p.field for p in calendar}
        problems.extend(p for p in model_problems(located, exc, model) if p.field not in said)
        return None, cap_problems(problems)
    return (None if problems else notice), cap_problems(problems)


def warnings(located: Located, model: Frame | None = None) -> list[Problem]:
    """Return the warnings of one notice: problems printed as "cảnh báo" that never fail a build."""
    return (deadline_warnings(located) + heading_warnings(located) + secret_warnings(located)
            + kinds.warnings(located, located.data))
