"""Issue 12: notices shaped like the ones offices really issue render without loss, in both formats.

Why: the fixtures in ``tests/fixtures/real`` carry what real Thông báo kết luận need (tasks in
khoản, điểm and bullets, deadlines in words, recurring schedules, footnotes, bold deadlines,
an issuing draft, a review draft, sentence-case headings asked for). Each must keep every
sentence in order with nothing duplicated in the .docx and the PDF, print each deadline once,
put footnotes at the foot of the page in both formats, and be seen whole by the task register,
``diff`` and ``new``. The ND30 measurements on the same fixtures run in the conformance tests.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
import yaml

from helpers import (
    MM,
    ROOT,
    context_from_yaml,
    context_of,
    docx_paragraphs,
    model_of,
    norm,
    notice_yaml,
    squash,
    with_calls,
    words,
)
from helpers import problems_from_yaml as problems_of
from pdfmeasure import footnote_lines, measure
from test_parity import convert_with_libreoffice, pdf_pages, render_each
from vanban.cli import main
from vanban.commands import diff
from vanban.commands import tasks as register
from vanban.pipeline.context import LAYOUT, Context
from vanban.pipeline.notice import load
from vanban.pipeline.outline import outline
from vanban.pipeline.render_docx import render_docx
from vanban.pipeline.render_pdf import render_pdf
from vanban.pipeline.templates import search_path

REAL = ROOT / "tests" / "fixtures" / "real"
NOTICES = sorted(REAL.glob("*.yaml"))
D = dt.date


def pdf_text(data: bytes) -> str:
    """Return the PDF's text, squashed, without the page-number band at the top of each page."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [p.crop((0, 20 * MM - 1, p.width, p.height)).extract_text(use_text_flow=True) or "" for p in pdf.pages]
    return squash("".join(pages))


@pytest.fixture(scope="module")
def rendered() -> dict[str, tuple[Context, bytes, bytes]]:
    """Render every real-shaped notice once: (context, .docx, PDF)."""
    return render_each(NOTICES)


def test_fixtures_have_the_shapes_the_issue_lists(rendered: dict[str, tuple[Context, bytes, bytes]]) -> None:
    """At least six notices: tasks at every level, every kind of deadline, footnotes, both drafts."""
    assert len(NOTICES) >= 6
    items = [i for path in NOTICES for i in outline(model_of(path).noi_dung)]
    task_kinds = {i.kind for i in items if i.is_task}
    assert {"khoan", "diem", "gach"} <= task_kinds
    assert any(i.is_task and i.has_children for i in items)  # a task keeps its children
    kinds = {i.deadline.kind for i in items if i.deadline}
    assert kinds == {"ngay", "thang", "quy", "nua_nam", "nam", "hang_tuan", "hang_thang", "dinh_ky", "khac"}
    assert any(i.deadline_in_text for i in items) and any(i.deadline and not i.deadline_in_text for i in items)
    contexts = [ctx for ctx, _, _ in rendered.values()]
    assert sum(len(ctx.footnotes) for ctx in contexts) >= 3
    runs = [r for ctx in contexts for b in ctx.body for r in b.runs]
    assert any(r.bold for r in runs) and any(r.italic for r in runs)
    assert {ctx.du_thao_mark for ctx in contexts if ctx.du_thao} == {"", "DỰ THẢO LẦN 2"}  # issuing, review
    assert any(ctx.body[0].text and not model_of(p).cuoc_hop for p, ctx in zip(NOTICES, contexts, strict=True))


# --- every sentence, in order, once -------------------------------------------------------------


@pytest.mark.parametrize("stem", [p.stem for p in NOTICES])
def test_docx_paragraphs_are_the_context_paragraphs(stem: str,
                                                    rendered: dict[str, tuple[Context, bytes, bytes]]) -> None:
    """Parity: the .docx paragraph sequence is exactly Context.paragraph_texts() (footnotes are not paragraphs)."""
    ctx, docx, _ = rendered[stem]
    assert [words(t) for t in docx_paragraphs(docx)] == [words(t) for t in ctx.paragraph_texts()]


