"""Lawful copies of issued documents — SAO Y, SAO LỤC, TRÍCH SAO — measured on the real outputs [issue 15].

One office repository per module (``vanban init`` + ``vanban new``, kept in git) issues a
Thông báo written for the purpose (mục, khoản, điểm, two units, footnotes), the example
công văn and giấy mời, then makes copies through the CLI in-process. The PDFs are read
with pdfplumber (words, sizes, the rule's length), the .docx with python-docx, and the two
must say the same [R-OTH-7; Phụ lục I Phần II; Phụ lục III Mẫu 3.1].
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pdfplumber
import pikepdf
import pytest

from helpers import DRAFT, cli_ok, git, office, run_cli, words
from test_sign import PASSPHRASE, Pki, pki  # noqa: F401 (pki: the throwaway PKI fixture)
from vanban.commands import keys, pades
from vanban.commands.copy import COPY_FIELD, electronic_line
from vanban.commands.ink import Box, read_page
from vanban.pipeline.context import LAYOUT

MM = 72 / 25.4
REGISTER = Path("da-phat-hanh") / "so-dang-ky.jsonl"
NOTICE = Path("content") / "2024-02-ket-luan.yaml"
CONG_VAN = Path("content") / "2024-01-cong-van-bao-cao.yaml"
GIAY_MOI = Path("content") / "2024-01-giay-moi-phien-hop.yaml"
ARCHIVE = Path("da-phat-hanh") / "2024"

#: A notice with every level of label, two units and footnotes.
NOTICE_YAML = """\
trich_yeu: Kết luận của Chủ tịch UBND thị xã tại phiên họp thường kỳ tháng 01 năm 2024
cuoc_hop:
  ngay: "2024-01-29"
  noi_dung:
    - Kết quả thực hiện nhiệm vụ tháng 01 năm 2024
mo_dau: Ngày 29/01/2024, UBND thị xã tổ chức phiên họp thường kỳ tháng 01 năm 2024.
noi_dung:
  - muc: Đánh giá chung
    noi_dung:
      - khoan: Các đơn vị đã hoàn thành kế hoạch tháng 01^chu_thich[Theo báo cáo số 12/BC-TCKH.].
      - khoan: Còn những tồn tại sau
        noi_dung:
          - diem: Tiến độ giải ngân vốn đầu tư công chậm.
          - diem: Công tác cải cách hành chính chưa đạt yêu cầu^chu_thich[Chỉ số PAR năm 2023.].
  - muc: Nhiệm vụ trọng tâm tháng 02 năm 2024
    noi_dung:
      - khoan: Phòng Kinh tế
        don_vi: Phòng Kinh tế
        noi_dung:
          - nhiem_vu: Chỉ đạo gieo cấy vụ Xuân đúng khung lịch thời vụ^chu_thich[Theo Kế hoạch số 05/KH-UBND.].
            ma: KT-02
            han: "2024-02-20"
      - khoan: Phòng Tài chính - Kế hoạch
        don_vi: Phòng Tài chính - Kế hoạch
        noi_dung:
          - nhiem_vu: Tham mưu giao kế hoạch vốn đầu tư công năm 2024.
            ma: TCKH-01
            han: "2024-02-15"
