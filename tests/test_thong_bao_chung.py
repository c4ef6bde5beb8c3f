"""The general Thông báo (``mau: chung``): Mẫu 1.4 with its author's own opening, for notices that conclude no meeting.

Why its own tests: the frame and the body (numbering, headings, end mark) are measured on the
fixtures ``tests/fixtures/kinds/thong-bao-*`` by the conformance tests; what the pattern changes
is checked here: no meeting is written into it (and none is taken from the profile), and every
existing notice stays a meeting's conclusions.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from helpers import ROOT, SEED, context_of, model_of, problems_from_yaml
from vanban.pipeline.model import ThongBao

KINDS = ROOT / "tests" / "fixtures" / "kinds"
GENERAL = sorted(KINDS.glob("thong-bao-*.yaml"))


def test_fixtures_are_the_shapes_offices_use() -> None:
    """Three general notices: a holiday schedule with tasks, a change of venue in plain paragraphs, a draft in mục."""
    assert len(GENERAL) >= 3
    models = [model_of(path) for path in GENERAL]
    assert all(isinstance(m, ThongBao) and m.mau == "chung" and m.cuoc_hop is None for m in models)
    contexts = {path.stem: context_of(path) for path in GENERAL}
    assert {b.kind for b in contexts["thong-bao-doi-dia-diem"].body} == {"doan"}
    assert any(b.kind == "muc" for b in contexts["thong-bao-chung-du-thao"].body)
    assert contexts["thong-bao-chung-du-thao"].du_thao


def test_existing_notices_are_a_meetings_conclusions() -> None:
    """Without ``mau``, a Thông báo is what it always was: the conclusions of a meeting."""
    seed = model_of(SEED)
    assert isinstance(seed, ThongBao) and seed.mau == "ket_luan"
    assert context_of(SEED).body[0].text.startswith("Ngày 27/12/2023, UBND thị xã tổ chức phiên họp thường kỳ")


def test_the_opening_is_the_authors_own() -> None:
    """Mẫu 1.4: the body starts with the notice's own opening; the tên loại is THÔNG BÁO, ký hiệu TB-<body>."""
    ctx = context_of(KINDS / "thong-bao-nghi-tet.yaml")
    assert ctx.ten_loai == "THÔNG BÁO" and ctx.so_ky_hieu == "Số: 21/TB-UBND"
    assert ctx.body[0].text.startswith("Căn cứ Thông báo của Bộ Nội vụ về lịch nghỉ Tết")
    assert ctx.body[1].text == "1. Thời gian nghỉ" and ctx.body[1].bold


def test_a_meeting_written_into_a_general_notice_is_refused() -> None:
    """A general notice reports no meeting: a ``cuoc_hop`` in it is refused at its key."""
    data = yaml.safe_load((KINDS / "thong-bao-nghi-tet.yaml").read_text(encoding="utf-8"))
    data["cuoc_hop"] = {"ngay": "2026-01-20"}
    problems = problems_from_yaml(yaml.safe_dump(data, allow_unicode=True))
    assert [p.field for p in problems] == ["cuoc_hop"]
    assert "thông báo chung (mau: chung) không có 'cuoc_hop'" in problems[0].message
    data["mau"] = "khac"
    assert any(p.field == "mau" for p in problems_from_yaml(yaml.safe_dump(data, allow_unicode=True)))


def test_the_profiles_meeting_stays_out_of_a_general_notice(tmp_path: Path) -> None:
    """The profile's meeting defaults fill a conclusion's meeting, never a general notice."""
    shutil.copytree(ROOT / "tests" / "fixtures" / "profile", tmp_path / "office")
    path = tmp_path / "office" / "content" / "chung.yaml"
    data = yaml.safe_load((KINDS / "thong-bao-doi-dia-diem.yaml").read_text(encoding="utf-8"))
    for key in ("co_quan", "luu"):
        data.pop(key)
    data["nguoi_ky"] = "pho-chanh-vp"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    model = model_of(path)
    assert isinstance(model, ThongBao) and model.cuoc_hop is None
    assert context_of(path).co_quan == ("ỦY BAN NHÂN DÂN", "THỊ XÃ HOÀNG MAI")  # the rest still comes


@pytest.mark.parametrize("path", GENERAL, ids=[p.stem for p in GENERAL])
def test_general_notices_pass_check(path: Path) -> None:
    assert problems_from_yaml(path.read_text(encoding="utf-8"), path.name) == []
