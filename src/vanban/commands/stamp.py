"""Where the signature images and stamps go on a page, and the small PDFs that draw them.

Why here and not pyHanko's stamps: pyHanko's default stamp font is Latin-1 only and its
glyph accumulator assumes 1000 units per em (Liberation Serif has 2048: measured, every
glyph drawn twice as far apart; notes §5). Each appearance is therefore a one-page PDF
made by WeasyPrint with the bundled fonts (the same shaping and embedding as the notice),
which the signing step imports as a form XObject. Positions are measured on the PDF being
signed (``ink``), never on a re-rendering of its source.

ND30 places: the signer's image centred between the last chức vụ line and the name
[R-SIG-8]; the seal at its real size over the left third of that image [R-SIG-9]; a
separately filed phụ lục's text at the top right of page 1 [R-SIG-11].
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vanban.commands.ink import Box, Line, PageInk
from vanban.errors import UsageError
from vanban.i18n import _
from vanban.pipeline.fonts import text_width_mm

#: PDF points per millimetre.
MM = 72 / 25.4
#: Largest width of the signer's image (R-SIG-8 practice: about 35–50 mm).
SIGNATURE_MAX_WIDTH_MM = 50.0
#: Room kept free above and below the signer's image inside the gap.
SIGNATURE_MARGIN_MM = 1.0
#: Share of the signature image's width the seal covers, tried in order (T-24 allows 25–40 %).
SEAL_OVERLAPS = (1 / 3, 0.30, 0.36, 0.40, 0.27, 0.25)
#: R-SIG-11: Times New Roman 10 pt; the official sample's box is about 77–81 × 8.7 mm.
ATTACHMENT_PT = 10.0
ATTACHMENT_BOX_MM = (79.0, 8.7)
#: Where the phụ lục box is first tried: this far from the top and right edges of page 1
#: (inside ND30's smallest top and right margins, 20 and 15 mm), then lower in 1 mm steps.
ATTACHMENT_TOP_MM = 8.0
ATTACHMENT_RIGHT_MM = 15.0
#: Lowest the phụ lục box may go: the top third of the page stays "top right".
ATTACHMENT_LOWEST = 1 / 3
#: Clearance kept between a stamp and existing ink.
CLEARANCE_MM = 1.0
#: Largest image file read (a scanned seal at 600 dpi is a few hundred kB).
MAX_IMAGE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Image:
    """A checked PNG: its bytes, its pixel size and its dominant colour's name."""

    data: bytes
    width: int
    height: int
    path: str

    @property
    def aspect(self) -> float:
        """Return width / height."""
        return self.width / self.height


def load_image(path: Path, colour: str) -> Image:
    """Return the PNG at ``path`` if it has transparency and ``colour`` ("blue" or "red") dominates its ink.

    Raise UsageError otherwise: R-SIG-8 wants a blue signature and R-SIG-9 a red seal, each a
    PNG with a transparent background; an RGB scan would cover the text under it in white.
    """
    from PIL import Image as PIL
    from PIL import UnidentifiedImageError

    from vanban.files import read_regular

    shown = str(path)
    try:
        data = read_regular(path, MAX_IMAGE_BYTES)
    except OSError as exc:
        raise UsageError(_("không đọc được ảnh {path}: {reason}").format(path=shown, reason=exc.strerror or exc)) \
            from None
    try:
        with PIL.open(io.BytesIO(data)) as image:
            kind = image.format
            image.load()
            alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            rgba = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError):
        raise UsageError(_("{path} không phải ảnh PNG đọc được").format(path=shown)) from None
    if kind != "PNG":
        raise UsageError(_("{path} phải là ảnh PNG (đang là {kind})").format(path=shown, kind=kind))
    if not alpha:
        raise UsageError(_("ảnh {path} không có nền trong suốt (kênh alpha, chế độ {mode}); hãy dùng PNG RGBA "
                           "nền trong suốt [R-SIG-8, R-SIG-9]").format(path=shown, mode=image.mode))
    red, green, blue, count = _ink_colour(rgba)
    if count == 0:
        raise UsageError(_("ảnh {path} trong suốt hoàn toàn, không có nét nào").format(path=shown))
    if colour == "blue" and not (blue > red and blue > green):
        raise UsageError(_("ảnh chữ ký {path} phải màu xanh [R-SIG-8]").format(path=shown))
    if colour == "red" and not (red > blue and red > green):
        raise UsageError(_("ảnh con dấu {path} phải màu đỏ [R-SIG-9]").format(path=shown))
    return Image(data, rgba.width, rgba.height, shown)


def _ink_colour(image: Any) -> tuple[float, float, float, int]:
    """Return the mean red, green, blue of the opaque pixels (alpha ≥ 128) and their count."""
    small = image.copy()
    small.thumbnail((256, 256))
    total = [0, 0, 0]
    count = 0
    raw = small.tobytes()
    for i in range(0, len(raw), 4):
        r, g, b, a = raw[i:i + 4]
        if a >= 128:
            total[0] += r
            total[1] += g
            total[2] += b
            count += 1
    if not count:
        return 0.0, 0.0, 0.0, 0
    return total[0] / count, total[1] / count, total[2] / count, count


