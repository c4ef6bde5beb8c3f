"""Read where things are drawn on a PDF page: every glyph with its text and box, and the boxes of other ink.

Why: a signature image goes between two lines of the rendered page, a number is filled over
a blank of a signed draft, and a phụ lục's stamp must miss whatever is already printed. The
PDF is the only truth (an archived file is never re-rendered), so its content streams are
read here with pikepdf: text via the fonts' ToUnicode maps and widths, paths, images and
form XObjects through the graphics state, annotations by their rectangles.

Coordinates are PDF points in the page's default user space (y upwards), the space the
MediaBox and annotation rectangles are written in. A rotated page (/Rotate) is measured
unrotated.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pikepdf

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
#: Ascent and descent (per 1000 em) used when a font does not say (Times-like values).
DEFAULT_ASCENT, DEFAULT_DESCENT = 891.0, -216.0
#: Deepest nesting of form XObjects followed (a loop of forms drawing each other stops here).
MAX_FORM_DEPTH = 12
#: Most content operators read on one page (a hostile file cannot keep the reader busy).
MAX_OPERATORS = 2_000_000


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """Return ``m × n`` in PDF's row-vector convention (apply ``m`` first, then ``n``)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    """Return the point ``(x, y)`` transformed by ``m``."""
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


@dataclass(frozen=True)
class Box:
    """A rectangle in default user space: left, bottom, right, top (points)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        """Return the width."""
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        """Return the height."""
        return self.y1 - self.y0

    @property
    def centre(self) -> tuple[float, float]:
        """Return the centre point."""
        return ((self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2)

    def overlaps(self, other: Box, margin: float = 0.0) -> bool:
        """Tell whether the two boxes, each grown by ``margin``, share some area."""
        return (self.x0 - margin < other.x1 and other.x0 < self.x1 + margin
                and self.y0 - margin < other.y1 and other.y0 < self.y1 + margin)

    @staticmethod
    def around(points: Iterable[tuple[float, float]]) -> Box:
        """Return the smallest box holding ``points``."""
        xs, ys = zip(*points, strict=True)
        return Box(min(xs), min(ys), max(xs), max(ys))


@dataclass(frozen=True)
class Glyph:
    """One glyph as drawn: the text it stands for, its box (ascent to descent) and its baseline."""

    text: str
    box: Box
    baseline: float
    size: float  # the font size on the page, in points
    font: str


@dataclass(frozen=True)
class Line:
    """Glyphs on one baseline, left to right, with no wide gap between them."""

    glyphs: tuple[Glyph, ...]

    @property
    def text(self) -> str:
        """Return the line's text as drawn (no-break spaces kept)."""
        return "".join(g.text for g in self.glyphs)

    @property
    def words(self) -> str:
        """Return the text in NFC with every run of white space (no-break ones too) as one space."""
        return " ".join(unicodedata.normalize("NFC", self.text).split())

    @property
    def box(self) -> Box:
        """Return the box around every glyph."""
        return Box(min(g.box.x0 for g in self.glyphs), min(g.box.y0 for g in self.glyphs),
                   max(g.box.x1 for g in self.glyphs), max(g.box.y1 for g in self.glyphs))

    @property
    def baseline(self) -> float:
        """Return the baseline (of the first glyph)."""
        return self.glyphs[0].baseline

    @property
    def size(self) -> float:
        """Return the largest font size on the line."""
        return max(g.size for g in self.glyphs)


@dataclass
class PageInk:
    """What one page shows: its glyphs, the boxes of everything else drawn, and its size."""

    media: Box
    glyphs: list[Glyph] = field(default_factory=list)
    marks: list[Box] = field(default_factory=list)  # paths, images, annotations

    @property
    def boxes(self) -> list[Box]:
        """Return every inked box: glyphs (spaces left out) and marks."""
        return [g.box for g in self.glyphs if not g.text.isspace()] + self.marks

    def lines(self) -> list[Line]:
        """Return the page's text lines, top to bottom then left to right."""
        rows: dict[int, list[Glyph]] = {}
        for glyph in self.glyphs:
            rows.setdefault(round(glyph.baseline * 2), []).append(glyph)  # same baseline within 0.5 pt
        out: list[Line] = []
        for key in sorted(rows, reverse=True):
            current: list[Glyph] = []
            for glyph in sorted(rows[key], key=lambda g: g.box.x0):
                if current and glyph.box.x0 - current[-1].box.x1 > 1.5 * max(glyph.size, current[-1].size):
                    out.append(Line(tuple(current)))
                    current = []
                current.append(glyph)
            if current:
                out.append(Line(tuple(current)))
        return out

    def find_lines(self, text: str) -> list[Line]:
        """Return the lines whose words are exactly ``text`` (spacing and NFC ignored)."""
        wanted = " ".join(unicodedata.normalize("NFC", text).split())
        return [line for line in self.lines() if line.words == wanted]


