"""The Giấy mời (Mẫu 1.7): its body's fixed shape, real date and time values, and the invitation `new` drafts.

Why its own tests: the frame is measured on the giấy mời fixtures by ``test_pdf_conformance``
and ``test_docx_conformance`` (the tên loại GIẤY MỜI and its trích yếu included, T-14); what
only an invitation has is checked here on the same fixtures (``tests/fixtures/kinds/giay-moi-*``):
the lines of Mẫu 1.7 in order [R-GM-1], the weekday computed from the date [R-GM-2, R-CAP-5], the
ký hiệu GM-<body> [T-07], the meeting's data validated, and ``vanban new --kind giay_moi``.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from docx.enum.text import WD_ALIGN_PARAGRAPH

from helpers import ROOT, changed_yaml, context_from_yaml, context_of, model_of, problems_from_yaml, words
from pdfmeasure import measure, without_footnotes
from test_docx_conformance import para_prop, render, size_pt
from test_pdf_conformance import LEFT, locate
from vanban.cli import main
from vanban.pipeline import rules
from vanban.pipeline.context import LAYOUT, Context
from vanban.pipeline.kinds.giay_moi import facts
from vanban.pipeline.render_pdf import render_pdf

KINDS = ROOT / "tests" / "fixtures" / "kinds"
INVITATIONS = sorted(KINDS.glob("giay-moi-*.yaml"))
PHIEN_HOP = KINDS / "giay-moi-phien-hop.yaml"
MM = 72 / 25.4


def _yaml(**changes: Any) -> str:
    """Return the invitation's YAML with top-level keys replaced (None removes one)."""
    return changed_yaml(PHIEN_HOP.read_text(encoding="utf-8"), **changes)


def _meeting(**changes: Any) -> dict[str, Any]:
    meeting = dict(yaml.safe_load(PHIEN_HOP.read_text(encoding="utf-8"))["cuoc_hop"])
    for key, value in changes.items():
        if value is None:
            meeting.pop(key, None)
        else:
            meeting[key] = value
    return meeting


def _messages(text: str) -> list[str]:
    return [f"{p.field}: {'cảnh báo: ' if p.warning else ''}{p.message} [{p.rule}]" for p in problems_from_yaml(text)]


# --- the model ----------------------------------------------------------------------------------------------


def test_fixtures_are_the_shapes_offices_use() -> None:
    """Three invitations: several invitees, one named person, a signer's draft whose invitees are the attendees."""
    assert len(INVITATIONS) >= 3
    models = {path.stem: model_of(path) for path in INVITATIONS}
    assert len(models["giay-moi-phien-hop"].invitees) > 1 and len(models["giay-moi-mot-nguoi"].invitees) == 1
    draft = models["giay-moi-du-thao"]
    assert draft.is_draft and not draft.kinh_moi and draft.invitees == draft.cuoc_hop.thanh_phan


def test_ky_hieu_is_gm_and_the_body() -> None:
    """T-07, R-NUM-4: a giấy mời's ký hiệu is GM-<body>; its tên loại reads GIẤY MỜI."""
    ctx = context_of(PHIEN_HOP)
    assert ctx.so_ky_hieu == "Số: 48/GM-UBND" and ctx.ten_loai == "GIẤY MỜI"
    assert context_of(KINDS / "giay-moi-mot-nguoi.yaml").so_ky_hieu == "Số: 12/GM-SXD"


@pytest.mark.parametrize(("day", "words"), [
    ("2026-11-23", "thứ Hai"), ("2026-11-24", "thứ Ba"), ("2026-11-25", "thứ Tư"), ("2026-11-26", "thứ Năm"),
    ("2026-11-27", "thứ Sáu"), ("2026-11-28", "thứ Bảy"), ("2026-11-29", "Chủ nhật"),
])
def test_the_weekday_is_the_dates_own_in_words(day: str, words: str) -> None:
    """R-GM-2, R-CAP-5: the day of the week is computed, "thứ" lower case and the number capitalised."""
    assert rules.weekday(dt.date.fromisoformat(day)) == words
    assert rules.meeting_time(dt.date.fromisoformat(day), dt.time(8, 5)).startswith(f"lúc 08 giờ 05 phút, {words}, ")


