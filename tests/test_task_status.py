"""One notion of task status: tasks, new, diff and the per-unit extract read it the same way [issue 18].

Why: ``tasks`` ignored an update dated in the future while ``new`` counted it, ``new`` carried
only the previous notice's open tasks, the exports showed the latest status alone, and the
default as-of date (the machine's clock) was never shown. Every command now reads status
through ``TaskRow.status`` on one as-of date, and prints that date.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
import yaml

from helpers import ROOT
from vanban.cli import main
from vanban.commands import tasks
from vanban.pipeline.deadlines import parse
from vanban.pipeline.notice import load
from vanban.pipeline.status import Update

HISTORY = ROOT / "tests" / "fixtures" / "tasks" / "history"
JAN, FEB, MAR = (f"2024-0{m}-phien-hop.yaml" for m in (1, 2, 3))
#: In the February notice (01/02/2024): KT-02 reported done on 25/02, after the notice itself.
AHEAD = '    ma: KT-02\n    trang_thai: xong\n    ngay: "2024-02-25"\n'


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    """Return a copy of the three-month history (January gives tasks, February and March report)."""
    shutil.copytree(HISTORY, tmp_path / "thong-bao")
    return tmp_path / "thong-bao"


def _ahead(folder: Path) -> tuple[Path, int]:
    """Date February's update of KT-02 ahead; return the file and the line of that date."""
    feb = folder / FEB
    text = feb.read_text(encoding="utf-8").replace("    ma: KT-02\n    trang_thai: dang_lam\n", AHEAD)
    feb.write_text(text, encoding="utf-8")
    return feb, text[: text.index('ngay: "2024-02-25"')].count("\n") + 1


