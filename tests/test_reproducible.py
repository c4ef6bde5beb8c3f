"""The same content gives byte-identical outputs from separate ``vanban build`` processes.

Why: offices archive and re-render notices; a file that changes on every build cannot be
checked against its source (``vanban verify``) and churns version control. The traps are
per-process: font subsetting that stamps the clock, PDF dates and IDs, zip entry times, so
the two builds run in separate processes more than a second apart and in different time zones.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import ROOT, SEED
from pdfmeasure import metadata

pytestmark = pytest.mark.slow

#: Formats to compare: the PDF always, the .docx once its renderer exists.
FORMATS = ["pdf", "docx"]


def _build(out: Path, fmt: str, tz: str) -> Path:
    """Run ``python -m vanban build`` on the seed in a fresh process; return the file it wrote."""
    env = {**os.environ, "TZ": tz}
    env.pop("SOURCE_DATE_EPOCH", None)  # determinism must not depend on it
    done = subprocess.run(
        [sys.executable, "-m", "vanban", "build", str(SEED), "-o", str(out), "-f", fmt],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out / f"{SEED.stem}.{fmt}"


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[bytes, bytes]]:
    """Build every format twice, in separate processes ≥ 1.1 s apart and in different time zones."""
    first = {fmt: _build(tmp_path_factory.mktemp(f"a-{fmt}"), fmt, "UTC").read_bytes() for fmt in FORMATS}
    time.sleep(1.1)
    second = {fmt: _build(tmp_path_factory.mktemp(f"b-{fmt}"), fmt, "Asia/Ho_Chi_Minh").read_bytes()
              for fmt in FORMATS}
    return {fmt: (first[fmt], second[fmt]) for fmt in FORMATS}


def test_pdf_byte_identical_across_processes(builds: dict[str, tuple[bytes, bytes]]) -> None:
    """Item 9: two builds of the seed give the same PDF bytes."""
    a, b = builds["pdf"]
    assert a.startswith(b"%PDF-") and len(a) > 10_000
    assert hashlib.sha256(a).hexdigest() == hashlib.sha256(b).hexdigest()


def test_docx_byte_identical_across_processes(builds: dict[str, tuple[bytes, bytes]]) -> None:
    """Item 9: two builds of the seed give the same .docx bytes (zip times and core dates fixed)."""
    a, b = builds["docx"]
    assert a.startswith(b"PK") and len(a) > 5_000
    assert hashlib.sha256(a).hexdigest() == hashlib.sha256(b).hexdigest()


def test_pdf_carries_no_clock(builds: dict[str, tuple[bytes, bytes]]) -> None:
    """The PDF's dates come from the content (issue date 2024-01-02), never from the build clock."""
    info, _ = metadata(builds["pdf"][0])
    dates = {info["/CreationDate"], info.get("/ModDate", info["/CreationDate"])}
    assert {d[:10] for d in dates} == {"D:20240102"}