@pytest.mark.parametrize("stem", [p.stem for p in NOTICES])
def test_pdf_shows_every_paragraph_in_order_and_once(stem: str,
                                                     rendered: dict[str, tuple[Context, bytes, bytes]]) -> None:
    """Parity: each paragraph (footnote calls in place) is in the PDF, in order, as often as in the context."""
    ctx, _, pdf = rendered[stem]
    text = pdf_text(pdf)
    for note in ctx.footnotes:  # the footnote areas sit between the pages' text
        text = text.replace(squash(f"{note.number}{note.text}"), "", 1)
    body = [squash(with_calls(b)) for b in ctx.body]
    position = 0
    for paragraph in [*(squash(t) for t in ctx.trich_yeu), *body, squash(ctx.ho_ten)]:
        found = text.find(paragraph, position)
        assert found >= 0, f"not in the PDF after offset {position}: {paragraph[:60]!r}"
        position = found + len(paragraph)
    joined = "".join(body)
    for paragraph in body:  # nothing duplicated: as many times as the body itself holds it
        assert text.count(paragraph) == joined.count(paragraph), paragraph[:60]


# --- footnotes -------------------------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_footnotes(data: bytes) -> tuple[list[str], list[tuple[str, str]]]:
    """Return (reference ids in the body, in order) and [(id, text)] of the footnotes part."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        body = etree.fromstring(z.read("word/document.xml"))
        notes = etree.fromstring(z.read("word/footnotes.xml"))
    refs = [r.get(f"{W}id") for r in body.iter(f"{W}footnoteReference")]
    def text(note: Any) -> str:  # words as read: a no-break hyphen is "-", joiners left out [R-BRK-1]
        return words("".join("-" if e.tag == f"{W}noBreakHyphen" else e.text or ""
                             for e in note.iter(f"{W}t", f"{W}noBreakHyphen")))

    found = [(n.get(f"{W}id"), text(n)) for n in notes.iter(f"{W}footnote") if n.get(f"{W}type") is None]
    return refs, found


@pytest.mark.parametrize("stem", [p.stem for p in NOTICES])
def test_footnotes_are_the_same_in_both_formats(stem: str, rendered: dict[str, tuple[Context, bytes, bytes]]) -> None:
    """Footnotes 1, 2, 3 …: real Word footnotes in the .docx, at the foot of the call's page in the PDF."""
    ctx, docx, pdf = rendered[stem]
    numbers = [str(n.number) for n in ctx.footnotes]
    assert numbers == [str(i) for i in range(1, len(numbers) + 1)]
    refs, notes = _docx_footnotes(docx)
    assert refs == numbers
    assert notes == [(str(n.number), n.text) for n in ctx.footnotes]
    m = measure(pdf)
    areas = footnote_lines(m, LAYOUT.footnote_pt, LAYOUT.footnote_call_pt)
    calls = [(w.text, ln.page) for ln in m.lines() if ln not in areas for w in ln.words
             if w.text.isdigit() and abs(w.size - LAYOUT.footnote_call_pt) < 0.1]
    markers = [(ln.words[0].text, ln.page) for ln in areas if ln.words[0].size == LAYOUT.footnote_call_pt]
    assert [c for c, _ in calls] == numbers and markers == calls  # each note on its call's page
    assert squash("".join(ln.text for ln in areas)) == squash("".join(f"{n.number}{n.text}" for n in ctx.footnotes))
    assert all(ln.sizes <= {LAYOUT.footnote_pt, LAYOUT.footnote_call_pt} for ln in areas)


# --- deadlines written once ----------------------------------------------------------------------

PHRASES = ["trước ngày 20/9/2026", "chậm nhất vào ngày 25/9/2026", "trong tháng 10/2026", "trong Quý IV/2026",
           "trong 6 tháng cuối năm 2026", "trong năm 2026", "hằng tuần, trước 15 giờ ngày thứ Năm",
           "chậm nhất vào ngày 10 hằng tháng", "định kỳ 03 tuần/lần", "khi có yêu cầu"]


