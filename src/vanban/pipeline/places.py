"""Name the place of a value as a clerk does: "Mục III › khoản 1 › điểm b", "Nơi nhận, dòng 4".

Why: a path such as ``noi_dung[2].noi_dung[0].noi_dung[1]`` is counted from zero in the
file's structure; the clerk reads the notice, where that item is "Mục III, khoản 1, điểm b".
The numbering is the one vanban prints [§7]: counted on the raw data, so it works even when
the notice is not valid yet.
"""

from __future__ import annotations

from typing import Any

from vanban.i18n import N_, _
from vanban.pipeline import rules

#: Lists whose items a clerk counts by line or paragraph, and how to name the n-th one.
_LISTS = {
    "noi_nhan": N_("Nơi nhận, dòng {n}"),
    "trich_yeu": N_("Trích yếu, dòng {n}"),
    "mo_dau": N_("Mở đầu, đoạn {n}"),
    "ket_thuc": N_("Kết thúc, đoạn {n}"),
    # The lists of the other kinds (docs/kinds.md): a công văn's addressees, an invitation's.
    "kinh_gui": N_("Kính gửi, dòng {n}"),
    "kinh_moi": N_("Kính mời, dòng {n}"),
    "luu_y": N_("Lưu ý, đoạn {n}"),
}
_KINDS = ("muc", "khoan", "diem", "gach", "cong", "nhiem_vu", "doan")


def _kind(node: Any) -> str:
    if isinstance(node, dict):
        return next((k for k in _KINDS if k in node), "doan")
    return "doan"


def place(data: Any, path: tuple[str | int, ...]) -> str:
    """Return the place of ``path`` in the notice ``data`` as a clerk names it, or "" where none helps."""
    if len(path) >= 2 and path[0] in _LISTS and isinstance(path[1], int):
        return _(_LISTS[str(path[0])]).format(n=path[1] + 1)
    if not path or path[0] != "noi_dung" or not isinstance(data, dict):
        return ""
    parts: list[str] = []
    nodes = data.get("noi_dung")
    prefix: tuple[int, ...] = ()
    index = 1
    while index < len(path) and isinstance(path[index], int) and isinstance(nodes, list):
        position = int(path[index])
        if position >= len(nodes):
            break
        node = nodes[position]
        kind = _kind(node)
        count = sum(1 for sibling in nodes[: position + 1] if _kind(sibling) == kind)
        if kind == "muc":
            parts.append(_("Mục {label}").format(label=rules.roman(count)))
        elif kind == "khoan":
            prefix = (*prefix, count)
            parts.append(_("khoản {label}").format(label=rules.khoan_label(prefix).rstrip(".")))
        elif kind == "diem":
            parts.append(_("điểm {label}").format(label=rules.diem_label(count).rstrip(")")))
        elif kind in ("gach", "cong"):
            parts.append(_("ý '{mark}' thứ {n}").format(mark="-" if kind == "gach" else "+", n=count))
        elif kind == "nhiem_vu":
            parts.append(_("nhiệm vụ thứ {n}").format(n=count))
        else:
            parts.append(_("đoạn {n}").format(n=count))
        nodes = node.get("noi_dung") if isinstance(node, dict) else None
        index += 2 if index + 1 < len(path) and path[index + 1] == "noi_dung" else len(path)
    if parts:
        parts[0] = parts[0][:1].upper() + parts[0][1:]
    return " › ".join(parts)
