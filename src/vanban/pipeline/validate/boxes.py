"""Check that every value printed in a box of fixed width fits it, measured on the bundled font.

Why: the header and the signer block are table cells of fixed width [§3.3]. "Số: 127/TB-…"
never wraps [R-EL-3], so a long ký hiệu (or the body abbreviation it is made of) runs over
its 65 mm column onto the date line; the place and date stay on one line under the Quốc
hiệu [R-DATE-1, R-EL-4]; the signer's name is one line [R-EL-7b]. Lines that may wrap (the
signer's titles, the recipients, the trích yếu) still cannot hold a word wider than their
box: a renderer would cut it in two; in running text such a word is allowed (a long web
address) but only in a short paragraph, since each cut costs the rest of the paragraph. (The
issuing body's lines are printed as given; ``nd30`` checks each whole [R-EL-2c].) Widths come
from ``fonts.text_width_mm`` and the sizes of ``layout.Layout``, which the PDF matches to
0.01 mm (kerning is off in both formats).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from vanban.errors import Problem
from vanban.i18n import _, digits, language
from vanban.pipeline import inline, kinds, rules
from vanban.pipeline.fonts import text_width_mm, wrap
from vanban.pipeline.layout import LAYOUT, NOI_NHAN_MIN_MM, WRAP_SLACK, Layout
from vanban.pipeline.loader import Located, Path_
from vanban.pipeline.model import NODE_KINDS
from vanban.pipeline.raw import as_date, get, strings
from vanban.pipeline.validate.text import MAX_WORD_CHARS, walk_strings

#: Longest paragraph that may hold a word wider than a line. The PDF renderer cuts such a word
#: by force, laying out again all the rest of its paragraph for each cut: five 200-character
#: words at the head of each of ten 49,000-character paragraphs took 10 s, twenty took 28 s.
#: Within 2,000 characters (two thirds of a page) a whole notice of such words renders in ~9 s.
MAX_BROKEN_PARAGRAPH = 2_000
#: Most lines the footnotes of a notice may take together, at their size across the text block
#: (about 2/3 of the lines a page holds; ~3,400 characters): however they fell on the pages,
#: footnotes within it stayed on the paper, and more did not (see ``_marks``).
MAX_FOOTNOTE_LINES = 36
#: Words that may be wider than the text block: a shorter one cannot be (the widest glyph is
#: under 1 em), a longer one is refused by the limit on words (``text.MAX_WORD_CHARS``).
_MAYBE_WIDE = re.compile(rf"(?<!\S)\S{{30,{MAX_WORD_CHARS}}}(?!\S)")

#: The widest date line of a year: a two-digit month and day (all digits are equally wide).
_WIDEST_DAY = (12, 28)  # month, day


def box_problems(located: Located, data: Any, layout: Layout = LAYOUT) -> list[Problem]:
    """Return a problem for each value that would not fit its fixed-width box."""
    out: list[Problem] = []
    # The issuing body's lines are printed as given and checked whole (validate.nd30) [R-EL-2c].
    out += _number_line(located, data, layout.header_text_mm, layout)
    out += _date_line(located, data, layout)
    sign = layout.sign_right_mm - 2 * layout.cell_padding_mm
    for i, line in strings(get(data, "nguoi_ky", "chuc_vu")):
        out += _words(located, ("nguoi_ky", "chuc_vu") if i is None else ("nguoi_ky", "chuc_vu", i),
                      rules.upper_vi(rules.collapse_spaces(line)), sign, layout.chuc_vu_pt, True, "R-EL-7a",
                      _("cột chữ ký"))
    name = get(data, "nguoi_ky", "ho_ten")
    if isinstance(name, str):
        shown = rules.collapse_spaces(name)
        width = text_width_mm(shown, layout.ho_ten_pt, bold=True)
        if width > sign:
            out.append(located.problem(("nguoi_ky", "ho_ten"), _(
                "họ tên '{name}' rộng {width} mm, không vừa một dòng của cột chữ ký ({box} mm)").format(
                    name=shown, width=_mm(width), box=_mm(sign)), "R-EL-7b"))
    # The Nơi nhận column at its narrowest (it fits each list, layout.noi_nhan_width), less the
    # hanging indent of the lines after the first [R-NN-2].
    column = NOI_NHAN_MIN_MM - 2 * layout.cell_padding_mm - layout.noi_nhan_hang_mm
    for i, item in strings(get(data, "noi_nhan")):
        out += _words(located, ("noi_nhan",) if i is None else ("noi_nhan", i), rules.clean_recipient(item),
                      column, layout.noi_nhan_pt, False, "R-NN-2", _("cột nơi nhận"))
    for i, unit in strings(get(data, "luu", "don_vi")):
        out += _words(located, ("luu", "don_vi") if i is None else ("luu", "don_vi", i), unit, column,
                      layout.noi_nhan_pt, False, "R-NN-3", _("cột nơi nhận"))
    named = _named(data)
    place = layout.title_place(named)  # a công văn's "V/v …" is in the header's left column [R-EL-5b]
    for i, line in strings(get(data, "trich_yeu")):
        out += _words(located, ("trich_yeu",) if i is None else ("trich_yeu", i), line, place.room_mm,
                      place.size_pt, place.bold, "R-EL-5a-2" if named else "R-EL-5b",
                      _("khổ giấy") if named else _("cột trái phần đầu"))
    out += _forced_breaks(located, data, layout)
    out += _marks(located, data, layout)
    out += _units(located, data, layout, column)
    return out


def _units(located: Located, data: Any, layout: Layout, column: float) -> list[Problem]:
    """Refuse a unit that must not break (a ký hiệu, a date, a number and its unit) wider than its line [R-BRK-1].

    Why: the renderers never break inside such a unit (``rules.protected_spans``), so one wider
    than its line or column would run over the margin or the Nơi nhận column. Measured bold,
    the widest it can be printed.
    """
    out: list[Problem] = []
    named = _named(data)
    place = layout.title_place(named)
    # (path, text, room, size, in Nơi nhận); the trích yếu's and Nơi nhận's single words are
    # already measured by ``_words``, so there only a unit of several words is measured here.
    boxes: list[tuple[Path_, str, float, float, bool]] = []
    for i, line in strings(get(data, "trich_yeu")):
        boxes.append((("trich_yeu",) if i is None else ("trich_yeu", i), line, place.room_mm * WRAP_SLACK,
                      place.size_pt, False))
    for paragraph in _paragraphs(data):
        text = paragraph.text
        if paragraph.allowed is not None and inline.SIGIL in text:
            with contextlib.suppress(inline.InlineError):  # the model reports the mark
                text = inline.parse(text.strip(), paragraph.allowed).plain
        if paragraph.path[-1] == "muc":
            text = rules.upper_vi(text)
        boxes.append((paragraph.path, text, layout.text_width_mm, layout.body_pt, False))
    for i, item in strings(get(data, "noi_nhan")):
        boxes.append((("noi_nhan",) if i is None else ("noi_nhan", i), rules.clean_recipient(item), column,
                      layout.noi_nhan_pt, True))
    for path, text, room, size, in_noi_nhan in boxes:
        words_checked = in_noi_nhan or path[0] == "trich_yeu"
        for start, end in rules.protected_spans(text, in_noi_nhan):
            unit = text[start:end]
            if words_checked and " " not in unit:
                continue
            width = text_width_mm(unit, size, bold=True)
            if width > room:
                shown = unit if len(unit) <= 40 else unit[:40] + "…"
                out.append(located.problem(path, _(
                    "'{unit}' rộng {width} mm, dài hơn một dòng ({line} mm); số, ký hiệu, ngày tháng, số kèm đơn vị "
                    "và ghi chú trong ngoặc không được ngắt xuống dòng: hãy viết ngắn lại").format(
                        unit=shown, width=_mm(width), line=_mm(room)), "R-BRK-1"))
                break
    return out


def _forced_breaks(located: Located, data: Any, layout: Layout) -> list[Problem]:
    """Refuse a word wider than a line inside a paragraph longer than MAX_BROKEN_PARAGRAPH.

    Why: such a word (a long web address) is cut by force, and each cut lays out again the
    rest of its paragraph; in a short paragraph that is cheap, in a long one it is what made
    a notice that passed every other limit take minutes to render.
    """
    out: list[Problem] = []
    for paragraph in _paragraphs(data):
        if paragraph.length <= MAX_BROKEN_PARAGRAPH:
            continue
        for found in _MAYBE_WIDE.finditer(paragraph.text):
            word = rules.upper_vi(found.group()) if paragraph.path[-1] == "muc" else found.group()
            width = text_width_mm(word, layout.body_pt, paragraph.bold)
            if width > layout.text_width_mm:
                shown = word if len(word) <= 40 else word[:40] + "…"
                out.append(located.problem(paragraph.path, _(
                    "chữ '{word}' rộng {width} mm, dài hơn một dòng ({line} mm) nên phải cắt ngang, trong một đoạn "
                    "dài {length} ký tự; đoạn có chữ như vậy tối đa {limit} ký tự: hãy tách đoạn hoặc thêm dấu cách "
                    "vào chữ đó").format(word=shown, width=_mm(width), line=_mm(layout.text_width_mm),
                                         length=digits(paragraph.length), limit=digits(MAX_BROKEN_PARAGRAPH))))
                break
    return out


def _marks(located: Located, data: Any, layout: Layout) -> list[Problem]:
    """Refuse a ``^lien`` span wider than its line, and footnotes longer than a page can hold.

    Why: a span that must not break is printed on one line whatever its length, so one wider
    than the line runs off the paper (a 1,000-character span ended 2 m to the right of it);
    the PDF renderer sets footnotes at the foot of the page of their call and, when those of
    one page outgrow it, draws them above the top of the paper (one footnote of 57 lines, or
    twenty short paragraphs each calling a 12-line footnote). Footnotes of at most
    MAX_FOOTNOTE_LINES lines in all never did, however they fell on the pages.
    """
    out: list[Problem] = []
    note_lines = 0
    # A trích yếu given as several lines is checked line by line (validate.nd30); one vanban
    # breaks itself never breaks inside a ^lien span.
    lines = strings(get(data, "trich_yeu"))
    title = [_Paragraph(("trich_yeu",) if i is None else ("trich_yeu", i), text, len(text), True, inline.TITLE)
             for i, text in (lines if len(lines) == 1 else [])]
    for paragraph in [*title, *_paragraphs(data)]:
        if paragraph.allowed is None or inline.SIGIL not in paragraph.text:
            continue
        try:
            parsed = inline.parse(paragraph.text.strip(), paragraph.allowed)
        except inline.InlineError:
            continue  # the model reports the mark
        place = layout.title_place(_named(data))
        size, room = ((place.size_pt, place.room_mm * WRAP_SLACK) if paragraph.path[0] == "trich_yeu"
                      else (layout.body_pt, layout.text_width_mm))
        for span in parsed.marked(inline.NOBREAK):
            width = text_width_mm(span, size, bold=True)  # the widest it can be printed
            if width > room:
                shown = span if len(span) <= 40 else span[:40] + "…"
                out.append(located.problem(paragraph.path, _(
                    "phần giữ liền một dòng '^lien[{span}]' rộng {width} mm, dài hơn một dòng ({line} mm) nên sẽ "
                    "in ra ngoài lề giấy; hãy rút ngắn nó hoặc bỏ dấu ^lien").format(
                        span=shown, width=_mm(width), line=_mm(room))))
                break
        for note in parsed.spans(inline.NOTE):
            before = note_lines
            note_lines += len(wrap(inline.Inline(note.children).plain, layout.text_width_mm, layout.footnote_pt))
            if before <= MAX_FOOTNOTE_LINES < note_lines:
                message = _("các chú thích đến đây đã dài {count} dòng (tối đa {limit} dòng cho cả văn bản, "
                            "khoảng 2/3 trang); chú thích dài hơn sẽ bị in ra ngoài trang giấy: hãy rút ngắn chú thích "
                            "hoặc đưa vào nội dung")
                out.append(located.problem(paragraph.path, message.format(count=note_lines, limit=MAX_FOOTNOTE_LINES)))
    return out


def _named(data: Any) -> bool:
    """Tell whether the document's trích yếu follows a tên loại (ô 5a), not "V/v …" under the number (ô 5b)."""
    kind = kinds.KINDS.get(kinds.loai_of(data))
    return kind is None or kind.model.NAMED


