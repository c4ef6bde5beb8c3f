"""Sign issued notices as ND30 wants them sent: PAdES signatures with the signature and seal images.

Why this shape: a văn bản điện tử carries the competent person's digital signature with the
image of their handwritten signature in ô 7c, then the organisation's digital signature
with the seal's image over the left third of it in ô 8 [Phụ lục I II.7.d, II.8.a; Điều 13,
32]; the organisation signs only what the competent person has signed [Điều 32.2.d]. Two
orders are in use and both are supported:

(a) number and date first: the leader signs the issued, archived PDF, then the organisation;
(b) e-office: the leader signs the issuing draft, whose blank number and day are empty form
    fields; at issue the văn thư fills them (which the leader's certification allows, DocMDP
    P=2) and the organisation signs.

A separately filed phụ lục is signed by the organisation alone, with no image and the
R-SIG-11 text at the top right of page 1. Every signed revision is archived beside the
issued file and recorded in the register (``ky_so``, ``dien_so``), then committed.
Signatures are PAdES baseline B-B (B-T when a time-stamp server is configured). The signing
time is Vietnam time: ``/M`` reads ``+07'00'`` and any displayed time is the same instant as
``YYYY-MM-DDThh:mm:ss+07:00`` [R-SIG-13].
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pikepdf
from pydantic import ValidationError

from vanban.commands import stamp
from vanban.commands.archive import (
    Entry,
    archive_name,
    issued,
    latest_pdf,
    read_register,
    record,
    register_path,
    sha256,
)
from vanban.commands.ink import Box, PageInk, read_page
from vanban.errors import ContentError, UsageError
from vanban.files import read_regular
from vanban.i18n import _
from vanban.pipeline import rules
from vanban.pipeline.fonts import text_width_mm
from vanban.pipeline.ky_so import KySo
from vanban.pipeline.loader import Located, load_file
from vanban.repo import display, find_profile, repository_root

if TYPE_CHECKING:
    from pyhanko.sign.signers import Signer

#: Vietnam keeps UTC+7 all year: every signing time is written in it [R-SIG-13].
VIETNAM = dt.timezone(dt.timedelta(hours=7))
#: Signature field names: the competent person's (ô 7c), the organisation's (ô 8), a phụ lục's.
LEADER_FIELD = "ChuKyLanhDao"
SEAL_FIELD = "ChuKyCoQuan"
ATTACHMENT_FIELD = "ChuKyPhuLuc"
#: The issuing draft's form fields over the blank number and day.
NUMBER_FIELD = "so"
DAY_FIELD = "ngay"
#: Roles a signature is made in.
LEADER, ORGANISATION = "lanh-dao", "co-quan"
#: Largest PDF read for signing (a signed 200-page notice is a few MB).
MAX_PDF_BYTES = 256 * 1024 * 1024
#: Largest certificate, PKCS#12 or PIN file read.
MAX_KEY_BYTES = 1024 * 1024
#: Room reserved in the file for the CMS signature (the chain and, with B-T, a time stamp).
SIGNATURE_BYTES = 32 * 1024


# --- configuration: vanban.yaml's ky_so -----------------------------------------------------


@dataclass(frozen=True)
class Config:
    """The signing configuration and the folder its relative paths start from."""

    ky_so: KySo
    folder: Path
    file: str

    def path(self, relative: str) -> Path:
        """Return ``relative`` resolved against the configuration's folder."""
        return self.folder / relative


def load_config(start: Path, explicit: Path | None = None) -> Config:
    """Return the ``ky_so`` section of ``explicit`` or of the vanban.yaml governing ``start``.

    Raise ContentError with located problems when the section is invalid; an absent file or
    section gives an empty configuration (each step then says what it misses).
    """
    path = explicit or find_profile(start)
    if path is None:
        return Config(KySo(), start if start.is_dir() else start.parent, "vanban.yaml")
    shown = display(path)
    located, problems = load_file(path, shown)
    if located is None:
        raise ContentError(problems)
    data = located.data.get("ky_so") if isinstance(located.data, dict) else None
    if data is None:
        return Config(KySo(), path.parent, shown)
    section = Located(located.file, data, {p[1:]: m for p, m in located.marks.items() if p[:1] == ("ky_so",)})
    try:
        ky_so = KySo.model_validate(data)
    except ValidationError as exc:
        from vanban.pipeline.validate import model_problems

        raise ContentError([dataclasses.replace(p, field=f"ky_so.{p.field}" if p.field else "ky_so")
                            for p in model_problems(section, exc, KySo)]) from None
    return Config(ky_so, path.parent, shown)


