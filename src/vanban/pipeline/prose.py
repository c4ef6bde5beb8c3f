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

Two marks of the inline grammar are read here, because they say what the line *is* rather
than how its words look, and print nothing: ``^ma[KT-01]`` gives the task on the line its
stable id, and ``^nhiem_vu_cua[Phòng Kinh tế]`` on a heading makes each line right below it a
task of that unit (``2.1. Phòng Kinh tế ^nhiem_vu_cua[Phòng Kinh tế]`` then ``- Tham mưu …``),
the ``don_vi:`` of a khoản in the nested form.

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
from vanban.pipeline.inline import ID, LINE_MARKS, TASKS_OF

_ROMAN = re.compile(r"^(?P<label>[IVXLCDM]+)\.\s+(?P<text>\S.*)$")
_KHOAN = re.compile(r"^(?P<label>\d{1,3}(?:\.\d{1,3})*)\.\s+(?P<text>\S.*)$")
_DIEM = re.compile(rf"^(?P<label>[{rules.DIEM_LETTERS}]{{1,3}})\)\s+(?P<text>\S.*)$")
_BULLET = re.compile(r"^(?P<label>[-+])\s+(?P<text>\S.*)$")

#: How deep each kind sits; a khoản's depth adds its dotted level (``2.1.`` sits below ``2.``).
_RANK = {"muc": 0, "khoan": 1, "diem": 20, "gach": 21, "cong": 22}
#: Kinds under which a plain paragraph may stand.
_HOLDS_PARAGRAPHS = ("muc", "khoan", "diem")
_LINE_MARK = re.compile(r"\^(?P<name>[a-z_]+)\[")
#: The lines that are tasks right below a ``^nhiem_vu_cua`` heading, set as typed (``dang``).
_TASK_LINES = ("gach", "cong", "doan")


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
    #: The line marks found on the item's lines: name -> [(value, line, col)] in reading order.
    data: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=lambda: {"muc": 0, "khoan": 0, "diem": 0})


def _continues(item: _Item) -> bool:
    """Tell whether a plain line right under ``item`` continues its text (else it starts a paragraph).

    A mục heading is one line, and an item ending with ":" or naming the unit of the tasks
    below it (``^nhiem_vu_cua``) introduces what follows.
    """
    return item.kind != "muc" and not item.text.endswith(":") and TASKS_OF not in item.data


_Found = dict[str, list[tuple[str, int, int]]]


def _take_marks(text: str, line: int, col: int, issues: list[Issue]) -> tuple[str, _Found]:
    """Return ``text`` without its line marks, and the marks found (value, line, column).

    ``col`` is the column of ``text``'s first character in the block. A line mark swallows the
    space before it, as a footnote does, so ``Phòng Kinh tế ^ma[KT-01]`` reads "Phòng Kinh tế".
    A mark nested in another (``^dam[^ma[…]]``) is left for the inline parser, which refuses it.
    """
    found: _Found = {}
    out = ""
    i = depth = 0  # depth: brackets open inside another mark, whose words hold no line mark
    while i < len(text):
        if text.startswith(("^^", "^[", "^]"), i):
            out += text[i:i + 2]
            i += 2
            continue
        match = _LINE_MARK.match(text, i)
        if match is not None and (depth or match["name"] not in LINE_MARKS):
            out += match[0]
            depth, i = depth + 1, match.end()
            continue
        if match is None:
            if depth and text[i] in "[]":
                depth += 1 if text[i] == "[" else -1
            out += text[i]
            i += 1
            continue
        name, start = match["name"], i
        end = _closing(text, match.end())
        if end is None:
            issues.append(Issue(line, col + start, _("thiếu ']' đóng '^{mark}['").format(mark=name)))
            return out.rstrip(" \t"), found  # reported once, here, not again by the inline parser
        value = re.sub(r"\^([\^\[\]])", r"\1", text[match.end():end]).strip()
        if not value or "^" in value:
            issues.append(Issue(line, col + start, _empty(name) if not value else _(
                "trong '^{mark}[…]' chỉ ghi chữ, không ghi dấu '^'").format(mark=name)))
        else:
            found.setdefault(name, []).append((value, line, col + start))
        i = end + 1
        kept = out.rstrip(" \t")
        out = kept + (" " if kept and kept != out and text[i:i + 1].isalnum() else "")
        if not kept:
            while text[i:i + 1] in (" ", "\t"):
                i += 1
    return out, found


def _closing(text: str, i: int) -> int | None:
    """Return the index of the ``]`` that closes a mark whose words start at ``i`` (``^]`` is a bracket)."""
    depth = 0
    while i < len(text):
        if text[i] == "^" and text[i + 1:i + 2] in ("^", "[", "]"):
            i += 2
            continue
        if text[i] == "[":
            depth += 1
        elif text[i] == "]":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return None


def _empty(name: str) -> str:
    if name == ID:
        return _("mã nhiệm vụ '^ma[…]' không được để trống; ghi mã trong ngoặc, ví dụ ^ma[KT-01]")
    return _("'^nhiem_vu_cua[…]' không được để trống; ghi tên đơn vị, ví dụ ^nhiem_vu_cua[Phòng Kinh tế]")


