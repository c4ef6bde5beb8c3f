"""The bundled Liberation Serif faces: where they are, what they cover, how wide text is.

Why: ND30 asks for Times New Roman [R-FONT-1]; Liberation Serif 2.x has the same metrics and
full Vietnamese coverage, and is bundled so no other font can ever be picked. Widths are
measured from the font itself so that the rules under the issuing body, the Tiêu ngữ and the
trích yếu have the lengths ND30 asks for in both renderers [R-EL-1b, R-EL-2b, R-EL-5a-2].
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from vanban.i18n import _

FONT_DIR = Path(__file__).parents[1] / "fonts"
FAMILY = "Liberation Serif"
FACES = {
    (False, False): "LiberationSerif-Regular.ttf",
    (True, False): "LiberationSerif-Bold.ttf",
    (False, True): "LiberationSerif-Italic.ttf",
    (True, True): "LiberationSerif-BoldItalic.ttf",
}
MM_PER_PT = 25.4 / 72


@functools.cache
def _face(bold: bool, italic: bool) -> tuple[dict[int, int], int]:
    """Return (advance width in font units per code point, units per em) of one face."""
    from fontTools.ttLib import TTFont

    font: Any = TTFont(FONT_DIR / FACES[(bold, italic)], lazy=True)
    try:
        cmap = font.getBestCmap()
        hmtx = font["hmtx"].metrics
        upem = int(font["head"].unitsPerEm)
        widths = {cp: int(hmtx[name][0]) for cp, name in cmap.items()}
    finally:
        font.close()
    return widths, upem


@functools.cache
def covered() -> frozenset[int]:
    """Return the code points every bundled face can draw (the intersection of their cmaps)."""
    sets = [set(_face(b, i)[0]) for b, i in FACES]
    return frozenset(set.intersection(*sets))


@functools.cache
def line_pitch_em() -> float:
    """Return the font's single line spacing in em: (ascent + descent + line gap) / units per em.

    Why: this is what Word and LibreOffice call "single" spacing (1.15 em for Times New Roman and
    Liberation Serif); the PDF uses the same pitch so both formats break lines and pages alike.
    """
    from fontTools.ttLib import TTFont

    font: Any = TTFont(FONT_DIR / FACES[(False, False)], lazy=True)
    try:
        hhea = font["hhea"]
        return float(hhea.ascent - hhea.descent + hhea.lineGap) / float(font["head"].unitsPerEm)
    finally:
        font.close()


#: The letters Vietnamese text is written in: the basic Latin ones, đ, the vowels with a breve,
#: circumflex or horn, and the precomposed letters with a tone mark (U+1EA0–U+1EF9).
_VIETNAMESE = "abcdefghijklmnopqrstuvwxyzđăâêôơư" + "".join(chr(cp) for cp in range(0x1EA0, 0x1EFA))


@functools.cache
def ink_below_box_em(bold: bool = True) -> float:
    """Return how far (em) the bottom of a line box lies below the lowest ink a Vietnamese letter can put there.

    Why: a rule under a line must clear its descenders and the dots below (g, p, y, ạ, ậ,
    ọ, ụ, ỵ) [R-EL-1b, R-EL-2b, R-EL-5a-2]. The line box ends ``descent + lineGap / 2``
    under the baseline at single spacing; the deepest letter of the face (a bold "g", "ỵ")
    ends a little above that, so a rule placed a set clearance under the deepest ink is
    placed this much less under the line box.
    """
    from fontTools.ttLib import TTFont

    font: Any = TTFont(FONT_DIR / FACES[(bold, False)], lazy=True)
    try:
        glyphs, cmap = font["glyf"], font.getBestCmap()
        letters = {*_VIETNAMESE, *_VIETNAMESE.upper()}
        deepest = -min(getattr(glyphs[cmap[ord(ch)]], "yMin", 0) for ch in letters if ord(ch) in cmap)
        hhea = font["hhea"]
        box = -hhea.descent + hhea.lineGap / 2
        return float(box - deepest) / float(font["head"].unitsPerEm)
    finally:
        font.close()


def text_width_mm(text: str, size_pt: float, bold: bool = False, italic: bool = False) -> float:
    """Return the advance width of ``text`` in mm (no kerning; ±1 % of the shaped width)."""
    widths, upem = _face(bold, italic)
    fallback = widths.get(ord("?"), upem // 2)
    units = sum(widths.get(ord(ch), fallback) for ch in text)
    return units / upem * size_pt * MM_PER_PT


def wrap(text: str, width_mm: float, size_pt: float, bold: bool = False,
         keep: Sequence[tuple[int, int]] = ()) -> list[str]:
    """Break ``text`` into balanced lines no wider than ``width_mm``, at spaces outside ``keep``.

    Why: title lines are computed once here and given to both renderers as explicit lines,
    so the .docx and the PDF break the trích yếu at the same places and its rule can be
    sized against its longest line [R-EL-5a-2]. Lines are balanced (the narrowest width
    that needs no more lines than a greedy fill); a span in ``keep`` (character offsets: a
    person's name, a no-break span) is never split, and the last line is never one lone word
    while the line before it can give it a companion.
    """
    tokens = _tokens(text, keep)
    lines = _greedy(tokens, width_mm, size_pt, bold)
    if len(lines) >= 2:
        low = max(text_width_mm(token, size_pt, bold) for token in tokens)
        high = width_mm
        for _step in range(24):
            middle = (low + high) / 2
            if len(_greedy(tokens, middle, size_pt, bold)) <= len(lines):
                high = middle
            else:
                low = middle
        lines = _greedy(tokens, high, size_pt, bold)
        last, before = lines[-1], lines[-2]
        if len(last) == 1 and " " not in last[0] and len(before) >= 2:
            moved = [before[-1], *last]
            if text_width_mm(" ".join(moved), size_pt, bold) <= width_mm:
                lines[-2:] = [before[:-1], moved]
    return [" ".join(line) for line in lines]


def _tokens(text: str, keep: Sequence[tuple[int, int]]) -> list[str]:
    """Return the unbreakable pieces of ``text``: its words, with the words of each kept span joined."""
    pieces: list[tuple[int, int]] = []
    for match in re.finditer(r"\S+", text):
        start, end = match.span()
        # The break between the previous word (ending at p) and this one lies inside a kept span
        # when the span holds a character of each.
        if pieces and any(s < pieces[-1][1] and start < e for s, e in keep):
            pieces[-1] = (pieces[-1][0], end)
        else:
            pieces.append((start, end))
    return [" ".join(text[s:e].split()) for s, e in pieces]


def _greedy(tokens: Sequence[str], width_mm: float, size_pt: float, bold: bool) -> list[list[str]]:
    lines: list[list[str]] = []
    current: list[str] = []
    for token in tokens:
        candidate = [*current, token]
        if current and text_width_mm(" ".join(candidate), size_pt, bold) > width_mm:
            lines.append(current)
            current = [token]
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def fontconfig_file() -> Path:
    """Write (once) a private fontconfig file that knows only the bundled fonts; return its path.

    Why: WeasyPrint falls back silently to any system font (DejaVu Sans for an unknown family);
    with this file as ``FONTCONFIG_FILE`` every family resolves to Liberation Serif [R-FONT-1].
    """
    cache_root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    digest = hashlib.sha256(str(FONT_DIR).encode()).hexdigest()[:12]
    for root in (cache_root / "vanban", Path(tempfile.gettempdir()) / f"vanban-{os.getuid()}"):
        conf = root / f"fonts-{digest}.conf"
        try:
            root.mkdir(parents=True, exist_ok=True)
            text = _fonts_conf(root / f"fccache-{digest}")
            if not conf.exists() or conf.read_text(encoding="utf-8") != text:
                tmp = conf.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_text(text, encoding="utf-8")
                tmp.replace(conf)
            return conf
        except OSError:
            continue
    raise OSError(_("không ghi được cấu hình phông chữ (fontconfig) vào thư mục bộ nhớ đệm"))


def _fonts_conf(cache_dir: Path) -> str:
    aliases = "".join(
        f'  <alias binding="same"><family>{name}</family><prefer><family>{FAMILY}</family></prefer></alias>\n'
        for name in ("Times New Roman", "Times", "serif", "sans-serif", "monospace")
    )
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"  <dir>{FONT_DIR}</dir>\n  <cachedir>{cache_dir}</cachedir>\n{aliases}</fontconfig>\n"
    )
