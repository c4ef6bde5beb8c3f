"""Make a lawful copy of an issued document — SAO Y, SAO LỤC, TRÍCH SAO — number it, archive it, commit it.

Why: a copy has the legal value of the original only when made as ND30 says [Điều 25, 26]:
from the document as issued (its archived snapshot, never the YAML or profile as they are
now), with the copying body's block under it on paper [Phụ lục III Mẫu 3.1], numbered in one
yearly series shared by every form of copy [Phụ lục I Phần II.II.1.c]. A copy is itself
issued: its bytes go to the archive and a line to the append-only register, in one commit,
the way ``issue`` does it (``archive.record``). As for issue numbers, the repository can
check and propose a copy number, not own the series.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from vanban.commands import stamp
from vanban.commands.archive import (
    ARCHIVE_DIR,
    MAX_ARCHIVED_BYTES,
    REGISTER_NAME,
    Entry,
    archive_name,
    issued,
    read_register,
    record,
    register_path,
    require_clean,
    sha256,
)
from vanban.commands.issue import PDF_VARIANT, today
from vanban.commands.keys import VIETNAM, Key, check_key, now
from vanban.commands.numbering import cited_original, copy_series
from vanban.commands.pades import sign_pdf, signatures
from vanban.commands.sign import Done
from vanban.errors import ContentError, Problem, RenderError, UsageError
from vanban.files import read_regular
from vanban.i18n import _
from vanban.pipeline import rules
from vanban.pipeline.context import Context, build_context
from vanban.pipeline.copies import WHOLE, Copier, Selection, copy_block, copy_symbol, wrap, written_unit
from vanban.pipeline.copy_block import FORMS, NAMES
from vanban.pipeline.loader import load_bytes
from vanban.pipeline.model import Frame
from vanban.pipeline.profile import find_entry, load_profile
from vanban.pipeline.render_docx import render_docx
from vanban.pipeline.render_pdf import render_pdf
from vanban.pipeline.templates import search_path
from vanban.pipeline.validate import check
from vanban.repo import display, repository_root


@dataclass(frozen=True)
class Copied:
    """What the copy step did: the copy's number, its bytes by format, every file committed, the commit."""

    number: str
    day: dt.date
    outputs: dict[str, bytes]  # "pdf" / "docx" → the archived bytes
    files: tuple[Path, ...]
    commit: str


@dataclass(frozen=True)
class Original:
    """The issued document a copy is made from: its register line and its model as issued."""

    entry: Entry
    model: Frame
    relative: str  # the content file, relative to the repository root


def original(path: Path) -> tuple[Path, Original]:
    """Return the repository root and the issued document ``path`` as issued (from its archived snapshot).

    Raise UsageError for a draft (never issued through ``vanban issue``): only an issued
    document has a lawful copy [Điều 25]; and for a secret document, whose copies follow the
    law on state secrets, not this command [Điều 27.2].
    """
    root = repository_root(path.resolve().parent)
    try:
        relative = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        relative = path.as_posix()
    entries, _problems = read_register(root)
    entry = issued(entries, relative)
    if entry is None:
        raise UsageError(_("{file} chưa phát hành (còn là dự thảo); chỉ sao văn bản đã phát hành — chạy "
                           "vanban issue trước").format(file=display(path)))
    if entry.do_mat:
        raise UsageError(_("{number} là văn bản mật: việc sao theo pháp luật về bảo vệ bí mật nhà nước, vanban không "
                           "sao văn bản mật [Điều 27.2]").format(number=entry.number))
    name = archive_name(entry.year, entry.so, entry.ky_hieu, ".yaml")
    try:
        raw = read_regular(root / name, MAX_ARCHIVED_BYTES)
    except OSError:
        raise ContentError([Problem(name, 1, 1, "", _("thiếu bản chốt khi phát hành của văn bản {number}").format(
            number=entry.number))]) from None
    if entry.tep.get(name) != sha256(raw):
        raise ContentError([Problem(name, 1, 1, "", _(
            "tệp lưu của văn bản {number} đã bị thay đổi sau khi phát hành").format(number=entry.number))])
    # The snapshot holds every value as issued, the profile's included: it is not merged again.
    located, problems = load_bytes(raw, name)
    model, found = check(located) if located is not None else (None, [])
    if model is None:
        raise ContentError(problems + found)
    return root, Original(entry, model, relative)


