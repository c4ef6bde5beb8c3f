"""Turn a body typed as prose into the structured body, and refuse prose that YAML cut short.

Why in the loading path, before the profile and the model: a ``noi_dung: |`` block is read by
``prose`` into the same data the nested form gives, so every later stage sees one shape; its
positions are mapped to the real file line and column (the block's text starts on the line
after the key, at the block's indentation), so a problem inside the block points where the
clerk typed it. And a ``#`` after a plain value starts a YAML comment: in prose the rest of
the sentence would vanish without a word, so there it is an error that names the lost text.
"""

from __future__ import annotations

import copy
from typing import Any

from vanban.errors import Problem
from vanban.i18n import _
from vanban.pipeline import kinds, prose
from vanban.pipeline.loader import Located, Path_, dotted

#: Keys of a body item whose value is prose (the other keys hold units, dates and ids).
_PROSE_KEYS = frozenset({"muc", "khoan", "diem", "gach", "cong", "nhiem_vu", "doan", "ghi_chu"})
#: Top-level fields of the frame that are prose, as one string or a list of strings.
_PROSE_FIELDS = frozenset({"mo_dau", "ket_thuc", "trich_yeu", "noi_nhan"})


def _prose_fields() -> frozenset[str]:
    """Return the top-level prose fields: the frame's and every kind's own (a giấy mời's notes), registered ones too."""
    return _PROSE_FIELDS | {key for kind in kinds.KINDS.values() for key, _marks in kind.texts}


def _in_body(path: Path_) -> bool:
    """Tell whether ``path`` is the top-level ``noi_dung`` or an item's ``noi_dung`` inside it."""
    return bool(path) and path[0] == "noi_dung" and path[-1] == "noi_dung" and all(
        isinstance(p, int) or p == "noi_dung" for p in path)


def is_prose(path: Path_) -> bool:
    """Tell whether the value at ``path`` is prose (body text, opening, closing, title, recipients, notes)."""
    if not path:
        return False
    head, last = path[0], path[-1]
    if head in _prose_fields():
        return len(path) == 1 or isinstance(last, int)
    if head == "noi_dung":
        return isinstance(last, int) or last in _PROSE_KEYS
    if head == "cuoc_hop":
        return len(path) >= 2 and path[1] == "noi_dung"
    return head == "cap_nhat_nhiem_vu" and last == "ghi_chu"


def _put(data: Any, path: Path_, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def expand(located: Located) -> tuple[Located, list[Problem]]:
    """Return ``located`` with each prose body block parsed into items, and the problems found.

    The problems are the block's label mistakes (``prose``) and every comment that cut a prose
    value short.
    """
    problems = [_lost_comment(located, path, where) for path, where in sorted(located.comments.items(), key=str)
                if is_prose(path)]
    blocks = [(path, start) for path, start in located.blocks.items() if _in_body(path)]
    if not blocks:
        return located, problems
    data = copy.deepcopy(located.data)
    marks = dict(located.marks)
    for base, (first_line, indent, style) in blocks:
        text = _value(located.data, base)
        if not isinstance(text, str):
            continue
        if style != "|":
            # A folded block joins its lines, so the labels that start them are lost in the middle
            # of one long line: the items would nest wrongly and no position inside could be exact.
            line, col = located.marks.get(base, (first_line - 1, 1))
            problems.append(Problem(located.file, line, col, dotted(base), _(
                "nội dung dạng khối '>' gộp các dòng làm một, nên nhãn đầu dòng (I., 1., a), -) không còn ở "
                "đầu dòng; hãy viết '|' thay cho '>' (có thể kèm '-' hoặc số thụt lề: '|-', '|2')")))
            _put(data, base, [text])
            continue
        items, item_marks, issues = prose.parse(text)
        _put(data, base, items)
        for index_path, (line, col) in item_marks.items():
            path = _data_path(base, index_path)
            marks[path] = (first_line + line, indent + col + 1)
        for issue in issues:
            line, col = first_line + issue.line, indent + issue.col + 1
            problems.append(Problem(located.file, line, col, dotted(base), issue.message))
    return Located(located.file, data, marks, blocks=located.blocks, comments=located.comments), problems


def _value(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


def _data_path(base: Path_, index_path: tuple[int | str, ...]) -> Path_:
    """Return the data path of the prose item at ``index_path`` (``(1, 0)``: item 1's first child).

    Names after the indexes are fields of the item (``(1, 0, "ma")``: that child's id).
    """
    out: list[str | int] = [*base]
    for n, part in enumerate(index_path):
        out += [part] if isinstance(part, str) or n == 0 else ["noi_dung", part]
    return tuple(out)


def _lost_comment(located: Located, path: Path_, where: tuple[int, int, str]) -> Problem:
    line, col, lost = where
    message = _("dấu '#' sau dấu cách bắt đầu một chú thích YAML, nên '{lost}' bị bỏ, không được in; "
                "hãy đặt cả giá trị trong dấu ngoặc kép \"…\", hoặc viết nội dung dạng khối '|'").format(lost=lost)
    return Problem(located.file, line, col, dotted(path), message)
