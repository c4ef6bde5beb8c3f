"""Check who may sign: the signer chain of ô 7a against the roles of the issuing body [§8.1; T-20].

Why roles, not only prefixes: ``[KT. CHỦ TỊCH, CHÁNH VĂN PHÒNG]`` has the shape of a valid
chain, yet a Chánh Văn phòng is no deputy of the Chủ tịch, and a chief sends such a notice
back. Whether a title is the head, a deputy or the head of an internal unit depends on the
body: the Chánh Văn phòng heads a Văn phòng that issues in its own name, but is an internal
unit's head under the UBND. The roles come from the body's name (defaults below) or from
the office profile.

The chains ND30 allows [Phụ lục I, II.7.b; Điều 13]:

- ``[HEAD]``: the head signs in their own name;
- ``[TM. COLLECTIVE, HEAD]``, ``[TM. COLLECTIVE, KT. HEAD, DEPUTY]``, ``[TM. COLLECTIVE, Q. HEAD]``:
  on behalf of a collective body (the deputy, or an acting head, within it);
- ``[KT. HEAD, DEPUTY]``: a deputy of that head signs in the head's place;
- ``[TL. HEAD, UNIT HEAD]``, ``[TL. HEAD, KT. UNIT HEAD, UNIT DEPUTY]``: by order of the head,
  the head of an internal unit (or its deputy in the unit head's place);
- ``[TUQ. HEAD, TITLE]``: by written authorisation, the authorised person's own title;
- ``[Q. HEAD]``: an acting head.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import Field, TypeAdapter, WrapValidator

from vanban.errors import Problem
from vanban.i18n import _
from vanban.pipeline.loader import Located, Path_
from vanban.pipeline.model import Lines, Model, OptText, Text
from vanban.pipeline.rules import collapse_spaces, upper_vi

_PREFIX = re.compile(r"^(TM|KT|TL|TUQ|Q)\.\s+(\S.*)$")
_BARE_PREFIX = re.compile(r"^(TM|KT|TL|TUQ|Q)\b(?!\. )")


@dataclass(frozen=True)
class Roles:
    """The titles of one issuing body: who heads it, who deputises, which internal units have heads."""

    head: str
    deputies: tuple[str, ...]
    collective: str = ""  # the collective a head signs for with TM. ("ỦY BAN NHÂN DÂN"); "" if none
    units: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # unit head → its deputies

    def is_deputy(self, title: str, of: str | None = None) -> bool:
        """Tell whether ``title`` deputises for the body's head (or for the unit head ``of``)."""
        deputies = self.deputies if of is None or of == self.head else self.units.get(of, ())
        # "PHÓ CHỦ TỊCH THƯỜNG TRỰC" is a Phó Chủ tịch with a qualifier.
        return any(title == d or title.startswith(d + " ") for d in deputies)


def _unit(head: str, deputy: str) -> dict[str, tuple[str, ...]]:
    return {head: (deputy,)}


