"""Tasks as data: listing, filters, status history, CSV/XLSX, per-unit extract, located errors."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import unicodedata
import zipfile
from pathlib import Path

import pytest

from helpers import ROOT, SEED
from vanban.cli import main
from vanban.commands import tasks
from vanban.commands.tasks import export
from vanban.errors import ContentError, UsageError
from vanban.pipeline.context import build_context
from vanban.pipeline.notice import load

HISTORY = ROOT / "tests" / "fixtures" / "tasks" / "history"
JAN, FEB, MAR = (HISTORY / f"2024-0{m}-phien-hop.yaml" for m in (1, 2, 3))


def _rows(*paths: Path) -> list[tasks.TaskRow]:
    return tasks.collect(load(list(paths)))


def _by_ma(rows: list[tasks.TaskRow]) -> dict[str, tasks.TaskRow]:
    return {r.ma: r for r in rows if r.ma}


def _line_col(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    """Return the 1-based line and column where the value of ``needle`` (``key: value``) starts."""
    index = -1
    for _ in range(occurrence + 1):
        index = text.index(needle, index + 1)
    index += len(needle.split(": ")[0]) + 2
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _copy_history(tmp_path: Path) -> Path:
    folder = tmp_path / "thong-bao"
    shutil.copytree(HISTORY, folder)
    return folder


# --- listing and filters ------------------------------------------------------------------


def test_seed_lists_every_task_of_the_notice() -> None:
    rows = _rows(SEED)
    # Independent count: every "nhiem_vu:" key written in the seed file.
    written = len(re.findall(r"^\s*- nhiem_vu:", SEED.read_text(encoding="utf-8"), flags=re.M))
    assert written == 56
    assert len(rows) == written
    assert {r.so for r in rows} == {"05/TB-UBND"}
    assert {r.ngay for r in rows} == {dt.date(2024, 1, 2)}
    assert all(r.don_vi for r in rows), "every seed task inherits a unit from its khoản"


def test_unit_filter_ignores_case_and_normalisation() -> None:
    rows = _rows(SEED)
    nfd = unicodedata.normalize("NFD", "PHÒNG KINH TẾ")
    assert nfd != "PHÒNG KINH TẾ"
    chosen = tasks.select(rows, unit=nfd)
    assert len(chosen) == 6
    assert {r.don_vi for r in chosen} == {"Phòng Kinh tế"}
    assert tasks.select(rows, unit="  phòng   kinh tế ") == chosen
    assert tasks.select(rows, unit="Phòng Kinh") == []  # a unit is matched whole, not by prefix


def test_cli_table_lists_one_row_per_task_with_number_date_and_status(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tasks", str(SEED), "--unit", "phòng tư pháp", "--as-of", "2024-01-10"]) == 0
    out = capsys.readouterr().out.splitlines()
    data = [line for line in out[2:] if line.startswith("05/TB-UBND")]
    assert len(data) == 2
    assert all("02/01/2024" in line and "Phòng Tư pháp" in line and "Chưa làm" in line for line in data)
    assert "Hoàn thành công tác hệ thống hóa văn bản kỳ 2019-2023." in out[3]
    assert out[-2:] == ["Tổng số: 2 nhiệm vụ.", "Trạng thái tính đến ngày 10/01/2024 (theo --as-of)."]


def test_draft_notice_is_listed_as_du_thao(tmp_path: Path) -> None:
    text = JAN.read_text(encoding="utf-8").replace('so: "05"\n', "").replace('ngay: "2024-01-02"\n', "")
    draft = tmp_path / "du-thao.yaml"
    draft.write_text(text, encoding="utf-8")
    rows = _rows(draft)
    assert {r.so for r in rows} == {"(dự thảo)"}
    assert {r.ngay for r in rows} == {None}


# --- status history -----------------------------------------------------------------------


def test_later_notices_record_the_status_history_of_earlier_tasks() -> None:
    rows = _by_ma(_rows(JAN, FEB, MAR))
    kt02 = rows["KT-02"]
    assert [(u.so, u.ngay, u.trang_thai) for u in kt02.history] == [
        ("12/TB-UBND", dt.date(2024, 2, 1), "dang_lam"),  # no ngay: the recording notice's date
        ("20/TB-UBND", dt.date(2024, 2, 20), "xong"),
    ]
    assert kt02.status(dt.date(2024, 1, 20)) == "chua_lam"
    assert kt02.status(dt.date(2024, 2, 10)) == "dang_lam"
    assert kt02.status(dt.date(2024, 2, 20)) == "xong"  # an update counts from its own day
    assert kt02.status() == "xong"
    assert rows["KT-01"].status() == "xong"
    assert rows["KT-01"].history[-1].ghi_chu == "Đã gieo cấy 100% diện tích"
    assert rows["QLĐT-01"].history[0].stem == "2024-02-phien-hop"  # referenced by file stem
    assert rows["TTr-01"].history == ()
    assert rows["KT-03"].so == "12/TB-UBND"
    assert [u.so for u in rows["KT-03"].history] == ["20/TB-UBND"]


def test_open_and_overdue_filters_depend_on_the_as_of_date() -> None:
    rows = _rows(JAN, FEB, MAR)
    feb10 = dt.date(2024, 2, 10)
    assert {r.ma for r in tasks.select(rows, overdue=True, as_of=feb10)} == {"KT-02", "QLĐT-01"}
    assert {r.ma for r in tasks.select(rows, open_only=True, as_of=feb10)} == {"KT-02", "QLĐT-01", "TTr-01",
                                                                                "KT-03"}
    mar10 = dt.date(2024, 3, 10)
    assert {r.ma for r in tasks.select(rows, open_only=True, as_of=mar10)} == {"QLĐT-01", "TTr-01"}
    assert {r.ma for r in tasks.select(rows, overdue=True, as_of=mar10)} == {"QLĐT-01"}
    assert {r.ma for r in tasks.select(rows, unit="phòng kinh tế", open_only=True, as_of=feb10)} == {"KT-02",
                                                                                                    "KT-03"}
    with pytest.raises(UsageError):
        tasks.select(rows, overdue=True)


def test_cli_overdue_lists_only_overdue_tasks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tasks", str(HISTORY), "--overdue", "--as-of", "2024-02-10"]) == 0
    out = capsys.readouterr().out
    assert "Tổng số: 2 nhiệm vụ." in out
    assert out.count("– quá hạn") == 2
    assert "KT-02" in out and "QLĐT-01" in out and "KT-01" not in out


def test_status_updates_are_not_rendered() -> None:
    notice = load([FEB])[0]
    texts = " ".join(build_context(notice.model, FEB.stem).paragraph_texts())
    assert notice.model.cap_nhat_nhiem_vu, "the fixture records updates"
    for update in notice.model.cap_nhat_nhiem_vu:
        assert update.ma not in texts
        if update.ghi_chu:
            assert update.ghi_chu not in texts


# --- located errors -----------------------------------------------------------------------


def test_unknown_task_id_is_a_located_error_in_check_and_tasks(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    folder = _copy_history(tmp_path)
    feb = folder / FEB.name
    text = feb.read_text(encoding="utf-8").replace("ma: KT-02\n", "ma: KT-20\n")
    feb.write_text(text, encoding="utf-8")
    line, col = _line_col(text, "ma: KT-20")
    expected = f"{feb}:{line}:{col}: cap_nhat_nhiem_vu[1].ma: thông báo 05/TB-UBND (2024-01-phien-hop) " \
               "không có nhiệm vụ mã 'KT-20'; có phải ý bạn là 'KT-02'?"
    for command in ("check", "tasks"):
        assert main([command, str(folder)]) == 1
        err = capsys.readouterr().err
        assert expected in err, err


def test_unknown_notice_is_an_error_for_tasks_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _copy_history(tmp_path)
    feb = folder / FEB.name
    text = feb.read_text(encoding="utf-8").replace('thong_bao: "2024-01-phien-hop"', 'thong_bao: "99/TB-UBND"')
    feb.write_text(text, encoding="utf-8")
    # check may run on any subset of notices: a reference outside it is not an error.
    assert main(["check", str(feb), str(folder / MAR.name)]) == 0
    capsys.readouterr()
    assert main(["tasks", str(folder)]) == 1
    line, col = _line_col(text, 'thong_bao: "99/TB-UBND"')
    err = capsys.readouterr().err
    assert f"{feb}:{line}:{col}: cap_nhat_nhiem_vu[2].thong_bao: không tìm thấy thông báo '99/TB-UBND'" in err


def test_same_number_in_another_year_is_resolved_by_date_or_reported(tmp_path: Path) -> None:
    folder = _copy_history(tmp_path)
    later = JAN.read_text(encoding="utf-8").replace('"2024-01-', '"2025-01-').replace('"2023-12-27"',
                                                                                     '"2024-12-27"')
    (folder / "2025-01-phien-hop.yaml").write_text(later, encoding="utf-8")
    # 05/TB-UBND of 2025 is later than the February 2024 notice, so "05/TB-UBND" there means 2024's.
    rows = _rows(folder)
    assert [u.so for u in _by_ma(rows[:4])["KT-02"].history] == ["12/TB-UBND", "20/TB-UBND"]
    assert {r.stem for r in rows if r.ma == "KT-02"} == {"2024-01-phien-hop", "2025-01-phien-hop"}
    # A notice issued after both cannot tell them apart: it must name the file.
    update = '  - thong_bao: "05/TB-UBND"\n    ma: KT-01\n    trang_thai: xong\n'
    march = (folder / MAR.name).read_text(encoding="utf-8").replace('"2024-03-04"', '"2025-03-04"')
    (folder / MAR.name).write_text(march.replace('"2024-02-28"', '"2025-02-28"') + update, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load([folder])
    problems = caught.value.problems
    assert [p.field for p in problems] == ["cap_nhat_nhiem_vu[0].thong_bao", "cap_nhat_nhiem_vu[2].thong_bao"]
    assert {p.message for p in problems} == {
        "số '05/TB-UBND' trùng ở nhiều thông báo (2024-01-phien-hop, 2025-01-phien-hop); hãy ghi tên tệp"}


def test_duplicate_task_id_in_one_notice_is_a_located_error(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "trung-ma.yaml"
    text = JAN.read_text(encoding="utf-8").replace("ma: KT-02\n", "ma: KT-01\n")
    bad.write_text(text, encoding="utf-8")
    assert main(["check", str(bad)]) == 1
    first, _ = _line_col(text, "ma: KT-01")
    line, col = _line_col(text, "ma: KT-01", occurrence=1)
    err = capsys.readouterr().err
    assert f"{bad}:{line}:{col}: noi_dung[0].noi_dung[0].noi_dung[1].ma: mã nhiệm vụ 'KT-01' đã dùng ở dòng " \
           f"{first}" in err


def test_update_dated_before_the_updated_notice_is_an_error(tmp_path: Path) -> None:
    folder = _copy_history(tmp_path)
    feb = folder / FEB.name
    feb.write_text(feb.read_text(encoding="utf-8").replace('ngay: "2024-01-14"', 'ngay: "2023-12-30"'),
                   encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load([folder])
    assert [p.field for p in caught.value.problems] == ["cap_nhat_nhiem_vu[0].ngay"]


@pytest.mark.parametrize(("han", "message"), [
    ("2024-02-30", "ngày '2024-02-30' không tồn tại"),
    ("2023-12-01", "thời hạn trước ngày cuộc họp"),
])
def test_impossible_or_early_deadline_is_a_located_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         han: str, message: str) -> None:
    bad = tmp_path / "han.yaml"
    text = JAN.read_text(encoding="utf-8").replace('han: "2024-01-31"', f'han: "{han}"')
    bad.write_text(text, encoding="utf-8")
    assert main(["check", str(bad)]) == 1
    line, col = _line_col(text, f'han: "{han}"')
    assert f"{bad}:{line}:{col}: noi_dung[0].noi_dung[0].noi_dung[1].han: {message}" in capsys.readouterr().err


def test_weekend_deadline_is_a_warning_and_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notice = tmp_path / "cuoi-tuan.yaml"
    text = JAN.read_text(encoding="utf-8").replace('han: "2024-01-19"', 'han: "2024-01-20"')
    notice.write_text(text, encoding="utf-8")
    assert dt.date(2024, 1, 20).weekday() == 5
    line, col = _line_col(text, 'han: "2024-01-20"')
    expected = f"{notice}:{line}:{col}: noi_dung[0].noi_dung[1].noi_dung[0].han: cảnh báo: " \
               "thời hạn 20/01/2024 rơi vào thứ Bảy"
    assert main(["check", str(notice)]) == 0
    captured = capsys.readouterr()
    assert expected in captured.err
    assert "Hợp lệ: 1 văn bản." in captured.out
    assert main(["build", str(notice), "-f", "pdf", "-o", str(tmp_path / "out"), "-j", "1"]) == 0
    assert expected in capsys.readouterr().err
    assert (tmp_path / "out" / "cuoi-tuan.pdf").is_file()


def test_weekday_deadlines_give_no_warning(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(JAN)]) == 0
    assert "cảnh báo" not in capsys.readouterr().err


# --- CSV and XLSX -------------------------------------------------------------------------


def test_csv_has_header_iso_dates_and_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "nhiem-vu.csv"
    assert main(["tasks", str(HISTORY), "-f", "csv", "-o", str(out), "--as-of", "2024-02-10"]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "BOM so spreadsheet programs read UTF-8"
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(table[0]) == export.COLUMNS
    assert len(table) == 1 + 5
    records = {row[2]: dict(zip(export.COLUMNS, row, strict=True)) for row in table[1:]}
    assert records["KT-01"] == {
        "Số thông báo": "05/TB-UBND", "Ngày thông báo": "2024-01-02", "Mã": "KT-01", "Đơn vị": "Phòng Kinh tế",
        "Nhiệm vụ": "Tập trung chỉ đạo sản xuất cây trồng vụ Xuân đạt diện tích theo kế hoạch.",
        "Hạn": "2024-01-15", "Trạng thái": "Đã xong", "Ngày cập nhật": "2024-01-14",
        "Ghi chú": "Đã gieo cấy 100% diện tích", "Tệp": "2024-01-phien-hop",
        "Lịch sử trạng thái": "Đã xong (14/01/2024)", "Tính đến ngày": "2024-02-10",
    }
    assert records["KT-02"]["Trạng thái"] == "Đang làm – quá hạn"
    assert records["TTr-01"]["Hạn"] == "" and records["TTr-01"]["Trạng thái"] == "Chưa làm"
    # Without -o the same CSV goes to standard output (no BOM there).
    capsys.readouterr()
    assert main(["tasks", str(HISTORY), "-f", "csv", "--as-of", "2024-02-10"]) == 0
    assert capsys.readouterr().out == raw.decode("utf-8-sig")


def test_xlsx_has_real_dates_frozen_header_and_widths(tmp_path: Path) -> None:
    import openpyxl
    out = tmp_path / "nhiem-vu.xlsx"
    assert main(["tasks", str(HISTORY), "-f", "xlsx", "-o", str(out), "--as-of", "2024-02-10"]) == 0
    sheet = openpyxl.load_workbook(out).active
    assert sheet.freeze_panes == "A2"
    assert tuple(c.value for c in sheet[1]) == export.COLUMNS
    assert all(c.font.bold for c in sheet[1])
    assert sheet.max_row == 1 + 5
    col = {name: i for i, name in enumerate(export.COLUMNS)}
    rows = list(sheet.iter_rows(min_row=2))
    kt01 = next(r for r in rows if r[col["Mã"]].value == "KT-01")
    for name, day in (("Ngày thông báo", dt.datetime(2024, 1, 2)), ("Hạn", dt.datetime(2024, 1, 15)),
                      ("Ngày cập nhật", dt.datetime(2024, 1, 14))):
        cell = kt01[col[name]]
        assert cell.value == day and cell.is_date
        assert cell.number_format == "DD/MM/YYYY"
    assert kt01[col["Nhiệm vụ"]].value == "Tập trung chỉ đạo sản xuất cây trồng vụ Xuân đạt diện tích theo kế hoạch."
    assert {r[col["Mã"]].value for r in rows} >= {"QLĐT-01"}
    widths = {name: sheet.column_dimensions[chr(ord("A") + i)].width for name, i in col.items()}
    assert all(w and w >= len(name) for name, w in widths.items()), widths
    assert widths["Nhiệm vụ"] > widths["Mã"] and widths["Nhiệm vụ"] <= 82


def test_xlsx_bytes_carry_no_clock(tmp_path: Path) -> None:
    rows = _rows(JAN, FEB, MAR)
    data = export.xlsx_bytes(rows, dt.date(2024, 3, 10))
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    core = archive.read("docProps/core.xml").decode()
    # Created and modified come from the newest date in the content (notice 20/TB-UBND of 04/03/2024).
    assert core.count("2024-03-04T00:00:00Z") == 2, core
    assert export.xlsx_bytes(rows, dt.date(2024, 3, 10)) == data


# --- per-unit extract ---------------------------------------------------------------------


def _flat(text: str) -> str:
    return "".join(text.split())


def test_extract_of_a_notice_never_issued_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The per-unit extract is a TRÍCH SAO: only of an issued notice (the copies themselves: test_copies.py)."""
    out = tmp_path / "kinh-te.pdf"
    assert main(["tasks", "--unit", "phòng kinh tế", "-f", "pdf", str(SEED), "-o", str(out)]) == 2
    assert "chưa phát hành (còn là dự thảo); chỉ sao văn bản đã phát hành" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("args", [
    ["-f", "pdf", str(SEED), "-o", "x.pdf"],  # no --unit
    ["-f", "pdf", "--unit", "Thanh tra", str(SEED)],  # no -o
    ["-f", "pdf", "--unit", "Thanh tra", str(SEED), str(JAN), "-o", "x.pdf"],  # two notices
    ["-f", "xlsx", str(SEED)],  # xlsx needs -o
    ["-f", "pdf", "--unit", "Thanh tra", "--open", str(SEED), "-o", "x.pdf"],  # a TRÍCH SAO copies, never filters
    ["-f", "pdf", "--unit", "Thanh tra", str(SEED), "-o", "x.docx"],  # -o of another format
])
def test_cli_extract_and_xlsx_usage_errors_exit_2(args: list[str], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["tasks", *args]) == 2
    assert list(tmp_path.iterdir()) == []


def test_misspelt_key_in_a_status_update_gets_a_hint(tmp_path: Path) -> None:
    folder = _copy_history(tmp_path)
    feb = folder / FEB.name
    text = feb.read_text(encoding="utf-8").replace("trang_thai:", "trang_thia:", 1)
    feb.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load([feb])
    messages = [str(p) for p in info.value.problems]
    line, _col = _line_col(text, "trang_thia: x")
    assert any(f"{FEB.name}:{line}:" in m and "trường 'trang_thia' không được phép ở đây; "
               "có phải ý bạn là 'trang_thai'?" in m for m in messages), messages