def test_the_body_follows_mau_1_7() -> None:
    """R-GM-1: "… trân trọng kính mời:", the invitees, "Tới dự …", contents, Chủ trì, Thời gian, Địa điểm, notes."""
    ctx = context_of(PHIEN_HOP)
    texts = [b.text for b in ctx.body]
    assert texts[0] == "UBND thị xã trân trọng kính mời:"
    assert texts[1:5] == ["- Đại diện Thường trực HĐND thị xã;", "- Các đồng chí Ủy viên UBND thị xã;",
                          "- Trưởng các phòng, ban, cơ quan chuyên môn thuộc UBND thị xã;",
                          "- Chủ tịch UBND các xã, phường."]
    assert texts[5] == "Tới dự phiên họp thường kỳ tháng 11/2026 của UBND thị xã."
    assert texts[6].startswith("Nội dung: Báo cáo tình hình kinh tế - xã hội tháng 11")
    assert texts[7] == "Chủ trì: đồng chí Nguyễn Hữu An - Chủ tịch UBND thị xã."
    assert texts[8] == "Thời gian: lúc 14 giờ 00 phút, thứ Năm, ngày 26/11/2026."
    assert texts[9] == "Địa điểm: Phòng họp tầng 3, trụ sở UBND thị xã."
    assert texts[-1] == "Đề nghị các đồng chí dự họp đúng thành phần, đúng giờ./."  # R-END-1
    assert ctx.body[0].keep_next  # the lead-in stays with the first invitee
    one = context_of(KINDS / "giay-moi-mot-nguoi.yaml")
    assert one.body[0].text == ("Sở Xây dựng trân trọng kính mời: Đồng chí Nguyễn Văn Hải - Chủ tịch UBND huyện "
                                "Quỳnh Lưu")
    assert one.body[1].text.startswith("Tới dự Hội nghị triển khai quy hoạch xây dựng vùng huyện giai đoạn")


@pytest.mark.parametrize(("meeting", "expected"), [
    (_meeting(gio="14h"), "cuoc_hop.gio: giờ phải viết dạng HH:MM (24 giờ), ví dụ '14:00' []"),
    (_meeting(gio="24:00"), "cuoc_hop.gio: giờ phải viết dạng HH:MM (24 giờ), ví dụ '14:00' []"),
    (_meeting(ngay="2026-02-30"), "cuoc_hop.ngay: ngày '2026-02-30' không tồn tại []"),
    (_meeting(gio=None), "cuoc_hop.gio: thiếu trường bắt buộc 'gio' []"),
    (_meeting(dia_diem=None), "cuoc_hop.dia_diem: thiếu trường bắt buộc 'dia_diem' []"),
    (_meeting(don_vi_to_chuc=None),
     "cuoc_hop.don_vi_to_chuc: thiếu 'cuoc_hop.don_vi_to_chuc' để viết '… trân trọng kính mời' [R-GM-1]"),
])
def test_the_meeting_is_real_data(meeting: dict[str, Any], expected: str) -> None:
    """R-GM-2: the time and date are values (HH:MM, a date that exists); what the letter prints is required."""
    assert expected in _messages(_yaml(cuoc_hop=meeting))


