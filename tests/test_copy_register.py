"""The copy series in the register, and copy numbers given twice after a git merge [issue 15, points 1, 3, 4].

Copies (SAO Y, SAO LỤC, TRÍCH SAO) are numbered in one yearly series per copying body
[Phụ lục I Phần II.II.1.c]; ``vanban register`` shows it in every format, measured here on
the real outputs (the terminal text, the .xlsx with openpyxl, the PDF with pdfplumber), and
``vanban check`` reports a copy number two clerks gave on two branches [R-NUM-3].
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pdfplumber
import pytest
from openpyxl import load_workbook

from helpers import cli_ok, git, office, run_cli, squash

REGISTER = Path("da-phat-hanh") / "so-dang-ky.jsonl"
NOTICE = Path("content") / "2024-02-ket-luan.yaml"
CONG_VAN = Path("content") / "2024-01-cong-van-bao-cao.yaml"
SUMMARY = "Kết luận của Chủ tịch UBND thị xã tại phiên họp thường kỳ tháng 01 năm 2024"
#: A notice with two mục, labelled khoản and điểm (what a TRÍCH SAO selects).
NOTICE_YAML = f"""\
trich_yeu: {SUMMARY}
cuoc_hop:
  ngay: "2024-01-29"
  noi_dung:
    - Kết quả thực hiện nhiệm vụ tháng 01 năm 2024
mo_dau: Ngày 29/01/2024, UBND thị xã tổ chức phiên họp thường kỳ tháng 01 năm 2024.
noi_dung:
  - muc: Đánh giá chung
    noi_dung:
      - khoan: Các đơn vị đã hoàn thành kế hoạch tháng 01.
      - khoan: Còn những tồn tại sau
        noi_dung:
          - diem: Tiến độ giải ngân vốn đầu tư công chậm.
          - diem: Công tác cải cách hành chính chưa đạt yêu cầu.
  - muc: Nhiệm vụ trọng tâm tháng 02 năm 2024
    noi_dung:
      - khoan: Phòng Kinh tế chỉ đạo gieo cấy vụ Xuân đúng khung lịch thời vụ.
      - khoan: Phòng Tài chính - Kế hoạch tham mưu giao kế hoạch vốn đầu tư công năm 2024.
ket_thuc: UBND thị xã thông báo để các cơ quan, đơn vị biết, thực hiện.
nguoi_ky: pho-chanh-vp
"""
BODY = "ỦY BAN NHÂN DÂN THỊ XÃ HOÀNG MAI"
#: The copy register's columns, as the .xlsx and the PDF head them.
COLUMNS = ["Số, ký hiệu bản sao", "Ngày tháng bản sao", "Hình thức sao",
           "Văn bản được sao (tên loại, số, ký hiệu, ngày)", "Trích yếu nội dung văn bản được sao",
           "Người ký bản sao", "Nơi nhận bản sao", "Ngày chuyển", "Ký nhận", "Ghi chú", "Tệp lưu"]


def _setup(root: Path) -> None:
    (root / NOTICE).write_text(NOTICE_YAML, encoding="utf-8")


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Issue the notice (no. 3) and the công văn (4); make one copy of each form, numbered 01, 02, 03."""
    with office(tmp_path_factory.mktemp("copyreg"), _setup) as root:
        cli_ok("issue", str(NOTICE), "--number", "3", "--date", "2024-02-01")
        cli_ok("issue", str(CONG_VAN), "--number", "4", "--date", "2024-02-01")
        cli_ok("copy", str(NOTICE), "--form", "sao_y", "--number", "1", "--date", "2024-02-05",
            "--to", "Phòng Kinh tế", "--to", "Phòng Tài chính - Kế hoạch")
        cli_ok("copy", str(CONG_VAN), "--form", "sao_luc", "--next", "--date", "2024-02-06",
            "--to", "UBND phường Quỳnh Thiện")
        cli_ok("copy", str(NOTICE), "--form", "trich_sao", "--part", "I.2.b", "--part", "II.2", "--next",
            "--date", "2024-02-07")
        yield root


#: The three copies as the register lists them: the values of the .xlsx (dates as dates).
ROWS = [
    ("01/SY-UBND", dt.datetime(2024, 2, 5), "SAO Y", "Thông báo số 03/TB-UBND ngày 01/02/2024", SUMMARY,
     "Lê Văn Bình", "Phòng Kinh tế; Phòng Tài chính - Kế hoạch", None, None, None,
     "da-phat-hanh/2024/01-SY-UBND.pdf"),
    ("02/SL-UBND", dt.datetime(2024, 2, 6), "SAO LỤC", "Công văn số 04/UBND-VP ngày 01/02/2024",
     "V/v báo cáo kết quả thực hiện nhiệm vụ tháng 01 năm 2024", "Lê Văn Bình", "UBND phường Quỳnh Thiện",
     None, None, None, "da-phat-hanh/2024/02-SL-UBND.pdf"),
    ("03/TrS-UBND", dt.datetime(2024, 2, 7), "TRÍCH SAO", "Thông báo số 03/TB-UBND ngày 01/02/2024",
     f"{SUMMARY} (trích phần I.2.b, II.2)", "Lê Văn Bình", None, None, None, None,
     "da-phat-hanh/2024/03-TrS-UBND.pdf"),
]


