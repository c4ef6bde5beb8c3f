"""Allow a Word template only what a notice needs, part by part, before and after its Jinja runs.

Why: offices swap templates by e-mail, and Word acts on much of what a .docx may carry the
moment a recipient opens it: it fetches external relationships (a tracking picture on a web
server; a ``file://`` or ``\\\\host`` target leaks the reader's Windows credentials), updates
fields such as INCLUDEPICTURE, INCLUDETEXT or DDE, loads an attached template, and runs OLE
objects, ActiveX controls and macros. Rendered from such a template, every notice carries it
to every recipient. A notice template needs none of it: text, styles, tables, headers and
footers, PAGE and NUMPAGES fields and pictures stored in the file. Anything else is refused
with the part that holds it, before rendering; the parts the template's Jinja produced are
checked again after rendering, since Jinja could write what the template file did not hold.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vanban.errors import RenderError
from vanban.files import NotRegularFile, TooLarge, read_regular
from vanban.i18n import _
from vanban.repo import display

if TYPE_CHECKING:
    from vanban.pipeline.sandbox import Sandbox

#: Largest template file read, in bytes (the default is 11 KB; a picture-heavy one stays far below).
DOCX_LIMIT = 10 * 1024 * 1024
#: Most bytes its parts may unpack to, and most parts: a zip bomb stops here, not in memory.
UNPACKED_LIMIT = 64 * 1024 * 1024
PARTS_LIMIT = 1000

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
VML_O = "urn:schemas-microsoft-com:office:office"
_OD = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."

#: Relationship types a notice template may use: its own parts, properties and stored pictures.
ALLOWED_RELATIONSHIPS = frozenset(
    [_OD + t for t in ("officeDocument", "extended-properties", "custom-properties", "styles", "settings",
                       "webSettings", "fontTable", "numbering", "theme", "header", "footer", "footnotes",
                       "endnotes", "image")]
    + [_PKG + "core-properties", _PKG + "thumbnail", "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"]
)
#: Content types a part may have. Pictures: the raster formats and the metafiles Word itself writes.
ALLOWED_CONTENT_TYPES = frozenset(
    [_WML + t + "+xml" for t in ("document.main", "styles", "settings", "webSettings", "fontTable", "numbering",
                                 "header", "footer", "footnotes", "endnotes")]
    + ["application/vnd.openxmlformats-officedocument.theme+xml",
       "application/vnd.openxmlformats-package.core-properties+xml",
       "application/vnd.openxmlformats-officedocument.extended-properties+xml",
       "application/vnd.openxmlformats-officedocument.custom-properties+xml",
       "application/vnd.openxmlformats-package.relationships+xml", "application/vnd.ms-word.stylesWithEffects+xml",
       "application/xml", "image/png", "image/jpeg", "image/gif", "image/x-emf", "image/x-wmf"]
)
#: The only fields a notice template uses: page numbers [R-PGN-1].
ALLOWED_FIELDS = frozenset({"PAGE", "NUMPAGES"})
#: The parts docxtpl renders with Jinja, checked again after rendering.
RENDERED_CONTENT_TYPES = frozenset(_WML + t + "+xml" for t in ("document.main", "header", "footer", "footnotes"))

# What a refused thing is, to say it in the user's words: by relationship type (last segment),
# part name prefix, content type fragment, or element.
_BY_RELATIONSHIP = {"vbaproject": "macro", "wordvbadata": "macro", "keymapcustomizations": "macro",
                    "attachedtoolbars": "macro", "oleobject": "ole", "package": "ole", "control": "activex",
                    "activexcontrolbinary": "activex", "afchunk": "altchunk", "customxml": "customxml",
                    "customxmlprops": "customxml", "attachedtemplate": "attached", "hyperlink": "link"}
_BY_PART = (("word/embeddings/", "ole"), ("word/activex/", "activex"), ("customxml/", "customxml"),
            ("word/vbaproject", "macro"), ("word/vbadata", "macro"))
_BY_CONTENT_TYPE = (("macroenabled", "macro"), ("vbaproject", "macro"), ("vbadata", "macro"), ("oleobject", "ole"),
                    ("activex", "activex"), ("customxml", "customxml"))
_BY_ELEMENT = {(W, "object"): "ole", (VML_O, "OLEObject"): "ole", (W, "control"): "activex",
               (W, "altChunk"): "altchunk", (W, "customXml"): "customxml", (W, "dataBinding"): "customxml",
               (W, "attachedTemplate"): "attached"}
#: Other elements refused: a sub-document, a mail merge (its data source and query), embedded fonts.
_OTHER_ELEMENTS = frozenset({(W, "subDoc"), (W, "mailMerge"), (W, "embedRegular"), (W, "embedBold"),
                             (W, "embedItalic"), (W, "embedBoldItalic")})


def _kind(kind: str) -> str:
    """Return the message for a refused kind of content."""
    messages = {
        "macro": _("macro (VBA) không được phép trong mẫu"),
        "ole": _("đối tượng nhúng (OLE) không được phép trong mẫu"),
        "activex": _("điều khiển ActiveX không được phép trong mẫu"),
        "altchunk": _("altChunk (nội dung lấy từ tệp khác) không được phép trong mẫu"),
        "customxml": _("dữ liệu customXml không được phép trong mẫu"),
        "attached": _("mẫu đính kèm (attachedTemplate) không được phép trong mẫu"),
        "link": _("liên kết ra ngoài không được phép trong mẫu"),
    }
    return messages[kind]


class _Refused(Exception):
    """One refused part: its name and why."""

    def __init__(self, part: str, message: str) -> None:
        super().__init__(f"{part}: {message}")
        self.part = part
        self.message = message


def check_file(path: Path) -> bytes:
    """Return the bytes of the Word template ``path``; raise RenderError naming the first refused part."""
    try:
        data = read_regular(path, DOCX_LIMIT)
    except NotRegularFile:
        raise RenderError(display(path), _("mẫu không phải tệp thường")) from None
    except TooLarge:
        raise RenderError(display(path), _("mẫu lớn hơn {limit} MiB").format(limit=DOCX_LIMIT >> 20)) from None
    except OSError as exc:
        raise RenderError(display(path), _("không đọc được mẫu ({reason})").format(reason=exc.strerror)) from None
    try:
        check_package(data)
    except _Refused as exc:
        raise RenderError(display(path), str(exc)) from None
    return data


def check_package(data: bytes) -> None:
    """Raise _Refused for the first part of the .docx ``data`` that a notice template may not hold."""
    parts = _unpack(data)
    types = _content_types(parts)
    for name in parts:
        lower = name.lower()
        for prefix, part_kind in _BY_PART:
            if lower.startswith(prefix):
                raise _Refused(name, _kind(part_kind))
        if name == "[Content_Types].xml":
            continue
        content_type = types.get(lower) or types.get("." + lower.rpartition(".")[2], "")
        if not content_type:
            raise _Refused(name, _("phần không có loại nội dung"))
        if content_type not in ALLOWED_CONTENT_TYPES:
            kind = next((k for fragment, k in _BY_CONTENT_TYPE if fragment in content_type.lower()), None)
            raise _Refused(name, _kind(kind) if kind else _("loại nội dung '{type}' không được phép trong mẫu").format(
                type=content_type))
        if content_type.endswith("xml"):
            root = _parse(name, parts[name])
            if name.endswith(".rels"):
                _check_relationships(name, root, parts)
            else:
                _check_elements(name, root)


def _unpack(data: bytes) -> dict[str, bytes]:
    """Return ``{part name: bytes}`` of the zip ``data``, bounded; raise _Refused on a broken or hostile zip."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _Refused("", _("không phải tệp .docx (zip) hợp lệ")) from None
    if len(infos) > PARTS_LIMIT:
        raise _Refused("", _("mẫu có hơn {count} phần").format(count=PARTS_LIMIT))
    parts: dict[str, bytes] = {}
    seen: set[str] = set()
    room = UNPACKED_LIMIT
    for info in infos:
        name = info.filename
        if name.endswith("/"):
            continue
        if name.startswith("/") or "\\" in name or any(p in ("", ".", "..") for p in name.split("/")) \
                or name.lower() in seen:
            raise _Refused(name, _("tên phần không hợp lệ hoặc trùng"))
        seen.add(name.lower())
        try:
            with archive.open(info) as handle:  # read one byte past the room left: a lying header cannot help
                body = handle.read(room + 1)
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):  # encrypted, bad CRC
            raise _Refused(name, _("không phải tệp .docx (zip) hợp lệ")) from None
        room -= len(body)
        if room < 0:
            raise _Refused(name, _("mẫu giải nén ra hơn {limit} MiB").format(limit=UNPACKED_LIMIT >> 20))
        parts[name] = body
    for required in ("[Content_Types].xml", "_rels/.rels"):
        if required not in parts:
            raise _Refused(required, _("thiếu phần bắt buộc của tệp .docx"))
    return parts


