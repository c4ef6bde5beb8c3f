"""Generate ``templates/<loai>.docx``, the Word template of each document kind (run to recreate them).

Why a script: the templates are binary, so they are built from this reviewable source with
python-docx and lxml, from the same ``vanban.pipeline.context.LAYOUT`` numbers the PDF's CSS uses.
Every kind's template is made by the same builders of the frame (header, body, Nơi nhận and
signer, page numbers); a kind adds only the builders of its own cells: the tên loại and
trích yếu (ô 5a), or the "V/v …" under the number (ô 5b) and the Kính gửi (ô 9a), with their
styles, so a template holds no style it does not use. All formatting lives in named
paragraph styles ("VB …"), so an office can open a template in Word and restyle it; runs
carry only the font name [R-FONT-1]. Only Jinja text and ``{%p %}`` paragraph tags appear,
each tag inside one run, never inside an attribute, so the file stays valid OOXML. Widths of
the rules and the Kính gửi indents vary per document; the renderer sets them after rendering
(see ``vanban.pipeline.render_docx``).

Usage: ``python tools/make_docx_template.py [LOAI …] [-o FILE]`` (default: every kind, into
``templates/``; ``-o`` writes the one kind named to FILE).
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips

from vanban.pipeline.context import LAYOUT, Layout
from vanban.pipeline.kinds import DEFAULT, KINDS
from vanban.pipeline.output import fixed_zip
from vanban.pipeline.render_docx import core_namespace, twips

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
FONT = "Times New Roman"  # R-FONT-1


#: Style ids the renderer looks for to size the three rules [R-EL-1b, R-EL-2b, R-EL-5a-2].
RULE_STYLES = {
    "co_quan": "VB Rule Co Quan",
    "tieu_ngu": "VB Rule Tieu Ngu",
    "trich_yeu": "VB Rule Trich Yeu",
}

# Schema order of the children of w:rPr and w:pPr (ECMA-376 §17.3.2.28, §17.3.1.26): Word
# rejects a file whose property elements are out of order.
_RPR_ORDER = (
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
    "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing",
    "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
    "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath",
)
_PPR_ORDER = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
    "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
    "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
    "sectPr", "pPrChange",
)
_TBLPR_ORDER = (
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
    "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
)


def _el(tag: str, **attrs: str) -> Any:
    element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _put(parent: Any, child: Any, order: Sequence[str]) -> Any:
    """Insert ``child`` into ``parent`` at its schema position, replacing one of the same tag."""
    local = child.tag.split("}")[1]
    for old in parent.findall(child.tag):
        parent.remove(old)
    rank = order.index(local)
    for index, existing in enumerate(parent):
        name = existing.tag.split("}")[1]
        if name in order and order.index(name) > rank:
            parent.insert(index, child)
            return child
    parent.append(child)
    return child


def _fonts() -> Any:
    """Return w:rFonts naming Times New Roman for every script, no theme fonts [R-FONT-1; T-09]."""
    return _el("w:rFonts", ascii=FONT, hAnsi=FONT, cs=FONT, eastAsia=FONT)


def _rpr_fonts(rpr: Any) -> None:
    _put(rpr, _fonts(), _RPR_ORDER)


# --- package clean-up -------------------------------------------------------------------


def _strip_package(doc: Any) -> None:
    """Drop the parts of python-docx's default template a notice never uses (smaller, cleaner)."""
    drop = {"stylesWithEffects", "customXml", "numbering", "webSettings"}
    rels = doc.part.rels
    for rid in [r for r, rel in rels.items() if rel.reltype.rsplit("/", 1)[-1] in drop]:
        rels.pop(rid)
    pkg_rels = doc.part.package.rels
    for rid in [r for r, rel in pkg_rels.items() if rel.reltype.endswith("/thumbnail")]:
        pkg_rels.pop(rid)


_APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>vanban</Application><DocSecurity>0</DocSecurity></Properties>"
)


def _app_properties(doc: Any) -> None:
    """Replace the default app.xml ("Microsoft Macintosh Word", 1 page) with a neutral one."""
    for part in doc.part.package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            part._blob = _APP_XML.encode("utf-8")


