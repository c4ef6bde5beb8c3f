"""``vanban verify`` (issue 7): which content file and git revision produced an output, or none."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import notice_yaml
from vanban.cli import main
from vanban.commands.build import run
from vanban.commands.manifest import MANIFEST_NAME, verify


def _git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", "-c", "user.name=Văn thư", "-c", "user.email=vt@example.invalid", *args],
                            cwd=repo, capture_output=True, text=True, check=True)
    return result.stdout.strip()


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    content = tmp_path / "content"
    content.mkdir()
    (content / "a.yaml").write_text(notice_yaml(so="3"), encoding="utf-8")
    (content / "b.yaml").write_text(notice_yaml(so="4"), encoding="utf-8")
    out = tmp_path / "output"
    run([content], out, ("pdf",))
    return content, out


def test_matching_output_names_its_content_file(built: tuple[Path, Path]) -> None:
    content, out = built
    origin = verify(out / "b.pdf")
    assert origin is not None
    assert origin.source.resolve() == (content / "b.yaml").resolve()
    assert origin.name == "b.pdf" and origin.content_matches
    assert origin.revision is None  # not a git repository


def test_copied_output_is_verified_with_an_explicit_manifest(built: tuple[Path, Path], tmp_path: Path) -> None:
    _, out = built
    elsewhere = tmp_path / "gui-di" / "thong-bao.pdf"
    elsewhere.parent.mkdir()
    shutil.copy(out / "a.pdf", elsewhere)
    origin = verify(elsewhere, out / MANIFEST_NAME)
    assert origin is not None and origin.source.name == "a.yaml"


def test_tampered_output_matches_nothing(built: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    _, out = built
    pdf = out / "a.pdf"
    pdf.write_bytes(pdf.read_bytes().replace(b"%%EOF", b"%%EOF\n% sua"))
    assert verify(pdf) is None
    assert main(["verify", str(pdf)]) == 1
    err = capsys.readouterr().err
    assert "không khớp với tệp nào đã xuất" in err


def test_cli_names_source_and_git_revision(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if shutil.which("git") is None:
        pytest.skip("git không có trên máy")
    content = tmp_path / "content"
    content.mkdir()
    source = content / "a.yaml"
    source.write_text(notice_yaml(so="3"), encoding="utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "content/a.yaml")
    _git(tmp_path, "commit", "-q", "-m", "thong bao a")
    head = _git(tmp_path, "rev-parse", "HEAD")
    out = tmp_path / "output"
    run([content], out, ("pdf",))
    assert main(["verify", str(out / "a.pdf")]) == 0
    text = capsys.readouterr().out
    assert "a.yaml" in text and "khớp với lần xuất" in text
    assert f"commit cuối của tệp nguồn {head}; bản làm việc sạch" in text
    assert f"khớp commit {head}" in text
    source.write_text(notice_yaml(so="9"), encoding="utf-8")  # edited after the build, not committed
    origin = verify(out / "a.pdf")
    assert origin is not None
    assert origin.clean is False and origin.content_matches is False and origin.revision_matches == head
