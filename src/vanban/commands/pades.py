"""Put PAdES signatures and form fields on a PDF, and read its signatures back.

Why apart from the signing steps: these are operations on PDF bytes with pyHanko and
pikepdf (sign into a field, lay empty fields over the draft's blanks, fill them, validate),
shared by ``sign``, ``copy --electronic`` and ``verify``; what is signed when, and what is
archived, is ``vanban.commands.sign``'s business.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pikepdf

from vanban.commands import stamp
from vanban.commands.ink import Box, PageInk
from vanban.commands.keys import Key, iso
from vanban.errors import UsageError
from vanban.i18n import _
from vanban.pipeline.fonts import text_width_mm

#: Signature field names: the competent person's (ô 7c), the organisation's (ô 8), a phụ lục's.
LEADER_FIELD = "ChuKyLanhDao"
SEAL_FIELD = "ChuKyCoQuan"
ATTACHMENT_FIELD = "ChuKyPhuLuc"
#: The issuing draft's form fields over the blank number and day.
NUMBER_FIELD = "so"
DAY_FIELD = "ngay"
#: Room reserved in the file for the CMS signature (the chain and, with B-T, a time stamp).
SIGNATURE_BYTES = 32 * 1024


def _imported(pdf: bytes) -> Any:
    """Return a pyHanko PdfContent that draws page 1 of ``pdf`` (a WeasyPrint appearance)."""
    from pyhanko.pdf_utils import content
    from pyhanko.pdf_utils.layout import BoxConstraints
    from pyhanko.pdf_utils.reader import PdfFileReader

    class Imported(content.PdfContent):
        """pyHanko's ImportedPdfPage reads a file name; this one reads bytes."""

        def render(self) -> bytes:
            writer = self._ensure_writer
            xobject = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(pdf)))
            self.resources.xobject["/Vanban"] = xobject
            x0, y0, x1, y1 = (float(v) for v in xobject.get_object()["/BBox"])
            self.box = BoxConstraints(width=abs(x1 - x0), height=abs(y1 - y0))
            return b"/Vanban Do"

    return Imported()


def sign_pdf(data: bytes, key: Key, *, field_name: str, page: int, box: Box, appearance: bytes, certify: bool,
             when: dt.datetime, reason: str, location: str, tsa: str = "",
             empty_field: tuple[str, int, Box] | None = None) -> bytes:
    """Return ``data`` with a PAdES signature appended in a visible field drawn by ``appearance``.

    ``certify`` makes it a certification signature that allows form filling and further
    signatures (DocMDP P=2). ``when`` is written as ``/M``, in Vietnam time. ``empty_field``
    (name, page, box) adds an empty signature field in the same revision, for a later signer.

    Why the empty field now: after a certification signature, even at P=2, a new *visible*
    signature field is a change validators reject (pyHanko: "only allowed after an approval
    signature"); signing a field that already exists is allowed.
    """
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps import HTTPTimeStamper
    from pyhanko.stamp.static import StaticStampStyle

    class AtTime(signers.PdfSigner):
        """A PdfSigner whose signing time is ``when``.

        Why: pyHanko takes the time from the machine's local zone (tzlocal) when the session
        opens; the displayed time must equal ``/M`` and both must read +07:00 wherever the
        machine is, so the session's time is set to the instant the appearance shows.
        """

        def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
            session = super().init_signing_session(pdf_out, existing_fields_only)
            session.system_time = when
            return session

    meta = signers.PdfSignatureMetadata(
        field_name=field_name, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        certify=certify, docmdp_permissions=fields.MDPPerm.FILL_FORMS, reason=reason, location=location,
        name=key.holder,
    )
    style = StaticStampStyle(
        border_width=0, background=_imported(appearance), background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MID,
                                                     y_align=layout.AxisAlignment.ALIGN_MID,
                                                     margins=layout.Margins(0, 0, 0, 0)),
    )
    # pyHanko types the box as ints but writes floats as given: kept to the 0.01 pt the
    # placement is measured to (an int would move an image by up to 0.35 mm).
    spec: fields.SigFieldSpec | None = fields.SigFieldSpec(
        sig_field_name=field_name, on_page=page, box=(box.x0, box.y0, box.x1, box.y1))  # type: ignore[arg-type]
    timestamper = HTTPTimeStamper(tsa) if tsa else None
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    if empty_field is not None:
        name, on_page, where = empty_field
        fields.append_signature_field(writer, fields.SigFieldSpec(
            sig_field_name=name, on_page=on_page, box=(where.x0, where.y0, where.x1, where.y1)))  # type: ignore[arg-type]
    if sig_field(data, field_name) is not None:
        spec = None  # the field exists (made empty by an earlier signer): sign into it
    signer = AtTime(meta, signer=key.signer, timestamper=timestamper, stamp_style=style, new_field_spec=spec)
    out = io.BytesIO()
    try:
        signer.sign_pdf(writer, output=out, bytes_reserved=SIGNATURE_BYTES)
    except Exception as exc:
        raise UsageError(_("ký số không thành công: {reason}").format(reason=exc or type(exc).__name__)) from None
    return out.getvalue()


