"""The office profile (``vanban.yaml``): what repeats in every notice of one office.

Why: the body's name, the place, the signers, the standard recipients and the attendees are
the same month after month. The profile holds them once; a notice refers to a signer or a
recipient group by name and may override any field. The merge happens on the located data,
before validation, so a problem in a value that came from the profile is reported at its
line in ``vanban.yaml``, like any content error.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError

from vanban.errors import Problem, UsageError
from vanban.hints import did_you_mean
from vanban.i18n import _
from vanban.pipeline.authority import ROLES_KEY, Declaration, declaration_problems
from vanban.pipeline.loader import Located, Path_, load_bytes, load_file
from vanban.pipeline.model import Lines, Luu, Model, Nguoi, NguoiKy, OptText, Text
from vanban.pipeline.validate import clean_text, model_problems
from vanban.repo import PROFILE_NAME, display, find_profile, show_file

#: Keys of a notice whose mapping the profile fills in key by key (the notice wins).
MERGED_KEYS = ("co_quan", "cuoc_hop", "luu")


class ProfileCoQuan(Model):
    """Issuing-body defaults: any field of a notice's ``co_quan``."""

    chu_quan: Lines = ()
    ten: Lines = ()
    viet_tat: OptText = ""
    dia_danh: OptText = ""


class ProfileCuocHop(Model):
    """Meeting defaults: who convenes, who chairs, who usually attends."""

    hinh_thuc: OptText = ""
    ten: OptText = ""
    don_vi_to_chuc: OptText = ""
    dia_diem: OptText = ""
    chu_tri: Nguoi | None = None
    thanh_phan: Lines = ()
    nghe: OptText = ""


class GroupRef(Model):
    """A reference to a named recipient group inside a Nơi nhận list."""

    nhom: Text


class Profile(Model):
    """The office profile: defaults and named signers and recipient groups."""

    co_quan: ProfileCoQuan | None = None
    cuoc_hop: ProfileCuocHop | None = None
    nguoi_ky: dict[str, NguoiKy] = Field(default_factory=dict)
    nhom_noi_nhan: dict[str, Lines] = Field(default_factory=dict)
    noi_nhan: tuple[Annotated[str, Field(min_length=1)] | GroupRef, ...] = ()
    luu: Luu | None = None
    chuc_danh: Declaration = None  # who heads, deputises, heads a unit: checked against signer chains [T-20]


@dataclass(frozen=True)
class MergedLocated(Located):
    """Located data assembled from several files: each subtree remembers the file it came from."""

    origins: dict[Path_, str] = field(default_factory=dict)
    chuc_danh: Any = None  # the profile's declared roles, read by the signer-chain check (authority.roles_for)

    def problem(self, path: Path_, message: str, rule: str = "", at_key: bool = False) -> Problem:
        """Build a Problem located in whichever file the value at ``path`` came from."""
        base = super().problem(path, message, rule, at_key)
        p = tuple(path)
        while p and p not in self.origins:
            p = p[:-1]
        return Problem(self.origins.get(p, self.file), base.line, base.col, base.field, base.message, base.rule)


def load_profile(path: Path, shown: str, raw: bytes | None = None) -> tuple[Located | None, list[Problem]]:
    """Load and validate a profile file (or its ``raw`` bytes at a revision); return it or every problem."""
    located, problems = load_file(path, shown) if raw is None else load_bytes(raw, shown)
    if located is None:
        return None, problems
    data, problems = clean_text(located)
    located = Located(located.file, data, located.marks)
    try:
        Profile.model_validate(data)
    except ValidationError as exc:
        problems.extend(model_problems(located, exc, Profile))
    else:
        problems.extend(declaration_problems(located))
    return (None if problems else located), problems


def apply_profile(notice: Located, profile: Located | None) -> tuple[MergedLocated, list[Problem]]:
    """Return the notice with the profile's defaults filled in and named references resolved."""
    merger = _Merger(notice, profile)
    return merger.run()


