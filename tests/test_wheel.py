"""The wheel carries everything a notice needs: templates, the bundled fonts, the entry point.

Why: in a source checkout the templates are found in ``templates/`` next to ``src/``; an
installed vanban has only what the wheel packed. A wheel without its templates or fonts
installs fine and fails on the first build, so this builds the wheel, runs vanban from it
(outside the checkout, with no ./templates) and renders the seed notice.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from helpers import ROOT, SEED

pytestmark = pytest.mark.slow

FONTS = [f"LiberationSerif-{face}.ttf" for face in ("Regular", "Bold", "Italic", "BoldItalic")]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel from the checkout (no network: the build backend comes from the test extras)."""
    import hatchling  # noqa: F401 - the test extras install it for an offline build
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    wheels = list(out.glob("vanban-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def unpacked(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Unpack the wheel into a folder used as the only source of the ``vanban`` package."""
    site = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def _run(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_wheel_contains_templates_and_fonts(wheel: Path) -> None:
    """Item 1: templates (html, css, and docx when the checkout has one) and the four fonts are packed."""
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = ["vanban/templates/thong_bao.html", "vanban/templates/thong_bao.css"]
    if (ROOT / "templates" / "thong_bao.docx").is_file():
        expected.append("vanban/templates/thong_bao.docx")
    expected += [f"vanban/fonts/{name}" for name in FONTS]
    missing = [name for name in expected if name not in names]
    assert not missing, missing
    assert any(name.endswith("entry_points.txt") for name in names)
    with zipfile.ZipFile(wheel) as archive:
        for name in FONTS:  # the real fonts, not Git LFS pointers
            assert archive.read(f"vanban/fonts/{name}")[:4] == b"\x00\x01\x00\x00"


def test_wheel_help_runs(unpacked: Path, tmp_path: Path) -> None:
    """Item 1: ``python -m vanban --help`` works from the unpacked wheel, with its packed catalogs."""
    done = _run(unpacked, tmp_path, "-m", "vanban", "--help")
    assert done.returncode == 0, done.stderr
    assert "build" in done.stdout and "Cách dùng:" in done.stdout  # the Vietnamese click catalog is packed
    english = _run(unpacked, tmp_path, "-m", "vanban", "--lang", "en", "--help")
    assert "Usage:" in english.stdout and "Write administrative documents" in english.stdout


def test_wheel_renders_seed_outside_checkout(unpacked: Path, tmp_path: Path) -> None:
    """Item 1: vanban from the wheel, run where there is no ./templates, renders the seed with packed files."""
    where = _run(unpacked, tmp_path, "-c",
                 "import vanban, vanban.pipeline.templates as t; print(vanban.__file__); print(t.default_dir())")
    assert where.returncode == 0, where.stderr
    module, templates = where.stdout.splitlines()[-2:]
    assert Path(module).is_relative_to(unpacked) and Path(templates).is_relative_to(unpacked)
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(SEED, content / SEED.name)
    assert not (tmp_path / "templates").exists()
    done = _run(unpacked, tmp_path, "-m", "vanban", "build", "content", "-o", "out", "-f", "pdf")
    assert done.returncode == 0, done.stdout + done.stderr
    pdf = tmp_path / "out" / f"{SEED.stem}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Liberation-Serif" in fonts and "DejaVu" not in fonts


def test_wheel_carries_every_kind_and_init_builds_from_it(wheel: Path, unpacked: Path, tmp_path: Path) -> None:
    """Each kind's templates, the frame's parts and init's examples are packed; ``init``, ``build`` from the wheel."""
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = [p.name for p in (ROOT / "templates").iterdir() if p.is_file()]
    package = ROOT / "src" / "vanban"
    examples = [p.relative_to(package).as_posix() for p in (package / "examples").rglob("*") if p.is_file()]
    missing = [n for n in [*(f"vanban/templates/{t}" for t in templates), *(f"vanban/{e}" for e in examples)]
               if n not in names]
    assert not missing and len(examples) >= 4, missing
    assert _run(unpacked, tmp_path, "-m", "vanban", "init", "office").returncode == 0
    done = _run(unpacked, tmp_path / "office", "-m", "vanban", "build", "-f", "pdf", "-j", "1")
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(list((tmp_path / "office" / "output").glob("*.pdf"))) == len(examples) - 1  # all but vanban.yaml