@pytest.mark.parametrize(("end", "expected"), [
    ({"gio_ket_thuc": "13:30"}, "cuoc_hop.gio_ket_thuc: cuộc họp kết thúc (13 giờ 30 phút ngày 26/11/2026) phải sau "
                                "lúc bắt đầu (14 giờ 00 phút ngày 26/11/2026) [R-GM-2]"),
    ({"gio_ket_thuc": "14:00"}, "cuoc_hop.gio_ket_thuc: cuộc họp kết thúc (14 giờ 00 phút ngày 26/11/2026) phải sau "
                                "lúc bắt đầu (14 giờ 00 phút ngày 26/11/2026) [R-GM-2]"),
    ({"gio_ket_thuc": "17:00", "ngay_ket_thuc": "2026-11-25"},
     "cuoc_hop.ngay_ket_thuc: cuộc họp kết thúc (17 giờ 00 phút ngày 25/11/2026) phải sau lúc bắt đầu "
     "(14 giờ 00 phút ngày 26/11/2026) [R-GM-2]"),
    ({"ngay_ket_thuc": "2026-11-27"},
     "cuoc_hop.ngay_ket_thuc: có ngày kết thúc thì ghi cả giờ kết thúc, ví dụ 'gio_ket_thuc: \"17:00\"' [R-GM-2]"),
    ({"gio_ket_thuc": "16h30"}, "cuoc_hop.gio_ket_thuc: giờ phải viết dạng HH:MM (24 giờ), ví dụ '14:00' []"),
    ({"gio_ket_thuc": "17:00", "ngay_ket_thuc": "2026-11-31"},
     "cuoc_hop.ngay_ket_thuc: ngày '2026-11-31' không tồn tại []"),
])
def test_the_end_is_real_data_after_the_start(end: dict[str, str], expected: str) -> None:
    """R-GM-2: an end is a time (and a day when it is not the same day), and it comes after the start."""
    assert _messages(_yaml(cuoc_hop=_meeting(**end))) == [expected]


