"""``vanban verify`` (issue 7): which content file and git revision produced an output, or none.

Why the library versions (issue 11): the same content gives other bytes under another WeasyPrint,
Pango or zlib, so an output that matches no recorded hash while the manifest records other
library versions than the installed ones must not be called modified.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from helpers import notice_yaml
from vanban import i18n
from vanban.cli import main
from vanban.commands.build import run
from vanban.commands.manifest import MANIFEST_NAME, library_differences, library_versions, verify


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
    assert library_differences(pdf) == []
    assert main(["verify", str(pdf)]) == 1
    err = capsys.readouterr().err
    assert "không khớp với tệp nào đã xuất" in err
    assert "(tệp đã bị sửa, hoặc không do vanban xuất ra ở thư mục này)." in err
    assert "phiên bản thư viện" not in err


def test_cli_names_source_and_git_revision(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
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


# --- library versions ---------------------------------------------------------------------


def _edit_manifest(out: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Rewrite every entry of the manifest in ``out`` with ``change``."""
    path = out / MANIFEST_NAME
    data = json.loads(path.read_text(encoding="utf-8"))
    for entry in data["notices"].values():
        change(entry)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _built_under_weasyprint_69(entry: dict[str, Any]) -> None:
    """Make an entry look as if built by an older WeasyPrint: other versions, other output bytes."""
    entry["libraries"]["weasyprint"] = "69.0"
    entry["outputs"] = {name: "0" * 64 for name in entry["outputs"]}


def test_manifest_records_the_versions_that_shape_the_bytes(built: tuple[Path, Path]) -> None:
    _, out = built
    entry = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))["notices"]["a"]
    assert entry["libraries"] == library_versions()
    for name in ("weasyprint", "pydyf", "fonttools", "docxtpl", "python-docx", "lxml", "jinja2",
                 "pango", "harfbuzz", "zlib"):
        assert entry["libraries"][name], name
    assert entry["libraries"]["pango"].count(".") == 2  # read from the library itself, e.g. 1.50.12


def test_other_recorded_versions_are_named_not_called_tampered(
        built: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    _, out = built
    _edit_manifest(out, _built_under_weasyprint_69)
    installed = library_versions()["weasyprint"]
    assert verify(out / "a.pdf") is None
    assert library_differences(out / "a.pdf") == [("weasyprint", "69.0", installed)]
    assert main(["verify", str(out / "a.pdf")]) == 1
    err = capsys.readouterr().err
    assert "không khớp với tệp nào đã xuất" in err
    assert "nhưng tệp kê khai ghi phiên bản thư viện khác với bản đang cài:" in err
    assert f"  weasyprint: 69.0 lúc xuất, {installed} đang cài" in err
    assert "chưa chắc đã bị sửa" in err
    assert "(tệp đã bị sửa" not in err


def test_other_recorded_versions_in_english(built: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    _, out = built
    _edit_manifest(out, _built_under_weasyprint_69)
    try:
        assert main(["--lang", "en", "verify", str(out / "b.pdf")]) == 1
    finally:
        i18n.set_language("vi")
    err = capsys.readouterr().err
    assert "but the manifest records other library versions than the ones installed:" in err
    assert f"  weasyprint: 69.0 at build time, {library_versions()['weasyprint']} installed" in err
    assert "rather than edited" in err


def test_renamed_copy_is_compared_with_every_entry(built: tuple[Path, Path], tmp_path: Path) -> None:
    _, out = built
    elsewhere = tmp_path / "gui-di" / "thong-bao.pdf"
    elsewhere.parent.mkdir()
    shutil.copy(out / "a.pdf", elsewhere)
    _edit_manifest(out, _built_under_weasyprint_69)
    assert [d[0] for d in library_differences(elsewhere, out / MANIFEST_NAME)] == ["weasyprint"]


def test_manifest_without_versions_keeps_the_tampered_message(
        built: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """A manifest written before versions were recorded cannot tell: the output is not what it lists."""
    _, out = built
    _edit_manifest(out, lambda entry: entry.pop("libraries"))
    pdf = out / "a.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"\n% sua")
    assert library_differences(pdf) == []
    assert main(["verify", str(pdf)]) == 1
    assert "(tệp đã bị sửa, hoặc không do vanban xuất ra ở thư mục này)." in capsys.readouterr().err


def test_outputs_built_under_other_versions_are_rebuilt(built: tuple[Path, Path]) -> None:
    """Incremental builds: the same inputs under other libraries are not current."""
    content, out = built
    assert run([content], out, ("pdf",)).written == []
    _edit_manifest(out, lambda entry: entry["libraries"].update(pango="1.0.0"))
    assert sorted(p.name for p in run([content], out, ("pdf",)).written) == ["a.pdf", "b.pdf"]
    assert verify(out / "a.pdf") is not None and library_differences(out / "a.pdf") == []
