"""Measure a rendered PDF: text lines with font, size and position, and the solid rules drawn.

Why: the ND30 conformance tests check what a reader sees on the page (positions in mm,
point sizes, bold/italic faces, rule lengths), so they read the PDF itself with pdfplumber
and pypdf rather than trusting the HTML or the context that produced it.

Units: every coordinate is in PDF points (1/72 in) from the top-left corner of the page,
as pdfplumber gives them; ``MM`` converts millimetres to points.
"""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
import pypdf

from helpers import MM, squash

#: A horizontal gap wider than this between two glyphs of a row splits it into two lines.
#: Spaces are drawn as glyphs, so inside one line of text consecutive glyphs touch except next
#: to a space, where justification adds its stretch (split on both sides, or all on one side
#: where the space begins or ends an inline box: a no-break span's edge, inline.line_runs);
#: only table columns leave wider gaps between two glyphs that are not spaces.
COLUMN_GAP_PT = 3.0
#: Glyphs whose tops differ by less than this are on the same row.
ROW_TOLERANCE_PT = 2.0


def mm(points: float) -> float:
    """Return ``points`` in millimetres."""
    return points / MM


@dataclass(frozen=True)
class Word:
    """One word as drawn: text, face, size, colour and box."""

    text: str
    font: str
    size: float
    x0: float
    x1: float
    top: float
    bottom: float
    color: Any

    @property
    def bold(self) -> bool:
        """Tell whether the word is set in a bold face."""
        return "Bold" in self.font

    @property
    def italic(self) -> bool:
        """Tell whether the word is set in an italic face."""
        return "Italic" in self.font


@dataclass(frozen=True)
class Line:
    """One line of text: the words of one row of one column, left to right."""

    page: int  # 1-based
    words: tuple[Word, ...]
    text: str  # the glyphs as drawn, runs of ASCII spaces collapsed (no-break spaces kept)

    @property
    def x0(self) -> float:
        """Return the left edge of the first glyph."""
        return self.words[0].x0

    @property
    def x1(self) -> float:
        """Return the right edge (advance) of the last glyph."""
        return self.words[-1].x1

    @property
    def top(self) -> float:
        """Return the highest top of the words (font-size box)."""
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        """Return the lowest bottom of the words (font-size box)."""
        return max(w.bottom for w in self.words)

    @property
    def width(self) -> float:
        """Return the drawn width of the line."""
        return self.x1 - self.x0

    @property
    def centre(self) -> float:
        """Return the horizontal centre of the line."""
        return (self.x0 + self.x1) / 2

    @property
    def sizes(self) -> set[float]:
        """Return the font sizes used, rounded to 0.1 pt."""
        return {round(w.size, 1) for w in self.words}

    @property
    def size(self) -> float:
        """Return the largest font size on the line."""
        return max(self.sizes)

    @property
    def bold(self) -> bool:
        """Tell whether every word is bold."""
        return all(w.bold for w in self.words)

    @property
    def any_bold(self) -> bool:
        """Tell whether some word is bold."""
        return any(w.bold for w in self.words)

    @property
    def italic(self) -> bool:
        """Tell whether every word is italic."""
        return all(w.italic for w in self.words)

    @property
    def any_italic(self) -> bool:
        """Tell whether some word is italic."""
        return any(w.italic for w in self.words)


@dataclass(frozen=True)
class Rule:
    """A solid horizontal rule: a thin filled rectangle."""

    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    color: Any = None

    @property
    def width(self) -> float:
        """Return the length of the rule."""
        return self.x1 - self.x0

    @property
    def centre(self) -> float:
        """Return the horizontal centre of the rule."""
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True)
class Page:
    """One page: its size, its text lines in reading order and its rules."""

    number: int
    width: float
    height: float
    lines: tuple[Line, ...]
    rules: tuple[Rule, ...]
    char_colors: frozenset[Any]