def _every_kind() -> str:
    """Return a notice giving one task per deadline kind twice: marked in the sentence, and as data."""
    tasks_: list[Any] = []
    for i, phrase in enumerate(PHRASES):
        tasks_.append({"diem": f"Đơn vị {i} thực hiện việc thứ {i}, ^dam[^han[{phrase}]].", "giao": f"Đơn vị {i}"})
        tasks_.append({"diem": f"Đơn vị {i} báo cáo việc thứ {i}.", "giao": {"don_vi": f"Đơn vị {i}", "han": phrase}})
    body = [{"khoan": "Nhiệm vụ cụ thể", "noi_dung": tasks_}]
    return notice_yaml(ngay="2026-09-08", mo_dau=["Ngày 04/9/2026, Chủ tịch UBND thị xã kết luận như sau:"],
                       noi_dung=body)


def test_each_task_states_its_deadline_once_in_both_formats() -> None:
    """Point 2: every kind, marked or printed from data, appears exactly once in its task's paragraph."""
    ctx = context_from_yaml(_every_kind(), "han")
    docx = render_docx(ctx, search_path())
    pdf = pdf_text(render_pdf(ctx, search_path()))
    items = outline(model_of_yaml(_every_kind()).noi_dung)
    opening = 1
    paragraphs = docx_paragraphs(docx)
    first = paragraphs.index(norm(ctx.body[0].text))
    checked = 0
    for index, item in enumerate(items):
        if not item.is_task:
            continue
        assert item.deadline is not None
        block = ctx.body[opening + index]
        phrase = item.deadline.phrase
        assert block.text.count(phrase) == 1, block.text
        assert words(paragraphs[first + opening + index]).count(phrase) == 1
        start = pdf.find(squash(block.text))
        assert start >= 0 and pdf[start: start + len(squash(block.text))].count(squash(phrase)) == 1
        checked += 1
    assert checked == 2 * len(PHRASES)


def model_of_yaml(text: str) -> Any:
    from vanban.pipeline.loader import load_yaml
    from vanban.pipeline.validate import check

    located, _ = load_yaml(text, "x.yaml")
    assert located is not None
    model, problems = check(located)
    assert model is not None, problems
    return model


def test_han_repeating_the_sentence_is_warned() -> None:
    """A ``han`` whose date the sentence already writes would print twice: a warning says to mark it."""
    from vanban.pipeline.loader import load_yaml
    from vanban.pipeline.validate import warnings

    body = [{"khoan": "Giao Phòng Kinh tế báo cáo trước ngày 20/3/2024.", "giao": {"don_vi": "Phòng Kinh tế",
                                                                                   "han": "2024-03-20"}}]
    located, _ = load_yaml(notice_yaml(noi_dung=body), "x.yaml")
    assert located is not None
    found = [w.message for w in warnings(located)]
    assert any("'^han[…]'" in m and "20/03/2024" in m for m in found), found


def test_deadline_in_both_places_is_an_error() -> None:
    body = [{"khoan": "Giao Phòng Kinh tế báo cáo ^han[trước ngày 20/3/2024].", "giao": {"han": "2024-03-20"}}]
    problems = problems_of(notice_yaml(noi_dung=body))
    assert [p.field for p in problems] == ["noi_dung[0]"]
    assert "bỏ trường 'han'" in problems[0].message


# --- the register, diff and new see every task ----------------------------------------------------


def test_register_lists_tasks_at_every_level_by_any_role() -> None:
    rows = register.collect(load(NOTICES))
    by_ma = {r.ma: r for r in rows if r.ma}
    assert {"NNMT-01", "QS-01", "DP-01", "SNV-01", "SNV-02", "XD-01", "CDS-03"} <= set(by_ma)
    finance = {r.ma for r in register.select(rows, unit="sở tài chính")}
    assert {"SNV-02", "XD-01", "TC-01"} <= finance  # co-ordinating, co-ordinating, assigned
    assert by_ma["XD-01"].don_vi == "Sở Xây dựng (chủ trì); Sở Tài chính (phối hợp)"
    assert by_ma["QS-01"].han == D(2026, 10, 31) and by_ma["BQL-01"].han == D(2026, 12, 31)
    listed = register.select(rows)
    assert listed[-1].ma == "CDS-04"  # a deadline without a date is listed apart, last
    assert not any(r.is_overdue(D(2030, 1, 1)) for r in rows if r.ma == "CDS-04")