ket_thuc: UBND thị xã thông báo để các cơ quan, đơn vị biết, thực hiện.
nguoi_ky: pho-chanh-vp
"""


@dataclass
class Office:
    root: Path
    outputs: dict[str, str]  # what each CLI call printed, by name


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    """Issue the notice (no. 3), the công văn (4) and the giấy mời (2); make one copy of each form."""

    def setup(root: Path) -> None:
        (root / NOTICE).write_text(NOTICE_YAML, encoding="utf-8")

    with office(tmp_path_factory.mktemp("copies"), setup) as root:
        printed: dict[str, str] = {}
        cli_ok("issue", str(NOTICE), "--number", "3", "--date", "2024-02-01")
        cli_ok("issue", str(CONG_VAN), "--number", "4", "--date", "2024-02-01")
        cli_ok("issue", str(GIAY_MOI), "--number", "2", "--date", "2024-01-22")
        printed["sy"] = cli_ok("copy", str(NOTICE), "--form", "sao_y", "--number", "1", "--date", "2024-02-05",
                            "--to", "Phòng Kinh tế", "--to", "Phòng Tài chính - Kế hoạch")
        printed["sl"] = cli_ok("copy", str(CONG_VAN), "--form", "sao_luc", "--next", "--date", "2024-02-06",
                            "--to", "UBND phường Quỳnh Thiện")
        printed["trs"] = cli_ok("copy", str(NOTICE), "--form", "trich_sao", "--part", "I.2.b", "--part", "II.2",
                             "--number", "3", "--date", "2024-02-07", "--signer", "chanh-vp")
        printed["gm"] = cli_ok("copy", str(GIAY_MOI), "--form", "sao_y", "--next", "--date", "2024-02-08")
        printed["unit"] = cli_ok("tasks", str(NOTICE), "--unit", "phòng kinh tế", "-f", "pdf",
                              "-o", str(root.parent / "kinh-te.pdf"))
        yield Office(root, printed)


# --- measuring -------------------------------------------------------------------------------


def _words(pdf: Path) -> list[dict[str, Any]]:
    with pdfplumber.open(pdf) as document:
        return [w | {"page": i} for i, page in enumerate(document.pages)
                for w in page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=True)]


def _lines(pdf: Path, calls: bool = True) -> list[str]:
    """Return the PDF's text lines in reading order (pdfplumber); without ``calls``, footnote calls left out."""
    with pdfplumber.open(pdf) as document:
        pages = [p if calls else p.filter(lambda o: o.get("object_type") != "char" or o["size"] > 9.5)
                 for p in document.pages]
        return [line for page in pages for line in (page.extract_text() or "").splitlines()]


def _paragraphs(path: Path) -> list[str]:
    """Return every non-empty paragraph of the .docx in document order, table cells included."""
    document = docx.Document(str(path))
    from docx.text.paragraph import Paragraph

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    texts = [Paragraph(p, document).text for p in document.element.body.iter(f"{w}p")]
    return [t for t in texts if t.strip()]


def _rule_below(pdf: Path, top: float) -> dict[str, Any]:
    """Return the first horizontal rule drawn below ``top`` on page 1 (as pdfplumber sees lines and thin rects)."""
    with pdfplumber.open(pdf) as document:
        page = document.pages[0]
        found = [r for r in (*page.rects, *page.lines) if r["top"] > top and abs(r["bottom"] - r["top"]) < 2]
        return min(found, key=lambda r: r["top"]) | {"page_width": page.width}


def _register() -> list[dict[str, Any]]:
    return [json.loads(line) for line in REGISTER.read_text(encoding="utf-8").splitlines()]


# --- the paper copy: the original as issued, then the Mẫu 3.1 block under a full-width rule ---


def test_sao_y_reproduces_the_frame_as_issued_then_the_copy_block(repo: Office) -> None:
    pdf = ARCHIVE / "01-SY-UBND.pdf"
    lines = _lines(pdf)
    text = "\n".join(lines)
    # The original's frame as issued: header, number, date, body, signer, Nơi nhận.
    for said in ("Số: 03/TB-UBND", "Hoàng Mai, ngày 01 tháng 02 năm 2024", "THÔNG BÁO",
                 "Ngày 29/01/2024, UBND thị xã tổ chức phiên họp thường kỳ", "II. NHIỆM VỤ TRỌNG TÂM",
                 "PHÓ CHÁNH VĂN PHÒNG", "Nguyễn Mạnh Hùng", "- Lưu: VT, VP."):
        assert said in text, said
    # Then the copy block, in Mẫu 3.1's order, below the original's signer.
    block = ["SAO Y", "Số: 01/SY-UBND", "Hoàng Mai, ngày 05 tháng 02 năm 2024", "- Phòng Kinh tế;",
             "- Phòng Tài chính - Kế hoạch;", "- Lưu: VT."]
    assert all(b in text for b in block)
    assert text.index("Nguyễn Mạnh Hùng") < text.index("SAO Y") < text.index("Số: 01/SY-UBND")
    # The copy's signer: the first nguoi_ky of vanban.yaml (TL. CHỦ TỊCH / CHÁNH VĂN PHÒNG, Lê Văn Bình).
    assert text.index("Số: 01/SY-UBND") < text.rindex("CHÁNH VĂN PHÒNG") < text.index("Lê Văn Bình")


