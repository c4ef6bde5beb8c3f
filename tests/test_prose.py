"""A body typed as prose with the labels a clerk types [issue 13, point 1]."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

import pytest
import yaml

from helpers import ROOT, SEED
from vanban.cli import main
from vanban.pipeline.loader import load_yaml
from vanban.pipeline.prose import parse
from vanban.pipeline.validate.prose_body import expand

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


def test_a_heading_names_the_unit_whose_tasks_the_lines_below_it_are() -> None:
    text = ("2. Phòng Kinh tế: ^nhiem_vu_cua[Phòng Kinh tế]\n"
            "- Tham mưu kế hoạch ^ma[KT-01]\n"
            "\n"
            "Báo cáo hằng tuần.\n"
            "- Các xã:\n"
            "+ Xã Quỳnh Liên.\n"
            "3. Thanh tra; ^nhiem_vu_cua[Thanh tra]\n"
            "+ Rà soát hồ sơ.\n")
    data, marks, issues = parse("1. Chung\n" + text)
    assert issues == []
    assert data[1:] == [{"khoan": "Phòng Kinh tế:", "don_vi": "Phòng Kinh tế", "noi_dung": [
        {"nhiem_vu": "Tham mưu kế hoạch", "ma": "KT-01"},
        {"nhiem_vu": "Báo cáo hằng tuần.", "dang": "doan"},
        # A line heading lines of its own leads into them: it is not a task by itself.
        {"gach": "Các xã:", "noi_dung": [{"cong": "Xã Quỳnh Liên."}]},
    ]}, {"khoan": "Thanh tra;", "don_vi": "Thanh tra", "noi_dung": [{"nhiem_vu": "Rà soát hồ sơ.", "dang": "cong"}]}]
    # The fields a mark became point at the mark itself (0-based line and column in the block).
    assert marks[(1, "don_vi")] == (1, 18) and marks[(1, 0, "ma")] == (2, 20)


def test_an_id_on_a_line_outside_a_units_heading_makes_it_a_task_by_giao() -> None:
    data, _, issues = parse("1. Giao ^don_vi[Văn phòng] tổng hợp ^ma[VP-02].\n\nĐoạn văn ^ma[VP-03]\n")
    assert issues == []
    assert data == [{"khoan": "Giao ^don_vi[Văn phòng] tổng hợp.", "giao": {"ma": "VP-02"},
                     "noi_dung": [{"doan": "Đoạn văn", "giao": {"ma": "VP-03"}}]}]


def test_line_marks_print_nothing_and_escapes_stay_text() -> None:
    data, _, issues = parse("- ^ma[A-1] Việc một\n- Việc ^^ma[x] hai ^dam[đậm ^ma[y]]\n")
    # The first line's id is read off; an escaped ^ and a mark nested in another are text for the
    # inline parser (which refuses the nested one when the model is built).
    assert issues == []
    assert data == [{"gach": "Việc một", "giao": {"ma": "A-1"}}, {"gach": "Việc ^^ma[x] hai ^dam[đậm ^ma[y]]"}]


def test_line_mark_mistakes_are_located_at_the_mark() -> None:
    text = ("I. Mục ^ma[M-1]\n"
            "1. Phòng A ^nhiem_vu_cua[]\n"
            "- Việc ^ma[A-1] một ^ma[A-2]\n"
            "- Việc hai ^ma[A-3\n"
            "2. Phòng B ^nhiem_vu_cua[Phòng B]\n")
    _, _, issues = parse(text)
    found = sorted((i.line, i.col, i.message.split(";")[0]) for i in issues)
    assert found == [
        (0, 7, "mục (I., II., …) là đề mục, không phải nhiệm vụ, nên không có mã '^ma[…]'"),
        (1, 11, "'^nhiem_vu_cua[…]' không được để trống"),
        (2, 20, "một nhiệm vụ chỉ có một mã '^ma[…]'"),
        (3, 11, "thiếu ']' đóng '^ma['"),
        (4, 11, "'^nhiem_vu_cua[…]' đặt trên dòng đứng đầu các nhiệm vụ (mục, khoản, điểm hoặc gạch đầu dòng "
                "có dòng bên dưới), nhưng dưới dòng này không có dòng nào"),
    ]


# --- the reference notice written wholly as prose ---------------------------------------------------

PROSE_SEED = ROOT / "tests" / "fixtures" / "prose" / SEED.name


def _built(content: Path, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Build ``content`` alone in a folder named ``content`` and return each output's sha256."""
    work = tmp / "work"
    (work / "content").mkdir(parents=True)
    shutil.copyfile(content, work / "content" / SEED.name)
    monkeypatch.chdir(work)
    assert main(["build", "content", "-o", "out"]) == 0
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((work / "out").iterdir())
            if not p.name.startswith(".")}


