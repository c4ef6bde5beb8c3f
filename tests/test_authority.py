"""Who may sign: signer chains checked against the issuing body's roles [§8.1; T-20; issue 18].

Each invalid chain must be refused with a message that names the broken line and shows a
chain that is right for the body — what a chief would write in the margin.
"""

from __future__ import annotations

import pytest

from vanban.pipeline.authority import Roles, chain_problem, default_roles, roles_from_profile

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


def test_the_table_is_large_enough() -> None:
    assert len(VALID) + len(INVALID) >= 30
    assert all(roles is not None for roles in (UBND, VAN_PHONG, SO, HDND))


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