#: Default roles by how the issuing body's name begins (upper case), most specific first.
DEFAULTS: tuple[tuple[str, Roles], ...] = (
    ("THƯỜNG TRỰC HỘI ĐỒNG NHÂN DÂN", Roles("CHỦ TỊCH", ("PHÓ CHỦ TỊCH",), "THƯỜNG TRỰC HỘI ĐỒNG NHÂN DÂN",
                                            _unit("CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"))),
    ("HỘI ĐỒNG NHÂN DÂN", Roles("CHỦ TỊCH", ("PHÓ CHỦ TỊCH",), "HỘI ĐỒNG NHÂN DÂN",
                                _unit("CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"))),
    ("ỦY BAN NHÂN DÂN", Roles("CHỦ TỊCH", ("PHÓ CHỦ TỊCH",), "ỦY BAN NHÂN DÂN",
                              _unit("CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"))),
    ("VĂN PHÒNG", Roles("CHÁNH VĂN PHÒNG", ("PHÓ CHÁNH VĂN PHÒNG",), "",
                        _unit("TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"))),
    ("THANH TRA", Roles("CHÁNH THANH TRA", ("PHÓ CHÁNH THANH TRA",), "", _unit("TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"))),
    ("SỞ", Roles("GIÁM ĐỐC", ("PHÓ GIÁM ĐỐC",), "", {"CHÁNH VĂN PHÒNG": ("PHÓ CHÁNH VĂN PHÒNG",),
                                                    "TRƯỞNG PHÒNG": ("PHÓ TRƯỞNG PHÒNG",)})),
    ("PHÒNG", Roles("TRƯỞNG PHÒNG", ("PHÓ TRƯỞNG PHÒNG",))),
    ("BAN QUẢN LÝ", Roles("GIÁM ĐỐC", ("PHÓ GIÁM ĐỐC",), "", _unit("TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"))),
    ("BAN", Roles("TRƯỞNG BAN", ("PHÓ TRƯỞNG BAN",), "", _unit("CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"))),
    ("TRUNG TÂM", Roles("GIÁM ĐỐC", ("PHÓ GIÁM ĐỐC",), "", _unit("TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"))),
)


def default_roles(body_lines: Sequence[str]) -> Roles | None:
    """Return the usual roles of the body named by ``body_lines`` (its ô 2 name), or None if unknown."""
    name = collapse_spaces(upper_vi(" ".join(body_lines)))
    for start, roles in DEFAULTS:
        if name.startswith(start):
            return roles
    return None


def _line(text: str) -> tuple[str, str]:
    """Return (prefix, title) of one 7a line, upper-cased: ``("KT", "CHỦ TỊCH")`` or ``("", "PHÓ CHỦ TỊCH")``."""
    upper = collapse_spaces(upper_vi(text)).strip()
    match = _PREFIX.match(upper)
    return (match.group(1), match.group(2)) if match else ("", upper)


def _show(lines: Sequence[str]) -> str:
    return "[" + ", ".join(lines) + "]"


def chain_problem(lines: Sequence[str], roles: Roles | None) -> str | None:
    """Return why the 7a ``lines`` are no lawful signer chain for a body with ``roles``, or None.

    With ``roles`` None (a body whose titles are not known) only the shape is checked. The
    message names the broken line and shows a chain that is correct for this body.
    """
    if not lines:
        return _("thiếu dòng quyền hạn, chức vụ của người ký")
    parts = [_line(x) for x in lines]
    for number, (text, (prefix, title)) in enumerate(zip(lines, parts, strict=True), start=1):
        upper = collapse_spaces(upper_vi(text)).strip()
        if _BARE_PREFIX.match(upper):
            return _("dòng {number} '{line}': viết tắt quyền hạn phải có dấu chấm và một dấu cách "
                     "(ví dụ 'TL. CHỦ TỊCH')").format(number=number, line=text)
        if prefix and _PREFIX.match(title):
            return _("dòng {number} '{line}': mỗi quyền hạn ghi trên một dòng riêng; {hint}").format(
                number=number, line=text, hint=_examples(roles, (prefix,)))
    shape = tuple(p for p, _title in parts)
    if shape not in _SHAPES:
        return _("chuỗi quyền hạn {chain} không đúng dạng; {hint}").format(
            chain=_show(lines), hint=_examples(roles, shape))
    if roles is None:
        return None
    return _check_roles(lines, parts, roles)


#: The prefix sequences of the chains above ("" marks a title line).
_SHAPES = frozenset({("",), ("TM", ""), ("TM", "KT", ""), ("TM", "Q"), ("KT", ""), ("TL", ""), ("TL", "KT", ""),
                     ("TUQ", ""), ("Q",)})


