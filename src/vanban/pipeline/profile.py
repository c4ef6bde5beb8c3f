"""The office profile (``vanban.yaml``): what repeats in every notice of one office.

Why: the body's name, the place, the signers, the standard recipients and the attendees are
the same month after month. The profile holds them once; a notice refers to a signer or a
recipient group by name and may override any field. The merge happens on the located data,
before validation, so a problem in a value that came from the profile is reported at its
line in ``vanban.yaml``, like any content error.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError

from vanban.errors import Problem, UsageError
from vanban.hints import did_you_mean
from vanban.i18n import _, digits
from vanban.pipeline import kinds
from vanban.pipeline.authority import ROLES_KEY, Declaration, declaration_problems
from vanban.pipeline.ky_so import KySo
from vanban.pipeline.loader import Located, Path_, load_bytes, load_file
from vanban.pipeline.model import Lines, Luu, MeetingDefaults, Model, NguoiKy, OptText, PositiveInt, Text
from vanban.pipeline.validate import MAX_RECIPIENTS, MAX_TEXT_CHARS, clean_text, model_problems
from vanban.repo import PROFILE_NAME, ancestors, display, show_file

#: Keys of a notice whose mapping the profile fills in key by key (the notice wins).
MERGED_KEYS = ("co_quan", "cuoc_hop", "luu")
#: Every key of a notice the profile may fill in or resolve: while the profile is broken, a
#: notice's problems under these keys may only echo it, so they wait until it is fixed.
FILLED_KEYS = frozenset({*MERGED_KEYS, "nguoi_ky", "noi_nhan"})


class ProfileCoQuan(Model):
    """Issuing-body defaults: any field of a notice's ``co_quan``."""

    chu_quan: Lines = ()
    ten: Lines = ()
    viet_tat: OptText = ""
    dia_danh: OptText = ""


class GroupRef(Model):
    """A reference to a named recipient group inside a Nơi nhận list."""

    nhom: Text


class DonDoc(Model):
    """The office's standard reminder letter (công văn đôn đốc): its trích yếu, opening, closing, signer.

    Why in the profile (``don_doc:`` in vanban.yaml): each office words its reminders its own
    way, once; ``vanban remind`` fills in the overdue tasks. In ``mo_dau`` and ``ket_thuc``,
    ``{ngay}`` is the day the tasks are reviewed and ``{han}`` that day plus ``han_ngay`` days.
    """

    trich_yeu: Text = "đôn đốc thực hiện nhiệm vụ quá hạn"
    mo_dau: Text = ("Theo dõi việc thực hiện các nhiệm vụ được giao tại các thông báo kết luận, đến ngày {ngay} "
                    "các đơn vị sau chưa hoàn thành nhiệm vụ đúng thời hạn:")
    ket_thuc: Text = ("Đề nghị Thủ trưởng các đơn vị khẩn trương thực hiện, báo cáo kết quả trước ngày {han}; "
                      "trường hợp chưa hoàn thành, báo cáo rõ lý do và thời gian hoàn thành.")
    han_ngay: PositiveInt = 7
    nguoi_ky: OptText = ""  # a signer named in the profile's nguoi_ky; default: the latest notice's signer
    noi_nhan: Lines = ()  # recipients after "- Như trên;"
    don_vi_soan_thao: OptText = ""  # the drafting unit in the ký hiệu; default: the profile's Lưu unit


class Profile(Model):
    """The office profile: defaults and named signers and recipient groups."""

    co_quan: ProfileCoQuan | None = None
    cuoc_hop: MeetingDefaults | None = None  # what a meeting takes from the office, not its day or agenda
    nguoi_ky: dict[str, NguoiKy] = Field(default_factory=dict)
    nhom_noi_nhan: dict[str, Lines] = Field(default_factory=dict)
    noi_nhan: tuple[Annotated[str, Field(min_length=1)] | GroupRef, ...] = ()
    luu: Luu | None = None
    ky_so: KySo | None = None  # signature and seal images, trusted roots (docs/signing.md)
    don_doc: DonDoc | None = None  # the reminder letter `vanban remind` drafts (docs/kinds.md)
    danh_so: Literal["chung", "theo_loai"] = "chung"  # one number sequence for every kind, or one per kind
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
        return dataclasses.replace(base, file=self.origins.get(p, self.file))


def load_profile(path: Path, shown: str, raw: bytes | None = None) -> tuple[Located | None, list[Problem]]:
    """Load and validate a profile file (or its ``raw`` bytes at a revision); return it or every problem.

    The profile's own default Nơi nhận is expanded here too: an unknown group in it, or groups
    that expand past the limits, are the profile's problems, found once, at their line in it.
    """
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
    if not problems:
        _, found = apply_profile(Located(shown, {}, {}), located)
        problems.extend(found)
    return (None if problems else located), problems