@dataclass(frozen=True)
class Blank:
    """A blank of the issuing draft a form field covers: its box, the line's size, and its baseline."""

    name: str
    box: Box
    size: float
    baseline: float
    italic: bool
    font: str


def find_blanks(ink: PageInk) -> list[Blank]:
    """Return the blank number (``Số:      /…``) and day (``ngày      tháng``) of a draft's page 1.

    Each blank is the run of no-break spaces the draft prints [R-NUM-8, R-DATE-5].
    """
    out: list[Blank] = []
    for line in ink.lines():
        text = line.text
        for name, pattern in ((NUMBER_FIELD, r"^Số:\s?(\u00a0+)/"), (DAY_FIELD, r"ngày(\u00a0+)tháng")):
            match = re.search(pattern, text)
            if match is None:
                continue
            glyphs = _glyph_span(line.glyphs, match.start(1), match.end(1))
            box = Box(glyphs[0].box.x0, min(g.box.y0 for g in glyphs), glyphs[-1].box.x1,
                      max(g.box.y1 for g in glyphs))
            font = glyphs[0].font
            out.append(Blank(name, box, glyphs[0].size, glyphs[0].baseline, "Italic" in font, font))
    return out


def _glyph_span(glyphs: Sequence[Any], start: int, end: int) -> list[Any]:
    """Return the glyphs drawing characters ``start`` to ``end`` of their joined text."""
    out = []
    position = 0
    for glyph in glyphs:
        if start <= position < end:
            out.append(glyph)
        position += len(glyph.text)
    return out


def add_fields(data: bytes, blanks: Sequence[Blank]) -> bytes:
    """Return the draft ``data`` with an empty text field over each blank (page 1), nothing else changed.

    Each widget is printable with an empty appearance (PDF/A wants one) and a default
    appearance naming the page's own embedded font at the line's size.
    """
    with pikepdf.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        fonts = page.obj.Resources.Font
        acroform = pdf.Root.get("/AcroForm")
        if acroform is None:
            acroform = pdf.make_indirect(pikepdf.Dictionary(Fields=pikepdf.Array()))
            pdf.Root.AcroForm = acroform
        resources = pikepdf.Dictionary()
        annots = page.obj.get("/Annots")
        if annots is None:
            page.obj.Annots = annots = pikepdf.Array()
        for blank in blanks:
            resource = next((name for name, font in fonts.items() if str(font.get("/BaseFont")) == blank.font), None)
            if resource is not None:
                resources[resource] = fonts[resource]
            empty = pdf.make_stream(b"", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                                    BBox=[0, 0, blank.box.width, blank.box.height])
            widget = pdf.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Tx,
                T=pikepdf.String(blank.name), TU=pikepdf.String(_field_tooltip(blank.name)),
                Rect=[blank.box.x0, blank.box.y0, blank.box.x1, blank.box.y1], F=4, Q=1, P=page.obj,
                DA=pikepdf.String(f"{resource or '/F1'} {blank.size:g} Tf 0 g"),
                AP=pikepdf.Dictionary(N=empty),
            ))
            annots.append(widget)
            acroform.Fields.append(widget)
        acroform.DR = pikepdf.Dictionary(Font=resources)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
    return out.getvalue()


def _field_tooltip(name: str) -> str:
    # Data inside the office's document, so always Vietnamese (like the register).
    return "Số văn bản (văn thư điền khi phát hành)" if name == NUMBER_FIELD else "Ngày ban hành"