class _Font:
    """What is needed of a font to place its glyphs: code length, widths, text, ascent, descent."""

    def __init__(self, font: pikepdf.Object) -> None:
        self.name = str(font.get("/BaseFont", "?"))
        subtype = font.get("/Subtype")
        self.two_byte = subtype == "/Type0"
        self.widths: dict[int, float] = {}
        self.default_width = 1000.0 if self.two_byte else 0.0
        self.scale = 1.0  # glyph-space units per text-space unit × 1000 (Type3's FontMatrix)
        descriptor: Any = None
        if self.two_byte:
            descendant = font.DescendantFonts[0]
            descriptor = descendant.get("/FontDescriptor")
            self.default_width = float(descendant.get("/DW", 1000))
            self._cid_widths(descendant.get("/W"))
        else:
            first = int(font.get("/FirstChar", 0))
            for offset, width in enumerate(font.get("/Widths", [])):
                self.widths[first + offset] = float(width)
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None:
                self.default_width = float(descriptor.get("/MissingWidth", 0))
            if subtype == "/Type3" and "/FontMatrix" in font:
                self.scale = float(font.FontMatrix[0]) * 1000
        self.ascent = float(descriptor.get("/Ascent", DEFAULT_ASCENT)) if descriptor is not None else DEFAULT_ASCENT
        self.descent = float(descriptor.get("/Descent", DEFAULT_DESCENT)) if descriptor is not None else DEFAULT_DESCENT
        if self.ascent <= 0 or self.ascent > 2000:
            self.ascent = DEFAULT_ASCENT
        if self.descent >= 0 or self.descent < -1000:
            self.descent = DEFAULT_DESCENT
        self.unicode = _to_unicode(font["/ToUnicode"].read_bytes()) if "/ToUnicode" in font else {}

    def _cid_widths(self, array: Any) -> None:
        if array is None:
            return
        items = list(array)
        i = 0
        while i + 1 < len(items):
            first = int(items[i])
            if isinstance(items[i + 1], pikepdf.Array):
                for offset, width in enumerate(items[i + 1]):
                    self.widths[first + offset] = float(width)
                i += 2
            elif i + 2 < len(items):
                for code in range(first, min(int(items[i + 1]), first + 65_535) + 1):
                    self.widths[code] = float(items[i + 2])
                i += 3
            else:
                break

    def codes(self, data: bytes) -> Iterator[int]:
        """Yield the character codes of a shown string."""
        if self.two_byte:
            for i in range(0, len(data) - 1, 2):
                yield data[i] << 8 | data[i + 1]
        else:
            yield from data

    def text(self, code: int) -> str:
        """Return the Unicode text of ``code`` (latin-1 for a simple font without a map)."""
        found = self.unicode.get(code)
        if found is not None:
            return found
        return "\ufffd" if self.two_byte else bytes([code]).decode("latin-1")

    def width(self, code: int) -> float:
        """Return the advance of ``code`` in thousandths of the font size."""
        return self.widths.get(code, self.default_width) * self.scale


_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")


def _utf16(hex_text: bytes) -> str:
    raw = bytes.fromhex(hex_text.decode("ascii"))
    return raw.decode("utf-16-be", "replace")


