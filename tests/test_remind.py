"""`vanban remind`: the công văn đôn đốc drafted from the tasks overdue on a day, in the office's own words.

Why: the reminder is the register of tasks turned into a letter; it must address exactly the
units with late tasks (Kính gửi) [R-EL-9a], cite each task's notice by number and date and its
deadline [R-BODY-8], say "- Như trên;" first [R-NN-4], and be a valid draft that builds at once.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers import ROOT, context_of
from vanban.cli import main
from vanban.commands.tasks import collect, select
from vanban.pipeline.notice import load

REAL = ROOT / "tests" / "fixtures" / "real"
LETTER = Path("content") / "2024-02-05-cong-van-don-doc.yaml"


def _data(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_remind_drafts_a_letter_that_checks_and_builds(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The overdue task's unit is addressed; the task is cited with its notice and deadline; it builds at once."""
    capsys.readouterr()
    assert main(["remind", "--as-of", "2024-02-05"]) == 0
    assert "công văn đôn đốc 1 nhiệm vụ quá hạn" in capsys.readouterr().out
    text = LETTER.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/vanban-cong-van.schema.json\n")
    data = _data(LETTER)
    assert data["loai"] == "cong_van" and "so" not in data and "ngay" not in data
    assert data["kinh_gui"] == ["Phòng Kinh tế"]
    (unit,) = data["noi_dung"][1:]
    assert unit["khoan"] == "Phòng Kinh tế"
    assert unit["noi_dung"] == [{"gach": "Tập trung chỉ đạo sản xuất cây trồng vụ Xuân đạt diện tích theo kế hoạch "
                                         "(Thông báo số 01/TB-UBND ngày 05/01/2024; thời hạn: trước ngày 31/01/2024)."}]
    assert "đến ngày 05/02/2024" in data["noi_dung"][0] and "trước ngày 12/02/2024" in data["ket_thuc"]
    assert main(["check"]) == 0
    assert main(["build", str(LETTER), "-o", "out"]) == 0
    assert (office / "out" / f"{LETTER.stem}.pdf").read_bytes().startswith(b"%PDF")
    ctx = context_of(LETTER)
    assert ctx.noi_nhan == ("- Như trên;", "- Chủ tịch, các PCT UBND thị xã (để b/c);", "- Lưu: VT, VP.")
    assert ctx.ho_ten == "Lê Văn Bình" and ctx.trich_yeu_text == "V/v đôn đốc thực hiện nhiệm vụ quá hạn"
    assert ctx.kinh_gui is not None and ctx.kinh_gui.lines == ("Kính gửi: Phòng Kinh tế",)
    assert ctx.so_ky_hieu.endswith("/UBND-VP")


def test_nothing_overdue_writes_nothing(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["remind", "--as-of", "2024-01-20"]) == 0
    assert "Không có nhiệm vụ nào quá hạn đến ngày 20/01/2024" in capsys.readouterr().out
    assert not list((office / "content").glob("*don-doc*"))


def test_the_office_words_its_reminders_in_the_profile(office: Path) -> None:
    """``don_doc`` in vanban.yaml: opening, closing, days to report, signer, recipients, drafting unit."""
    profile = office / "vanban.yaml"
    text = profile.read_text(encoding="utf-8").split("don_doc:")[0]
    profile.write_text(text + "don_doc:\n  trich_yeu: chấn chỉnh việc chậm thực hiện nhiệm vụ\n"
                       "  mo_dau: \"Kiểm tra ngày {ngay}, các đơn vị sau còn nhiệm vụ quá hạn:\"\n"
                       "  ket_thuc: \"Báo cáo trước ngày {han}.\"\n  han_ngay: \"3\"\n  nguoi_ky: pho-chanh-vp\n"
                       "  noi_nhan: []\n  don_vi_soan_thao: TH\n", encoding="utf-8")
    assert main(["remind", "--as-of", "2024-02-05", "-o", "content/nhac.yaml"]) == 0
    data = _data(office / "content" / "nhac.yaml")
    assert data["noi_dung"][0] == "Kiểm tra ngày 05/02/2024, các đơn vị sau còn nhiệm vụ quá hạn:"
    assert data["ket_thuc"] == "Báo cáo trước ngày 08/02/2024."
    ctx = context_of(office / "content" / "nhac.yaml")
    assert ctx.so_ky_hieu.endswith("/UBND-TH") and ctx.ho_ten == "Nguyễn Mạnh Hùng"
    assert ctx.noi_nhan == ("- Như trên;", "- Lưu: VT, VP.")  # not the profile's recipients of notices
    assert ctx.trich_yeu_text == "V/v chấn chỉnh việc chậm thực hiện nhiệm vụ"
    assert main(["remind", "--as-of", "2024-02-05", "-o", "content/nhac.yaml"]) == 2  # never overwritten


def test_many_units_lead_units_and_schedules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every unit answerable for a late task is addressed once, in order; a lead unit, not the co-ordinating one."""
    content = tmp_path / "content"
    shutil.copytree(REAL, content)
    monkeypatch.chdir(tmp_path)
    rows = select(collect(load([content])), overdue=True, as_of=dt.date(2026, 12, 31))
    assert main(["remind", "content", "--as-of", "2026-12-31"]) == 0
    path = content / "2026-12-31-cong-van-don-doc.yaml"
    data = _data(path)
    addressed = data["kinh_gui"]
    assert len(addressed) == len(set(addressed)) >= 8
    assert "Sở Xây dựng" in addressed and "Sở Tài chính" in addressed  # XD-01's lead, TC-01's unit
    listed = [item["gach"] for unit in data["noi_dung"][1:] for item in unit["noi_dung"]]
    assert len(listed) >= len(rows)  # a task given to two units is listed under each
    xd = next(u for u in data["noi_dung"][1:] if u["khoan"] == "Sở Xây dựng")
    assert any("221/TB-UBND ngày 14/09/2026; thời hạn: trước ngày 21/9/2026" in i["gach"] for i in xd["noi_dung"])
    assert main(["check", str(path)]) == 0
    ctx = context_of(path)
    assert ctx.kinh_gui is not None and not ctx.kinh_gui.one_line and ctx.kinh_gui.items[-1].endswith(".")


def test_marks_in_task_text_are_read_back_as_plain_words(office: Path) -> None:
    """A task's words are plain in the letter: a "^" the author escaped stays one "^", never a mark."""
    notice = office / "content" / "2023-12-phien-hop-thuong-ky.yaml"
    notice.write_text(notice.read_text(encoding="utf-8").replace(
        "đạt diện tích theo kế hoạch.", "đạt diện tích ^^ theo ^dam[kế hoạch]."), encoding="utf-8")
    assert main(["remind", "--as-of", "2024-02-05"]) == 0
    ctx = context_of(office / LETTER)
    line = next(b for b in ctx.body if b.kind == "gach")
    assert "đạt diện tích ^ theo kế hoạch (Thông báo số 01/TB-UBND" in line.text
    assert not any(r.bold or r.italic or r.note for r in line.runs)  # no mark comes back (a date is only no-break)
