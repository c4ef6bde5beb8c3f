"""Turn the typed model's validation errors into located problems in the author's words.

Why: pydantic reports ``noi_dung.0.khoan.x`` in English; an author needs the line and
column of the value, a message in Vietnamese, the rule that applies, and a "did you mean"
for a misspelt key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ValidationError

from vanban.errors import Problem
from vanban.hints import closest, did_you_mean
from vanban.i18n import N_, _
from vanban.pipeline import kinds
from vanban.pipeline.kinds.base import at_field
from vanban.pipeline.loader import Located, Path_, dotted
from vanban.pipeline.model import NODE_ERROR, NODE_KINDS, Cong, Diem, Doan, Gach, Khoan, Muc, NhiemVu
from vanban.pipeline.raw import get


def key_trap(key: str, value: Any) -> str | None:
    """Return the message for a key that is really prose YAML split at ': ', a ',' or a glued '-'; else None.

    Why: ``- Đề nghị: các phòng …`` reaches the model as the key ``Đề nghị``, ``{muc: 56,2 tạ}``
    as the key ``2 tạ``, and ``-gach: …`` as ``-gach``; "unknown field" says nothing of the cause.
    """
    if key.startswith("-") and len(key) > 1:
        return _("thiếu dấu cách sau dấu '-': YAML đọc '{key}' là tên trường; hãy viết '- {rest}:'").format(
            key=key, rest=key[1:].strip())
    if value in ("", None) and key[:1].isdigit():
        return _("dấu ',' trong ngoặc nhọn {{…}} ngăn cách các trường, nên '{key}' bị tách khỏi số đứng trước; "
                 "hãy đặt giá trị có dấu phẩy trong ngoặc kép, ví dụ \"56,2 tạ/ha\"").format(key=key)
    if re.search(r"[\s,.;()/]", key):
        shown = f"{key}: {value}" if isinstance(value, str) else f"{key}: …"
        return _("dấu ': ' trong văn bản làm YAML hiểu '{key}' là tên trường; hãy đặt cả dòng trong ngoặc kép, "
                 "ví dụ \"{text}\", hoặc viết nội dung dạng khối '|'").format(
            key=key, text=shown if len(shown) <= 60 else shown[:57] + "…")
    return None


def _node_message(node: Any) -> str:
    """Return why a body item has no kind: a trap of YAML, a misspelt kind, or the general rule."""
    known = {name for model in _NODE_MODELS.values() for name in model.model_fields}
    strange = [k for k in node if k not in known] if isinstance(node, dict) else []
    if strange:
        trap = key_trap(str(strange[0]), node[strange[0]])
        if trap:
            return trap
        hint = closest(str(strange[0]), (*NODE_KINDS, "doan"))
        if hint:
            return _("'{key}' không phải loại mục nào; có phải ý bạn là '{hint}'?").format(key=strange[0], hint=hint)
    return _(NODE_ERROR)

_TAGS = {"str", "doan", *NODE_KINDS}

#: What to write for a missing top-level field, and whether the office profile may hold it.
_WHAT_TO_WRITE: dict[str, tuple[str, bool]] = {
    "co_quan": ("co_quan: {ten: [ỦY BAN NHÂN DÂN, XÃ TÂN LẬP], viet_tat: UBND, dia_danh: Tân Lập}", True),
    "trich_yeu": ("trich_yeu: Kết luận của Chủ tịch UBND xã tại cuộc họp …", False),
    "noi_dung": ("noi_dung: |  (rồi các dòng nội dung bên dưới, mỗi dòng một ý)", False),
    "nguoi_ky": ("nguoi_ky: {chuc_vu: [KT. CHỦ TỊCH, PHÓ CHỦ TỊCH], ho_ten: Nguyễn Văn A}", True),
    "noi_nhan": ("noi_nhan: [Các phòng, ban chuyên môn, UBND các thôn]", True),
    "luu": ("luu: {don_vi: VP}", True),
}

#: Messages of pydantic's error types (msgids, translated when a problem is made).
_MESSAGES = {
    "missing": N_("thiếu trường bắt buộc"),
    "string_type": N_("phải là chuỗi văn bản"),
    "string_too_short": N_("không được để trống"),
    "tuple_type": N_("phải là danh sách"),
    "too_short": N_("danh sách không được rỗng"),
    "model_type": N_("phải là một nhóm trường (dạng 'khóa: giá trị')"),
    "model_attributes_type": N_("phải là một nhóm trường (dạng 'khóa: giá trị')"),
    "literal_error": N_("giá trị không hợp lệ; chỉ nhận: {expected}"),
    "int_type": N_("phải là số nguyên"),
}

#: Fields whose rule ID is worth citing when the field itself is missing or wrong.
_FIELD_RULES = {
    "luu": "R-NN-3",
    "noi_nhan": "R-NN-2",
    "nguoi_ky": "R-EL-7a",
    "trich_yeu": "R-EL-5a-2",
    "co_quan": "R-EL-2b",
    "so": "R-NUM-2",
    "ngay": "R-DATE-1",
}


def _data_path(loc: tuple[int | str, ...]) -> Path_:
    """Drop the union tags pydantic inserts after a list index (``noi_dung.0.khoan.x``)."""
    out: list[str | int] = []
    skip_tag = False
    for part in loc:
        if skip_tag and isinstance(part, str) and part in _TAGS:
            skip_tag = False
            continue
        skip_tag = isinstance(part, int)
        out.append(part)
    return tuple(out)


def _allowed_keys(model_path: Path_, data: Any, root: type[BaseModel] | None = None) -> list[str]:
    """Return the keys allowed at the mapping that holds ``model_path`` (for did-you-mean)."""
    model: type[BaseModel] | None = root or _default_model()
    node: Any = data
    keyed = False  # the previous field is a mapping of names (profile signers): skip the name
    for part in model_path[:-1]:
        if model is None:
            return []
        node = get(node, part)
        if keyed:
            keyed = False
            continue
        if isinstance(part, int):
            # A body item is typed by its kind key; any other list keeps its item model (CapNhat …).
            kinds = [k for k in (*NODE_KINDS, "doan") if isinstance(node, dict) and k in node]
            model = _NODE_MODELS.get(kinds[0], model) if kinds else model
            continue
        annotation = getattr(model.model_fields.get(str(part)), "annotation", None)
        keyed = getattr(annotation, "__origin__", None) is dict
        model = next(
            (t for t in _model_types(annotation) if isinstance(t, type) and issubclass(t, BaseModel)),
            None,
        )
    return list(model.model_fields) if model is not None else []


def _model_types(annotation: Any) -> Iterator[Any]:
    yield annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        yield from _model_types(arg)


_NODE_MODELS: dict[str, type[BaseModel]] = {
    "doan": Doan,
    "muc": Muc,
    "khoan": Khoan,
    "diem": Diem,
    "gach": Gach,
    "cong": Cong,
    "nhiem_vu": NhiemVu,
}


def _hinted_keys(located: Located, errors: list[Any], paths: list[Path_], root: type[BaseModel]) -> set[Path_]:
    """Return the paths of missing fields that a misspelt key next to them is a hint for."""
    out: set[Path_] = set()
    for error, path in zip(errors, paths, strict=True):
        if error["type"] == "extra_forbidden":
            hint = closest(str(path[-1]), _allowed_keys(path, located.data, root))
            if hint:
                out.add((*path[:-1], hint))
    return out


def _default_model() -> type[BaseModel]:
    """Return the model of the kind a file without ``loai`` is (the registry's default)."""
    return kinds.KINDS[kinds.DEFAULT].model


def model_problems(located: Located, exc: ValidationError, root: type[BaseModel] | None = None) -> list[Problem]:
    """Turn pydantic errors for the model ``root`` (default: the default kind's) into located problems."""
    root = root or _default_model()
    problems: list[Problem] = []
    errors = exc.errors(include_url=False)
    paths = [_data_path(tuple(e["loc"])) for e in errors]
    hinted = _hinted_keys(located, errors, paths, root)
    for error, path in zip(errors, paths, strict=True):
        kind = error["type"]
        if kind == "too_short" and any(p[: len(path)] == path and p != path for p in paths):
            continue  # the items themselves are reported
        if kind == "missing" and path in hinted:
            continue  # a misspelt key already says "có phải ý bạn là …?" for this one
        rule = _FIELD_RULES.get(str(path[0])) if len(path) == 1 and path else ""
        if kind == "extra_forbidden":
            key = str(path[-1])
            trap = key_trap(key, get(located.data, *path))
            if trap:
                problems.append(located.problem(path, trap, at_key=True))
                continue
            allowed = _allowed_keys(path, located.data, root)
            hint = did_you_mean(key, allowed)
            message = _("trường '{key}' không được phép ở đây").format(key=key) + hint
            if not hint and allowed:
                message += " " + _("(các trường hợp lệ: {fields})").format(fields=", ".join(allowed))
            problems.append(located.problem(path, message, at_key=True))
            continue
        if kind == "missing":
            parent = path[:-1]
            message = _("thiếu trường bắt buộc '{field}'").format(field=path[-1])
            if len(path) == 1 and str(path[0]) in _WHAT_TO_WRITE:
                example, from_profile = _WHAT_TO_WRITE[str(path[0])]
                message += "; " + _("ví dụ: {example}").format(example=example)
                if from_profile and kinds.takes(located.data, str(path[0])):  # not a letter's noi_nhan
                    message += "; " + _("có thể ghi một lần trong vanban.yaml cho mọi văn bản")
            problem = located.problem(parent, message, rule or "")
            problems.append(at_field(problem, dotted(path)))
            continue
        if kind == "vb_node":
            # pydantic reads the discriminator's message once, when the model class is made: translate it now.
            message = _node_message(get(located.data, *path))
        elif kind.startswith("vb_"):
            message = str(error["msg"])  # model.py's validators raise it already translated
        else:
            value = get(located.data, *path)
            glued = [k for k in value if str(k).startswith("-")] if isinstance(value, dict) else []
            template = _MESSAGES.get(kind)
            if kind == "tuple_type" and glued:
                problems.append(located.problem(path, str(key_trap(str(glued[0]), None)), rule or ""))
                continue
            message = _(template).format(**error.get("ctx", {})) if template else str(error["msg"])
            # pydantic joins the allowed values in English.
            message = message.replace("' or '", "' " + _("hoặc") + " '")
        problems.append(located.problem(path, message, rule or ""))
    return problems