def _check_roles(lines: Sequence[str], parts: list[tuple[str, str]], roles: Roles) -> str | None:
    """Check each line of a well-shaped chain against the body's roles; return the first broken link."""
    head = roles.head
    shape = tuple(p for p, _title in parts)
    titles = [t for _p, t in parts]

    def broken(number: int, why: str, like: tuple[str, ...] = shape) -> str:
        return _("chuỗi ký {chain} sai ở dòng {number} '{line}': {why}; {hint}").format(
            chain=_show(lines), number=number, line=lines[number - 1], why=why, hint=_examples(roles, like))

    if shape[0] == "TM":
        if not roles.collective:
            return broken(1, _("cơ quan làm việc theo chế độ thủ trưởng, không ký 'TM.'"))
        if titles[0] != roles.collective:
            return broken(1, _("ký thay mặt tập thể '{collective}' của cơ quan").format(collective=roles.collective))
        rest, offset = parts[1:], 1
    else:
        rest, offset = parts, 0
    first_prefix, first_title = rest[0]
    if first_prefix in ("KT", "TL", "TUQ", "Q") and first_title != head:
        return broken(offset + 1, _("'{prefix}.' đi với chức danh người đứng đầu '{head}'").format(
            prefix=first_prefix, head=head))
    if first_prefix == "" and len(rest) == 1 and first_title != head:
        if roles.is_deputy(first_title):  # a deputy's chain has KT. before the title: show that one first
            return broken(offset + 1, _("chỉ người đứng đầu ({head}) ký không có quyền hạn; cấp phó ký 'KT. {head}'"
                                        ).format(head=head), (*shape[:-1], "KT", ""))
        return broken(offset + 1, _("'{title}' không phải người đứng đầu cơ quan ({head})").format(
            title=first_title, head=head))
    if first_prefix == "KT" and not roles.is_deputy(rest[1][1]):
        return broken(offset + 2, _("'{title}' không phải cấp phó của {head}").format(title=rest[1][1], head=head))
    if first_prefix == "TL":
        unit_prefix, unit_title = rest[1]
        if unit_title not in roles.units:
            known = ", ".join(roles.units) or _("không có")
            return broken(offset + 2, _("'{title}' không phải người đứng đầu đơn vị trong cơ quan ({known})").format(
                title=unit_title, known=known))
        if unit_prefix == "KT" and not roles.is_deputy(rest[2][1], unit_title):
            return broken(offset + 3, _("'{title}' không phải cấp phó của {unit}").format(
                title=rest[2][1], unit=unit_title))
    if first_prefix == "TUQ" and (rest[1][1] == head or roles.is_deputy(rest[1][1])):
        return broken(offset + 2, _("người đứng đầu hoặc cấp phó không ký thừa ủy quyền; dùng chuỗi ký của họ"))
    return None


def _examples(roles: Roles | None, shape: tuple[str, ...] = ()) -> str:
    """Return "ví dụ đúng: …": chains that are right for this body, the one of the same kind first."""
    if roles is None:
        return _("các dạng được phép: [CHỨC VỤ], [TM. TẬP THỂ, CHỨC VỤ], [KT. THỦ TRƯỞNG, CẤP PHÓ], "
                 "[TL. THỦ TRƯỞNG, TRƯỞNG ĐƠN VỊ], [TUQ. THỦ TRƯỞNG, CHỨC VỤ], [Q. THỦ TRƯỞNG]")
    head, deputy = roles.head, (roles.deputies or ("",))[0]
    chains: dict[str, list[str]] = {"": [head]}
    if deputy:
        chains["KT"] = [f"KT. {head}", deputy]
    if roles.collective:
        chains["TM"] = [f"TM. {roles.collective}", head]
    if roles.units:
        unit, deputies = next(iter(roles.units.items()))
        chains["TL"] = [f"TL. {head}", unit]
        if deputies:
            chains["TLKT"] = [f"TL. {head}", f"KT. {unit}", deputies[0]]
    key = "TM" if shape[:1] == ("TM",) and roles.collective else (shape[0] if shape and shape[0] in chains else "")
    if shape[:2] == ("TM", "KT") and roles.collective and deputy:
        chains["TM"] = [f"TM. {roles.collective}", f"KT. {head}", deputy]
    if shape[:2] == ("TL", "KT") and "TLKT" in chains:
        key = "TLKT"
    ordered = [chains[key], *(c for k, c in chains.items() if k != key)]
    return _("ví dụ đúng: {chains}").format(chains="; ".join(_show(c) for c in ordered[:3]))


