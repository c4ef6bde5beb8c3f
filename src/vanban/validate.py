"""Validate located content and build the frozen model, collecting every problem at once.

Why: a notice that breaks ND30 is sent back, and a renderer that meets bad text loses it
silently (docxtpl drops ``&`` and truncates at a lone surrogate). So text is cleaned and
checked here, before any renderer sees it: NFC [R-FONT-2], no control characters, no lone
surrogates, only characters the bundled font can draw; then the model; then the ND30 checks
that need more than one field.

Limits (see ``docs/limits.md``) keep a hostile or runaway file from turning into a render
that runs for minutes: ``MAX_BODY_NODES`` body items, ``MAX_SECTIONS`` mục, ``MAX_RECIPIENTS``
recipients, ``MAX_VALUE_CHARS`` characters in one value and ``MAX_TEXT_CHARS`` in all; the
loader bounds the file itself.
"""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ValidationError

from vanban import rules
from vanban.errors import Problem
from vanban.fonts import covered
from vanban.i18n import N_, _
from vanban.loader import Located, Path_, cap_problems, dotted
from vanban.model import NODE_ERROR, NODE_KINDS, Cong, Diem, Gach, Khoan, Muc, NhiemVu, ThongBao

_TAGS = {"str", "doan", *NODE_KINDS}

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


def check(located: Located) -> tuple[ThongBao | None, list[Problem]]:
    """Return the model of one located notice, or None with every problem found."""
    data, problems = clean_text(located)
    limits = _limit_problems(located, data)
    if limits:
        return None, cap_problems(problems + limits)  # an oversized notice's model is not worth building
    problems.extend(_notice_problems(located, data))
    try:
        notice = ThongBao.model_validate(data)
    except ValidationError as exc:
        problems.extend(model_problems(located, exc))
        return None, cap_problems(problems)
    return (None if problems else notice), cap_problems(problems)


def warnings(located: Located, model: ThongBao | None = None) -> list[Problem]:
    """Return the warnings of one notice: problems printed as "cảnh báo" that never fail a build."""
    from vanban.tasks import deadline_warnings

    return deadline_warnings(located)


# --- text hygiene -------------------------------------------------------------------------


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
            count=_number(len(value)), limit=_number(MAX_VALUE_CHARS))))
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


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


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


def _limit_problems(located: Located, data: Any) -> list[Problem]:
    out: list[Problem] = []
    items, sections = _count_nodes(_get(data, "noi_dung"))
    if items > MAX_BODY_NODES:
        out.append(located.problem(("noi_dung",), _("nội dung quá nhiều phần tử ({count}; tối đa {limit})").format(
            count=_number(items), limit=_number(MAX_BODY_NODES))))
    if sections > MAX_SECTIONS:
        out.append(located.problem(("noi_dung",), _("quá nhiều mục ({count}; tối đa {limit})").format(
            count=_number(sections), limit=MAX_SECTIONS)))
    total = _text_length(data)
    if total > MAX_TEXT_CHARS:
        out.append(located.problem((), _("văn bản quá dài ({count} ký tự; tối đa {limit})").format(
            count=_number(total), limit=_number(MAX_TEXT_CHARS))))
    recipients = _get(data, "noi_nhan")
    if isinstance(recipients, list) and len(recipients) > MAX_RECIPIENTS:
        out.append(located.problem(("noi_nhan",), _("quá nhiều nơi nhận ({count}; tối đa {limit})").format(
            count=_number(len(recipients)), limit=_number(MAX_RECIPIENTS)), "R-NN-2"))
    return out


# --- model errors -------------------------------------------------------------------------


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


def _allowed_keys(model_path: Path_, data: Any, root: type[BaseModel] = ThongBao) -> list[str]:
    """Return the keys allowed at the mapping that holds ``model_path`` (for did-you-mean)."""
    model: type[BaseModel] | None = root
    node: Any = data
    keyed = False  # the previous field is a mapping of names (profile signers): skip the name
    for part in model_path[:-1]:
        if model is None:
            return []
        node = _get(node, part)
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
    "muc": Muc,
    "khoan": Khoan,
    "diem": Diem,
    "gach": Gach,
    "cong": Cong,
    "nhiem_vu": NhiemVu,
}


