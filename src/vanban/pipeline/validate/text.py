"""Clean the text of located data and hold it to the limits: NFC, forbidden characters, sizes.

Why: a renderer that meets bad text loses it silently (docxtpl drops ``&`` and truncates at
a lone surrogate), and a runaway file must be refused before it turns into a render that
runs for minutes. So every string is normalised to NFC [R-FONT-2] and checked for control
characters, lone surrogates and characters the bundled font cannot draw [R-FONT-1], and the
notice is held to the limits below (see ``docs/limits.md``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from vanban.errors import Problem
from vanban.i18n import _, digits
from vanban.pipeline import rules
from vanban.pipeline.fonts import covered
from vanban.pipeline.loader import Located, Path_
from vanban.pipeline.raw import get, strings
from vanban.pipeline.validate.structure import (
    IDENTIFIER,
    character_problems,
    field_kind,
    is_invisible,
    key_problems,
    repaired,
)

#: Most body items (paragraphs, mục, khoản, điểm, bullets, tasks at any depth) in one notice.
MAX_BODY_NODES = 5_000
#: Most mục: their Roman numerals stay readable up to D (500) [§7].
MAX_SECTIONS = 500
#: Most Nơi nhận items [R-NN-2]; a notice sent to every commune of a province stays far below.
MAX_RECIPIENTS = 2_000
#: Longest single value in characters (a long paragraph is ~2,000).
MAX_VALUE_CHARS = 50_000
#: Most characters in the whole notice (~150 pages; the seed has ~15,000), counted as printed:
#: the meeting's fields the opening paragraphs repeat count each time they are repeated.
MAX_TEXT_CHARS = 500_000
#: Longest run of characters without a space. A renderer lays out a word it must break by
#: force in time that grows with the square of its length (ten 49,000-character words took
#: 209 s); a real web address or ký hiệu stays under 200 characters.
MAX_WORD_CHARS = 200
#: Most paragraphs and lines printed: body items, opening and closing paragraphs, trích yếu,
#: issuing-body and signer lines, recipients, and each line break written inside a value. Each
#: costs layout work whatever its length (10,000 one-word trích yếu lines took 9.4 s, two
#: paragraphs of 24,000 one-letter lines 11.5 s); with the limits above, a notice that passes
#: renders its PDF within the budget in docs/limits.md.
MAX_BLOCKS = 7_500

_LONG_WORD = re.compile(rf"\S{{{MAX_WORD_CHARS + 1},}}")

#: Bidirectional controls: invisible, yet they change the order in which text is displayed.
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean_text(located: Located) -> tuple[Any, list[Problem]]:
    """Return the data with every string in NFC, and the problems of characters that cannot render."""
    problems: list[Problem] = []

    def visit(value: Any, path: Path_) -> Any:
        if isinstance(value, str):
            return _clean_string(located, value, path, problems)
        if isinstance(value, list):
            return [visit(v, (*path, i)) for i, v in enumerate(value)]
        if isinstance(value, dict):
            for key in value:
                for message in key_problems(key):
                    problems.append(located.problem((*path, key), message, "R-FONT-2", at_key=True))
            return {k: visit(v, (*path, k)) for k, v in value.items()}
        return value

    return visit(located.data, ()), problems


def _clean_string(located: Located, value: str, path: Path_, problems: list[Problem]) -> str:
    if len(value) > MAX_VALUE_CHARS:
        problems.append(located.problem(path, _("giá trị quá dài ({count} ký tự; tối đa {limit})").format(
            count=digits(len(value)), limit=digits(MAX_VALUE_CHARS))))
        return value
    for ch in value:
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:
            problems.append(located.problem(path, _("ký tự thay thế lẻ (surrogate U+{code}) không hợp lệ").format(
                code=f"{code:04X}")))
            # Drop them, or the model reports the same string again in English.
            return "".join(c for c in value if not 0xD800 <= ord(c) <= 0xDFFF)
        if ch not in "\n\t" and unicodedata.category(ch) == "Cc":
            problems.append(located.problem(path, _("ký tự điều khiển U+{code} không được phép trong văn bản").format(
                code=f"{code:04X}")))
            return value
        if code in (0xFFFE, 0xFFFF):
            problems.append(located.problem(path, _("U+{code} không phải là ký tự văn bản").format(code=f"{code:04X}")))
            return value
        if ch in _BIDI_CONTROLS:
            # The font has glyphs for them, but they reorder what the reader sees ("Trojan source").
            problems.append(located.problem(path, _("ký tự điều khiển hướng chữ U+{code} không được phép "
                                                    "(làm đảo thứ tự chữ khi hiển thị)").format(code=f"{code:04X}")))
            return value
        if unicodedata.category(ch) == "Co":
            problems.append(located.problem(path, _("ký tự vùng dùng riêng U+{code} không được phép").format(
                code=f"{code:04X}"), "R-FONT-2"))
            return value
    text = rules.nfc(value.replace("\r\n", "\n").replace("\r", "\n"))
    long_word = _LONG_WORD.search(text)  # counted as printed: in NFC
    if long_word:
        word = long_word.group()
        problems.append(located.problem(path, _(
            "có một chữ dài {count} ký tự liền nhau không có dấu cách ('{start}…'; tối đa {limit}); "
            "hãy thêm dấu cách (địa chỉ web hay ký hiệu thật đều ngắn hơn)").format(
                count=digits(len(word)), start=word[:20], limit=MAX_WORD_CHARS)))
        return text
    return _shown_characters(located, text, path, problems)


def _shown_characters(located: Located, text: str, path: Path_, problems: list[Problem]) -> str:
    """Check what the characters of ``text`` will show; return the text as it was meant.

    An emoji and its variation selector are one thing the font cannot draw: the font check
    names both [R-FONT-1]. Otherwise an invisible character the font lacks (U+2060) is named
    for what it is, invisible [R-FONT-2].
    """
    font = covered()
    missing = sorted({ch for ch in text if ch not in "\n\t" and ord(ch) not in font})
    drawable = any(not is_invisible(ch) for ch in missing)
    kind = field_kind(path)
    messages = character_problems("".join(ch for ch in text if ch not in missing) if drawable else text, kind)
    for message in messages:
        # Invisible and look-alike characters [R-FONT-2: Unicode text]; in a ký hiệu, the
        # keyboard's own '-' and '/' [R-NUM-6].
        rule = "R-NUM-6" if kind == IDENTIFIER and ("'-'" in message or "'/'" in message) else "R-FONT-2"
        problems.append(located.problem(path, message, rule))
    if drawable:
        shown = ", ".join(f"'{ch}' (U+{ord(ch):04X})" for ch in missing[:5])
        problems.append(
            located.problem(path, _("phông chữ Times New Roman không có ký tự {chars}; hãy bỏ hoặc thay").format(
                chars=shown), "R-FONT-1")
        )
    if messages:
        meant = repaired(text, kind)
        # A value that was only invisible characters stays as it is: "blank" would say it twice.
        return meant if meant.strip() or not text.strip() else text
    return text


# --- limits -------------------------------------------------------------------------------


def _count_nodes(nodes: Any) -> tuple[int, int]:
    """Return (body items at any depth, mục) of a raw ``noi_dung`` list."""
    items = sections = 0
    stack = [nodes]
    while stack:
        current = stack.pop()
        if not isinstance(current, list):
            continue
        items += len(current)
        for node in current:
            if isinstance(node, dict):
                sections += "muc" in node
                stack.append(node.get("noi_dung"))
    return items, sections


def walk_strings(value: Any, path: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    """Yield (path, text) of every string inside ``value``, in document order."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from walk_strings(item, (*path, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from walk_strings(item, (*path, key))