# --- keys -----------------------------------------------------------------------------------


@dataclass
class Key:
    """A signer ready to sign, its certificate, and how to release it (close a token session)."""

    signer: Signer
    close: Callable[[], None] = lambda: None

    @property
    def certificate(self) -> Any:
        """Return the signer's certificate (asn1crypto)."""
        return self.signer.signing_cert

    @property
    def holder(self) -> str:
        """Return the certificate's common name (or its whole subject)."""
        subject = self.certificate.subject.native
        return str(subject.get("common_name") or self.certificate.subject.human_friendly)


def read_secret(env: str = "VANBAN_PIN", file: Path | None = None) -> str | None:
    """Return the PIN or passphrase from ``file`` (first line) or the environment; None when neither gives one.

    Why never an option: a value on the command line is visible to every user in ``ps`` and
    stays in the shell's history.
    """
    import os

    if file is not None:
        try:
            text = read_regular(file, MAX_KEY_BYTES).decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(_("không đọc được tệp mã PIN {path}: {reason}").format(path=file, reason=exc)) from None
        return text.splitlines()[0] if text.strip() else ""
    return os.environ.get(env)


def pkcs12_key(path: Path, passphrase: str) -> Key:
    """Return the signer of a PKCS#12 file; UsageError for a wrong passphrase or a file without a key."""
    from pyhanko.sign.signers import SimpleSigner

    try:
        data = read_regular(path, MAX_KEY_BYTES)
    except OSError as exc:
        raise UsageError(_("không đọc được tệp khóa {path}: {reason}").format(path=path, reason=exc)) from None
    try:
        signer = SimpleSigner.load_pkcs12_data(data, passphrase=passphrase.encode("utf-8"), other_certs=())
    except (ValueError, TypeError):
        signer = None
    if signer is None:
        raise UsageError(_("không mở được tệp khóa {path}: sai mật khẩu, hoặc tệp không có khóa bí mật và chứng thư"
                           ).format(path=display(path)))
    return Key(signer)


def pkcs11_key(library: Path, token: str, key_label: str, pin: str, cert_label: str | None = None) -> Key:
    """Return the signer of the key ``key_label`` on the PKCS#11 token labelled ``token``.

    UsageError for a missing library or token, a wrong PIN, or no such key or certificate.
    """
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    try:
        session = open_pkcs11_session(str(library), token_criteria=TokenCriteria(label=token), user_pin=pin)
    except Exception as exc:  # python-pkcs11 and pyHanko each raise their own types (PinIncorrect, …)
        reason = _("sai mã PIN") if type(exc).__name__ == "PinIncorrect" else str(exc) or type(exc).__name__
        raise UsageError(_("không mở được thiết bị ký số '{token}' ({library}): {reason}").format(
            token=token, library=library, reason=reason)) from None
    try:
        signer = PKCS11Signer(session, key_label=key_label, cert_label=cert_label or key_label)
        signer.signing_cert  # noqa: B018 - fetches the certificate now, so a wrong label fails here
    except Exception as exc:
        session.close()
        raise UsageError(_("thiết bị ký số '{token}' không có khóa hoặc chứng thư '{label}': {reason}").format(
            token=token, label=cert_label or key_label, reason=exc or type(exc).__name__)) from None
    return Key(signer, session.close)


def check_key(key: Key, when: dt.datetime) -> None:
    """Raise UsageError when the certificate is not valid at ``when`` or the key is not the certificate's.

    Why before signing: pyHanko embeds whatever it is given; an expired certificate or a key
    that does not match makes a signature every validator rejects, found only by the recipient.
    """
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    cert = x509.load_der_x509_certificate(key.certificate.dump())
    start, end = cert.not_valid_before_utc, cert.not_valid_after_utc
    if when < start or when > end:
        raise UsageError(_("chứng thư số của {holder} hết hiệu lực hoặc chưa có hiệu lực: có giá trị từ {start} "
                           "đến {end}, thời điểm ký {when}").format(
            holder=key.holder, start=_iso(start), end=_iso(end), when=_iso(when)))
    probe = b"vanban: the key must match its certificate"
    try:
        signature = asyncio.run(key.signer.async_sign_raw(probe, "sha256"))
    except Exception as exc:
        raise UsageError(_("không ký được bằng khóa của {holder}: {reason}").format(
            holder=key.holder, reason=exc or type(exc).__name__)) from None
    public = cert.public_key()
    try:
        if isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, probe, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, probe, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise UsageError(_("khóa bí mật không khớp với chứng thư số của {holder} (sai khóa)").format(
            holder=key.holder)) from None