@dataclass(frozen=True)
class _Paragraph:
    """A piece of running text: where it is, its length as printed, its weight, the marks it takes."""

    path: Path_
    text: str
    length: int
    bold: bool
    allowed: frozenset[str] | None  # the inline marks it may hold; None for text vanban assembles


def _paragraphs(data: Any) -> Iterator[_Paragraph]:
    """Yield every paragraph of running text, in reading order: opening, body, closing."""
    for i, text in strings(get(data, "mo_dau")):
        yield _Paragraph(("mo_dau",) if i is None else ("mo_dau", i), text, len(text), False, inline.PARAGRAPH)
    yield from _body(get(data, "noi_dung"), ("noi_dung",))
    for i, text in strings(get(data, "ket_thuc")):
        yield _Paragraph(("ket_thuc",) if i is None else ("ket_thuc", i), text, len(text), False, inline.PARAGRAPH)
    kind = kinds.KINDS.get(kinds.loai_of(data))
    for key, allowed in kind.texts if kind is not None else ():  # a kind's own running text (a giấy mời's notes)
        for i, text in strings(get(data, key)):
            yield _Paragraph((key,) if i is None else (key, i), text, len(text), False, allowed)
    meeting = get(data, "cuoc_hop")
    if get(data, "mo_dau") in (None, "", []) and isinstance(meeting, dict):
        # The opening paragraph is written from the meeting: all its fields, the form of the
        # meeting three times more, the organiser once more (context._opening).
        fields = list(walk_strings(meeting, ("cuoc_hop",)))
        length = sum(len(text) for _, text in fields) + 200
        length += 3 * len(str(meeting.get("hinh_thuc", ""))) + len(str(meeting.get("don_vi_to_chuc", "")))
        for path, text in fields:
            yield _Paragraph(path, text, length, False, None)


