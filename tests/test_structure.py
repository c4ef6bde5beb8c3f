"""Invisible and look-alike characters: refused in every field they can hide in, with the fix.

Why a class, not examples: a zero-width space hid in the signer chain, a joiner in the name,
a Cyrillic letter in "TỊCH" — each was one field of many. Every string of a valid notice gets
each hostile character in turn here, and every one must come back as a located problem.
"""

from __future__ import annotations

import copy
import sys
import unicodedata
from typing import Any

import pytest
import yaml

from vanban.pipeline.loader import dotted, load_yaml
from vanban.pipeline.validate import check
from vanban.pipeline.validate.structure import (
    IDENTIFIER,
    PROSE,
    STRUCTURAL,
    character_problems,
    field_kind,
    is_invisible,
    repaired,
)

NOTICE: dict[str, Any] = {
    "co_quan": {"chu_quan": "UBND HUYỆN QUỲNH LƯU", "ten": ["ỦY BAN NHÂN DÂN", "XÃ QUỲNH LIÊN"],
                "viet_tat": "UBND", "dia_danh": "Quỳnh Liên"},
    "so": "7",
    "ky_hieu": "TB-UBND",
    "ngay": "2024-03-05",
    "trich_yeu": "Kết luận của Chủ tịch UBND xã",
    "cuoc_hop": {"ngay": "2024-03-01", "hinh_thuc": "cuộc họp", "don_vi_to_chuc": "UBND xã",
                 "chu_tri": {"ho_ten": "Nguyễn Văn Bình", "chuc_vu": "Chủ tịch UBND xã"},
                 "thanh_phan": ["Ủy viên UBND xã"], "noi_dung": ["Báo cáo tháng 3"]},
    "noi_dung": [{"muc": "Kết quả", "noi_dung": [
        "Các bộ phận hoàn thành nhiệm vụ.",
        {"khoan": "Nhiệm vụ", "noi_dung": [{"nhiem_vu": "Hoàn thiện báo cáo.", "don_vi": "Văn phòng",
                                              "han": "2024-03-20", "ma": "VP-01"}]}]}],
    "ket_thuc": "UBND xã thông báo để các đơn vị biết, thực hiện.",
    "nguoi_ky": {"chuc_vu": ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"], "ho_ten": "Trần Thị Cúc"},
    "noi_nhan": ["Thường trực Đảng ủy", "Các bộ phận"],
    "luu": {"don_vi": "VP", "so_ban": "2"},
}


def _strings(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], str]]:
    if isinstance(data, str):
        return [(path, data)]
    if isinstance(data, list):
        return [s for i, v in enumerate(data) for s in _strings(v, (*path, i))]
    if isinstance(data, dict):
        return [s for k, v in data.items() for s in _strings(v, (*path, k))]
    return []


FIELDS = _strings(NOTICE)


def _problems_with(path: tuple[Any, ...], value: str) -> list[str]:
    data = copy.deepcopy(NOTICE)
    holder: Any = data
    for part in path[:-1]:
        holder = holder[part]
    holder[path[-1]] = value
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
    located, problems = load_yaml(text, "x.yaml")
    assert located is not None, problems
    model, problems = check(located)
    assert model is None, f"{dotted(path)} = {value!r} passed"
    return [f"{p.field}: {p.message}" for p in problems]


def test_the_notice_is_valid() -> None:
    text = yaml.safe_dump(NOTICE, allow_unicode=True, sort_keys=False)
    located, _ = load_yaml(text, "x.yaml")
    assert located is not None
    model, problems = check(located)
    assert model is not None, problems


@pytest.mark.parametrize("char", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e", "\u2062",
                                  "\ufe0f", "\u034f", "\u3164", "\U000e0041"])
@pytest.mark.parametrize(("path", "value"), FIELDS, ids=[dotted(p) for p, _ in FIELDS])
def test_an_invisible_character_is_refused_in_every_field(path: tuple[Any, ...], value: str, char: str) -> None:
    middle = len(value) // 2
    found = _problems_with(path, value[:middle] + char + value[middle:])
    assert any(f.startswith(dotted(path) + ": ") and f"U+{ord(char):04X}" in f for f in found), found


@pytest.mark.parametrize(("path", "value"), FIELDS, ids=[dotted(p) for p, _ in FIELDS])
def test_a_value_of_invisible_characters_never_looks_filled_in(path: tuple[Any, ...], value: str) -> None:
    found = _problems_with(path, "\u200b\u200d")
    assert any(f.startswith(dotted(path) + ": ") for f in found), found