def roles_from_profile(data: Mapping[str, object] | None, body_lines: Sequence[str]) -> Roles | None:
    """Return the roles the profile declares (``chuc_danh``: head, deputies, units), else the defaults.

    Profile shape (all upper or any case)::

        chuc_danh:
          thu_truong: CHỦ TỊCH
          cap_pho: [PHÓ CHỦ TỊCH]
          tap_the: ỦY BAN NHÂN DÂN          # "" for a body run by a single head; default: the usual one
          don_vi:                             # internal units: head → deputies
            CHÁNH VĂN PHÒNG: [PHÓ CHÁNH VĂN PHÒNG]
            CHÁNH THANH TRA: [PHÓ CHÁNH THANH TRA]
    """
    if not data:
        return default_roles(body_lines)

    def title(value: object) -> str:
        return collapse_spaces(upper_vi(str(value))).strip()

    def titles(value: object) -> tuple[str, ...]:
        items = value if isinstance(value, list) else [value] if value else []
        return tuple(title(v) for v in items)

    units = data.get("don_vi") or {}
    usual = default_roles(body_lines)  # a declaration without tap_the keeps the body's usual collective
    return Roles(
        head=title(data.get("thu_truong", "")),
        deputies=titles(data.get("cap_pho")),
        collective=title(data["tap_the"]) if "tap_the" in data else usual.collective if usual else "",
        units={title(k): titles(v) for k, v in units.items()} if isinstance(units, dict) else {},
    )


# --- the profile's declaration (vanban.yaml ``chuc_danh``) -----------------------------------

#: The profile key that declares the roles of the issuing body (or of each body, by name).
ROLES_KEY = "chuc_danh"


class ChucDanh(Model):
    """The roles of one issuing body as ``vanban.yaml`` declares them (see ``roles_from_profile``)."""

    thu_truong: Text
    cap_pho: Lines = ()
    tap_the: OptText = ""
    don_vi: dict[str, Lines] = Field(default_factory=dict)


_ONE = TypeAdapter(ChucDanh)
_BY_BODY = TypeAdapter(dict[str, ChucDanh])


def _is_one(value: object) -> bool:
    """Tell a declaration of one body (it names a role key) from a mapping keyed by body names."""
    return not isinstance(value, dict) or not value or bool(set(value) & set(ChucDanh.model_fields))


def _one_or_by_body(value: Any, handler: Callable[[Any], Any]) -> Any:
    """Validate ``chuc_danh`` as one body's roles, or as a mapping of body name → roles.

    Why by hand: pydantic tries both sides of the union and reports both, so a misspelt key
    would come with a second, misleading error; the shape of the value says which side it is.
    """
    if value is None:
        return None
    return _ONE.validate_python(value) if _is_one(value) else _BY_BODY.validate_python(value)


#: The profile field: one body's roles, or ``{body name: roles}`` for a repository of several bodies.
Declaration = Annotated[ChucDanh | dict[str, ChucDanh] | None, WrapValidator(_one_or_by_body)]


def _body_key(name: str) -> str:
    return collapse_spaces(upper_vi(name)).strip()


