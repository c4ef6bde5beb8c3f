"""Create files for the office: a new content repository, and next month's notice.

Why: staff write one of these notices every month. ``init`` gives a new office a working
repository in one command; ``new`` starts next month's notice from the latest one, carrying
what repeats (signer, recipients, attendees) and the previous meeting's open tasks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from vanban.commands.schema import CONTENT_SCHEMA, PROFILE_SCHEMA, SCHEMA_DIR, modeline, write_schemas
from vanban.commands.tasks import AsOf, TaskRow, collect, select
from vanban.errors import ContentError, Problem, UsageError
from vanban.i18n import _
from vanban.pipeline import rules
from vanban.pipeline.loader import load_file
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

_PROFILE_EXAMPLE = """\
# Hồ sơ cơ quan: những gì lặp lại ở mọi thông báo. Thông báo có thể ghi đè bất kỳ trường nào.
co_quan:
  ten: [ỦY BAN NHÂN DÂN, THỊ XÃ HOÀNG MAI]
  viet_tat: UBND
  dia_danh: Hoàng Mai
cuoc_hop:
  hinh_thuc: phiên họp
  ten: thường kỳ
  don_vi_to_chuc: UBND thị xã
  chu_tri:
    ho_ten: Nguyễn Hữu An
    chuc_vu: Chủ tịch UBND thị xã
  thanh_phan:
    - đại diện Thường trực HĐND thị xã
    - Ủy viên UBND thị xã
    - lãnh đạo các phòng, ban chuyên môn
nguoi_ky:                       # người ký, gọi theo tên trong thông báo: nguoi_ky: pho-chanh-vp
  chanh-vp:
    chuc_vu: [TL. CHỦ TỊCH, CHÁNH VĂN PHÒNG]
    ho_ten: Lê Văn Bình
  pho-chanh-vp:
    chuc_vu: [TL. CHỦ TỊCH, KT. CHÁNH VĂN PHÒNG, PHÓ CHÁNH VĂN PHÒNG]
    ho_ten: Nguyễn Mạnh Hùng
nhom_noi_nhan:                  # nhóm nơi nhận, dùng trong thông báo: - nhom: cac-phong-ban
  thuong-truc:
    - Thường trực Thị ủy
    - Thường trực HĐND thị xã
  cac-phong-ban:
    - Các phòng, cơ quan chuyên môn UBND thị xã
    - UBND các xã, phường
noi_nhan:                       # nơi nhận mặc định
  - nhom: thuong-truc
  - Chủ tịch, các PCT UBND thị xã
  - nhom: cac-phong-ban
luu:
  don_vi: VP
"""

_NOTICE_EXAMPLE = """\
# Thông báo mẫu: sửa nội dung rồi chạy `vanban build`.
so: "01"
ngay: "2024-01-05"
trich_yeu: Kết luận của Chủ tịch UBND thị xã tại phiên họp thường kỳ tháng 12 năm 2023
cuoc_hop:
  ngay: "2023-12-27"
  noi_dung:
    - Báo cáo kết quả thực hiện kế hoạch tháng 12/2023 và nhiệm vụ trọng tâm tháng 01/2024
noi_dung:
  - muc: Kết quả đạt được
    noi_dung: |                 # gõ như văn bản: nhãn 1., a), -, + ở đầu dòng; không cần ngoặc kép
      Trong tháng 12/2023, UBND thị xã đã tập trung chỉ đạo hoàn thành các chỉ tiêu kinh tế - xã hội năm 2023.
      1. Về kinh tế:
      - Năng suất lúa tăng 56,2 tạ/ha (vượt #2 chỉ tiêu so với kế hoạch).
  - muc: Nhiệm vụ trọng tâm tháng 01/2024
    noi_dung:
      - khoan: Phòng Kinh tế
        don_vi: Phòng Kinh tế
        noi_dung:
          - nhiem_vu: Tập trung chỉ đạo sản xuất cây trồng vụ Xuân đạt diện tích theo kế hoạch.
            ma: KT-01
            han: "2024-01-31"
ket_thuc: UBND thị xã thông báo để các phòng, cơ quan, đơn vị liên quan biết, thực hiện.
nguoi_ky: pho-chanh-vp
"""


def init(root: Path, force: bool = False) -> list[Path]:
    """Scaffold an office repository in ``root``; return the files written.

    No templates: a copy would hide every later fix of vanban's own (``eject_templates`` makes
    one for an office that wants to restyle).
    """
    root.mkdir(parents=True, exist_ok=True)
    planned = [root / PROFILE_NAME, root / "content" / "2023-12-phien-hop-thuong-ky.yaml", root / ".gitignore"]
    _refuse_existing(planned, force)
    schemas = root / SCHEMA_DIR
    written = write_schemas(schemas)
    (root / "content").mkdir(exist_ok=True)
    texts = {
        planned[0]: modeline(PROFILE_SCHEMA, root, schemas) + _PROFILE_EXAMPLE,
        planned[1]: modeline(CONTENT_SCHEMA, planned[1].parent, schemas) + _NOTICE_EXAMPLE,
        planned[2]: "/output/\n",
    }
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


def _shift(value: Any, old: dt.date | None, new: dt.date) -> Any:
    if old is None:
        return value
    if isinstance(value, str):
        return _shift_month_words(value, old, new)
    if isinstance(value, list):
        return [_shift(v, old, new) for v in value]
    return value


def new_notice(content: Path, source: Path | None, meeting: dt.date | None, out: Path | None,
               as_of: AsOf | None = None) -> tuple[Path, list[Problem]]:
    """Write next month's draft notice into ``content``; return its path and the warnings on status dates.

    It carries every task still open on ``as_of`` (default: today in Vietnam) across the whole
    chain of notices up to the one it starts from, not only that one's: an overdue task of two
    months ago stays on the agenda until a notice records it done.
    """
    as_of = as_of or AsOf.of(None)
    notices = load([content])
    if source is not None:
        chosen = [n for n in notices if n.source.resolve() == source.resolve()]
        if not chosen:
            raise UsageError(_("{file} không nằm trong {folder}").format(file=source, folder=content))
        latest = chosen[0]
    else:
        latest = max(notices, key=_order_of)
    chain = {n.stem for n in notices if _order_of(n) <= _order_of(latest)}
    rows = [r for r in select(collect(notices), open_only=True, as_of=as_of.day) if r.stem in chain]
    kind = latest.model.cuoc_hop.hinh_thuc if latest.model.cuoc_hop else "cuộc họp"
    text, day = next_notice(latest.source, meeting, rows, as_of, kind)
    if out is None:
        stem = re.sub(r"^\d{4}-\d{2}", f"{day:%Y-%m}", latest.stem)
        out = latest.source.parent / f"{stem if stem != latest.stem else f'{day:%Y-%m}-thong-bao'}.yaml"
    if out.exists():
        raise UsageError(_("{file} đã có; hãy chọn tên khác với --out").format(file=out))
    schemas = repository_root(out.parent) / SCHEMA_DIR
    write_schemas(schemas)
    write_atomic(out, (modeline(CONTENT_SCHEMA, out.parent, schemas) + text).encode("utf-8"))
    return out, date_warnings(notices, as_of.day)


def _order_of(notice: Notice) -> tuple[dt.date, dt.date, str]:
    """Return where a notice stands in the chain: by its meeting, then its issue date (a meeting may have no date)."""
    model = notice.model
    meeting = (model.cuoc_hop.ngay if model.cuoc_hop else None) or dt.date.min
    return meeting, model.ngay or dt.date.min, notice.stem
