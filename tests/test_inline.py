"""The inline grammar (docs/inline.md) and the deadline phrases (docs/deadlines.md), as data.

Why: everything an author marks inside a sentence goes through one parser; these tests pin
what each mark means, that it works where YAML lets a value start and inside ``|`` blocks,
that ordinary prose (and every character the property tests generate) comes through
untouched, and that each mistake is a located content error.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest

from helpers import context_from_yaml, notice_yaml, problems_from_yaml
from vanban.pipeline import deadlines, inline
from vanban.pipeline.deadlines import Deadline
from vanban.pipeline.inline import Run

D = dt.date


def runs(text: str) -> tuple[Run, ...]:
    return inline.parse(text).runs(itertools.count(1))


# --- the grammar ------------------------------------------------------------------------------


def test_each_mark_gives_its_run() -> None:
    assert runs("a ^dam[b] ^nghieng[c] ^lien[d e] f") == (
        Run("a "), Run("b", bold=True), Run(" "), Run("c", italic=True), Run(" "), Run("d e", nobreak=True),
        Run(" f"))
    assert runs("^dam[^nghieng[cả hai]]") == (Run("cả hai", bold=True, italic=True),)


def test_footnotes_are_numbered_in_order_and_swallow_the_space_before_them() -> None:
    parsed = runs("kế hoạch ^chu_thich[Theo ^nghieng[Quyết định] số 12.] năm ^chu_thich[Hai.]")
    assert [r.text for r in parsed] == ["kế hoạch", "", " năm", ""]
    notes = [r.note for r in parsed if r.note]
    assert [n.number for n in notes] == [1, 2]
    assert notes[0].runs == (Run("Theo "), Run("Quyết định", italic=True), Run(" số 12."))
    text = inline.parse("kế hoạch ^chu_thich[Theo QĐ số 12.] năm")
    assert text.plain == str(text) == "kế hoạch năm"
    assert text.text == "kế hoạch (chú thích: Theo QĐ số 12.) năm"  # how tasks and diff show it


def test_task_marks_carry_units_and_the_deadline() -> None:
    text = inline.parse("^chu_tri[Sở A] chủ trì, phối hợp với ^phoi_hop[Sở B], ^phoi_hop[Sở C] ^han[trong tháng "
                        "10/2026].")
    assert text.marked("chu_tri") == ("Sở A",) and text.marked("phoi_hop") == ("Sở B", "Sở C")
    assert text.deadline == Deadline("thang", "trong tháng 10/2026", due=D(2026, 10, 31))
    assert text.has_task_marks and text.plain.endswith("trong tháng 10/2026.")


@pytest.mark.parametrize("source", [
    "Phòng GD&ĐT (trong phạm vi 13,5m) [tên đơn vị] x^2 m^[3]",
    "{{ 7*7 }} {% if %} {# x #} <w:p> &amp; \\* MERGEFIELD file:///etc/passwd",
    "**đậm** _nghiêng_ __x__ ~~y~~ ==z== |a| `b`",
])
def test_ordinary_text_is_untouched(source: str) -> None:
    """Prose, placeholders, markup and other formats' markers print as written."""
    assert inline.parse(source).plain == " ".join(source.split()).replace("^[", "[")


def test_escapes() -> None:
    assert inline.parse("^^dam[x] ^[y^] ^^").plain == "^dam[x] [y] ^"
    assert inline.parse("^chu_thich[xem [1] và ^] thừa]").spans("chu_thich")[0].children == ("xem [1] và ] thừa",)


def test_spaces_collapse_exactly_as_for_plain_text() -> None:
    source = "  dòng  một ^dam[ đậm ]  \n\n   dòng\thai  "
    assert inline.parse(source).plain == "dòng một đậm\ndòng hai"


