"""Load notices the one way every command does: find files, read, merge the profile, validate.

Why one path: a notice means the same to ``build``, ``check``, ``diff``, ``tasks``, ``so``,
``new`` and ``verify`` only if each of them loads it through the same stages — the office
profile merged before validation, every problem located in the file it came from, and the
checks across notices (status updates that point into other notices) run on the whole set.
A file at a git revision is loaded with the profile as it was at that revision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from vanban.errors import ContentError, Problem, UsageError
from vanban.i18n import _
from vanban.pipeline.loader import Located, load_bytes, load_file
from vanban.pipeline.model import Frame
from vanban.pipeline.profile import ProfileCache, without_echoes
from vanban.pipeline.sources import discover, screen
from vanban.pipeline.status import reference_problems
from vanban.pipeline.validate import check, warnings
from vanban.pipeline.validate.prose_body import expand
from vanban.repo import display, show_file


@dataclass(frozen=True)
class Notice:
    """One validated notice, where it came from, and its warnings."""

    source: Path
    model: Frame  # of its kind: ThongBao, CongVan, GiayMoi …
    located: Located = field(compare=False, repr=False)  # the merged data, for problems found later
    warnings: tuple[Problem, ...] = field(default=(), compare=False)  # printed, never fail a build
    revision: str | None = None  # the git revision it was read at; None for the working file

    @property
    def stem(self) -> str:
        """Return the output file stem: the content file's name without its suffix."""
        return self.source.stem


def load_notice(path: Path, revision: str | None = None, profiles: ProfileCache | None = None,
                raw: bytes | None = None) -> tuple[Notice | None, list[Problem]]:
    """Load one notice (at git ``revision`` if given): profile merged, validated; or every problem.

    ``profiles`` shares the loaded office profiles between the notices of one run; ``raw``
    gives the file's bytes as they are about to be written (the issue step checks a notice
    with its new number before writing anything).
    """
    profiles = profiles or ProfileCache()
    if raw is not None:
        located, problems = load_bytes(raw, display(path))
    elif revision is None:
        located, problems = load_file(path, display(path))
    else:
        located, problems = load_bytes(show_file(path, revision), f"{display(path)}@{revision}")
    if located is None:
        return None, problems
    located, prose_problems = expand(located)  # a body typed as prose becomes the nested form
    merged, merge_problems = profiles.apply(path, located, revision)
    model, found = check(merged)
    problems = prose_problems + merge_problems + without_echoes(found, merge_problems)
    if model is None or prose_problems:
        return None, problems
    return Notice(path, model, merged, tuple(warnings(merged, model)), revision), problems


def load_files(files: Sequence[Path]) -> tuple[list[Notice], list[Problem]]:
    """Load the notice files ``files`` (as found by ``screen``); return the valid ones and every problem."""
    notices: list[Notice] = []
    problems: list[Problem] = []
    profiles = ProfileCache()
    for file in files:
        notice, found = load_notice(file, profiles=profiles)
        problems += found
        if notice is not None:
            notices.append(notice)
    problems += reference_problems(notices)  # status updates that point into these notices
    return notices, problems


def load_notices(paths: Sequence[Path]) -> tuple[list[Notice], list[Problem]]:
    """Load every notice under ``paths``; return the valid ones and every problem of every file."""
    files, problems = discover(paths)
    kept, found = screen(files)
    notices, invalid = load_files(kept)
    return notices, problems + found + invalid


def load(paths: Sequence[Path]) -> list[Notice]:
    """Load and validate every notice under ``paths``; raise ContentError with all problems."""
    notices, problems = load_notices(paths)
    if problems:
        raise ContentError(problems)
    if not notices:
        raise UsageError(_("không có tệp nội dung .yaml nào để xử lý"))
    return notices


def load_one(path: Path, revision: str | None = None) -> Notice:
    """Load one notice (at ``revision``); raise ContentError with its problems."""
    notice, problems = load_notice(path, revision)
    if notice is None:
        raise ContentError(problems)
    return notice