def _body(nodes: Any, path: Path_) -> Iterator[_Paragraph]:
    for i, node in enumerate(nodes if isinstance(nodes, list) else []):
        if isinstance(node, str):
            yield _Paragraph((*path, i), node, len(node), False, inline.BODY)
        elif isinstance(node, dict):
            for kind in (*NODE_KINDS, "doan"):
                if isinstance(node.get(kind), str):
                    allowed = inline.PARAGRAPH if kind == "muc" else inline.BODY
                    yield _Paragraph((*path, i, kind), node[kind], len(node[kind]), kind in ("muc", "khoan"), allowed)
            yield from _body(node.get("noi_dung"), (*path, i, "noi_dung"))


def _mm(value: float) -> str:
    """Return a width in mm with one decimal, in the language's own notation (61,2 / 61.2)."""
    text = f"{value:.1f}"
    return text.replace(".", ",") if language() == "vi" else text


def _words(located: Located, path: Path_, text: str, box: float, size: float, bold: bool, rule: str,
           where: str) -> list[Problem]:
    """Report the first word of ``text`` wider than ``box``: a renderer would have to cut it."""
    for word in text.split():
        width = text_width_mm(word, size, bold)
        if width > box:
            shown = word if len(word) <= 40 else word[:40] + "…"
            return [located.problem(path, _(
                "chữ '{word}' rộng {width} mm, dài hơn {where} ({box} mm) nên sẽ bị cắt ngang; "
                "hãy thêm dấu cách hoặc viết ngắn lại").format(word=shown, width=_mm(width), where=where,
                                                              box=_mm(box)), rule)]
    return []


