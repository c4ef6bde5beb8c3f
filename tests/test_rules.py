"""Table tests of the ND30 rules as pure functions (spec §17, T-01 … T-21)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pytest

from vanban.pipeline import rules
from vanban.pipeline.deadlines import from_date, printed

D = dt.date


@pytest.mark.parametrize(
    ("place", "day", "expected"),
    [
        ("Hoàng Mai", D(2024, 1, 5), "Hoàng Mai, ngày 05 tháng 01 năm 2024"),  # T-01
        ("Hà Nội", D(2020, 3, 5), "Hà Nội, ngày 05 tháng 3 năm 2020"),  # T-02
        ("Hà Nội", D(2024, 2, 9), "Hà Nội, ngày 09 tháng 02 năm 2024"),  # T-03
        ("Hà Nội", D(2024, 10, 1), "Hà Nội, ngày 01 tháng 10 năm 2024"),
        ("Hà Nội", D(2024, 12, 25), "Hà Nội, ngày 25 tháng 12 năm 2024"),
        ("Thành phố Hồ Chí Minh", D(2019, 6, 29), "Thành phố Hồ Chí Minh, ngày 29 tháng 6 năm 2019"),
        ("Quận 1", D(2024, 2, 10), "Quận 1, ngày 10 tháng 02 năm 2024"),  # T-04
    ],
)
def test_place_date_line_pads_day_and_only_january_february(place: str, day: dt.date, expected: str) -> None:
    """R-DATE-1/2/3: day padded below 10; month padded only for 1 and 2."""
    assert rules.place_date_line(place, day, day.year) == expected


def test_every_month_padding_follows_r_date_2() -> None:
    """R-DATE-2 over a whole year: 'tháng 01', 'tháng 02', then 'tháng 3' … 'tháng 12'."""
    months = [rules.date_words(D(2024, m, 1)).split(" tháng ")[1].split(" ")[0] for m in range(1, 13)]
    assert months == ["01", "02", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"]


def test_draft_date_line_leaves_day_and_month_blank() -> None:
    """R-DATE-5: 'Hoàng Mai, ngày      tháng      năm 2024' in a draft."""
    line = rules.place_date_line("Hoàng Mai", None, 2024)
    assert re.fullmatch(r"Hoàng Mai, ngày\s{4,}tháng\s{4,}năm 2024", line)


@pytest.mark.parametrize(
    ("number", "type_name", "body", "unit", "expected"),
    [
        (5, "Thông báo", "UBND", None, "Số: 05/TB-UBND"),
        (12, "Thông báo", "UBND", None, "Số: 12/TB-UBND"),
        (123, "Thông báo", "UBND", None, "Số: 123/TB-UBND"),
        (7, None, "UBND", "VP", "Số: 07/UBND-VP"),  # công văn: no type abbreviation (R-NUM-5)
        (1205, "Quy định", "UBND", None, "Số: 1205/QyĐ-UBND"),  # R-NUM-6 keeps mixed case
    ],
)
def test_number_line(number: int, type_name: str | None, body: str, unit: str | None, expected: str) -> None:
    """T-05 / R-NUM-1/2/4/5/6."""
    line = rules.number_line(number, rules.ky_hieu(type_name, body, unit))
    assert line == expected
    assert re.fullmatch(r"Số: (0[1-9]|[1-9]\d+)/[A-ZĐa-zđ]+(-[A-ZĐa-zđ&]+)+", line)


def test_draft_number_line_is_blank_before_the_slash() -> None:
    """R-NUM-8: 'Số:      /TB-UBND'."""
    assert re.fullmatch(r"Số: \s{4,}/TB-UBND", rules.number_line(None, "TB-UBND"))


def test_number_below_one_is_refused() -> None:
    """R-NUM-2/3: numbering starts at 01."""
    with pytest.raises(ValueError):
        rules.number_text(0)


@pytest.mark.parametrize(
    ("type_name", "abbreviation"),
    [
        ("Thông báo", "TB"), ("Kế hoạch", "KH"), ("Báo cáo", "BC"), ("Tờ trình", "TTr"), ("Quy định", "QyĐ"),
        ("Chương trình", "CTr"), ("Quyết định", "QĐ"), ("Giấy mời", "GM"), ("Công điện", "CĐ"),
        ("Biên bản", "BB"), ("Hướng dẫn", "HD"), ("thông báo", "TB"), ("Công văn", None),
    ],
)
def test_type_abbreviations(type_name: str, abbreviation: str | None) -> None:
    """T-07 [PL3 I]; Công văn has none."""
    assert rules.type_abbreviation(type_name) == abbreviation


@pytest.mark.parametrize(
    ("number", "numeral"),
    [(1, "I"), (2, "II"), (3, "III"), (4, "IV"), (5, "V"), (9, "IX"), (10, "X"), (14, "XIV"), (40, "XL")],
)
def test_roman_numerals(number: int, numeral: str) -> None:
    """§7 report-style mục and T-17."""
    assert rules.roman(number) == numeral


def test_diem_labels_follow_vietnamese_order() -> None:
    """§7: a b c d đ e g h i k …, skipping f j w z and the letters with marks."""
    labels = [rules.diem_label(i) for i in range(1, 12)]
    assert labels == ["a)", "b)", "c)", "d)", "đ)", "e)", "g)", "h)", "i)", "k)", "l)"]
    assert all(re.fullmatch(r"[a-zđ]+\)", rules.diem_label(i)) for i in range(1, 60))
    assert len({rules.diem_label(i) for i in range(1, 60)}) == 59


@pytest.mark.parametrize(("path", "label"), [((1,), "1."), ((2, 1), "2.1."), ((2, 15), "2.15."), ((3, 2, 4), "3.2.4.")])
def test_khoan_labels(path: tuple[int, ...], label: str) -> None:
    """§7 khoản: '1.' and '2.1.' styles."""
    assert rules.khoan_label(path) == label


def test_recipient_lines_punctuation() -> None:
    """T-18 / R-NN-2/3: '- X;' per item, last '- Lưu: VT, VP (2).'; typed punctuation is not doubled."""
    lines = rules.recipient_lines(["Văn phòng UBND tỉnh", "- Thường trực HĐND;", "UBND các xã, phường,"], ["VP"], 2)
    assert lines == [
        "- Văn phòng UBND tỉnh;",
        "- Thường trực HĐND;",
        "- UBND các xã, phường;",
        "- Lưu: VT, VP (2).",
    ]
    assert all(re.fullmatch(r"- .+;", x) for x in lines[:-1])
    assert re.fullmatch(r"- Lưu: VT(, [^;]+)?\.", lines[-1])
    assert rules.recipient_lines(["A"], [], None)[-1] == "- Lưu: VT."


@pytest.mark.parametrize(("item", "expected"), [("Như trên", True), ("- Như trên;", True), ("Như Điều 3", True),
                                                 ("Nhà văn hóa", False), ("Văn phòng", False)])
def test_nhu_tren_detection(item: str, expected: bool) -> None:
    """R-NN-4 / T-19: a Thông báo has no Kính gửi, so no 'Như trên'."""
    assert rules.is_nhu_tren(item) is expected


@pytest.mark.parametrize(
    ("name", "title"),
    [("TS. Nguyễn Văn A", "TS."), ("ThS. Lê Thị B", "ThS."), ("PGS.TS. Trần C", "PGS.TS."), ("GS. Phạm D", "GS."),
     ("KS. Hồ E", "KS."), ("BS. Vũ F", "BS."), ("Nguyễn Mạnh Hùng", None), ("Tạ Sơn", None)],
)
def test_academic_titles_before_name(name: str, title: str | None) -> None:
    """T-21 / R-SIG-2."""
    assert rules.academic_title_prefix(name) == title


@pytest.mark.parametrize(
    ("text", "expected"),
    [("biết, thực hiện.", "biết, thực hiện./."), ("biết, thực hiện", "biết, thực hiện./."),
     ("biết, thực hiện./.", "biết, thực hiện./."), ("thực hiện;  ", "thực hiện./.")],
)
def test_end_mark(text: str, expected: str) -> None:
    """R-END-1 / T-16: './.' right after the last character."""
    assert rules.end_mark(text) == expected


def test_upper_vi_handles_vietnamese_letters_in_nfc() -> None:
    """Vietnamese upper-casing, also from NFD input [R-FONT-2]."""
    nfd = unicodedata.normalize("NFD", "kết quả đạt được ở thị xã ưu tiên")
    out = rules.upper_vi(nfd)
    assert out == "KẾT QUẢ ĐẠT ĐƯỢC Ở THỊ XÃ ƯU TIÊN"
    assert unicodedata.is_normalized("NFC", out)


def test_fixed_header_texts() -> None:
    """R-EL-1a/1b, R-FONT-5: 'HÒA', hyphens with spaces, no en dash."""
    assert rules.QUOC_HIEU == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert rules.TIEU_NGU == "Độc lập - Tự do - Hạnh phúc"
    assert "\u2013" not in rules.TIEU_NGU


def test_deadline_phrase_keeps_end_punctuation() -> None:
    """Tasks with a deadline: the deadline goes before the sentence's own end punctuation."""
    assert rules.with_deadline("Hoàn thành báo cáo.", printed(from_date(D(2024, 1, 20)))) == (
        "Hoàn thành báo cáo (hoàn thành trước ngày 20/01/2024)."
    )
    assert rules.with_deadline("Rà soát;", printed(from_date(D(2024, 3, 5)))).endswith(
        "(hoàn thành trước ngày 05/03/2024);")
    assert rules.with_deadline("Báo cáo", "thực hiện hằng tuần, trước 15 giờ ngày thứ Năm") == (
        "Báo cáo (thực hiện hằng tuần, trước 15 giờ ngày thứ Năm).")


def test_short_date() -> None:
    """Body sentences write dates as dd/mm/yyyy, as the seed does ('Ngày 27/12/2023')."""
    assert rules.short_date(D(2023, 12, 27)) == "27/12/2023"
    assert rules.short_date(D(2024, 1, 5)) == "05/01/2024"