def _parse(name: str, data: bytes) -> Any:
    """Return the root of the XML part ``name``; refuse a DTD (entities, external fetches) or broken XML."""
    from lxml import etree  # type: ignore[import-untyped]

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise _Refused(name, _("không phải XML hợp lệ ({error})").format(error=exc)) from None
    if root.getroottree().docinfo.doctype:
        raise _Refused(name, _("khai báo DTD không được phép trong mẫu"))
    return root


def _content_types(parts: dict[str, bytes]) -> dict[str, str]:
    """Return ``{lower-case part name or ".ext": content type}`` from ``[Content_Types].xml``."""
    root = _parse("[Content_Types].xml", parts["[Content_Types].xml"])
    types: dict[str, str] = {}
    for node in root:
        local = posixpath.basename(str(node.tag).rpartition("}")[2])
        if local == "Default":
            types["." + node.get("Extension", "").lower()] = node.get("ContentType", "")
        elif local == "Override":
            types[node.get("PartName", "").lstrip("/").lower()] = node.get("ContentType", "")
    return types


def _check_relationships(name: str, root: Any, parts: dict[str, bytes]) -> None:
    """Refuse external targets, relationship types a notice does not need, and targets out of the package."""
    source_dir = name.rpartition("_rels/")[0].rstrip("/")  # word/_rels/document.xml.rels → word
    lower_parts = {p.lower() for p in parts}
    for rel in root:
        target = rel.get("Target", "")
        kind = rel.get("Type", "")
        _check_relationship(name, kind, target, rel.get("TargetMode", "") == "External")
        resolved = posixpath.normpath(target.lstrip("/") if target.startswith("/") else
                                      posixpath.join(source_dir, target))
        if resolved.startswith("../") or resolved == ".." or resolved.lower() not in lower_parts:
            raise _Refused(name, _("quan hệ tới phần không có: '{target}'").format(target=target))


