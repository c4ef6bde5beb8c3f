"""No value a user types or a file name they chose is ever read by git as an option or a pattern [issue 14].

Why: ``vanban diff`` and ``vanban verify`` call git with revisions and file names that come
from the command line and from the content folder. ``--output=../x`` given as a revision once
made git write outside the project; a content file may be named ``--output=x.yaml`` or
``[a].yaml`` (a pathspec glob), and each must still mean exactly that file.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import notice_yaml
from vanban.cli import main
from vanban.commands.build import run

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

HOSTILE = "--output=x.yaml"


def _git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", "-c", "user.name=Văn thư", "-c", "user.email=vt@example.invalid", *args],
                            cwd=repo, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def _tree(root: Path) -> list[str]:
    """Return every path under ``root`` (and its parent's entries), to see that nothing appeared."""
    inside = sorted(str(p.relative_to(root)) for p in root.rglob("*") if ".git" not in p.parts)
    return inside + sorted(p.name for p in root.parent.iterdir())


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Return a repository (as cwd) whose content file is named like an option, committed twice."""
    root = tmp_path / "repo"
    content = root / "content"
    content.mkdir(parents=True)
    _git(root, "init", "-q")
    (content / HOSTILE).write_text(notice_yaml(so="3"), encoding="utf-8")
    _git(root, "add", "--", f"content/{HOSTILE}")
    _git(root, "commit", "-qm", "lần 1")
    (content / HOSTILE).write_text(notice_yaml(so="4"), encoding="utf-8")
    _git(root, "commit", "-qam", "lần 2")
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize("rev", ["--output=../outside", "-p", "--upload-pack=touch x", "HEAD\n--output=x"])
def test_a_to_revision_is_never_read_as_an_option(repo: Path, capsys: pytest.CaptureFixture[str], rev: str) -> None:
    before = _tree(repo)
    assert main(["diff", "--from", "HEAD~1", "--to", rev, "--", f"content/{HOSTILE}"]) == 2
    assert "phiên bản git không hợp lệ" in capsys.readouterr().err
    assert _tree(repo) == before


@pytest.mark.parametrize("where", ["root", "content"])
def test_diff_from_a_content_file_named_like_an_option(repo: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    name = f"content/{HOSTILE}"
    if where == "content":  # the file name alone, with no folder in front of its "--"
        monkeypatch.chdir(repo / "content")
        name = HOSTILE
    before = _tree(repo)
    assert main(["diff", "--from", "HEAD~1", "--to", "HEAD", "--", name]) == 0, capsys.readouterr().err
    assert f"{name}@HEAD~1 → {name}@HEAD" in capsys.readouterr().out
    assert main(["diff", "--from", "HEAD", "--", name]) == 0, capsys.readouterr().err
    assert _tree(repo) == before


def test_verify_an_output_of_a_content_file_named_like_an_option(repo: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    head = _git(repo, "rev-parse", "HEAD")
    run([Path("content")], Path("output"), ("pdf",))
    before = _tree(repo)
    assert main(["verify", "--", "output/--output=x.pdf"]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert f"commit cuối của tệp nguồn {head}; bản làm việc sạch" in out
    assert f"khớp commit {head}" in out
    assert _tree(repo) == before


def test_a_file_name_is_never_a_pathspec_pattern(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    # "[a].yaml" as a git pathspec is a glob matching "a.yaml": verify would name a.yaml's commit.
    root = tmp_path / "repo"
    content = root / "content"
    content.mkdir(parents=True)
    _git(root, "init", "-q")
    (content / "a.yaml").write_text(notice_yaml(so="3"), encoding="utf-8")
    _git(root, "add", "content/a.yaml")
    _git(root, "commit", "-qm", "a")
    (content / "[a].yaml").write_text(notice_yaml(so="5"), encoding="utf-8")  # never committed
    monkeypatch.chdir(root)
    run([content / "[a].yaml"], Path("output"), ("pdf",))
    assert main(["verify", "output/[a].pdf"]) == 0, capsys.readouterr().err
    assert "tệp nguồn chưa có trong lịch sử git" in capsys.readouterr().out


def test_the_repositorys_fsmonitor_command_is_not_run(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A folder received from elsewhere carries its .git/config; `git status` would run this command.
    hook = repo / "hook.sh"
    hook.write_text("#!/bin/sh\ntouch \"$(dirname \"$0\")/da-chay\"\n", encoding="utf-8")
    hook.chmod(0o755)
    _git(repo, "config", "core.fsmonitor", str(hook))
    run([Path("content")], Path("output"), ("pdf",))
    assert main(["verify", "--", "output/--output=x.pdf"]) == 0, capsys.readouterr().err
    assert not (repo / "da-chay").exists()