@dataclass(frozen=True)
class Measured:
    """Every page of one PDF, measured."""

    pages: tuple[Page, ...]

    def lines(self, page: int | None = None) -> list[Line]:
        """Return all lines (of one page, if given) in reading order."""
        return [ln for p in self.pages if page in (None, p.number) for ln in p.lines]

    def find(self, text: str, page: int | None = None) -> Line:
        """Return the only line whose text is exactly ``text``; fail if there is not exactly one."""
        found = [ln for ln in self.lines(page) if ln.text == text]
        assert len(found) == 1, f"expected one line {text!r}, found {len(found)}"
        return found[0]

    def find_all(self, pattern: str, page: int | None = None) -> list[Line]:
        """Return the lines whose text matches the regular expression ``pattern``."""
        return [ln for ln in self.lines(page) if re.search(pattern, ln.text)]

    def rules(self, page: int | None = None) -> list[Rule]:
        """Return the rules (of one page, if given), top to bottom."""
        return [r for p in self.pages if page in (None, p.number) for r in p.rules]

    def rule_below(self, line: Line, within: float = 6.0) -> Rule:
        """Return the rule directly below ``line`` (its top within ``within`` pt of the line's bottom)."""
        found = [
            r for r in self.rules(line.page)
            if -1.0 <= r.top - line.bottom <= within and r.x0 < line.x1 and r.x1 > line.x0
        ]
        assert len(found) == 1, f"expected one rule under {line.text!r}, found {len(found)}"
        return found[0]


def measure(data: bytes) -> Measured:
    """Return the measured pages of the PDF ``data``."""
    pages: list[Page] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for index, page in enumerate(pdf.pages, start=1):
            rules = tuple(
                Rule(index, r["x0"], r["x1"], r["top"], r["bottom"], _color(r.get("non_stroking_color")))
                for r in sorted(page.rects, key=lambda r: (r["top"], r["x0"]))
                if r["height"] <= 2.0 and r["width"] >= 5.0 and r.get("fill")
            )
            colors = frozenset(_color(c.get("non_stroking_color")) for c in page.chars)
            pages.append(Page(index, float(page.width), float(page.height), tuple(_lines(index, page.chars)),
                              rules, colors))
    return Measured(tuple(pages))


def _color(value: Any) -> Any:
    return tuple(value) if isinstance(value, list | tuple) else value


def _lines(page: int, chars: Sequence[dict[str, Any]]) -> Iterator[Line]:
    """Group glyphs into rows by their tops, then split each row where glyphs leave a gap (columns)."""
    rows: list[list[dict[str, Any]]] = []
    for char in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if rows and char["top"] - rows[-1][0]["top"] < ROW_TOLERANCE_PT:
            rows[-1].append(char)
        else:
            rows.append([char])
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        segment = [row[0]]
        for char in row[1:]:
            stretched = char["text"].isspace() or segment[-1]["text"].isspace()  # a justified space
            if char["x0"] - segment[-1]["x1"] > COLUMN_GAP_PT and not stretched:
                yield from _line(page, segment)
                segment = [char]
            else:
                segment.append(char)
        yield from _line(page, segment)


def _line(page: int, chars: list[dict[str, Any]]) -> Iterator[Line]:
    """Yield the line of ``chars`` (none if they are all blank), its words split at spaces and face changes."""
    words: list[Word] = []
    run: list[dict[str, Any]] = []

    def flush() -> None:
        if run:
            first = run[0]
            words.append(Word("".join(c["text"] for c in run), first["fontname"], float(first["size"]),
                              run[0]["x0"], run[-1]["x1"], min(c["top"] for c in run),
                              max(c["bottom"] for c in run), _color(first.get("non_stroking_color"))))
            run.clear()

    for char in chars:
        if char["text"].isspace():
            flush()
        elif run and (char["fontname"], char["size"]) != (run[0]["fontname"], run[0]["size"]):
            flush()
            run.append(char)
        else:
            run.append(char)
    flush()
    if words:
        text = re.sub(" +", " ", "".join(c["text"] for c in chars).strip(" "))
        yield Line(page, tuple(words), text)