# --- where things go ----------------------------------------------------------------------


def whole(box: Box) -> Box:
    """Return ``box`` resized about its centre to a whole number of points in width and height.

    Why: pyHanko writes a signature appearance's BBox in whole points (it truncates 259.76 ×
    24.66 to 259 × 24), and a viewer stretches the BBox onto the field's rectangle: measured,
    a 10 pt text drawn 10.3 pt tall and a round seal made oval by 3 %. With whole-point
    boxes the BBox and the rectangle agree exactly.
    """
    width, height = max(1, round(box.width)), max(1, round(box.height))
    cx, cy = box.centre
    return Box(cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)


@dataclass(frozen=True)
class SignerBlock:
    """The signer's block on the last page: the last chức vụ line and the name line."""

    page: int  # 0-based
    title: Line
    name: Line

    @property
    def gap(self) -> Box:
        """Return the space between the two lines (ô 7c), as wide as the wider line."""
        return Box(min(self.title.box.x0, self.name.box.x0), self.name.box.y1,
                   max(self.title.box.x1, self.name.box.x1), self.title.box.y0)


def signer_block(ink: PageInk, page: int, title: str, name: str) -> SignerBlock | None:
    """Return the signer's block: the lowest line reading ``name`` and the nearest ``title`` line above it."""
    names = ink.find_lines(name)
    if not names:
        return None
    name_line = min(names, key=lambda line: line.baseline)
    titles = [line for line in ink.find_lines(title)
              if line.baseline > name_line.baseline and line.box.x0 < name_line.box.x1 and
              name_line.box.x0 < line.box.x1]
    if not titles:
        return None
    return SignerBlock(page, min(titles, key=lambda line: line.baseline), name_line)


def signature_box(block: SignerBlock, image: Image) -> Box:
    """Return where the signer's image goes: centred in ô 7c, scaled to the gap [R-SIG-8].

    The image keeps its proportions: as tall as the gap allows (less 1 mm above and below)
    and at most 50 mm wide.
    """
    gap = block.gap
    height = gap.height - 2 * SIGNATURE_MARGIN_MM * MM
    if height <= 5 * MM:
        raise UsageError(_("khoảng trống giữa chức vụ và họ tên người ký chỉ {mm:.1f} mm, "
                           "không đủ chỗ cho ảnh chữ ký [R-SIG-6]").format(mm=gap.height / MM))
    width = min(height * image.aspect, SIGNATURE_MAX_WIDTH_MM * MM)
    height = width / image.aspect
    cx = block.name.box.centre[0]
    cy = gap.centre[1]
    return whole(Box(cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2))


def seal_box(signature: Box, diameter_mm: float, ink: PageInk, block: SignerBlock) -> Box:
    """Return where the seal goes: real size, over the left third of the signature image [R-SIG-9].

    Its centre is level with the signature's. It must miss the Nơi nhận text (the lines left
    of the signer's block); when one third would touch it, other shares inside T-24's 25–40 %
    are tried; when none is clear, UsageError says so.
    """
    diameter = diameter_mm * MM
    cy = signature.centre[1]
    left_text = [g.box for line in ink.lines() if line.box.x1 <= block.name.box.x0 and line.box.x1 <= block.title.box.x0
                 for g in line.glyphs if not g.text.isspace()]
    for share in SEAL_OVERLAPS:
        right = signature.x0 + share * signature.width
        box = whole(Box(right - diameter, cy - diameter / 2, right, cy + diameter / 2))
        if not any(_circle_touches(box, other, CLEARANCE_MM * MM) for other in left_text):
            return box
    raise UsageError(_("con dấu đường kính {mm:g} mm đè lên phần Nơi nhận ở mọi vị trí cho phép "
                       "(che 25–40 % bên trái chữ ký) [R-SIG-9]").format(mm=diameter_mm))


def _circle_touches(square: Box, other: Box, margin: float) -> bool:
    """Tell whether the circle inscribed in ``square`` comes within ``margin`` of the box ``other``."""
    cx, cy = square.centre
    radius = square.width / 2 + margin
    nx = min(max(cx, other.x0), other.x1)
    ny = min(max(cy, other.y0), other.y1)
    return (nx - cx) ** 2 + (ny - cy) ** 2 < radius**2