def test_the_table_lists_the_copy_series_after_the_originals(copies: Path) -> None:
    out = cli_ok("register")
    originals, _sep, section = out.partition(f"{BODY} — năm 2024 — bản sao (SAO Y, SAO LỤC, TRÍCH SAO chung một "
                                             "dãy số)\n")
    assert "03/TB-UBND" in originals and "04/UBND-VP" in originals and "SY-UBND" not in originals
    lines = section.splitlines()
    assert lines[0] == ("  01/SY-UBND  05/02/2024  SAO Y Thông báo số 03/TB-UBND ngày 01/02/2024: Kết luận của "
                        "Chủ tịch UBND thị xã tại phiên họp thường kỳ tháng 01 nă…  Lê Văn Bình  nơi nhận: "
                        "Phòng Kinh tế; Phòng Tài chính - Kế hoạch  da-phat-hanh/2024/01-SY-UBND.pdf")
    assert lines[1].startswith("  02/SL-UBND  06/02/2024  SAO LỤC Công văn số 04/UBND-VP ngày 01/02/2024: V/v báo")
    assert lines[2].startswith("  03/TrS-UBND  07/02/2024  TRÍCH SAO Thông báo số 03/TB-UBND ngày 01/02/2024: ")
    assert lines[2].endswith("Lê Văn Bình  nơi nhận: —  da-phat-hanh/2024/03-TrS-UBND.pdf")
    assert lines[3] == "  Số bản sao tiếp theo theo kho này: 04"
    # The originals' series is not the copies': its next number is its own.
    assert "Số tiếp theo theo kho này: 05" in originals


