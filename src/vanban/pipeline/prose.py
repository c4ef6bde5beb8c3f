"""Read a body typed as prose — one block of lines that start with the labels a clerk types.

Why: writing the body as nested YAML mappings walks ordinary Vietnamese prose into YAML's
traps (a ``#`` starts a comment and the rest of the sentence is lost; ``: `` makes a
mapping; a quote in the middle needs escaping). Inside a ``|`` block nothing needs
quoting, so the body can be typed the way the notice reads::

    noi_dung: |
      I. Kết quả đạt được
      Trong tháng, UBND thị xã đã … (vượt #2 kế hoạch): các chỉ tiêu đều đạt.
      II. Nhiệm vụ
      1. Phòng Kinh tế:
      a) Chủ trì …;
      - Tập trung …
      + Ý nhỏ …

A line that starts with a label begins an item: ``I.`` a mục, ``1.`` or ``2.1.`` a khoản,
``a)`` a điểm, ``-`` a bullet, ``+`` a sub-bullet; a line with no label begins a paragraph
after a blank line, a mục heading or an item ending with ":", and continues the item
above otherwise; ``\\`` at the start of a line
keeps a label-like beginning as text. Items nest as the labels say: a khoản inside the
mục above it, ``2.1.`` inside ``2.``, a điểm inside the khoản, a bullet inside the điểm; a
paragraph belongs to the item above it that can hold paragraphs. vanban still numbers the
items itself, so a typed label must be the one vanban gives (text such as "khoản 3 nêu
trên" depends on it): a different one is an error showing the expected label. The result
is the same data as the structured form, with each item's source line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from vanban.i18n import _
from vanban.pipeline import rules

_ROMAN = re.compile(r"^(?P<label>[IVXLCDM]+)\.\s+(?P<text>\S.*)$")
_KHOAN = re.compile(r"^(?P<label>\d{1,3}(?:\.\d{1,3})*)\.\s+(?P<text>\S.*)$")
_DIEM = re.compile(rf"^(?P<label>[{rules.DIEM_LETTERS}]{{1,3}})\)\s+(?P<text>\S.*)$")
_BULLET = re.compile(r"^(?P<label>[-+])\s+(?P<text>\S.*)$")

#: How deep each kind sits; a khoản's depth adds its dotted level (``2.1.`` sits below ``2.``).
_RANK = {"muc": 0, "khoan": 1, "diem": 20, "gach": 21, "cong": 22}
#: Kinds under which a plain paragraph may stand.
_HOLDS_PARAGRAPHS = ("muc", "khoan", "diem")


@dataclass(frozen=True)
class Issue:
    """A problem in the prose at a 0-based line and column of the block."""

    line: int
    col: int
    message: str


@dataclass
class _Item:
    kind: str
    text: str
    line: int
    col: int
    rank: int
    number: tuple[int, ...] = ()  # a khoản's full number (2, 1) for "2.1."
    children: list[_Item] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=lambda: {"muc": 0, "khoan": 0, "diem": 0})


def _continues(item: _Item) -> bool:
    """Tell whether a plain line right under ``item`` continues its text (else it starts a paragraph).

    A mục heading is one line, and an item ending with ":" introduces what follows.
    """
    return item.kind != "muc" and not item.text.endswith(":")


def _label(line: str) -> tuple[str, str, str] | None:
    """Return (kind, label, text) when ``line`` starts with a label, else None."""
    for kind, pattern in (("muc", _ROMAN), ("khoan", _KHOAN), ("diem", _DIEM), ("bullet", _BULLET)):
        match = pattern.match(line)
        if match:
            label = match.group("label")
            if kind == "bullet":
                kind = "gach" if label == "-" else "cong"
            if kind == "muc" and not _is_roman(label):
                return None
            return kind, label, match.group("text")
    return None


def _is_roman(label: str) -> bool:
    return any(rules.roman(n) == label for n in range(1, 501))


def parse(text: str) -> tuple[list[Any], dict[tuple[int, ...], tuple[int, int]], list[Issue]]:
    """Return the body items of ``text`` as structured data, each item's (line, col), and the problems.

    Positions are 0-based within ``text``; a key of the second result is the item's index
    path in the returned list (``(1, 0)`` is the first child of the second item).
    """
    root = _Item("root", "", 0, 0, -1)
    stack = [root]
    issues: list[Issue] = []
    last: _Item | None = None
    blank = True
    for number, raw in enumerate(text.split("\n")):
        stripped = raw.strip()
        if not stripped:
            blank = True
            continue
        col = len(raw) - len(raw.lstrip())
        escaped = stripped.startswith("\\")
        labelled = None if escaped else _label(stripped)
        content = stripped[1:] if escaped else stripped
        if labelled is None:
            if last is not None and not blank and _continues(last):
                last.text = f"{last.text} {content}"  # a line that continues the item above
            else:
                parent = next(i for i in reversed(stack) if i.kind in (*_HOLDS_PARAGRAPHS, "root"))
                last = _Item("doan", content, number, col, 99)
                parent.children.append(last)
            blank = False
            continue
        kind, label, body = labelled
        depth = label.count(".") if kind == "khoan" else 0
        rank = _RANK[kind] + depth
        while stack[-1] is not root and stack[-1].rank >= rank:
            stack.pop()
        parent = stack[-1]
        item = _Item(kind, body, number, col, rank)
        expected = _expected(parent, item)
        if expected is not None and expected != label:
            issues.append(Issue(number, col, _(
                "nhãn '{typed}' khác số vanban đánh ở chỗ này '{expected}'; hãy sửa thành '{expected}' "
                "(vanban tự đánh số theo thứ tự, không tự đổi nhãn bạn gõ)").format(
                typed=_shown(kind, label), expected=_shown(kind, expected))))
        parent.children.append(item)
        stack.append(item)
        last = item
        blank = False
    marks: dict[tuple[int, ...], tuple[int, int]] = {}
    return [_data(child, (i,), marks) for i, child in enumerate(root.children)], marks, issues


def _expected(parent: _Item, item: _Item) -> str | None:
    """Count ``item`` in ``parent`` and return the label vanban gives it (None for bullets).

    A khoản typed at the wrong level ("2.1." with no "2." above it) gets the label of the
    level it stands at, so the message shows where it really is.
    """
    if item.kind in ("gach", "cong"):
        return None
    parent.counters[item.kind] += 1
    count = parent.counters[item.kind]
    if item.kind == "muc":
        return rules.roman(count)
    if item.kind == "diem":
        return rules.diem_label(count).rstrip(")")
    item.number = (*(parent.number if parent.kind == "khoan" else ()), count)
    return rules.khoan_label(item.number).rstrip(".")


def _shown(kind: str, label: str) -> str:
    return f"{label})" if kind == "diem" else f"{label}."


def _data(item: _Item, path: tuple[int, ...], marks: dict[tuple[int, ...], tuple[int, int]]) -> Any:
    """Return ``item`` in the structured form the YAML body uses, recording its position."""
    marks[path] = (item.line, item.col)
    if item.kind == "doan":
        return item.text
    node: dict[str, Any] = {item.kind: item.text}
    if item.children:
        node["noi_dung"] = [_data(child, (*path, i), marks) for i, child in enumerate(item.children)]
    return node