def _iso(when: dt.datetime) -> str:
    """Return ``when`` as ``YYYY-MM-DDThh:mm:ss+07:00`` [R-SIG-13]."""
    return when.astimezone(VIETNAM).replace(microsecond=0).isoformat()


def now() -> dt.datetime:
    """Return the current time in Vietnam, to the second (what ``/M`` can hold)."""
    return dt.datetime.now(VIETNAM).replace(microsecond=0)


# --- PDF operations -------------------------------------------------------------------------


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
    if _sig_field(data, field_name) is not None:
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


def _form_fields(data: bytes) -> dict[str, tuple[Box, str, int]]:
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


# --- validation -----------------------------------------------------------------------------


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


def trust_roots(config: Config) -> list[Any]:
    """Return the trust anchors the configuration names (asn1crypto certificates)."""
    from pyhanko.keys.pemder import load_certs_from_pemder_data

    roots: list[Any] = []
    for name in config.ky_so.tin_cay:
        path = config.path(name)
        try:
            data = read_regular(path, MAX_KEY_BYTES)
        except OSError as exc:
            raise UsageError(_("không đọc được chứng thư tin cậy {path}: {reason}").format(path=path, reason=exc)) \
                from None
        try:
            roots.extend(load_certs_from_pemder_data(data))
        except ValueError:
            raise UsageError(_("{path} không phải chứng thư số (PEM hoặc DER)").format(path=path)) from None
    return roots


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


def _require_sound(data: bytes, roots: Sequence[Any]) -> list[Signature]:
    """Return the signatures of ``data``; raise UsageError when one is broken (a self-check before writing)."""
    found = signatures(data, roots)
    for signature in found:
        if not signature.sound:
            raise UsageError(_("chữ ký {field} của {holder} không còn hợp lệ sau bước này").format(
                field=signature.field, holder=signature.holder))
    return found


def _leader_signature(data: bytes, roots: Sequence[Any]) -> Signature:
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


# --- the steps ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Who:
    """Who signs a notice's ô 7: their last chức vụ line and their name, as the page prints them."""

    title: str
    name: str


@dataclass(frozen=True)
class Done:
    """What a signing step produced: the signed bytes, the signing time, and the signatures now in them."""

    data: bytes
    when: dt.datetime
    signatures: tuple[Signature, ...]


def _last_page(data: bytes) -> tuple[int, PageInk]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        index = len(pdf.pages) - 1
        return index, read_page(pdf, index)


def _block(data: bytes, who: Who) -> tuple[stamp.SignerBlock, PageInk]:
    page, ink = _last_page(data)
    block = stamp.signer_block(ink, page, who.title, who.name)
    if block is None:
        raise UsageError(_("không tìm thấy khối chữ ký (dòng '{title}' rồi dòng '{name}') ở trang cuối của tệp PDF"
                           ).format(title=who.title, name=who.name))
    return block, ink


def sign_as_leader(data: bytes, key: Key, who: Who, image: stamp.Image, seal_diameter_mm: float,
                   location: str, tsa: str = "", when: dt.datetime | None = None) -> Done:
    """Return ``data`` signed by the competent person: a certification (P=2) with their image in ô 7c.

    The organisation's signature field is laid out in the same revision, empty, where the
    seal of ``seal_diameter_mm`` will go [R-SIG-9]. Refused when the file is signed already:
    the competent person signs first [Điều 32.2.d].
    """
    when = when or now()
    check_key(key, when)
    if signatures(data):
        raise UsageError(_("tệp đã có chữ ký số; người có thẩm quyền ký trước tiên"))
    block, ink = _block(data, who)
    box = stamp.signature_box(block, image)
    seal = stamp.seal_box(box, seal_diameter_mm, ink, block)
    signed = sign_pdf(data, key, field_name=LEADER_FIELD, page=block.page, box=box,
                      appearance=stamp.image_pdf(image, box), certify=True, when=when,
                      reason="Ký ban hành văn bản", location=location, tsa=tsa,
                      empty_field=(SEAL_FIELD, block.page, seal))
    return Done(signed, when, tuple(_require_sound(signed, ())))