def test_the_rule_is_as_wide_as_the_text_block_and_the_block_sits_below_it(repo: Office) -> None:
    pdf = ARCHIVE / "04-SY-UBND.pdf"  # a copy of the giấy mời: original and block on one page
    words = _words(pdf)
    assert {w["page"] for w in words} == {0}
    label = next(w for w in words if w["text"].startswith("Nơi nhận"))  # the original's ô 9b
    form = next(w for w in words if w["text"].startswith("SAO Y"))
    rule = _rule_below(pdf, label["bottom"])
    # R-OTH-7: a solid rule the width of the text block (A4 less 30 mm left and 15 mm right margins: 165 mm).
    width_mm = (rule["x1"] - rule["x0"]) / MM
    assert abs(width_mm - 165.0) < 0.5, width_mm
    assert abs(rule["x0"] / MM - 30.0) < 0.5
    # Every word of the original above it, the whole block below it.
    above = [w for w in words if w["bottom"] <= rule["top"]]
    below = [w for w in words if w["top"] >= rule["bottom"]]
    assert len(above) + len(below) == len(words)
    assert any(w["text"].startswith("GIẤY MỜI") for w in above)
    block = " ".join(w["text"] for w in below)
    for said in ("SAO Y", "ỦY BAN NHÂN DÂN", "Số: 04/SY-UBND", "Hoàng Mai, ngày 08 tháng 02 năm 2024", "Nơi nhận:",
                 "- Lưu: VT.", "TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG", "Lê Văn Bình"):
        assert said in block, said
    # "SAO Y" upper case, 13–14 pt, bold [Phụ lục I Phần II.II.2.b].
    assert 13 <= round(form["size"], 1) <= 14 and "Bold" in form["fontname"]
    # The rest in the frame's own sizes: the number 13 pt upright, the date 13–14 pt italic, Nơi nhận 12 pt.
    number = next(w for w in below if w["text"].startswith("Số: 04/SY-UBND"))
    assert round(number["size"]) == 13 and "Italic" not in number["fontname"]
    day = next(w for w in below if w["text"].startswith("Hoàng Mai, ngày 08"))
    assert 13 <= round(day["size"]) <= 14 and "Italic" in day["fontname"]
    assert day["top"] - number["top"] < 1  # ô 3 and ô 4 on one line
    copy_label = next(w for w in below if w["text"].startswith("Nơi nhận"))
    assert round(copy_label["size"]) == 12 and "Bold-Italic" in copy_label["fontname"]
    # A copy that does not fit after its original starts the next page with its rule (01-SY: footnotes fill page 1).
    long_words = _words(ARCHIVE / "01-SY-UBND.pdf")
    moved = next(w for w in long_words if w["text"].startswith("SAO Y"))
    assert moved["page"] == 1


def test_docx_says_what_the_pdf_says(repo: Office) -> None:
    for stem in ("01-SY-UBND", "02-SL-UBND", "03-TrS-UBND", "04-SY-UBND"):
        # The .docx's words without its footnote references, the PDF's without the 9 pt calls.
        pdf_text = _tidy(" ".join(_lines(ARCHIVE / f"{stem}.pdf", calls=False)))
        paragraphs = _paragraphs(ARCHIVE / f"{stem}.docx")
        for paragraph in paragraphs:
            assert _tidy(paragraph) in pdf_text or _wrapped_in(_tidy(paragraph), pdf_text), (stem, paragraph)
        # The copy block is in the .docx in the same order as on paper.
        assert paragraphs.index(next(p for p in paragraphs if p.startswith("Số: ") and "-UBND" in p
                                     and ("SY" in p or "SL" in p or "TrS" in p))) > paragraphs.index(
            next(p for p in paragraphs if p in ("SAO Y", "SAO LỤC", "TRÍCH SAO")))


def _tidy(text: str) -> str:
    """Return ``text`` as read (``words``), with no space before punctuation (where a footnote call was)."""
    return re.sub(r"\s+([.,;:)])", r"\1", words(text))


def _wrapped_in(paragraph: str, pdf_text: str) -> bool:
    """Tell whether each word of ``paragraph`` appears in order in the PDF text (a line the PDF wrapped)."""
    at = 0
    for word in paragraph.split():
        at = pdf_text.find(word, at)
        if at < 0:
            return False
    return True