def _hint(key: str, allowed: list[str]) -> list[str]:
    return difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)


def _hinted_keys(located: Located, errors: list[Any], paths: list[Path_], root: type[BaseModel]) -> set[Path_]:
    """Return the paths of missing fields that a misspelt key next to them is a hint for."""
    out: set[Path_] = set()
    for error, path in zip(errors, paths, strict=True):
        if error["type"] == "extra_forbidden":
            for hint in _hint(str(path[-1]), _allowed_keys(path, located.data, root)):
                out.add((*path[:-1], hint))
    return out


def model_problems(located: Located, exc: ValidationError, root: type[BaseModel] = ThongBao) -> list[Problem]:
    """Turn pydantic errors for the model ``root`` into located problems in the user's language."""
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
            allowed = _allowed_keys(path, located.data, root)
            hint = _hint(key, allowed)
            message = _("trường '{key}' không được phép ở đây").format(key=key)
            if hint:
                message += _("; có phải ý bạn là '{hint}'?").format(hint=hint[0])
            elif allowed:
                message += " " + _("(các trường hợp lệ: {fields})").format(fields=", ".join(allowed))
            problems.append(located.problem(path, message, at_key=True))
            continue
        if kind == "missing":
            parent = path[:-1]
            problem = located.problem(parent, _("thiếu trường bắt buộc '{field}'").format(field=path[-1]), rule or "")
            problems.append(Problem(problem.file, problem.line, problem.col, dotted(path), problem.message,
                                    problem.rule))
            continue
        if kind == "vb_node":
            # pydantic reads the discriminator's message once, when the model class is made: translate it now.
            message = _(NODE_ERROR)
        elif kind.startswith("vb_"):
            message = str(error["msg"])  # model.py's validators raise it already translated
        else:
            template = _MESSAGES.get(kind)
            message = _(template).format(**error.get("ctx", {})) if template else str(error["msg"])
            # pydantic joins the allowed values in English.
            message = message.replace("' or '", "' " + _("hoặc") + " '")
        problems.append(located.problem(path, message, rule or ""))
    return problems


# --- ND30 checks across fields ------------------------------------------------------------
# These run on the cleaned raw data, not the model, so that they report even when another
# part of the file fails the model: every problem is reported at once.


def _get(data: Any, *path: str | int) -> Any:
    for part in path:
        if isinstance(part, int):
            data = data[part] if isinstance(data, list) and part < len(data) else None
        else:
            data = data.get(part) if isinstance(data, dict) else None
    return data


def _strings(value: Any) -> list[tuple[int | None, str]]:
    if isinstance(value, str):
        return [(None, value)]
    if isinstance(value, list):
        return [(i, v) for i, v in enumerate(value) if isinstance(v, str)]
    return []