def roles_for(declared: object, body_lines: Sequence[str]) -> Roles | None:
    """Return the roles of the body named ``body_lines``: as the profile declares them, else the defaults.

    ``declared`` is the profile's raw ``chuc_danh`` (validated): one body's roles, or a mapping
    keyed by the body's name ("ỦY BAN NHÂN DÂN XÃ TÂN LẬP": its ô 2 lines joined); a body the
    mapping does not name gets the defaults of ``DEFAULTS``.
    """
    if isinstance(declared, dict) and declared and _is_one(declared):
        return roles_from_profile(declared, body_lines)
    if isinstance(declared, dict):
        name = _body_key(" ".join(body_lines))
        for key, value in declared.items():
            if _body_key(str(key)) == name and isinstance(value, dict):
                return roles_from_profile(value, body_lines)
    return default_roles(body_lines)


def declaration_problems(located: Located) -> list[Problem]:
    """Return what is wrong in the roles a profile declares, each located in ``vanban.yaml`` [§8.1].

    Why beyond the shape: a title written with its authority ("KT. CHỦ TỊCH"), a deputy equal
    to the head, or a unit head equal to the body's head would make every chain check wrong.
    """
    declared = located.data.get(ROLES_KEY) if isinstance(located.data, dict) else None
    if not isinstance(declared, dict) or not declared:
        return []
    if _is_one(declared):
        return _declared_body_problems(located, (ROLES_KEY,), declared)
    out: list[Problem] = []
    seen: dict[str, str] = {}
    for key, value in declared.items():
        name = _body_key(str(key))
        if name in seen:
            out.append(located.problem((ROLES_KEY, key), _("cơ quan '{name}' đã khai báo ở '{other}'").format(
                name=key, other=seen[name]), "T-20", at_key=True))
        seen.setdefault(name, str(key))
        if isinstance(value, dict):
            out.extend(_declared_body_problems(located, (ROLES_KEY, key), value))
    return out


def _declared_body_problems(located: Located, base: Path_, data: Mapping[str, Any]) -> list[Problem]:
    """Check one body's declared roles: bare titles, deputies apart from their head."""
    out: list[Problem] = []

    def title(path: Path_, value: object, at_key: bool = False) -> str:
        text = _body_key(str(value))
        prefix = _PREFIX.match(text) or _BARE_PREFIX.match(text)
        if prefix:
            out.append(located.problem(path, _("'{title}': khai báo chức danh không kèm quyền hạn "
                                               "(TM., KT., TL., TUQ., Q.); vanban kiểm tra chuỗi ký từ chức danh"
                                               ).format(title=value), "T-20", at_key))
        return text

    def items(value: object) -> list[tuple[int | None, object]]:
        return list(enumerate(value)) if isinstance(value, list) else [(None, value)] if value else []

    head = title((*base, "thu_truong"), data.get("thu_truong", ""))
    for i, deputy in items(data.get("cap_pho")):
        where: Path_ = (*base, "cap_pho") if i is None else (*base, "cap_pho", i)
        if title(where, deputy) == head:
            out.append(located.problem(where, _("cấp phó trùng chức danh người đứng đầu '{head}'").format(
                head=data.get("thu_truong")), "T-20"))
    if data.get("tap_the"):
        title((*base, "tap_the"), data["tap_the"])
    units = data.get("don_vi")
    for unit, deputies in units.items() if isinstance(units, dict) else ():
        unit_title = title((*base, "don_vi", unit), unit, at_key=True)
        if unit_title == head:
            out.append(located.problem((*base, "don_vi", unit), _(
                "'{unit}' là người đứng đầu cơ quan, không phải người đứng đầu một đơn vị trong cơ quan").format(
                unit=unit), "T-20", at_key=True))
        for i, deputy in items(deputies):
            where = (*base, "don_vi", unit) if i is None else (*base, "don_vi", unit, i)
            if title(where, deputy) == unit_title:
                out.append(located.problem(where, _("cấp phó trùng chức danh người đứng đầu đơn vị '{unit}'").format(
                    unit=unit), "T-20"))
    return out
