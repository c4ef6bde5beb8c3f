"""The office profile (vanban.yaml): defaults, named signers and recipient groups [issue 4]."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from vanban.errors import ContentError
from vanban.pipeline.context import build_context
from vanban.pipeline.notice import load

FIXTURE = Path(__file__).parent / "fixtures" / "profile"


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """Return a copy of the fixture office repository (profile + one notice)."""
    shutil.copytree(FIXTURE, tmp_path / "office")
    return tmp_path / "office"


def _problems(path: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load([path])
    return [str(p) for p in info.value.problems]


def test_notice_takes_body_signer_and_recipients_from_the_profile(repo: Path) -> None:
    notice = load([repo / "content"])[0]
    ctx = build_context(notice.model, notice.stem)
    assert ctx.co_quan == ("ỦY BAN NHÂN DÂN", "THỊ XÃ HOÀNG MAI")
    assert ctx.dia_danh_ngay == "Hoàng Mai, ngày 01 tháng 02 năm 2024"
    assert ctx.chuc_vu == ("TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG")
    assert ctx.ho_ten == "Nguyễn Mạnh Hùng"
    # Groups expand in place, in order; the Lưu line comes from the profile's luu (R-NN-3).
    assert ctx.noi_nhan == (
        "- Thường trực Thị ủy;",
        "- Thường trực HĐND thị xã;",
        "- Chủ tịch, các PCT UBND thị xã;",
        "- Các phòng, cơ quan chuyên môn UBND thị xã;",
        "- UBND các xã, phường;",
        "- Lưu: VT, VP.",
    )
    # Default attendees and chair come from the profile's cuoc_hop.
    assert "Tham dự phiên họp có đại diện Thường trực HĐND, Ủy viên UBND thị xã." in ctx.body[0].text


def test_notice_fields_override_the_profile(repo: Path) -> None:
    notice_file = repo / "content" / "2024-01.yaml"
    text = notice_file.read_text(encoding="utf-8")
    text += "co_quan:\n  dia_danh: Quỳnh Lưu\n"
    text += "noi_nhan:\n  - nhom: thuong-truc\n  - Phòng Kinh tế\nluu:\n  so_ban: '3'\n"
    notice_file.write_text(text, encoding="utf-8")
    ctx = build_context(load([notice_file])[0].model, "x")
    assert ctx.dia_danh_ngay.startswith("Quỳnh Lưu, ngày")
    assert ctx.co_quan == ("ỦY BAN NHÂN DÂN", "THỊ XÃ HOÀNG MAI")  # other co_quan keys still from the profile
    assert ctx.noi_nhan == ("- Thường trực Thị ủy;", "- Thường trực HĐND thị xã;", "- Phòng Kinh tế;",
                            "- Lưu: VT, VP (3).")


def test_unknown_signer_name_is_located_in_the_notice_with_a_hint(repo: Path) -> None:
    notice_file = repo / "content" / "2024-01.yaml"
    notice_file.write_text(notice_file.read_text(encoding="utf-8").replace("nguoi_ky: pho-chanh-vp",
                                                                          "nguoi_ky: pho-chanh-v"), encoding="utf-8")
    problems = _problems(notice_file)
    assert len(problems) == 1
    assert problems[0].endswith(
        "2024-01.yaml:11:11: nguoi_ky: vanban.yaml không có người ký tên 'pho-chanh-v'; "
        "có phải ý bạn là 'pho-chanh-vp'?"
    )


def test_unknown_group_is_located_in_the_notice(repo: Path) -> None:
    notice_file = repo / "content" / "2024-01.yaml"
    notice_file.write_text(notice_file.read_text(encoding="utf-8") + "noi_nhan:\n  - nhom: cac-phong\n",
                           encoding="utf-8")
    problems = _problems(notice_file)
    assert len(problems) == 1
    assert "2024-01.yaml:13:11: noi_nhan[0].nhom: vanban.yaml không có nhóm nơi nhận tên 'cac-phong'" in problems[0]
    assert "'cac-phong-ban'" in problems[0]


def test_error_in_a_profile_value_is_located_in_the_profile(repo: Path) -> None:
    profile = repo / "vanban.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace(
        "chuc_vu: [TL. CHỦ TỊCH, KT. CHÁNH VĂN PHÒNG, PHÓ CHÁNH VĂN PHÒNG]",
        "chuc_vu: [TL. CHỦ TỊCH, TL. CHÁNH VĂN PHÒNG]"), encoding="utf-8")
    problems = _problems(repo / "content")
    assert len(problems) == 1
    assert "vanban.yaml:18:14: nguoi_ky.chuc_vu: chuỗi quyền hạn" in problems[0]
    assert problems[0].endswith("[T-20]")


def test_misspelt_profile_key_is_reported_with_a_hint(repo: Path) -> None:
    profile = repo / "vanban.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("nhom_noi_nhan:", "nhom_noinhan:"),
                       encoding="utf-8")
    problems = _problems(repo / "content")
    assert any("vanban.yaml:23:1: nhom_noinhan: trường 'nhom_noinhan' không được phép ở đây; "
               "có phải ý bạn là 'nhom_noi_nhan'?" in p for p in problems)


def test_profile_file_is_not_built_as_a_notice(repo: Path) -> None:
    notices = load([repo])
    assert [n.stem for n in notices] == ["2024-01"]


def test_misspelt_key_in_a_named_signer_gets_a_hint(repo: Path) -> None:
    profile = repo / "vanban.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("    ho_ten: Nguyễn Mạnh Hùng",
                                                                  "    ho_tenn: Nguyễn Mạnh Hùng"), encoding="utf-8")
    problems = _problems(repo / "content")
    assert any("vanban.yaml:19:5: nguoi_ky.pho-chanh-vp.ho_tenn: trường 'ho_tenn' không được phép ở đây; "
               "có phải ý bạn là 'ho_ten'?" in p for p in problems), problems


def _add_group(profile: Path, name: str, members: list[str]) -> None:
    text = profile.read_text(encoding="utf-8").replace(
        "nhom_noi_nhan:\n", f"nhom_noi_nhan:\n  {name}:\n" + "".join(f'    - "{m}"\n' for m in members))
    profile.write_text(text, encoding="utf-8")


def test_a_group_bomb_stops_at_the_reference_that_crosses_the_limit(repo: Path) -> None:
    """5,000 names referenced 1,000 times would be 5,000,000 recipients: stopped before any is copied."""
    _add_group(repo / "vanban.yaml", "bom", [f"UBND xã số {i}" for i in range(5000)])
    notice_file = repo / "content" / "2024-01.yaml"
    notice_file.write_text(notice_file.read_text(encoding="utf-8") + "noi_nhan:\n" + "  - nhom: bom\n" * 1000,
                           encoding="utf-8")
    problems = _problems(notice_file)
    assert len(problems) == 1
    # Stopped at the first reference (5.000 reached), not after expanding all thousand of them.
    assert problems[0].endswith("2024-01.yaml:13:11: noi_nhan[0].nhom: nhóm 'bom' làm danh sách nơi nhận vượt quá "
                                "2.000 nơi (đã tới 5.000); hãy bớt nhóm hoặc gộp nơi nhận [R-NN-2] (Nơi nhận, dòng 1)")


def test_limits_hold_on_the_expanded_text_too(repo: Path) -> None:
    member = ("Ủy ban nhân dân xã " * 3000)[:40_000].strip()
    _add_group(repo / "vanban.yaml", "dai", [member] * 5)
    notice_file = repo / "content" / "2024-01.yaml"
    notice_file.write_text(notice_file.read_text(encoding="utf-8") + "noi_nhan:\n" + "  - nhom: dai\n" * 3,
                           encoding="utf-8")
    problems = _problems(notice_file)
    assert len(problems) == 1 and "noi_nhan[2].nhom: nhóm 'dai' làm danh sách nơi nhận dài quá 500.000 ký tự" \
        in problems[0]


def test_many_recipients_merge_with_their_own_marks(repo: Path) -> None:
    """2,000 recipients merge, each located at its own line (the merge's cost is bench/run's business)."""
    notice_file = repo / "content" / "2024-01.yaml"
    text = notice_file.read_text(encoding="utf-8")
    notice_file.write_text(text + "noi_nhan:\n" + "".join(f"  - Đơn vị {i}\n" for i in range(2000)), encoding="utf-8")
    notice = load([notice_file])[0]
    assert len(notice.model.noi_nhan) == 2000
    first = text.count("\n") + 2  # the line after "noi_nhan:"
    assert notice.located.where(("noi_nhan", 1999)) == (first + 1999, 5)


@pytest.mark.parametrize("broken", [
    ("  viet_tat: UBND", "  viet_tat: [UBND"),
    ("nhom_noi_nhan:", "nhom_noinhan:"),
    ("    ho_ten: Nguyễn Mạnh Hùng", "    ho_ten: \"Nguyễn\u200b Mạnh Hùng\""),
], ids=["syntax", "misspelt-key", "invisible-character"])
def test_a_broken_profile_is_reported_alone(repo: Path, broken: tuple[str, str]) -> None:
    """Only the profile's own problem: never "there is no vanban.yaml", nor what the notice left to it."""
    profile = repo / "vanban.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace(*broken), encoding="utf-8")
    problems = _problems(repo / "content")
    assert len(problems) == 1, problems
    assert "vanban.yaml:" in problems[0] and "2024-01.yaml" not in problems[0]


@pytest.mark.parametrize("make", [
    lambda p: p.mkdir(),
    lambda p: os.mkfifo(p),
    lambda p: p.symlink_to("/dev/zero"),
    lambda p: p.symlink_to("khong-co.yaml"),
], ids=["folder", "fifo", "dev-zero", "dangling-link"])
def test_a_profile_that_is_not_a_regular_file_is_reported_not_skipped(repo: Path, make: Any) -> None:
    (repo / "vanban.yaml").unlink()
    make(repo / "vanban.yaml")
    problems = _problems(repo / "content")
    assert len(problems) == 1 and problems[0].split(":")[0].endswith("vanban.yaml"), problems
