"""The limits that bound render work hold exactly at their values (docs/limits.md).

Why: a limit off by one, or counted on the input instead of what is printed, lets through
the notice it exists to stop: a 201-character word, the 7,501st line, a meeting name the
opening paragraphs print four times.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from minimal_notice import checked
from vanban.pipeline.validate import MAX_BLOCKS, MAX_TEXT_CHARS, MAX_WORD_CHARS


def _messages(**changes: Any) -> list[str]:
    return [p.message for p in checked(**changes)[1]]


def test_the_longest_word_is_counted_as_printed() -> None:
    word = "Mãsốhồsơ" * 30
    assert _messages(noi_dung=[f"Xem {word[:MAX_WORD_CHARS]} nhé."]) == []
    # The same word typed decomposed (NFD) is longer in code points, not in what is printed.
    assert _messages(noi_dung=[unicodedata.normalize("NFD", f"Xem {word[:MAX_WORD_CHARS]} nhé.")]) == []
    found = _messages(noi_dung=[f"Xem {word[:MAX_WORD_CHARS + 1]} nhé."])
    assert len(found) == 1 and found[0].startswith(f"có một chữ dài {MAX_WORD_CHARS + 1} ký tự liền nhau")


def test_a_no_break_space_is_a_space_in_prose() -> None:
    """Pasted text with no-break spaces is printed with spaces (vanban collapses them): not one long word."""
    assert _messages(noi_dung=["\u00a0".join(["Các phòng ban triển khai"] * 40)]) == []


def test_paragraphs_and_lines_printed() -> None:
    fixed = 2 + 1 + 1 + 2 + 2 + 1  # opening, trích yếu, closing, name lines, signer lines, recipients
    assert _messages(mo_dau=["Mở."] * (MAX_BLOCKS - fixed - 1)) == []
    found = _messages(mo_dau=["Mở."] * (MAX_BLOCKS - fixed))
    assert found == [f"văn bản có quá nhiều đoạn và dòng để dàn trang ({MAX_BLOCKS + 1:,}; tối đa {MAX_BLOCKS:,}); "
                     "hãy gộp bớt các dòng ngắn".replace(",", ".")]


def test_meeting_fields_count_each_time_the_opening_prints_them() -> None:
    name = ("phiên họp mở rộng " * 4000)[:48_000].strip()
    meeting = {"ngay": "2024-03-01", "hinh_thuc": name, "don_vi_to_chuc": "UBND xã",
               "chu_tri": {"ho_ten": "Nguyễn Văn Bình", "chuc_vu": "Chủ tịch"}}
    text = (("Các đơn vị triển khai thực hiện. " * 1600)[:48_000].strip())
    body = [text] * 7  # 336,000 characters, plus the meeting name once: under the limit as typed
    assert sum(map(len, body)) + len(name) < MAX_TEXT_CHARS
    found = _messages(cuoc_hop=meeting, noi_dung=body)
    assert len(found) == 1 and found[0].startswith("văn bản quá dài")
    assert _messages(cuoc_hop=meeting, noi_dung=body, mo_dau=["Mở đầu riêng."]) == []  # not repeated then


def test_labels_and_deadlines_count_as_printed_text() -> None:
    """5,000 one-letter điểm print 550,000 characters of labels ("a)" … "yyyy…y)")."""
    body = [{"khoan": "Nhiệm vụ", "noi_dung": [{"diem": "x"} for _ in range(4990)]}]
    found = _messages(noi_dung=body)
    assert len(found) == 1 and found[0].startswith("văn bản quá dài (5")
    assert _messages(noi_dung=[{"khoan": "Nhiệm vụ", "noi_dung": [{"diem": "x"} for _ in range(500)]}]) == []
    tasks = [{"nhiem_vu": "x " * 45, "han": "2024-03-20"} for _ in range(4000)]  # 360,000 typed, 500,000 printed
    assert _messages(noi_dung=tasks)[0].startswith("văn bản quá dài")
