"""One unit's part of an issued notice, as ND30 lets it leave the office: a TRÍCH SAO.

Why: each unit needs only its own part of a meeting's conclusions, and the only lawful way
to hand out part of an issued document is a TRÍCH SAO — the original's full frame as issued
with the unit's parts verbatim, their original labels and the headings above them, each
omission marked "…", and the copying body's block under it [Điều 25.3.b; Phụ lục III Mẫu
3.1]. No trích yếu is rewritten, no opening invented, no status added; a draft is refused.
The copy is numbered in the copy series and archived like any other (``vanban copy``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from vanban.commands.copy import Copied, make_copy, propose
from vanban.pipeline.copies import Selection


def unit_copy(path: Path, unit: str, number: int | None = None, day: dt.date | None = None,
              templates: Path | None = None) -> Copied:
    """Make the TRÍCH SAO of the parts of the issued notice ``path`` given to ``unit`` (next copy number by default)."""
    return make_copy(path, "trich_sao", number or propose(path, day), day, Selection((), unit), None, (), templates)
