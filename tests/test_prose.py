"""A body typed as prose with the labels a clerk types [issue 13, point 1]."""

from __future__ import annotations

from vanban.pipeline.prose import parse

BODY = """\
I. Kết quả đạt được
Năng suất tăng 56,2 tạ/ha (vượt #2 kế hoạch): các chỉ tiêu
đều đạt "tốt", kể cả chỉ tiêu 'khó'.

II. Nhiệm vụ
1. Phòng Kinh tế:
a) Chủ trì: lập kế hoạch;
- Tập trung chỉ đạo;
+ Ý nhỏ.
b) Phối hợp với các xã.
2. Phòng Tài chính
2.1. Cân đối ngân sách.
\\3. này là chữ, không phải nhãn
"""


def test_labels_nest_as_the_notice_reads_and_nothing_needs_quoting() -> None:
    data, marks, issues = parse(BODY)
    assert issues == []
    assert data == [
        {"muc": "Kết quả đạt được", "noi_dung": [
            "Năng suất tăng 56,2 tạ/ha (vượt #2 kế hoạch): các chỉ tiêu đều đạt \"tốt\", kể cả chỉ tiêu 'khó'."]},
        {"muc": "Nhiệm vụ", "noi_dung": [
            {"khoan": "Phòng Kinh tế:", "noi_dung": [
                {"diem": "Chủ trì: lập kế hoạch;", "noi_dung": [
                    {"gach": "Tập trung chỉ đạo;", "noi_dung": [{"cong": "Ý nhỏ."}]}]},
                {"diem": "Phối hợp với các xã."}]},
            {"khoan": "Phòng Tài chính", "noi_dung": [
                {"khoan": "Cân đối ngân sách. 3. này là chữ, không phải nhãn"}]}]},
    ]
    # Every item knows its line in the block (0-based), for located messages.
    assert marks[(0,)] == (0, 0) and marks[(0, 0)] == (1, 0) and marks[(1, 1, 0)] == (11, 0)


def test_a_typed_label_that_differs_from_vanbans_number_is_an_error_showing_the_expected_one() -> None:
    text = "I. A\n1. Một\n3. Ba\na) x\nc) z\nIII. Hai\n"
    _, _, issues = parse(text)
    messages = [(i.line, i.message.split(";")[0]) for i in issues]
    assert messages == [
        (2, "nhãn '3.' khác số vanban đánh ở chỗ này '2.'"),
        (4, "nhãn 'c)' khác số vanban đánh ở chỗ này 'b)'"),
        (5, "nhãn 'III.' khác số vanban đánh ở chỗ này 'II.'"),
    ]


def test_numbering_restarts_inside_each_parent_and_nested_khoan_carry_the_parent_number() -> None:
    text = "I. A\n1. x\n1.1. y\n1.2. z\n2. w\nII. B\n1. v\na) u\n"
    data, _, issues = parse(text)
    assert issues == []
    assert data[1] == {"muc": "B", "noi_dung": [{"khoan": "v", "noi_dung": [{"diem": "u"}]}]}
    _, _, issues = parse("1. x\n2.1. wrong parent\n")
    assert [i.message.split(";")[0] for i in issues] == ["nhãn '2.1.' khác số vanban đánh ở chỗ này '1.1.'"]


def test_paragraphs_split_on_blank_lines_and_after_headings_or_lead_ins() -> None:
    data, _, _ = parse("Đoạn một\ntiếp đoạn một.\n\nĐoạn hai.\n1. Giao các đơn vị:\nĐoạn trong khoản.\n")
    assert data == ["Đoạn một tiếp đoạn một.", "Đoạn hai.",
                    {"khoan": "Giao các đơn vị:", "noi_dung": ["Đoạn trong khoản."]}]


def test_only_real_roman_numerals_start_a_section() -> None:
    data, _, issues = parse("IIII. không phải số La Mã\n\nV. Năm\n")
    assert data[0] == "IIII. không phải số La Mã"
    assert [i.message.split(";")[0] for i in issues] == ["nhãn 'V.' khác số vanban đánh ở chỗ này 'I.'"]