def footnote_lines(measured: Measured, note_pt: float, call_pt: float) -> list[Line]:
    """Return the lines of the footnote areas: below every body-size line of their page, in note sizes."""
    out: list[Line] = []
    for page in measured.pages:
        body = [ln.top for ln in page.lines if any(w.size >= 13 for w in ln.words)]
        floor = max(body, default=0.0)
        out += [ln for ln in page.lines if ln.top > floor and ln.sizes <= {note_pt, call_pt}]
    return out


def without_footnotes(measured: Measured, note_pt: float, call_pt: float) -> Measured:
    """Return ``measured`` without the footnote areas and without the footnote calls in the text.

    Why: ND30 says nothing about footnotes; the rules the conformance tests measure apply to the
    text around them, which must read exactly as if no footnote were there. A call is a word of
    digits in the call size; the words left are joined as drawn (a space where glyphs leave a gap).
    """
    notes = set(footnote_lines(measured, note_pt, call_pt))
    pages = []
    for page in measured.pages:
        lines = []
        for ln in page.lines:
            if ln in notes:
                continue
            calls = [w.text.isdigit() and abs(w.size - call_pt) < 0.1 for w in ln.words]
            if any(calls):
                kept: list[Word] = []
                text, gap = "", False
                for i, (word, call) in enumerate(zip(ln.words, calls, strict=True)):
                    gap = gap or (i > 0 and word.x0 - ln.words[i - 1].x1 > 0.5)  # a space was drawn here
                    if call:
                        continue
                    text += (" " if gap and kept else "") + word.text
                    kept.append(word)
                    gap = False
                ln = Line(ln.page, tuple(kept), text)
            lines.append(ln)
        pages.append(Page(page.number, page.width, page.height, tuple(lines), page.rules, page.char_colors))
    return Measured(tuple(pages))


def paragraphs(lines: Sequence[Line], texts: Iterable[str]) -> list[list[Line]]:
    """Split ``lines`` into consecutive paragraphs whose texts are ``texts``, in order.

    Why: the PDF has no paragraph marks; the context says what each paragraph reads, so the
    lines are consumed until their joined text (spaces ignored) is that paragraph's text.
    """
    out: list[list[Line]] = []
    i = 0
    for text in texts:
        want = squash(text)
        got: list[Line] = []
        have = ""
        while len(have) < len(want):
            assert i < len(lines), f"ran out of lines while looking for {text[:60]!r}"
            got.append(lines[i])
            have += squash(lines[i].text)
            i += 1
        assert have == want, f"paragraph mismatch:\n  PDF: {have[:120]!r}\n  ctx: {want[:120]!r}"
        out.append(got)
    return out


def embedded_fonts(data: bytes) -> set[str]:
    """Return the BaseFont names of every font used on any page (pypdf)."""
    names: set[str] = set()
    reader = pypdf.PdfReader(io.BytesIO(data))
    for page in reader.pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources is not None else None
        if fonts is None:
            continue
        for ref in fonts.get_object().values():
            font = ref.get_object()
            names.add(str(font.get("/BaseFont")))
            for descendant in font.get("/DescendantFonts", []):
                names.add(str(descendant.get_object().get("/BaseFont")))
    return names


def pdffonts(path: Path) -> list[tuple[str, bool]]:
    """Return (name, embedded) of every font ``pdffonts`` (poppler) lists for the file at ``path``."""
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    # Columns from the right: object ID, object number, uni, sub, emb; the type may hold a space.
    return [(row[0], row[-5] == "yes") for row in rows]


def metadata(data: bytes) -> tuple[dict[str, str], dict[str, Any]]:
    """Return the document information dictionary and the catalog (pypdf)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    info = {str(k): str(v) for k, v in (reader.metadata or {}).items()}
    root: Any = reader.trailer["/Root"]
    return info, dict(root.get_object())


def has_embedded_file(data: bytes) -> bool:
    """Tell whether the PDF carries any embedded file (attachment)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    root: Any = reader.trailer["/Root"]
    names = root.get_object().get("/Names")
    if names is not None and "/EmbeddedFiles" in names.get_object():
        return True
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            if annot.get_object().get("/Subtype") == "/FileAttachment":
                return True
    return b"/EmbeddedFile" in data