def test_the_xlsx_has_a_sheet_for_the_copy_series(copies: Path, tmp_path: Path) -> None:
    out = tmp_path / "so.xlsx"
    cli_ok("register", "-f", "xlsx", "-o", str(out))
    book = load_workbook(out)
    assert book.sheetnames == ["2024", "2024 bản sao"]
    rows = list(book["2024 bản sao"].iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS
    assert rows[1:] == ROWS
    originals = [r[0] for r in book["2024"].iter_rows(min_row=2, values_only=True)]
    assert originals == ["01/TB-UBND", "03/TB-UBND", "04/UBND-VP"]


def test_the_pdf_prints_the_copy_book_after_the_originals(copies: Path, tmp_path: Path) -> None:
    out = tmp_path / "so.pdf"
    cli_ok("register", "-f", "pdf", "-o", str(out))
    with pdfplumber.open(out) as pdf:
        texts = [squash(page.extract_text() or "") for page in pdf.pages]
        # Cover and table of the originals, then cover and table of the copies.
        assert len(texts) == 4
        assert squash("SỔ ĐĂNG KÝ VĂN BẢN ĐI") in texts[0]
        cover = texts[2]
        for line in ("SỔ ĐĂNG KÝ BẢN SAO VĂN BẢN", BODY, "Sao y, sao lục, trích sao: một dãy số", "Năm: 2024",
                     "Từ ngày 05/02/2024 đến ngày 07/02/2024", "Từ số 01 đến số 03"):
            assert squash(line) in cover, line
        table = pdf.pages[3].extract_table()
    assert table is not None
    heads = [" ".join((cell or "").split()) for cell in table[0]]
    assert [squash(h) for h in heads] == [squash(c) for c in COLUMNS]
    assert table[1] == [f"({i})" for i in range(1, 12)]
    printed = [[squash(cell or "") for cell in row] for row in table[2:]]
    expected = [[squash(v.strftime("%d/%m/%Y") if isinstance(v, dt.datetime) else v or "") for v in row]
                for row in ROWS]
    assert printed == expected


def _branch_copy(name: str, *args: str) -> None:
    git("checkout", "-q", "-b", name, "main")
    cli_ok("copy", str(NOTICE), *args)


def test_check_reports_a_copy_number_two_clerks_gave_on_two_branches(tmp_path: Path) -> None:
    """Two clerks each make copy 01 on their own branch; the merged register has 01 twice [R-NUM-3]."""
    with office(tmp_path, _setup):
        git("branch", "-M", "main")
        cli_ok("issue", str(NOTICE), "--number", "3", "--date", "2024-02-01")
        _branch_copy("van-thu-a", "--form", "sao_y", "--number", "1", "--date", "2024-02-05")
        _branch_copy("van-thu-b", "--form", "trich_sao", "--part", "II", "--number", "1", "--date", "2024-02-06")
        git("checkout", "-q", "main")
        git("merge", "-q", "van-thu-a")
        base = git("show", "van-thu-a~1:" + str(REGISTER))
        ours = REGISTER.read_text(encoding="utf-8")
        theirs = git("show", "van-thu-b:" + str(REGISTER))
        # Both appended one line to the register: init's .gitattributes (merge=union) keeps both, no conflict.
        git("merge", "-q", "--no-edit", "van-thu-b")
        assert REGISTER.read_text(encoding="utf-8") == ours + theirs.removeprefix(base)
        code, _out, err = run_cli("check")
        assert code == 1
        assert (f"{REGISTER}:3:1: so: số bản sao 01 năm 2024 đã dùng cho cả da-phat-hanh/2024/01-SY-UBND.pdf và "
                "da-phat-hanh/2024/01-TrS-UBND.pdf (hai nhánh git cùng cấp số này rồi gộp lại); bản sao đã phát "
                "hành không sửa được: sao lại bản 01/TrS-UBND với số mới (vanban copy content/2024-02-ket-luan.yaml "
                "--form trich_sao --part II --next) và gửi bản mới thay bản trùng số [R-NUM-3]") in err.splitlines()
        # The merge also forked the register's chain: said as it is (a warning), on the same line, at the same time.
        assert (f"{REGISTER}:3:1: cảnh báo: sổ đăng ký rẽ nhánh: dòng này ghi nối sau dòng 1, không phải dòng "
                "ngay trước (hai nhánh git cùng ghi thêm vào sổ rồi được gộp)") in err.splitlines()
        register = cli_ok("register")
        assert "01/TrS-UBND  06/02/2024  TRÍCH SAO" in register and "← TRÙNG SỐ [R-NUM-3]" in register
        assert "Số bị trùng: 01" in register
        # The remedy the message gives: the copy made again with a free number; the clash is gone.
        cli_ok("copy", str(NOTICE), "--form", "trich_sao", "--part", "II", "--next", "--date", "2024-02-10")
        code, _out, err = run_cli("check")
        assert "số bản sao 01 năm 2024" not in err
        register = cli_ok("register")
        assert "TRÙNG SỐ" not in register and "(đã sao lại thành 02/TrS-UBND)" in register
        assert "Số bản sao tiếp theo theo kho này: 03" in register


def test_the_duplicate_copy_number_in_english(tmp_path: Path) -> None:
    """The message is translated; the command in it stays as typed."""
    from vanban.commands.archive import numbered
    from vanban.commands.numbering import copy_clashes

    with office(tmp_path, _setup) as root:
        cli_ok("issue", str(NOTICE), "--number", "3", "--date", "2024-02-01")
        cli_ok("copy", str(NOTICE), "--form", "sao_y", "--number", "1", "--date", "2024-02-05")
        # The same copy made again on purpose (other recipients) before any clash: two copies, not a remedy.
        cli_ok("copy", str(NOTICE), "--form", "sao_y", "--next", "--date", "2024-02-06", "--to", "Phòng Nội vụ")
        # A line for 01 written by hand after them, as a merge leaves it (the chain aside).
        lines = REGISTER.read_text(encoding="utf-8").splitlines()
        twin = lines[1].replace("01-SY-UBND", "01-SL-UBND").replace('"sao_y"', '"sao_luc"').replace(
            "Sao y ", "Sao lục ").replace('"SY-UBND"', '"SL-UBND"')
        REGISTER.write_text("\n".join([*lines, twin]) + "\n", encoding="utf-8")
        clashes, remade = copy_clashes(numbered(root))
        assert [[n for n, _e in clash.lines] for clash in clashes] == [[2, 4]] and remade == {}
        code, _out, err = run_cli("--lang", "en", "check")
        assert code == 1
        assert (f"{REGISTER}:4:1: so: copy number 01 of 2024 is used by both da-phat-hanh/2024/01-SY-UBND.pdf and "
                "da-phat-hanh/2024/01-SL-UBND.pdf (two git branches gave it, then were merged); an issued copy cannot "
                "be changed: make copy 01/SL-UBND again with a new number (vanban copy content/2024-02-ket-luan.yaml "
                "--form sao_luc --next) and send the new copy in place of the one with the duplicate number "
                "[R-NUM-3]") in err.splitlines()
        assert (f"{REGISTER}:4:1: warning: the register forks: this line follows line 1, not the line just "
                "before it (two git branches each appended to the register, then were merged)") in err.splitlines()