class _Merger:
    def __init__(self, notice: Located, profile: Located | None) -> None:
        self.notice = notice
        self.profile = profile
        self.marks = dict(notice.marks)
        self.origins: dict[Path_, str] = {}
        self.problems: list[Problem] = []

    def _graft(self, value: Any, src: Path_, dst: Path_) -> Any:
        """Copy the profile's subtree at ``src`` to ``dst`` in the notice, with its marks."""
        assert self.profile is not None
        for path, mark in self.profile.marks.items():
            if path[: len(src)] == src:
                self.marks[(*dst, *path[len(src):])] = mark
        self.origins[dst] = self.profile.file
        return copy.deepcopy(value)

    def _pget(self, *path: str) -> Any:
        data = self.profile.data if self.profile else None
        for part in path:
            data = data.get(part) if isinstance(data, dict) else None
        return data

    def run(self) -> tuple[MergedLocated, list[Problem]]:
        data = copy.deepcopy(self.notice.data)
        if isinstance(data, dict):
            for key in MERGED_KEYS:
                self._merge_mapping(data, key)
            self._resolve_signer(data)
            self._expand_recipients(data)
        merged = MergedLocated(self.notice.file, data, self.marks, self.origins, self._pget(ROLES_KEY))
        return merged, self.problems

    def _merge_mapping(self, data: dict[str, Any], key: str) -> None:
        defaults = self._pget(key)
        if not isinstance(defaults, dict):
            return
        if key not in data:
            data[key] = self._graft(defaults, (key,), (key,))
            return
        if isinstance(data[key], dict):
            for sub, value in defaults.items():
                if sub not in data[key]:
                    data[key][sub] = self._graft(value, (key, sub), (key, sub))

    def _resolve_signer(self, data: dict[str, Any]) -> None:
        name = data.get("nguoi_ky")
        if not isinstance(name, str):
            return
        signers = self._pget("nguoi_ky")
        if isinstance(signers, dict) and name.strip() in signers:
            data["nguoi_ky"] = self._graft(signers[name.strip()], ("nguoi_ky", name.strip()), ("nguoi_ky",))
            return
        known = sorted(signers) if isinstance(signers, dict) else []
        self.problems.append(self.notice.problem(("nguoi_ky",), _unknown("signer", name, known, self.profile)))

    def _expand_recipients(self, data: dict[str, Any]) -> None:
        items = data.get("noi_nhan")
        src_root: Path_ = ("noi_nhan",)
        from_profile = False
        if items is None and isinstance(self._pget("noi_nhan"), list):
            items, from_profile = self._pget("noi_nhan"), True
        if not isinstance(items, list):
            return
        groups = self._pget("nhom_noi_nhan")
        groups = groups if isinstance(groups, dict) else {}
        out: list[Any] = []
        old_marks = {p: m for p, m in self.marks.items() if p[:1] == src_root}
        for p in old_marks:
            del self.marks[p]
        source_marks = self.profile.marks if from_profile and self.profile else old_marks
        for i, item in enumerate(items):
            ref = item.get("nhom") if isinstance(item, dict) and set(item) == {"nhom"} else None
            if ref is None:
                self._move(source_marks, (*src_root, i), ("noi_nhan", len(out)), from_profile)
                out.append(item)
                continue
            if isinstance(ref, str) and ref.strip() in groups:
                members = groups[ref.strip()]
                for j, member in enumerate(members if isinstance(members, list) else [members]):
                    dst: Path_ = ("noi_nhan", len(out))
                    self.marks[dst] = self.profile.marks.get(("nhom_noi_nhan", ref.strip(), j), (1, 1)) \
                        if self.profile else (1, 1)
                    if self.profile:
                        self.origins[dst] = self.profile.file
                    out.append(member)
                continue
            where = MergedLocated(self.profile.file if from_profile and self.profile else self.notice.file,
                                  None, source_marks)
            self.problems.append(
                where.problem((*src_root, i, "nhom"), _unknown("group", str(ref), sorted(groups),
                                                                self.profile))
            )
        self.marks[("noi_nhan",)] = source_marks.get(src_root, (1, 1))
        if from_profile and self.profile:
            self.origins[("noi_nhan",)] = self.profile.file
        data["noi_nhan"] = out

    def _move(self, marks: dict[Path_, tuple[int, int]], src: Path_, dst: Path_, from_profile: bool) -> None:
        for path, mark in marks.items():
            if path[: len(src)] == src:
                self.marks[(*dst, *path[len(src):])] = mark
        if from_profile and self.profile:
            self.origins[dst] = self.profile.file


def _unknown(kind: str, name: str, known: list[str], profile: Located | None) -> str:
    """Say that the named signer (``kind`` "signer") or recipient group ("group") is not in the profile."""
    if profile is None:
        text = (_("không có tệp {profile} nên không tra được người ký '{name}'") if kind == "signer"
                else _("không có tệp {profile} nên không tra được nhóm nơi nhận '{name}'"))
        return text.format(profile=PROFILE_NAME, name=name)
    text = (_("{profile} không có người ký tên '{name}'") if kind == "signer"
            else _("{profile} không có nhóm nơi nhận tên '{name}'"))
    message = text.format(profile=PROFILE_NAME, name=name)
    return message + (did_you_mean(name, known) or " " + _("(có: {names})").format(
        names=", ".join(known) or _("không có")))


class ProfileCache:
    """Load each office profile once per run and apply it to the notices below it."""

    def __init__(self) -> None:
        self._loaded: dict[tuple[Path, str | None], tuple[Located | None, list[Problem]]] = {}

    def profile(self, file: Path, revision: str | None = None) -> tuple[Located | None, list[Problem]]:
        """Return the profile that governs ``file`` (as it was at ``revision``) and its problems, once.

        Problems are returned only the first time, so a broken profile is reported once per run.
        """
        path = find_profile(file)
        if path is None:
            return None, []
        key = (path, revision)
        if key in self._loaded:
            return self._loaded[key][0], []
        if revision is None:
            self._loaded[key] = load_profile(path, display(path))
        else:
            try:
                raw = show_file(path, revision)
            except UsageError:
                self._loaded[key] = (None, [])  # the profile did not exist yet at that revision
            else:
                self._loaded[key] = load_profile(path, f"{display(path)}@{revision}", raw)
        return self._loaded[key]

    def apply(self, file: Path, notice: Located, revision: str | None = None) -> tuple[Located, list[Problem]]:
        """Return ``notice`` merged with the profile that governs ``file`` (problems of both)."""
        profile, problems = self.profile(file, revision)
        merged, found = apply_profile(notice, profile)
        return merged, problems + found


def without_echoes(problems: list[Problem], causes: list[Problem]) -> list[Problem]:
    """Drop model problems that only echo an unresolved profile reference (reported once is enough)."""
    roots = {c.field.split(".")[0].split("[")[0] for c in causes}
    return [p for p in problems if p.field.split(".")[0].split("[")[0] not in roots]