def test_docx_copy_block_uses_the_frame_styles_under_a_full_width_rule(repo: Office) -> None:
    document = docx.Document(str(ARCHIVE / "01-SY-UBND.docx"))
    from docx.text.paragraph import Paragraph

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    paragraphs = [Paragraph(p, document) for p in document.element.body.iter(f"{w}p")]
    form = next(i for i, p in enumerate(paragraphs) if p.text == "SAO Y")
    assert paragraphs[form].style.font.bold and paragraphs[form].style.font.size.pt in (13, 14)
    ruled = [i for i, p in enumerate(paragraphs[:form]) if p._p.find(f"{w}pPr/{w}pBdr/{w}bottom") is not None]
    rule = paragraphs[ruled[-1]]
    # Full width: no indents, a top-level paragraph (not in a cell), just before the block's table.
    assert rule._p.getparent().tag == f"{w}body"
    assert rule.paragraph_format.left_indent in (None, 0) and rule.paragraph_format.right_indent in (None, 0)
    assert any(p.text == "Nguyễn Mạnh Hùng" for p in paragraphs[:ruled[-1]])
    styles = {p.text: p.style.name for p in paragraphs[form:]}
    assert styles["Số: 01/SY-UBND"] == "VB So" and styles["Hoàng Mai, ngày 05 tháng 02 năm 2024"] == "VB Ngay"
    assert styles["- Lưu: VT."] == "VB Noi Nhan" and styles["Lê Văn Bình"] == "VB Ho Ten"


def test_the_rule_under_another_copying_body_is_its_own_in_both_formats() -> None:
    """R-EL-2b in the copy block: the copying body's rule is sized from its own name, in the .docx as in the PDF."""
    import datetime as dt
    import io

    from helpers import SEED, model_of
    from vanban.pipeline.context import build_context
    from vanban.pipeline.copies import Copier, copy_block, wrap
    from vanban.pipeline.render_docx import render_docx
    from vanban.pipeline.render_pdf import render_pdf
    from vanban.pipeline.templates import search_path

    model = model_of(SEED)
    original = build_context(model, "seed")
    who = Copier(("SỞ NỘI VỤ TỈNH NGHỆ AN",), "SNV", "Vinh", ("GIÁM ĐỐC",), "Trần Văn An")
    block = copy_block("sao_y", who, 1, dt.date(2024, 2, 5), ["Phòng Nội vụ"])
    ctx = wrap(original, model, "sao_y", block)
    assert abs(block.co_quan_rule_mm - original.co_quan_rule_mm) > 5  # control: a rule of another length
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    document = docx.Document(io.BytesIO(render_docx(ctx, search_path())))
    rules = [p for p in document.element.body.iter(f"{w}p")
             if p.find(f"{w}pPr/{w}pStyle[@{w}val='VBRuleCoQuan']") is not None]
    assert len(rules) == 2  # ô 2 of the original, then the copying body's
    cell_twips = int(rules[1].getparent().find(f"{w}tcPr/{w}tcW").get(f"{w}w"))
    indent = rules[1].find(f"{w}pPr/{w}ind")
    # The border spans the cell less its margins and the paragraph's indents.
    between = cell_twips - int(indent.get(f"{w}left")) - int(indent.get(f"{w}right"))
    assert between / 1440 * 25.4 - 2 * LAYOUT.cell_padding_mm == pytest.approx(block.co_quan_rule_mm, abs=0.05)
    with pdfplumber.open(io.BytesIO(render_pdf(ctx, search_path()))) as pdf:
        page = next(p for p in pdf.pages if "SAO Y" in (p.extract_text() or ""))
        words = page.extract_words()
        form = next(x for x in words if x["text"] == "SAO")
        number = next(x for x in words if x["text"] == "01/SY-SNV")
        # The copy block's left column: the copying body's name, its rule, then "Số: 01/SY-SNV".
        drawn = [r for r in (*page.rects, *page.lines) if form["top"] < r["top"] < number["top"]
                 and abs(r["bottom"] - r["top"]) < 2 and r["x1"] < page.width / 2]
    assert len(drawn) == 1
    assert (drawn[0]["x1"] - drawn[0]["x0"]) / MM == pytest.approx(block.co_quan_rule_mm, abs=0.3)