def sign_as_organisation(data: bytes, key: Key, seal: stamp.Image | None, location: str,
                         roots: Sequence[Any] = (), tsa: str = "", when: dt.datetime | None = None) -> Done:
    """Return ``data`` signed by the organisation in the seal field the competent person's revision laid out.

    Refused without a seal image, or without the competent person's valid signature
    [Điều 32.2.d], or when the organisation has signed already, or while the number and
    day are still blank.
    """
    if seal is None:
        raise UsageError(_("chưa cấu hình ảnh con dấu của cơ quan (ky_so.con_dau); chữ ký số của cơ quan trên văn "
                           "bản phải kèm hình ảnh con dấu [R-SIG-9]"))
    when = when or now()
    check_key(key, when)
    _leader_signature(data, roots)
    if any(s.field == SEAL_FIELD for s in signatures(data)):
        raise UsageError(_("văn bản đã có chữ ký số của cơ quan"))
    unfilled = [name for name, (_box, value, _page) in _form_fields(data).items() if not value]
    if unfilled:
        raise UsageError(_("chưa điền {fields} vào bản đã ký; hãy phát hành (điền số, ngày) trước khi cơ quan ký"
                           ).format(fields=", ".join(unfilled)))
    where = _sig_field(data, SEAL_FIELD)
    if where is None:
        raise UsageError(_("bản đã ký không có ô chữ ký của cơ quan ({field})").format(field=SEAL_FIELD))
    page, box = where
    signed = sign_pdf(data, key, field_name=SEAL_FIELD, page=page, box=box,
                      appearance=stamp.image_pdf(seal, box), certify=False, when=when,
                      reason="Ký số của cơ quan, tổ chức", location=location, tsa=tsa)
    return Done(signed, when, tuple(_require_sound(signed, roots)))


def _sig_field(data: bytes, name: str) -> tuple[int, Box] | None:
    """Return the page and rectangle of the signature field ``name``, or None."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        acroform = pdf.Root.get("/AcroForm")
        for widget in acroform.get("/Fields", []) if acroform is not None else []:
            if str(widget.get("/T", "")) == name and "/Rect" in widget:
                page = pages.get(widget.P.objgen, len(pdf.pages) - 1) if "/P" in widget else len(pdf.pages) - 1
                return page, Box(*(float(v) for v in widget.Rect))
    return None


def sign_attachment(data: bytes, key: Key, number: str, location: str, tsa: str = "",
                    when: dt.datetime | None = None) -> Done:
    """Return a separately filed phụ lục signed by the organisation, with the R-SIG-11 text and no image."""
    when = when or now()
    check_key(key, when)
    text = stamp.attachment_text(number, _iso(when))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        ink = read_page(pdf, 0)
    box = stamp.attachment_box(ink, stamp.attachment_width(text))
    appearance = stamp.text_pdf(text, box, stamp.ATTACHMENT_PT, border=True)
    signed = sign_pdf(data, key, field_name=ATTACHMENT_FIELD, page=0, box=box, appearance=appearance,
                      certify=False, when=when, reason=f"Ký số phụ lục kèm theo văn bản số {number}",
                      location=location, tsa=tsa)
    return Done(signed, when, tuple(_require_sound(signed, ())))


def fill_number_and_day(data: bytes, number: str, day: dt.date, roots: Sequence[Any] = ()) -> bytes:
    """Return the signed issuing draft with its ``so`` and ``ngay`` fields filled [R-NUM-8, R-DATE-5].

    Refused unless the competent person's signature is valid and allows it, the fields are
    still empty, and the issue date falls in the month and year the draft prints.
    """
    _leader_signature(data, roots)
    fields = _form_fields(data)
    missing = [name for name in (NUMBER_FIELD, DAY_FIELD) if name not in fields]
    if missing:
        raise UsageError(_("bản đã ký không có trường {fields} để điền số và ngày").format(fields=", ".join(missing)))
    filled = [name for name in (NUMBER_FIELD, DAY_FIELD) if fields[name][1]]
    if filled:
        raise UsageError(_("bản đã ký đã được điền {fields}").format(fields=", ".join(filled)))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        ink = read_page(pdf, fields[DAY_FIELD][2], annotations=False)
    blanks = {b.name: b for b in find_blanks(ink)}
    printed = next((m for line in ink.lines() if (m := re.search(r"ngày tháng (\d{1,2}) năm (\d{4})", line.words))),
                   None)
    if printed is None:
        raise UsageError(_("bản đã ký không in tháng và năm ban hành ('ngày … tháng M năm YYYY'); không điền được"))
    month, year = int(printed[1]), int(printed[2])
    if (day.month, day.year) != (month, year):
        raise UsageError(_("ngày ban hành {day} không thuộc tháng {month} năm {year} mà bản đã ký ghi; "
                           "người có thẩm quyền phải ký lại bản dự thảo").format(
            day=rules.short_date(day), month=month, year=year))
    for name in (NUMBER_FIELD, DAY_FIELD):
        if name not in blanks:
            raise UsageError(_("không thấy chỗ trống của trường {field} trên trang").format(field=name))
    return fill_fields(data, {NUMBER_FIELD: (number, blanks[NUMBER_FIELD]),
                              DAY_FIELD: (f"{day.day:02d}", blanks[DAY_FIELD])})


def prepare_draft(pdf: bytes) -> bytes:
    """Return the issuing draft ``pdf`` with empty ``so`` and ``ngay`` fields laid over its blanks."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        ink = read_page(document, 0)
    blanks = find_blanks(ink)
    names = {b.name for b in blanks}
    if names != {NUMBER_FIELD, DAY_FIELD} or len(blanks) != 2:
        raise UsageError(_("bản dự thảo không có đúng một chỗ trống số ('Số:      /…') và một chỗ trống ngày "
                           "('ngày      tháng')"))
    return add_fields(pdf, blanks)