def apply_profile(notice: Located, profile: Located | None,
                  broken: bool = False) -> tuple[MergedLocated, list[Problem]]:
    """Return the notice with the profile's defaults filled in and named references resolved.

    ``broken`` says a profile exists but could not be loaded: its references are then left
    unresolved without a word (its own problems say what is wrong), never "there is no profile".
    """
    merger = _Merger(notice, profile, broken)
    return merger.run()


class _Merger:
    def __init__(self, notice: Located, profile: Located | None, broken: bool = False) -> None:
        self.notice = notice
        self.profile = profile
        self.broken = broken
        self.marks = dict(notice.marks)
        self.origins: dict[Path_, str] = {}
        self.problems: list[Problem] = []
        # The profile's marks by their first key, so that copying a subtree reads only its own.
        self.profile_marks: dict[str | int, dict[Path_, tuple[int, int]]] = {}
        for path, mark in (profile.marks.items() if profile else ()):
            if path:
                self.profile_marks.setdefault(path[0], {})[path] = mark

    def _graft(self, value: Any, src: Path_, dst: Path_) -> Any:
        """Copy the profile's subtree at ``src`` to ``dst`` in the notice, with its marks."""
        assert self.profile is not None
        for path, mark in self.profile_marks.get(src[0], {}).items():
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
            for key in (k for k in MERGED_KEYS if kinds.takes(data, k)):  # a công văn has no meeting
                self._merge_mapping(data, key)
            self._seal(data)
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

    def _seal(self, data: dict[str, Any]) -> None:
        """Give the issuing body its seal's real diameter from ``ky_so.con_dau`` (by ``viet_tat``) [R-SIG-9].

        Why on the notice: the Nơi nhận column is fitted to keep that seal clear of its text,
        and the value then travels with the notice into the snapshot an issue freezes.
        """
        body = data.get("co_quan")
        if not isinstance(body, dict) or "con_dau_mm" in body or not isinstance(body.get("viet_tat"), str):
            return
        abbreviation = body["viet_tat"].strip()
        seal = self._pget("ky_so", "con_dau", abbreviation)
        if isinstance(seal, dict) and "duong_kinh_mm" in seal:
            body["con_dau_mm"] = self._graft(seal["duong_kinh_mm"], ("ky_so", "con_dau", abbreviation, "duong_kinh_mm"),
                                             ("co_quan", "con_dau_mm"))

    def _resolve_signer(self, data: dict[str, Any]) -> None:
        name = data.get("nguoi_ky")
        if not isinstance(name, str):
            return
        signers = self._pget("nguoi_ky")
        if isinstance(signers, dict) and name.strip() in signers:
            data["nguoi_ky"] = self._graft(signers[name.strip()], ("nguoi_ky", name.strip()), ("nguoi_ky",))
            return
        if self.broken:
            return  # the profile's own problems are reported; a guess here would only mislead
        known = sorted(signers) if isinstance(signers, dict) else []
        self.problems.append(self.notice.problem(("nguoi_ky",), _unknown("signer", name, known, self.profile)))

    def _expand_recipients(self, data: dict[str, Any]) -> None:
        """Replace each ``{nhom: name}`` of the Nơi nhận by the group's members, in place.

        Why counted here: a group of 5,000 names referenced 1,000 times is 5,000,000 recipients;
        the limits on recipients and on characters [R-NN-2] are held while expanding, and the
        expansion stops at the reference that crosses one, so a bomb costs what its file does.
        """
        items = data.get("noi_nhan")
        src_root: Path_ = ("noi_nhan",)
        from_profile = False
        if items is None and isinstance(self._pget("noi_nhan"), list) and kinds.takes(data, "noi_nhan"):
            items, from_profile = self._pget("noi_nhan"), True
        if not isinstance(items, list):
            return
        groups = self._pget("nhom_noi_nhan")
        groups = groups if isinstance(groups, dict) else {}
        old_marks = {p: m for p, m in self.marks.items() if p[:1] == src_root}
        for p in old_marks:
            del self.marks[p]
        source_marks = self.profile_marks.get("noi_nhan", {}) if from_profile else old_marks
        by_item: dict[Any, list[tuple[Path_, tuple[int, int]]]] = {}
        for path, mark in source_marks.items():
            if len(path) > 1:
                by_item.setdefault(path[1], []).append((path[2:], mark))
        where = MergedLocated(self.profile.file if from_profile and self.profile else self.notice.file,
                              None, source_marks)
        out: list[Any] = []
        chars = 0
        for i, item in enumerate(items):
            ref = item.get("nhom") if isinstance(item, dict) and set(item) == {"nhom"} else None
            if ref is None:
                for rest, mark in by_item.get(i, ()):
                    self.marks[("noi_nhan", len(out), *rest)] = mark
                if from_profile and self.profile:
                    self.origins[("noi_nhan", len(out))] = self.profile.file
                out.append(item)
                chars += len(item) if isinstance(item, str) else 0
                continue
            if not (isinstance(ref, str) and ref.strip() in groups):
                if not self.broken:
                    self.problems.append(where.problem(
                        (*src_root, i, "nhom"), _unknown("group", str(ref), sorted(groups), self.profile)))
                continue
            members = groups[ref.strip()]
            members = members if isinstance(members, list) else [members]
            size = sum(len(m) for m in members if isinstance(m, str))
            if len(out) + len(members) > MAX_RECIPIENTS or chars + size > MAX_TEXT_CHARS:
                self.problems.append(where.problem((*src_root, i, "nhom"), _too_many(
                    ref.strip(), len(out) + len(members), chars + size), "R-NN-2"))
                break  # the rest would only grow; one located error is enough
            chars += size
            for j, member in enumerate(members):
                dst: Path_ = ("noi_nhan", len(out))
                self.marks[dst] = self.profile.marks.get(("nhom_noi_nhan", ref.strip(), j), (1, 1)) \
                    if self.profile else (1, 1)
                if self.profile:
                    self.origins[dst] = self.profile.file
                out.append(member)
        self.marks[("noi_nhan",)] = source_marks.get(src_root, (1, 1))
        if from_profile and self.profile:
            self.origins[("noi_nhan",)] = self.profile.file
        data["noi_nhan"] = out