def _tasks_csv(content: Path, tmp: Path, monkeypatch: pytest.MonkeyPatch,
               capsys: pytest.CaptureFixture[str]) -> str:
    work = tmp / "tasks"
    (work / "content").mkdir(parents=True)
    shutil.copyfile(content, work / "content" / SEED.name)
    monkeypatch.chdir(work)
    capsys.readouterr()
    assert main(["tasks", "content", "-f", "csv", "--as-of", "2024-01-15"]) == 0
    return capsys.readouterr().out


def test_the_reference_notice_written_as_prose_renders_the_golden_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = yaml.safe_load(PROSE_SEED.read_text(encoding="utf-8"))
    # The whole body is one block of prose: no item is written as a YAML mapping.
    assert isinstance(raw["noi_dung"], str) and "nhiem_vu:" not in raw["noi_dung"]
    golden = {name.lstrip("*"): digest for digest, name in (
        line.split(maxsplit=1) for line in (ROOT / "tests" / "golden" / "reference.sha256").read_text().splitlines())}
    assert _built(PROSE_SEED, tmp_path, monkeypatch) == golden


def test_the_reference_notice_written_as_prose_has_the_same_tasks(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    structured = _tasks_csv(SEED, tmp_path / "a", monkeypatch, capsys)
    prose = _tasks_csv(PROSE_SEED, tmp_path / "b", monkeypatch, capsys)
    rows = list(csv.reader(io.StringIO(prose)))
    # 56 tasks, each under the unit its heading names ("Quân sự thị xã;" is given to "Quân sự thị xã").
    assert len(rows) == 57 and sum("Quân sự thị xã" in r for r in rows) == 1
    assert prose == structured


# --- where a problem inside a block is ----------------------------------------------------------------

BLOCK_NOTICE = (ROOT / "tests" / "catalogue" / "valid.yaml.txt").read_text(encoding="utf-8")


def _problems(body: str) -> list[str]:
    """Return the problems of the catalogue's valid notice with ``body`` as its ``noi_dung``."""
    head, rest = BLOCK_NOTICE.split("\nnoi_dung:", 1)
    tail = rest[rest.index("\nket_thuc:"):]
    text = f"{head}\nnoi_dung:{body}{tail}"
    located, problems = load_yaml(text, "tb.yaml")
    assert located is not None and problems == []
    _, found = expand(located)
    return [f"{p.line}:{p.col}: {p.message.split(';')[0]}" for p in found]


def _body_line() -> int:
    """Return the 1-based file line of ``noi_dung:`` in the catalogue's valid notice."""
    return BLOCK_NOTICE.split("\nnoi_dung:", 1)[0].count("\n") + 2


@pytest.mark.parametrize(("indicator", "extra"), [
    ("|", ""), ("|-", ""), ("|+", ""), ("|2", ""), ("|2", "  "), ("|2-", "  "), ("|-2", " "), ("|4", "  ")])
def test_every_literal_block_form_maps_positions_to_the_real_line_and_column(indicator: str, extra: str) -> None:
    """'|2' keeps the spaces beyond two as text: the label's column is still the file's."""
    body = f" {indicator}\n  {extra}I. Kết quả\n\n  {extra}1. Văn phòng ^ma[]\n  {extra}3. Các phòng\n"
    first = _body_line() + 1
    col = 3 + len(extra)
    assert _problems(body) == [
        f"{first + 2}:{col + 13}: mã nhiệm vụ '^ma[…]' không được để trống",
        f"{first + 3}:{col}: nhãn '3.' khác số vanban đánh ở chỗ này '2.'",
    ]


@pytest.mark.parametrize("indicator", [">", ">-", ">+", ">2"])
def test_a_folded_block_is_refused_for_the_body_at_its_indicator(indicator: str) -> None:
    body = f" {indicator}\n  I. Kết quả\n  1. Văn phòng\n"
    assert _problems(body) == [
        f"{_body_line()}:11: nội dung dạng khối '>' gộp các dòng làm một, nên nhãn đầu dòng (I., 1., a), -) "
        "không còn ở đầu dòng"]