@pytest.mark.parametrize(("path", "value"), [(p, v) for p, v in FIELDS if any(c.isalpha() for c in v)],
                         ids=[dotted(p) for p, v in FIELDS if any(c.isalpha() for c in v)])
def test_a_cyrillic_letter_inside_a_latin_word_is_refused_in_every_field(path: tuple[Any, ...], value: str) -> None:
    at = next(i for i, c in enumerate(value) if c.isalpha())
    found = _problems_with(path, value[:at + 1] + "\u043e" + value[at + 1:])  # Cyrillic о inside the first word
    assert any(f.startswith(dotted(path) + ": ") and "U+043E, Kirin" in f for f in found), found


def test_the_message_names_the_character_the_word_and_the_latin_letter_meant() -> None:
    assert character_problems("TL. CHỦ TỊ\u0421H", STRUCTURAL) == [
        "chữ 'С' (U+0421, Kirin) trong 'TỊСH'; hãy gõ lại bằng chữ Latin 'C'"]
    assert character_problems("\u00d0ảng ủy", STRUCTURAL) == [
        "chữ 'Ð' (U+00D0, chữ eth tiếng Iceland) trong 'Ðảng'; hãy gõ lại bằng chữ 'Đ' (U+0110) của tiếng Việt"]


def test_a_whole_word_of_another_script_passes_in_prose_only() -> None:
    assert character_problems("Đoàn công tác thành phố Москва", PROSE) == []
    assert character_problems("Москва", STRUCTURAL)
    assert character_problems("\u0422\u0412-UBND", IDENTIFIER)


def test_micro_sign_and_vietnamese_letters_are_not_look_alikes() -> None:
    assert character_problems("Đường kính 5 µm, ĐẢNG ỦY đồng ý", STRUCTURAL) == []


@pytest.mark.parametrize("dash", ["\u2010", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212"])
def test_a_dash_that_is_not_the_keyboard_hyphen_is_refused_in_identifiers_only(dash: str) -> None:
    assert character_problems(f"TB{dash}UBND", IDENTIFIER)
    assert not character_problems(f"Sở Tài chính {dash} Kế hoạch", STRUCTURAL)
    assert repaired(f"TB{dash}UBND", IDENTIFIER) == "TB-UBND"


def test_special_spaces_are_refused_in_structural_fields_only() -> None:
    assert character_problems("Trần\u00a0Thị Cúc", STRUCTURAL)
    assert not character_problems("Trần\u00a0Thị Cúc", PROSE)


def test_every_format_character_of_unicode_is_invisible() -> None:
    """The list is written out (scanning 1.1 million code points at import would slow every command)."""
    missing = [f"U+{cp:04X}" for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)) == "Cf"
               and not is_invisible(chr(cp))]
    assert not missing


def test_repaired_text_is_what_the_clerk_meant() -> None:
    assert repaired("K\u200bT. CHỦ TỊ\u0421H", STRUCTURAL) == "KT. CHỦ TỊCH"
    assert repaired("\u00d0ảng", PROSE) == "Đảng"
    assert repaired("Москва", PROSE) == "Москва"  # a whole Russian word stays as written in prose


@pytest.mark.parametrize(("path", "kind"), [
    (("nguoi_ky", "chuc_vu", 0), STRUCTURAL), (("nguoi_ky",), IDENTIFIER), (("ky_hieu",), IDENTIFIER),
    (("co_quan", "viet_tat"), IDENTIFIER), (("noi_dung", 0, "noi_dung", 1, "ma"), IDENTIFIER),
    (("noi_dung", 0, "muc"), STRUCTURAL), (("noi_dung", 0, "noi_dung", 0), PROSE), (("trich_yeu",), PROSE),
    (("cap_nhat_nhiem_vu", 0, "ghi_chu"), PROSE), (("nhom_noi_nhan", "cac-phong", 0), STRUCTURAL),
    (("nguoi_ky", "pho-chanh-vp", "ho_ten"), STRUCTURAL), (("cuoc_hop", "chu_tri", "ho_ten"), STRUCTURAL),
    (("cuoc_hop", "thanh_phan", 0), PROSE), (("luu", "don_vi", 0), IDENTIFIER),
    (("noi_dung", 0, "noi_dung", 1, "han"), STRUCTURAL), (("noi_dung", 2, "giao", "chu_tri", 0), STRUCTURAL),
    (("du_thao", "thang"), IDENTIFIER), (("trinh_bay", "muc_chu"), IDENTIFIER),
])
def test_field_kinds(path: tuple[Any, ...], kind: str) -> None:
    assert field_kind(path) == kind