def _to_unicode(cmap: bytes) -> dict[int, str]:
    """Return code → text from a ToUnicode CMap (its bfchar and bfrange sections)."""
    out: dict[int, str] = {}
    for section in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        pairs = _HEX.findall(section)
        for src, dst in zip(pairs[::2], pairs[1::2], strict=False):
            out[int(src, 16)] = _utf16(dst)
    for section in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for entry in re.finditer(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])", section):
            low, high, dst = int(entry[1], 16), int(entry[2], 16), entry[3]
            high = min(high, low + 65_535)
            if dst.startswith(b"["):
                for offset, item in enumerate(_HEX.findall(dst)):
                    if low + offset <= high:
                        out[low + offset] = _utf16(item)
                continue
            start = bytes.fromhex(dst[1:-1].decode("ascii"))
            for offset in range(high - low + 1):
                value = int.from_bytes(start, "big") + offset
                out[low + offset] = value.to_bytes(len(start), "big").decode("utf-16-be", "replace")
    return out


@dataclass
class _State:
    ctm: Matrix = IDENTITY
    fill_white: bool = False
    stroke_white: bool = False


def _is_white(operands: list[Any]) -> bool:
    values = [float(x) for x in operands if isinstance(x, int | float | pikepdf.Object) and _number(x)]
    if len(values) == 1:
        return values[0] >= 0.999
    if len(values) == 3:
        return min(values) >= 0.999
    if len(values) == 4:
        return max(values) <= 0.001
    return False


def _number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