def test_the_day_itself_is_late_or_on_time_as_the_phrase_says() -> None:
    rows = {r.ma: r for r in register.collect(load(NOTICES)) if r.ma}
    before, latest = rows["XD-01"], rows["NNMT-02"]  # "trước ngày 21/9/2026", "chậm nhất vào ngày 05/10/2026"
    assert before.is_overdue(D(2026, 9, 21)) and not before.is_overdue(D(2026, 9, 20))
    assert not latest.is_overdue(D(2026, 10, 5)) and latest.is_overdue(D(2026, 10, 6))


def test_a_recurring_task_is_overdue_until_its_period_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "noi-dung"
    folder.mkdir()
    shutil.copy(REAL / "dinh-ky.yaml", folder)
    rows = {r.ma: r for r in register.collect(load([folder])) if r.ma}
    weekly = rows["CDS-01"]  # Thursdays, from Monday 07/9/2026
    assert not weekly.is_overdue(D(2026, 9, 10)) and weekly.is_overdue(D(2026, 9, 11))
    later = yaml.safe_load((REAL / "chu-thuong-muc.yaml").read_text(encoding="utf-8"))
    later["cap_nhat_nhiem_vu"] = [{"thong_bao": "09/TB-BCĐ", "ma": "CDS-01", "trang_thai": "xong",
                                   "ngay": "2026-09-10"}]
    (folder / "sau.yaml").write_text(yaml.safe_dump(later, allow_unicode=True), encoding="utf-8")
    rows = {r.ma: r for r in register.collect(load([folder])) if r.ma and r.stem == "dinh-ky"}
    weekly = rows["CDS-01"]
    assert not weekly.is_overdue(D(2026, 9, 11))  # the 10/9 report answers the 10/9 occurrence
    assert weekly.is_overdue(D(2026, 9, 18))  # nothing for 17/9
    assert weekly.is_open(D(2026, 9, 30)) and weekly.status(D(2026, 9, 30)) == "xong"  # never done for good
    assert rows["CDS-04"].deadline is not None and not rows["CDS-04"].is_overdue(D(2027, 1, 1))


def test_diff_sees_units_and_deadlines_of_any_item() -> None:
    old = model_of(REAL / "diem-han-bang-chu.yaml")
    text = (REAL / "diem-han-bang-chu.yaml").read_text(encoding="utf-8")
    new = model_of_yaml(text.replace("^han[trong tháng 10/2026]", "^han[trong Quý IV/2026]")
                        .replace("{don_vi: Sở Tài chính, ma: TC-01}", "{don_vi: Sở Xây dựng, ma: TC-01}"))
    changes = diff.compare(old, new)
    assert [(c.old.ma, c.new.don_vi) for c in changes.reassigned] == [("TC-01", "Sở Xây dựng")]
    assert [(c.new.ma, c.old.deadline and c.old.deadline.phrase, c.new.deadline and c.new.deadline.phrase)
            for c in changes.deadline_moved] == [("TC-01", "trong tháng 10/2026", "trong Quý IV/2026")]
    assert "~ trong tháng 10/2026 → trong Quý IV/2026, Sở Xây dựng: [TC-01]" in diff.report(changes, "a", "b")
    same = model_of_yaml(text.replace("^han[trước ngày 21/9/2026]", "^han[trước ngày 21/09/2026]"))
    assert diff.compare(old, same).deadline_moved == []  # other words, the same deadline


def test_new_carries_recurring_and_open_tasks() -> None:
    rows = register.select(register.collect(load([REAL / "dinh-ky.yaml"])), open_only=True, as_of=D(2026, 12, 1))
    assert {r.ma for r in rows} >= {"CDS-01", "CDS-02", "CDS-03", "CDS-04"}