def test_an_end_before_the_start_is_located_at_the_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The problem points at the line and column of the value to change, in the file the clerk typed."""
    path = tmp_path / "gm.yaml"
    path.write_text(_yaml(cuoc_hop=_meeting(gio_ket_thuc="13:30")), encoding="utf-8")
    assert main(["check", str(path)]) == 1
    lines = path.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if "gio_ket_thuc" in line)
    column = lines[row].index("'13:30'") + 1  # the value's first character, its opening quote
    assert f"gm.yaml:{row + 1}:{column}: cuoc_hop.gio_ket_thuc: cuộc họp kết thúc" in capsys.readouterr().err


ENDS = {"giay-moi-buoi-chieu": "Thời gian: lúc 14 giờ 00 phút đến 16 giờ 30 phút, thứ Năm, ngày 26/11/2026.",
        "giay-moi-tap-huan-hai-ngay": "Thời gian: từ 08 giờ 00 phút, thứ Năm, ngày 26/11/2026 đến 17 giờ 00 phút, "
                                      "thứ Sáu, ngày 27/11/2026."}


@pytest.mark.parametrize("stem", sorted(ENDS))
def test_the_end_is_printed_alike_in_pdf_and_docx(stem: str) -> None:
    """R-GM-2: the Thời gian line with its end, the same words in the PDF and in Word (one context line)."""
    ctx = context_of(KINDS / f"{stem}.yaml")
    assert ENDS[stem] in [words(p.text) for p in render(ctx).paragraphs]
    parts = locate(ctx, without_footnotes(measure(render_pdf(ctx)), LAYOUT.footnote_pt, LAYOUT.footnote_call_pt))
    shown = [" ".join(ln.text for ln in para) for para in parts.body if para[0].text.startswith("Thời gian:")]
    assert shown == [ENDS[stem]]
    # What `diff` compares says the same.
    assert facts(model_of(KINDS / f"{stem}.yaml"))["Thời gian"] == ENDS[stem].removeprefix("Thời gian: ")[:-1]


def test_invitees_issue_date_and_nhu_tren_are_checked() -> None:
    """R-GM-1: someone is invited; R-DATE-1: issued before the meeting; R-NN-4: no Kính gửi, so no "Như trên"."""
    nobody = _messages(_yaml(kinh_moi=None, cuoc_hop=_meeting(thanh_phan=None)))
    assert "kinh_moi: giấy mời cần người được mời: ghi 'kinh_moi' (hoặc 'cuoc_hop.thanh_phan') [R-GM-1]" in nobody
    late = _messages(_yaml(ngay="2026-11-27"))
    assert "ngay: giấy mời ban hành sau ngày họp (26/11/2026) [R-DATE-1]" in late
    assert _messages(_yaml(ngay="2026-11-26")) == []  # an invitation for the same day is issued in the morning
    same = _messages(_yaml(noi_nhan=["Như trên", "Lãnh đạo Văn phòng"]))
    assert "noi_nhan[0]: Giấy mời không có 'Kính gửi' nên không dùng 'Như trên' [R-NN-4]" in same


def test_a_meeting_on_a_weekend_is_warned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """R-GM-2: a Saturday or Sunday meeting is allowed, rarely meant: ``check`` warns and passes."""
    path = tmp_path / "gm.yaml"
    path.write_text(_yaml(ngay="2026-11-20", cuoc_hop=_meeting(ngay="2026-11-29")), encoding="utf-8")
    assert main(["check", str(path)]) == 0
    assert "cuoc_hop.ngay: cảnh báo: cuộc họp vào Chủ nhật, ngày 29/11/2026 [R-GM-2]" in capsys.readouterr().err


# --- both formats ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=[p.stem for p in INVITATIONS])
def invitation(request: pytest.FixtureRequest) -> Context:
    return context_of(KINDS / f"{request.param}.yaml")


def test_pdf_lines_are_body_paragraphs_in_order(invitation: Context) -> None:
    """R-GM-1: each of Mẫu 1.7's lines is a body paragraph (14 pt upright, first-line indent) in its order."""
    parts = locate(invitation, without_footnotes(measure(render_pdf(invitation)), LAYOUT.footnote_pt,
                                                 LAYOUT.footnote_call_pt))
    labels = [next((i for i, para in enumerate(parts.body) if para[0].text.startswith(label)), -1)
              for label in ("Tới dự", "Chủ trì:", "Thời gian:", "Địa điểm:")]
    assert -1 not in labels and labels == sorted(labels)
    assert "trân trọng kính mời:" in parts.body[0][0].text
    time = " ".join(ln.text for ln in parts.body[labels[2]])
    clock, day = r"\d{2} giờ \d{2} phút", r"(thứ (Hai|Ba|Tư|Năm|Sáu|Bảy)|Chủ nhật), ngày \d{2}/\d{2}/\d{4}"
    assert re.fullmatch(rf"Thời gian: (lúc {clock}( đến {clock})?, {day}|từ {clock}, {day} đến {clock}, {day})"
                        r"\.(/\.)?", time), time
    for para in parts.body:
        assert abs(para[0].x0 - (LEFT + LAYOUT.indent_mm * MM)) <= 0.3 * MM
        assert all(13 <= s <= 14 for ln in para for s in ln.sizes) and not any(ln.any_italic for ln in para)


def test_docx_lines_are_body_paragraphs(invitation: Context) -> None:
    """R-GM-1 in Word: the same lines, body style (justified, indented), in the same order."""
    document = render(invitation)
    texts = [words(p.text) for p in document.paragraphs]  # as read: no-break joiners left out [R-BRK-1]
    positions = [texts.index(b.text) for b in invitation.body]
    assert positions == sorted(positions)
    for block in invitation.body:
        paragraph = document.paragraphs[texts.index(block.text)]
        assert para_prop(paragraph, "alignment") == WD_ALIGN_PARAGRAPH.JUSTIFY
        assert size_pt(document, paragraph) == LAYOUT.body_pt