# --- the register and the archive -----------------------------------------------------------


def revision_name(entry: Entry, kind: str) -> str:
    """Return where a signed revision of ``entry``'s document is kept: ``da-phat-hanh/2024/12-TB-UBND-<kind>.pdf``."""
    return archive_name(entry.year, entry.so, entry.ky_hieu, f"-{kind}.pdf")


def new_entry(entry: Entry, event: str, files: dict[str, bytes]) -> Entry:
    """Return the register line of a signed or filled revision of ``entry``'s document (chained when recorded)."""
    return dataclasses.replace(entry, su_kien=event, tep={name: sha256(data) for name, data in files.items()})


def iter_archive(root: Path) -> Iterator[tuple[Entry, str]]:
    """Yield every archived file with the register line that recorded it."""
    entries, _problems = read_register(root)
    for entry in entries:
        for name in entry.tep:
            yield entry, name


def describe(found: Sequence[Signature]) -> list[str]:
    """Return two lines per signature, for ``verify``: who, when (+07:00), valid or not; what changed after."""
    lines: list[str] = []
    for index, sig in enumerate(found, start=1):
        when = _iso(sig.time) if sig.time else sig.time_text
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





# --- the command: from a content file (or a phụ lục) to archived, registered, committed files ---


@dataclass(frozen=True)
class Request:
    """What ``vanban sign`` was asked: the file, the role, the key, and the options of each order."""

    file: Path
    role: str  # LEADER | ORGANISATION
    key: Key
    signed_draft: Path | None = None  # order (b): the leader-signed issuing draft, filled then sealed
    attachment_of: Path | None = None  # FILE is a separately filed phụ lục of this issued notice
    out: Path | None = None
    month: dt.date | None = None  # the month and year the issuing draft prints
    config: Path | None = None
    templates: Path | None = None
    tsa: str = ""


@dataclass(frozen=True)
class Outcome:
    """What the command did: the signed file, every file written, the commit (if any), the signatures."""

    output: Path
    when: dt.datetime
    signatures: tuple[Signature, ...]
    files: tuple[Path, ...] = ()
    commit: str = ""


