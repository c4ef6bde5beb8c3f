"""Every command loads a notice the one way: profile merged, validated, located [issue 11].

Why: ``diff`` once loaded notices without the office profile, so on every repository made
by ``vanban init`` + ``vanban new`` it failed with "thiếu trường bắt buộc" for what
``vanban.yaml`` supplies, while ``check`` called the same files valid. Each command below
runs on exactly such a repository (notices that lean on the profile), in-process.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import DRAFT, git, office
from vanban.cli import main

EXAMPLE = Path("content") / "2023-12-phien-hop-thuong-ky.yaml"


@pytest.fixture()
def repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Path]:
    """Return an office repository from ``init`` + ``new`` with two commits of the new draft, as cwd."""
    with office(tmp_path) as root:
        text = DRAFT.read_text(encoding="utf-8")
        DRAFT.write_text(text.replace("thu ngân sách quý I.", "thu ngân sách quý I và quý II."), encoding="utf-8")
        git("commit", "-qam", "kết luận")
        # The notices lean on the profile: without it they would lack these fields.
        assert "nguoi_ky: pho-chanh-vp" in EXAMPLE.read_text(encoding="utf-8")
        assert "noi_nhan:" not in EXAMPLE.read_text(encoding="utf-8")
        capsys.readouterr()
        yield root


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("args", [
    ["check"],
    ["check", str(DRAFT)],
    ["so"],
    ["tasks"],
    ["tasks", "--open", "--overdue", "--as-of", "2024-06-01"],
    ["diff", str(EXAMPLE), str(DRAFT)],
    ["diff", str(DRAFT), "--from", "HEAD~1"],
    ["diff", str(DRAFT), "--from", "HEAD~1", "--to", "HEAD"],
])
def test_command_reads_profile_based_notices(repository: Path, capsys: pytest.CaptureFixture[str],
                                             args: list[str]) -> None:
    code, out, err = _run(args, capsys)
    assert (code, err) == (0, ""), err
    assert "thiếu trường bắt buộc" not in out


def test_diff_across_revisions_sees_the_change_with_the_profile(repository: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["diff", str(DRAFT), "--from", "HEAD~1"], capsys)
    assert code == 0, err
    assert out.startswith(f"So sánh {DRAFT}@HEAD~1 → {DRAFT}\n")
    code, out, err = _run(["diff", str(DRAFT), "--from", "HEAD", "--to", "HEAD"], capsys)
    assert code == 0, err
    assert "Không có thay đổi về nhiệm vụ và mục, khoản." in out


def test_diff_reports_a_profile_problem_at_that_revision_in_the_profile(repository: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """A notice at a revision is merged with the profile as it was then, and located there."""
    profile = Path("vanban.yaml")
    profile.write_text(profile.read_text(encoding="utf-8").replace("pho-chanh-vp:", "pho-chanh-van-phong:"),
                       encoding="utf-8")
    git("commit", "-qam", "đổi tên người ký")
    code, _, err = _run(["diff", str(EXAMPLE), "--from", "HEAD~2", "--to", "HEAD"], capsys)
    assert code == 1
    assert "nguoi_ky: vanban.yaml không có người ký tên 'pho-chanh-vp'" in err
    assert f"{EXAMPLE}@HEAD:" in err  # the newer side fails, and says at which revision


def test_build_verify_and_extract_on_profile_based_notices(repository: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["build", "--format", "pdf", "-j", "1"], capsys)
    assert code == 0, err
    pdf = Path("output") / f"{EXAMPLE.stem}.pdf"
    code, out, err = _run(["verify", str(pdf)], capsys)
    assert code == 0, err
    assert f"được xuất từ {EXAMPLE}" in out
    # The per-unit extract is a TRÍCH SAO: of an issued notice only, rebuilt from its snapshot.
    code, out, err = _run(["tasks", str(EXAMPLE), "-u", "Phòng Kinh tế", "-f", "pdf", "-o", "kt.pdf"], capsys)
    assert code == 2 and "chưa phát hành (còn là dự thảo)" in err
    code, out, err = _run(["issue", str(EXAMPLE), "--number", "1", "--date", "2024-01-05"], capsys)
    assert code == 0, err
    code, out, err = _run(["tasks", str(EXAMPLE), "-u", "Phòng Kinh tế", "-f", "pdf", "-o", "kt.pdf"], capsys)
    assert code == 0, err
    assert Path("kt.pdf").read_bytes().startswith(b"%PDF-")


def test_new_after_new_reads_the_chain(repository: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["new"], capsys)
    assert code == 0, err
    assert "2024-02" in out


@pytest.mark.parametrize("rev", ["--output=../outside", "-p", "HEAD\n--output=x"])
def test_a_revision_is_never_read_as_an_option(repository: Path, capsys: pytest.CaptureFixture[str], rev: str) -> None:
    before = sorted(p.name for p in repository.parent.iterdir())
    code, _, err = _run(["diff", str(DRAFT), "--from", rev], capsys)
    assert code == 2
    assert "phiên bản git không hợp lệ" in err
    assert sorted(p.name for p in repository.parent.iterdir()) == before