def copier(start: Path, signer: str | None) -> Copier:
    """Return the copying body and signer from the office's ``vanban.yaml`` (its ``co_quan`` and ``nguoi_ky``).

    The signer is the ``nguoi_ky`` entry named ``signer``, by default the first one listed.
    """
    path = find_entry(start)
    located = load_profile(path, display(path))[0] if path is not None and path.is_file() else None
    data: Any = located.data if located is not None else None
    if not isinstance(data, dict) or not isinstance(data.get("co_quan"), dict):
        raise UsageError(_("cần vanban.yaml có co_quan (tên, viet_tat, dia_danh) của cơ quan sao văn bản"))
    body = data["co_quan"]
    signers = data.get("nguoi_ky") if isinstance(data.get("nguoi_ky"), dict) else {}
    if not signers:
        raise UsageError(_("vanban.yaml chưa có nguoi_ky: cần người ký bản sao"))
    key = signer or next(iter(signers))
    if key not in signers or not isinstance(signers[key], dict):
        raise UsageError(_("không có người ký '{signer}' trong nguoi_ky của vanban.yaml (có: {known})").format(
            signer=key, known=", ".join(signers)))
    chosen = signers[key]

    def lines(value: Any) -> tuple[str, ...]:
        return tuple(str(x) for x in value) if isinstance(value, list) else ((str(value),) if value else ())

    # Mẫu 3.1 ô 2: the copying body's own name (no chủ quản line).
    return Copier(lines(body.get("ten")), str(body.get("viet_tat", "")),
                  str(body.get("dia_danh", "")), lines(chosen.get("chuc_vu")), str(chosen.get("ho_ten", "")))


def propose(path: Path, day: dt.date | None = None) -> int:
    """Return the next copy number of the copying body this year, as far as this repository knows."""
    day = day or today()
    root, _source = original(path)  # a draft has no copy, hence no copy number
    who = copier(path.parent, None)
    return max((e.so for _n, e in copy_series(root, who.body, day.year)), default=0) + 1


def make_copy(path: Path, form: str, number: int, day: dt.date | None = None, selection: Selection = WHOLE,
              signer: str | None = None, recipients: Sequence[str] = (), templates: Path | None = None, *,
              key: Key | None = None, tsa: str = "") -> Copied:
    """Make, archive, register and commit the copy ``form`` of the issued document ``path``, numbered ``number``.

    With ``key`` it is the electronic copy (Mẫu 3.2): the PDF alone, signed by the copying
    body with the ô 14 line and no paper block [R-SIG-12]; without, the paper copy (Mẫu
    3.1) as PDF and .docx. Raise UsageError for a draft, a dirty tree or a bad selection,
    ContentError for a copy number already used this year by the copying body; nothing is
    written then.
    """
    if form not in FORMS:
        raise UsageError(_("hình thức sao không hợp lệ: {form} (chỉ có {forms})").format(
            form=form, forms=", ".join(FORMS)))
    day = day or today()
    root, source = original(path)
    require_clean(root)
    who = copier(path.parent, signer)
    body = who.body
    series = copy_series(root, body, day.year)
    for line, taken in series:
        if taken.so == number:
            shown = f"{ARCHIVE_DIR}/{REGISTER_NAME}"
            raise ContentError([Problem(shown, line, 1, "so", _(
                "số bản sao {number} năm {year} đã dùng cho {copy} ({form} {original}); số tiếp theo theo kho này "
                "là {next}").format(number=rules.number_text(number), year=day.year, copy=taken.number,
                                    form=NAMES.get(taken.loai, taken.loai).lower(), original=_cited(taken),
                                    next=max(e.so for _n, e in series) + 1), "R-OTH-7")])
    if selection.unit:
        selection = Selection(selection.parts, written_unit(source.model, selection.unit))
        recipients = recipients or (selection.unit,)  # the unit the part is copied for receives it
    block = copy_block(form, who, number, day, recipients)
    stem = path.stem
    ctx = wrap(build_context(source.model, stem), source.model, form, block, selection)
    if key is None:
        outputs = render_copy(ctx, search_path(templates))
    else:
        # Mẫu 3.2: the frame (cut for a TRÍCH SAO) without the paper block; the signature says the rest.
        plain = render_pdf(replace(ctx, sao=None), search_path(templates), PDF_VARIANT)
        outputs = {"pdf": sign_electronic(plain, key, form, " ".join(who.co_quan), who.dia_danh, tsa).data}
    symbol = copy_symbol(form, who.viet_tat)
    files = {archive_name(day.year, number, symbol, f".{fmt}"): data for fmt, data in outputs.items()}
    cited = (f"{source.model.TYPE_NAME} số {source.entry.number} ngày "
             f"{rules.short_date(dt.date.fromisoformat(source.entry.ngay))}")
    entry = Entry(
        su_kien="sao", co_quan=body, so=number, ky_hieu=symbol, ngay=day.isoformat(), loai=form,
        trich_yeu=f"{NAMES[form]} {cited}" + (f" ({_parts(selection)})" if selection else ""),
        nguoi_ky=block.ho_ten, noi_nhan=tuple(recipients), luu="VT", nguon=source.relative,
        tep={name: sha256(data) for name, data in files.items()},
    )
    kind = " điện tử" if key is not None else ""
    message = f"{NAMES[form]} {source.entry.number}: bản sao{kind} {entry.number} ngày {rules.short_date(day)}"
    commit = record(root, files, [entry], message)
    return Copied(entry.number, day, outputs, (*(root / n for n in files), register_path(root)), commit)