def run(request: Request) -> Outcome:
    """Carry out one signing step of ``request``; nothing is written when it is refused."""
    if request.attachment_of is not None:
        return _run_attachment(request)
    if request.file.suffix.lower() not in (".yaml", ".yml"):
        raise UsageError(_("FILE phải là tệp nội dung .yaml của thông báo (hoặc dùng --attachment-of cho một phụ lục "
                           ".pdf)"))
    from vanban.pipeline.context import build_context
    from vanban.pipeline.notice import load_one

    notice = load_one(request.file)
    model = notice.model
    ctx = build_context(model, request.file.stem)
    who = Who(ctx.chuc_vu[-1], ctx.ho_ten)
    config = load_config(request.file, request.config)
    tsa = request.tsa or config.ky_so.tsa
    root = repository_root(request.file.resolve().parent)
    relative = request.file.resolve().relative_to(root.resolve()).as_posix()
    entries, _problems = read_register(root)
    entry = issued(entries, relative)
    location = model.co_quan.dia_danh
    seal = config.ky_so.con_dau.get(model.co_quan.viet_tat)
    if request.role == LEADER:
        image = _signature_image(config, who.name)
        if seal is None:
            raise UsageError(_("chưa cấu hình con dấu của cơ quan '{body}' trong ky_so.con_dau ({file}): cần đường "
                               "kính để dành chỗ cho chữ ký số của cơ quan [R-SIG-9]").format(
                body=model.co_quan.viet_tat, file=config.file))
        if entry is None:
            if request.signed_draft is not None:
                raise UsageError(_("--signed-draft dùng khi cơ quan ký (--role organisation)"))
            draft = issuing_draft(request.file, request.month, request.templates)
            done = sign_as_leader(draft, request.key, who, image, seal.duong_kinh_mm, location, tsa)
            out = request.out or Path("output") / f"{request.file.stem}.du-thao-ky.pdf"
            _write_out(out, done.data)
            return Outcome(out, done.when, done.signatures, (out,))
        if request.signed_draft is not None:
            raise UsageError(_("--signed-draft dùng khi cơ quan ký (--role organisation)"))
        current = _archived(root, entries, relative)
        done = sign_as_leader(current, request.key, who, image, seal.duong_kinh_mm, location, tsa)
        return _record(root, entry, [("ky_so", revision_name(entry, "ky-lanh-dao"), done.data)], done, request.out,
                       f"Ký số {entry.number} (người có thẩm quyền: {who.name})")
    if entry is None:
        raise UsageError(_("{file} chưa phát hành; cơ quan chỉ ký văn bản đã có số và ngày (chạy vanban issue trước)"
                           ).format(file=display(request.file)))
    seal_image = stamp.load_image(config.path(seal.anh), "red") if seal is not None else None
    roots = trust_roots(config)
    if request.signed_draft is None:
        current = _archived(root, entries, relative)
        done = sign_as_organisation(current, request.key, seal_image, location, roots, tsa)
        return _record(root, entry, [("ky_so", revision_name(entry, "ky-co-quan"), done.data)], done, request.out,
                       f"Ký số {entry.number} (cơ quan)")
    draft = _read_pdf(request.signed_draft)
    if seal_image is None:  # refuse before filling anything
        sign_as_organisation(draft, request.key, None, location)
    filled = fill_number_and_day(draft, rules.number_text(entry.so), dt.date.fromisoformat(entry.ngay), roots)
    done = sign_as_organisation(filled, request.key, seal_image, location, roots, tsa)
    revisions = [("ky_so", revision_name(entry, "ky-lanh-dao"), draft),
                 ("dien_so", revision_name(entry, "dien-so"), filled),
                 ("ky_so", revision_name(entry, "ky-co-quan"), done.data)]
    return _record(root, entry, revisions, done, request.out, f"Điền số, ngày và ký số {entry.number} (cơ quan)")


def _run_attachment(request: Request) -> Outcome:
    """Sign a separately filed phụ lục of an issued notice as the organisation [R-SIG-11]."""
    assert request.attachment_of is not None
    if request.role != ORGANISATION:
        raise UsageError(_("phụ lục tách tệp do cơ quan ký (--role organisation) [R-SIG-11]"))
    main = request.attachment_of
    root = repository_root(main.resolve().parent)
    relative = main.resolve().relative_to(root.resolve()).as_posix()
    entries, _problems = read_register(root)
    entry = issued(entries, relative)
    if entry is None:
        raise UsageError(_("{file} chưa phát hành; phụ lục chỉ được ký kèm văn bản đã có số").format(
            file=display(main)))
    config = load_config(main, request.config)
    data = _read_pdf(request.file)
    location = _location(main)
    done = sign_attachment(data, request.key, entry.number, location, request.tsa or config.ky_so.tsa)
    taken = {name for _e, name in iter_archive(root)}
    index = 1
    while revision_name(entry, f"phu-luc-{index}") in taken:
        index += 1
    return _record(root, entry, [("ky_so", revision_name(entry, f"phu-luc-{index}"), done.data)], done,
                   request.out, f"Ký số phụ lục {index} của {entry.number} (cơ quan)")