def test_trich_sao_of_one_unit_keeps_its_marked_deadline_once() -> None:
    """The unit's part is copied verbatim: a deadline the sentence states is printed once, as in the original."""
    from vanban.pipeline import copies
    from vanban.pipeline.context import build_context
    from vanban.pipeline.render_pdf import render_pdf

    model = load([REAL / "diem-han-bang-chu.yaml"])[0].model
    who = copies.Copier(("ỦY BAN NHÂN DÂN",), "UBND", "Hà Tĩnh", ("CHÁNH VĂN PHÒNG",), "Lê Văn A")
    block = copies.copy_block("trich_sao", who, 1, dt.date(2026, 10, 1), ["Sở Tài chính"])
    ctx = copies.wrap(build_context(model, "x"), model, "trich_sao", block, copies.Selection((), "Sở Tài chính"))
    text = squash(pdf_text(render_pdf(ctx)))
    assert text.count(squash("trong tháng 10/2026")) == 1 and squash("trước ngày 21/9/2026") in text
    assert squash("TRÍCH SAO") in text and "…" in text


# --- drafts ------------------------------------------------------------------------------------------


def test_issuing_draft_has_no_mark_a_blank_number_and_day(rendered: dict[str, tuple[Context, bytes, bytes]]) -> None:
    ctx, docx, pdf = rendered["trinh-ky"]
    blank = "\u00a0" * 6
    assert ctx.du_thao and ctx.du_thao_mark == ""
    assert ctx.so_ky_hieu == f"Số: {blank}/TB-VP"
    assert ctx.dia_danh_ngay == f"Hà Tĩnh, ngày{blank}tháng 9 năm 2026"
    assert "DỰTHẢO" not in pdf_text(pdf) and "DỰ THẢO" not in _first_page_header(docx)


def test_review_draft_round_two_is_marked_in_both_formats(rendered: dict[str, tuple[Context, bytes, bytes]]) -> None:
    ctx, docx, pdf = rendered["du-thao-lan-2"]
    assert ctx.du_thao_mark == "DỰ THẢO LẦN 2"
    assert _first_page_header(docx) == "DỰ THẢO LẦN 2"
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        top = document.pages[0].crop((0, 0, document.pages[0].width, 20 * MM)).extract_text()
    assert top == "DỰ THẢO LẦN 2"
    assert ctx.dia_danh_ngay.endswith("năm 2026") and "tháng\u00a0" in ctx.dia_danh_ngay


def _first_page_header(docx: bytes) -> str:
    from docx import Document

    section = Document(io.BytesIO(docx)).sections[0]
    return "".join(p.text for p in section.first_page_header.paragraphs)


@pytest.mark.parametrize("stem", ["trinh-ky", "du-thao-lan-2"])
def test_build_final_refuses_both_kinds_of_draft(stem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--final", str(REAL / f"{stem}.yaml"), "-o", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "bản chính thức phải có số văn bản [R-NUM-8]" in err and "phải có ngày ban hành [R-DATE-5]" in err
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"du_thao": "gop_y"}, "ngay", "bản dự thảo chưa có ngày ban hành"),
    ({"du_thao": {"loai": "trinh_ky", "nam": "2024"}, "ngay": None}, "so", "bản trình ký để trống số cho văn thư"),
    ({"du_thao": {"loai": "trinh_ky", "lan": "2", "nam": "2024"}, "ngay": None, "so": None}, "du_thao",
     "bản trình ký không đánh số lần dự thảo"),
    ({"ngay": None, "so": None}, "ngay", "bản dự thảo cần năm để ghi dòng ngày tháng"),
])
def test_draft_mistakes_are_located(changes: dict[str, Any], field: str, message: str) -> None:
    problems = problems_of(notice_yaml(**changes))
    assert [p.field for p in problems] == [field], problems
    assert message in problems[0].message


# --- a free opening is enough ----------------------------------------------------------------------


