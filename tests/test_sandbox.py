"""Templates are untrusted: sandboxed Jinja in both formats, and a .docx allow-list, part by part [issue 14].

Why: a ``templates/`` folder in the working directory is used by itself and offices swap
templates by e-mail. ``{{ cycler.__init__.__globals__.os.popen('id').read() }}`` in
``thong_bao.html`` printed ``uid=0(root)`` into the PDF; a .docx template with an external
picture sent a tracking request from every recipient's Word. Each hostile template below
must fail the build with an error naming the template file (and the line or the part), exit
1, and leave nothing written. The default templates' outputs stay byte for byte the same.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import SEED, notice_yaml, spelt_out_page
from vanban.cli import main
from vanban.errors import RenderError
from vanban.pipeline import docx_check
from vanban.pipeline.context import Context
from vanban.pipeline.render_docx import render_docx
from vanban.pipeline.render_pdf import render_html
from vanban.pipeline.templates import default_dir, search_path

DEFAULT_DOCX = default_dir() / "thong_bao.docx"
DEFAULT_HTML = spelt_out_page()  # an office's own thong_bao.html, the frame's page spelt out
R_OD = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
POPEN = "{{ cycler.__init__.__globals__.os.popen('id').read() }}"


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Return a working folder (as cwd) with one notice in content/ and an empty templates/ folder."""
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "tb.yaml").write_text(notice_yaml(), encoding="utf-8")
    (tmp_path / "templates").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _build_fails(office: Path, capsys: pytest.CaptureFixture[str], *where: str, fmt: str = "docx") -> str:
    """Build in ``office``; assert exit 1, nothing written, and each of ``where`` in the error; return it."""
    code = main(["build", "-o", "out", "-f", fmt, "-j", "1"])
    err = capsys.readouterr().err
    assert code == 1, err
    assert not (office / "out").exists(), "nothing may be written"
    assert "Lỗi nội bộ" not in err and "uid=" not in err
    for text in where:
        assert text in err, err
    return err


# --- the HTML template ----------------------------------------------------------------------------------------


def _html(office: Path, body: str) -> None:
    (office / "templates" / "thong_bao.html").write_text(DEFAULT_HTML.replace("<body>", "<body>" + body, 1),
                                                         encoding="utf-8")


def _body_line() -> int:
    return DEFAULT_HTML[: DEFAULT_HTML.index("<body>")].count("\n") + 1


