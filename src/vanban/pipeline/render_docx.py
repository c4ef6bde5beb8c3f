"""Render a context to .docx bytes with docxtpl and the kind's Word template (``thong_bao.docx`` …).

Why this shape: the template holds the layout in named styles an office can restyle in
Word; the text comes formatted from the same ``Context`` the PDF uses, so the two formats
never disagree. Jinja escapes every value (docxtpl's lenient XML parser would otherwise drop
``&`` and ``<`` silently) and fails on unknown names. The widths of the three rules vary per
notice and cannot sit inside XML attributes of the template, so they are set here after
rendering; so are the runs of a paragraph with emphasis, no-break spans or footnote calls
(the template shows its words, the renderer gives them their runs) and the footnotes
themselves, real Word footnotes in the template's footnotes part. Zip times and core
properties are fixed so the same notice gives the same bytes.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vanban.errors import RenderError
from vanban.i18n import _
from vanban.pipeline import inline
from vanban.pipeline.context import Context
from vanban.pipeline.docx_check import fill, open_template
from vanban.pipeline.inline import Run
from vanban.pipeline.output import fixed_zip
from vanban.pipeline.templates import environment, find, variables

DOCX_TEMPLATE = "thong_bao.docx"


def docx_template(loai: str) -> str:
    """Return the Word template of a kind: ``<loai>.docx`` (``thong_bao.docx`` for a Thông báo)."""
    return f"{loai}.docx"


#: Style ids (style name without spaces) of the rule paragraphs in the template [§4.5].
RULE_STYLE_IDS = {
    "VBRuleCoQuan": "co_quan",
    "VBRuleTieuNgu": "tieu_ngu",
    "VBRuleTrichYeu": "trich_yeu",
}
#: Style id of the "Nơi nhận:" paragraph: its table is the Nơi nhận | signer table [§3.3].
NOI_NHAN_LABEL_ID = "VBNoiNhanLabel"
#: Style ids of the Kính gửi paragraphs whose indents vary per document [R-EL-9a].
KINH_GUI_LABEL_ID, KINH_GUI_ITEM_ID = "VBKinhGui", "VBKinhGuiItem"

CORE_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"


def twips(mm: float) -> int:
    """Return ``mm`` in twentieths of a point, the unit of OOXML geometry."""
    return round(mm * 1440 / 25.4)


def render_docx(ctx: Context, template_path: tuple[Path, ...]) -> bytes:
    """Return the .docx of ``ctx``, rendered from the first ``<loai>.docx`` of its kind on ``template_path``."""
    name = docx_template(ctx.loai)
    path = find(name, template_path)
    template = open_template(path)  # checked part by part: nothing external, active or hidden [docx_check]
    fill(template, variables(_joined(ctx)), environment(template_path), path)  # sandboxed Jinja, output checked again
    document = template.docx
    _fill_runs(document, ctx, name)
    _add_footnotes(document, ctx, name)
    _size_rules(document, ctx, name)
    _indent_kinh_gui(document, ctx)
    _size_sign_table(document, ctx)
    _set_properties(document, ctx)
    out = io.BytesIO()
    document.save(out)
    return fixed_zip(out.getvalue())


def _joined(ctx: Context) -> Context:
    """Return the context as the Word template shows it: Nơi nhận lines with their no-break spans closed.

    Why: those lines reach the template as plain values; the context marks where they must
    not break [R-BRK-1] and only Word needs the joiners in the text itself.
    """
    if not ctx.noi_nhan_runs:
        return ctx
    sao = ctx.sao and dataclasses.replace(ctx.sao, noi_nhan=tuple(inline.joined_text(r) for r in ctx.sao.noi_nhan_runs))
    return dataclasses.replace(ctx, noi_nhan=tuple(inline.joined_text(runs) for runs in ctx.noi_nhan_runs), sao=sao)


def _size_rules(document: Any, ctx: Context, template: str) -> None:
    """Indent each rule paragraph so its bottom border is exactly as long as the context says.

    Why: ND30 sizes the rules from the text above them [R-EL-1b, R-EL-2b, R-EL-5a-2]; a
    paragraph border spans the room between the indents, so each side gets half the rest. A
    paper copy's block has a second issuing-body rule, under the copying body's name: the
    rules of one style are sized in document order.
    """
    from docx.oxml.ns import qn
    from docx.shared import Twips
    from docx.text.parfmt import ParagraphFormat

    widths_mm = {
        "co_quan": [ctx.co_quan_rule_mm, *([ctx.sao.co_quan_rule_mm] if ctx.sao else [])],
        "tieu_ngu": [ctx.tieu_ngu_rule_mm],
    }
    if ctx.ten_loai:  # nothing is ruled under a công văn's "V/v …" [§4.5]
        widths_mm["trich_yeu"] = [ctx.trich_yeu_rule_mm]
    found: dict[str, int] = {}
    for p in document.element.body.iter(qn("w:p")):
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        key = RULE_STYLE_IDS.get(style.get(qn("w:val"))) if style is not None else None
        if key is None or key not in widths_mm:
            continue
        index = found[key] = found.get(key, -1) + 1
        width = widths_mm[key][min(index, len(widths_mm[key]) - 1)]
        spare = max(0, _room_twips(p, ctx) - twips(width))
        fmt = ParagraphFormat(p)
        fmt.left_indent = Twips(spare // 2)  # centred: the odd twip goes right
        fmt.right_indent = Twips(spare - spare // 2)
    missing = set(widths_mm) - set(found)
    if missing:
        raise RenderError(ctx.stem, _("mẫu {template} thiếu đường kẻ: {names}").format(
            template=template, names=", ".join(sorted(missing))))


def _indent_kinh_gui(document: Any, ctx: Context) -> None:
    """Indent the Kính gửi label and items as the context measured them: dashes under the colon [R-EL-9a].

    Why after rendering: the indents depend on the addressees' widths, and Jinja may not
    write inside an XML attribute of the template.
    """
    block = ctx.kinh_gui
    if block is None or block.one_line:
        return
    from docx.oxml.ns import qn
    from docx.shared import Twips
    from docx.text.parfmt import ParagraphFormat

    indents = {KINH_GUI_LABEL_ID: (block.indent_mm, 0.0), KINH_GUI_ITEM_ID: (block.item_indent_mm, block.hang_mm)}
    for p in document.element.body.iterchildren(qn("w:p")):
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        left, hang = indents.get(style.get(qn("w:val")) if style is not None else "", (None, 0.0))
        if left is None:
            continue
        fmt = ParagraphFormat(p)
        fmt.left_indent = Twips(twips(left + hang))
        fmt.first_line_indent = Twips(-twips(hang))


def _size_sign_table(document: Any, ctx: Context) -> None:
    """Give the Nơi nhận | signer table the context's column widths: the grid and every cell [§3.3].

    Why after rendering: the widths fit each notice's list (``layout.noi_nhan_width``) and Jinja
    may not write inside an XML attribute of the template; the PDF's columns have the same widths.
    A template whose table has not two columns is left as its author made it.
    """
    from docx.oxml.ns import qn

    widths = (twips(ctx.cot_noi_nhan_mm), twips(ctx.cot_nguoi_ky_mm))
    for table in document.element.body.iter(qn("w:tbl")):
        styles = {s.get(qn("w:val")) for s in table.iter(qn("w:pStyle"))}
        grid = table.find(qn("w:tblGrid"))
        columns = grid.findall(qn("w:gridCol")) if grid is not None else []
        if NOI_NHAN_LABEL_ID not in styles or len(columns) != 2:
            continue
        for column, width in zip(columns, widths, strict=True):
            column.set(qn("w:w"), str(width))
        for row in table.findall(qn("w:tr")):
            cells = row.findall(qn("w:tc"))
            if len(cells) != 2:
                continue
            for cell, width in zip(cells, widths, strict=True):
                size = cell.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
                if size is not None:
                    size.set(qn("w:w"), str(width))
                    size.set(qn("w:type"), "dxa")


FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
#: Style ids of Word's own footnote styles, which the template carries.
FOOTNOTE_TEXT_ID, FOOTNOTE_REFERENCE_ID = "FootnoteText", "FootnoteReference"
WORD_JOINER = "\u2060"
FONT = "Times New Roman"  # R-FONT-1


def _w(tag: str, **attrs: str) -> Any:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    return OxmlElement(f"w:{tag}", {qn(f"w:{name}"): value for name, value in attrs.items()})


def _fill_runs(document: Any, ctx: Context, template: str) -> None:
    """Give each body paragraph with emphasis, no-break spans or footnotes its runs from the context.

    Why after rendering: the template prints ``{{ block.text }}`` in the paragraph's style, so
    an office can restyle it in Word; only a paragraph whose words are not one plain run is
    rebuilt here, each run keeping the template run's own properties. Paragraphs an office
    added to its template between the blocks are passed over.
    """
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    pending = list(ctx.body)
    started = not ctx.ten_loai  # with a tên loại, the body starts after the trích yếu's rule
    for p in document.element.body.iterchildren(qn("w:p")):
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if not started:
            started = style is not None and RULE_STYLE_IDS.get(style.get(qn("w:val"))) == "trich_yeu"
            continue
        if not pending:
            break
        if Paragraph(p, document).text != pending[0].text:
            continue
        block = pending.pop(0)
        if not block.plain:
            _set_runs(p, block.runs)
    if pending:
        raise RenderError(ctx.stem, _("mẫu {template} thiếu đoạn nội dung").format(template=template))


def _set_runs(p: Any, runs: tuple[Run, ...]) -> None:
    """Replace the runs of paragraph ``p`` with ``runs``, on the first run's properties."""
    from docx.oxml.ns import qn

    old = p.findall(qn("w:r"))
    base = old[0].find(qn("w:rPr")) if old else None
    for r in old:
        p.remove(r)
    for run in runs:
        p.append(_run(run, base))


