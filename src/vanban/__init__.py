"""vanban: render Vietnamese official notices (ND30/2020) from YAML into .docx and PDF.

The public API is what this package exports; everything else is internal.
"""

from __future__ import annotations

__version__ = "0.1.0"

from vanban.build import build, load, render
from vanban.context import Context, Layout, build_context
from vanban.errors import ContentError, OutputError, Problem, RenderError, UsageError, VanbanError
from vanban.model import ThongBao

__all__ = [
    "ContentError",
    "Context",
    "Layout",
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
    "render",
]