def test_the_copys_recipients_keep_annotations_whole_in_both_formats() -> None:
    """R-BRK-1 in the copy block's Nơi nhận, as in the original's: the PDF's no-wrap span, the .docx's joiners."""
    import datetime as dt
    import io

    from helpers import SEED, model_of
    from vanban.pipeline.context import build_context
    from vanban.pipeline.copies import Copier, copy_block, wrap
    from vanban.pipeline.render_docx import render_docx
    from vanban.pipeline.render_pdf import render_html
    from vanban.pipeline.templates import search_path

    model = model_of(SEED)
    who = Copier(("ỦY BAN NHÂN DÂN", "THỊ XÃ HOÀNG MAI"), "UBND", "Hoàng Mai", ("CHỦ TỊCH",), "Trần Văn An")
    block = copy_block("sao_y", who, 1, dt.date(2024, 2, 5), ["Thường trực Thị ủy (để b/c)"])
    ctx = wrap(build_context(model, "seed"), model, "sao_y", block)
    assert [run.text for run in block.noi_nhan_runs[0] if run.nobreak] == ["(để b/c)"]
    html = render_html(ctx, search_path())
    copy_part = html[html.index('class="sao"'):]
    assert '<span class="nobreak">(để b/c)</span>' in copy_part
    document = docx.Document(io.BytesIO(render_docx(ctx, search_path())))
    texts = [p.text for table in document.tables for row in table.rows for cell in row.cells for p in cell.paragraphs]
    assert "- Thường trực Thị ủy (để\u00a0b/\u2060c);" in texts


# --- TRÍCH SAO: the parts verbatim, original labels, headings on the path, "…", footnotes --------


def test_trich_sao_keeps_original_labels_headings_and_marks_omissions(repo: Office) -> None:
    lines = _lines(ARCHIVE / "03-TrS-UBND.pdf")
    body = lines[lines.index(next(x for x in lines if x.startswith("Kết luận") or "phiên họp thường kỳ" in x)) + 1:]
    text = "\n".join(body)
    # I.2.b with its headings (I., 2.), and II.2 whole; the labels as the original prints them.
    for said in ("I. ĐÁNH GIÁ CHUNG", "2. Còn những tồn tại sau", "b) Công tác cải cách hành chính",
                 "II. NHIỆM VỤ TRỌNG TÂM THÁNG 02 NĂM 2024", "2. Phòng Tài chính - Kế hoạch",
                 "Tham mưu giao kế hoạch vốn đầu tư công năm 2024"):
        assert said in text, said
    for left_out in ("Ngày 29/01/2024", "a) Tiến độ giải ngân", "1. Các đơn vị đã hoàn thành", "1. Phòng Kinh tế",
                     "Chỉ đạo gieo cấy", "thông báo để các cơ quan"):
        assert left_out not in text, left_out
    # Each omitted stretch is one "…" line: the opening; I.1; a); II.1 and its task; the closing.
    assert sum(1 for x in body if x.strip() == "…") == 5
    # No status, no as-of text, no rewritten trích yếu.
    for invented in ("Trích", "chưa hoàn thành", "tính đến", "Trạng thái"):
        assert invented not in "\n".join(lines), invented


def test_trich_sao_footnotes_stay_footnotes_numbered_from_one(repo: Office) -> None:
    words = _words(ARCHIVE / "03-TrS-UBND.pdf")
    note = next(w for w in words if w["text"].startswith("Chỉ số PAR"))
    body = next(w for w in words if w["text"].startswith("b) Công tác"))
    assert note["size"] < body["size"] and note["top"] > body["top"]  # at the page foot, smaller
    paragraphs = _paragraphs(ARCHIVE / "03-TrS-UBND.docx")
    assert not any("Theo báo cáo số 12" in p for p in paragraphs)  # I.1's footnote went with I.1
    document = docx.Document(str(ARCHIVE / "03-TrS-UBND.docx"))
    notes = document.part.package.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument")
    xml = next(p for p in notes.package.parts if p.partname.endswith("footnotes.xml")).blob.decode("utf-8")
    assert "Chỉ số PAR năm 2023." in xml and "Theo báo cáo số 12" not in xml


def test_per_unit_extract_is_a_trich_sao_of_that_units_parts(repo: Office) -> None:
    assert "Số bản sao 01/TrS-UBND: số lớn nhất đã dùng trong kho này + 1." in repo.outputs["unit"]
    line = [e for e in _register() if e["su_kien"] == "sao"][-1]
    assert line["trich_yeu"] == "Trích sao Thông báo số 03/TB-UBND ngày 01/02/2024 (giao Phòng Kinh tế)"
    archived = repo.root / next(name for name in line["tep"] if name.endswith(".pdf"))
    lines = _lines(repo.root.parent / "kinh-te.pdf")
    text = "\n".join(lines)
    # Dated today (in Vietnam), so first in this year's copy series.
    assert "Số: 03/TB-UBND" in text and "TRÍCH SAO" in text and "Số: 01/TrS-UBND" in text
    assert "1. Phòng Kinh tế" in text and "Chỉ đạo gieo cấy vụ Xuân" in text
    assert "Tham mưu giao kế hoạch vốn" not in text and "Kết luận của Chủ tịch" in text
    assert "- Phòng Kinh tế;" in text  # the unit receives its part
    assert (repo.root.parent / "kinh-te.pdf").read_bytes() == archived.read_bytes()