def _properties(base: Any, style: str = "", bold: bool = False, italic: bool = False) -> Any:
    """Return run properties: a copy of ``base`` with a character style, bold or italic added in order."""
    from docx.oxml.ns import qn

    rpr = copy.deepcopy(base) if base is not None else _w("rPr")
    position = 0
    if style:
        rpr.insert(0, _w("rStyle", val=style))
        position = 1
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:  # every run names the font itself [R-FONT-1; T-09]
        fonts = _w("rFonts", ascii=FONT, hAnsi=FONT, cs=FONT, eastAsia=FONT)
        rpr.insert(position, fonts)
    position = list(rpr).index(fonts) + 1
    for flag, tag in ((bold, "b"), (italic, "i")):
        if flag and rpr.find(qn(f"w:{tag}")) is None:
            rpr.insert(position, _w(tag))
            position += 1
    return rpr


def _run(run: Run, base: Any) -> Any:
    """Return one w:r: text (line breaks, tabs, no-break spans) or a footnote reference."""
    element = _w("r")
    if run.note is not None:
        element.append(_properties(base, FOOTNOTE_REFERENCE_ID))
        element.append(_w("footnoteReference", id=str(run.note.number)))
        return element
    element.append(_properties(base, bold=run.bold, italic=run.italic))
    text = run.text
    if run.nobreak:
        # A span that must not break [R-BRK-1]: no-break spaces, Word's no-break hyphen, a word
        # joiner after other break points ("/", "–"; Liberation Serif has no U+2011 glyph); a
        # "/" that ends the run is where a web address may break.
        text = inline.no_break(text, hyphens=False)
    piece: list[str] = []

    def flush() -> None:
        if piece:
            node = _w("t")
            node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            node.text = "".join(piece)
            element.append(node)
            piece.clear()

    for ch in text:
        special = {"\n": "br", "\t": "tab"}.get(ch) or ("noBreakHyphen" if run.nobreak and ch == "-" else "")
        if special:
            flush()
            element.append(_w(special))
        else:
            piece.append(ch)
    flush()
    return element


def _add_footnotes(document: Any, ctx: Context, template: str) -> None:
    """Append the notice's footnotes to the template's footnotes part: same words, numbered in order."""
    if not ctx.footnotes:
        return
    from docx.opc.oxml import serialize_part_xml
    from docx.oxml import parse_xml

    part = next((rel.target_part for rel in document.part.rels.values() if rel.reltype == FOOTNOTES_REL), None)
    if part is None:
        raise RenderError(ctx.stem, _("mẫu {template} không có phần chú thích (footnotes); hãy tạo lại mẫu").format(
            template=template))
    root = parse_xml(part.blob)
    base = _w("rPr")
    for note in ctx.footnotes:
        footnote = _w("footnote", id=str(note.number))
        p = _w("p")
        ppr = _w("pPr")
        ppr.append(_w("pStyle", val=FOOTNOTE_TEXT_ID))
        p.append(ppr)
        mark = _w("r")
        mark.append(_properties(base, FOOTNOTE_REFERENCE_ID))
        mark.append(_w("footnoteRef"))
        p.append(mark)
        for run in (Run(" "), *note.runs):
            p.append(_run(run, base))
        footnote.append(p)
        root.append(footnote)
    part._blob = serialize_part_xml(root)


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
