"""Create files for the office: a new content repository, next month's notice and its invitation.

Why: staff write one of these notices every month. ``init`` gives a new office a working
repository in one command, with one example of each kind; ``new`` starts next month's notice
from the latest one, carrying what repeats (signer, recipients, attendees) and the previous
meeting's open tasks, and ``new --kind giay_moi`` the invitation to that meeting.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from vanban.commands.schema import PROFILE_SCHEMA, SCHEMA_DIR, kind_schema_file, modeline, write_schemas
from vanban.commands.tasks import AsOf, TaskRow, collect, select
from vanban.errors import ContentError, Problem, UsageError
from vanban.i18n import _
from vanban.pipeline import rules
from vanban.pipeline.kinds import loai_of
from vanban.pipeline.kinds.giay_moi import GiayMoi
from vanban.pipeline.loader import load_file
from vanban.pipeline.model import ThongBao
from vanban.pipeline.notice import Notice, load
from vanban.pipeline.output import write_atomic
from vanban.pipeline.status import date_warnings
from vanban.pipeline.templates import TEMPLATE_FILES, default_dir
from vanban.pipeline.validate.dates import MAX_YEAR, MIN_YEAR, in_range
from vanban.repo import PROFILE_NAME, repository_root

#: Keys of the latest notice that the next one carries over unchanged.
CARRIED = ("loai", "co_quan", "nguoi_ky", "noi_nhan", "luu")
#: Keys of the meeting that the next one carries over (date and agenda are new each month).
CARRIED_MEETING = ("hinh_thuc", "ten", "don_vi_to_chuc", "dia_diem", "chu_tri", "thanh_phan", "nghe")

#: The files ``init`` writes besides the schemas: the profile, one example of each kind.
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def examples() -> dict[Path, str]:
    """Return the example files, by their place in a new repository: ``vanban.yaml`` and ``content/…``."""
    files = [EXAMPLES / PROFILE_NAME, *sorted((EXAMPLES / "content").glob("*.yaml"))]
    return {path.relative_to(EXAMPLES): path.read_text(encoding="utf-8") for path in files}


def _schema_of(relative: Path, text: str) -> str:
    """Return the schema a new file points at: the profile's, or its own kind's."""
    if relative.name == PROFILE_NAME:
        return PROFILE_SCHEMA
    return kind_schema_file(loai_of(yaml.safe_load(text)))


def init(root: Path, force: bool = False) -> list[Path]:
    """Scaffold an office repository in ``root``: the profile, one example of each kind; return the files written.

    No templates: a copy would hide every later fix of vanban's own (``eject_templates`` makes
    one for an office that wants to restyle).
    """
    root.mkdir(parents=True, exist_ok=True)
    samples = examples()
    planned = [root / name for name in samples] + [root / ".gitignore"]
    _refuse_existing(planned, force)
    schemas = root / SCHEMA_DIR
    written = write_schemas(schemas)
    (root / "content").mkdir(exist_ok=True)
    texts = {root / name: modeline(_schema_of(name, text), (root / name).parent, schemas) + text
             for name, text in samples.items()}
    texts[root / ".gitignore"] = "/output/\n"
    for path, text in texts.items():
        write_atomic(path, text.encode("utf-8"))
        written.append(path)
    return written


def eject_templates(folder: Path, force: bool = False) -> list[Path]:
    """Copy vanban's default templates into ``folder`` for an office to restyle; return the files written.

    Why explicit: from then on the office's copies override vanban's own templates file by file,
    so they must be asked for; each carries the contract it was made for (templates.CONTRACT).
    """
    planned = [folder / name for name in TEMPLATE_FILES]
    _refuse_existing(planned, force)
    folder.mkdir(parents=True, exist_ok=True)
    for target in planned:
        write_atomic(target, (default_dir() / target.name).read_bytes())
    return planned


def _refuse_existing(planned: Sequence[Path], force: bool) -> None:
    existing = [p for p in planned if p.exists()]
    if existing and not force:
        names = ", ".join(str(p) for p in existing)
        raise UsageError(_("đã có tệp {names}; dùng --force để ghi đè").format(names=names))


# --- next month's notice ------------------------------------------------------------------


def _add_month(day: dt.date) -> dt.date:
    """Return the same day of the next month (or its last day); past 9999-12 there is none."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    if year > dt.MAXYEAR:
        raise UsageError(_("không có tháng nào sau tháng {month}/{year}; hãy cho --ngay-hop YYYY-MM-DD").format(
            month=day.month, year=day.year))
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _meeting_date(data: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(data["cuoc_hop"]["ngay"]).strip())
    except (KeyError, TypeError, ValueError):
        return None