# --- one copy series, the register, the archive ----------------------------------------------


def test_sy_sl_and_trs_share_one_yearly_series_recorded_like_issues(repo: Office) -> None:
    copies = [e for e in _register() if e["su_kien"] == "sao"]
    assert [(e["so"], e["ky_hieu"], e["loai"]) for e in copies] == [
        (1, "SY-UBND", "sao_y"), (2, "SL-UBND", "sao_luc"), (3, "TrS-UBND", "trich_sao"), (4, "SY-UBND", "sao_y"),
        (1, "TrS-UBND", "trich_sao")]  # the last one (tasks -f pdf) dated today: this year's series
    assert [e["ngay"][:4] for e in copies[:4]] == ["2024"] * 4
    assert copies[1]["nguon"] == str(CONG_VAN) and copies[1]["trich_yeu"].startswith("Sao lục Công văn số 04/")
    assert git("status", "--porcelain") == ""
    # One commit per copy, holding the archived files and the register line.
    log = git("log", "--format=%s").splitlines()
    assert log[0].startswith("Trích sao 03/TB-UBND: bản sao 01/TrS-UBND")
    assert log[1] == "Sao y 02/GM-UBND: bản sao 04/SY-UBND ngày 08/02/2024"
    # A duplicate copy number is a located error; nothing written.
    code, _out, err = run_cli("copy", str(NOTICE), "--form", "sao_luc", "--number", "2", "--date", "2024-03-01")
    assert code == 1
    assert "da-phat-hanh/so-dang-ky.jsonl:" in err and "số bản sao 02 năm 2024 đã dùng cho 02/SL-UBND" in err
    code, _out, err = run_cli("copy", str(NOTICE), "--form", "sao_y", "--date", "2024-03-01")
    assert code == 2 and "Số tiếp theo theo kho này là 5 (kho không biết các số cấp ngoài kho)" in err
    assert git("status", "--porcelain") == ""
    # check still trusts the archive; build still gives the issued bytes of the original.
    assert run_cli("check")[0] == 0


def test_copies_of_a_cong_van_and_a_giay_moi_wrap_their_own_frames(repo: Office) -> None:
    cong_van = "\n".join(_lines(ARCHIVE / "02-SL-UBND.pdf"))
    assert "V/v báo cáo kết quả thực hiện" in cong_van and "Kính gửi:" in cong_van and "SAO LỤC" in cong_van
    assert "Số: 04/UBND-VP" in cong_van or "Số: 04/" in cong_van
    giay_moi = "\n".join(_lines(ARCHIVE / "04-SY-UBND.pdf"))
    assert "GIẤY MỜI" in giay_moi and "SAO Y" in giay_moi and "Số: 04/SY-UBND" in giay_moi


def test_a_copy_is_made_from_the_snapshot_not_the_profile_as_it_is_now(repo: Office) -> None:
    profile = repo.root / "vanban.yaml"
    before = profile.read_text(encoding="utf-8")
    profile.write_text(before.replace("Nguyễn Mạnh Hùng", "Trần Văn Mới"), encoding="utf-8")
    git("commit", "-qam", "đổi người")
    try:
        cli_ok("copy", str(NOTICE), "--form", "sao_y", "--number", "9", "--date", "2024-03-02", "--signer", "chanh-vp")
        text = "\n".join(_lines(ARCHIVE / "09-SY-UBND.pdf"))
        assert "Nguyễn Mạnh Hùng" in text and "Trần Văn Mới" not in text
    finally:
        profile.write_text(before, encoding="utf-8")
        git("commit", "-qam", "trả lại")


