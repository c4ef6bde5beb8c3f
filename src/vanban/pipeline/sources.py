"""Find the content files a command is given: folders searched, suffixes and output names checked.

Why a module of its own: finding files needs none of the validation stages, and the
commands that only watch or hash files (``watch``, an unchanged rebuild) import just this.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from vanban.errors import Problem
from vanban.i18n import _
from vanban.repo import PROFILE_NAME, display

SUFFIXES = (".yaml", ".yml")


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """Return the content files named by ``paths`` (folders searched recursively), in order."""
    found: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir() and path.suffix not in SUFFIXES:  # a folder named "x.yaml" is reported by the loader
            # Anything named *.yaml but a folder is listed, FIFOs and devices included: the
            # loader says why it cannot read them, rather than skipping them without a word.
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and not p.is_dir()))
        elif path.exists() or path.is_symlink():
            found.append(path)
        else:
            problems.append(Problem(display(path), 1, 1, "", _("không tìm thấy tệp hoặc thư mục")))
    unique = list(dict.fromkeys(found))
    return unique, problems


def screen(files: Sequence[Path]) -> tuple[list[Path], list[Problem]]:
    """Return the notice files among ``files`` (right suffix, unique stem, not the profile) and the others' problems."""
    kept: list[Path] = []
    problems: list[Problem] = []
    stems: dict[str, Path] = {}
    for file in files:
        name = display(file)
        if file.name == PROFILE_NAME:
            continue  # the office profile is not a notice
        if file.suffix not in SUFFIXES and not file.is_dir():
            problems.append(Problem(name, 1, 1, "", _("tệp nội dung phải có đuôi .yaml hoặc .yml")))
        elif file.stem in stems:
            other = display(stems[file.stem])
            message = _("trùng tên tệp đầu ra với {other}; hãy đổi tên một tệp").format(other=other)
            problems.append(Problem(name, 1, 1, "", message))
        else:
            stems[file.stem] = file
            kept.append(file)
    return kept, problems
