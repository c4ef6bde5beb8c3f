"""The office profile (vanban.yaml): defaults, named signers and recipient groups [issue 4]."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from vanban.commands.schema import kind_schema
from vanban.errors import ContentError
from vanban.pipeline.context import build_context
from vanban.pipeline.model import CuocHop, MeetingDefaults
from vanban.pipeline.notice import load
from vanban.pipeline.profile import Profile

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


def test_the_body_takes_its_seal_diameter_from_ky_so_and_the_column_fits_it(repo: Path) -> None:
    """R-SIG-9: ky_so.con_dau's real diameter reaches the notice (co_quan.con_dau_mm) and bounds the Nơi nhận."""
    notice = load([repo / "content"])[0]
    assert notice.model.co_quan.con_dau_mm is None  # no seal declared: the layout's 36 mm
    profile = repo / "vanban.yaml"
    profile.write_text(profile.read_text(encoding="utf-8")
                       + 'ky_so:\n  con_dau:\n    UBND: {anh: con-dau.png, duong_kinh_mm: "45"}\n', encoding="utf-8")
    text = (repo / "content" / "2024-01.yaml").read_text(encoding="utf-8")
    long_list = "noi_nhan:\n  - Sở Tài nguyên và Môi trường (Đ/c Hùng)\n"
    (repo / "content" / "2024-01.yaml").write_text(text + long_list, encoding="utf-8")
    notice = load([repo / "content"])[0]
    assert notice.model.co_quan.con_dau_mm == 45.0
    # The snapshot an issue freezes is the merged data: the diameter travels with the notice.
    assert notice.located.data["co_quan"]["con_dau_mm"] == "45"
    wide = build_context(notice.model.model_copy(update={"co_quan": notice.model.co_quan.model_copy(
        update={"con_dau_mm": None})}), "x").cot_noi_nhan_mm
    assert build_context(notice.model, "x").cot_noi_nhan_mm < wide
    # A wrong diameter is the profile's problem, at its line there.
    profile.write_text(profile.read_text(encoding="utf-8").replace('duong_kinh_mm: "45"', 'duong_kinh_mm: "450"'),
                       encoding="utf-8")
    problems = _problems(repo / "content")
    assert any("vanban.yaml:" in p and "duong_kinh_mm: đường kính con dấu 450 mm không hợp lý" in p for p in problems)


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


LETTER = """loai: cong_van
so: "12"
ngay: "2024-02-01"
trich_yeu: đôn đốc báo cáo tháng 01/2024
kinh_gui: Phòng Kinh tế
noi_dung: ["Đề nghị Phòng Kinh tế gửi báo cáo trước ngày 05/02/2024."]
nguoi_ky: pho-chanh-vp
"""
INVITATION = """loai: giay_moi
so: "3"
ngay: "2024-02-01"
trich_yeu: Dự phiên họp thường kỳ tháng 02 năm 2024
cuoc_hop: {ngay: "2024-02-05", gio: "08:00", dia_diem: Phòng họp tầng 2}
nguoi_ky: pho-chanh-vp
"""


def test_a_letter_does_not_take_the_notices_default_recipients(repo: Path) -> None:
    """A công văn's Nơi nhận is "Như trên" and its own recipients, never the profile's notice list."""
    path = repo / "content" / "letter.yaml"
    path.write_text(LETTER, encoding="utf-8")
    assert build_context(load([path])[0].model, "x").noi_nhan == ("- Như trên;", "- Lưu: VT, VP.")
    # A group of the profile, named in its own Nơi nhận, still expands.
    path.write_text(LETTER + "noi_nhan: [{nhom: thuong-truc}]\n", encoding="utf-8")
    assert build_context(load([path])[0].model, "x").noi_nhan == (
        "- Như trên;", "- Thường trực Thị ủy;", "- Thường trực HĐND thị xã;", "- Lưu: VT, VP.")


def test_an_invitation_without_recipients_is_told_to_name_them_not_to_use_the_profile(repo: Path) -> None:
    path = repo / "content" / "invitation.yaml"
    path.write_text(INVITATION, encoding="utf-8")
    assert _problems(path) == [
        f"{path}:1:1: noi_nhan: thiếu trường bắt buộc 'noi_nhan'; ví dụ: noi_nhan: [Các phòng, ban chuyên môn, "
        "UBND các thôn] [R-NN-2]"]  # no "có thể ghi một lần trong vanban.yaml": it would not be taken
    # The kind's JSON Schema says so too: only the Thông báo may leave noi_nhan to the profile.
    assert "noi_nhan" in kind_schema("giay_moi")["required"] and "noi_nhan" not in kind_schema("thong_bao")["required"]
    path.write_text(INVITATION + "noi_nhan: [Như thành phần mời, {nhom: thuong-truc}]\n", encoding="utf-8")
    assert build_context(load([path])[0].model, "x").noi_nhan == (
        "- Như thành phần mời;", "- Thường trực Thị ủy;", "- Thường trực HĐND thị xã;", "- Lưu: VT, VP.")


def test_the_profiles_meeting_is_a_meeting_without_its_day_and_agenda(repo: Path) -> None:
    """One set of fields: what the profile may give of a meeting is what a meeting takes from it."""
    assert Profile.model_fields["cuoc_hop"].annotation == MeetingDefaults | None
    assert issubclass(CuocHop, MeetingDefaults)
    assert set(CuocHop.model_fields) - set(MeetingDefaults.model_fields) == {"ngay", "noi_dung"}
    profile = repo / "vanban.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace(
        "  hinh_thuc: phiên họp\n", "  hinh_thuc: phiên họp\n  ngay: \"2024-01-05\"\n  gio: 14h\n"), encoding="utf-8")
    found = [p.split(": ", 1)[1] for p in _problems(repo / "content")]
    assert found[:2] == ["cuoc_hop.ngay: trường 'ngay' không được phép ở đây (các trường hợp lệ: gio, hinh_thuc, ten, "
                         "don_vi_to_chuc, dia_diem, chu_tri, thanh_phan, nghe)",
                         "cuoc_hop.gio: giờ phải viết dạng HH:MM (24 giờ), ví dụ '14:00'"]