class _Reader:
    """Walk a page's content (and the forms it draws) collecting glyphs and marks."""

    def __init__(self, ink: PageInk) -> None:
        self.ink = ink
        self.fonts: dict[tuple[int, int] | int, _Font] = {}
        self.operators = 0

    def font(self, obj: pikepdf.Object) -> _Font:
        key = obj.objgen if obj.is_indirect else id(obj)
        if key not in self.fonts:
            self.fonts[key] = _Font(obj)
        return self.fonts[key]

    def run(self, stream: Any, resources: Any, ctm: Matrix, depth: int = 0) -> None:
        state = _State(ctm)
        stack: list[_State] = []
        path: list[tuple[float, float]] = []
        tm = tlm = IDENTITY
        font: _Font | None = None
        size = tc = tw = rise = leading = 0.0
        th = 1.0
        for instruction in pikepdf.parse_content_stream(stream):
            self.operators += 1
            if self.operators > MAX_OPERATORS:
                return
            op = str(instruction.operator)
            args = list(instruction.operands)
            if op == "q":
                stack.append(_State(state.ctm, state.fill_white, state.stroke_white))
            elif op == "Q":
                state = stack.pop() if stack else state
            elif op == "cm" and len(args) == 6:
                state.ctm = multiply(tuple(float(a) for a in args), state.ctm)  # type: ignore[arg-type]
            elif op in ("rg", "g", "k", "sc", "scn"):
                state.fill_white = _is_white(args)
            elif op in ("RG", "G", "K", "SC", "SCN"):
                state.stroke_white = _is_white(args)
            elif op in ("m", "l") and len(args) == 2:
                path.append(apply(state.ctm, float(args[0]), float(args[1])))
            elif op in ("c", "v", "y"):
                numbers = [float(a) for a in args]
                path.extend(apply(state.ctm, numbers[i], numbers[i + 1]) for i in range(0, len(numbers) - 1, 2))
            elif op == "re" and len(args) == 4:
                x, y, w, h = (float(a) for a in args)
                path.extend(apply(state.ctm, px, py) for px, py in ((x, y), (x + w, y), (x, y + h), (x + w, y + h)))
            elif op in ("S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "n"):
                stroked = op in ("S", "s", "B", "B*", "b", "b*")
                filled = op not in ("S", "s", "n")
                visible = (stroked and not state.stroke_white) or (filled and not state.fill_white)
                if path and visible:
                    self.ink.marks.append(Box.around(path))
                path = []
            elif op == "INLINE IMAGE":
                self.ink.marks.append(_unit_square(state.ctm))
            elif op == "Do" and args:
                self.xobject(resources, args[0], state.ctm, depth)
            elif op == "BT":
                tm = tlm = IDENTITY
            elif op == "Tf" and len(args) == 2:
                fonts = resources.get("/Font") if resources is not None else None
                found = fonts.get(args[0]) if fonts is not None else None
                font = self.font(found) if found is not None else None
                size = float(args[1])
            elif op == "Tc" and args:
                tc = float(args[0])
            elif op == "Tw" and args:
                tw = float(args[0])
            elif op == "Tz" and args:
                th = float(args[0]) / 100
            elif op == "TL" and args:
                leading = float(args[0])
            elif op == "Ts" and args:
                rise = float(args[0])
            elif op in ("Td", "TD") and len(args) == 2:
                if op == "TD":
                    leading = -float(args[1])
                tlm = multiply((1, 0, 0, 1, float(args[0]), float(args[1])), tlm)
                tm = tlm
            elif op == "Tm" and len(args) == 6:
                tlm = tm = tuple(float(a) for a in args)  # type: ignore[assignment]
            elif op in ("T*", "'", '"'):
                tlm = multiply((1, 0, 0, 1, 0, -leading), tlm)
                tm = tlm
                if op == '"' and len(args) == 3:
                    tw, tc = float(args[0]), float(args[1])
                if op != "T*" and args and font is not None:
                    tm = self.show(font, bytes(args[-1]), tm, state.ctm, size, tc, tw, th, rise)
            elif op == "Tj" and args and font is not None:
                tm = self.show(font, bytes(args[0]), tm, state.ctm, size, tc, tw, th, rise)
            elif op == "TJ" and args and font is not None:
                for item in args[0]:
                    if isinstance(item, pikepdf.String):
                        tm = self.show(font, bytes(item), tm, state.ctm, size, tc, tw, th, rise)
                    elif _number(item):
                        tm = multiply((1, 0, 0, 1, -float(item) / 1000 * size * th, 0), tm)

    def show(self, font: _Font, data: bytes, tm: Matrix, ctm: Matrix, size: float, tc: float, tw: float,
             th: float, rise: float) -> Matrix:
        for code in font.codes(data):
            w0 = font.width(code) / 1000
            advance = w0 * size * th
            m = multiply(tm, ctm)
            low = font.descent / 1000 * size + rise
            high = font.ascent / 1000 * size + rise
            corners = [apply(m, x, y) for x, y in ((0, low), (advance, low), (0, high), (advance, high))]
            _, baseline = apply(m, 0, rise)
            scale = (m[2] ** 2 + m[3] ** 2) ** 0.5
            self.ink.glyphs.append(Glyph(font.text(code), Box.around(corners), baseline, size * scale, font.name))
            space = tw if (not font.two_byte and code == 32) else 0.0
            tm = multiply((1, 0, 0, 1, (w0 * size + tc + space) * th, 0), tm)
        return tm

    def xobject(self, resources: Any, name: Any, ctm: Matrix, depth: int) -> None:
        objects = resources.get("/XObject") if resources is not None else None
        xobj = objects.get(name) if objects is not None else None
        if xobj is None:
            return
        subtype = xobj.get("/Subtype")
        if subtype == "/Image":
            self.ink.marks.append(_unit_square(ctm))
        elif subtype == "/Form" and depth < MAX_FORM_DEPTH:
            matrix = tuple(float(x) for x in xobj.get("/Matrix", IDENTITY))
            self.run(xobj, xobj.get("/Resources", resources), multiply(matrix, ctm), depth + 1)  # type: ignore[arg-type]


def _unit_square(ctm: Matrix) -> Box:
    return Box.around(apply(ctm, x, y) for x, y in ((0, 0), (1, 0), (0, 1), (1, 1)))


def read_page(pdf: pikepdf.Pdf, index: int, annotations: bool = True) -> PageInk:
    """Return what page ``index`` (0-based; -1 for the last) of ``pdf`` shows.

    With ``annotations``, the rectangle of every visible annotation with an appearance
    (a signature image, a filled field) counts as ink.
    """
    page = pdf.pages[index]
    media = [float(x) for x in page.obj.get("/MediaBox", [0, 0, 595.276, 841.89])]
    ink = PageInk(Box(min(media[0], media[2]), min(media[1], media[3]), max(media[0], media[2]),
                      max(media[1], media[3])))
    _Reader(ink).run(page.obj, page.obj.get("/Resources"), IDENTITY)
    if annotations:
        for annot in page.obj.get("/Annots", []):
            hidden = int(annot.get("/F", 0)) & 0b10 or "/AP" not in annot  # flag 2: Hidden
            rect = [float(x) for x in annot.get("/Rect", [0, 0, 0, 0])]
            if not hidden and rect[2] != rect[0] and rect[3] != rect[1]:
                ink.marks.append(Box(min(rect[0], rect[2]), min(rect[1], rect[3]),
                                     max(rect[0], rect[2]), max(rect[1], rect[3])))
    return ink
