"""The Word template is valid, reproducible and speaks only the Context's language.

Why: an office restyles ``templates/thong_bao.docx`` in Word, so it must be real OOXML
(no Jinja inside attributes, every tag inside one run) whose names all exist on the
Context; and the committed binary must hold exactly the parts ``tools/make_docx_template.py``
builds (compared as canonical XML, not zip bytes), so a reviewer can trust the script instead
of the blob.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from pathlib import Path

import jinja2
import jinja2.meta
import jinja2.nodes
import pytest
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from lxml import etree

from helpers import docx_template_tool
from vanban.pipeline.context import Block, Context
from vanban.pipeline.copy_block import CopyBlock
from vanban.pipeline.kinds import KINDS
from vanban.pipeline.render_docx import RULE_STYLE_IDS
from vanban.pipeline.templates import default_dir, find, variables

TEMPLATE = default_dir() / "thong_bao.docx"
TAG = re.compile(r"\{[{%].*?[%}]\}", re.DOTALL)


def _parts() -> dict[str, bytes]:
    with zipfile.ZipFile(TEMPLATE) as z:
        return {n: z.read(n) for n in z.namelist() if n.endswith(".xml")}


def _jinja_source() -> str:
    """Return the Jinja text docxtpl will run: body, headers and footers after its patching."""
    template = DocxTemplate(str(TEMPLATE))
    parts = []
    for name, xml in _parts().items():
        if name.startswith("word/") and re.search(r"word/(document|header\d*|footer\d*)\.xml$", name):
            parts.append(template.patch_xml(xml.decode("utf-8")))
    return "\n".join(parts)


def test_template_is_found_on_the_default_path() -> None:
    assert find("thong_bao.docx", (default_dir(),)) == TEMPLATE


def _canonical_parts(docx: bytes) -> dict[str, bytes]:
    """Return every part of a .docx, XML parts as canonical XML (C14N), others as they are.

    Why: the zip bytes also depend on zlib and on how lxml serialises (quotes, namespace
    declarations); what Word reads is the parts' XML, which C14N makes comparable.
    """
    parts: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            if name.endswith((".xml", ".rels")):
                data = etree.tostring(etree.fromstring(data), method="c14n")
            parts[name] = data
    return parts


def test_committed_template_is_what_the_tool_builds() -> None:
    """Reproducible: tools/make_docx_template.py builds the committed template, part for part."""
    built = _canonical_parts(docx_template_tool().build_template())
    committed = _canonical_parts(TEMPLATE.read_bytes())
    assert sorted(built) == sorted(committed)
    for name, xml in committed.items():
        assert built[name] == xml, f"{name} differs: run tools/make_docx_template.py"


def test_template_uses_only_context_names(seed_context: Context) -> None:
    """Contract: every free name in the template is a Context field (what variables(ctx) gives)."""
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    names = DocxTemplate(str(TEMPLATE)).get_undeclared_template_variables(jinja_env=env)
    fields = {f.name for f in dataclasses.fields(Context)}
    assert names, "the template declares no variables at all"
    assert names <= fields, f"unknown names in the template: {sorted(names - fields)}"
    assert names <= set(variables(seed_context))
    # Each loop the brief asks for is present.
    for used in ("chu_quan", "co_quan", "trich_yeu", "body", "noi_nhan", "chuc_vu", "du_thao", "ho_ten"):
        assert used in names


def test_block_attributes_used_exist_on_block() -> None:
    """Contract: attributes read from body blocks (``block.text``, ``body[-1].bold``) are Block fields."""
    env = jinja2.Environment()
    tree = env.parse(_jinja_source())
    nodes = list(tree.find_all(jinja2.nodes.Getattr))
    copy = {n.attr for n in nodes if isinstance(n.node, jinja2.nodes.Name) and n.node.name == "sao"}
    attrs = {n.attr for n in nodes if not (isinstance(n.node, jinja2.nodes.Name) and n.node.name == "sao")}
    block_fields = {f.name for f in dataclasses.fields(Block)}
    assert attrs and attrs <= block_fields, sorted(attrs - block_fields)
    # The copy block's parts (Mẫu 3.1) read fields of the context's CopyBlock.
    assert copy and copy <= {f.name for f in dataclasses.fields(CopyBlock)}, sorted(copy)


def test_no_jinja_inside_attributes_and_each_tag_in_one_run() -> None:
    """Valid OOXML: Jinja only in w:t text, never in an attribute, never split across runs."""
    found = 0
    for name, xml in _parts().items():
        tree = etree.fromstring(xml)
        for element in tree.iter():
            for value in element.attrib.values():
                assert "{{" not in value and "{%" not in value, f"{name}: Jinja in an attribute"
        for t in tree.iter(qn("w:t")):
            text = t.text or ""
            opened = text.count("{{") + text.count("{%")
            closed = text.count("}}") + text.count("%}")
            assert opened == closed, f"{name}: a Jinja tag is split across runs: {text!r}"
            found += len(TAG.findall(text))
    assert found >= 20


def test_template_parses_as_jinja_with_paragraph_loops() -> None:
    """The patched template is valid Jinja, and the loops are paragraph loops (``{%p for``)."""
    raw = b"".join(_parts().values()).decode("utf-8")
    assert len(re.findall(r"\{%p for ", raw)) >= 6
    jinja2.Environment().parse(_jinja_source())


def test_template_styles_carry_the_layout() -> None:
    """Formatting lives in named styles an office can restyle, including the three rule styles."""
    styles = etree.fromstring(_parts()["word/styles.xml"])
    ids = {s.get(qn("w:styleId")) for s in styles.iter(qn("w:style"))}
    assert set(RULE_STYLE_IDS) <= ids
    assert {"VBBody", "VBChucVu", "VBHoTen", "VBNoiNhan", "VBNoiNhanLabel", "VBQuocHieu"} <= ids
    document = etree.fromstring(_parts()["word/document.xml"])
    for run in document.iter(qn("w:r")):
        rpr = run.find(qn("w:rPr"))
        direct = {c.tag for c in rpr} if rpr is not None else set()
        assert direct <= {qn("w:rFonts")}, "runs carry only the font; sizes and weights are in styles"


@pytest.mark.parametrize("part", ["word/document.xml", "word/styles.xml", "word/settings.xml"])
def test_parts_are_well_formed_xml(part: str) -> None:
    etree.fromstring(_parts()[part])
    assert not re.search(rb"<w:rFonts[^>]*Theme", _parts()[part])


def test_template_path_is_a_real_file() -> None:
    assert isinstance(TEMPLATE, Path) and TEMPLATE.stat().st_size < 40_000


def test_user_template_overrides_and_unknown_names_fail(tmp_path: Path, seed_context: Context) -> None:
    """A template in the office's folder wins; a name the Context lacks fails loudly (StrictUndefined)."""
    from docx import Document

    from vanban.errors import RenderError
    from vanban.pipeline.render_docx import render_docx
    from vanban.pipeline.templates import search_path

    document = Document(str(TEMPLATE))
    document.add_paragraph("{{ khong_co_truong_nay }}")
    document.save(str(tmp_path / "thong_bao.docx"))
    with pytest.raises(RenderError, match="khong_co_truong_nay"):
        render_docx(seed_context, search_path(tmp_path))


# --- every kind's template ------------------------------------------------------------------------


@pytest.mark.parametrize("loai", sorted(KINDS))
def test_each_kinds_committed_template_is_what_the_tool_builds(loai: str) -> None:
    """Reproducible per kind: ``templates/<loai>.docx`` holds exactly the parts the tool's shared builders make."""
    built = _canonical_parts(docx_template_tool().build_template(loai))
    committed = _canonical_parts((default_dir() / f"{loai}.docx").read_bytes())
    assert sorted(built) == sorted(committed)
    for name, xml in committed.items():
        assert built[name] == xml, f"{loai}.docx: {name} differs: run tools/make_docx_template.py"


@pytest.mark.parametrize("loai", sorted(KINDS))
def test_each_kinds_template_speaks_the_context_and_holds_only_its_own_styles(loai: str) -> None:
    """Every name is a Context field; a kind's template has the styles of its own cells and no other [§4]."""
    path = default_dir() / f"{loai}.docx"
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    names = DocxTemplate(str(path)).get_undeclared_template_variables(jinja_env=env)
    assert names <= {f.name for f in dataclasses.fields(Context)}
    with zipfile.ZipFile(path) as z:
        styles = etree.fromstring(z.read("word/styles.xml"))
    ids = {s.get(qn("w:styleId")) for s in styles.iter(qn("w:style"))}
    model = KINDS[loai].model
    assert ("VBTenLoai" in ids) == model.NAMED and ("VBVv" in ids) == (not model.NAMED)  # ô 5a or 5b
    assert ("VBKinhGui" in ids) == model.ADDRESSED == ("kinh_gui" in names)  # ô 9a