def form_fields(data: bytes) -> dict[str, tuple[Box, str, int]]:
    """Return the draft's text fields: name → (rectangle, current value, page index)."""
    out: dict[str, tuple[Box, str, int]] = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        acroform = pdf.Root.get("/AcroForm")
        for widget in acroform.get("/Fields", []) if acroform is not None else []:
            if widget.get("/FT") != "/Tx":
                continue
            rect = [float(v) for v in widget.Rect]
            page = pages.get(widget.P.objgen, 0) if "/P" in widget else 0
            out[str(widget.T)] = (Box(*rect), str(widget.get("/V", "")), page)
    return out


def fill_fields(data: bytes, values: dict[str, tuple[str, Blank]]) -> bytes:
    """Return ``data`` with each named text field given a value and its appearance, as an incremental update.

    The appearance is the value in Liberation Serif (metric-compatible with Times New Roman)
    at the size of the line it fills, centred on the blank, its baseline on the line's.
    Nothing else changes, so a certification allowing form filling stays valid.
    """
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    for reference in writer.root["/AcroForm"]["/Fields"]:
        widget = reference.get_object()
        name = str(widget.get("/T", ""))
        if name not in values:
            continue
        value, blank = values[name]
        x0, y0, x1, y1 = (float(v) for v in widget["/Rect"])
        box = Box(x0, y0, x1, y1)
        size = blank.size
        while size > 8 and text_width_mm(value, size) * stamp.MM > box.width:
            size -= 0.5  # a 4-digit number in a 3-digit blank: smaller rather than outside the field
        pdf = stamp.text_pdf(value, box, size, baseline_from_top=box.y1 - blank.baseline, italic=blank.italic)
        xobject = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(pdf)))
        widget[generic.pdf_name("/V")] = generic.TextStringObject(value)
        widget[generic.pdf_name("/AP")] = generic.DictionaryObject(  # type: ignore[no-untyped-call]
            {generic.pdf_name("/N"): xobject})
        writer.mark_update(reference)
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()


@dataclass(frozen=True)
class Signature:
    """One signature of a PDF as a validator sees it."""

    field: str
    holder: str
    time: dt.datetime | None  # /M, in its own zone
    time_text: str  # /M as written
    intact: bool
    valid: bool
    trusted: bool
    certified: bool
    level: str  # what changed after it: none, form filling (and signing), annotations, other
    docmdp_ok: bool
    changed_fields: tuple[str, ...]
    whole_file: bool

    @property
    def sound(self) -> bool:
        """Tell whether the signature is intact, valid and nothing after it breaks its permissions."""
        return self.intact and self.valid and self.docmdp_ok


def signatures(data: bytes, roots: Sequence[Any] = ()) -> list[Signature]:
    """Return every signature of the PDF ``data``, validated (trust only against ``roots``, no fetching)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    out: list[Signature] = []
    for embedded in reader.embedded_signatures:
        context = ValidationContext(trust_roots=list(roots), allow_fetching=False)
        status = validate_pdf_signature(embedded, signer_validation_context=context)
        raw_time = embedded.sig_object.get("/M")
        diff = status.diff_result
        changed = tuple(sorted(getattr(diff, "changed_form_fields", ()) or ()))
        level = status.modification_level.name if status.modification_level is not None else "OTHER"
        subject = status.signing_cert.subject.native
        out.append(Signature(
            field=embedded.field_name, holder=str(subject.get("common_name") or subject),
            time=embedded.self_reported_timestamp, time_text=str(raw_time or ""),
            intact=bool(status.intact), valid=bool(status.valid), trusted=bool(status.trusted) and bool(roots),
            certified=embedded.sig_object.get("/Reference") is not None and _is_docmdp(embedded.sig_object),
            level=level, docmdp_ok=status.docmdp_ok is not False,
            changed_fields=changed, whole_file=status.coverage is not None and status.coverage.name == "ENTIRE_FILE",
        ))
    return out


def _is_docmdp(sig_object: Any) -> bool:
    return any(str(ref.get_object().get("/TransformMethod")) == "/DocMDP" for ref in sig_object["/Reference"])


def require_sound(data: bytes, roots: Sequence[Any]) -> list[Signature]:
    """Return the signatures of ``data``; raise UsageError when one is broken (a self-check before writing)."""
    found = signatures(data, roots)
    for signature in found:
        if not signature.sound:
            raise UsageError(_("chữ ký {field} của {holder} không còn hợp lệ sau bước này").format(
                field=signature.field, holder=signature.holder))
    return found


def leader_signature(data: bytes, roots: Sequence[Any]) -> Signature:
    """Return the competent person's valid signature; UsageError when there is none [Điều 32.2.d]."""
    for signature in signatures(data, roots):
        if signature.field == LEADER_FIELD:
            if not signature.sound:
                raise UsageError(_("chữ ký của người có thẩm quyền ({holder}) không hợp lệ; cơ quan không ký số "
                                   "văn bản này [Điều 32.2.d]").format(holder=signature.holder))
            if roots and not signature.trusted:
                raise UsageError(_("chữ ký của người có thẩm quyền ({holder}) không được chứng thư tin cậy nào "
                                   "xác nhận; cơ quan không ký số văn bản này").format(holder=signature.holder))
            return signature
    raise UsageError(_("văn bản chưa có chữ ký số hợp lệ của người có thẩm quyền; cơ quan chỉ ký số sau khi người "
                       "có thẩm quyền đã ký [Điều 32.2.d]"))