def _clean_styles(doc: Any, keep: set[str]) -> None:
    """Keep only the styles the template uses; give defaults TNR 14 pt black, Vietnamese [R-FONT-1/3]."""
    styles = doc.styles.element
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:styleId")) not in keep:
            styles.remove(style)
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(rpr):
        rpr.remove(child)
    _rpr_fonts(rpr)
    _put(rpr, _el("w:color", val="000000"), _RPR_ORDER)
    _put(rpr, _el("w:sz", val=str(int(LAYOUT.body_pt * 2))), _RPR_ORDER)
    _put(rpr, _el("w:szCs", val=str(int(LAYOUT.body_pt * 2))), _RPR_ORDER)
    _put(rpr, _el("w:lang", val="vi-VN", eastAsia="vi-VN", bidi="ar-SA"), _RPR_ORDER)
    ppr_default = defaults.find(qn("w:pPrDefault"))
    if ppr_default is None:
        ppr_default = _el("w:pPrDefault")
        defaults.append(ppr_default)
    ppr = ppr_default.find(qn("w:pPr"))
    if ppr is None:
        ppr = _el("w:pPr")
        ppr_default.append(ppr)
    for child in list(ppr):
        ppr.remove(child)
    _put(ppr, _el("w:spacing", after="0", line="240", lineRule="auto"), _PPR_ORDER)
    # Every remaining style names the font itself as well, so no theme font can leak in [T-09].
    for style in styles.findall(qn("w:style")):
        style_rpr = style.get_or_add_rPr()  # inserted at its schema place (before w:tblPr)
        for theme_attr in ("asciiTheme", "hAnsiTheme", "cstheme", "eastAsiaTheme"):
            for fonts in style_rpr.findall(qn("w:rFonts")):
                fonts.attrib.pop(qn(f"w:{theme_attr}"), None)
        _rpr_fonts(style_rpr)
        _put(style_rpr, _el("w:color", val="000000"), _RPR_ORDER)


def _theme_fonts_tnr(doc: Any) -> None:
    """Point the theme's major/minor Latin fonts at TNR too, in case Word ever falls back to them."""
    for rel in doc.part.rels.values():
        if rel.reltype.endswith("/theme"):
            part = rel.target_part
            blob = part.blob.decode("utf-8")
            for face in ("Calibri Light", "Calibri", "Cambria", "Arial"):
                blob = blob.replace(f'<a:latin typeface="{face}"', f'<a:latin typeface="{FONT}"')
            part._blob = blob.encode("utf-8")


def _settings(doc: Any) -> None:
    """Use Word 2013+ layout (tables start at the margin, as in the PDF) and Vietnamese proofing."""
    settings = doc.settings.element
    for compat in settings.iter(qn("w:compatSetting")):
        if compat.get(qn("w:name")) == "compatibilityMode":
            compat.set(qn("w:val"), "15")
    for lang in settings.iter(qn("w:themeFontLang")):
        lang.set(qn("w:val"), "vi-VN")
    for rsids in settings.findall(qn("w:rsids")):
        settings.remove(rsids)


# --- styles -------------------------------------------------------------------------------


def _para_style(
    doc: Any,
    name: str,
    size_pt: float,
    *,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    before_pt: float = 0.0,
    keep_next: bool = False,
    base: str = "Normal",
) -> Any:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles[base]
    style.quick_style = True
    font = style.font
    font.name = FONT
    font.size = Pt(size_pt)
    font.bold = bold
    font.italic = italic
    font.color.rgb = RGBColor(0, 0, 0)  # R-FONT-3
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.space_before = Pt(before_pt)
    fmt.space_after = Pt(0)
    # R-BODY-4: single spacing (Word's own "Single"), the pitch the PDF uses too (Layout.line_height_em).
    fmt.line_spacing = LAYOUT.line_spacing
    fmt.keep_with_next = keep_next
    fmt.widow_control = True
    _rpr_fonts(style.element.get_or_add_rPr())
    return style


