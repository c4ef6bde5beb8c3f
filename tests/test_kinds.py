"""Every kind shares the frame: the issue step, the number register, signing — and a new kind is one module.

Why: issuing, numbering and signing are written once for the frame; this checks them on a
giấy mời and a công văn in an office repository (one number sequence for every kind by
default, one per kind with ``danh_so: theo_loai`` [Điều 15.1.c, R-NUM-3]), and that no kind's
module names another; tests/test_fourth_kind.py adds a Tờ trình from outside (README, "Adding
a kind").
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from helpers import ROOT, context_from_yaml, git
from test_issue import repository  # noqa: F401 (init's office committed in git, 01/TB-UBND of 2024 numbered)
from test_sign import SIGNER, Pki, _cli, _ink, _office, _pixels, pki  # noqa: F401 (the PKI fixture, reused)
from vanban.cli import main
from vanban.pipeline.templates import CONTRACT, default_dir

INVITATION = Path("content") / "2024-01-giay-moi-phien-hop.yaml"
LETTER = Path("content") / "2024-01-cong-van-bao-cao.yaml"
REGISTER = Path("da-phat-hanh") / "so-dang-ky.jsonl"


def _entries() -> list[dict[str, Any]]:
    return [json.loads(line) for line in REGISTER.read_text(encoding="utf-8").splitlines()]


def _issue_letter(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Issue init's công văn: a draft that takes its year from ``du_thao``, which issuing removes [R-DATE-5]."""
    assert LETTER.read_text(encoding="utf-8").count("du_thao:") == 1
    assert main(["issue", str(LETTER), *args]) == 0, capsys.readouterr().err
    assert "du_thao" not in LETTER.read_text(encoding="utf-8")
    return capsys.readouterr().out


@pytest.mark.usefixtures("repository")
def test_one_sequence_for_every_kind_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    """ND30's default: the body's one sequence per year; each kind with its own ký hiệu [R-NUM-3/4/5, T-07]."""
    assert main(["issue", str(INVITATION), "--next", "--date", "2024-01-20"]) == 0
    out = capsys.readouterr().out
    assert "Đã phát hành 02/GM-UBND ngày 20/01/2024" in out  # after 01/TB-UBND
    out = _issue_letter(capsys, "--next", "--date", "2024-01-22")
    assert "Đã phát hành 03/UBND-VP ngày 22/01/2024" in out
    for name in ("02-GM-UBND.pdf", "02-GM-UBND.docx", "02-GM-UBND.yaml", "03-UBND-VP.pdf"):
        assert (Path("da-phat-hanh") / "2024" / name).is_file(), name
    gm, cv = _entries()
    assert (gm["loai"], gm["ky_hieu"], gm["trich_yeu"]) == ("giay_moi", "GM-UBND",
                                                           "Dự phiên họp thường kỳ UBND thị xã tháng 01 năm 2024")
    assert (cv["loai"], cv["ky_hieu"]) == ("cong_van", "UBND-VP")
    assert cv["noi_nhan"][:2] == ["Các phòng, cơ quan chuyên môn UBND thị xã", "UBND các xã, phường"]  # Kính gửi
    assert cv["trich_yeu"].startswith("V/v báo cáo kết quả thực hiện nhiệm vụ")
    assert main(["check"]) == 0
    capsys.readouterr()
    assert main(["register"]) == 0
    table = capsys.readouterr().out
    assert re.search(r"^  02/GM-UBND  20/01/2024  Giấy mời: Dự phiên họp thường kỳ", table, re.M)
    assert re.search(r"^  03/UBND-VP  22/01/2024  Công văn: V/v báo cáo kết quả", table, re.M)
    assert "Số tiếp theo theo kho này: 04" in table
    assert main(["issue", "content/2024-01-phien-hop-thuong-ky.yaml", "--number", "3", "--date", "2024-01-30"]) == 1
    assert "số 03 năm 2024 đã dùng cho 03/UBND-VP" in capsys.readouterr().err  # R-NUM-3 across kinds


@pytest.mark.usefixtures("repository")
def test_one_sequence_per_kind_when_the_office_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    """``danh_so: theo_loai``: each kind numbers from 01; the register lists each kind's series [Điều 15.1.c]."""
    profile = Path("vanban.yaml")
    profile.write_text(profile.read_text(encoding="utf-8").replace("danh_so: chung", "danh_so: theo_loai"),
                       encoding="utf-8")
    git("commit", "-qam", "mỗi loại một dãy số")
    assert main(["issue", str(INVITATION), "--next", "--date", "2024-01-20"]) == 0
    assert "Đã phát hành 01/GM-UBND ngày 20/01/2024" in capsys.readouterr().out
    out = _issue_letter(capsys, "--next", "--date", "2024-01-22")
    assert "Đã phát hành 01/UBND-VP ngày 22/01/2024" in out
    assert main(["check"]) == 0  # 01/TB, 01/GM and 01/công văn: three series, no duplicate
    capsys.readouterr()
    assert main(["register"]) == 0
    table = capsys.readouterr().out
    for kind in ("Thông báo", "Giấy mời", "Công văn"):
        assert f"ỦY BAN NHÂN DÂN THỊ XÃ HOÀNG MAI — năm 2024 — {kind}" in table
    assert table.count("Số tiếp theo theo kho này: 02") == 3