def _location(path: Path) -> str:
    from vanban.pipeline.notice import load_one

    return load_one(path).model.co_quan.dia_danh


def _signature_image(config: Config, name: str) -> stamp.Image:
    relative = config.ky_so.chu_ky.get(name)
    if relative is None:
        raise UsageError(_("chưa cấu hình ảnh chữ ký của {name} trong ky_so.chu_ky ({file}) [R-SIG-8]").format(
            name=name, file=config.file))
    return stamp.load_image(config.path(relative), "blue")


def issuing_draft(path: Path, month: dt.date | None = None, templates: Path | None = None) -> bytes:
    """Return the issuing draft of the notice at ``path``: PDF/A, blank number and day as empty fields.

    It is the notice as it will be sent, without the "DỰ THẢO" mark, the month and year of
    issue printed (``month``, default this month in Vietnam) so that only the number and
    the day are left for the văn thư [R-NUM-8, R-DATE-5].
    """
    from vanban.commands.issue import PDF_VARIANT, today
    from vanban.pipeline.context import build_context
    from vanban.pipeline.notice import load_one
    from vanban.pipeline.render_pdf import render_pdf
    from vanban.pipeline.templates import search_path

    model = load_one(path).model
    if model.so is not None or model.ngay is not None:
        raise UsageError(_("{file} đã có số hoặc ngày; bản dự thảo phát hành để trống cả hai cho văn thư").format(
            file=display(path)))
    month = month or today()
    printed = f"{month.month:02d}" if month.month <= 2 else str(month.month)  # R-DATE-2
    ctx = build_context(model, path.stem)
    ctx = dataclasses.replace(ctx, du_thao=False, dia_danh_ngay=(
        f"{model.co_quan.dia_danh}, ngày{rules.BLANK}tháng {printed} năm {month.year}"))
    return prepare_draft(render_pdf(ctx, search_path(templates), PDF_VARIANT))


def _read_pdf(path: Path) -> bytes:
    try:
        data = read_regular(path, MAX_PDF_BYTES)
    except OSError as exc:
        raise UsageError(_("không đọc được {path}: {reason}").format(path=display(path), reason=exc)) from None
    if not data.startswith(b"%PDF-"):
        raise UsageError(_("{path} không phải tệp PDF").format(path=display(path)))
    return data


def _archived(root: Path, entries: Sequence[Entry], relative: str) -> bytes:
    name = latest_pdf(entries, relative)
    assert name is not None  # an issue line always archives a PDF
    return _read_pdf(root / name)


def _write_out(path: Path, data: bytes) -> None:
    from vanban.errors import OutputError
    from vanban.pipeline.output import write_atomic

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
    except OSError as exc:
        raise OutputError(_("{path}: không ghi được tệp ({reason})").format(path=path, reason=exc.strerror)) from None


def _record(root: Path, entry: Entry, revisions: Sequence[tuple[str, str, bytes]], done: Done, out: Path | None,
            message: str) -> Outcome:
    """Archive each revision with one register line per revision (chained) and commit them together."""
    entries = [new_entry(entry, event, {name: data}) for event, name, data in revisions]
    commit = record(root, {name: data for _event, name, data in revisions}, entries, message)
    register = register_path(root)
    files = [root / name for _event, name, _data in revisions]
    if out is not None:
        _write_out(out, done.data)
        files.append(out)
    return Outcome(files[len(revisions) - 1], done.when, done.signatures, (*files, register), commit)


@dataclass(frozen=True)
class Described:
    """What ``verify`` shows of a signed PDF, and whether every signature holds."""

    lines: tuple[str, ...]
    sound: bool


def describe_file(path: Path, config: Path | None = None) -> Described | None:
    """Return ``verify``'s lines for the signatures of the PDF at ``path``; None when it has none."""
    if path.suffix.lower() != ".pdf":
        return None
    try:
        data = read_regular(path, MAX_PDF_BYTES)
    except OSError:
        return None
    if b"/ByteRange" not in data:
        return None
    try:
        roots = trust_roots(load_config(path.resolve(), config))
    except (ContentError, UsageError):
        roots = []
    try:
        found = signatures(data, roots)
    except Exception as exc:  # a damaged file: say so rather than crash
        return Described((_("Không đọc được chữ ký số của tệp: {reason}").format(reason=exc or type(exc).__name__),),
                         False)
    if not found:
        return None
    return Described(tuple(describe(found)), all(s.sound for s in found))

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