def _rule_style(doc: Any, name: str, layout: Layout, offset_pt: float) -> Any:
    """An empty paragraph whose bottom border is the rule; indents are set per notice [§4.5].

    ``offset_pt`` is the CSS's distance from the line box above to the rule's top edge
    (``Layout.rule_offset_pt``); Word and LibreOffice draw a bottom border centred on the
    paragraph's bottom edge, so the paragraph is half the rule's weight taller.
    """
    style = _para_style(doc, name, 1.0, keep_next=True)
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    # R-EL-1b, R-EL-2b, R-EL-5a-2: clear of the descenders and dots below of the line above.
    fmt.line_spacing = Pt(round(offset_pt + layout.rule_weight_pt / 2, 2))
    ppr = style.element.get_or_add_pPr()
    border = _el("w:pBdr")
    border.append(
        _el("w:bottom", val="single", sz=str(round(layout.rule_weight_pt * 8)), space="0", color="000000")
    )
    _put(ppr, border, _PPR_ORDER)
    return style


#: Word's own style names for footnotes, so footnotes an office adds in Word look like vanban's.
FOOTNOTE_TEXT, FOOTNOTE_REFERENCE = "Footnote Text", "Footnote Reference"


def _footnote_styles(doc: Any, layout: Layout) -> None:
    """Footnote text (single, justified, no indent) and the superscript reference mark [R-FONT-1/4]."""
    text = _para_style(doc, FOOTNOTE_TEXT, layout.footnote_pt, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    text.quick_style = False
    reference = doc.styles.add_style(FOOTNOTE_REFERENCE, WD_STYLE_TYPE.CHARACTER)
    reference.base_style = doc.styles["Default Paragraph Font"]
    reference.font.superscript = True
    _rpr_fonts(reference.element.get_or_add_rPr())
    for style in (text, reference):  # Word's built-in styles, not custom ones
        style.element.attrib.pop(qn("w:customStyle"), None)


_FOOTNOTES_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
    "</w:pPr><w:r>{fonts}<w:separator/></w:r></w:p></w:footnote>"
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
    'w:lineRule="auto"/></w:pPr><w:r>{fonts}<w:continuationSeparator/></w:r></w:p></w:footnote>'
    "</w:footnotes>"
)


def _footnotes_part(doc: Any) -> None:
    """Add the footnotes part (Word's separators only); the renderer appends each notice's footnotes.

    Why in the template: Word expects the part, its relationship and the separators to exist
    before any footnote does, so a notice's footnotes stay real, editable Word footnotes.
    """
    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    fonts = f'<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:eastAsia="{FONT}"/></w:rPr>'
    blob = _FOOTNOTES_XML.format(fonts=fonts).encode("utf-8")
    part = Part(PackURI("/word/footnotes.xml"), CONTENT_TYPE.WML_FOOTNOTES, blob, doc.part.package)
    doc.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    settings = doc.settings.element
    properties = _el("w:footnotePr")
    for number in ("-1", "0"):
        properties.append(_el("w:footnote", id=number))
    settings.find(qn("w:compat")).addprevious(properties)


def _table_style(doc: Any, layout: Layout) -> Any:
    """A borderless table style with Word's default cell margins, in TNR [§3.3]."""
    style = doc.styles.add_style("VB Table", WD_STYLE_TYPE.TABLE)
    style.base_style = doc.styles["Normal Table"]
    element = style.element
    tblpr = element.find(qn("w:tblPr"))
    if tblpr is None:
        tblpr = _el("w:tblPr")
        element.append(tblpr)
    _put(tblpr, _borders_none("w:tblBorders"), _TBLPR_ORDER)
    _put(tblpr, _cell_margins(layout, 0), _TBLPR_ORDER)
    _rpr_fonts(element.get_or_add_rPr())
    return style


def _borders_none(tag: str) -> Any:
    borders = _el(tag)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_el(f"w:{side}", val="nil"))
    return borders


def _cell_margins(layout: Layout, top_pt: float) -> Any:
    margins = _el("w:tblCellMar")
    margins.append(_el("w:top", w=str(round(top_pt * 20)), type="dxa"))
    margins.append(_el("w:left", w=str(twips(layout.cell_padding_mm)), type="dxa"))
    margins.append(_el("w:bottom", w="0", type="dxa"))
    margins.append(_el("w:right", w=str(twips(layout.cell_padding_mm)), type="dxa"))
    return margins


