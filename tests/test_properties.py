"""Property tests: any text the font can draw goes through the whole pipeline and comes out whole.

Why: the seed notice exercises one set of sentences; authors write anything. Hypothesis builds
valid notices from arbitrary Vietnamese (NFC and NFD), XML/HTML-special characters and very
long words, runs them through ``load_yaml`` → ``check`` → ``build_context`` → ``render_pdf`` and
``render_docx``, and checks that the .docx opens with python-docx and the PDF with pdfplumber,
each holding every input sentence, in order, in NFC. Text the font cannot draw (emoji, CJK)
must stop at a located error instead of printing a tofu box.

The properties that do not render go further: the loader never raises on any text or bytes
and locates every problem inside the file, and validation never raises on any YAML tree
(with or without an office profile), whose every problem is located in the file too.

Settings: the default (developer) run is modest (each rendering example renders a PDF,
~0.1–0.3 s). With ``CI`` set, the "ci" Hypothesis profile registered below runs at least
200 examples per property that does not render and 50 per property that renders both
formats. The big shapes (200 mục, 1,000 recipients) are explicit slow tests rather than
Hypothesis examples.
"""

from __future__ import annotations

import io
import os
import unicodedata
from typing import Any

import pdfplumber
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from helpers import MM, squash
from vanban.pipeline.context import LAYOUT, build_context
from vanban.pipeline.fonts import covered
from vanban.pipeline.loader import Located, load_bytes, load_yaml
from vanban.pipeline.profile import apply_profile
from vanban.pipeline.render_pdf import render_pdf
from vanban.pipeline.templates import search_path
from vanban.pipeline.validate import MAX_RECIPIENTS, MAX_WORD_CHARS, check, warnings

#: CI runs many examples (``CI=true``); a developer's run stays fast.
IN_CI = bool(os.environ.get("CI"))
_COMMON: dict[str, Any] = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
}
settings.register_profile("ci", max_examples=200, print_blob=True, **_COMMON)
settings.register_profile("dev", max_examples=40, **_COMMON)
settings.load_profile("ci" if IN_CI else "dev")
#: Examples of a property that renders both formats (each ~0.2 s): 50 in CI.
RENDERING = settings(max_examples=50 if IN_CI else 20)
#: Examples of a property that only loads and validates: 200 in CI (the profile's default).
CHECKING = settings(max_examples=200 if IN_CI else 40)

TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
VOWELS = "aăâeêioôơuưy"
VIETNAMESE = sorted(
    {unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES} | set("bcdđghklmnpqrstvx")
)
LETTERS = "".join(VIETNAMESE) + "".join(VIETNAMESE).upper() + "fjwzFJWZ0123456789"
#: XML/HTML/Jinja-special characters and ordinary punctuation; no "/" so "./." cannot appear [R-END-1].
PUNCTUATION = "&<>\"'(),;:?!%-+=*#@[]{}~$"
words = st.text(alphabet=LETTERS + PUNCTUATION, min_size=1, max_size=12)
#: A sentence's first word: letters and digits only, so no text starts with a label vanban prints
#: itself ("- ", "+ ", "a) "), which is refused as pasted [issue 13, labels.py].
first_words = st.text(alphabet=LETTERS, min_size=1, max_size=12)
long_words = st.text(alphabet=LETTERS, min_size=60, max_size=MAX_WORD_CHARS)


@st.composite
def sentences(draw: st.DrawFn, max_words: int = 25, long: bool = True) -> str:
    """Return a sentence of arbitrary words, maybe with one very long word, maybe in NFD.

    ``long=False`` for a title: a word wider than the page would be cut, and is refused.
    """
    parts = [draw(first_words), *draw(st.lists(words, max_size=max_words - 1))]
    if long and draw(st.integers(0, 4)) == 0:
        parts.insert(draw(st.integers(0, len(parts))), draw(long_words))
    text = " ".join(parts)
    return unicodedata.normalize("NFD", text) if draw(st.booleans()) else text