@pytest.mark.usefixtures("repository")
def test_a_number_used_twice_across_kinds_is_a_duplicate_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    """R-NUM-3, T-06: with one sequence, a giấy mời numbered like the notice clashes in ``check``."""
    numbered = 'loai: giay_moi\nso: "01"\nngay: "2024-01-20"'
    INVITATION.write_text(INVITATION.read_text(encoding="utf-8").replace("loai: giay_moi", numbered), encoding="utf-8")
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert "so: số 01 năm 2024 đã dùng cho content/2023-12-phien-hop-thuong-ky.yaml [R-NUM-3]" in err


@pytest.mark.slow
def test_an_invitation_is_issued_and_signed_like_a_notice(request: pytest.FixtureRequest,
                                                          tmp_path_factory: pytest.TempPathFactory) -> None:
    """Signing wraps the frame: the leader's image and the seal land on a giấy mời's signer block too [R-SIG-8/9]."""
    keys: Pki = request.getfixturevalue("pki")  # test_sign's throwaway PKI
    with _office(tmp_path_factory.mktemp("gm"), keys) as root:
        INVITATION.write_text(INVITATION.read_text(encoding="utf-8").replace("nguoi_ky: chanh-vp",
                                                                                "nguoi_ky: pho-chanh-vp"),
                              encoding="utf-8")
        git("commit", "-qam", "người ký")
        _cli("issue", str(INVITATION), "--number", "9", "--date", "2024-01-20")
        _cli("sign", str(INVITATION), "--role", "leader", "--p12", str(keys.leader_p12))
        _cli("sign", str(INVITATION), "--role", "organisation", "--p12", str(keys.org_p12))
        signed = root / "da-phat-hanh" / "2024" / "09-GM-UBND-ky-co-quan.pdf"
        assert signed.is_file()
        page = _pixels(signed, 0)
        blue, red = _ink(page, "blue"), _ink(page, "red")
        assert blue.x0 < red.x1 and red.x0 < blue.x0  # the seal over the left of the signature [R-SIG-9]
        assert main(["verify", str(signed)]) == 0
        assert SIGNER in json.dumps(_entries(), ensure_ascii=False)


def test_adding_a_kind_changes_no_kind_module() -> None:
    """The registry is the one place that lists the kinds; no kind's module names another kind."""
    modules = sorted((ROOT / "src" / "vanban" / "pipeline" / "kinds").glob("*.py"))
    own = {m.stem for m in modules} - {"__init__", "base"}
    for module in modules:
        if module.stem in ("__init__", "base"):
            continue
        text = module.read_text(encoding="utf-8")
        others = {k for k in own - {module.stem} if re.search(rf"\b{k}\b|kinds\.{k}", text)}
        assert not others, f"{module.name} names {others}"


def test_the_cli_lists_the_kinds_new_knows(capsys: pytest.CaptureFixture[str]) -> None:
    """`new --kind` takes the YAML values of the kinds it can start."""
    assert main(["new", "--help"]) == 0
    assert "[thong_bao|giay_moi]" in capsys.readouterr().out


def test_context_is_the_frame_whatever_the_kind() -> None:
    """A context is the same dataclass for every kind: copies and signing may replace its frame parts."""
    ctx = context_from_yaml((ROOT / "tests" / "fixtures" / "kinds" / "cong-van-don-doc.yaml").read_text("utf-8"))
    changed = replace(ctx, du_thao=False, dia_danh_ngay="Hoàng Mai, ngày 05 tháng 02 năm 2024")
    assert changed.loai == "cong_van" and changed.kinh_gui == ctx.kinh_gui


def test_every_command_runs_without_a_traceback_on_each_kind(tmp_path: Path) -> None:
    """check, build, tasks, register and diff on the kinds' fixtures, in a fresh process (exit 0 each)."""
    fixtures = ROOT / "tests" / "fixtures" / "kinds"
    for args in (["check", str(fixtures)], ["tasks", str(fixtures)], ["register", str(fixtures)],
                 ["diff", str(fixtures / "giay-moi-phien-hop.yaml"), str(fixtures / "giay-moi-mot-nguoi.yaml")],
                 ["build", str(fixtures / "cong-van-mot-noi.yaml"), "-o", str(tmp_path), "-j", "1"]):
        done = subprocess.run([sys.executable, "-m", "vanban", *args], capture_output=True, text=True, check=False)
        assert done.returncode == 0, (args, done.stderr)
        assert "Traceback" not in done.stderr


def test_every_text_template_states_the_contract() -> None:
    """Each kind's templates and the frame's parts carry the contract line (docs/templates.md)."""
    from vanban.pipeline.templates import TEMPLATE_FILES

    texts = [name for name in TEMPLATE_FILES if not name.endswith(".docx")]
    assert {"cong_van.html", "giay_moi.css", "_header.html", "van_ban.css"} <= set(texts)
    for name in texts:
        first = (default_dir() / name).read_text(encoding="utf-8").splitlines()[0]
        assert first == f"{{#- vanban-contract: {CONTRACT} (the template contract: docs/templates.md) -#}}", name
    assert TEMPLATE_FILES[:3] == ("thong_bao.html", "thong_bao.css", "thong_bao.docx")
