"""Who may sign: signer chains checked against the issuing body's roles [§8.1; T-20; issue 18].

Each invalid chain must be refused with a message that names the broken line and shows a
chain that is right for the body — what a chief would write in the margin.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from helpers import notice_yaml
from vanban.cli import main
from vanban.pipeline.authority import Roles, chain_problem, default_roles, roles_for, roles_from_profile

UBND = default_roles(["ỦY BAN NHÂN DÂN", "THỊ XÃ HOÀNG MAI"])
VAN_PHONG = default_roles(["VĂN PHÒNG HĐND VÀ UBND", "THỊ XÃ HOÀNG MAI"])
SO = default_roles(["SỞ NỘI VỤ"])
HDND = default_roles(["HỘI ĐỒNG NHÂN DÂN", "XÃ TÂN LẬP"])

VALID = [
    (UBND, ["CHỦ TỊCH"]),
    (UBND, ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),
    (UBND, ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
    (UBND, ["TM. ỦY BAN NHÂN DÂN", "Q. CHỦ TỊCH"]),
    (UBND, ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
    (UBND, ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH THƯỜNG TRỰC"]),
    (UBND, ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]),
    (UBND, ["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"]),
    (UBND, ["TUQ. CHỦ TỊCH", "GIÁM ĐỐC SỞ NỘI VỤ"]),
    (UBND, ["Q. CHỦ TỊCH"]),
    (UBND, ["tl. Chủ tịch", "Chánh Văn phòng"]),  # case is the context's job
    (VAN_PHONG, ["CHÁNH VĂN PHÒNG"]),  # the Văn phòng issues in its own name
    (VAN_PHONG, ["KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"]),
    (VAN_PHONG, ["Q. CHÁNH VĂN PHÒNG"]),
    (SO, ["GIÁM ĐỐC"]),
    (SO, ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]),
    (SO, ["TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"]),
    (HDND, ["TM. HỘI ĐỒNG NHÂN DÂN", "CHỦ TỊCH"]),
    (None, ["TL. TỔNG GIÁM ĐỐC", "TRƯỞNG BAN"]),  # a body of unknown roles: only the shape is checked
]

INVALID = [
    # The seven a chief sent back (issue 18).
    (UBND, ["TM. ỦY BAN NHÂN DÂN", "PHÓ CHỦ TỊCH"], "dòng 2 'PHÓ CHỦ TỊCH'", "KT. CHỦ TỊCH, PHÓ CHỦ TỊCH"),
    (UBND, ["KT. CHỦ TỊCH", "CHỦ TỊCH"], "dòng 2 'CHỦ TỊCH': 'CHỦ TỊCH' không phải cấp phó của CHỦ TỊCH",
     "[KT. CHỦ TỊCH, PHÓ CHỦ TỊCH]"),
    (UBND, ["KT. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"], "'CHÁNH VĂN PHÒNG' không phải cấp phó của CHỦ TỊCH",
     "[KT. CHỦ TỊCH, PHÓ CHỦ TỊCH]"),
    (UBND, ["TL. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], "dòng 2 'PHÓ CHỦ TỊCH': 'PHÓ CHỦ TỊCH' không phải người đứng đầu đơn vị",
     "[TL. CHỦ TỊCH, CHÁNH VĂN PHÒNG]"),
    (UBND, ["PHÓ CHỦ TỊCH"], "dòng 1 'PHÓ CHỦ TỊCH': chỉ người đứng đầu (CHỦ TỊCH) ký không có quyền hạn",
     "[KT. CHỦ TỊCH, PHÓ CHỦ TỊCH]"),
    (UBND, ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"], "dòng 3 'CHÁNH VĂN PHÒNG'",
     "[TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH, PHÓ CHỦ TỊCH]"),
    (UBND, ["KT. TL. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], "dòng 1 'KT. TL. CHỦ TỊCH': mỗi quyền hạn ghi trên một dòng riêng",
     "[KT. CHỦ TỊCH, PHÓ CHỦ TỊCH]"),
    # More of the same classes.
    (UBND, ["CHÁNH VĂN PHÒNG"], "'CHÁNH VĂN PHÒNG' không phải người đứng đầu cơ quan (CHỦ TỊCH)", "[CHỦ TỊCH]"),
    (UBND, ["Q. CHÁNH VĂN PHÒNG"], "'Q.' đi với chức danh người đứng đầu 'CHỦ TỊCH'", "[CHỦ TỊCH]"),
    (UBND, ["TM. HỘI ĐỒNG NHÂN DÂN", "CHỦ TỊCH"], "ký thay mặt tập thể 'ỦY BAN NHÂN DÂN'",
     "[TM. ỦY BAN NHÂN DÂN, CHỦ TỊCH]"),
    (UBND, ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], "'KT.' đi với chức danh người đứng đầu 'CHỦ TỊCH'",
     "[KT. CHỦ TỊCH, PHÓ CHỦ TỊCH]"),
    (UBND, ["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHỦ TỊCH"], "dòng 3 'PHÓ CHỦ TỊCH': 'PHÓ CHỦ TỊCH' không "
     "phải cấp phó của CHÁNH VĂN PHÒNG", "[TL. CHỦ TỊCH, KT. CHÁNH VĂN PHÒNG, PHÓ CHÁNH VĂN PHÒNG]"),
    (UBND, ["TUQ. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], "người đứng đầu hoặc cấp phó không ký thừa ủy quyền", "ví dụ đúng"),
    (UBND, ["TL. CHỦ TỊCH", "TL. CHÁNH VĂN PHÒNG"], "không đúng dạng", "[TL. CHỦ TỊCH, CHÁNH VĂN PHÒNG]"),
    (UBND, ["KT. CHỦ TỊCH"], "không đúng dạng", "[KT. CHỦ TỊCH, PHÓ CHỦ TỊCH]"),
    (UBND, ["TM. ỦY BAN NHÂN DÂN"], "không đúng dạng", "ví dụ đúng"),
    (UBND, ["CHỦ TỊCH", "KT. CHỦ TỊCH"], "không đúng dạng", "ví dụ đúng"),
    (UBND, ["TL.CHỦ TỊCH", "CHÁNH VĂN PHÒNG"], "viết tắt quyền hạn phải có dấu chấm và một dấu cách", "'TL. CHỦ TỊCH'"),
    (UBND, ["TM. ỦY BAN NHÂN DÂN", "TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"], "không đúng dạng", "ví dụ đúng"),
    (VAN_PHONG, ["TM. VĂN PHÒNG", "CHÁNH VĂN PHÒNG"], "chế độ thủ trưởng, không ký 'TM.'", "[CHÁNH VĂN PHÒNG]"),
    (VAN_PHONG, ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], "'KT.' đi với chức danh người đứng đầu 'CHÁNH VĂN PHÒNG'",
     "[KT. CHÁNH VĂN PHÒNG, PHÓ CHÁNH VĂN PHÒNG]"),
    (SO, ["KT. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"], "'CHÁNH VĂN PHÒNG' không phải cấp phó của GIÁM ĐỐC",
     "[KT. GIÁM ĐỐC, PHÓ GIÁM ĐỐC]"),
    (UBND, [], "thiếu dòng quyền hạn", ""),
]


#: The shape alone, for a body whose roles are not known (the rows of the former grammar test).
SHAPES = [
    (["CHÁNH VĂN PHÒNG"], True),
    (["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], True),
    (["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], True),
    (["TM. ỦY BAN NHÂN DÂN", "Q. CHỦ TỊCH"], True),
    (["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], True),
    (["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"], True),
    (["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"], True),
    (["TUQ. CHỦ TỊCH", "GIÁM ĐỐC SỞ NỘI VỤ"], True),
    (["Q. CHÁNH VĂN PHÒNG"], True),
    (["tl. Chủ tịch", "Chánh Văn phòng"], True),
    (["TL. CHỦ TỊCH", "TL. CHÁNH VĂN PHÒNG"], False),  # T-20's invalid example
    (["KT. CHỦ TỊCH"], False),
    (["TM. ỦY BAN NHÂN DÂN"], False),
    (["CHỦ TỊCH", "KT. CHỦ TỊCH"], False),
    (["TL.CHỦ TỊCH", "CHÁNH VĂN PHÒNG"], False),  # no space after the period
    (["TM. ỦY BAN NHÂN DÂN", "TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"], False),
    ([], False),
]


def test_the_table_is_large_enough() -> None:
    assert len(VALID) + len(INVALID) >= 30
    assert all(roles is not None for roles in (UBND, VAN_PHONG, SO, HDND))


@pytest.mark.parametrize(("chain", "valid"), SHAPES)
def test_shape_of_a_chain_for_a_body_of_unknown_roles(chain: list[str], valid: bool) -> None:
    """T-20 [§8.1]: with no roles known, only the prefixes are checked."""
    assert (chain_problem(chain, None) is None) is valid


@pytest.mark.parametrize(("roles", "chain"), VALID)
def test_valid_chain(roles: Roles | None, chain: list[str]) -> None:
    assert chain_problem(chain, roles) is None


@pytest.mark.parametrize(("roles", "chain", "why", "correct"), INVALID)
def test_invalid_chain_names_the_broken_line_and_shows_a_correct_chain(
        roles: Roles | None, chain: list[str], why: str, correct: str) -> None:
    message = chain_problem(chain, roles)
    assert message is not None
    assert why in message
    assert correct in message


def test_the_profile_declares_the_roles() -> None:
    """A commune whose TL. signer is the head of its Văn phòng - Thống kê unit."""
    roles = roles_from_profile({"thu_truong": "Chủ tịch", "cap_pho": ["Phó Chủ tịch"], "tap_the": "Ủy ban nhân dân",
                                "don_vi": {"Trưởng Văn phòng - Thống kê": ["Phó Văn phòng - Thống kê"]}},
                               ["ỦY BAN NHÂN DÂN", "XÃ TÂN LẬP"])
    assert chain_problem(["TL. CHỦ TỊCH", "TRƯỞNG VĂN PHÒNG - THỐNG KÊ"], roles) is None
    message = chain_problem(["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"], roles)
    assert message is not None and "TRƯỞNG VĂN PHÒNG - THỐNG KÊ" in message


def test_a_ban_quan_ly_du_an_is_headed_by_its_giam_doc() -> None:
    roles = default_roles(["BAN QUẢN LÝ DỰ ÁN", "ĐẦU TƯ XÂY DỰNG"])
    assert roles is not None and roles.head == "GIÁM ĐỐC"
    assert chain_problem(["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], roles) is None


# --- end to end: `vanban check` and `build --final` ----------------------------------------

#: The seven chains a chief sent back (issue 18): the broken line named, a correct chain shown.
SEVEN = [
    (["TM. ỦY BAN NHÂN DÂN", "PHÓ CHỦ TỊCH"], "dòng 2 'PHÓ CHỦ TỊCH'",
     "[TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH, PHÓ CHỦ TỊCH]"),
    (["KT. CHỦ TỊCH", "CHỦ TỊCH"], "dòng 2 'CHỦ TỊCH'", "[KT. CHỦ TỊCH, PHÓ CHỦ TỊCH]"),
    (["KT. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"], "dòng 2 'CHÁNH VĂN PHÒNG'", "[KT. CHỦ TỊCH, PHÓ CHỦ TỊCH]"),
    (["TL. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], "dòng 2 'PHÓ CHỦ TỊCH'", "[TL. CHỦ TỊCH, CHÁNH VĂN PHÒNG]"),
    (["PHÓ CHỦ TỊCH"], "dòng 1 'PHÓ CHỦ TỊCH'", "[KT. CHỦ TỊCH, PHÓ CHỦ TỊCH]"),
    (["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"], "dòng 3 'CHÁNH VĂN PHÒNG'",
     "[TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH, PHÓ CHỦ TỊCH]"),
    (["KT. TL. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], "dòng 1 'KT. TL. CHỦ TỊCH'", "[KT. CHỦ TỊCH, PHÓ CHỦ TỊCH]"),
]


def _signed(folder: Path, chain: list[str], name: str = "thong-bao.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(notice_yaml(nguoi_ky={"chuc_vu": chain, "ho_ten": "Nguyễn Văn Bình"}), encoding="utf-8")
    return path


def _chain_line(path: Path) -> tuple[int, int]:
    """Return where the value of ``chuc_vu`` starts in ``path`` (the problem's location)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, start=1) if "chuc_vu:" in line)
    if lines[number - 1].rstrip().endswith("chuc_vu:"):  # a block list: its first "- "
        return number + 1, lines[number].index("-") + 1
    return number, lines[number - 1].index("chuc_vu:") + len("chuc_vu: ") + 1


@pytest.mark.parametrize(("chain", "broken", "correct"), SEVEN)
def test_check_and_final_build_refuse_each_chain_a_chief_sent_back(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], chain: list[str], broken: str, correct: str) -> None:
    path = _signed(tmp_path, chain)
    line, col = _chain_line(path)
    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err
    first = err.splitlines()[0]
    assert first.startswith(f"{path}:{line}:{col}: nguoi_ky.chuc_vu: "), err
    assert broken in first and correct in first and first.endswith("[T-20]"), first
    assert main(["build", "--final", str(path), "-o", str(tmp_path / "out")]) == 1
    assert broken in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_lawful_chain_passes_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i, (roles, chain) in enumerate(VALID[:11]):  # the UBND rows
        assert roles is UBND
        assert main(["check", str(_signed(tmp_path, chain, f"hop-le-{i}.yaml"))]) == 0, capsys.readouterr().err


