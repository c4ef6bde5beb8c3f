"""Render a context to .docx bytes with docxtpl and the Word template ``thong_bao.docx``.

Why this shape: the template holds the layout in named styles an office can restyle in
Word; the text comes formatted from the same ``Context`` the PDF uses, so the two formats
never disagree. Jinja escapes every value (docxtpl's lenient XML parser would otherwise drop
``&`` and ``<`` silently) and fails on unknown names. The widths of the three rules vary per
notice and cannot sit inside XML attributes of the template, so they are set here after
rendering. Zip times and core properties are fixed so the same notice gives the same bytes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vanban.errors import RenderError
from vanban.i18n import _
from vanban.pipeline.context import Context
from vanban.pipeline.docx_check import fill, open_template
from vanban.pipeline.output import fixed_zip
from vanban.pipeline.templates import environment, find, variables

DOCX_TEMPLATE = "thong_bao.docx"

#: Style ids (style name without spaces) of the rule paragraphs in the template [§4.5].
RULE_STYLE_IDS = {
    "VBRuleCoQuan": "co_quan",
    "VBRuleTieuNgu": "tieu_ngu",
    "VBRuleTrichYeu": "trich_yeu",
}

CORE_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"


def twips(mm: float) -> int:
    """Return ``mm`` in twentieths of a point, the unit of OOXML geometry."""
    return round(mm * 1440 / 25.4)


def render_docx(ctx: Context, template_path: tuple[Path, ...]) -> bytes:
    """Return the .docx of ``ctx``, rendered from the first ``thong_bao.docx`` on ``template_path``."""
    path = find(DOCX_TEMPLATE, template_path)
    template = open_template(path)  # checked part by part: nothing external, active or hidden [docx_check]
    fill(template, variables(ctx), environment(template_path), path)  # sandboxed Jinja, output checked again
    document = template.docx
    _size_rules(document, ctx)
    _set_properties(document, ctx)
    out = io.BytesIO()
    document.save(out)
    return fixed_zip(out.getvalue())


def _size_rules(document: Any, ctx: Context) -> None:
    """Indent each rule paragraph so its bottom border is exactly as long as the context says.

    Why: ND30 sizes the rules from the text above them [R-EL-1b, R-EL-2b, R-EL-5a-2]; a
    paragraph border spans the room between the indents, so each side gets half the rest.
    """
    from docx.oxml.ns import qn
    from docx.shared import Twips
    from docx.text.parfmt import ParagraphFormat

    widths_mm = {
        "co_quan": ctx.co_quan_rule_mm,
        "tieu_ngu": ctx.tieu_ngu_rule_mm,
        "trich_yeu": ctx.trich_yeu_rule_mm,
    }
    found: set[str] = set()
    for p in document.element.body.iter(qn("w:p")):
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        key = RULE_STYLE_IDS.get(style.get(qn("w:val"))) if style is not None else None
        if key is None:
            continue
        spare = max(0, _room_twips(p, ctx) - twips(widths_mm[key]))
        fmt = ParagraphFormat(p)
        fmt.left_indent = Twips(spare // 2)  # centred: the odd twip goes right
        fmt.right_indent = Twips(spare - spare // 2)
        found.add(key)
    missing = set(widths_mm) - found
    if missing:
        raise RenderError(ctx.stem, _("mẫu {template} thiếu đường kẻ: {names}").format(
            template=DOCX_TEMPLATE, names=", ".join(sorted(missing))))


def _room_twips(p: Any, ctx: Context) -> int:
    """Return the width a paragraph may fill: its cell less the cell margins, or the text block."""
    from docx.oxml.ns import qn

    cell = next((a for a in p.iterancestors(qn("w:tc"))), None)
    if cell is None:
        return twips(ctx.layout.text_width_mm)
    table = next(cell.iterancestors(qn("w:tbl")))
    row = cell.getparent()
    index = row.findall(qn("w:tc")).index(cell)
    grid = table.find(qn("w:tblGrid")).findall(qn("w:gridCol"))
    width = int(grid[index].get(qn("w:w")))
    margins = table.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}")
    for side in ("left", "right"):
        node = margins.find(qn(f"w:{side}")) if margins is not None else None
        width -= int(node.get(qn("w:w"))) if node is not None else twips(ctx.layout.cell_padding_mm)
    return width


@contextlib.contextmanager
def core_namespace() -> Iterator[None]:
    """Map the ``cp`` prefix to the core-properties namespace while python-docx edits them.

    Why: importing docxtpl imports docxcompose, which rebinds python-docx's global ``cp``
    prefix to the *custom*-properties namespace; python-docx then writes lastModifiedBy,
    revision and lastPrinted a second time in the wrong namespace (an invalid core.xml).
    """
    from docx.oxml import ns

    saved = ns.nsmap.get("cp")
    ns.nsmap["cp"] = CORE_NS
    try:
        yield
    finally:
        if saved is not None:
            ns.nsmap["cp"] = saved


def _set_properties(document: Any, ctx: Context) -> None:
    """Set title, author and dates from the content, never from the clock [R-SIG-13]."""
    when = ctx.meta.created.astimezone(dt.UTC).replace(tzinfo=None)
    with core_namespace():
        props = document.core_properties
        # python-docx refuses core properties over 255 characters; a long trích yếu is legal.
        props.title = _fit(ctx.meta.title)
        props.author = _fit(ctx.meta.author)
        props.subject = _fit(ctx.meta.subject)
        props.language = ctx.meta.lang
        props.created = props.modified = props.last_printed = when
        props.last_modified_by = ""
        props.revision = 1


def _fit(text: str, limit: int = 255) -> str:
    """Return ``text`` cut to ``limit`` characters (ending in "…" when cut), for a document property."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