def notice(trich_yeu: str, opening: str, sections: list[tuple[str, list[str]]],
           recipients: list[str]) -> dict[str, Any]:
    """Return the data of a valid notice holding the given texts."""
    return {
        "co_quan": {"ten": ["ỦY BAN NHÂN DÂN", "XÃ QUỲNH LIÊN"], "viet_tat": "UBND", "dia_danh": "Quỳnh Liên"},
        "so": "7",
        "ngay": "2024-03-05",
        "trich_yeu": trich_yeu,
        "mo_dau": [opening],
        "noi_dung": [{"muc": title, "noi_dung": paragraphs} for title, paragraphs in sections],
        "ket_thuc": "UBND xã thông báo để các đơn vị biết, thực hiện.",
        "nguoi_ky": {"chuc_vu": ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"], "ho_ten": "Trần Thị Cúc"},
        "noi_nhan": recipients,
        "luu": {"don_vi": "VP"},
    }


@st.composite
def notices(draw: st.DrawFn) -> dict[str, Any]:
    sections = draw(st.lists(st.tuples(sentences(6), st.lists(sentences(), min_size=1, max_size=3)),
                             min_size=1, max_size=5))
    # Words of recipients stay narrower than the Nơi nhận column (wider ones are refused).
    unit = st.lists(st.text(alphabet=LETTERS, min_size=1, max_size=10), min_size=1, max_size=3).map(" ".join)
    recipients = draw(st.lists(unit.map(lambda s: f"Đơn vị {s}"),
                               min_size=1, max_size=8))
    return notice(draw(sentences(15, long=False)), draw(sentences()), sections, recipients)


def expected_in_order(data: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Return (body texts, recipient lines) as a reader must find them, in reading order."""
    body = [data["trich_yeu"], *data["mo_dau"]]
    for section in data["noi_dung"]:
        body.append(unicodedata.normalize("NFC", section["muc"]).upper())  # mục titles are upper case [T-17]
        body.extend(section["noi_dung"])
    return body, [f"- {r};" for r in data["noi_nhan"]]


def assert_in_order(haystack: str, needles: list[str], where: str, start: int = 0) -> None:
    cursor = start
    for needle in needles:
        found = haystack.find(squash(needle), cursor)
        assert found >= 0, f"{where}: missing or out of order: {needle!r}"
        cursor = found + len(squash(needle))


def docx_text(data: bytes) -> str:
    """Return the text of every paragraph of a .docx, tables included, in document order."""
    import docx
    from docx.oxml.ns import qn

    document = docx.Document(io.BytesIO(data))  # must open
    paragraphs = document.element.body.iter(qn("w:p"))
    # As read: Word's no-break hyphen is a "-", the word joiners of no-break spans are left out [R-BRK-1].
    return "\n".join("".join("-" if e.tag == qn("w:noBreakHyphen") else e.text or ""
                              for e in p.iter(qn("w:t"), qn("w:noBreakHyphen"))).replace("\u2060", "")
                      for p in paragraphs)


def pdf_texts(data: bytes, column_mm: float = LAYOUT.sign_left_mm) -> tuple[str, str]:
    """Return (all text, text of the Nơi nhận column) of a PDF, and check nothing leaves the text block."""
    left_edge = LAYOUT.margin_left_mm * MM
    right_edge = (LAYOUT.page_width_mm - LAYOUT.margin_right_mm) * MM
    column = left_edge + column_mm * MM  # the Nơi nhận column, as wide as the context fitted it
    full, left = [], []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert pdf.pages
        for page in pdf.pages:
            overflow = [c["text"] for c in page.chars if c["x1"] > right_edge + 1 or c["x0"] < left_edge - 12 * MM]
            assert not overflow, f"text runs off the page: {''.join(overflow)[:80]!r}"
            # Only the text block: the page number in the top margin [R-PGN-1] is not content.
            top, bottom = LAYOUT.margin_top_mm * MM, page.height - LAYOUT.margin_bottom_mm * MM
            full.append(page.crop((0, top, page.width, bottom)).extract_text() or "")
            left.append(page.crop((0, top, column, bottom)).extract_text() or "")
    return squash("\n".join(full)), squash("\n".join(left))


def render_both(data: dict[str, Any]) -> tuple[bytes, bytes, float]:
    """Return the PDF, the .docx and the Nơi nhận column's width (mm) of the notice ``data``."""
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
    located, problems = load_yaml(text, "p.yaml")
    assert located is not None, problems
    model, problems = check(located)
    assert model is not None, "\n".join(map(str, problems))
    ctx = build_context(model, "p")
    path = search_path(None)
    from vanban.pipeline.render_docx import render_docx
    return render_pdf(ctx, path), render_docx(ctx, path), ctx.cot_noi_nhan_mm


def check_outputs(data: dict[str, Any]) -> None:
    pdf, docx_bytes, column = render_both(data)
    body, recipients = expected_in_order(data)
    text = squash(docx_text(docx_bytes))
    assert_in_order(text, body, "docx")
    assert_in_order(text, recipients, "docx", text.find(squash("Nơi nhận:")))
    full, left = pdf_texts(pdf, column)
    assert_in_order(full, body, "pdf")
    assert_in_order(left, recipients, "pdf", left.find(squash("Nơi nhận:")))
    assert full.endswith(squash("Trần Thị Cúc")) or squash("Trần Thị Cúc") in full  # nothing truncated


@pytest.mark.slow
@RENDERING
@given(notices())
def test_any_showable_text_renders_whole_in_both_formats(data: dict[str, Any]) -> None:
    check_outputs(data)


def test_special_characters_and_nfd_example() -> None:
    """A fixed example of what the property covers, so a failure is easy to read."""
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hường đề nghị ưu tiên")
    check_outputs(notice(
        "Kết luận về A & B <khẩn> \"mới\" 'cũ'",
        f"{nfd} & <b>in đậm</b> \"trích\" 'dẫn'",
        [("Tổng hợp & đánh giá", ["Mã " + "Đ" * 200 + " hết.", "x < y > z & w"])],
        ["Đơn vị A & B", "Phòng <Kinh tế>"],
    ))


def test_trich_yeu_longer_than_a_document_property() -> None:
    """Found by the property above: a 300-character trích yếu crashed the .docx (255-character title)."""
    check_outputs(notice("Kết luận " + "về việc triển khai nhiệm vụ trọng tâm " * 8, "Mở đầu.",
                         [("Chung", ["Nội dung."])], ["Các phòng"]))


@pytest.mark.slow
def test_two_hundred_sections() -> None:
    sections = [(f"Nội dung số {i}", [f"Đoạn {i}: các đơn vị triển khai & báo cáo kết quả."]) for i in range(200)]
    check_outputs(notice("Kết luận dài", "Mở đầu.", sections, ["Các phòng, ban"]))


@pytest.mark.slow
def test_one_thousand_recipients() -> None:
    assert MAX_RECIPIENTS >= 1000
    recipients = [f"UBND xã số {i}" for i in range(1000)]
    check_outputs(notice("Kết luận gửi nhiều nơi", "Mở đầu.", [("Chung", ["Nội dung."])], recipients))


UNSHOWABLE = ["😀", "🇻🇳", "中", "文", "한", "\U0001f4a9", "\u2603\ufe0f", "ᚠ"]


@CHECKING
@given(st.sampled_from(UNSHOWABLE), st.sampled_from(["trich_yeu", "mo_dau", "muc", "doan", "noi_nhan"]),
       st.integers(0, 20))
def test_unshowable_characters_give_a_located_error(char: str, field: str, offset: int) -> None:
    missing = [c for c in char if ord(c) not in covered()]
    assume(missing)
    base = "Các đơn vị thực hiện nghiêm túc kết luận này"
    text = base[:offset] + char + base[offset:]
    data = notice("Kết luận", "Mở đầu.", [("Chung", ["Nội dung."])], ["Các phòng"])
    target = {"trich_yeu": ("trich_yeu",), "mo_dau": ("mo_dau", 0), "muc": ("noi_dung", 0, "muc"),
              "doan": ("noi_dung", 0, "noi_dung", 0), "noi_nhan": ("noi_nhan", 0)}[field]
    holder: Any = data
    for part in target[:-1]:
        holder = holder[part]
    holder[target[-1]] = text
    dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
    line = next(i for i, row in enumerate(dumped.splitlines(), start=1) if char in row)
    located, problems = load_yaml(dumped, "p.yaml")
    assert located is not None
    model, problems = check(located)
    assert model is None
    assert len(problems) == 1
    problem = problems[0]
    assert problem.line == line and problem.rule == "R-FONT-1"
    assert all(f"U+{ord(c):04X}" in problem.message for c in missing)


# --- properties that do not render ------------------------------------------------------------

#: Pieces of YAML and of hostile text the loader must survive in any order.
YAML_PIECES = ["- ", ": ", "a", "noi_dung", "[", "]", "{", "}", ", ", "&a ", "*a", "!!str ", "!x ", "%YAML 1.1",
               "%FOO", "---", "...", "|", ">-", '"', "'", "\\", "\\x", "\\u", "\t", "\n", "\r", "\r\n", "  ", "#",
               "? ", "Kết quả", "ĐẢNG", "\u200b", "\ufeff", "\u2028", "\x85", "\x07", "\x00", "\ud800", "😀",
               "\u0421", "yes", "012", "8:30", "~", "@", "`", "%", "\u00a0", "é" * 30]
yaml_texts = st.lists(st.sampled_from(YAML_PIECES) | st.text(max_size=8), max_size=60).map("".join)


def assert_located_in(problems: list[Any], text: str, file: str = "p.yaml") -> None:
    """Every problem names the file, a line of it and a column of that line (or just past it)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for problem in problems:
        assert problem.file == file and problem.message, problem
        assert 1 <= problem.line <= len(lines), (problem, len(lines))
        assert 1 <= problem.col <= len(lines[problem.line - 1]) + 1, problem


@CHECKING
@given(yaml_texts, st.booleans())
def test_loader_never_raises_and_locates_every_problem_in_the_file(text: str, pure: bool) -> None:
    located, problems = load_yaml(text, "p.yaml", pure_python=pure)
    assert (located is None) == bool(problems)
    assert_located_in(problems, text)


@CHECKING
@given(st.binary(max_size=300) | yaml_texts.map(lambda t: t.encode("utf-8", "surrogatepass")),
       st.integers(0, 299), st.binary(max_size=3))
def test_loader_never_raises_on_bytes(raw: bytes, at: int, junk: bytes) -> None:
    raw = raw[:at] + junk + raw[at:]  # a few stray bytes anywhere: broken UTF-8, a NUL, a BOM
    located, problems = load_bytes(raw, "p.yaml")
    assert (located is None) == bool(problems)
    text = raw.decode("utf-8", "replace").removeprefix("\ufeff")
    for problem in problems:
        assert problem.line >= 1 and problem.col >= 1 and problem.message
        assert problem.line <= text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1


#: Keys of the content format (and a few wrong ones), so that trees reach deep into validation.
KEYS = ["loai", "co_quan", "chu_quan", "ten", "viet_tat", "dia_danh", "so", "ky_hieu", "ngay", "trich_yeu",
        "cuoc_hop", "hinh_thuc", "don_vi_to_chuc", "dia_diem", "chu_tri", "ho_ten", "chuc_vu", "thanh_phan",
        "nghe", "mo_dau", "noi_dung", "muc", "khoan", "diem", "gach", "cong", "nhiem_vu", "doan", "don_vi",
        "han", "ma", "dang", "ket_thuc", "nguoi_ky", "noi_nhan", "nhom", "luu", "so_ban", "cap_nhat_nhiem_vu",
        "thong_bao", "trang_thai", "ghi_chu", "nhom_noi_nhan", "x", "Noi_Nhan", "ngay\u200b"]
VALUES = ["", " ", "2024-01-05", "0001-01-01", "9999-12-31", "2024-02-30", "05", "0", "999999", "TB-UBND",
          "TB\u2013UBND", "UBND", "Hoàng Mai", "TL. CHỦ TỊCH", "K\u200bT. CHỦ TỊCH", "CHỦ TỊ\u0421H", "TS. Trần",
          "Như trên", "Lưu", "./.", "xong", "gach", "thong_bao", "Nguyễn Văn A", "\u200b", "\u00d0ảng",
          "x" * 201, "Ử" * 80, "Số " * 30, "[…]", "a\nb", "\u00ad", "\ufeff", "\u00a0", "&<>"]
scalars = st.sampled_from(VALUES) | st.text(max_size=20)
trees = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(st.sampled_from(KEYS), inner, max_size=6), max_leaves=40)
notices_trees = st.dictionaries(st.sampled_from(KEYS), trees, min_size=1, max_size=12)


def located_of(data: Any, file: str = "p.yaml") -> tuple[Located, str]:
    """Return ``data`` dumped to YAML and loaded back (with marks), and the text."""
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
    located, _problems = load_yaml(text, file)
    assume(located is not None)  # a dumped string can hold what the loader refuses (a raw control)
    assert located is not None
    return located, text


@CHECKING
@given(notices_trees, st.none() | notices_trees)
def test_validation_never_raises_and_locates_every_problem(data: dict[str, Any], profile: Any) -> None:
    located, text = located_of(data)
    profile_located, profile_text = located_of(profile, "vanban.yaml") if profile is not None else (None, "")
    merged, merge_problems = apply_profile(located, profile_located)
    model, problems = check(merged)
    warnings(merged, model)
    found = merge_problems + problems
    assert_located_in([p for p in found if p.file == "p.yaml"], text)
    assert_located_in([p for p in found if p.file == "vanban.yaml"], profile_text, "vanban.yaml")
    assert {p.file for p in found} <= {"p.yaml", "vanban.yaml"}
    if model is not None:
        build_context(model, "p")  # a notice that passes validation always has a context


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Return the path of every value inside ``data`` (mappings and lists included)."""
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out += _paths(value, (*prefix, i))
    return out


VALID = notice("Kết luận của Chủ tịch UBND xã", "Mở đầu.", [("Kết quả", ["Nội dung.", "Đoạn hai."])],
               ["Các phòng", "UBND các xã"])
VALID["cuoc_hop"] = {"ngay": "2024-03-01", "don_vi_to_chuc": "UBND xã",
                     "chu_tri": {"ho_ten": "Nguyễn Văn Bình", "chuc_vu": "Chủ tịch UBND xã"}}
VALID["noi_dung"].append({"muc": "Nhiệm vụ", "noi_dung": [
    {"nhiem_vu": "Báo cáo.", "don_vi": "Văn phòng", "han": "2024-03-20", "ma": "VP-01"}]})


@CHECKING
@given(st.data())
def test_a_valid_notice_with_one_value_changed_is_checked_without_raising(data: st.DataObject) -> None:
    """One value of a valid notice replaced by anything: every problem located, never a crash."""
    import copy

    changed = copy.deepcopy(VALID)
    path = data.draw(st.sampled_from(_paths(changed)))
    holder: Any = changed
    for part in path[:-1]:
        holder = holder[part]
    holder[path[-1]] = data.draw(trees)
    located, text = located_of(changed)
    model, problems = check(located)
    warnings(located, model)
    assert (model is None) == any(not p.warning for p in problems)
    assert_located_in(problems, text)
    if model is not None:
        build_context(model, "p")
