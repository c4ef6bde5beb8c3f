"""Render a notice in the formats asked for: one context, then each format's renderer.

Why here: ``build``, the per-unit extract and the benchmark all render the same way; the
renderers are chosen by format name, and an unknown format is refused before anything runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from vanban.pipeline.context import Context, build_context
from vanban.pipeline.formats import FORMATS, check_formats
from vanban.pipeline.model import Frame
from vanban.pipeline.notice import Notice
from vanban.pipeline.render_docx import render_docx
from vanban.pipeline.render_pdf import render_pdf
from vanban.pipeline.templates import search_path

__all__ = ["FORMATS", "Renderer", "check_formats", "render", "render_model", "render_notice", "renderers"]

Renderer = Callable[[Context, tuple[Path, ...]], bytes]

_RENDERERS: dict[str, Renderer] = {"pdf": render_pdf, "docx": render_docx}


def renderers(formats: Sequence[str]) -> dict[str, Renderer]:
    """Return the renderer of each of ``formats`` (checked, without duplicates)."""
    return {fmt: _RENDERERS[fmt] for fmt in check_formats(formats)}


def render_model(model: Frame, stem: str, formats: Sequence[str],
                 template_path: tuple[Path, ...]) -> dict[str, bytes]:
    """Render one document model in every format in memory; return ``{file name: bytes}``."""
    chosen = renderers(formats)
    ctx = build_context(model, stem)
    return {f"{stem}.{fmt}": renderer(ctx, template_path) for fmt, renderer in chosen.items()}


def render_notice(notice: Notice, formats: Sequence[str], template_path: tuple[Path, ...]) -> dict[str, bytes]:
    """Render one loaded notice in every format in memory; return ``{file name: bytes}``."""
    return render_model(notice.model, notice.stem, formats, template_path)


def render(notices: Sequence[Notice], formats: Sequence[str] = FORMATS,
           templates: Path | None = None) -> dict[str, bytes]:
    """Render every notice in every format in memory; return ``{file name: bytes}``."""
    path = search_path(templates)
    check_formats(formats)  # fail on an unknown format before rendering anything
    files: dict[str, bytes] = {}
    for notice in notices:
        files.update(render_notice(notice, formats, path))
    return files