def _text_length(value: Any) -> int:
    return sum(len(text) for _, text in walk_strings(value))


def _lines(value: Any) -> int:
    """Return how many lines a ``Lines`` value gives (one string is one line)."""
    return len(value) if isinstance(value, list) else 1 if isinstance(value, str) else 0


def _printed_extra(data: Any) -> int:
    """Return the characters printed beyond those written: what vanban adds, and what it repeats.

    Why: the limits must hold on what is printed. Without ``mo_dau`` the opening paragraphs
    are written from ``cuoc_hop``, naming its ``hinh_thuc`` up to four times and its chair and
    organiser twice (§15); labels grow with the list ("aa)" … "yyyy)" after "y)", "1.1.1.1."
    deep down); each deadline adds "(hoàn thành trước ngày …)"; upper-casing can lengthen a
    title ("ß" → "SS"); each recipient gets "- " and ";" [R-NN-2]. A 50,000-character
    ``hinh_thuc`` would otherwise print 200,000, and 5,000 one-letter điểm 550,000.
    """
    extra = _labels(get(data, "noi_dung"), 0)
    meeting = get(data, "cuoc_hop")
    if get(data, "mo_dau") in (None, "", []) and isinstance(meeting, dict):
        extra += (3 * _text_length(meeting.get("hinh_thuc")) + _text_length(meeting.get("chu_tri"))
                  + _text_length(meeting.get("don_vi_to_chuc")))
    for path in (("co_quan", "ten"), ("co_quan", "chu_quan"), ("nguoi_ky", "chuc_vu")):
        extra += sum(len(rules.upper_vi(text)) - len(text) for _, text in strings(get(data, *path))
                     if not text.isascii())
    recipients = get(data, "noi_nhan")
    return extra + 3 * (len(recipients) if isinstance(recipients, list) else 1)