def test_profile_meeting_defaults_fill_an_invitation(tmp_path: Path) -> None:
    """The profile's meeting (chair, attendees, time, organiser) fills what the invitation leaves out."""
    (tmp_path / "vanban.yaml").write_text(
        "co_quan: {ten: [ỦY BAN NHÂN DÂN, THỊ XÃ HOÀNG MAI], viet_tat: UBND, dia_danh: Hoàng Mai}\n"
        "cuoc_hop:\n  hinh_thuc: phiên họp\n  ten: thường kỳ\n  don_vi_to_chuc: UBND thị xã\n  gio: \"08:30\"\n"
        "  dia_diem: trụ sở UBND thị xã\n  chu_tri: {ho_ten: Nguyễn Hữu An, chuc_vu: Chủ tịch UBND thị xã}\n"
        "  thanh_phan: [Ủy viên UBND thị xã]\n  nghe: báo cáo\n"
        "nguoi_ky:\n  chanh-vp: {chuc_vu: [TL. CHỦ TỊCH, CHÁNH VĂN PHÒNG], ho_ten: Lê Văn Bình}\n"
        "noi_nhan: [Thường trực Thị ủy]\nluu: {don_vi: VP}\n", encoding="utf-8")
    path = tmp_path / "gm.yaml"
    path.write_text("loai: giay_moi\ntrich_yeu: Dự phiên họp thường kỳ tháng 12 năm 2026\n"
                    "cuoc_hop: {ngay: \"2026-12-28\"}\nnguoi_ky: chanh-vp\nnoi_nhan: Như thành phần mời\n",
                    encoding="utf-8")
    ctx = context_of(path)
    assert [b.text for b in ctx.body] == [
        "UBND thị xã trân trọng kính mời: Ủy viên UBND thị xã", "Tới dự phiên họp thường kỳ của UBND thị xã.",
        "Chủ trì: đồng chí Nguyễn Hữu An - Chủ tịch UBND thị xã.",
        "Thời gian: lúc 08 giờ 30 phút, thứ Hai, ngày 28/12/2026.", "Địa điểm: trụ sở UBND thị xã./."]


# --- vanban new --kind giay_moi, tasks and diff --------------------------------------------------------------------