def _shift_month_words(text: str, old: dt.date, new: dt.date) -> str:
    """Rewrite 'tháng 12 năm 2023' and 'tháng 12/2023' of the old meeting to the new meeting's month."""
    month = rf"0?{old.month}"
    text = re.sub(rf"tháng {month} năm {old.year}", f"tháng {new.month:02d} năm {new.year}", text)
    return re.sub(rf"tháng {month}/{old.year}", f"tháng {new.month:02d}/{new.year}", text)


def next_notice(latest: Path, meeting: dt.date | None, open_tasks: Sequence[TaskRow], as_of: AsOf,
                kind: str = "cuộc họp") -> tuple[str, dt.date]:
    """Return the YAML text of the notice after ``latest`` and its meeting date.

    ``open_tasks`` are the tasks of the chain of notices still open on ``as_of`` (``tasks.TaskRow``);
    they prefill the section that reports on the tasks given, each with the notice it came from.
    ``kind`` names the meeting ("phiên họp"), as the profile may supply it.
    """
    located, problems = load_file(latest)
    if located is None or not isinstance(located.data, dict):
        raise ContentError(problems)
    old = located.data
    old_day = _meeting_date(old)
    day = meeting or (_add_month(old_day) if old_day else None)
    if day is None:
        raise UsageError(_("không xác định được ngày họp; hãy cho --ngay-hop YYYY-MM-DD"))
    if not in_range(day):  # the draft must pass validation
        raise UsageError(_("ngày họp {day} nằm ngoài khoảng năm {first}–{last} của một thông báo; "
                           "hãy cho --ngay-hop YYYY-MM-DD trong khoảng đó").format(
                               day=day.isoformat(), first=MIN_YEAR, last=MAX_YEAR))
    new: dict[str, Any] = {k: old[k] for k in CARRIED if k in old}
    if isinstance(old.get("trich_yeu"), str | list):
        new["trich_yeu"] = _shift(old["trich_yeu"], old_day, day)
    meeting_data: dict[str, Any] = old["cuoc_hop"] if isinstance(old.get("cuoc_hop"), dict) else {}
    previous = f"{kind} tháng {old_day:%m/%Y}" if old_day else f"{kind} trước"
    new["cuoc_hop"] = {"ngay": day.isoformat(), **{k: meeting_data[k] for k in CARRIED_MEETING if k in meeting_data}}
    new["cuoc_hop"]["noi_dung"] = [f"Kết quả thực hiện nhiệm vụ giao tại {previous}", "[Nội dung họp]"]
    review: list[Any] = ["[Đánh giá chung kết quả thực hiện nhiệm vụ]"]
    by_unit: dict[str, list[Any]] = {}
    for task in open_tasks:
        notes = [task.source, *([f"hạn {rules.short_date(task.han)}"] if task.han else []),
                 task.status_label(as_of.day).lower()]
        by_unit.setdefault(task.don_vi or "Các đơn vị", []).append(
            {"gach": f"{task.text.rstrip(' .;')} ({'; '.join(notes)})."})
    review += [{"khoan": unit, "noi_dung": items} for unit, items in by_unit.items()]
    new["noi_dung"] = [
        {"muc": f"Kết quả thực hiện nhiệm vụ giao tại {previous}", "noi_dung": review},
        {"muc": f"Nhiệm vụ trọng tâm tháng {_add_month(day):%m/%Y}", "noi_dung": ["[Nội dung kết luận]"]},
    ]
    if "ket_thuc" in old:
        new["ket_thuc"] = _shift(old["ket_thuc"], old_day, day)
    order = ("loai", "co_quan", "trich_yeu", "cuoc_hop", "noi_dung", "ket_thuc", "nguoi_ky", "noi_nhan", "luu")
    new = {k: new[k] for k in order if k in new}
    body = yaml.safe_dump(new, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    header = (
        f"# Dự thảo tạo bởi `vanban new` từ {latest.name}: chưa có số và ngày ban hành;\n"
        "# điền các chỗ [ … ] rồi `vanban build`; `vanban build --final` từ chối bản còn chỗ trống.\n"
        f"# Nhiệm vụ chưa xong của mọi thông báo đến {latest.name}. {as_of.line(translated=False)}\n"
    )
    return header + body, day


_DAY = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
#: How far from the old meeting a date written in a carried text is taken as one of its dates.
_NEAR = dt.timedelta(days=45)


def _shift_days(text: str, old: dt.date, new: dt.date) -> str:
    """Move each date written dd/mm/yyyy near the old meeting ("báo cáo trước ngày 25/01/2024") with the meeting.

    Why: a carried note's deadline stands in the same relation to the next meeting; a date far
    from it (a decree's, a plan's) is left alone.
    """
    def moved(match: re.Match[str]) -> str:
        try:
            day = dt.date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            return match[0]
        return rules.short_date(day + (new - old)) if abs(day - old) <= _NEAR else match[0]

    return _DAY.sub(moved, text)


def _shift(value: Any, old: dt.date | None, new: dt.date) -> Any:
    if old is None:
        return value
    if isinstance(value, str):
        return _shift_days(_shift_month_words(value, old, new), old, new)
    if isinstance(value, list):
        return [_shift(v, old, new) for v in value]
    return value


def _latest(notices: Sequence[Notice], source: Path | None, content: Path, kinds: str) -> Notice:
    """Return the document the next one starts from: ``source``, else the one of the latest meeting.

    ``kinds`` names, for the message, what may be started from.
    """
    if source is not None:
        chosen = [n for n in notices if n.source.resolve() == source.resolve()]
        if not chosen:
            raise UsageError(_("{file} không nằm trong {folder} hoặc không phải {kinds}").format(
                file=source, folder=content, kinds=kinds))
        return chosen[0]
    if not notices:
        raise UsageError(_("{folder} chưa có {kinds} nào để làm gốc").format(folder=content, kinds=kinds))
    return max(notices, key=_order_of)


def write_draft(out: Path, text: str, loai: str) -> Path:
    """Write a new draft (its schemas refreshed, its first line pointing at its kind's schema); return it."""
    if out.exists():
        raise UsageError(_("{file} đã có; hãy chọn tên khác với --out").format(file=out))
    schemas = repository_root(out.parent) / SCHEMA_DIR
    write_schemas(schemas)
    write_atomic(out, (modeline(kind_schema_file(loai), out.parent, schemas) + text).encode("utf-8"))
    return out


def new_notice(content: Path, source: Path | None, meeting: dt.date | None, out: Path | None,
               as_of: AsOf | None = None) -> tuple[Path, list[Problem]]:
    """Write next month's draft notice into ``content``; return its path and the warnings on status dates.

    It carries every task still open on ``as_of`` (default: today in Vietnam) across the whole
    chain of notices up to the one it starts from, not only that one's: an overdue task of two
    months ago stays on the agenda until a notice records it done.
    """
    as_of = as_of or AsOf.of(None)
    everything = load([content])
    # Next month's notice follows a meeting's conclusions (not a công văn, an invitation or a general notice).
    notices = [n for n in everything if isinstance(n.model, ThongBao) and n.model.mau == "ket_luan"]
    latest = _latest(notices, source, content, _("thông báo kết luận"))
    chain = {n.stem for n in notices if _order_of(n) <= _order_of(latest)}
    rows = [r for r in select(collect(notices), open_only=True, as_of=as_of.day) if r.stem in chain]
    model = latest.model
    assert isinstance(model, ThongBao)
    kind = model.cuoc_hop.hinh_thuc if model.cuoc_hop else "cuộc họp"
    text, day = next_notice(latest.source, meeting, rows, as_of, kind)
    path = write_draft(out or _next_name(latest, day, "thong-bao"), text, "thong_bao")
    return path, date_warnings(everything, as_of.day)


def _order_of(notice: Notice) -> tuple[dt.date, dt.date, str]:
    """Return where a notice stands in the chain: by its meeting, then its issue date (a meeting may have no date)."""
    model = notice.model
    return model.own_date() or dt.date.min, model.ngay or dt.date.min, notice.stem


def _next_name(latest: Notice, day: dt.date, fallback: str) -> Path:
    """Return the new file beside ``latest``: its name with the new month, else ``<YYYY-MM>-<fallback>.yaml``."""
    stem = re.sub(r"^\d{4}-\d{2}", f"{day:%Y-%m}", latest.stem)
    return latest.source.parent / f"{stem if stem != latest.stem else f'{day:%Y-%m}-{fallback}'}.yaml"


#: Keys of the latest invitation that the next one carries over unchanged.
CARRIED_INVITATION = ("co_quan", "kinh_moi", "luu_y", "nguoi_ky", "noi_nhan", "luu")
#: What an invitation sent after a meeting's conclusions (not after another invitation) lists as recipients.
INVITED = "Như thành phần mời"
#: The hour a meeting starts when neither the profile nor the last invitation says (the author checks it).
DEFAULT_TIME = "08:00"


def new_invitation(content: Path, source: Path | None, meeting: dt.date | None, out: Path | None) -> Path:
    """Write the draft Giấy mời of next month's meeting into ``content``; return its path.

    It starts from the latest invitation (its invitees, notes, signer and recipients carried)
    or, before the first one, from the latest meeting's conclusions; the meeting's place,
    time, chair and attendees come from the profile's meeting defaults unless the invitation
    it follows gave its own [R-GM-1].
    """
    notices = [n for n in load([content]) if isinstance(n.model, GiayMoi | ThongBao) and n.model.own_date()]
    invitations = [n for n in notices if isinstance(n.model, GiayMoi)]
    latest = _latest(invitations or notices if source is None else notices, source, content,
                     _("giấy mời hay thông báo kết luận"))
    located, problems = load_file(latest.source)
    if located is None or not isinstance(located.data, dict):
        raise ContentError(problems)
    old, model = located.data, latest.model
    assert isinstance(model, GiayMoi | ThongBao)
    old_day = model.own_date()
    assert old_day is not None  # every document here has its meeting's date
    day = meeting or _add_month(old_day)
    moved = meeting is None and day.weekday() >= 5
    if moved:  # a month later may fall on a weekend: the working day after [R-GM-2]
        day += dt.timedelta(days=7 - day.weekday())
    if not in_range(day):
        raise UsageError(_("ngày họp {day} nằm ngoài khoảng năm {first}–{last} của một thông báo; "
                           "hãy cho --ngay-hop YYYY-MM-DD trong khoảng đó").format(
                               day=day.isoformat(), first=MIN_YEAR, last=MAX_YEAR))
    merged = model.cuoc_hop  # with the profile's defaults
    assert merged is not None
    own: dict[str, Any] = old["cuoc_hop"] if isinstance(old.get("cuoc_hop"), dict) else {}
    new: dict[str, Any] = {"loai": "giay_moi"}
    if isinstance(model, GiayMoi):
        new |= {k: _shift(old[k], old_day, day) for k in CARRIED_INVITATION if k in old}
        new["trich_yeu"] = _shift(old.get("trich_yeu"), old_day, day)
    else:
        new |= {k: old[k] for k in ("co_quan", "nguoi_ky", "luu") if k in old}
        name = " ".join(x for x in (merged.hinh_thuc, merged.ten) if x)
        new["trich_yeu"] = f"Dự {name} tháng {day:%m} năm {day.year}"
        new["noi_nhan"] = [INVITED]
    meeting_data = {k: own[k] for k in (*CARRIED_MEETING, "gio") if k in own and (isinstance(model, GiayMoi)
                                                                                   or k != "noi_dung")}
    meeting_data.pop("nghe", None)  # what a conclusion says it heard: no invitation prints it
    new["cuoc_hop"] = {"ngay": day.isoformat(), **meeting_data, "noi_dung": ["[Nội dung họp]"]}
    if isinstance(model, GiayMoi) and model.cuoc_hop.gio_ket_thuc is not None:  # its end, a day later if it was
        new["cuoc_hop"]["gio_ket_thuc"] = own.get("gio_ket_thuc")
        if model.cuoc_hop.ngay_ket_thuc is not None:
            new["cuoc_hop"]["ngay_ket_thuc"] = (day + (model.cuoc_hop.ngay_ket_thuc - old_day)).isoformat()
    guessed = merged.gio is None
    if guessed:
        new["cuoc_hop"]["gio"] = DEFAULT_TIME
    # What the invitation prints and neither the profile nor the last document gives: a blank to fill in.
    for key, blank in (("dia_diem", "[Địa điểm]"), ("don_vi_to_chuc", "[Cơ quan mời]")):
        if not getattr(merged, key):
            new["cuoc_hop"][key] = blank
    if not new.get("kinh_moi") and not merged.thanh_phan:
        new["kinh_moi"] = ["[Thành phần mời]"]
    order = ("loai", "co_quan", "trich_yeu", "cuoc_hop", "kinh_moi", "luu_y", "nguoi_ky", "noi_nhan", "luu")
    new = {k: new[k] for k in order if k in new}
    body = yaml.safe_dump(new, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    header = (f"# Dự thảo giấy mời tạo bởi `vanban new --kind giay_moi` từ {latest.source.name}: chưa có số và "
              "ngày ban hành;\n# điền các chỗ [ … ] rồi `vanban build`; `vanban issue` cấp số khi ban hành.\n")
    if guessed:
        header += f"# Giờ họp {DEFAULT_TIME} là giờ mặc định (vanban.yaml chưa có cuoc_hop.gio): hãy kiểm tra.\n"
    if moved:
        header += (f"# Một tháng sau cuộc họp trước là ngày nghỉ: ngày họp dời sang {rules.weekday(day)} "
                   f"{day:%d/%m/%Y}.\n")
    target = _next_name(latest, day, "giay-moi") if isinstance(model, GiayMoi) else \
        latest.source.parent / f"{day:%Y-%m}-giay-moi.yaml"
    return write_draft(out or target, header + body, "giay_moi")
