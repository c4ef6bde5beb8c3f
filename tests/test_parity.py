"""The .docx and the PDF of a notice say the same thing, paragraph by paragraph, page by page.

Why: both formats are drawn from one Context; these tests check that neither renderer
drops, reorders or re-words a paragraph, on the seed and on fixtures that exercise other
signer chains, a chủ quản line, điểm, deadlines, a long Nơi nhận list and a draft. With
LibreOffice installed they also convert the .docx to PDF and compare page counts and the
page of the signer's name with vanban's own PDF.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from helpers import MM, ROOT, SEED, context_of, docx_paragraphs, model_of, norm, pdf_paragraphs, squash
from inkmeasure import docx_to_pdfs
from vanban.pipeline.context import Context
from vanban.pipeline.outline import outline, tasks
from vanban.pipeline.render_docx import render_docx
from vanban.pipeline.render_pdf import render_pdf
from vanban.pipeline.templates import search_path

FIXTURES = ROOT / "tests" / "fixtures" / "notices"
#: Documents of the other kinds (Công văn, Giấy mời, general Thông báo) hold parity too.
KINDS = ROOT / "tests" / "fixtures" / "kinds"
NOTICES = [SEED, *sorted(FIXTURES.glob("*.yaml")), *sorted(KINDS.glob("*.yaml"))]
def pdf_pages(data: bytes) -> list[str]:
    """Return each page's text in content-stream order, without the page-number band at the top."""
    pages = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            body = page.crop((0, 20 * MM - 1, page.width, page.height))  # below the top margin
            pages.append(body.extract_text(use_text_flow=True) or "")
    return pages


def render_each(paths: list[Path]) -> dict[str, tuple[Context, bytes, bytes]]:
    """Return (context, docx, pdf) of each notice file, by stem (test_real_notices shares it)."""
    out = {}
    for path in paths:
        ctx = context_of(path)
        out[path.stem] = (ctx, render_docx(ctx, search_path()), render_pdf(ctx, search_path()))
    return out


@pytest.fixture(scope="module")
def rendered() -> dict[str, tuple[Context, bytes, bytes]]:
    """Render every notice once to (context, docx, pdf)."""
    return render_each(NOTICES)


def test_fixtures_cover_the_brief(rendered: dict[str, tuple[Context, bytes, bytes]]) -> None:
    """The fixtures exercise the cases parity must hold for (else the other tests prove little)."""
    contexts = [ctx for ctx, _, _ in rendered.values()]
    chains = {ctx.chuc_vu for ctx in contexts}
    assert ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH") in chains and ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH") in chains
    assert any(ctx.chu_quan for ctx in contexts)
    assert any(b.kind == "diem" for ctx in contexts for b in ctx.body)
    assert any(t.han for path in NOTICES for t in tasks(outline(model_of(path).nodes)))
    assert {ctx.loai for ctx in contexts} == {"thong_bao", "cong_van", "giay_moi"}
    assert max(len(ctx.noi_nhan) for ctx in contexts) >= 25
    assert any(ctx.du_thao for ctx in contexts)


@pytest.mark.parametrize("stem", [p.stem for p in NOTICES])
def test_docx_paragraphs_are_the_context_paragraphs(
    stem: str, rendered: dict[str, tuple[Context, bytes, bytes]]
) -> None:
    """Parity: the .docx paragraphs, in document order, are exactly Context.paragraph_texts()."""
    ctx, docx, _ = rendered[stem]
    assert docx_paragraphs(docx) == [norm(t) for t in ctx.paragraph_texts()]


@pytest.mark.parametrize("stem", [p.stem for p in NOTICES])
def test_pdf_shows_every_context_paragraph_in_order(
    stem: str, rendered: dict[str, tuple[Context, bytes, bytes]]
) -> None:
    """Parity: every Context paragraph appears in the PDF, in the same order as in the .docx."""
    ctx, _, pdf = rendered[stem]
    text, paragraphs = pdf_paragraphs(ctx, squash("".join(pdf_pages(pdf))))
    position = 0
    for paragraph in paragraphs:
        found = text.find(paragraph, position)
        assert found >= 0, f"not in the PDF after offset {position}: {paragraph[:60]!r}"
        position = found + len(paragraph)


def test_build_writes_pdf_and_docx_by_default(tmp_path: Path) -> None:
    """End to end: ``vanban build`` with no --format writes <stem>.pdf and <stem>.docx side by side."""
    from vanban.cli import main

    assert main(["build", str(SEED), "--out", str(tmp_path)]) == 0
    pdf = tmp_path / f"{SEED.stem}.pdf"
    docx = tmp_path / f"{SEED.stem}.docx"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert docx.read_bytes()[:2] == b"PK"
    assert docx_paragraphs(docx.read_bytes())[-1] == norm(context_of(SEED).ho_ten)


# --- LibreOffice ---------------------------------------------------------------------------------------


def convert_with_libreoffice(rendered: dict[str, tuple[Context, bytes, bytes]], work: Path) -> dict[str, bytes]:
    """Convert every .docx to PDF with LibreOffice in one run, with its own profile and fonts.

    The profile is private to this run (concurrent runs sharing one fail silently); the
    fonts are vanban's bundled Liberation Serif, metric-compatible with Times New Roman, so
    the page count does not depend on which fonts the machine happens to have
    (``inkmeasure.docx_to_pdfs``). LibreOffice is part of the test setup (``make setup-test``
    installs it), so its absence fails the test rather than skipping it.
    """
    return docx_to_pdfs({stem: docx for stem, (_, docx, _) in rendered.items()}, work)


@pytest.fixture(scope="module")
def libreoffice_pdfs(rendered: dict[str, tuple[Context, bytes, bytes]], tmp_path_factory: Any) -> dict[str, bytes]:
    """Return every notice's .docx laid out by LibreOffice, as PDF."""
    return convert_with_libreoffice(rendered, tmp_path_factory.mktemp("lo"))


@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.parametrize("stem", [p.stem for p in NOTICES])
def test_libreoffice_pages_match_vanban_pdf(
    stem: str, rendered: dict[str, tuple[Context, bytes, bytes]], libreoffice_pdfs: dict[str, bytes]
) -> None:
    """Layout parity: the .docx (in LibreOffice) has as many pages as the PDF; the signer ends both."""
    ctx, _, pdf = rendered[stem]
    ours = pdf_pages(pdf)
    theirs = pdf_pages(libreoffice_pdfs[stem])
    assert len(theirs) == len(ours)
    name = squash(ctx.ho_ten)
    assert squash(ours[-1]).endswith(name) and squash(theirs[-1]).endswith(name)
    # R-SIG-6: the signer's block is whole on the last page of the .docx too.
    last = squash(theirs[-1])
    assert squash(ctx.noi_nhan_label) in last and squash(ctx.chuc_vu[0]) in last
    assert squash(ctx.body[-1].text) in last


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_shows_page_numbers_from_page_2(libreoffice_pdfs: dict[str, bytes]) -> None:
    """T-23 [R-PGN-1/2/3] on the laid-out .docx: nothing above the text on page 1, the bare n on page n."""
    with pdfplumber.open(io.BytesIO(libreoffice_pdfs[SEED.stem])) as pdf:
        bands = [(p.within_bbox((0, 0, p.width, 20 * MM)).extract_text() or "").strip() for p in pdf.pages]
    assert len(bands) >= 2
    assert bands[0] == ""
    assert bands[1:] == [str(n) for n in range(2, len(bands) + 1)]
