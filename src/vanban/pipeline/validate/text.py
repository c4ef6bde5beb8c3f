"""Clean the text of located data and hold it to the limits: NFC, forbidden characters, sizes.

Why: a renderer that meets bad text loses it silently (docxtpl drops ``&`` and truncates at
a lone surrogate), and a runaway file must be refused before it turns into a render that
runs for minutes. So every string is normalised to NFC [R-FONT-2] and checked for control
characters, lone surrogates and characters the bundled font cannot draw [R-FONT-1], and the
notice is held to the limits below (see ``docs/limits.md``).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from vanban.errors import Problem
from vanban.i18n import _, digits
from vanban.pipeline import rules
from vanban.pipeline.fonts import covered
from vanban.pipeline.loader import Located, Path_
from vanban.pipeline.validate.raw import get

#: Most body items (paragraphs, mục, khoản, điểm, bullets, tasks at any depth) in one notice.
MAX_BODY_NODES = 5_000
#: Most mục: their Roman numerals stay readable up to D (500) [§7].
MAX_SECTIONS = 500
#: Most Nơi nhận items [R-NN-2]; a notice sent to every commune of a province stays far below.
MAX_RECIPIENTS = 2_000
#: Longest single value in characters (a long paragraph is ~2,000).
MAX_VALUE_CHARS = 50_000
#: Most characters in the whole notice (~150 pages; the seed has ~15,000); renders in ~6 s.
MAX_TEXT_CHARS = 500_000

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
    font = covered()
    missing = sorted({ch for ch in text if ch not in "\n\t" and ord(ch) not in font})
    if missing:
        shown = ", ".join(f"'{ch}' (U+{ord(ch):04X})" for ch in missing[:5])
        problems.append(
            located.problem(path, _("phông chữ Times New Roman không có ký tự {chars}; hãy bỏ hoặc thay").format(
                chars=shown), "R-FONT-1")
        )
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


def _text_length(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list):
        return sum(_text_length(v) for v in value)
    if isinstance(value, dict):
        return sum(_text_length(v) for v in value.values())
    return 0


def limit_problems(located: Located, data: Any) -> list[Problem]:
    out: list[Problem] = []
    items, sections = _count_nodes(get(data, "noi_dung"))
    if items > MAX_BODY_NODES:
        out.append(located.problem(("noi_dung",), _("nội dung quá nhiều phần tử ({count}; tối đa {limit})").format(
            count=digits(items), limit=digits(MAX_BODY_NODES))))
    if sections > MAX_SECTIONS:
        out.append(located.problem(("noi_dung",), _("quá nhiều mục ({count}; tối đa {limit})").format(
            count=digits(sections), limit=MAX_SECTIONS)))
    total = _text_length(data)
    if total > MAX_TEXT_CHARS:
        out.append(located.problem((), _("văn bản quá dài ({count} ký tự; tối đa {limit})").format(
            count=digits(total), limit=digits(MAX_TEXT_CHARS))))
    recipients = get(data, "noi_nhan")
    if isinstance(recipients, list) and len(recipients) > MAX_RECIPIENTS:
        out.append(located.problem(("noi_nhan",), _("quá nhiều nơi nhận ({count}; tối đa {limit})").format(
            count=digits(len(recipients)), limit=digits(MAX_RECIPIENTS)), "R-NN-2"))
    return out