def _styles(doc: Any, layout: Layout, named: bool = True, addressed: bool = False) -> None:
    """Create the "VB …" styles: one per ND30 element, sizes from ``layout`` [§4, §16].

    ``named``: the tên loại and trích yếu styles (ô 5a), else the "V/v …" style (ô 5b);
    ``addressed``: the Kính gửi styles (ô 9a).
    """
    ly = layout
    _para_style(doc, "VB Chu Quan", ly.co_quan_pt)  # R-EL-2a: upright, not bold
    _para_style(doc, "VB Co Quan", ly.co_quan_pt, bold=True)  # R-EL-2b
    _para_style(doc, "VB Quoc Hieu", ly.quoc_hieu_pt, bold=True)  # R-EL-1a
    _para_style(doc, "VB Tieu Ngu", ly.tieu_ngu_pt, bold=True)  # R-EL-1b
    _para_style(doc, "VB So", ly.so_pt, before_pt=6)  # R-EL-3
    _para_style(doc, "VB Ngay", ly.ngay_pt, italic=True, before_pt=6)  # R-EL-4
    if named:
        _para_style(doc, "VB Ten Loai", ly.ten_loai_pt, bold=True, before_pt=18, keep_next=True)  # R-EL-5a-1
        _para_style(doc, "VB Trich Yeu", ly.trich_yeu_pt, bold=True, keep_next=True)  # R-EL-5a-2
    offsets = {"co_quan": ly.co_quan_rule_offset_pt, "tieu_ngu": ly.tieu_ngu_rule_offset_pt,
               "trich_yeu": ly.trich_yeu_rule_offset_pt}
    for key in ("co_quan", "tieu_ngu", "trich_yeu") if named else ("co_quan", "tieu_ngu"):
        _rule_style(doc, RULE_STYLES[key], ly, offsets[key])
    body = _para_style(
        doc, "VB Body", ly.body_pt, align=WD_ALIGN_PARAGRAPH.JUSTIFY, before_pt=ly.para_space_pt
    )  # R-BODY-1..4
    body.paragraph_format.first_line_indent = Twips(twips(ly.indent_mm))  # R-BODY-2
    # Section and titled khoản headings stay with what follows, like CSS break-after: avoid.
    _para_style(doc, "VB Body Bold", ly.body_pt, bold=True, keep_next=True, base="VB Body",
                align=WD_ALIGN_PARAGRAPH.JUSTIFY, before_pt=ly.para_space_pt)
    # A lead-in ending with ":" stays with the item it introduces (CSS p.keep).
    _para_style(doc, "VB Body Keep", ly.body_pt, keep_next=True, base="VB Body",
                align=WD_ALIGN_PARAGRAPH.JUSTIFY, before_pt=ly.para_space_pt)
    _footnote_styles(doc, ly)
    # The last body paragraph stays with Nơi nhận and the signer [R-SIG-6].
    for name, bold in (("VB Body Last", False), ("VB Body Last Bold", True)):
        last = _para_style(doc, name, ly.body_pt, bold=bold, keep_next=True, base="VB Body",
                           align=WD_ALIGN_PARAGRAPH.JUSTIFY, before_pt=ly.para_space_pt)
        last.paragraph_format.keep_together = True  # whole, like the CSS .end block
    # No keep-with-next in the Nơi nhận: the signer's row is kept whole by w:cantSplit, and the lines
    # of a list longer than a page, in the row under it, must be free to break (LibreOffice moves a
    # row whose paragraphs all keep with the next to a new page, as a whole) [R-SIG-6].
    _para_style(doc, "VB Noi Nhan Label", ly.noi_nhan_label_pt, bold=True, italic=True,
                align=WD_ALIGN_PARAGRAPH.LEFT)  # R-NN-1
    items = _para_style(doc, "VB Noi Nhan", ly.noi_nhan_pt, align=WD_ALIGN_PARAGRAPH.LEFT)  # R-NN-2
    hang = Twips(round(ly.noi_nhan_hang_em * ly.noi_nhan_pt * 20))  # R-NN-6: wrapped lines align after "- "
    items.paragraph_format.left_indent = hang
    items.paragraph_format.first_line_indent = -hang
    _para_style(doc, "VB Chuc Vu", ly.chuc_vu_pt, bold=True, keep_next=True)  # R-EL-7a
    _para_style(doc, "VB Ho Ten", ly.ho_ten_pt, bold=True, keep_next=True,
                before_pt=ly.signature_gap_mm * 72 / 25.4)  # R-EL-7b, R-SIG-6
    _para_style(doc, "VB Page Number", ly.page_number_pt)  # R-PGN-1
    du_thao = _para_style(doc, "VB Du Thao", 13, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    _put(du_thao.element.get_or_add_rPr(),
         _el("w:bdr", val="single", sz="6", space="2", color="000000"), _RPR_ORDER)
    end = _para_style(doc, "VB End", 1.0, align=WD_ALIGN_PARAGRAPH.LEFT)
    end.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    end.paragraph_format.line_spacing = Pt(1.0)
    # Hidden too (Microsoft's own cure for the blank page after a closing table): when the
    # signature table ends at the foot of a page this paragraph must not open a new one.
    end.font.hidden = True
    _table_style(doc, ly)
    if not named:
        # R-EL-5b: "V/v …" 12–13 pt upright, centred under the số and ký hiệu, 6 pt below it; the
        # lines after the first follow at once (Word's "no space between paragraphs of the same style").
        vv = _para_style(doc, "VB Vv", ly.vv_pt, before_pt=ly.vv_space_pt)
        _put(vv.element.get_or_add_pPr(), _el("w:contextualSpacing"), _PPR_ORDER)
    if addressed:
        _kinh_gui_styles(doc, ly)


def _kinh_gui_styles(doc: Any, layout: Layout) -> None:
    """Ô 9a: "Kính gửi: X" on one centred line, or the label and one "- X;" a line [R-EL-9a].

    The label and items are left-aligned; their indents (the block centred, the dashes under
    the colon) are measured per document and set by the renderer.
    """
    size, space = layout.kinh_gui_pt, layout.kinh_gui_space_pt
    _para_style(doc, "VB Kinh Gui Mot", size, before_pt=space, keep_next=True)
    _para_style(doc, "VB Kinh Gui", size, align=WD_ALIGN_PARAGRAPH.LEFT, before_pt=space, keep_next=True)
    _para_style(doc, "VB Kinh Gui Item", size, align=WD_ALIGN_PARAGRAPH.LEFT, keep_next=True)


# --- content --------------------------------------------------------------------------------


def _para(container: Any, style: str, text: str = "") -> Any:
    paragraph = container.add_paragraph(style=style)
    if text:
        _rpr_fonts(paragraph.add_run(text)._r.get_or_add_rPr())  # one run per Jinja tag
    return paragraph


def _table(doc: Any, widths_mm: Sequence[float], layout: Layout, top_pt: float, rows: int) -> Any:
    """Add a borderless fixed-grid table: LibreOffice ignores cell widths without tblGrid+fixed."""
    table = doc.add_table(rows=rows, cols=len(widths_mm))
    table.style = doc.styles["VB Table"]
    table.autofit = False  # w:tblLayout fixed
    tblpr = table._tbl.tblPr
    _put(tblpr, _el("w:tblW", w=str(sum(twips(w) for w in widths_mm)), type="dxa"), _TBLPR_ORDER)
    _put(tblpr, _el("w:tblInd", w="0", type="dxa"), _TBLPR_ORDER)
    _put(tblpr, _borders_none("w:tblBorders"), _TBLPR_ORDER)
    _put(tblpr, _cell_margins(layout, top_pt), _TBLPR_ORDER)
    look = tblpr.find(qn("w:tblLook"))
    if look is not None:
        tblpr.remove(look)
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Twips(twips(width))
    return table


def _row(row: Any, widths_mm: Sequence[float], split: bool = False) -> Any:
    """Prepare one row: unsplittable unless ``split``, cell widths from the grid, cells emptied for the template."""
    if not split:
        row._tr.get_or_add_trPr().append(_el("w:cantSplit"))  # R-SIG-6: a row never breaks across pages
    for cell, width in zip(row.cells, widths_mm, strict=True):
        cell.width = Twips(twips(width))
        # A new cell holds one empty paragraph; the template's paragraphs replace it.
        cell._tc.remove(cell.paragraphs[0]._p)
    return row


def _loop(container: Any, over: str, style: str, var: str = "line") -> None:
    """Add ``{%p for var in over %}`` … ``{{ var }}`` … ``{%p endfor %}`` (one paragraph per item)."""
    _para(container, style, f"{{%p for {var} in {over} %}}")
    _para(container, style, f"{{{{ {var} }}}}")
    _para(container, style, "{%p endfor %}")


def _header_table(doc: Any, layout: Layout, named: bool = True) -> None:
    """Ô 1–4: issuing body | Quốc hiệu, then Số (and a công văn's "V/v …", ô 5b) | place and date [§3.3; T-13]."""
    widths = (layout.header_left_mm, layout.header_right_mm)
    table = _table(doc, widths, layout, 0, rows=2)
    left, right = _row(table.rows[0], widths).cells
    _loop(left, "chu_quan", "VB Chu Quan")
    _loop(left, "co_quan", "VB Co Quan")
    _para(left, RULE_STYLES["co_quan"])
    _para(right, "VB Quoc Hieu", "{{ quoc_hieu }}")
    _para(right, "VB Tieu Ngu", "{{ tieu_ngu }}")
    _para(right, RULE_STYLES["tieu_ngu"])
    left, right = _row(table.rows[1], widths).cells
    _para(left, "VB So", "{{ so_ky_hieu }}")
    if not named:
        _loop(left, "trich_yeu", "VB Vv")  # R-EL-5b
    _para(right, "VB Ngay", "{{ dia_danh_ngay }}")


def _title(doc: Any) -> None:
    """Ô 5a: the tên loại (THÔNG BÁO), the trích yếu and its rule [§4.3]."""
    _para(doc, "VB Ten Loai", "{{ ten_loai }}")
    _loop(doc, "trich_yeu", "VB Trich Yeu")
    _para(doc, RULE_STYLES["trich_yeu"])


def _kinh_gui(doc: Any) -> None:
    """Ô 9a: "Kính gửi: X", or "Kính gửi:" and one addressee a line [R-EL-9a]."""
    _para(doc, "VB Kinh Gui", "{%p if kinh_gui.one_line %}")
    _para(doc, "VB Kinh Gui Mot", "{{ kinh_gui.label }} {{ kinh_gui.items[0] }}")
    _para(doc, "VB Kinh Gui", "{%p else %}")
    _para(doc, "VB Kinh Gui", "{{ kinh_gui.label }}")
    _loop(doc, "kinh_gui.items", "VB Kinh Gui Item")
    _para(doc, "VB Kinh Gui", "{%p endif %}")


def _body(doc: Any) -> None:
    """Ô 6: every body block, the last one kept with the Nơi nhận and the signer [§7]."""
    _para(doc, "VB Body", "{%p for block in body[:-1] %}")
    _para(doc, "VB Body", "{%p if block.bold %}")
    _para(doc, "VB Body Bold", "{{ block.text }}")
    _para(doc, "VB Body", "{%p elif block.keep_next %}")
    _para(doc, "VB Body Keep", "{{ block.text }}")
    _para(doc, "VB Body", "{%p else %}")
    _para(doc, "VB Body", "{{ block.text }}")
    _para(doc, "VB Body", "{%p endif %}")
    _para(doc, "VB Body", "{%p endfor %}")
    _para(doc, "VB Body", "{%p if body[-1].bold %}")
    _para(doc, "VB Body Last Bold", "{{ body[-1].text }}")
    _para(doc, "VB Body", "{%p else %}")
    _para(doc, "VB Body Last", "{{ body[-1].text }}")
    _para(doc, "VB Body", "{%p endif %}")


def _sign_table(doc: Any, layout: Layout) -> None:
    """Ô 9b | 7a–7b: Nơi nhận beside the signer in one unsplittable row [§3.3, R-NN-1, R-SIG-6].

    The first ``noi_nhan_canh_ky`` lines stand beside the signer; a list longer than a page goes
    on in a second row under it, which may break across pages (``{%tr if %}`` leaves it out
    otherwise). The grid's widths here are the defaults: the renderer sets each notice's own
    (``cot_noi_nhan_mm``, ``cot_nguoi_ky_mm``).
    """
    widths = (layout.sign_left_mm, layout.sign_right_mm)
    table = _table(doc, widths, layout, layout.para_space_pt, rows=4)
    left, right = _row(table.rows[0], widths).cells
    _para(left, "VB Noi Nhan Label", "{{ noi_nhan_label }}")
    _loop(left, "noi_nhan[:noi_nhan_canh_ky]", "VB Noi Nhan")
    _loop(right, "chuc_vu", "VB Chuc Vu")
    _para(right, "VB Ho Ten", "{{ ho_ten }}")
    tail = "noi_nhan[noi_nhan_canh_ky:]"
    for index, tag in ((1, f"{{%tr if {tail} %}}"), (3, "{%tr endif %}")):
        first, second = _row(table.rows[index], widths).cells
        _para(first, "VB Noi Nhan", tag)  # docxtpl replaces the whole row with the tag
        _para(second, "VB Noi Nhan")
    left, right = _row(table.rows[2], widths, split=True).cells
    _loop(left, tail, "VB Noi Nhan")
    _para(right, "VB Noi Nhan")
    for cell in (left, right):  # the list goes on right under the line above: no cell margin on top
        margins = _el("w:tcMar")
        margins.append(_el("w:top", w="0", type="dxa"))
        cell._tc.get_or_add_tcPr().append(margins)
    # Word wants a paragraph after a closing table; keep it 1 pt high so it never adds a page.
    _para(doc, "VB End")


def _copy_block(doc: Any, layout: Layout) -> None:
    """A paper copy's block (Mẫu 3.1), shown only on a copy: a rule the width of the text, then the block [R-OTH-7].

    Why no new style: the original's .docx from this template must stay byte for byte what it
    was; the copy block's parts take the frame's own styles [Phụ lục I Phần II.II.2.c] (the
    form that of the Tiêu ngữ, 13–14 pt bold), and the full-width rule is set on its paragraph.
    """
    _para(doc, "VB So", "{%p if sao %}")
    rule = _para(doc, "VB So")
    fmt = rule.paragraph_format
    fmt.space_before = Pt(layout.para_space_pt * 2)
    fmt.space_after = Pt(layout.para_space_pt)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(1.0)
    fmt.keep_with_next = True
    border = _el("w:pBdr")
    border.append(_el("w:bottom", val="single", sz=str(round(layout.rule_weight_pt * 8)), space="0", color="000000"))
    _put(rule._p.get_or_add_pPr(), border, _PPR_ORDER)
    widths = (layout.header_left_mm, layout.header_right_mm)
    table = _table(doc, widths, layout, 0, rows=2)
    left, right = _row(table.rows[0], widths).cells
    _loop(left, "sao.co_quan", "VB Co Quan")
    _para(left, RULE_STYLES["co_quan"])
    _para(right, "VB Tieu Ngu", "{{ sao.hinh_thuc }}")  # R-OTH-7: 13–14 pt upright bold, as the Tiêu ngữ
    left, right = _row(table.rows[1], widths).cells
    _para(left, "VB So", "{{ sao.so_ky_hieu }}")
    _para(right, "VB Ngay", "{{ sao.dia_danh_ngay }}")
    widths = (layout.sign_left_mm, layout.sign_right_mm)
    table = _table(doc, widths, layout, layout.para_space_pt, rows=1)
    left, right = _row(table.rows[0], widths).cells
    _para(left, "VB Noi Nhan Label", "{{ sao.noi_nhan_label }}")
    _loop(left, "sao.noi_nhan", "VB Noi Nhan")
    _loop(right, "sao.chuc_vu", "VB Chuc Vu")
    _para(right, "VB Ho Ten", "{{ sao.ho_ten }}")
    _para(doc, "VB End")
    _para(doc, "VB So", "{%p endif %}")


def _field_run(paragraph: Any, kind: str, text: str = "") -> None:
    run = paragraph.add_run()
    _rpr_fonts(run._r.get_or_add_rPr())
    if kind == "instr":
        instr = _el("w:instrText")
        instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        instr.text = text
        run._r.append(instr)
    elif kind == "text":
        run.text = text
    else:
        run._r.append(_el("w:fldChar", fldCharType=kind))


def _headers(doc: Any, layout: Layout) -> None:
    """Page number centred from page 2 on; an explicit first-page header with the draft mark."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True  # w:titlePg [R-PGN-2]
    header = section.header
    header.is_linked_to_previous = False
    number = header.paragraphs[0]
    number.style = doc.styles["VB Page Number"]
    for kind, text in (("begin", ""), ("instr", " PAGE "), ("separate", ""), ("text", "2"), ("end", "")):
        _field_run(number, kind, text)  # R-PGN-1/3: the bare number
    first = section.first_page_header
    first.is_linked_to_previous = False
    mark = first.paragraphs[0]
    mark.style = doc.styles["VB Du Thao"]
    # The mark comes from the context ("DỰ THẢO", "DỰ THẢO LẦN 2", or nothing); the paragraph stays.
    _rpr_fonts(mark.add_run("{% if du_thao %}{{ du_thao_mark }}{% endif %}")._r.get_or_add_rPr())
    for footer in (section.footer, section.first_page_footer):
        footer.is_linked_to_previous = False


def _page(doc: Any, layout: Layout) -> None:
    """A4 portrait, margins inside R-PAGE-3, header 10 mm from the edge [R-PAGE-1..5; T-08]."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Twips(twips(layout.page_width_mm))
    section.page_height = Twips(twips(layout.page_height_mm))
    section.top_margin = Twips(twips(layout.margin_top_mm))
    section.bottom_margin = Twips(twips(layout.margin_bottom_mm))
    section.left_margin = Twips(twips(layout.margin_left_mm))
    section.right_margin = Twips(twips(layout.margin_right_mm))
    section.header_distance = Twips(twips(layout.header_distance_mm))
    section.footer_distance = Twips(twips(layout.header_distance_mm))
    section.gutter = Mm(0)


def build_template(loai: str = DEFAULT, layout: Layout = LAYOUT) -> bytes:
    """Return the bytes of the Word template of the kind ``loai`` (deterministic: fixed zip times and metadata)."""
    kind = KINDS[loai]
    named, addressed = kind.model.NAMED, kind.model.ADDRESSED
    doc = Document()
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    _strip_package(doc)
    _styles(doc, layout, named, addressed)
    keep = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"}
    keep |= {s.style_id for s in doc.styles if s.name.startswith("VB ") or s.name in (FOOTNOTE_TEXT,
                                                                                      FOOTNOTE_REFERENCE)}
    _clean_styles(doc, keep)
    _theme_fonts_tnr(doc)
    _settings(doc)
    _footnotes_part(doc)
    _app_properties(doc)
    _page(doc, layout)
    _header_table(doc, layout, named)
    if named:
        _title(doc)
    if addressed:
        _kinh_gui(doc)
    _body(doc)
    _sign_table(doc, layout)
    _copy_block(doc, layout)
    _headers(doc, layout)
    with core_namespace():  # docxtpl may be imported already (e.g. by the tests)
        props = doc.core_properties
        props.title = f"{kind.name} (mẫu vanban)"
        props.author = "vanban"
        props.comments = ""
        props.last_modified_by = ""
        props.revision = 1
        props.created = props.modified = props.last_printed = dt.datetime(2024, 1, 1)
    out = io.BytesIO()
    doc.save(out)
    return fixed_zip(out.getvalue())


def main(argv: Sequence[str]) -> int:
    """Write the templates of the kinds named in ``argv`` (default: all) into ``templates/``, or one to ``-o FILE``."""
    args = list(argv)
    out: Path | None = None
    if "-o" in args:
        at = args.index("-o")
        out = Path(args[at + 1])
        del args[at:at + 2]
    chosen = args or list(KINDS)
    unknown = [a for a in chosen if a not in KINDS]
    if unknown or (out is not None and len(chosen) != 1):
        print(f"usage: make_docx_template.py [LOAI …] [-o FILE]; kinds: {', '.join(KINDS)}", file=sys.stderr)
        return 2
    for loai in chosen:
        target = out or TEMPLATES / f"{loai}.docx"
        target.write_bytes(build_template(loai))
        print(f"{target}: {target.stat().st_size} B")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