# --- refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "message"), [
    (["copy", str(DRAFT), "--form", "sao_y", "--number", "20"],
     "chưa phát hành (còn là dự thảo); chỉ sao văn bản đã phát hành"),
    (["tasks", str(DRAFT), "--unit", "Phòng Kinh tế", "-f", "pdf", "-o", "x.pdf"],
     "chưa phát hành (còn là dự thảo)"),
    (["copy", str(NOTICE), "--form", "trich_sao", "--number", "20"], "trích sao cần chọn phần trích"),
    (["copy", str(NOTICE), "--form", "sao_y", "--part", "II", "--number", "20"], "chỉ dùng cho trích sao"),
    (["copy", str(NOTICE), "--form", "trich_sao", "--part", "III.4", "--number", "20"],
     "văn bản không có phần 'III.4'; các phần có nhãn: I, I.1, I.2, I.2.a, I.2.b, II, II.1, II.2"),
    (["copy", str(NOTICE), "--form", "trich_sao", "--unit", "Phòng Nội vụ", "--number", "20"],
     "văn bản không giao phần nào cho 'Phòng Nội vụ'"),
    (["copy", str(NOTICE), "--form", "sao_y", "--number", "20", "--signer", "ai-do"],
     "không có người ký 'ai-do' trong nguoi_ky của vanban.yaml"),
])
def test_refusals_write_nothing(repo: Office, args: list[str], message: str) -> None:
    before = REGISTER.read_bytes()
    code, _out, err = run_cli(*args)
    assert code == 2, err
    assert message in err
    assert REGISTER.read_bytes() == before and git("status", "--porcelain") == ""
    assert "Traceback" not in err


def test_an_office_template_without_the_copy_block_is_refused(repo: Office) -> None:
    folder = repo.root / "own-templates"
    folder.mkdir(exist_ok=True)
    (folder / "_trang.html").write_text((Path(__file__).resolve().parents[1] / "templates" / "_trang.html").read_text(
        encoding="utf-8").replace('{% if sao %}{% include "_sao.html" %}\n{% endif %}', ""), encoding="utf-8")
    before = REGISTER.read_bytes()
    code, _out, err = run_cli("copy", str(NOTICE), "--form", "sao_y", "--number", "21", "-t", str(folder))
    assert code == 1 and "không có khối bản sao (Mẫu 3.1)" in err
    assert REGISTER.read_bytes() == before


# --- the electronic copy (Mẫu 3.2): the ô 14 line only, signed by the copying body ---------------


