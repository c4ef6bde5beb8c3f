"""Template updates reach offices: init copies no templates, --eject does, and an old office template is refused.

Why: an office's copy of a template overrides vanban's file by file, so a fix of vanban's own
template (the footnotes part a .docx needs once footnotes exist) never reached an office that
``init`` had given copies. Each template states the contract it was made for [issue 18].
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from vanban.cli import main
from vanban.pipeline.templates import CONTRACT, TEMPLATE_FILES, default_dir


@pytest.fixture()
def office(scaffolded: Path) -> Path:
    """Return a freshly scaffolded office repository, as the working folder."""
    return scaffolded


def _without_footnotes(data: bytes) -> bytes:
    """Return the Word template ``data`` as it was before footnotes: no footnotes part, no footnote styles."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == "word/footnotes.xml":
                continue
            part = source.read(info.filename)
            if info.filename == "word/_rels/document.xml.rels":
                part = re.sub(rb"<Relationship [^>]*footnotes\.xml\"[^>]*/>", b"", part)
            elif info.filename == "[Content_Types].xml":
                part = re.sub(rb"<Override [^>]*footnotes\.xml\"[^>]*/>", b"", part)
            elif info.filename == "word/styles.xml":
                part = re.sub(rb"<w:style [^>]*w:styleId=\"Footnote(Text|Reference)\".*?</w:style>", b"", part,
                              flags=re.S)
            target.writestr(info, part)
    return out.getvalue()


def test_init_leaves_templates_to_vanban_and_eject_copies_them(office: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert not (office / "templates").exists()
    capsys.readouterr()
    assert main(["templates"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"{name}: mẫu của vanban (hợp đồng {CONTRACT})"
                                                    for name in TEMPLATE_FILES]
    assert main(["templates", "--eject"]) == 0
    for name in TEMPLATE_FILES:
        assert (office / "templates" / name).read_bytes() == (default_dir() / name).read_bytes()
    assert main(["templates", "--eject"]) == 2  # never overwrites an office's work unasked
    assert "dùng --force để ghi đè" in capsys.readouterr().err
    assert main(["templates", "--eject", "--force", "mau-rieng"]) == 0
    assert sorted(p.name for p in (office / "mau-rieng").iterdir()) == sorted(TEMPLATE_FILES)
    capsys.readouterr()
    assert main(["templates"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"templates/thong_bao.html: mẫu của cơ quan, theo hợp đồng " \
                                                      f"{CONTRACT}"
    assert main(["build"]) == 0  # the ejected templates are current


def test_the_default_templates_state_the_current_contract() -> None:
    for name in ("thong_bao.html", "thong_bao.css"):
        first = (default_dir() / name).read_text(encoding="utf-8").splitlines()[0]
        assert first == f"{{#- vanban-contract: {CONTRACT} (the template contract: docs/templates.md) -#}}"


@pytest.mark.parametrize(("name", "lacks"), [
    ("thong_bao.html", "runs(block.runs)"),
    ("thong_bao.css", "kiểu '.footnote' của chú thích cuối trang"),
])
def test_build_refuses_a_text_template_older_than_the_contract(office: Path, capsys: pytest.CaptureFixture[str],
                                                               name: str, lacks: str) -> None:
    assert main(["templates", "--eject"]) == 0
    old = office / "templates" / name
    old.write_text(old.read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8")  # before contracts
    capsys.readouterr()
    assert main(["build"]) == 1
    err = capsys.readouterr().err
    assert f"Lỗi: templates/{name}:1: mẫu làm theo hợp đồng mẫu 1, vanban này cần hợp đồng {CONTRACT}: thiếu " in err
    assert lacks in err and "vanban templates --eject" in err
    assert not (office / "output").exists()
    assert main(["templates"]) == 1
    assert f"templates/{name}:1: mẫu làm theo hợp đồng mẫu 1" in capsys.readouterr().err


def test_build_refuses_a_word_template_without_the_footnotes_part(office: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    (office / "templates").mkdir()
    (office / "templates" / "thong_bao.docx").write_bytes(_without_footnotes(
        (default_dir() / "thong_bao.docx").read_bytes()))
    capsys.readouterr()
    assert main(["build", "-f", "docx"]) == 1
    err = capsys.readouterr().err
    assert "Lỗi: templates/thong_bao.docx: mẫu làm theo hợp đồng mẫu 1" in err
    assert "thiếu phần chú thích cuối trang (word/footnotes.xml); các kiểu (style) FootnoteText, FootnoteReference" \
        in err
    assert not (office / "output").exists()
    # Copies (the per-unit TRÍCH SAO included) render with the same templates: tests/test_copies.py.