def sig_field(data: bytes, name: str) -> tuple[int, Box] | None:
    """Return the page and rectangle of the signature field ``name``, or None."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        acroform = pdf.Root.get("/AcroForm")
        for widget in acroform.get("/Fields", []) if acroform is not None else []:
            if str(widget.get("/T", "")) == name and "/Rect" in widget:
                page = pages.get(widget.P.objgen, len(pdf.pages) - 1) if "/P" in widget else len(pdf.pages) - 1
                return page, Box(*(float(v) for v in widget.Rect))
    return None


def describe(found: Sequence[Signature]) -> list[str]:
    """Return two lines per signature, for ``verify``: who, when (+07:00), valid or not; what changed after."""
    lines: list[str] = []
    for index, sig in enumerate(found, start=1):
        when = iso(sig.time) if sig.time else sig.time_text
        state = _("hợp lệ") if sig.intact and sig.valid else _("KHÔNG HỢP LỆ (tệp đã bị sửa hoặc chữ ký hỏng)")
        trust = _("chứng thư được tin cậy") if sig.trusted else _("chưa xác minh chứng thư (không có chứng thư tin "
                                                                    "cậy trong ky_so.tin_cay)")
        kind = _("chứng thực, cho phép điền biểu mẫu và ký tiếp") if sig.certified else _("phê duyệt")
        lines.append(_("Chữ ký {index} ({field}, {kind}): {holder}, lúc {when}; {state}; {trust}.").format(
            index=index, field=sig.field, kind=kind, holder=sig.holder, when=when, state=state, trust=trust))
        lines.append("  " + _after(sig))
    return lines


def _after(sig: Signature) -> str:
    """Say what changed after a signature, in words."""
    if sig.whole_file:
        return _("Sau chữ ký này: không có thay đổi.")
    changes = {
        "NONE": _("không có thay đổi nội dung"),
        "LTA_UPDATES": _("chỉ thêm dữ liệu kiểm chứng (dấu thời gian, chứng thư)"),
        "FORM_FILLING": _("điền biểu mẫu và thêm chữ ký"),
        "ANNOTATIONS": _("thêm chú thích"),
    }.get(sig.level, _("thay đổi khác, không được phép"))
    fields = _(" (trường: {fields})").format(fields=", ".join(sig.changed_fields)) if sig.changed_fields else ""
    allowed = "" if sig.docmdp_ok else " " + _("— VI PHẠM quyền thay đổi mà chữ ký chứng thực cho phép")
    return _("Sau chữ ký này: {changes}{fields}{allowed}.").format(changes=changes, fields=fields, allowed=allowed)


def _quiet_pyhanko() -> None:
    """Keep pyHanko's own log records (path-building tracebacks for untrusted chains) off the terminal.

    Why: without a handler, Python prints WARNING records to stderr; validating without
    trust anchors logs a full traceback per signature, while vanban reports the outcome itself.
    """
    import logging

    for name in ("pyhanko", "pyhanko_certvalidator"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())
        logger.propagate = False


_quiet_pyhanko()