def _as_date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def _notice_problems(located: Located, data: Any) -> list[Problem]:
    out: list[Problem] = []
    lines = [v for _, v in _strings(_get(data, "nguoi_ky", "chuc_vu"))]
    if lines:
        chain = rules.signer_chain_problem(lines)
        if chain:
            out.append(located.problem(("nguoi_ky", "chuc_vu"), chain, "T-20"))
    name = _get(data, "nguoi_ky", "ho_ten")
    if isinstance(name, str) and name.strip():
        title = rules.academic_title_prefix(name)
        if title:
            out.append(
                located.problem(("nguoi_ky", "ho_ten"),
                                _("không ghi học hàm, học vị '{title}' trước họ tên").format(title=title), "R-SIG-2")
            )
        if name == rules.upper_vi(name) and any(ch.isalpha() for ch in name):
            out.append(
                located.problem(("nguoi_ky", "ho_ten"), _("họ tên viết hoa chữ cái đầu, không viết toàn chữ hoa"),
                                "R-EL-7b")
            )
    for i, item in _strings(_get(data, "noi_nhan")):
        path: Path_ = ("noi_nhan",) if i is None else ("noi_nhan", i)
        if rules.is_nhu_tren(item):
            out.append(located.problem(path, _("Thông báo không có 'Kính gửi' nên không dùng 'Như trên'"), "R-NN-4"))
        if rules.clean_recipient(item).lower().startswith("lưu"):
            out.append(located.problem(path, _("dòng 'Lưu' ghi ở trường 'luu', không ghi trong 'noi_nhan'"), "R-NN-3"))
    symbol = _get(data, "ky_hieu")
    if isinstance(symbol, str) and symbol.strip() and not rules.is_valid_ky_hieu(symbol.strip()):
        out.append(
            located.problem(("ky_hieu",),
                            _("ký hiệu '{symbol}' gồm các nhóm chữ nối bằng '-', không có dấu cách").format(
                                symbol=symbol), "R-NUM-6")
        )
    abbreviation = _get(data, "co_quan", "viet_tat")
    own_symbol = isinstance(symbol, str) and symbol.strip()
    if (not own_symbol and isinstance(abbreviation, str) and abbreviation.strip()
            and not rules.is_valid_ky_hieu(f"TB-{abbreviation.strip()}")):
        out.append(
            located.problem(("co_quan", "viet_tat"),
                            _("chữ viết tắt '{abbreviation}' không dùng được trong ký hiệu (không dấu cách)").format(
                                abbreviation=abbreviation),
                            "R-NUM-6")
        )
    issued = _as_date(_get(data, "ngay"))
    meeting = _as_date(_get(data, "cuoc_hop", "ngay"))
    if issued and meeting and issued < meeting:
        out.append(located.problem(("ngay",), _("ngày ban hành trước ngày cuộc họp"), "R-DATE-1"))
    if _get(data, "ngay") in (None, "") and _get(data, "cuoc_hop", "ngay") in (None, ""):
        out.append(
            located.problem(("ngay",), _("bản dự thảo chưa có ngày ban hành cần 'cuoc_hop.ngay' để ghi năm"),
                            "R-DATE-5")
        )
    for key in ("mo_dau", "ket_thuc"):
        items = _strings(_get(data, key))
        for n, (i, text) in enumerate(items):
            if key == "ket_thuc" and n == len(items) - 1:
                text = text.rstrip().removesuffix("./.")
            if "./." in text:
                out.append(located.problem((key,) if i is None else (key, i), _(_END_MARK), "R-END-1"))
    body = _get(data, "noi_dung")
    if isinstance(body, list):
        out.extend(_node_problems(located, body, ("noi_dung",), meeting, top=True))
    from vanban.tasks import id_problems

    out.extend(id_problems(located, data))  # a task id used twice; an update listed twice
    return out


_END_MARK = N_("dấu kết thúc './.' chỉ đặt ở cuối văn bản; vanban tự thêm")


def _node_problems(located: Located, nodes: list[Any], path: Path_, meeting: dt.date | None,
                   top: bool) -> list[Problem]:
    out: list[Problem] = []
    for i, node in enumerate(nodes):
        here = (*path, i)
        if isinstance(node, str):
            if "./." in node:
                out.append(located.problem(here, _(_END_MARK), "R-END-1"))
            continue
        if not isinstance(node, dict):
            continue
        kinds = [k for k in (*NODE_KINDS, "doan") if k in node]
        for kind in kinds:
            if isinstance(node[kind], str) and "./." in node[kind]:
                out.append(located.problem((*here, kind), _(_END_MARK), "R-END-1"))
        if "muc" in kinds and not top:
            out.append(located.problem((*here, "muc"), _("mục (I, II, …) chỉ đặt ở cấp ngoài cùng của nội dung"),
                                       "R-BODY-6"))
        children = node.get("noi_dung")
        if "gach" in kinds and isinstance(children, list):
            for j, child in enumerate(children):
                if isinstance(child, dict) and not ({"cong", "nhiem_vu"} & child.keys()):
                    out.append(located.problem((*here, "noi_dung", j), _("dưới gạch đầu dòng '-' chỉ có ý '+' (cong)")))
        deadline = _as_date(node.get("han"))
        if deadline and meeting and deadline < meeting:
            out.append(located.problem((*here, "han"), _("thời hạn trước ngày cuộc họp")))
        if isinstance(children, list):
            out.extend(_node_problems(located, children, (*here, "noi_dung"), meeting, top=False))
    return out
