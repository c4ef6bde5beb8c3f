"""A killed parallel build leaves no process behind, whatever signal ended it [issue 14].

Why: ``vanban build -j 2`` renders in workers forked from a forkserver. When the build was
killed (SIGTERM from a service manager, SIGKILL, the OOM killer), the workers waited for work
forever, and they kept the forkserver and the resource tracker alive: four processes and
about 230 MB per killed build, until the machine restarted. The build runs here in its own
session, so every process it started can be found in /proc by session id (psutil is not
installed), even after it was re-parented to init.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import SEED

#: Seconds the processes of a killed build may take to end (the issue allows "a few").
GRACE_S = 5.0


def _session(sid: int) -> dict[int, str]:
    """Return ``{pid: command line}`` of the live (not zombie) processes of session ``sid``."""
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # ended while being read
        state, _ppid, _pgrp, session = stat.rpartition(")")[2].split()[:4]
        if int(session) == sid and state != "Z":
            found[int(entry.name)] = command
    return found


def _wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_no_process_outlives_a_killed_parallel_build(tmp_path: Path, signum: int) -> None:
    content = tmp_path / "content"
    content.mkdir()
    for i in range(30):  # ~0.3 s each on 2 workers: the build is still rendering when it is killed
        shutil.copy(SEED, content / f"tb-{i:02d}.yaml")
    build = subprocess.Popen([sys.executable, "-m", "vanban", "build", "content", "-o", "out", "-j", "2", "--force"],
                             cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
    try:
        # The build, the resource tracker, the forkserver and two workers forked from it.
        _wait_for(lambda: sum("forkserver" in c for c in _session(build.pid).values()) >= 3, 60, "two workers")
        started = _session(build.pid)
        os.kill(build.pid, signum)
        _, err = build.communicate(timeout=30)
        if signum == signal.SIGTERM:
            assert build.returncode == 1, err
            assert "Đã dừng vì nhận tín hiệu SIGTERM." in err and "Traceback" not in err
        else:
            assert build.returncode == -signal.SIGKILL
        killed_at = time.monotonic()
        _wait_for(lambda: not _session(build.pid), GRACE_S,
                  f"every process of the build to end; started {started}, left {_session(build.pid)}")
        assert time.monotonic() - killed_at < GRACE_S
        assert not (tmp_path / "out").exists()  # killed while rendering: nothing was written
    finally:
        if _session(build.pid):
            os.killpg(build.pid, signal.SIGKILL)  # never leave them to the next test
        if build.poll() is None:
            build.kill()
            build.wait()


def test_a_worker_ends_when_the_build_it_serves_is_gone(tmp_path: Path) -> None:
    # The check each worker starts with: a build already gone means exit at once.
    probe = ("import subprocess, sys\n"
             "gone = subprocess.Popen([sys.executable, '-c', 'pass']); gone.wait()\n"
             "from vanban.commands.build import _exit_with\n"
             "_exit_with(gone.pid)\n"
             "import time; time.sleep(10); print('still here')\n")
    start = time.monotonic()
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=30, cwd=tmp_path)
    assert run.returncode == 1 and "still here" not in run.stdout, run.stderr
    assert time.monotonic() - start < 8
