"""``bench/run`` (issue 8) runs end to end and prints every row and target; numbers are never asserted."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from helpers import ROOT

BENCH = ROOT / "bench" / "run"


@pytest.mark.slow
def test_quick_bench_prints_every_row_and_target_and_writes_nothing() -> None:
    results = ROOT / "bench" / "results"
    before = sorted(results.iterdir()) if results.is_dir() else []
    args = [sys.executable, str(BENCH), "--quick", "--no-write", "--runs", "1", "--batch", "3", "--units", "3"]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    for case in ("(a)", "(b)", "(c)", "(d)", "(e)", "(f)", "(g)"):
        assert f"| {case} " in out, case
    assert "| `vanban --help`, tiến trình mới" in out or "(c) `vanban --help`" in out
    targets = out.split("## Mục tiêu", 1)[1]
    marks = re.findall(r"\| ([✓✗—]) \|$", targets, flags=re.MULTILINE)
    assert len(marks) == 7
    medians = re.findall(r"^\| \(c\) [^|]*\| (\d+) ms \|", out, flags=re.MULTILINE)
    assert medians and 0 < int(medians[0]) < 10_000  # a real measurement, not a placeholder
    assert (sorted(results.iterdir()) if results.is_dir() else []) == before
