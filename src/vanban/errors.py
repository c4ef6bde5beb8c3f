"""Exceptions and located problems raised by the library.

The library never prints or exits; it raises these. Only ``cli`` turns them into messages
and exit codes (0 ok, 1 content or render error, 2 usage error).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vanban.i18n import _


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem in an input file: ``file:line:col: field: message [rule] (place)``."""

    file: str
    line: int
    col: int
    field: str
    message: str
    rule: str = ""
    warning: bool = False  # a warning is printed but never stops a build (e.g. a weekend deadline)
    place: str = ""  # where a clerk reads it in the notice: "Mục III › khoản 1 › điểm b"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}"
        field = f" {self.field}:" if self.field else ""
        rule = f" [{self.rule}]" if self.rule else ""
        label = " " + _("cảnh báo") + ":" if self.warning else ""
        place = f" ({self.place})" if self.place else ""  # the place last: "file:line:col: field: message" stays
        return f"{where}:{field}{label} {self.message}{rule}{place}"


class VanbanError(Exception):
    """Base class of every error vanban raises on purpose."""


class ContentError(VanbanError):
    """Raise when one or more input files are invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class RenderError(VanbanError):
    """Raise when a renderer fails or warns (missing glyph, fetch attempt) for one notice."""

    def __init__(self, source: Path | str, message: str) -> None:
        self.source = str(source)
        self.message = message
        super().__init__(f"{source}: {message}")


class OutputError(VanbanError):
    """Raise when outputs cannot be written (read-only folder, a file in the way)."""


class UsageError(VanbanError):
    """Raise when the caller asked for something impossible (no such path, bad option)."""
