"""vanban: render Vietnamese official notices (ND30/2020) from YAML into .docx and PDF.

The public API is what this package exports; everything else is internal.
"""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

from vanban.build import build, load, render  # light: it imports its heavy parts on first use
from vanban.errors import ContentError, OutputError, Problem, RenderError, UsageError, VanbanError

if TYPE_CHECKING:
    from vanban.context import Context, Layout, build_context
    from vanban.model import ThongBao

# Why lazy: `vanban --help` must not pay for pydantic, WeasyPrint or fontTools (issue 8).
_LAZY = {
    "Context": "vanban.context", "Layout": "vanban.context", "build_context": "vanban.context",
    "ThongBao": "vanban.model",
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