def _parts(selection: Selection) -> str:
    """Return what a TRÍCH SAO copies, as its register line says it: "phần II.1; giao Phòng Kinh tế"."""
    said = [f"phần {', '.join(selection.parts)}"] if selection.parts else []
    return "; ".join([*said, *([f"giao {selection.unit}"] if selection.unit else [])])


def _cited(entry: Entry) -> str:
    """Return the original a copy line cites, with a TRÍCH SAO's parts ("Thông báo số 01/TB-UBND … (phần II)")."""
    cited, parts = cited_original(entry)
    return f"{cited} ({parts})" if parts else cited


def render_copy(ctx: Context, template_path: tuple[Path, ...]) -> dict[str, bytes]:
    """Return the copy's PDF (PDF/A-2b, as archived originals are) and .docx.

    Raise RenderError when an office's own template has no copy block (``_sao.html`` or the
    .docx part made by tools/make_docx_template.py): a copy without it is no lawful copy.
    """
    assert ctx.sao is not None
    pdf = render_pdf(ctx, template_path, PDF_VARIANT)
    docx = render_docx(ctx, template_path)
    for fmt, data in (("pdf", pdf), ("docx", docx)):
        if ctx.sao.so_ky_hieu not in _text(fmt, data):
            raise RenderError(ctx.stem, _("mẫu trình bày ({format}) không có khối bản sao (Mẫu 3.1); dùng mẫu của "
                                          "vanban hoặc chạy 'vanban templates --eject' lại").format(format=fmt))
    return {"pdf": pdf, "docx": docx}


def _text(fmt: str, data: bytes) -> str:
    """Return the words of a rendered file, for the check that the copy block is there."""
    if fmt == "docx":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read("word/document.xml").decode("utf-8")
        return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        from vanban.commands.ink import read_page

        return "\n".join(line.words for index in range(len(pdf.pages)) for line in read_page(pdf, index).lines())


#: The signature field of an electronic copy (ô 14).
COPY_FIELD = "ChuKyBanSao"
#: R-SIG-12: the ô 14 line is Times New Roman 10 pt, upright, black.
ELECTRONIC_PT = 10.0


def electronic_line(form: str, body: str, when: dt.datetime) -> str:
    """Return the ô 14 line: "SAO Y; <copying body>; 2024-02-05T09:30:00+07:00" [R-SIG-12, R-SIG-13]."""
    moment = when.astimezone(VIETNAM).replace(microsecond=0).isoformat()
    return f"{FORMS[form]}; {rules.collapse_spaces(body)}; {moment}"


def sign_electronic(data: bytes, key: Key, form: str, body: str, location: str, tsa: str = "",
                    when: dt.datetime | None = None) -> Done:
    """Return ``data`` signed by the copying body, the ô 14 line its visible appearance, no image [R-SIG-12].

    Where: top right of page 1, clear of everything printed, found as for a phụ lục's line
    (``stamp.attachment_box``); the line is drawn with the bundled Liberation Serif, the
    metric twin of Times New Roman vanban uses for it everywhere.
    """
    import pikepdf

    from vanban.commands.ink import read_page

    when = when or now()
    check_key(key, when)
    text = electronic_line(form, body, when)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        ink = read_page(pdf, 0)
    try:
        box = stamp.attachment_box(ink, stamp.attachment_width(text))
    except UsageError:
        raise UsageError(_("góc trên bên phải trang 1 không còn chỗ trống cho dòng ô 14 của bản sao điện tử "
                           "[R-SIG-12]")) from None
    appearance = stamp.text_pdf(text, box, ELECTRONIC_PT)
    signed = sign_pdf(data, key, field_name=COPY_FIELD, page=0, box=box, appearance=appearance, certify=False,
                      when=when, reason=f"{NAMES[form]} văn bản", location=location, tsa=tsa)
    return Done(signed, when, tuple(signatures(signed)))