def _number_line(located: Located, data: Any, box: float, layout: Layout) -> list[Problem]:
    """Check "Số: 05/TB-UBND" against ô 3: it is printed on one line [R-EL-3, R-NUM-6]."""
    symbol = get(data, "ky_hieu")
    abbreviation = get(data, "co_quan", "viet_tat")
    if isinstance(symbol, str) and symbol.strip():
        path: Path_ = ("ky_hieu",)
        what = _("ký hiệu")
        symbol = symbol.strip()
    elif isinstance(abbreviation, str) and abbreviation.strip():
        path, what = ("co_quan", "viet_tat"), _("chữ viết tắt tên cơ quan")
        symbol = rules.ky_hieu("Thông báo", abbreviation)
    else:
        return []
    number = get(data, "so")
    written = number.strip() if isinstance(number, str) and number.strip().isdigit() else None
    line = rules.number_line(int(written) if written and int(written) > 0 else None, symbol)
    width = text_width_mm(line, layout.so_pt)
    if width <= box:
        return []
    return [located.problem(path, _(
        "dòng '{line}' rộng {width} mm, không vừa ô số, ký hiệu ({box} mm) nên sẽ lấn sang dòng ngày tháng; "
        "hãy rút ngắn {what}").format(line=line.replace(rules.BLANK, " "), width=_mm(width), box=_mm(box),
                                      what=what), "R-EL-3")]


def _date_line(located: Located, data: Any, layout: Layout) -> list[Problem]:
    """Check "<Địa danh>, ngày 28 tháng 12 năm 2024" against ô 4: one line, dated or blank [R-DATE-1, R-EL-4]."""
    place = get(data, "co_quan", "dia_danh")
    if not isinstance(place, str) or not place.strip():
        return []
    when = as_date(get(data, "ngay")) or as_date(get(data, "cuoc_hop", "ngay"))
    year = when.year if when and 1000 <= when.year <= 9999 else 2024
    box = layout.header_right_mm - 2 * layout.cell_padding_mm
    lines = [rules.place_date_line(place.strip(), dt.date(year, *_WIDEST_DAY), year),
             rules.place_date_line(place.strip(), None, year)]
    width, line = max((text_width_mm(x, layout.ngay_pt, italic=True), x) for x in lines)
    if width <= box:
        return []
    return [located.problem(("co_quan", "dia_danh"), _(
        "dòng '{line}' rộng {width} mm, không vừa một dòng của ô địa danh, ngày tháng ({box} mm); "
        "hãy viết địa danh ngắn hơn (ví dụ 'TP. Hồ Chí Minh')").format(
            line=line.replace(rules.BLANK, " "), width=_mm(width), box=_mm(box)), "R-EL-4")]