def test_electronic_copy_has_only_the_o14_line_top_right_signed_by_the_copying_body(
        repo: Office, pki: Pki, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811 (the fixture)
    monkeypatch.setenv("VANBAN_PIN", PASSPHRASE)
    cli_ok("copy", str(NOTICE), "--form", "trich_sao", "--unit", "Phòng Tài chính - Kế hoạch", "--number", "10",
        "--date", "2024-03-05", "--electronic", "--p12", str(pki.org_p12))
    line = _register()[-1]
    assert (line["su_kien"], line["so"], line["ky_hieu"]) == ("sao", 10, "TrS-UBND")
    assert list(line["tep"]) == ["da-phat-hanh/2024/10-TrS-UBND.pdf"]  # an electronic copy is the signed PDF
    pdf = ARCHIVE / "10-TrS-UBND.pdf"
    found = pades.signatures(pdf.read_bytes(), pki.roots())
    assert [(s.field, s.intact, s.valid, s.trusted) for s in found] == [(COPY_FIELD, True, True, True)]
    text = "\n".join(_lines(pdf))
    # The frame, cut to the unit's part; no paper copy block [Mẫu 3.2].
    assert "2. Phòng Tài chính - Kế hoạch" in text and "Chỉ đạo gieo cấy" not in text
    assert "Số: 10/TrS-UBND" not in text and "TRÍCH SAO" not in text
    with pikepdf.open(pdf) as document:
        annot = next(a for a in document.pages[0].obj.Annots if a.get("/FT") == "/Sig")
        rect = Box(*(float(v) for v in annot.Rect))
        before = read_page(document, 0, annotations=False)
        document.flatten_annotations("all")
        after = read_page(document, 0, annotations=False)
        assert not document.pages[0].get_images(), "no image in ô 14 [R-SIG-12]"  # the appearance drawn in
        flat = io.BytesIO()
        document.save(flat)
    # Top right of page 1, clear of the header.
    assert rect.x1 > before.media.width * 0.75 and rect.y1 > before.media.height * 0.9
    assert not any(rect.overlaps(box) for box in before.boxes)
    stamped = [g for g in after.glyphs if g not in before.glyphs and not g.text.isspace()]
    # R-SIG-12: Times New Roman (its metric twin Liberation Serif) 10 pt, upright.
    assert {round(g.size, 1) for g in stamped} == {10.0}
    assert all("Liberation-Serif" in g.font and "Bold" not in g.font and "Italic" not in g.font for g in stamped)
    said = "".join(g.text for g in sorted(stamped, key=lambda g: g.box.x0))
    match = re.fullmatch(r"TRÍCHSAO;ỦYBANNHÂNDÂNTHỊXÃHOÀNGMAI;(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\+07:00",
                         unicodedata.normalize("NFC", said))
    assert match, said
    assert "".join(match.groups()) == found[0].time_text[2:16]  # the line says the signing time (/M)
    # Black: every glyph of the line is painted in black.
    with pdfplumber.open(flat) as document:
        page = document.pages[0]
        top = page.height - rect.y1
        chars = [c for c in page.chars if c["top"] >= top - 1 and c["bottom"] <= page.height - rect.y0 + 1
                 and c["x0"] >= rect.x0 - 1 and not c["text"].isspace()]
    assert chars and all(c["non_stroking_color"] in ((0,), (0, 0, 0), 0, [0], [0, 0, 0], (0.0,), (0.0, 0.0, 0.0))
                         for c in chars), {str(c["non_stroking_color"]) for c in chars}


def test_the_o14_line_reads_as_the_decree_writes_it() -> None:
    when = dt.datetime(2024, 1, 5, 7, 30, 15, tzinfo=dt.UTC)
    assert electronic_line("sao_luc", "Ủy ban nhân dân  thị xã Hoàng Mai", when) == (
        "SAO LỤC; Ủy ban nhân dân thị xã Hoàng Mai; 2024-01-05T14:30:15+07:00")


@pytest.mark.parametrize(("args", "message"), [
    (["copy", str(DRAFT), "--form", "sao_y", "--number", "20"],
     "Error: content/2024-01-phien-hop-thuong-ky.yaml is not issued (still a draft); only an issued document can be "
     "copied — run vanban issue first"),
    (["copy", str(NOTICE), "--form", "trich_sao", "--part", "IV", "--number", "20"],
     "Error: the document has no part 'IV'; the labelled parts are: I, I.1, I.2, I.2.a, I.2.b, II, II.1, II.2"),
    (["copy", str(NOTICE), "--form", "trich_sao", "--number", "20"],
     "Error: an excerpt copy needs the parts to copy: --part LABEL (e.g. II.1) or --unit UNIT"),
    (["copy", str(NOTICE), "--form", "sao_y", "--date", "2024-03-01"],
     "Error: no copy number given. The next number as far as this repository knows is"),
])
def test_messages_in_english(repo: Office, args: list[str], message: str) -> None:
    code, _out, err = run_cli("--lang", "en", *args)
    assert code == 2 and message in err, err


def test_a_duplicate_copy_number_in_english_is_located(repo: Office) -> None:
    code, _out, err = run_cli("--lang", "en", "copy", str(NOTICE), "--form", "sao_y", "--number", "1", "--date",
                           "2024-06-01")
    assert code == 1
    assert re.search(r"da-phat-hanh/so-dang-ky\.jsonl:\d+:1: so: copy number 01 of 2024 is already used by "
                     r"01/SY-UBND \(sao y Thông báo số 03/TB-UBND ngày 01/02/2024\); the next number as far as this "
                     r"repository knows is \d+ \[R-OTH-7\]", err), err


def test_an_electronic_copy_with_no_room_top_right_is_refused(pki: Pki) -> None:  # noqa: F811 (the fixture)
    from vanban.commands import stamp
    from vanban.commands.copy import sign_electronic
    from vanban.errors import UsageError

    # A page whose top third is all ink: ô 14 has nowhere to go [R-SIG-12].
    page = stamp._render("<div style='height: 110mm; background: #000'></div>", 210 * MM, 297 * MM)
    key = keys.pkcs12_key(pki.org_p12, PASSPHRASE)
    try:
        with pytest.raises(UsageError, match=r"dòng ô 14 của bản sao điện tử \[R-SIG-12\]"):
            sign_electronic(page, key, "sao_y", "ỦY BAN NHÂN DÂN THỊ XÃ HOÀNG MAI", "Hoàng Mai")
    finally:
        key.close()