def _too_many(group: str, count: int, chars: int) -> str:
    """Say that expanding ``group`` makes the Nơi nhận longer than a notice may be."""
    if count > MAX_RECIPIENTS:
        return _("nhóm '{group}' làm danh sách nơi nhận vượt quá {limit} nơi (đã tới {count}); "
                 "hãy bớt nhóm hoặc gộp nơi nhận").format(group=group, limit=digits(MAX_RECIPIENTS),
                                                            count=digits(count))
    return _("nhóm '{group}' làm danh sách nơi nhận dài quá {limit} ký tự (đã tới {count}); "
             "hãy bớt nhóm hoặc gộp nơi nhận").format(group=group, limit=digits(MAX_TEXT_CHARS),
                                                       count=digits(chars))


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


def find_entry(start: Path) -> Path | None:
    """Return the nearest ``vanban.yaml`` at or above ``start``'s folder, whatever it is.

    Why not ``repo.find_profile``: it looks for a regular file only, so a ``vanban.yaml`` that
    is a folder, a FIFO or a dangling link would be skipped in silence and the notices would
    be checked without their profile; here it is found, and the loader says what it is.
    """
    for folder in ancestors(start):
        candidate = folder / PROFILE_NAME
        if candidate.exists() or candidate.is_symlink():
            return candidate
    return None


class ProfileCache:
    """Load each office profile once per run and apply it to the notices below it."""

    def __init__(self) -> None:
        self._loaded: dict[tuple[Path, str | None], tuple[Located | None, list[Problem]]] = {}

    def _load(self, file: Path, revision: str | None) -> tuple[Path | None, Located | None, list[Problem]]:
        """Return the path, the profile and every problem of the profile governing ``file`` (cached)."""
        path = find_entry(file)
        if path is None:
            return None, None, []
        key = (path, revision)
        if key not in self._loaded:
            if revision is None:
                self._loaded[key] = load_profile(path, _shown(path))
            else:
                try:
                    raw = show_file(path, revision)
                except UsageError:
                    self._loaded[key] = (None, [])  # the profile did not exist yet at that revision
                else:
                    self._loaded[key] = load_profile(path, f"{_shown(path)}@{revision}", raw)
        return (path, *self._loaded[key])

    def apply(self, file: Path, notice: Located, revision: str | None = None) -> tuple[Located, list[Problem]]:
        """Return ``notice`` merged with the profile that governs ``file`` (problems of both).

        A broken profile's problems come with every notice it governs (a run lists each
        problem once): they are what ``without_echoes`` needs to drop the notice's problems
        that only echo it.
        """
        _path, profile, problems = self._load(file, revision)
        merged, found = apply_profile(notice, profile, broken=bool(problems))
        return merged, problems + found


def _shown(path: Path) -> str:
    """Return the profile's path for messages: its folder resolved, the link itself never followed.

    Why: a ``vanban.yaml`` that is a link (to ``/dev/zero``, to nowhere, to itself) must be
    named as the author sees it, and resolving a link that loops raises.
    """
    return str(Path(display(path.parent)) / path.name)


def _root(field: str) -> str:
    return field.split(".")[0].split("[")[0]


def is_profile_file(shown: str) -> bool:
    """Tell whether a problem's file (``vanban.yaml`` or ``x/vanban.yaml@HEAD~1``) is an office profile."""
    return PROFILE_NAME in (Path(shown).name, Path(shown.rpartition("@")[0]).name)


def without_echoes(problems: list[Problem], causes: list[Problem]) -> list[Problem]:
    """Drop model problems that only echo an unresolved profile reference (reported once is enough).

    A cause in the profile file means the profile is broken: everything it fills in is then
    unknown, so the notice's problems under those keys wait until the profile is fixed.
    """
    roots = {_root(c.field) for c in causes}
    if any(is_profile_file(c.file) for c in causes):
        roots |= FILLED_KEYS
    return [p for p in problems if _root(p.field) not in roots]
