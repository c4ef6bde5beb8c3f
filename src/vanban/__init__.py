"""vanban: render Vietnamese official notices (ND30/2020) from YAML into .docx and PDF.

The public API is what this package exports; everything else is internal. The pipeline
stages live in ``vanban.pipeline``, the commands built on them in ``vanban.commands``.
"""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

from vanban.errors import ContentError, OutputError, Problem, RenderError, UsageError, VanbanError

if TYPE_CHECKING:
    from vanban.commands.build import build
    from vanban.pipeline.context import Context, Layout, build_context
    from vanban.pipeline.model import ThongBao
    from vanban.pipeline.notice import Notice, load, load_notice
    from vanban.pipeline.render import render

# Why lazy: `vanban --help` must not pay for pydantic, WeasyPrint or fontTools (issue 8).
_LAZY = {
    "Context": "vanban.pipeline.context", "Layout": "vanban.pipeline.context",
    "build_context": "vanban.pipeline.context", "ThongBao": "vanban.pipeline.model",
    "Notice": "vanban.pipeline.notice", "load": "vanban.pipeline.notice", "load_notice": "vanban.pipeline.notice",
    "render": "vanban.pipeline.render", "build": "vanban.commands.build",
}


def __getattr__(name: str) -> Any:
    """Import the heavy parts of the public API on first use."""
    if name not in _LAZY:
        raise AttributeError(f"module 'vanban' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


__all__ = [
    "ContentError",
    "Context",
    "Layout",
    "Notice",
    "OutputError",
    "Problem",
    "RenderError",
    "ThongBao",
    "UsageError",
    "VanbanError",
    "__version__",
    "build",
    "build_context",
    "load",
    "load_notice",
    "render",
]