#: What a deadline adds to its task: " (hoàn thành trước ngày 20/01/2024)".
_DEADLINE_CHARS = 35


def _labels(nodes: Any, prefix: int) -> int:
    """Return the characters of the labels vanban prints before the items of ``nodes`` (outline.py).

    ``prefix`` is the length of the enclosing khoản number ("2.1." → 4): a nested khoản
    repeats it, as the numbering restarts in each parent [§7].
    """
    if not isinstance(nodes, list):
        return 0
    total = khoan = diem = 0
    for node in nodes:
        if not isinstance(node, dict):
            continue
        inner = prefix
        if "muc" in node:
            total += 10  # the widest numeral under 500 sections, "CDXXXVIII.", and a space
            inner = 0
        elif "khoan" in node:
            khoan += 1
            inner = prefix + len(str(khoan)) + 1
            total += inner + 1
        elif "diem" in node:
            diem += 1
            total += (diem - 1) // len(rules.DIEM_LETTERS) + 3  # "aa) "
        else:
            total += 2  # "- ", "+ "
        title = node.get("muc")
        if isinstance(title, str) and not title.isascii():  # a mục title is printed upper-case
            total += len(rules.upper_vi(title)) - len(title)
        if "han" in node:
            total += _DEADLINE_CHARS
        total += _labels(node.get("noi_dung"), inner)
    return total


def _blocks(data: Any, items: int) -> int:
    """Return the paragraphs and lines the notice prints (body ``items`` and line breaks included)."""
    # The two opening paragraphs written from the meeting; each line break inside a value.
    printed = items + 2 + sum(text.count("\n") for _, text in walk_strings(data))
    for path in (("mo_dau",), ("ket_thuc",), ("trich_yeu",), ("co_quan", "ten"), ("co_quan", "chu_quan"),
                 ("nguoi_ky", "chuc_vu"), ("noi_nhan",)):
        printed += _lines(get(data, *path))
    return printed


def limit_problems(located: Located, data: Any) -> list[Problem]:
    """Return the problems of a notice beyond the limits of docs/limits.md (size, items, work)."""
    out: list[Problem] = []
    items, sections = _count_nodes(get(data, "noi_dung"))
    if items > MAX_BODY_NODES:
        out.append(located.problem(("noi_dung",), _("nội dung quá nhiều phần tử ({count}; tối đa {limit})").format(
            count=digits(items), limit=digits(MAX_BODY_NODES))))
    if sections > MAX_SECTIONS:
        out.append(located.problem(("noi_dung",), _("quá nhiều mục ({count}; tối đa {limit})").format(
            count=digits(sections), limit=MAX_SECTIONS)))
    total = _text_length(data) + _printed_extra(data)
    if total > MAX_TEXT_CHARS:
        out.append(located.problem((), _("văn bản quá dài ({count} ký tự; tối đa {limit})").format(
            count=digits(total), limit=digits(MAX_TEXT_CHARS))))
    recipients = get(data, "noi_nhan")
    if isinstance(recipients, list) and len(recipients) > MAX_RECIPIENTS:
        out.append(located.problem(("noi_nhan",), _("quá nhiều nơi nhận ({count}; tối đa {limit})").format(
            count=digits(len(recipients)), limit=digits(MAX_RECIPIENTS)), "R-NN-2"))
    blocks = _blocks(data, items)
    if blocks > MAX_BLOCKS and not out:
        out.append(located.problem((), _("văn bản có quá nhiều đoạn và dòng để dàn trang ({count}; tối đa {limit}); "
                                         "hãy gộp bớt các dòng ngắn").format(
            count=digits(blocks), limit=digits(MAX_BLOCKS))))
    return out