#: A commune whose TL. signer heads its "Văn phòng - Thống kê" unit, which the defaults do not know.
COMMUNE = """co_quan:
  ten: [ỦY BAN NHÂN DÂN, XÃ TÂN LẬP]
  viet_tat: UBND
  dia_danh: Tân Lập
chuc_danh:
  thu_truong: Chủ tịch
  cap_pho: [Phó Chủ tịch]
  don_vi:
    Trưởng Văn phòng - Thống kê: [Phó Văn phòng - Thống kê]
"""


def _office(tmp_path: Path, profile: str, chain: list[str]) -> Path:
    (tmp_path / "vanban.yaml").write_text(profile, encoding="utf-8")
    data = yaml.safe_load(notice_yaml(nguoi_ky={"chuc_vu": chain, "ho_ten": "Nguyễn Văn Bình"}))
    del data["co_quan"]  # from the profile
    path = tmp_path / "content" / "thong-bao.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_a_role_the_profile_declares_for_a_commune(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _office(tmp_path, COMMUNE, ["TL. CHỦ TỊCH", "TRƯỞNG VĂN PHÒNG - THỐNG KÊ"])
    assert main(["check", str(path)]) == 0, capsys.readouterr().err
    path = _office(tmp_path, COMMUNE, ["TL. CHỦ TỊCH", "KT. TRƯỞNG VĂN PHÒNG - THỐNG KÊ", "PHÓ VĂN PHÒNG - THỐNG KÊ"])
    assert main(["check", str(path)]) == 0, capsys.readouterr().err
    # The collective stays the UBND's although the declaration does not repeat it.
    path = _office(tmp_path, COMMUNE, ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"])
    assert main(["check", str(path)]) == 0, capsys.readouterr().err
    # The default unit head of a UBND is not this commune's: the message shows the declared one.
    path = _office(tmp_path, COMMUNE, ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"])
    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err
    assert "nguoi_ky.chuc_vu: chuỗi ký [TL. CHỦ TỊCH, CHÁNH VĂN PHÒNG] sai ở dòng 2" in err
    assert "[TL. CHỦ TỊCH, TRƯỞNG VĂN PHÒNG - THỐNG KÊ]" in err
    # Without the declaration the defaults apply, and the commune's own unit is unknown.
    path = _office(tmp_path, COMMUNE.split("chuc_danh:")[0], ["TL. CHỦ TỊCH", "TRƯỞNG VĂN PHÒNG - THỐNG KÊ"])
    assert main(["check", str(path)]) == 1
    assert "không phải người đứng đầu đơn vị trong cơ quan (CHÁNH VĂN PHÒNG)" in capsys.readouterr().err


def test_a_repository_of_several_bodies_declares_roles_by_body_name() -> None:
    declared = {"ỦY BAN NHÂN DÂN XÃ TÂN LẬP": {"thu_truong": "CHỦ TỊCH", "cap_pho": ["PHÓ CHỦ TỊCH"],
                                             "don_vi": {"TRƯỞNG VĂN PHÒNG - THỐNG KÊ": []}},
                "Hội đồng nhân dân xã Tân Lập": {"thu_truong": "CHỦ TỊCH", "cap_pho": ["PHÓ CHỦ TỊCH"]}}
    commune = roles_for(declared, ["ỦY BAN NHÂN DÂN", "XÃ  TÂN LẬP"])
    assert commune is not None and list(commune.units) == ["TRƯỞNG VĂN PHÒNG - THỐNG KÊ"]
    council = roles_for(declared, ["HỘI ĐỒNG NHÂN DÂN", "XÃ TÂN LẬP"])
    assert council is not None and council.units == {} and council.collective == "HỘI ĐỒNG NHÂN DÂN"
    assert roles_for(declared, ["SỞ NỘI VỤ"]) == default_roles(["SỞ NỘI VỤ"])  # not declared: the defaults


@pytest.mark.parametrize(("declaration", "where", "message"), [
    ("chuc_danh:\n  thu_truong: KT. CHỦ TỊCH\n", "chuc_danh.thu_truong",
     "'KT. CHỦ TỊCH': khai báo chức danh không kèm quyền hạn"),
    ("chuc_danh:\n  thu_truong: CHỦ TỊCH\n  cap_pho: [PHÓ CHỦ TỊCH, Chủ tịch]\n", "chuc_danh.cap_pho[1]",
     "cấp phó trùng chức danh người đứng đầu 'CHỦ TỊCH'"),
    ("chuc_danh:\n  thu_truong: CHỦ TỊCH\n  don_vi:\n    CHỦ TỊCH: [PHÓ CHỦ TỊCH]\n", "chuc_danh.don_vi.CHỦ TỊCH",
     "'CHỦ TỊCH' là người đứng đầu cơ quan"),
    ("chuc_danh:\n  thu_truong: CHỦ TỊCH\n  cap_phoo: [PHÓ CHỦ TỊCH]\n", "chuc_danh.cap_phoo",
     "trường 'cap_phoo' không được phép ở đây; có phải ý bạn là 'cap_pho'?"),
    ("chuc_danh:\n  UBND XÃ A:\n    cap_pho: [PHÓ CHỦ TỊCH]\n", "chuc_danh.UBND XÃ A.thu_truong",
     "thiếu trường bắt buộc 'thu_truong'"),
    ("chuc_danh:\n  UBND xã A: {thu_truong: CHỦ TỊCH}\n  UBND  XÃ A: {thu_truong: CHỦ TỊCH}\n",
     "chuc_danh.UBND  XÃ A", "cơ quan 'UBND  XÃ A' đã khai báo ở 'UBND xã A'"),
])
def test_declared_roles_are_checked_where_they_are_written(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           declaration: str, where: str, message: str) -> None:
    profile = COMMUNE.split("chuc_danh:")[0] + declaration
    path = _office(tmp_path, profile, ["CHỦ TỊCH"])
    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err
    found = re.search(rf"vanban\.yaml:(\d+):\d+: {re.escape(where)}: (.*)", err)
    assert found, err
    assert message in found[2]
    line = profile.splitlines()[int(found[1]) - 1]
    assert where.split(".")[-1].split("[")[0] in line or "- " in line or "[" in line, line
