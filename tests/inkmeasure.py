"""Measure ink on rendered pages: pdftoppm's pixels, LibreOffice's rendering of a .docx.

Why pixels: a rule that "touches" the letters above it is a fact about the page, not about the
CSS or the Word styles; descenders and the dots below Vietnamese vowels (ạ ậ ọ ụ ỵ) reach lower
than any line box says, so only the rendered ink tells how far a rule stands from them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

#: Resolution of the scans: one pixel is 72/600 = 0.12 pt.
DPI = 600
#: A pixel darker than this (0 black … 255 white) is ink; faint anti-aliasing counts too.
INK = 200
MM_PER_INCH = 25.4


def soffice() -> str | None:
    """Return LibreOffice's command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdfs(documents: dict[str, bytes], work: Path) -> dict[str, bytes]:
    """Lay out each .docx with LibreOffice in one run (own profile, vanban's fonts); return {stem: PDF}."""
    from vanban.pipeline.fonts import fontconfig_file

    command = soffice()
    assert command is not None, "LibreOffice (soffice) is missing: `make setup-test` installs it"
    for stem, data in documents.items():
        (work / f"{stem}.docx").write_bytes(data)
    profile = Path(tempfile.mkdtemp(prefix="vanban-lo-profile-"))
    env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig_file())}
    try:
        subprocess.run([command, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(work),
                        *(str(work / f"{stem}.docx") for stem in documents)],
                       env=env, capture_output=True, timeout=300, check=True)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    out = {}
    for stem in documents:
        pdf = work / f"{stem}.pdf"
        assert pdf.is_file(), f"LibreOffice wrote no PDF for {stem}"
        out[stem] = pdf.read_bytes()
    return out


#: Grey level to 1 (ink) or 0 (paper), for ``bytes.translate``.
_INK_TABLE = bytes(1 if level < INK else 0 for level in range(256))


@dataclass(frozen=True)
class Page:
    """One page scanned at ``dpi``: each row as bytes, 1 for ink and 0 for paper."""

    width: int
    height: int
    rows: tuple[bytes, ...]
    dpi: int

    def px(self, mm: float) -> int:
        """Return ``mm`` in pixels."""
        return round(mm / MM_PER_INCH * self.dpi)

    def pt(self, pixels: float) -> float:
        """Return ``pixels`` in points."""
        return pixels * 72 / self.dpi


def page_image(pdf: bytes, page: int = 0, dpi: int = DPI) -> Page:
    """Return page ``page`` (from 0) of ``pdf`` scanned by pdftoppm at ``dpi``."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "in.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page + 1), "-l", str(page + 1), "-gray",
                        "-png", "-singlefile", str(source), str(Path(work) / "out")], check=True)
        with Image.open(Path(work) / "out.png") as image:
            grey = image.convert("L")
            data = grey.tobytes().translate(_INK_TABLE)
    width = grey.width
    return Page(width, grey.height, tuple(data[y * width:(y + 1) * width] for y in range(grey.height)), dpi)


@dataclass(frozen=True)
class Rule:
    """A horizontal rule found on a page: its rows and columns, in pixels."""

    top: int
    bottom: int
    x0: int
    x1: int


def rules(page: Page, length_mm: float, tolerance: float = 0.08) -> list[Rule]:
    """Return every rule of about ``length_mm`` (±tolerance): rows holding one such run of ink.

    Why by length: text never holds a run of solid ink several millimetres long, a rule
    does, and each rule of the header has a length the context states.
    """
    want = page.px(length_mm)
    low, high = round(want * (1 - tolerance)), round(want * (1 + tolerance))
    run = re.compile(rb"\x01{%d,}" % low)
    found: list[Rule] = []
    for y, row in enumerate(page.rows):
        for match in run.finditer(row):
            start, end = match.span()
            if end - start > high:
                continue
            last = found[-1] if found else None
            if last is not None and last.bottom == y - 1 and abs(last.x0 - start) <= 3:
                found[-1] = Rule(last.top, y, last.x0, end - 1)
            else:
                found.append(Rule(y, y, start, end - 1))
    return found


def gap_above_pt(page: Page, rule: Rule, half_width_mm: float) -> float:
    """Return the clear space (pt) between ``rule`` and the lowest ink above it.

    The ink is looked for across ``half_width_mm`` either side of the rule's centre (the
    line above is often wider than its rule), scanning up from the rule's top row.
    """
    centre = (rule.x0 + rule.x1) // 2
    half = page.px(half_width_mm)
    x0, x1 = max(0, centre - half), min(page.width, centre + half + 1)
    for y in range(rule.top - 1, -1, -1):
        if 1 in page.rows[y][x0:x1]:
            return page.pt(rule.top - y - 1)
    return float("inf")