def _check_relationship(name: str, kind: str, target: str, external: bool) -> None:
    """Refuse one relationship that is external or of a type a notice template does not need."""
    if external:
        raise _Refused(name, _("quan hệ ngoài tới '{target}' không được phép trong mẫu").format(target=target))
    if kind not in ALLOWED_RELATIONSHIPS:
        refused = _BY_RELATIONSHIP.get(kind.rpartition("/")[2].lower())
        raise _Refused(name, _kind(refused) if refused else _("quan hệ loại '{type}' không được phép trong mẫu").format(
            type=kind))


def _check_elements(name: str, root: Any) -> None:
    """Refuse active or linking elements, links in attributes, and every field but PAGE and NUMPAGES."""
    for node in root.iter():
        tag = node.tag
        if not isinstance(tag, str):
            continue  # a comment or a processing instruction
        namespace, _sep, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
        kind = _BY_ELEMENT.get((namespace, local))
        if kind is not None:
            raise _Refused(name, _kind(kind))
        if (namespace, local) in _OTHER_ELEMENTS:
            raise _Refused(name, _("phần tử <{element}> không được phép trong mẫu").format(element=local))
        if (namespace, local) == (W, "fldSimple"):
            _check_field(name, node.get(f"{{{W}}}instr", ""))
        for attribute, value in node.attrib.items():
            if str(attribute).rpartition("}")[2].lower() in ("href", "src") and _looks_external(value):
                raise _Refused(name, _("quan hệ ngoài tới '{target}' không được phép trong mẫu").format(target=value))
    for code in _field_codes(root):
        _check_field(name, code)