def _label(line: str) -> tuple[str, str, str, int] | None:
    """Return (kind, label, text, where the text starts) when ``line`` starts with a label, else None."""
    for kind, pattern in (("muc", _ROMAN), ("khoan", _KHOAN), ("diem", _DIEM), ("bullet", _BULLET)):
        match = pattern.match(line)
        if match:
            label = match.group("label")
            if kind == "bullet":
                kind = "gach" if label == "-" else "cong"
            if kind == "muc" and not _is_roman(label):
                return None
            return kind, label, match.group("text"), match.start("text")
    return None


def _is_roman(label: str) -> bool:
    return any(rules.roman(n) == label for n in range(1, 501))


def parse(text: str) -> tuple[list[Any], dict[tuple[int | str, ...], tuple[int, int]], list[Issue]]:
    """Return the body items of ``text`` as structured data, each item's (line, col), and the problems.

    Positions are 0-based within ``text``; a key of the second result is the item's index
    path in the returned list (``(1, 0)`` is the first child of the second item), or such a
    path and the field a line mark became (``(1, 0, "ma")``, ``(1, "don_vi")``).
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
        if labelled is None:
            content, found = _take_marks(stripped[1:] if escaped else stripped, number, col + escaped, issues)
            if last is not None and not blank and _continues(last):
                last.text = f"{last.text} {content}".strip()  # a line that continues the item above
                for name, values in found.items():
                    last.data.setdefault(name, []).extend(values)
            else:
                parent = next(i for i in reversed(stack) if i.kind in (*_HOLDS_PARAGRAPHS, "root"))
                last = _Item("doan", content, number, col, 99, data=found)
                parent.children.append(last)
            blank = False
            continue
        kind, label, body, start = labelled
        body, found = _take_marks(body, number, col + start, issues)
        depth = label.count(".") if kind == "khoan" else 0
        rank = _RANK[kind] + depth
        while stack[-1] is not root and stack[-1].rank >= rank:
            stack.pop()
        parent = stack[-1]
        item = _Item(kind, body, number, col, rank, data=found)
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
    _check_marks(root, issues)
    marks: dict[tuple[int | str, ...], tuple[int, int]] = {}
    return [_data(child, (i,), marks, "") for i, child in enumerate(root.children)], marks, issues


def _check_marks(item: _Item, issues: list[Issue]) -> None:
    """Add the line marks' problems: one of each per item, no id on a mục, a unit only above lines."""
    for child in item.children:
        for name, values in child.data.items():
            for _value, line, col in values[1:]:
                issues.append(Issue(line, col, _(
                    "một nhiệm vụ chỉ có một mã '^ma[…]'") if name == ID else _(
                    "một dòng chỉ ghi một '^nhiem_vu_cua[…]'; các nhiệm vụ bên dưới là của một đơn vị")))
        if child.kind == "muc" and ID in child.data:
            _value, line, col = child.data[ID][0]
            issues.append(Issue(line, col, _(
                "mục (I., II., …) là đề mục, không phải nhiệm vụ, nên không có mã '^ma[…]'; "
                "ghi mã trên dòng của nhiệm vụ")))
        if TASKS_OF in child.data and not child.children:
            _value, line, col = child.data[TASKS_OF][0]
            issues.append(Issue(line, col, _(
                "'^nhiem_vu_cua[…]' đặt trên dòng đứng đầu các nhiệm vụ (mục, khoản, điểm hoặc gạch đầu dòng "
                "có dòng bên dưới), nhưng dưới dòng này không có dòng nào")))
        _check_marks(child, issues)


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


def _data(item: _Item, path: tuple[int, ...], marks: dict[tuple[int | str, ...], tuple[int, int]],
          unit: str) -> Any:
    """Return ``item`` in the structured form the YAML body uses, recording its position.

    ``unit`` is the unit named by ``^nhiem_vu_cua`` on the parent: a bullet or paragraph right
    below it with no lines of its own is a task (a ``nhiem_vu`` set as typed); a line with
    ``^ma`` that is not such a task is given its id by ``giao: {ma: …}``, which makes it one.
    """
    marks[path] = (item.line, item.col)
    ids = item.data.get(ID, [])
    own_unit = item.data.get(TASKS_OF, [])
    if unit and item.kind in _TASK_LINES and not item.children:
        node: dict[str, Any] = {"nhiem_vu": item.text}
        if item.kind != "gach":
            node["dang"] = item.kind
        if ids:
            node["ma"] = ids[0][0]
            marks[(*path, "ma")] = ids[0][1:]
        return node
    if item.kind == "doan" and not ids:
        return item.text
    node = {item.kind: item.text}
    if own_unit:
        node["don_vi"] = own_unit[0][0]
        marks[(*path, "don_vi")] = own_unit[0][1:]
    if ids and item.kind != "muc":
        node["giao"] = {"ma": ids[0][0]}
        marks[(*path, "giao", "ma")] = ids[0][1:]
    if item.children:
        below = own_unit[0][0] if own_unit else ""
        node["noi_dung"] = [_data(child, (*path, i), marks, below) for i, child in enumerate(item.children)]
    return node
