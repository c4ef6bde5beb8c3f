"""Refuse a label typed at the start of an item that vanban numbers or bullets itself.

Why: vanban prints "1.", "a)", "I.", "-" and "+" in front of mục, khoản, điểm and bullets; a
label pasted from an old notice ("1. 1. Đối với …") is printed twice without a word. One
rule for every numbered or bulleted item, whichever form (nested or prose) the body has.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from vanban.errors import Problem
from vanban.i18n import _
from vanban.pipeline import rules
from vanban.pipeline.loader import Located, Path_

#: Kinds vanban gives a label or bullet; a paragraph (``doan``) has none, so it may start with one.
_LABELLED = ("muc", "khoan", "diem", "gach", "cong", "nhiem_vu")
_PASTED = re.compile(rf"^\s*(?P<label>[IVXLCDM]+\.|\d{{1,3}}(?:\.\d{{1,3}})*\.|[{rules.DIEM_LETTERS}]\)|[-+•–])\s")


def _items(value: Any, path: Path_) -> Iterator[tuple[Path_, dict[str, Any]]]:
    if not isinstance(value, list):
        return
    for i, item in enumerate(value):
        if isinstance(item, dict):
            yield (*path, i), item
            yield from _items(item.get("noi_dung"), (*path, i, "noi_dung"))


def label_problems(located: Located, data: Any) -> list[Problem]:
    """Return an error for each item whose text starts with a label vanban prints itself."""
    problems: list[Problem] = []
    body = data.get("noi_dung") if isinstance(data, dict) else None
    for path, item in _items(body, ("noi_dung",)):
        kind = next((k for k in _LABELLED if k in item), None)
        text = item.get(kind) if kind else None
        found = _PASTED.match(text) if isinstance(text, str) else None
        if kind is None or found is None:
            continue
        label = found.group("label")
        message = _("văn bản bắt đầu bằng nhãn '{label}', mà vanban tự đánh số và in nhãn ở đây, nên nhãn sẽ "
                    "bị in hai lần; hãy bỏ '{label}' ở đầu").format(label=label)
        problems.append(located.problem((*path, kind), message))
    return problems
