"""Build notices: find the content files, validate them all, render, then write.

Why the order: nothing is written when any input is invalid or any render fails, so an
office never ends up with half of a batch updated. All problems of all files are collected
first and raised together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from vanban.context import Context, build_context
from vanban.errors import ContentError, Problem, UsageError
from vanban.loader import load_file
from vanban.model import ThongBao
from vanban.output import write_all
from vanban.templates import search_path
from vanban.validate import check

SUFFIXES = (".yaml", ".yml")
FORMATS = ("pdf", "docx")

Renderer = Callable[[Context, tuple[Path, ...]], bytes]


@dataclass(frozen=True)
class Notice:
    """One validated notice and where it came from."""

    source: Path
    model: ThongBao

    @property
    def stem(self) -> str:
        """Return the output file stem: the content file's name without its suffix."""
        return self.source.stem


def display(path: Path) -> str:
    """Return ``path`` relative to the working folder when it is inside it (for messages)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """Return the content files named by ``paths`` (folders searched recursively), in order."""
    found: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file()))
        elif path.exists() or path.is_symlink():
            found.append(path)
        else:
            problems.append(Problem(display(path), 1, 1, "", "không tìm thấy tệp hoặc thư mục"))
    unique = list(dict.fromkeys(found))
    return unique, problems


def load(paths: Sequence[Path]) -> list[Notice]:
    """Load and validate every content file under ``paths``; raise ContentError with all problems."""
    files, problems = discover(paths)
    notices: list[Notice] = []
    stems: dict[str, Path] = {}
    for file in files:
        name = display(file)
        if file.suffix not in SUFFIXES and not file.is_dir():
            problems.append(Problem(name, 1, 1, "", "tệp nội dung phải có đuôi .yaml hoặc .yml"))
            continue
        located, found = load_file(file, name)
        problems.extend(found)
        if located is None:
            continue
        model, found = check(located)
        problems.extend(found)
        if model is None:
            continue
        if file.stem in stems:
            other = display(stems[file.stem])
            problems.append(Problem(name, 1, 1, "", f"trùng tên tệp đầu ra với {other}; hãy đổi tên một tệp"))
            continue
        stems[file.stem] = file
        notices.append(Notice(file, model))
    if problems:
        raise ContentError(problems)
    if not files:
        raise UsageError("không có tệp nội dung .yaml nào để xử lý")
    return notices


def renderers(formats: Sequence[str]) -> dict[str, Renderer]:
    """Return the renderer of each requested format (imported only when asked for)."""
    out: dict[str, Renderer] = {}
    for fmt in formats:
        if fmt == "pdf":
            from vanban.render_pdf import render_pdf

            out[fmt] = render_pdf
        elif fmt == "docx":
            from vanban.render_docx import render_docx

            out[fmt] = render_docx
        else:
            raise UsageError(f"định dạng không hỗ trợ: {fmt} (chỉ có {', '.join(FORMATS)})")
    return out


def render(notices: Sequence[Notice], formats: Sequence[str] = FORMATS,
           templates: Path | None = None) -> dict[str, bytes]:
    """Render every notice in every format in memory; return ``{file name: bytes}``."""
    path = search_path(templates)
    chosen = renderers(formats)
    files: dict[str, bytes] = {}
    for notice in notices:
        ctx = build_context(notice.model, notice.stem)
        for fmt, renderer in chosen.items():
            files[f"{notice.stem}.{fmt}"] = renderer(ctx, path)
    return files


def build(paths: Sequence[Path], out_dir: Path, formats: Sequence[str] = FORMATS,
          templates: Path | None = None) -> list[Path]:
    """Validate, render and write every notice under ``paths`` into ``out_dir``; return the files written."""
    notices = load(paths)
    files = render(notices, formats, templates)
    return write_all(out_dir, files)