def test_free_opening_needs_no_meeting_even_under_a_profile(tmp_path: Path) -> None:
    """Point 3: the profile's meeting defaults (no date) do not stop a notice that writes its own opening."""
    (tmp_path / "vanban.yaml").write_text(
        "cuoc_hop:\n  hinh_thuc: phiên họp\n  don_vi_to_chuc: UBND tỉnh\n"
        "  chu_tri: {ho_ten: Võ Trọng Hải, chuc_vu: Chủ tịch UBND tỉnh}\n", encoding="utf-8")
    notice = tmp_path / "content" / "du-thao.yaml"
    notice.parent.mkdir()
    data = yaml.safe_load(notice_yaml(so=None, ngay=None))
    data["du_thao"] = {"nam": "2026"}
    notice.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (loaded,) = load([notice])
    assert loaded.model.cuoc_hop is not None and loaded.model.cuoc_hop.ngay is None
    ctx = context_of(notice)
    assert ctx.dia_danh_ngay.endswith("năm 2026") and ctx.body[0].text.startswith("Ngày 01/3/2024")


def test_composed_opening_asks_for_the_meeting_fields_it_uses() -> None:
    problems = problems_of(notice_yaml(mo_dau=None, cuoc_hop={"ngay": "2024-03-01", "don_vi_to_chuc": "UBND"}))
    assert [(p.field, p.message) for p in problems] == [
        ("cuoc_hop.chu_tri", "thiếu 'cuoc_hop.chu_tri' để viết đoạn mở đầu (hoặc tự viết đoạn mở đầu trong 'mo_dau')")]


# --- headings ----------------------------------------------------------------------------------------


def test_a_khoan_that_assigns_work_is_regular_and_a_title_is_bold() -> None:
    ctx = context_of(REAL / "chu-thich-han-dam.yaml")
    giao = next(b for b in ctx.body if b.text.startswith("3. Giao Sở Nội vụ:"))
    assert not giao.bold and giao.keep_next
    body = [{"khoan": "Giao Phòng Kinh tế:", "giao": "Phòng Kinh tế", "tieu_de": "co",
             "noi_dung": [{"diem": "Việc một."}]},
            {"khoan": "Nhiệm vụ khác", "tieu_de": "khong", "noi_dung": [{"diem": "Việc hai."}]}]
    ctx = context_from_yaml(notice_yaml(noi_dung=body))
    assert [(b.text[:20], b.bold) for b in ctx.body if b.kind == "khoan"] == [
        ("1. Giao Phòng Kinh t", True), ("2. Nhiệm vụ khác", False)]