def attachment_box(ink: PageInk, width_pt: float) -> Box:
    """Return the box for a phụ lục's R-SIG-11 text: top right of page 1, clear of everything drawn.

    Tried first inside the top margin, right-aligned with the right margin; then lower, 1 mm
    at a time, down to the top third of the page. UsageError when nothing there is clear.
    """
    height = float(round(ATTACHMENT_BOX_MM[1] * MM))
    width_pt = float(round(width_pt))
    right = ink.media.x1 - ATTACHMENT_RIGHT_MM * MM
    top = ink.media.y1 - ATTACHMENT_TOP_MM * MM
    lowest = ink.media.y1 - ink.media.height * ATTACHMENT_LOWEST
    inked = ink.boxes
    step = 1 * MM
    while top - height >= lowest:
        for shift in (0.0, 5 * MM, 10 * MM):  # a little room to the right of the margin first
            box = Box(right - width_pt + shift, top - height, right + shift, top)
            if box.x1 <= ink.media.x1 - 5 * MM and not any(box.overlaps(b, CLEARANCE_MM * MM) for b in inked):
                return box
        top -= step
    raise UsageError(_("góc trên bên phải trang 1 của phụ lục không còn chỗ trống cho thông tin chữ ký số "
                       "[R-SIG-11]"))


def attachment_text(number: str, signed_at: str) -> str:
    """Return the R-SIG-11 text: the main document's số/ký hiệu and the signing time (ISO 8601, +07:00)."""
    return f"Số: {number}; thời gian ký: {signed_at}"


def attachment_width(text: str) -> float:
    """Return the width (points) of the R-SIG-11 box for ``text``: the sample's 79 mm, or more for a long text."""
    return max(ATTACHMENT_BOX_MM[0], text_width_mm(text, ATTACHMENT_PT) + 4) * MM


# --- the small PDFs that draw them --------------------------------------------------------

_IMAGE_URL = "vanban-anh:anh.png"


def _render(body: str, width_pt: float, height_pt: float, image: bytes | None = None) -> bytes:
    """Return a one-page PDF of ``width_pt`` × ``height_pt`` showing ``body`` (HTML) with the bundled fonts."""
    # The bundled fonts are reachable only through render_pdf's private fontconfig; its
    # loader is reused so both renderings see exactly the same faces.
    from vanban.pipeline.render_pdf import _weasyprint

    weasyprint = _weasyprint()
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class OnlyTheImage(URLFetcher):  # type: ignore[misc]
        """Serve the one image of the appearance; refuse every other URL (nothing is fetched)."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url == _IMAGE_URL and image is not None:
                return URLFetcherResponse(url, image, {"Content-Type": "image/png"})
            raise FatalURLFetchingError(url)

    page = (f"@page {{ size: {width_pt:.4f}pt {height_pt:.4f}pt; margin: 0 }} "
            "html, body { margin: 0; padding: 0; font-family: 'Times New Roman'; color: #000 } "
            "html { font-kerning: none }")
    document = (f"<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'><style>{page}</style></head>"
                f"<body>{body}</body></html>")
    pdf: bytes = weasyprint.HTML(string=document, base_url=None, url_fetcher=OnlyTheImage()).write_pdf()
    return pdf


def image_pdf(image: Image, box: Box) -> bytes:
    """Return a PDF page the size of ``box`` filled with ``image`` (its alpha kept as a soft mask)."""
    style = f"display: block; width: {box.width:.4f}pt; height: {box.height:.4f}pt"
    return _render(f"<img src='{_IMAGE_URL}' alt='' style='{style}'>", box.width, box.height, image.data)


def text_pdf(text: str, box: Box, size_pt: float, baseline_from_top: float | None = None,
             border: bool = False, italic: bool = False) -> bytes:
    """Return a PDF page the size of ``box`` with ``text`` centred in Times New Roman ``size_pt``.

    With ``baseline_from_top`` the text's baseline sits that many points below the top edge
    (to line up with the line a filled field sits on); otherwise the line is centred.
    """
    line = html.escape(text)
    outline = "border: 0.5pt solid #000; box-sizing: border-box;" if border else ""
    style = "font-style: italic;" if italic else ""
    if baseline_from_top is None:
        block = (f"<div style='{outline} width: {box.width:.4f}pt; height: {box.height:.4f}pt; display: flex; "
                 f"align-items: center; justify-content: center; font-size: {size_pt}pt; {style}'>"
                 f"<span style='white-space: pre'>{line}</span></div>")
        return _render(block, box.width, box.height)

    def placed(top: float) -> bytes:
        block = (f"<div style='position: absolute; left: 0; width: {box.width:.4f}pt; text-align: center; "
                 f"top: {top:.4f}pt; font-size: {size_pt}pt; line-height: 1; {style}'>"
                 f"<span style='white-space: pre'>{line}</span></div>")
        return _render(block, box.width, box.height)

    # Where CSS puts a baseline depends on the font's metrics tables; measure it on a first
    # rendering and move the line by the difference (one more rendering, about 30 ms).
    first = placed(0.0)
    baseline = _first_baseline(first)
    if baseline is None:
        return first
    return placed(baseline_from_top - (box.height - baseline))


def _first_baseline(pdf: bytes) -> float | None:
    """Return the baseline (points from the page's bottom) of the first glyph drawn in ``pdf``."""
    import pikepdf

    from vanban.commands.ink import read_page

    with pikepdf.open(io.BytesIO(pdf)) as document:
        ink = read_page(document, 0)
    glyphs = [g for g in ink.glyphs if not g.text.isspace()]
    return glyphs[0].baseline - ink.media.y0 if glyphs else None
