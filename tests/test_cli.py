"""The command line: exit codes 0/1/2, messages, and nothing written on error."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import SEED
from vanban.cli import main


def test_check_valid_seed_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SEED)]) == 0
    assert "Hợp lệ: 1 văn bản." in capsys.readouterr().out


def test_build_writes_pdf_into_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["build", str(SEED), "--out", str(out), "--format", "pdf"]) == 0
    pdf = out / f"{SEED.stem}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in out.iterdir()) == [".vanban-manifest.json", pdf.name]  # no temp files left
    assert "Xong: 1 tệp." in capsys.readouterr().out


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--no-such-option"]) == 2
    assert "Lỗi: Không có tùy chọn '--no-such-option'." in capsys.readouterr().err


def test_invalid_content_exits_1_with_located_messages_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.yaml"
    shutil.copy(SEED, good)
    bad = tmp_path / "bad.yaml"
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("  ho_ten: Nguyễn Mạnh Hùng", "  ho_ten: TS. Nguyễn Mạnh Hùng").replace('so: "05"', 'so: "năm"')
    bad.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(tmp_path), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert any(": nguoi_ky.ho_ten: không ghi học hàm, học vị 'TS.' trước họ tên [R-SIG-2]" in ln for ln in lines)
    assert any("bad.yaml:" in ln and ": so: phải là số nguyên dương" in ln for ln in lines)
    assert lines[-1] == "Có 2 lỗi trong 1 tệp; không ghi tệp nào."
    assert "Traceback" not in err
    assert not out.exists()  # nothing is written when any input is invalid


def test_python_m_vanban_help_runs() -> None:
    result = subprocess.run([sys.executable, "-m", "vanban", "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "build" in result.stdout and "check" in result.stdout


def test_click_words_follow_the_language(capsys: pytest.CaptureFixture[str]) -> None:
    """Usage lines and click's own errors are Vietnamese by default and English with --lang en."""
    assert main(["build", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Cách dùng: vanban build") and "In hướng dẫn này rồi thoát." in out
    assert main(["--lang", "en", "build", "--no-such-option"]) == 2
    err = capsys.readouterr().err
    assert "Usage: vanban build" in err and "No such option '--no-such-option'" in err
    assert main(["--lang", "vi", "check", "--x"]) == 2
    assert "Không có tùy chọn '--x'" in capsys.readouterr().err


def test_check_reports_every_file_at_once_and_says_what_the_cross_checks_left_out(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 13, point 5: errors and warnings of every file in one pass; no 'không ghi tệp nào' from check."""
    good = tmp_path / "good.yaml"
    shutil.copy(SEED, good)
    (tmp_path / "broken.yaml").write_text("so: [1\n", encoding="utf-8")
    assert main(["check", str(tmp_path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{tmp_path / 'broken.yaml'}:2:1: ")
    assert err[-2] == (f"Các kiểm tra giữa các văn bản (số trùng, cập nhật nhiệm vụ) bỏ qua 1 tệp có lỗi: "
                       f"{tmp_path / 'broken.yaml'}.")
    assert err[-1] == "Có 1 lỗi trong 1 tệp."


def test_options_are_english_and_the_old_vietnamese_names_still_work_hidden(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 13, point 6: `new --from-notice/--meeting-date`; `--tu`/`--ngay-hop` kept for old scripts."""
    assert main(["new", "--help"]) == 0
    help_text = capsys.readouterr().out
    assert "--from-notice TỆP" in help_text and "--meeting-date NĂM-THÁNG-NGÀY" in help_text
    assert help_text.startswith("Cách dùng: vanban new [TÙY_CHỌN] [CONTENT]")
    assert "TEXT" not in help_text and "INTEGER" not in help_text and "[x>=1]" not in help_text
    assert "--tu" not in help_text and "--ngay-hop" not in help_text and "%Y" not in help_text
    from vanban.cli import cli

    names = {name for param in cli.commands["new"].params for name in getattr(param, "opts", [])}
    assert {"--from-notice", "--meeting-date", "--tu", "--ngay-hop"} <= names