def test_sentence_case_headings_warn_and_build_final_reports_it(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    source = REAL / "chu-thuong-muc.yaml"
    ctx = context_of(source)
    assert [b.text for b in ctx.body if b.kind == "muc"] == ["I. Kết quả đạt được",
                                                            "II. Nhiệm vụ trọng tâm quý IV năm 2026"]
    warning = "trinh_bay.muc_chu: cảnh báo: đề mục (I, II, …) không viết in hoa như ND30 quy định [T-17]"
    assert main(["check", str(source)]) == 0
    assert warning in capsys.readouterr().err
    assert main(["build", "--final", str(source), "-o", str(tmp_path / "a"), "-f", "pdf"]) == 0
    assert warning in capsys.readouterr().err
    # With a reason to refuse, --final lists the departure alongside it.
    text = source.read_text(encoding="utf-8").replace("thị trấn tập trung", "thị trấn [tên xã] tập trung")
    (tmp_path / "chu-thuong-muc.yaml").write_text(text, encoding="utf-8")
    assert main(["build", "--final", str(tmp_path / "chu-thuong-muc.yaml"), "-o", str(tmp_path / "b")]) == 1
    err = capsys.readouterr().err
    assert warning in err and "còn chỗ chưa điền '[tên xã]'" in err


# --- titles and the issuing body break where the author wants --------------------------------------


def _title(text: Any) -> tuple[str, ...]:
    return context_from_yaml(notice_yaml(trich_yeu=text)).trich_yeu


def test_title_is_balanced_without_splitting_a_name_or_leaving_one_word() -> None:
    text = ("Kết luận của đồng chí Trần Văn Thành - Phó Chủ tịch UBND tỉnh tại cuộc họp về công tác "
            "chuẩn bị Tết trồng cây năm 2026 và sơ kết công tác tháng Chín")
    lines = _title(text)
    assert len(lines) >= 2 and " ".join(lines) == text
    assert any("Trần Văn Thành" in line for line in lines)
    assert all(len(line.split()) > 1 for line in lines)
    kept = _title(text.replace("Tết trồng cây năm 2026", "^lien[Tết trồng cây năm 2026]"))
    assert any("Tết trồng cây năm 2026" in line for line in kept)


def test_given_title_lines_are_kept_and_one_too_wide_is_located() -> None:
    lines = ["Kết luận của Chủ tịch UBND thị xã", "tại cuộc họp về công tác chuẩn bị Tết trồng cây"]
    assert _title(lines) == tuple(lines)
    wide = [lines[0], lines[1] + " năm 2024 và kế hoạch trồng rừng, chăm sóc cây xanh đô thị"]
    text = notice_yaml(trich_yeu=wide)
    (problem,) = problems_of(text)
    assert problem.field == "trich_yeu[1]" and problem.rule == "R-EL-5a-2"
    assert problem.line == next(i for i, row in enumerate(text.splitlines(), 1) if "trồng rừng" in row)


def test_issuing_body_line_too_wide_for_its_column_is_located() -> None:
    text = notice_yaml(co_quan={"ten": ["ỦY BAN NHÂN DÂN THỊ XÃ HOÀNG MAI"], "viet_tat": "UBND",
                                "dia_danh": "Hoàng Mai"})
    (problem,) = problems_of(text)
    assert (problem.field, problem.rule) == ("co_quan.ten[0]", "R-EL-2c")


# --- a lead-in stays with what it introduces ----------------------------------------------------------

FILLER = "Các phòng, ban chuyên môn thực hiện nhiệm vụ được giao."


def _lead_in(n: int) -> Context:
    body = [{"muc": "Nhiệm vụ", "noi_dung": [*[FILLER] * n, "Các đơn vị thực hiện các việc sau:",
                                             {"gach": "Việc thứ nhất."}, {"gach": "Việc thứ hai."},
                                             *[FILLER] * 6]}]
    return context_from_yaml(notice_yaml(noi_dung=body), f"lead-{n}")


def test_lead_in_never_ends_a_page_without_its_first_item() -> None:
    """Point 8: around the page-1 break, "… sau:" and "- Việc thứ nhất." always share a page (PDF)."""
    moved = 0
    for n in range(18, 26):
        m = measure(render_pdf(_lead_in(n)))
        lead = next(ln for ln in m.lines() if ln.text.startswith("Các đơn vị thực hiện"))
        item = next(ln for ln in m.lines() if ln.text.startswith("- Việc thứ nhất"))
        assert lead.page == item.page, n
        before = [ln for ln in m.lines() if ln.text == FILLER and (ln.page, ln.top) < (lead.page, lead.top)]
        page_two = [ln for ln in m.lines(2) if ln.top >= 20 * MM]  # below the page number
        moved += lead.page == 2 and before[-1].page == 1 and page_two[0] is lead
    assert moved, "the range never put the lead-in at a page break: the test would be vacuous"


def test_lead_in_keeps_with_next_in_the_docx() -> None:
    from docx import Document

    ctx = _lead_in(3)
    document = Document(io.BytesIO(render_docx(ctx, search_path())))
    lead = next(p for p in document.paragraphs if p.text.startswith("Các đơn vị thực hiện"))
    assert lead.style.name == "VB Body Keep" and lead.style.paragraph_format.keep_with_next
    assert [b.keep_next for b in ctx.body if b.text.endswith(":")] and all(
        b.keep_next == b.text.endswith(":") for b in ctx.body[:-1])


# --- a no-break span ---------------------------------------------------------------------------------

SPAN = "Quyết định số 12/QĐ-UBND ngày 05/3/2026"


def test_no_break_span_stays_on_one_line_in_both_formats() -> None:
    """``^lien[…]``: never split in the PDF wherever the line ends; in the .docx, no-break characters."""
    from docx import Document

    for n in range(8):
        sentence = " ".join(["Thực hiện"] + ["nghiêm"] * n + [f"^lien[{SPAN}]", "của UBND tỉnh về việc này."])
        ctx = context_from_yaml(notice_yaml(noi_dung=[{"muc": "Nhiệm vụ", "noi_dung": [sentence] * 2}]), f"lien-{n}")
        lines = [squash(ln.text) for ln in measure(render_pdf(ctx)).lines()]
        assert sum(squash(SPAN) in line for line in lines) == 2, n
    document = Document(io.BytesIO(render_docx(ctx, search_path())))
    run = next(r for p in document.paragraphs for r in p.runs if "12/" in r.text)
    # The space after the span is where the line may break, so it stays an ordinary space [R-BRK-1].
    assert "\u00a0" in run.text and " " not in run.text.rstrip(" ") and "/\u2060" in run.text
    assert run._r.findall(f"{W}noBreakHyphen")


# --- the .docx laid out by LibreOffice ------------------------------------------------------------


@pytest.fixture(scope="module")
def libreoffice(rendered: dict[str, tuple[Context, bytes, bytes]], tmp_path_factory: Any) -> dict[str, bytes]:
    """Return every real-shaped .docx laid out by LibreOffice, as PDF (skipped when it is not installed)."""
    return convert_with_libreoffice(rendered, tmp_path_factory.mktemp("lo-real"))


@pytest.mark.libreoffice
@pytest.mark.parametrize("stem", [p.stem for p in NOTICES])
def test_docx_lays_out_like_the_pdf(stem: str, rendered: dict[str, tuple[Context, bytes, bytes]],
                                    libreoffice: dict[str, bytes]) -> None:
    """Layout parity: as many pages; the signer on the last one; each footnote at the foot of its call's page."""
    ctx, _, pdf = rendered[stem]
    ours, theirs = pdf_pages(pdf), pdf_pages(libreoffice[stem])
    assert len(theirs) == len(ours)
    assert squash(ctx.ho_ten) in squash(theirs[-1]) and squash(ctx.ho_ten) in squash(ours[-1])
    for note in ctx.footnotes:
        page = next(i for i, text in enumerate(ours) if squash(f"{note.number}{note.text}") in squash(text))
        assert squash(f"{note.number}{note.text}") in squash(theirs[page]), note.text


def test_a_marked_deadline_before_the_meeting_is_located() -> None:
    meeting = {"ngay": "2024-03-01", "don_vi_to_chuc": "UBND", "chu_tri": {"ho_ten": "Lê Văn Bình", "chuc_vu": "PCT"}}
    body = [{"khoan": "Giao Phòng Kinh tế báo cáo ^han[trước ngày 20/01/2024].", "giao": "Phòng Kinh tế"}]
    (problem,) = problems_of(notice_yaml(noi_dung=body, cuoc_hop=meeting))
    assert (problem.field, problem.message) == ("noi_dung[0].khoan", "thời hạn trước ngày cuộc họp")


def test_new_starts_from_notices_whose_meeting_has_no_date(tmp_path: Path) -> None:
    """A notice with a free opening may carry meeting fields without a date; ``new`` still picks the latest."""
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(REAL / "diem-han-bang-chu.yaml", content)
    data = yaml.safe_load((REAL / "trinh-ky.yaml").read_text(encoding="utf-8"))
    data["cuoc_hop"] = {"hinh_thuc": "buổi làm việc"}
    (content / "trinh-ky.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert main(["new", str(content), "--ngay-hop", "2026-10-20"]) == 0
    (made,) = set(content.glob("*.yaml")) - {content / "diem-han-bang-chu.yaml", content / "trinh-ky.yaml"}
    assert "Thanh tra tỉnh kiểm tra việc quản lý chất lượng" in made.read_text(encoding="utf-8")  # carried