@pytest.mark.parametrize(("source", "message"), [
    ("^dma[x]", "không có dấu '^dma[…]'; có phải ý bạn là 'dam'?"),
    ("^dam[x", "thiếu ']' đóng '^dam['"),
    ("^dam[ ]", "'^dam[…]' không được để trống"),
    ("^chu_thich[a ^chu_thich[b]]", "không dùng '^chu_thich[…]' trong chú thích"),
    ("^han[a ^han[b]]", "không dùng '^han[…]' lồng trong chính nó"),
    ("^han[trước ngày 31/9/2026]", "ngày trong thời hạn 'trước ngày 31/9/2026' không tồn tại"),
])
def test_mistakes_are_errors(source: str, message: str) -> None:
    with pytest.raises(inline.InlineError, match=re.escape(message)):
        inline.parse(source)


def test_marks_allowed_depend_on_the_field() -> None:
    with pytest.raises(inline.InlineError, match="không dùng '\\^don_vi"):
        inline.parse("^don_vi[Sở A]", inline.PARAGRAPH)
    with pytest.raises(inline.InlineError, match="không dùng '\\^dam"):
        inline.parse("^dam[x]", inline.TITLE)
    assert inline.parse("^lien[Trần Văn Thành]", inline.TITLE).plain == "Trần Văn Thành"


# --- in YAML ---------------------------------------------------------------------------------


def test_marks_work_at_the_start_of_a_plain_scalar_and_in_blocks() -> None:
    """``^`` may open a plain YAML scalar (``*``, ``&``, ``[`` … may not) and is plain text in ``|`` blocks."""
    text = notice_yaml(mo_dau=None) + (
        "mo_dau:\n"
        "  - ^dam[Ngày 01/3/2024], đồng chí Chủ tịch chủ trì cuộc họp.\n"
        "  - |\n"
        "    ^nghieng[Sau khi nghe báo cáo], Chủ tịch kết luận^chu_thich[Ghi chú.] như sau:\n"
    )
    ctx = context_from_yaml(text, "scalar")
    first, second = ctx.body[0], ctx.body[1]
    assert first.runs[0] == Run("Ngày 01/3/2024", bold=True, nobreak=True)  # a date never breaks [R-BRK-1]
    assert second.runs[0] == Run("Sau khi nghe báo cáo", italic=True) and second.text.endswith("như sau:")
    assert ctx.footnote_texts == ["Ghi chú."]


def test_a_mistake_is_located_at_its_value() -> None:
    text = notice_yaml(ket_thuc="UBND thị xã thông báo ^dma[để] các đơn vị thực hiện.")
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if row.startswith("ket_thuc:"))
    problems = problems_from_yaml(text)
    assert [(p.line, p.field) for p in problems] == [(line, "ket_thuc[0]")]
    assert "'^dma[…]'" in problems[0].message


# --- deadline phrases ------------------------------------------------------------------------------


@pytest.mark.parametrize(("phrase", "kind", "due", "inclusive"), [
    ("trước ngày 20/9/2026", "ngay", D(2026, 9, 20), False),
    ("hoàn thành trước ngày 20/09/2026", "ngay", D(2026, 9, 20), False),
    ("chậm nhất vào ngày 20/9/2026", "ngay", D(2026, 9, 20), True),
    ("chậm nhất ngày 20 tháng 9 năm 2026", "ngay", D(2026, 9, 20), True),
    ("trước 17 giờ ngày 05/10/2026", "ngay", D(2026, 10, 5), True),
    ("trong tháng 10/2026", "thang", D(2026, 10, 31), True),
    ("trong tháng 02 năm 2028", "thang", D(2028, 2, 29), True),
    ("trong Quý IV/2026", "quy", D(2026, 12, 31), True),
    ("trong quý 1 năm 2027", "quy", D(2027, 3, 31), True),
    ("trong 6 tháng đầu năm 2026", "nua_nam", D(2026, 6, 30), True),
    ("trong 6 tháng cuối năm 2026", "nua_nam", D(2026, 12, 31), True),
    ("trong năm 2026", "nam", D(2026, 12, 31), True),
])
def test_dated_phrases(phrase: str, kind: str, due: dt.date, inclusive: bool) -> None:
    found = deadlines.parse(phrase)
    assert (found.kind, found.due, found.inclusive, found.phrase) == (kind, due, inclusive, phrase)