def test_an_update_dated_ahead_counts_nowhere_before_its_day_and_is_warned(
        folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feb, line = _ahead(folder)
    (folder / MAR).unlink()  # March's own "xong" would hide the point
    where = f"{feb}:{line}:11: cap_nhat_nhiem_vu[1].ngay: cảnh báo: "
    assert main(["tasks", str(folder), "--open", "--as-of", "2024-02-10"]) == 0
    captured = capsys.readouterr()
    assert where + "ngày cập nhật 25/02/2024 sau ngày 01/02/2024 của chính thông báo ghi nó" in captured.err
    assert where + "cập nhật ghi ngày 25/02/2024, sau ngày xét 10/02/2024: chưa được tính vào trạng thái " \
                   "nhiệm vụ 'KT-02'" in captured.err
    listed = [line for line in captured.out.splitlines() if "Tham mưu xây dựng kế hoạch tổ chức Tết" in line]
    assert len(listed) == 1 and "Chưa làm – quá hạn" in listed[0]
    # new reads the same status on the same day: the task is still on the agenda.
    assert main(["new", str(folder), "--tu", str(folder / FEB), "--as-of", "2024-02-10", "-o",
                 str(folder / "du-thao.yaml")]) == 0
    assert where + "cập nhật ghi ngày 25/02/2024" in capsys.readouterr().err
    draft = str(yaml.safe_load((folder / "du-thao.yaml").read_text(encoding="utf-8"))["noi_dung"])
    assert "Tham mưu xây dựng kế hoạch tổ chức Tết trồng cây đầu xuân Giáp Thìn (Thông báo số 05/TB-UBND ngày " \
           "02/01/2024; hạn 31/01/2024; chưa làm – quá hạn)." in draft
    # check says so too, on today's date (the update is no longer ahead of today, only of its notice).
    (folder / "du-thao.yaml").unlink()
    assert main(["check", str(folder)]) == 0
    err = capsys.readouterr().err
    assert where + "ngày cập nhật 25/02/2024 sau ngày 01/02/2024 của chính thông báo ghi nó" in err
    # From its day on, every command counts it.
    assert main(["tasks", str(folder), "--open", "--as-of", "2024-02-25"]) == 0
    assert "Tham mưu xây dựng kế hoạch tổ chức Tết" not in capsys.readouterr().out


def test_new_carries_every_open_task_of_the_chain_with_its_notice(folder: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", str(folder), "--as-of", "2024-03-10", "-o", str(folder / "2024-04.yaml")]) == 0
    data = yaml.safe_load((folder / "2024-04.yaml").read_text(encoding="utf-8"))
    review = {k["khoan"]: [g["gach"] for g in k["noi_dung"]] for k in data["noi_dung"][0]["noi_dung"][1:]}
    # Two months old, given in January, never reported done: still carried from March's notice.
    assert review == {
        "Phòng Quản lý đô thị": ["Tổ chức ra quân giải tỏa hành lang an toàn giao thông dịp tết Nguyên đán "
                                 "(Thông báo số 05/TB-UBND ngày 02/01/2024; hạn 19/01/2024; chưa làm – quá hạn)."],
        "Thanh tra": ["Kiểm tra, đôn đốc xử lý các vụ việc được UBND tỉnh giao (Thông báo số 05/TB-UBND ngày "
                      "02/01/2024; chưa làm)."],
    }
    rows = tasks.select(tasks.collect(load([folder / JAN, folder / FEB, folder / MAR])), open_only=True,
                        as_of=dt.date(2024, 3, 10))
    assert {r.ma for r in rows} == {"QLĐT-01", "TTr-01"}  # the same set tasks --open lists


def test_exports_carry_the_history_and_flag_a_task_done_late(tmp_path: Path) -> None:
    out = tmp_path / "nhiem-vu.csv"
    assert main(["tasks", str(HISTORY), "-f", "csv", "-o", str(out), "--as-of", "2024-03-10"]) == 0
    table = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    kt02 = next(r for r in table if r["Mã"] == "KT-02")
    # Due "trước ngày 31/01/2024", reported done on 20/02/2024.
    assert kt02["Trạng thái"] == "Đã xong trễ hạn"
    assert kt02["Lịch sử trạng thái"] == "Đang làm (01/02/2024); Đã xong (20/02/2024)"
    kt01 = next(r for r in table if r["Mã"] == "KT-01")
    assert kt01["Trạng thái"] == "Đã xong"  # done on 14/01, before its deadline
    assert {r["Tính đến ngày"] for r in table} == {"2024-03-10"}
    # As of a day before the second update, the history stops where the status does.
    assert main(["tasks", str(HISTORY), "-f", "csv", "-o", str(out), "--as-of", "2024-02-10"]) == 0
    table = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    kt02 = next(r for r in table if r["Mã"] == "KT-02")
    assert (kt02["Trạng thái"], kt02["Lịch sử trạng thái"]) == ("Đang làm – quá hạn", "Đang làm (01/02/2024)")


def test_the_xlsx_names_its_as_of_date(tmp_path: Path) -> None:
    import openpyxl
    out = tmp_path / "nhiem-vu.xlsx"
    assert main(["tasks", str(HISTORY), "-f", "xlsx", "-o", str(out), "--as-of", "2024-03-10"]) == 0
    sheet = openpyxl.load_workbook(out).active
    header = [c.value for c in sheet[1]]
    column = header.index("Tính đến ngày")
    assert {row[column].value for row in sheet.iter_rows(min_row=2)} == {dt.datetime(2024, 3, 10)}
    assert "Lịch sử trạng thái" in header


def test_without_as_of_the_table_says_it_used_today_in_vietnam(capsys: pytest.CaptureFixture[str]) -> None:
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()
    assert main(["tasks", str(HISTORY)]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last == f"Trạng thái tính đến ngày {today:%d/%m/%Y} (hôm nay, giờ Việt Nam; đổi bằng --as-of)."


def test_diff_shows_the_status_of_a_dropped_task(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = folder / JAN
    data = yaml.safe_load(old.read_text(encoding="utf-8"))
    kinh_te = data["noi_dung"][0]["noi_dung"][0]["noi_dung"]
    data["noi_dung"][0]["noi_dung"][0]["noi_dung"] = [t for t in kinh_te if t["ma"] != "KT-02"]
    new = folder.parent / "moi.yaml"
    new.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert main(["diff", str(old), str(new), "--as-of", "2024-02-10"]) == 0
    out = capsys.readouterr().out
    assert "- [KT-02] Phòng Kinh tế: Tham mưu xây dựng kế hoạch tổ chức Tết trồng cây đầu xuân Giáp Thìn. " \
           "(hạn 31/01/2024) — Đang làm – quá hạn" in out
    assert out.splitlines()[-1] == "Trạng thái tính đến ngày 10/02/2024 (theo --as-of)."


def test_the_extract_never_filters_by_status(folder: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """The per-unit extract is a TRÍCH SAO: the unit's parts verbatim, never cut by status [issue 15]."""
    out = tmp_path / "kinh-te.docx"
    assert main(["tasks", "--unit", "Phòng Kinh tế", "--open", "--as-of", "2024-02-10", "-f", "docx",
                 str(folder / JAN), "-o", str(out)]) == 2
    assert "không lọc theo trạng thái; bỏ --open, --overdue" in capsys.readouterr().err
    assert not out.exists()


def _row(han: str, history: tuple[Update, ...] = ()) -> tasks.TaskRow:
    deadline = parse(han)
    return tasks.TaskRow("x", "05/TB-UBND", dt.date(2024, 1, 2), "A-1", "Phòng A", "Việc.", deadline.due, history,
                         deadline.with_anchor(dt.date(2024, 1, 2)), ("Phòng A",), dt.date(2024, 1, 2))


def test_recurring_and_free_text_deadlines_follow_the_deadlines_doc() -> None:
    weekly = _row("hằng tuần, trước 15 giờ ngày thứ Năm",
                  (Update("y", "12/TB-UBND", dt.date(2024, 1, 11), "xong", ""),))
    # Never done once and for all: listed as recurring, still open, late when a period has no report.
    assert weekly.status_label(dt.date(2024, 1, 12)) == "Định kỳ"
    assert weekly.is_open(dt.date(2024, 1, 12))
    assert weekly.status_label(dt.date(2024, 1, 19)) == "Định kỳ – quá hạn"  # nothing for 18/01
    assert weekly.done_on(dt.date(2024, 1, 19)) is None
    free = _row("khi có yêu cầu")
    assert free.status_label(dt.date(2030, 1, 1)) == "Chưa làm"  # never overdue
    done = _row("khi có yêu cầu", (Update("y", "12/TB-UBND", dt.date(2024, 5, 1), "xong", ""),))
    assert done.status_label(dt.date(2030, 1, 1)) == "Đã xong"  # no deadline: never late either
