"""Outputs are atomic: a build killed at any moment, or a build that fails, never leaves a broken file.

Why: the văn thư prints and sends whatever is in the output folder. A ``vanban build`` killed
with SIGKILL (power cut, OOM killer, Ctrl-C twice) must leave every output either absent, its
previous complete version or its new complete version; a temporary file it left behind is
removed by the next build; and a batch with one invalid notice changes nothing at all.
"""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pypdf
import pytest

from vanban.cli import main
from vanban.commands.manifest import MANIFEST_NAME
from vanban.pipeline.output import write_atomic
from vanban.pipeline.templates import default_dir

CATALOGUE = Path(__file__).parent / "catalogue"
NOTICES = 30
Snapshot = dict[str, bytes]


def write_sources(content: Path, number_offset: int) -> None:
    """Write NOTICES valid notices into ``content``; the offset changes every one of them."""
    base = (CATALOGUE / "valid.yaml.txt").read_text(encoding="utf-8")
    content.mkdir(exist_ok=True)
    for i in range(1, NOTICES + 1):
        text = base.replace('so: "7"', f'so: "{i + number_offset}"')
        (content / f"tb-{i:02d}.yaml").write_text(text, encoding="utf-8")


def snapshot(folder: Path) -> Snapshot:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def build_command(out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "vanban", "build", "content", "-o", str(out), *extra]


def run_build(tmp: Path, out: Path, *extra: str) -> None:
    result = subprocess.run(build_command(out, *extra), cwd=tmp, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


def check_complete(name: str, data: bytes) -> None:
    """Fail unless ``data`` is a whole PDF, .docx or manifest."""
    if name.endswith(".pdf"):
        assert data.rstrip().endswith(b"%%EOF"), name
        assert len(pypdf.PdfReader(io.BytesIO(data)).pages) >= 1, name
    elif name.endswith(".docx"):
        import docx

        assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None, name
        assert docx.Document(io.BytesIO(data)).paragraphs is not None, name
    elif name.endswith(".json"):
        json.loads(data)


def check_state(out: Path, old: Snapshot, new: Snapshot, label: str) -> tuple[int, int, int]:
    """Check every output is its old or new complete version; return (old, new, temporary) counts."""
    counts = [0, 0, 0]
    for name, data in snapshot(out).items():
        if name.startswith(".") and name.endswith(".tmp"):
            counts[2] += 1
            continue
        assert name in old or name in new, f"{label}: unexpected file {name}"
        check_complete(name, data)
        if data == old.get(name):
            counts[0] += 1
        else:
            assert data == new.get(name), f"{label}: {name} is neither its old nor its new version"
            counts[1] += 1
    return counts[0], counts[1], counts[2]


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the build and the render workers it started (its own session), then reap it."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)


def killed_build(tmp: Path, out: Path, delay: float | None) -> int | None:
    """Start a forced build and SIGKILL it after ``delay`` s, or (None) as soon as it starts writing."""
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    process = subprocess.Popen(build_command(out, "--force"), cwd=tmp, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        if delay is not None:
            time.sleep(delay)
        else:
            while process.poll() is None:
                try:
                    entries = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
                except FileNotFoundError:
                    break  # a temporary file was renamed between listing and stat: writing has begun
                if entries != before:
                    break
                time.sleep(0.002)
    finally:
        kill_group(process)
    return process.returncode


@pytest.mark.slow
def test_sigkill_mid_batch_leaves_only_complete_files(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_sources(content, 0)
    # Pin the templates (./templates is used when present): every build here must see the same ones.
    shutil.copytree(default_dir(), tmp_path / "templates")
    out_old = tmp_path / "old"
    run_build(tmp_path, out_old)
    old = snapshot(out_old)
    write_sources(content, 100)
    reference = tmp_path / "reference"
    start = time.monotonic()
    run_build(tmp_path, reference)
    full = time.monotonic() - start
    new = snapshot(reference)
    assert set(old) == set(new) and all(old[n] != new[n] for n in old if not n.startswith("."))

    rng = random.Random(20240305)
    plans: list[float | None] = [rng.uniform(0.2, full), rng.uniform(0.5 * full, 1.2 * full), None, None]
    out = tmp_path / "out"
    outcomes = []
    for round_, delay in enumerate(plans):
        if out.exists():
            for path in out.iterdir():
                path.unlink()
        else:
            out.mkdir()
        for name, data in old.items():
            (out / name).write_bytes(data)
        code = killed_build(tmp_path, out, delay)
        label = f"round {round_} (kill after {'first write' if delay is None else f'{delay:.2f} s'}, rc {code})"
        outcomes.append((label, *check_state(out, old, new, label)))
    assert any(o[1] and o[2] for o in outcomes) or any(o[3] for o in outcomes), f"no kill hit the writes: {outcomes}"

    # The next build finishes the job and removes what the killed one left behind.
    run_build(tmp_path, out)
    after = snapshot(out)
    check_complete(MANIFEST_NAME, after.pop(MANIFEST_NAME))  # records paths, not compared byte for byte
    wrong = {n: "old" if d == old.get(n) else "other" for n, d in after.items() if d != new.get(n)}
    assert not wrong, f"the build after a kill left outputs that are not the new ones: {wrong}; {outcomes}"
    assert set(after) == set(new) - {MANIFEST_NAME}


def test_orphaned_temporary_files_are_removed(tmp_path: Path) -> None:
    target = tmp_path / "tb.pdf"
    dead = tmp_path / ".tb.pdf.999999999.abcd1234.tmp"  # above any pid_max: its writer cannot be alive
    alive = tmp_path / f".tb.pdf.{os.getpid()}.efgh5678.tmp"  # a concurrent writer (this process)
    other = tmp_path / ".khac.pdf.999999999.abcd1234.tmp"
    for path in (dead, alive, other):
        path.write_bytes(b"%PDF-1.7 truncated")
    write_atomic(target, b"%PDF-1.7\n%%EOF\n")
    assert target.read_bytes() == b"%PDF-1.7\n%%EOF\n"
    assert not dead.exists()
    assert alive.exists() and other.exists()


def test_one_invalid_notice_leaves_the_folder_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    content = tmp_path / "content"
    write_sources(content, 0)
    out = tmp_path / "out"
    out.mkdir()
    (out / "tb-01.pdf").write_bytes(b"%PDF-1.7\n% older\n%%EOF\n")
    (out / "ghi-chu.txt").write_bytes(b"not ours")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    broken = (content / "tb-17.yaml").read_text(encoding="utf-8").replace('ngay: "2024-03-05"', 'ngay: "2024-02-30"')
    (content / "tb-17.yaml").write_text(broken, encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    assert main(["build", "content", "-o", "out"]) == 1

    err = capsys.readouterr().err
    assert "content/tb-17.yaml:7:7: ngay: ngày '2024-02-30' không tồn tại [R-DATE-1]" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