@pytest.mark.parametrize(("phrase", "expected"), [
    ("hằng tuần, trước 15 giờ ngày thứ Năm", {"kind": "hang_tuan", "weekday": 3, "time": "15:00", "inclusive": True}),
    ("vào thứ Hai hàng tuần", {"kind": "hang_tuan", "weekday": 0, "inclusive": True}),
    ("trước thứ Sáu hằng tuần", {"kind": "hang_tuan", "weekday": 4, "inclusive": False}),
    ("chậm nhất vào ngày 10 hằng tháng", {"kind": "hang_thang", "day": 10, "inclusive": True}),
    ("hằng tháng, trước ngày 25", {"kind": "hang_thang", "day": 25, "inclusive": False}),
    ("định kỳ 03 tuần/lần", {"kind": "dinh_ky", "weeks": 3, "anchor": None}),
    ("định kỳ 2 tuần một lần, kể từ ngày 01/9/2026", {"kind": "dinh_ky", "weeks": 2, "anchor": D(2026, 9, 1)}),
    ("khi có yêu cầu", {"kind": "khac", "due": None}),
    ("thường xuyên", {"kind": "khac", "due": None}),
])
def test_recurring_and_free_phrases(phrase: str, expected: dict[str, object]) -> None:
    found = deadlines.parse(phrase)
    assert {key: getattr(found, key) for key in expected} == expected


@pytest.mark.parametrize("phrase", ["trước ngày 20/9", "trong tháng 13/2026", "hằng tuần", "quý V/2026",
                                    "định kỳ 0 tuần/lần"])
def test_unreadable_dated_phrases_are_errors(phrase: str) -> None:
    with pytest.raises(deadlines.DeadlineError):
        deadlines.parse(phrase)


def test_weekly_occurrences_and_periods() -> None:
    weekly = deadlines.parse("hằng tuần, trước 15 giờ ngày thứ Năm")  # Thursday, that day on time
    start = D(2026, 9, 7)  # a Monday
    assert weekly.occurrence_closed_by(D(2026, 9, 10), start) is None  # Thursday 10/9 itself: still on time
    assert weekly.occurrence_closed_by(D(2026, 9, 11), start) == (D(2026, 9, 7), D(2026, 9, 10))
    assert weekly.occurrence_closed_by(D(2026, 9, 20), start) == (D(2026, 9, 11), D(2026, 9, 17))
    before = deadlines.parse("trước thứ Năm hằng tuần")  # Thursday itself late
    assert before.occurrence_closed_by(D(2026, 9, 10), start) == (D(2026, 9, 7), D(2026, 9, 10))


def test_monthly_and_every_n_weeks_occurrences() -> None:
    monthly = deadlines.parse("chậm nhất vào ngày 31 hằng tháng")
    assert monthly.occurrence_closed_by(D(2026, 10, 1), D(2026, 9, 1)) == (D(2026, 9, 1), D(2026, 9, 30))
    every = deadlines.parse("định kỳ 03 tuần/lần").with_anchor(D(2026, 9, 7))
    assert every.occurrence_closed_by(D(2026, 9, 28), D(2026, 9, 7)) is None  # the first is 28/9, on time
    assert every.occurrence_closed_by(D(2026, 10, 1), D(2026, 9, 7)) == (D(2026, 9, 7), D(2026, 9, 28))
    assert every.occurrence_closed_by(D(2026, 10, 20), D(2026, 9, 7)) == (D(2026, 9, 29), D(2026, 10, 19))


def test_printed_words() -> None:
    assert deadlines.printed(deadlines.from_date(D(2024, 1, 20))) == "hoàn thành trước ngày 20/01/2024"
    assert deadlines.printed(deadlines.parse("trong Quý IV/2026")) == "hoàn thành trong Quý IV/2026"
    assert deadlines.printed(deadlines.parse("hằng tuần, vào thứ Năm")) == "thực hiện hằng tuần, vào thứ Năm"