def _looks_external(value: str) -> bool:
    """Tell whether an attribute value points out of the package: a URL, a UNC path or a drive path."""
    head = value.strip().lower()
    return "://" in head or head.startswith(("\\\\", "//", "file:", "mailto:")) or head[1:3] in (":\\", ":/")


def _field_codes(root: Any) -> Iterator[str]:
    """Yield the code of every complex field (``fldChar`` begin … separate/end), joined across its runs.

    Why joined: Word splits a field code over runs at will, so ``INCLUDE`` and ``PICTURE`` may
    sit in two ``instrText`` elements of one field.
    """
    fld_char, instr, del_instr = f"{{{W}}}fldChar", f"{{{W}}}instrText", f"{{{W}}}delInstrText"
    stack: list[list[str] | None] = []
    for node in root.iter(fld_char, instr, del_instr):
        if node.tag == fld_char:
            kind = node.get(f"{{{W}}}fldCharType")
            if kind == "begin":
                stack.append([])
            elif stack and kind in ("separate", "end"):
                code = stack[-1]
                if code is not None:
                    yield "".join(code)
                if kind == "separate":
                    stack[-1] = None  # the result follows; the code is done
                else:
                    stack.pop()
        elif stack and stack[-1] is not None:
            stack[-1].append(node.text or "")
        else:
            yield node.text or ""  # a field code outside any field: judged on its own
    for code in stack:
        if code is not None:
            yield "".join(code)


def _check_field(name: str, code: str) -> None:
    """Refuse a field whose kind (its first word) is not PAGE or NUMPAGES."""
    words = code.split()
    if words and words[0].upper() not in ALLOWED_FIELDS:
        raise _Refused(name, _("trường {field} không được phép trong mẫu (chỉ PAGE và NUMPAGES)").format(
            field=words[0].upper()))


def open_template(path: Path) -> Any:
    """Return a docxtpl template of the Word template ``path``, checked; raise RenderError naming a refused part."""
    from docxtpl import DocxTemplate

    return DocxTemplate(io.BytesIO(check_file(path)))


def fill(template: Any, variables: dict[str, Any], env: Sandbox, path: Path) -> None:
    """Render ``template`` with ``variables`` in the sandbox ``env``, then check what its Jinja produced.

    Raise RenderError naming the template file, the part (and paragraph, when Jinja gives a
    line) of a template error or of anything refused in the rendered parts.
    """
    import jinja2

    from vanban.pipeline.sandbox import STRING_TEMPLATE, describe, where

    try:
        template.render(variables, jinja_env=env, autoescape=True)
    except jinja2.TemplateError as exc:
        part = _rendering_part(template, exc)
        filename, line = where(exc, env.folder_loader.loaded)
        if filename == STRING_TEMPLATE and line and line > 1 and part.startswith("word/"):
            # docxtpl starts a new line at every paragraph: the line after the first is the paragraph's number.
            part += " (" + _("đoạn {number}").format(number=line - 1) + ")"
        raise RenderError(display(path), f"{part}: {describe(exc)}") from None
    try:
        check_rendered(template.docx.part.package)
    except _Refused as exc:
        raise RenderError(display(path), str(exc)) from None


def _rendering_part(template: Any, exc: BaseException) -> str:
    """Return the name of the part docxtpl was rendering when ``exc`` was raised."""
    import traceback

    if any(frame.name == "render_properties" for frame in traceback.extract_tb(exc.__traceback__)):
        return "docProps/core.xml"
    part = getattr(template, "current_rendering_part", None)
    return str(part.partname).lstrip("/") if part is not None else "word/document.xml"


def check_rendered(package: Any) -> None:
    """Raise _Refused for anything not allowed in the rendered parts or in any relationship of ``package``.

    ``package`` is python-docx's in-memory package after docxtpl rendered it: nothing is
    serialised again for the check (measured: about 1 ms for the seed notice).
    """
    for part in package.iter_parts():
        name = str(part.partname).lstrip("/")
        folder, _sep, file = name.rpartition("/")
        for rel in part.rels.values():
            _check_relationship(f"{folder}/_rels/{file}.rels", rel.reltype, rel.target_ref, rel.is_external)
        if part.content_type in RENDERED_CONTENT_TYPES:
            element = getattr(part, "_element", None)
            _check_elements(name, element if element is not None else _parse(name, part.blob))
