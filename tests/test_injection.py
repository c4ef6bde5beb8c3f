"""Injection is inert: markup, template code and field codes in content come out as plain text.

Why: a notice's text is typed or pasted by people (and may be pasted from anywhere). Whatever
it contains, the PDF (HTML + Jinja + WeasyPrint) and the .docx (Jinja inside Word XML) must
show it literally: nothing fetched (no ``file://`` read, no attachment), nothing evaluated
(``{{ 7*7 }}`` never becomes 49), no XML or Word field structure created from it.
"""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from vanban.pipeline.context import Context, build_context
from vanban.pipeline.loader import load_yaml
from vanban.pipeline.render_pdf import render_html, render_pdf
from vanban.pipeline.templates import search_path
from vanban.pipeline.validate import check

PAYLOADS = [
    '<img src="file:///etc/passwd">',
    '<link rel="attachment" href="file:///etc/hostname">',
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    '{% include "x" %}',
    "{# chú thích #}",
    "]]>",
    "<![CDATA[x]]>",
    "<w:p><w:r><w:t>chèn</w:t></w:r></w:p>",
    "&amp; &lt;b&gt; &#52;&#57;",
    "{ PAGE }",
    '{ MERGEFIELD ho_ten \\* MERGEFORMAT }',
    '{ INCLUDETEXT "file:///etc/passwd" }',
    "<!-- ẩn -->",
]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


def _context() -> tuple[Context, dict[str, Any]]:
    data: dict[str, Any] = {
        "co_quan": {"ten": ["ỦY BAN NHÂN DÂN", "XÃ QUỲNH LIÊN"], "viet_tat": "UBND", "dia_danh": "Quỳnh Liên"},
        "so": "7",
        "ngay": "2024-03-05",
        "trich_yeu": f"Kết luận {PAYLOADS[3]} và {PAYLOADS[0]}",
        "mo_dau": [f"Mở đầu {p} hết." for p in PAYLOADS],
        "noi_dung": [{"muc": "Nội dung {{ 7*7 }}", "noi_dung": [f"Đoạn {p}." for p in PAYLOADS]}],
        "ket_thuc": "UBND xã thông báo để các đơn vị biết, thực hiện.",
        "nguoi_ky": {"chuc_vu": ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"], "ho_ten": "Trần Thị Cúc"},
        "noi_nhan": ["Phòng {{ 7*7 }}", "Ban <b>Kinh tế</b>"],
        "luu": {"don_vi": "VP"},
    }
    located, problems = load_yaml(yaml.safe_dump(data, allow_unicode=True, width=10_000), "inj.yaml")
    assert located is not None, problems
    model, problems = check(located)
    assert model is not None, "\n".join(map(str, problems))
    return build_context(model, "inj"), data


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes, str, str]:
    """Render the injection notice once: (pdf, docx, pdftotext text, python-docx text)."""
    ctx, _ = _context()
    path = search_path(None)
    pdf = render_pdf(ctx, path)
    from vanban.pipeline.render_docx import render_docx
    docx_bytes = render_docx(ctx, path)
    pdf_file = tmp_path_factory.mktemp("inj") / "inj.pdf"
    pdf_file.write_bytes(pdf)
    pdf_text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf_file), "-"], check=True,
                              capture_output=True, text=True).stdout
    import docx
    from docx.oxml.ns import qn

    document = docx.Document(io.BytesIO(docx_bytes))
    docx_text = "\n".join("".join(t.text or "" for t in p.iter(qn("w:t")))
                          for p in document.element.body.iter(qn("w:p")))
    return pdf, docx_bytes, pdf_text, docx_text


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_shown_literally_in_both_formats(outputs: tuple[bytes, bytes, str, str], payload: str) -> None:
    _, _, pdf_text, docx_text = outputs
    for where, text in (("pdf", pdf_text), ("docx", docx_text)):
        squashed = _squash(text)
        assert _squash(f"Đoạn {payload}.") in squashed, f"{where}: body paragraph altered"
        assert _squash(f"Mở đầu {payload} hết.") in squashed, f"{where}: opening paragraph altered"


def test_nothing_is_evaluated(outputs: tuple[bytes, bytes, str, str]) -> None:
    _, _, pdf_text, docx_text = outputs
    for text in (pdf_text, docx_text):
        assert "49" not in text  # {{ 7*7 }} stays as written, and &#52;&#57; ("49") is not decoded
        assert "NỘI DUNG {{ 7*7 }}" in text  # mục title: upper-cased, not evaluated
        assert "- Phòng {{ 7*7 }};" in text
        assert "- Ban <b>Kinh tế</b>;" in text


def test_nothing_is_fetched_or_embedded(outputs: tuple[bytes, bytes, str, str]) -> None:
    pdf, docx_bytes, pdf_text, docx_text = outputs
    passwd = Path("/etc/passwd").read_text(encoding="utf-8", errors="replace").splitlines()[0]
    assert passwd not in pdf_text and passwd not in docx_text
    for marker in (b"/EmbeddedFile", b"/Filespec", b"/URI", b"/Launch", b"/JavaScript", b"/XObject"):
        assert marker not in pdf, marker
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        names = archive.namelist()
        assert not [n for n in names if n.startswith("word/media/") or n.startswith("word/embeddings/")]
        rels = "".join(archive.read(n).decode() for n in names if n.endswith(".rels"))
        assert 'TargetMode="External"' not in rels
        body = archive.read("word/document.xml").decode()
    assert "<w:fldSimple" not in body and "<w:instrText" not in body and "<w:fldChar" not in body
    assert "<w:t>chèn</w:t>" not in body  # the injected run is text, not a run
    assert "&lt;w:p&gt;" in body


def test_html_holds_markup_as_escaped_text() -> None:
    ctx, _ = _context()
    html = render_html(ctx, search_path(None))
    assert "<img" not in html and "<script" not in html and "<link rel=\"attachment\"" not in html
    assert "&lt;img src=" in html
