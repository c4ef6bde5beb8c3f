"""Dates at the ends of the calendar: a located error or a valid result, never "Lỗi nội bộ".

Why: ``0001-01-01`` and ``9999-12-31`` are dates Python accepts; a notice dated on them passed
validation and crashed the .docx renderer (its creation time in UTC falls before year 1), and
``vanban new`` after a meeting in December 9999 asked for a month that does not exist.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from vanban.cli import main
from vanban.errors import UsageError
from vanban.pipeline.drafting import add_month as _add_month
from vanban.pipeline.validate.dates import MAX_YEAR, MIN_YEAR, in_range

VALID = Path(__file__).parent / "catalogue" / "valid.yaml.txt"


def _notice(folder: Path, issued: str, meeting: str, deadline: str) -> Path:
    folder.mkdir(exist_ok=True)
    text = VALID.read_text(encoding="utf-8").replace('"2024-03-05"', f'"{issued}"')
    text = text.replace('"2024-03-01"', f'"{meeting}"').replace('"2024-03-20"', f'"{deadline}"')
    path = folder / f"{meeting[:7]}-ky-truoc.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("day", ["0001-01-01", "1944-12-31", "2100-01-01", "9999-12-31"])
@pytest.mark.parametrize("field", ["ngay", "meeting", "han"])
def test_a_date_outside_the_years_of_a_notice_is_a_located_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], day: str,
        field: str) -> None:
    dates = {"ngay": "2024-03-05", "meeting": "2024-03-01", "han": "2024-03-20"}
    dates[field] = day
    path = _notice(tmp_path / "content", dates["ngay"], dates["meeting"], dates["han"])
    monkeypatch.chdir(tmp_path)
    assert main(["build", str(path.relative_to(tmp_path)), "-o", "out"]) == 1
    err = capsys.readouterr().err
    assert "Lỗi nội bộ" not in err and "Traceback" not in err
    assert f"nằm ngoài khoảng {MIN_YEAR}–{MAX_YEAR} của một thông báo; hãy kiểm tra lại ngày '{day}'" in err
    assert not (tmp_path / "out").exists()


def test_the_first_and_last_days_of_the_range_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _notice(tmp_path / "a", f"{MIN_YEAR}-01-02", f"{MIN_YEAR}-01-01", f"{MIN_YEAR}-01-03")
    last = _notice(tmp_path / "b", f"{MAX_YEAR}-12-31", f"{MAX_YEAR}-12-30", f"{MAX_YEAR}-12-31")
    monkeypatch.chdir(tmp_path)
    assert main(["build", str(first.relative_to(tmp_path)), str(last.relative_to(tmp_path)), "-o", "out"]) == 0


@pytest.mark.parametrize(("as_of", "code"), [("0001-01-01", 2), ("9999-12-31", 2), ("1945-01-01", 0),
                                             ("2099-12-31", 0)])
def test_tasks_as_of_the_ends_of_the_calendar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str], as_of: str, code: int) -> None:
    path = _notice(tmp_path / "content", "2024-03-05", "2024-03-01", "2024-03-20")
    monkeypatch.chdir(tmp_path)
    assert main(["tasks", str(path.relative_to(tmp_path)), "--overdue", "--as-of", as_of]) == code
    err = capsys.readouterr().err
    assert "Lỗi nội bộ" not in err
    assert ("--as-of: năm" in err) is (code == 2)


@pytest.mark.parametrize("meeting", ["9999-12-15", "0001-01-01", "2100-01-01"])
def test_new_with_a_meeting_date_outside_the_range_is_a_usage_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], meeting: str) -> None:
    _notice(tmp_path / "content", "2024-03-05", "2024-03-01", "2024-03-20")
    monkeypatch.chdir(tmp_path)
    assert main(["new", "content", "--ngay-hop", meeting]) == 2
    err = capsys.readouterr().err
    assert "Lỗi nội bộ" not in err and f"ngày họp {meeting} nằm ngoài khoảng năm" in err


def test_new_after_the_last_month_of_the_range_is_a_usage_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _notice(tmp_path / "content", f"{MAX_YEAR}-12-20", f"{MAX_YEAR}-12-15", f"{MAX_YEAR}-12-30")
    monkeypatch.chdir(tmp_path)
    assert main(["new", "content"]) == 2
    assert f"ngày họp {MAX_YEAR + 1}-01-15 nằm ngoài khoảng năm" in capsys.readouterr().err
    assert main(["new", "content", "--ngay-hop", f"{MAX_YEAR}-12-28"]) == 0  # the last meeting day still works
    assert len(list((tmp_path / "content").glob("*.yaml"))) == 2


def test_there_is_no_month_after_december_9999() -> None:
    with pytest.raises(UsageError):
        _add_month(dt.date(9999, 12, 5))
    assert _add_month(dt.date(2024, 1, 31)) == dt.date(2024, 2, 29)


def test_range_bounds() -> None:
    assert in_range(dt.date(MIN_YEAR, 1, 1)) and in_range(dt.date(MAX_YEAR, 12, 31))
    assert not in_range(dt.date(MIN_YEAR - 1, 12, 31)) and not in_range(dt.date(MAX_YEAR + 1, 1, 1))
    assert not in_range(dt.date.min) and not in_range(dt.date.max)


@pytest.mark.parametrize(("han", "year"), [("trong năm 0000", "0000"), ("trong tháng 12/9999", "9999"),
                                           ("trước ngày 01/01/0001", "0001"),
                                           ("định kỳ 03 tuần/lần, kể từ 31/12/9999", "9999")])
def test_a_deadline_phrase_outside_the_range_is_one_located_error_in_vietnamese(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], han: str,
        year: str) -> None:
    path = _notice(tmp_path / "content", "2024-03-05", "2024-03-01", "2024-03-20")
    path.write_text(path.read_text(encoding="utf-8").replace('"2024-03-20"', f'"{han}"'), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", str(path.relative_to(tmp_path))]) == 1
    err = capsys.readouterr().err
    assert "Value error" not in err and "out of range" not in err  # the date library's words
    assert (f"han: năm {year} nằm ngoài khoảng {MIN_YEAR}–{MAX_YEAR} của một thông báo; "
            f"hãy kiểm tra lại ngày '{han}'") in err
