"""Incremental builds (issue 7): unchanged notices are skipped, each kind of change rebuilds what it affects.

Every test reads the real manifest and the real output files; "skipped" is also checked on
disk (an output that is not rewritten keeps its inode modification time to the nanosecond).
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

import vanban
from helpers import notice_yaml
from vanban.cli import main
from vanban.commands import manifest as manifest_mod
from vanban.commands.build import run
from vanban.commands.manifest import MANIFEST_NAME
from vanban.commands.progress import Printer
from vanban.errors import ContentError
from vanban.pipeline.templates import default_dir

PDF = ("pdf",)


def _project(tmp_path: Path, names: tuple[str, ...] = ("a", "b")) -> tuple[Path, Path]:
    content = tmp_path / "content"
    content.mkdir()
    for i, name in enumerate(names, start=1):
        (content / f"{name}.yaml").write_text(notice_yaml(so=str(i)), encoding="utf-8")
    return content, tmp_path / "output"


def _stamps(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in out.glob("*.pdf")}


def test_second_build_with_nothing_changed_renders_nothing(tmp_path: Path) -> None:
    content, out = _project(tmp_path)
    first = run([content], out, PDF)
    assert sorted(p.name for p in first.written) == ["a.pdf", "b.pdf"]
    before = _stamps(out)
    second = run([content], out, PDF)
    assert second.written == [] and second.rendered == []
    assert sorted(p.name for p in second.skipped) == ["a.yaml", "b.yaml"]
    assert _stamps(out) == before  # nothing rewritten on disk either


def test_content_change_rebuilds_that_notice_only(tmp_path: Path) -> None:
    content, out = _project(tmp_path)
    run([content], out, PDF)
    before = _stamps(out)
    (content / "b.yaml").write_text(notice_yaml(so="7"), encoding="utf-8")
    report = run([content], out, PDF)
    assert [p.name for p in report.written] == ["b.pdf"]
    assert [p.name for p in report.skipped] == ["a.yaml"]
    after = _stamps(out)
    assert after["a.pdf"] == before["a.pdf"] and after["b.pdf"] != before["b.pdf"]


def test_template_override_change_rebuilds_all(tmp_path: Path) -> None:
    content, out = _project(tmp_path)
    templates = tmp_path / "templates"
    templates.mkdir()
    css = templates / "thong_bao.css"
    shutil.copy(default_dir() / "thong_bao.css", css)
    run([content], out, PDF, templates)
    assert run([content], out, PDF, templates).written == []
    css.write_text(css.read_text(encoding="utf-8") + "\n/* đổi mẫu */\n", encoding="utf-8")
    assert sorted(p.name for p in run([content], out, PDF, templates).written) == ["a.pdf", "b.pdf"]


def test_only_the_effective_template_counts(tmp_path: Path) -> None:
    content, out = _project(tmp_path)
    templates = tmp_path / "templates"
    templates.mkdir()
    run([content], out, PDF, templates)
    css = templates / "thong_bao.css"
    shutil.copy(default_dir() / "thong_bao.css", css)  # an identical override: the output cannot change
    (templates / ".thong_bao.css.swp").write_bytes(b"editor litter")
    assert run([content], out, PDF, templates).written == []
    css.write_text(css.read_text(encoding="utf-8") + "\n/* mẫu riêng */\n", encoding="utf-8")
    assert len(run([content], out, PDF, templates).written) == 2


def test_font_change_rebuilds_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content, out = _project(tmp_path)
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    face = fonts / "Face.ttf"
    face.write_bytes(b"phong 1")
    monkeypatch.setattr(manifest_mod, "FONT_DIR", fonts)
    run([content], out, PDF)
    assert run([content], out, PDF).written == []
    face.write_bytes(b"phong 2")
    assert len(run([content], out, PDF).written) == 2
    assert run([content], out, PDF).written == []


def test_version_change_rebuilds_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content, out = _project(tmp_path)
    run([content], out, PDF)
    monkeypatch.setattr(vanban, "__version__", "99.0.0")
    report = run([content], out, PDF)
    assert len(report.written) == 2
    recorded = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert {e["inputs"]["version"] for e in recorded["notices"].values()} == {"99.0.0"}


def test_missing_or_tampered_output_is_rebuilt(tmp_path: Path) -> None:
    content, out = _project(tmp_path)
    run([content], out, PDF)
    good = (out / "a.pdf").read_bytes()
    (out / "a.pdf").unlink()
    (out / "b.pdf").write_bytes(b"%PDF-1.7 sua tay")
    report = run([content], out, PDF)
    assert sorted(p.name for p in report.written) == ["a.pdf", "b.pdf"]
    assert (out / "a.pdf").read_bytes() == good
    assert (out / "b.pdf").read_bytes().startswith(b"%PDF-") and b"sua tay" not in (out / "b.pdf").read_bytes()


def test_new_format_renders_only_the_missing_output(tmp_path: Path) -> None:
    content, out = _project(tmp_path, ("a",))
    run([content], out, PDF)
    html_only_changed = run([content], out, PDF)
    assert html_only_changed.written == []
    report = run([content], out, ("pdf", "docx"))
    assert sorted(p.name for p in report.written) == ["a.docx", "a.pdf"]
    entry = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))["notices"]["a"]
    assert sorted(entry["outputs"]) == ["a.docx", "a.pdf"]


def test_force_rebuilds_everything(tmp_path: Path) -> None:
    content, out = _project(tmp_path)
    run([content], out, PDF)
    assert len(run([content], out, PDF, force=True).written) == 2


def test_manifest_is_deterministic_sorted_json_with_input_and_output_hashes(tmp_path: Path) -> None:
    content, out = _project(tmp_path)
    run([content], out, PDF)
    text = (out / MANIFEST_NAME).read_text(encoding="utf-8")
    run([content], out, PDF, force=True)
    assert (out / MANIFEST_NAME).read_text(encoding="utf-8") == text  # same inputs, same bytes
    data = json.loads(text)
    assert text == json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    entry = data["notices"]["a"]
    assert entry["inputs"]["source"] == "content/a.yaml"
    assert entry["inputs"]["content"] == manifest_mod.sha256_file(content / "a.yaml")
    assert entry["outputs"] == {"a.pdf": manifest_mod.sha256_file(out / "a.pdf")}
    assert not list(out.glob("*.tmp"))


def test_invalid_notice_writes_nothing_unless_keep_going(tmp_path: Path) -> None:
    content, out = _project(tmp_path)
    (content / "c.yaml").write_text(notice_yaml(so="không số"), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        run([content], out, PDF)
    assert {p.file.rsplit("/", 1)[-1] for p in caught.value.problems} == {"c.yaml"}
    assert not out.exists()
    report = run([content], out, PDF, keep_going=True)
    assert sorted(p.name for p in report.written) == ["a.pdf", "b.pdf"]
    assert not report.ok and {p.file.rsplit("/", 1)[-1] for p in report.problems} == {"c.yaml"}
    assert not (out / "c.pdf").exists()


def test_cli_keep_going_exits_1_after_writing_the_valid_notices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content, out = _project(tmp_path, ("a",))
    (content / "c.yaml").write_text(notice_yaml(so="không số"), encoding="utf-8")
    assert main(["build", str(content), "-o", str(out), "-f", "pdf", "--keep-going", "-j", "1"]) == 1
    captured = capsys.readouterr()
    assert (out / "a.pdf").is_file()
    assert "c.yaml:" in captured.err and "các văn bản hợp lệ đã được ghi" in captured.err


def test_cli_reports_progress_and_skips(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content, out = _project(tmp_path)
    assert main(["build", str(content), "-o", str(out), "-f", "pdf", "-j", "1"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert [line.split(" ", 1)[0] for line in err] == ["[1/2]", "[2/2]"]  # plain lines: stderr is no TTY
    assert err[0].endswith(" s)") and "a.yaml" in err[0]
    assert main(["build", str(content), "-o", str(out), "-f", "pdf"]) == 0
    out_text = capsys.readouterr().out
    assert "Bỏ qua 2 văn bản không thay đổi." in out_text and "Xong: 0 tệp." not in out_text


def test_progress_on_a_terminal_rewrites_one_line() -> None:
    from vanban.commands.build import Progress

    ticks = iter([0.0, 1.25, 2.5])
    stream = io.StringIO()
    printer = Printer(stream, tty=True, clock=lambda: next(ticks))
    printer(Progress(1, 2, "content/a.yaml", True))
    printer(Progress(2, 2, "content/b.yaml", False))
    text = stream.getvalue()
    assert text.count("\r") == 2 and text.count("\n") == 1 and text.endswith("\n")
    assert "[1/2] content/a.yaml (1.2 s)" in text and "[2/2] content/b.yaml — LỖI (2.5 s)" in text


def test_office_profile_change_rebuilds_the_notices_below_it(tmp_path: Path) -> None:
    from vanban.repo import PROFILE_NAME

    content, out = _project(tmp_path)
    profile = content / PROFILE_NAME
    profile.write_text("co_quan:\n  viet_tat: UBND\n", encoding="utf-8")
    first = run([content], out, PDF)
    assert sorted(p.name for p in first.written) == ["a.pdf", "b.pdf"]  # the profile is no notice
    assert run([content], out, PDF).written == []
    profile.write_text("# hồ sơ cơ quan, đã sửa\nco_quan:\n  viet_tat: UBND\n", encoding="utf-8")
    assert len(run([content], out, PDF).written) == 2


@pytest.mark.parametrize("text", ["[1, 2]", "{not json", '{"format": 999, "notices": {}}', '{"format": 1}'])
def test_unreadable_manifest_means_rebuild_everything(tmp_path: Path, text: str) -> None:
    content, out = _project(tmp_path, ("a",))
    run([content], out, PDF)
    (out / MANIFEST_NAME).write_text(text, encoding="utf-8")
    assert [p.name for p in run([content], out, PDF).written] == ["a.pdf"]
    assert json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))["format"] == 1
