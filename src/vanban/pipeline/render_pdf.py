"""Render a context to PDF bytes through HTML and WeasyPrint.

Why this shape: WeasyPrint silently falls back to another font, fetches ``file://`` and
``http://`` URLs and only logs what goes wrong. Here it sees only the bundled fonts (a
private fontconfig), may fetch nothing, and any warning it logs fails the render.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vanban.errors import RenderError
from vanban.i18n import _
from vanban.pipeline.context import Context
from vanban.pipeline.fonts import fontconfig_file
from vanban.pipeline.templates import environment, search_path, variables

HTML_TEMPLATE = "thong_bao.html"


def html_template(loai: str) -> str:
    """Return the HTML template of a kind: ``<loai>.html`` (``thong_bao.html`` for a Thông báo)."""
    return f"{loai}.html"


def render_html(ctx: Context, template_path: tuple[Path, ...] | None = None) -> str:
    """Return the document as HTML (layout only; all text comes formatted from the context).

    The kind's template runs sandboxed; any template error is a RenderError naming its file and line.
    """
    from vanban.pipeline.sandbox import render

    return render(environment(template_path or search_path()), html_template(ctx.loai), variables(ctx))


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _no_library_search() -> Iterator[None]:
    """Make ``ctypes.util.find_library`` answer None while WeasyPrint loads its C libraries.

    Why: WeasyPrint tries several names per library and, for each miss, cffi asks
    find_library, which spawns ldconfig, gcc and ld: 22 processes and ~0.2 s of every cold
    ``vanban build`` (measured for issue 8). On Linux the plain sonames it tries next
    (``libpango-1.0.so.0``…) load directly.
    """
    import ctypes.util

    original = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = original


def _weasyprint() -> Any:
    """Import WeasyPrint with the private fontconfig in force (it must be set before import)."""
    os.environ["FONTCONFIG_FILE"] = str(fontconfig_file())
    if sys.platform.startswith("linux") and "weasyprint" not in sys.modules:
        try:
            with _no_library_search():
                import weasyprint
        except OSError:
            pass  # unusual library names: the import below searches the usual, slow way
    import weasyprint

    return weasyprint


def render_pdf(ctx: Context, template_path: tuple[Path, ...] | None = None, variant: str | None = None) -> bytes:
    """Return the PDF of ``ctx``; raise RenderError on any WeasyPrint warning or fetch attempt.

    ``variant`` names a PDF profile, e.g. ``pdf/a-2b`` for what is archived: XMP metadata with
    ``pdfaid``, an sRGB output intent, every font embedded; it stays byte-reproducible
    (measured with WeasyPrint 70.0; PDF/X-4 would not be, it writes a random id).
    """
    return html_to_pdf(render_html(ctx, template_path), ctx.stem, variant)


def render_template_pdf(template: str, values: dict[str, Any], stem: str,
                        template_path: tuple[Path, ...] | None = None) -> bytes:
    """Return the PDF of any HTML ``template`` given display-ready ``values`` (the register's sheet, say).

    Why: a page that is not a notice (the outgoing register of Phụ lục IV) gets the same
    sandbox, bundled fonts and no-fetch rules as every notice.
    """
    from vanban.pipeline.sandbox import render

    html = render(environment(template_path or search_path()), template, values)
    return html_to_pdf(html, stem)


def html_to_pdf(html: str, stem: str, variant: str | None = None) -> bytes:
    """Return the PDF of ``html``; raise RenderError naming ``stem`` on any WeasyPrint warning or fetch attempt."""
    weasyprint = _weasyprint()
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    collector = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        fetcher = URLFetcher(allowed_protocols=set(), fail_on_errors=True)
        document = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher)
        pdf: bytes = document.write_pdf(pdf_variant=variant) if variant else document.write_pdf()
    except FatalURLFetchingError as exc:  # a BaseException: not caught by `except Exception`
        message = _("mẫu hoặc nội dung đòi tải tài nguyên bên ngoài: {error}").format(error=exc)
        raise RenderError(stem, message) from None
    finally:
        logger.removeHandler(collector)
    if collector.messages:
        warnings = "; ".join(collector.messages[:5])
        raise RenderError(stem, _("WeasyPrint cảnh báo: {messages}").format(messages=warnings))
    return pdf
