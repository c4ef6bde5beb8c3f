"""The seed notice (UBND thị xã Hoàng Mai, meeting of 27/12/2023) renders faithfully.

The reference is the original text in ``tests/fixtures/seed/`` (a copy of shared/seeds/):
every sentence of its body must appear in the PDF, in the same order, whitespace aside.
"""

from __future__ import annotations

import io
import re

import pdfplumber
import pytest

from helpers import MM, SEED, SEED_TEXT, model_of
from vanban.pipeline.notice import load
from vanban.pipeline.outline import outline, tasks
from vanban.pipeline.render import render

SEED_YAML = SEED


def _seed_body_lines() -> list[str]:
    """Return the seed's body lines: from the opening paragraph to the closing one."""
    lines = [ln.strip() for ln in SEED_TEXT.read_text(encoding="utf-8").splitlines() if ln.strip()]
    start = next(i for i, ln in enumerate(lines) if ln.startswith("Ngày 27/12/2023"))
    end = next(i for i, ln in enumerate(lines) if ln.startswith("Nơi nhận"))
    return lines[start:end]


_MARKER = re.compile(r"^(?:[IVX]+\.|\d+(?:\.\d+)*\.|[-+])\s*")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def seed_pdf_text() -> str:
    notices = load([SEED_YAML])
    pdf = render(notices, formats=("pdf",))[f"{SEED_YAML.stem}.pdf"]
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        # Crop the top margin away so page numbers (R-PGN-1) do not split sentences.
        pages = [p.crop((0, 20 * MM, p.width, p.height)).extract_text() or "" for p in doc.pages]
    return "\n".join(pages)


def test_every_seed_sentence_appears_in_order(seed_pdf_text: str) -> None:
    """Issue 2 item 4: the body text is the reference, in order; numbering is vanban's own."""
    haystack = _squash(seed_pdf_text)
    position = 0
    lines = _seed_body_lines()
    assert len(lines) > 100
    for line in lines:
        text = _MARKER.sub("", line).removesuffix("./.").strip()
        is_heading = bool(re.match(r"^[IVX]+\.\s", line))
        needle = _squash(text)
        # Section headings are upper-cased by vanban (§7), so compare them case-insensitively.
        found = (haystack.casefold() if is_heading else haystack).find(
            needle.casefold() if is_heading else needle, position
        )
        assert found >= 0, f"missing or out of order: {line!r}"
        position = found + len(needle)


def test_sections_are_numbered_by_vanban(seed_pdf_text: str) -> None:
    """§7 / T-17: I–IV in sequence, without the seed's missing III."""
    headings = re.findall(r"^([IVX]+)\. [A-ZÀ-Ỹ]", seed_pdf_text, flags=re.MULTILINE)
    assert headings == ["I", "II", "III", "IV"]
    assert "III. CÁC NỘI DUNG THUỘC THẨM QUYỀN CỦA UBND THỊ XÃ" in seed_pdf_text
    assert "IV. TỔ CHỨC THỰC HIỆN" in seed_pdf_text


def test_items_are_numbered_hierarchically(seed_pdf_text: str) -> None:
    """§7 khoản: '1.', '2.' under a section and '2.1.' … '2.15.' under item 2."""
    labels = re.findall(r"^(2\.\d+)\. ", seed_pdf_text, flags=re.MULTILINE)
    assert labels == [f"2.{i}" for i in range(1, 16)]


def test_seed_context_tasks_carry_their_units() -> None:
    """Tasks as data: each task under '2.x. <unit>' is assigned to that unit."""
    given = tasks(outline(model_of(SEED).noi_dung))
    units = {t.don_vi for t in given}
    assert {"Phòng Kinh tế", "Phòng Quản lý đô thị", "Thanh tra", "Văn phòng"} <= units
    assert all(t.don_vi for t in given)
    assert len(given) >= 50


def test_seed_ends_with_the_end_mark_once(seed_pdf_text: str) -> None:
    """R-END-1 / T-16."""
    assert seed_pdf_text.count("./.") == 1
    assert _squash(seed_pdf_text).find("triểnkhaithựchiện./.") > 0