def test_new_drafts_next_months_invitation_from_the_latest(office: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """`new --kind giay_moi` carries the invitation's invitees, notes and signer a month on; it checks at once."""
    assert main(["new", "--kind", "giay_moi"]) == 0
    created = office / "content" / "2024-02-giay-moi-phien-hop.yaml"
    text = created.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/vanban-giay-moi.schema.json\n")
    data = yaml.safe_load(text)
    assert data["loai"] == "giay_moi" and "so" not in data and "ngay" not in data
    assert data["cuoc_hop"]["ngay"] == "2024-02-26"  # a month after 26/01/2024
    assert data["trich_yeu"] == "Dự phiên họp thường kỳ UBND thị xã tháng 02 năm 2024"
    assert data["luu_y"] == ["Các phòng, đơn vị gửi báo cáo về Văn phòng HĐND và UBND thị xã trước 16 giờ 00 phút "
                             "ngày 25/02/2024."]  # the note's date moved with the meeting
    assert data["nguoi_ky"] == "chanh-vp" and data["noi_nhan"] == ["Như thành phần mời"]
    capsys.readouterr()
    assert main(["check", str(created)]) == 0
    ctx = context_of(created)
    assert "Thời gian: lúc 14 giờ 00 phút, thứ Hai, ngày 26/02/2024." in [b.text for b in ctx.body]  # profile's time


def test_new_carries_the_meetings_end_and_moves_its_day(office: Path) -> None:
    """A two-day meeting next month ends as many days after it starts, at the same time."""
    latest = office / "content" / "2024-01-giay-moi-phien-hop.yaml"
    data = yaml.safe_load(latest.read_text(encoding="utf-8"))
    start = dt.date.fromisoformat(data["cuoc_hop"]["ngay"])
    data["cuoc_hop"] |= {"ngay_ket_thuc": (start + dt.timedelta(days=1)).isoformat(), "gio_ket_thuc": "17:00"}
    latest.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert main(["new", "--kind", "giay_moi"]) == 0
    created = yaml.safe_load((office / "content" / "2024-02-giay-moi-phien-hop.yaml").read_text(encoding="utf-8"))
    assert (created["cuoc_hop"]["ngay"], created["cuoc_hop"]["ngay_ket_thuc"], created["cuoc_hop"]["gio_ket_thuc"]) \
        == ("2024-02-26", "2024-02-27", "17:00")


def test_new_invitation_before_the_first_one_starts_from_the_conclusions(office: Path) -> None:
    """Without an invitation, `new --kind giay_moi` starts from the latest conclusions and the profile's meeting."""
    (office / "content" / "2024-01-giay-moi-phien-hop.yaml").unlink()
    profile = office / "vanban.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace('  gio: "14:00"', ""), encoding="utf-8")
    assert main(["new", "--kind", "giay_moi"]) == 0
    created = office / "content" / "2024-01-giay-moi.yaml"
    text = created.read_text(encoding="utf-8")
    assert "# Giờ họp 08:00 là giờ mặc định" in text  # the profile gives no time: the author checks it
    assert "# Một tháng sau cuộc họp trước là ngày nghỉ: ngày họp dời sang thứ Hai 29/01/2024." in text
    data = yaml.safe_load(text)
    assert data["trich_yeu"] == "Dự phiên họp thường kỳ tháng 01 năm 2024"
    assert data["cuoc_hop"]["ngay"] == "2024-01-29" and data["cuoc_hop"]["gio"] == "08:00"
    assert data["noi_nhan"] == ["Như thành phần mời"] and "nghe" not in data["cuoc_hop"]
    assert main(["check", str(created)]) == 0


def test_tasks_and_diff_on_invitations(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An invitation gives no tasks (said so, not a crash); diff compares its details; two kinds are refused."""
    invitation = office / "content" / "2024-01-giay-moi-phien-hop.yaml"
    capsys.readouterr()
    assert main(["tasks", str(invitation)]) == 0
    captured = capsys.readouterr()
    assert "giấy mời không giao nhiệm vụ, không có gì để liệt kê" in captured.err
    assert "Tổng số: 0 nhiệm vụ." in captured.out
    # The per-unit extract is a TRÍCH SAO of an issued document (test_copies.py copies a giấy mời).
    assert main(["tasks", str(invitation), "-f", "pdf", "-u", "Phòng Kinh tế", "-o", "x.pdf"]) == 2
    assert "chưa phát hành (còn là dự thảo)" in capsys.readouterr().err
    moved = office / "doi-dia-diem.yaml"
    moved.write_text(invitation.read_text(encoding="utf-8").replace("Phòng họp tầng 2", "Hội trường lớn"),
                     encoding="utf-8")
    assert main(["diff", str(invitation), str(moved)]) == 0
    out = capsys.readouterr().out
    assert "Thông tin thay đổi (1):" in out
    assert "~ Địa điểm: Phòng họp tầng 2, trụ sở UBND thị xã → Hội trường lớn, trụ sở UBND thị xã" in out
    assert main(["diff", str(invitation), str(invitation)]) == 0
    assert "Không có thay đổi." in capsys.readouterr().out
    assert main(["diff", str(invitation), "content/2024-01-cong-van-bao-cao.yaml"]) == 2
    assert "hai loại văn bản khác nhau" in capsys.readouterr().err


def test_english_messages_name_the_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--lang en: the kind's own messages are English too (the type's name stays Vietnamese)."""
    path = tmp_path / "gm.yaml"
    path.write_text(_yaml(noi_nhan=["Như trên"]), encoding="utf-8")
    assert main(["--lang", "en", "check", str(path)]) == 1
    assert "a Giấy mời has no 'Kính gửi', so it does not use 'Như trên' [R-NN-4]" in capsys.readouterr().err


def test_context_from_yaml_renders_an_invitation() -> None:
    """The one loading path reads ``loai: giay_moi`` into its own model."""
    ctx = context_from_yaml(_yaml())
    assert ctx.loai == "giay_moi" and ctx.kinh_gui is None