def test_the_issues_payload_runs_nothing_and_names_file_and_line(office: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    _html(office, f"<p>{POPEN}</p>")
    err = _build_fails(office, capsys, f"templates/thong_bao.html:{_body_line()}: ", "không được chạy mã", fmt="pdf")
    assert "__init__" in err


@pytest.mark.parametrize("payload", [
    "{{ meta.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ trich_yeu.__len__() }}",
    "{{ (meta.created|attr('__class__')) }}",
    "{% set x = [] %}{{ x.append(1) }}",  # no value can be changed
    "{{ lipsum() }}",  # random text: the same notice must give the same bytes
    "{{ [1, 2]|random }}",
    "{{ khong_co }}",  # unknown names fail (StrictUndefined)
])
def test_html_template_code_is_refused(office: Path, capsys: pytest.CaptureFixture[str], payload: str) -> None:
    _html(office, payload)
    _build_fails(office, capsys, f"templates/thong_bao.html:{_body_line()}: ", fmt="pdf")


@pytest.mark.parametrize("name", ["../content/tb.yaml", "/etc/passwd", "./thong_bao.css", "a\\\\..\\\\b",
                                  "x/../../tb.yaml"])
def test_include_and_import_stay_in_the_template_folders(office: Path, capsys: pytest.CaptureFixture[str],
                                                         name: str) -> None:
    for tag in ("include", "import"):
        _html(office, f'{{% {tag} "{name}" %}}' if tag == "include" else f'{{% import "{name}" as m %}}')
        _build_fails(office, capsys, f"templates/thong_bao.html:{_body_line()}: ", "không hợp lệ", fmt="pdf")


def test_a_symlink_out_of_the_folder_is_not_followed(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = office / "bi-mat.txt"
    secret.write_text("mật khẩu", encoding="utf-8")
    (office / "templates" / "them.css").symlink_to(secret)
    _html(office, '{% include "them.css" %}')
    _build_fails(office, capsys, f"templates/thong_bao.html:{_body_line()}: ", "trỏ ra ngoài thư mục mẫu", fmt="pdf")
    (office / "templates" / "thong_bao.docx").symlink_to(DEFAULT_DOCX)  # a whole template elsewhere
    (office / "templates" / "thong_bao.html").unlink()
    _build_fails(office, capsys, "templates: mẫu thong_bao.docx trỏ ra ngoài thư mục mẫu")


@pytest.mark.parametrize("kind", ["device", "fifo", "large", "not utf-8"])
def test_an_included_file_must_be_a_bounded_text_file(office: Path, capsys: pytest.CaptureFixture[str],
                                                      kind: str) -> None:
    target = office / "templates" / "them.css"
    if kind == "device":
        (office / "templates" / "zero").symlink_to("/dev/zero")  # inside the folder by name, a device in fact
        target = office / "templates" / "zero"
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "large":
        target.write_bytes(b"/* */" * 300_000)
    else:
        target.write_bytes("chữ".encode("utf-16"))
    if kind != "device":
        _html(office, '{% include "them.css" %}')
    else:
        _html(office, '{% include "zero" %}')
    expected = {"device": "trỏ ra ngoài thư mục mẫu", "fifo": "không phải tệp thường", "large": "lớn hơn 1024 KiB",
                "not utf-8": "không phải văn bản UTF-8"}[kind]
    _build_fails(office, capsys, f"templates/thong_bao.html:{_body_line()}: ", expected, fmt="pdf")


def test_an_error_in_an_included_template_names_that_file(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (office / "templates" / "phan.html").write_text("<p>\n{{ meta.__class__ }}</p>\n", encoding="utf-8")
    _html(office, '{% include "phan.html" %}')
    _build_fails(office, capsys, "templates/phan.html:2: ", "không được chạy mã", fmt="pdf")


def test_templates_may_still_include_loop_filter_and_format(seed_context: Context, tmp_path: Path) -> None:
    (tmp_path / "thong_bao.html").write_text(DEFAULT_HTML.replace("<body>", (
        "<body><p id='t'>{{ co_quan|join(' / ')|upper }} {{ '%s-%d'|format(so_ky_hieu, body|length) }} "
        "{% for b in body[:2] %}{{ loop.index }}{{ b.kind|title }}{% endfor %} {{ meta.created_iso[:4] }}"
        "{% set n = namespace(c=0) %}{% for l in noi_nhan %}{% set n.c = n.c + 1 %}{% endfor %}{{ n.c }}</p>"), 1),
        encoding="utf-8")
    html = render_html(seed_context, search_path(tmp_path))
    shown = re.search(r"<p id='t'>(.*?)</p>", html)
    assert shown is not None
    assert shown.group(1).startswith("ỦY BAN NHÂN DÂN / THỊ XÃ HOÀNG MAI ")
    assert f"{len(seed_context.noi_nhan)}" in shown.group(1)


# --- the Word template: Jinja inside it -----------------------------------------------------------------------


def _docx(office: Path, edit: dict[str, Callable[[str], str]] | None = None,
          add: dict[str, bytes] | None = None, drop: tuple[str, ...] = ()) -> Path:
    """Write templates/thong_bao.docx: the default one with parts edited (text → text), added or dropped."""
    target = office / "templates" / "thong_bao.docx"
    with zipfile.ZipFile(DEFAULT_DOCX) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename in drop:
                continue
            data = source.read(info.filename)
            if edit and info.filename in edit:
                data = edit[info.filename](data.decode("utf-8")).encode("utf-8")
            out.writestr(info.filename, data)
        for name, data in (add or {}).items():
            out.writestr(name, data)
    return target


def _paragraph(xml: str) -> str:
    """Return a body paragraph holding the run XML ``xml``."""
    return f"<w:p><w:r>{xml}</w:r></w:p>"


def _in_body(*paragraphs: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        index = text.rindex("<w:sectPr")
        return text[:index] + "".join(paragraphs) + text[index:]
    return edit


def _relationship(rel_id: str, kind: str, target: str, external: bool = True) -> Callable[[str], str]:
    mode = ' TargetMode="External"' if external else ""
    rel = f'<Relationship Id="{rel_id}" Type="{kind}" Target="{target}"{mode}/>'
    return lambda text: text.replace("</Relationships>", rel + "</Relationships>")


def _override(part: str, content_type: str) -> Callable[[str], str]:
    entry = f'<Override PartName="/{part}" ContentType="{content_type}"/>'
    return lambda text: text.replace("</Types>", entry + "</Types>")


def test_docx_jinja_runs_sandboxed_and_names_the_part(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _docx(office, {"word/document.xml": _in_body(_paragraph(f"<w:t>{POPEN}</w:t>"))})
    _build_fails(office, capsys, "templates/thong_bao.docx: word/document.xml (đoạn ", "không được chạy mã")


def test_docx_jinja_in_the_header_and_in_the_properties(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _docx(office, {"word/header1.xml": lambda t: t.replace(" PAGE ", " PAGE {{ meta.__class__ }}")})
    _build_fails(office, capsys, "templates/thong_bao.docx: word/header1.xml", "không được chạy mã")
    _docx(office, {"docProps/core.xml": lambda t: t.replace("<dc:subject/>", "<dc:subject>{{ meta.__class__ }}"
                                                                              "</dc:subject>")})
    _build_fails(office, capsys, "templates/thong_bao.docx: docProps/core.xml: ", "không được chạy mã")


def test_docx_jinja_cannot_write_what_the_template_may_not_hold(office: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    # Markup made by Jinja at render time: the template file held only text, so only the output shows it.
    field = '&lt;w:fldSimple w:instr="INCLUDEPICTURE http://example.invalid/p.png"/&gt;'
    _docx(office, {"word/document.xml": _in_body(_paragraph(f"<w:t>{{{{ '{field}'|safe }}}}</w:t>"))})
    _build_fails(office, capsys, "templates/thong_bao.docx: word/document.xml: trường INCLUDEPICTURE")


# --- the Word template: the allow-list ------------------------------------------------------------------------

IMAGE = R_OD + "/image"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
Edits = dict[str, Callable[[str], str]]


def _rels_part(kind: str, target: str, external: bool = True) -> bytes:
    mode = ' TargetMode="External"' if external else ""
    return (f'<?xml version="1.0"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{kind}" '
            f'Target="{target}"{mode}/></Relationships>').encode()


def _field_in_runs(*pieces: str) -> str:
    """Return a paragraph holding one complex field whose code is split over ``pieces`` (one run each)."""
    runs = "".join(f"<w:r><w:instrText>{p}</w:instrText></w:r>" for p in pieces)
    return (f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>{runs}'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')


def _in_settings(xml: str) -> Callable[[str], str]:
    return lambda text: text.replace("<w:zoom ", xml + "<w:zoom ")


#: Each hostile template: parts edited, parts added, and what the error must say.
HOSTILE_DOCX: dict[str, tuple[Edits, dict[str, bytes], str]] = {
    "external picture (http)": (
        {"word/_rels/document.xml.rels": _relationship("rId90", IMAGE, "http://example.invalid/t.png")}, {},
        "word/_rels/document.xml.rels: quan hệ ngoài tới 'http://example.invalid/t.png' không được phép trong mẫu"),
    "external picture (file)": (
        {"word/_rels/document.xml.rels": _relationship("rId90", IMAGE, "file:///etc/hostname")}, {},
        "quan hệ ngoài tới 'file:///etc/hostname'"),
    "external picture (UNC)": (
        {}, {"word/_rels/header1.xml.rels": _rels_part(IMAGE, "\\\\may-chu\\chia-se\\a.png")},
        "word/_rels/header1.xml.rels: quan hệ ngoài tới '\\\\may-chu\\chia-se\\a.png'"),
    "hyperlink": (
        {"word/_rels/document.xml.rels": _relationship("rId90", R_OD + "/hyperlink", "http://x.invalid/")}, {},
        "quan hệ ngoài tới 'http://x.invalid/'"),
    "INCLUDEPICTURE field": (
        {"word/document.xml": _in_body(
            '<w:p><w:fldSimple w:instr=" INCLUDEPICTURE &quot;http://x.invalid/p.png&quot; \\d "/></w:p>')}, {},
        "word/document.xml: trường INCLUDEPICTURE không được phép trong mẫu (chỉ PAGE và NUMPAGES)"),
    "INCLUDETEXT split over runs": (
        {"word/document.xml": _in_body(_field_in_runs(" INCLU", 'DETEXT "C:\\\\bi-mat.docx" '))}, {},
        "word/document.xml: trường INCLUDETEXT"),
    "DDEAUTO field": (
        {"word/footer1.xml": lambda t: t.replace("</w:ftr>", _field_in_runs(
            'DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc"') + "</w:ftr>")}, {},
        "word/footer1.xml: trường DDEAUTO"),
    "HYPERLINK field in the header": (
        {"word/header1.xml": lambda t: t.replace(" PAGE ", ' HYPERLINK "http://x" ')}, {},
        "word/header1.xml: trường HYPERLINK"),
    "OLE object": (
        {"word/document.xml": _in_body(_paragraph('<w:object><o:OLEObject ProgID="Package"/></w:object>'))}, {},
        "word/document.xml: đối tượng nhúng (OLE) không được phép trong mẫu"),
    "embedded file": (
        {}, {"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0"}, "word/embeddings/oleObject1.bin: đối tượng nhúng"),
    "altChunk": (
        {"word/document.xml": _in_body('<w:altChunk r:id="rId91"/>'),
         "word/_rels/document.xml.rels": _relationship("rId91", R_OD + "/aFChunk", "chunk.html", False),
         "[Content_Types].xml": _override("word/chunk.html", "text/html")},
        {"word/chunk.html": b"<html><img src='http://x.invalid/p.png'></html>"},
        "altChunk (nội dung lấy từ tệp khác) không được phép trong mẫu"),
    "ActiveX": (
        {}, {"word/activeX/activeX1.xml": b"<ax:ocx xmlns:ax='http://schemas.microsoft.com/office/2006/activeX'/>"},
        "word/activeX/activeX1.xml: điều khiển ActiveX không được phép trong mẫu"),
    "customXml": (
        {}, {"customXml/item1.xml": b"<b:Sources xmlns:b='http://x'/>"},
        "customXml/item1.xml: dữ liệu customXml không được phép trong mẫu"),
    "attachedTemplate": (
        {"word/settings.xml": _in_settings('<w:attachedTemplate r:id="rId1"/>')}, {},
        "word/settings.xml: mẫu đính kèm (attachedTemplate) không được phép trong mẫu"),
    "attachedTemplate relationship": (
        {}, {"word/_rels/settings.xml.rels": _rels_part(R_OD + "/attachedTemplate", "settings.xml", False)},
        "word/_rels/settings.xml.rels: mẫu đính kèm (attachedTemplate)"),
    "macros": (
        {"[Content_Types].xml": _override("word/vbaProject.bin", "application/vnd.ms-office.vbaProject")},
        {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}, "word/vbaProject.bin: macro (VBA) không được phép trong mẫu"),
    ".docm main part": (
        {"[Content_Types].xml": lambda t: t.replace(MAIN, "application/vnd.ms-word.document.macroEnabled.main+xml")},
        {}, "word/document.xml: macro (VBA)"),
    "mail merge": (
        {"word/settings.xml": _in_settings('<w:mailMerge><w:mainDocumentType w:val="formLetters"/>'
                                           '<w:query w:val="SELECT * FROM x"/></w:mailMerge>')}, {},
        "word/settings.xml: phần tử <mailMerge> không được phép"),
    "VML picture from the web": (
        {"word/document.xml": _in_body(_paragraph(
            '<w:pict><v:shape><v:imagedata src="http://x.invalid/p.png"/></v:shape></w:pict>'))}, {},
        "word/document.xml: quan hệ ngoài tới 'http://x.invalid/p.png'"),
    "DTD with an external entity": (
        {"word/styles.xml": lambda t: t.replace(
            "?>", '?><!DOCTYPE w:styles [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1)}, {},
        "word/styles.xml: khai báo DTD không được phép trong mẫu"),
    "unknown part type": (
        {"[Content_Types].xml": _override("word/x.svg", "image/svg+xml")},
        {"word/x.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>"},
        "word/x.svg: loại nội dung 'image/svg+xml' không được phép trong mẫu"),
    "relationship out of the package": (
        {"word/_rels/document.xml.rels": _relationship("rId92", IMAGE, "../../../etc/passwd", False)}, {},
        "quan hệ tới phần không có: '../../../etc/passwd'"),
}


@pytest.mark.parametrize("case", HOSTILE_DOCX, ids=list(HOSTILE_DOCX))
def test_hostile_docx_template_is_refused_with_the_part(office: Path, capsys: pytest.CaptureFixture[str],
                                                        case: str) -> None:
    edit, add, expected = HOSTILE_DOCX[case]
    _docx(office, edit, add)
    _build_fails(office, capsys, "templates/thong_bao.docx: ", expected)


def test_a_zip_bomb_stops_at_the_unpacked_limit(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _docx(office, add={"word/media/image1.png": bytes(docx_check.UNPACKED_LIMIT + 1)})
    assert (office / "templates" / "thong_bao.docx").stat().st_size < 1024 * 1024
    _build_fails(office, capsys, "templates/thong_bao.docx: word/media/image1.png: mẫu giải nén ra hơn 64 MiB")


@pytest.mark.parametrize("data, expected", [
    (b"PK\x03\x04 not a zip", "templates/thong_bao.docx: : không phải tệp .docx (zip) hợp lệ"),
    (b"", "không phải tệp .docx (zip) hợp lệ"),
])
def test_a_broken_docx_is_a_located_error(office: Path, capsys: pytest.CaptureFixture[str], data: bytes,
                                          expected: str) -> None:
    (office / "templates" / "thong_bao.docx").write_bytes(data)
    _build_fails(office, capsys, expected)


def test_the_template_check_runs_once_before_rendering(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Two notices and --keep-going: the template is refused once, before any notice is rendered.
    (office / "content" / "tb2.yaml").write_text(notice_yaml(so="13"), encoding="utf-8")
    _docx(office, HOSTILE_DOCX["external picture (http)"][0])
    assert main(["build", "-o", "out", "-f", "docx", "--keep-going"]) == 1
    err = capsys.readouterr().err
    assert err.count("quan hệ ngoài tới") == 1 and not (office / "out").exists()


# --- what stays allowed ---------------------------------------------------------------------------------------


def test_default_templates_pass_and_outputs_are_unchanged(tmp_path: Path) -> None:
    docx_check.check_file(DEFAULT_DOCX)
    out = tmp_path / "out"
    assert main(["build", str(SEED), "-o", str(out), "--force"]) == 0
    digests = {p.suffix: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.iterdir() if p.suffix != ".json"}
    assert digests == {".pdf": "214c7bc455df101805d7bd7e4f2e3a266172c969d442142e7874805c9a0f926f",
                       ".docx": "528fb0e6aae84ee861f06246f71c8b81f13e2a31b96fef0fcb6d4f6e973c4d32"}


def test_a_template_with_a_stored_picture_and_page_fields_renders(office: Path, seed_context: Context) -> None:
    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
    _docx(office, {"word/_rels/document.xml.rels": _relationship("rId93", IMAGE, "media/logo.png", False),
                   "[Content_Types].xml": lambda t: t.replace(
                       "</Types>", '<Default Extension="png" ContentType="image/png"/></Types>'),
                   "word/footer1.xml": lambda t: t.replace("</w:ftr>", (
                       '<w:p><w:fldSimple w:instr=" NUMPAGES \\* MERGEFORMAT "/></w:p></w:ftr>'))},
          {"word/media/logo.png": png})
    data = render_docx(seed_context, search_path(office / "templates"))
    with zipfile.ZipFile(io.BytesIO(data)) as result:
        assert result.read("word/media/logo.png") == png
        assert b"NUMPAGES" in result.read("word/footer1.xml")


def test_render_error_is_raised_directly_for_library_callers(office: Path, seed_context: Context) -> None:
    _docx(office, HOSTILE_DOCX["OLE object"][0])
    with pytest.raises(RenderError, match="OLE"):
        render_docx(seed_context, search_path(office / "templates"))
