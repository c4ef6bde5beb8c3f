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

import dataclasses
import datetime as dt
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf

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
from vanban.commands.ink import PageInk, read_page
from vanban.commands.keys import Config, Key, check_key, iso, load_config, now, trust_roots
from vanban.commands.pades import (
    ATTACHMENT_FIELD,
    DAY_FIELD,
    LEADER_FIELD,
    NUMBER_FIELD,
    SEAL_FIELD,
    Signature,
    add_fields,
    describe,
    fill_fields,
    find_blanks,
    form_fields,
    leader_signature,
    require_sound,
    sig_field,
    sign_pdf,
    signatures,
)
from vanban.errors import ContentError, UsageError
from vanban.files import read_regular
from vanban.i18n import _
from vanban.pipeline import rules
from vanban.repo import display, repository_root

#: Roles a signature is made in.
LEADER, ORGANISATION = "lanh-dao", "co-quan"
#: Largest PDF read for signing (a signed 200-page notice is a few MB).
MAX_PDF_BYTES = 256 * 1024 * 1024


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
    return Done(signed, when, tuple(require_sound(signed, ())))


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
    leader_signature(data, roots)
    if any(s.field == SEAL_FIELD for s in signatures(data)):
        raise UsageError(_("văn bản đã có chữ ký số của cơ quan"))
    unfilled = [name for name, (_box, value, _page) in form_fields(data).items() if not value]
    if unfilled:
        raise UsageError(_("chưa điền {fields} vào bản đã ký; hãy phát hành (điền số, ngày) trước khi cơ quan ký"
                           ).format(fields=", ".join(unfilled)))
    where = sig_field(data, SEAL_FIELD)
    if where is None:
        raise UsageError(_("bản đã ký không có ô chữ ký của cơ quan ({field})").format(field=SEAL_FIELD))
    page, box = where
    signed = sign_pdf(data, key, field_name=SEAL_FIELD, page=page, box=box,
                      appearance=stamp.image_pdf(seal, box), certify=False, when=when,
                      reason="Ký số của cơ quan, tổ chức", location=location, tsa=tsa)
    return Done(signed, when, tuple(require_sound(signed, roots)))


def sign_attachment(data: bytes, key: Key, number: str, location: str, tsa: str = "",
                    when: dt.datetime | None = None) -> Done:
    """Return a separately filed phụ lục signed by the organisation, with the R-SIG-11 text and no image."""
    when = when or now()
    check_key(key, when)
    text = stamp.attachment_text(number, iso(when))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        ink = read_page(pdf, 0)
    box = stamp.attachment_box(ink, stamp.attachment_width(text))
    appearance = stamp.text_pdf(text, box, stamp.ATTACHMENT_PT, border=True)
    signed = sign_pdf(data, key, field_name=ATTACHMENT_FIELD, page=0, box=box, appearance=appearance,
                      certify=False, when=when, reason=f"Ký số phụ lục kèm theo văn bản số {number}",
                      location=location, tsa=tsa)
    return Done(signed, when, tuple(require_sound(signed, ())))


def fill_number_and_day(data: bytes, number: str, day: dt.date, roots: Sequence[Any] = ()) -> bytes:
    """Return the signed issuing draft with its ``so`` and ``ngay`` fields filled [R-NUM-8, R-DATE-5].

    Refused unless the competent person's signature is valid and allows it, the fields are
    still empty, and the issue date falls in the month and year the draft prints.
    """
    leader_signature(data, roots)
    fields = form_fields(data)
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
    return archive_name(entry.year, entry.so, entry.ky_hieu, f"-{kind}.pdf", bool(entry.do_mat))


def new_entry(entry: Entry, event: str, files: dict[str, bytes]) -> Entry:
    """Return the register line of a signed or filled revision of ``entry``'s document (chained when recorded)."""
    return dataclasses.replace(entry, su_kien=event, tep={name: sha256(data) for name, data in files.items()})


def iter_archive(root: Path) -> Iterator[tuple[Entry, str]]:
    """Yield every archived file with the register line that recorded it."""
    entries, _problems = read_register(root)
    for entry in entries:
        for name in entry.tep:
            yield entry, name


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
