"""Structural diff of two notices: tasks added, removed, re-assigned, re-dated; sections changed."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import ROOT, SEED
from vanban.cli import main
from vanban.commands import diff
from vanban.pipeline.notice import load_one
from vanban.pipeline.outline import Task, outline

FIXTURES = ROOT / "tests" / "fixtures" / "tasks" / "diff"
OLD, NEW = FIXTURES / "old.yaml", FIXTURES / "new.yaml"


@pytest.fixture(scope="module")
def changes() -> diff.Diff:
    return diff.compare(load_one(OLD).model, load_one(NEW).model)


def test_tasks_added_and_removed(changes: diff.Diff) -> None:
    assert [t.text for t in changes.added] == ["Tham mưu ban hành kế hoạch chuyển đổi số trong nông nghiệp năm 2024."]
    assert [(t.don_vi, t.text) for t in changes.removed] == [
        ("Thanh tra", "Kiểm tra, đôn đốc xử lý các vụ việc được UBND tỉnh giao.")]


def test_task_reassigned_is_matched_by_id(changes: diff.Diff) -> None:
    assert [(c.old.ma, c.old.don_vi, c.new.don_vi) for c in changes.reassigned] == [
        ("KT-02", "Phòng Kinh tế", "Phòng Tài chính - Kế hoạch")]


def test_deadline_moved(changes: diff.Diff) -> None:
    assert [(c.new.ma, c.old.han, c.new.han) for c in changes.deadline_moved] == [
        ("KT-01", dt.date(2024, 1, 15), dt.date(2024, 1, 22))]


def test_reworded_task_without_id_is_matched_by_similar_text(changes: diff.Diff) -> None:
    assert [(c.old.text, c.new.text) for c in changes.reworded] == [(
        "Tổ chức ra quân giải tỏa hành lang an toàn giao thông dịp tết Nguyên đán.",
        "Tổ chức ra quân giải tỏa hành lang an toàn giao thông trước tết Nguyên đán.",
    )]


def test_sections_added_removed_and_renamed(changes: diff.Diff) -> None:
    assert [str(s) for s in changes.sections_added] == ["Khoản 3 (Mục II) “Phòng Tài chính - Kế hoạch”"]
    assert [str(s) for s in changes.sections_removed] == ["Khoản 3 (Mục II) “Thanh tra”"]
    assert [(a.label, a.title, b.title) for a, b in changes.sections_renamed] == [
        ("II", "Nhiệm vụ trọng tâm tháng 01/2024", "Nhiệm vụ, giải pháp trọng tâm tháng 01/2024")]


def test_similarity_threshold_and_ids_decide_matching() -> None:
    base = "Tham mưu xây dựng kế hoạch tổ chức Tết trồng cây đầu xuân Giáp Thìn."
    old = [Task("A", base, None), Task("A", "Đôn đốc giải ngân vốn đầu tư công.", None, "X-1")]
    new = [
        Task("B", "Tham mưu  xây dựng kế hoạch tổ chức Tết trồng cây đầu xuân Giáp Thìn năm 2024", None),
        Task("A", "Đôn đốc giải ngân vốn đầu tư công.", None, "X-2"),  # same text, another id
    ]
    assert diff.match_tasks(old, new) == [(0, 0)]
    far = [Task("A", "Tổ chức hội nghị tổng kết công tác năm.", None)]
    assert diff.match_tasks(old[:1], far) == []


def test_same_notice_has_no_changes() -> None:
    seed = load_one(SEED).model
    result = diff.compare(seed, seed)
    assert result.empty
    assert diff.report(result, "a", "b").endswith("Không có thay đổi về nhiệm vụ và mục, khoản.\n")
    assert len(list(diff.sections(outline(seed.noi_dung)))) == 4 + 2 + 15 + 3  # mục, khoản 1-2, 2.1-2.15, III's khoản


def test_cli_report_names_every_kind_of_change(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(OLD), str(NEW)]) == 0
    out = capsys.readouterr().out
    for heading in ("Nhiệm vụ mới (1):", "Nhiệm vụ bị bỏ (1):", "Nhiệm vụ giao lại đơn vị khác (1):",
                    "Nhiệm vụ đổi thời hạn (1):", "Nhiệm vụ sửa nội dung (1):", "Mục, khoản mới (1):",
                    "Mục, khoản bị bỏ (1):", "Mục, khoản đổi tên (1):"):
        assert heading in out
    assert "~ 15/01/2024 → 22/01/2024, Phòng Kinh tế: [KT-01]" in out
    assert "~ Phòng Kinh tế → Phòng Tài chính - Kế hoạch: [KT-02]" in out


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Thử", "-c", "user.email=thu@example.invalid", *args],
                   cwd=repo, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_diff_between_git_revisions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    (repo / "content").mkdir(parents=True)
    notice = repo / "content" / "thong-bao.yaml"
    _git(repo, "init", "-q")
    shutil.copy(OLD, notice)
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "lần 1")
    shutil.copy(NEW, notice)
    assert main(["diff", str(notice), "--from", "HEAD"]) == 0  # HEAD against the working file
    worktree = capsys.readouterr().out
    _git(repo, "commit", "-q", "-am", "lần 2")
    shutil.copy(OLD, notice)  # the working file no longer matters with --to
    assert main(["diff", str(notice), "--from", "HEAD~1", "--to", "HEAD"]) == 0
    revisions = capsys.readouterr().out
    assert main(["diff", str(OLD), str(NEW)]) == 0
    files = capsys.readouterr().out
    body = files.split("\n", 1)[1]
    assert worktree.split("\n", 1)[1] == body and revisions.split("\n", 1)[1] == body
    assert revisions.startswith(f"So sánh {notice}@HEAD~1 → {notice}@HEAD\n")


def test_unknown_revision_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    notice = repo / "a.yaml"
    shutil.copy(OLD, notice)
    assert main(["diff", str(notice), "--from", "khong-co"]) == 2
    assert "không đọc được" in capsys.readouterr().err


@pytest.mark.parametrize("args", [[str(OLD)], [str(OLD), str(NEW), "--from", "HEAD"]])
def test_diff_needs_two_files_or_a_revision(args: list[str]) -> None:
    assert main(["diff", *args]) == 2


def test_invalid_side_is_a_located_content_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(NEW.read_text(encoding="utf-8").replace('han: "2024-01-22"', 'han: "2024-01-32"'),
                   encoding="utf-8")
    assert main(["diff", str(OLD), str(bad)]) == 1
    assert "han: ngày '2024-01-32' không tồn tại" in capsys.readouterr().err
