"""Rebuild on save: poll the inputs' modification times and run an incremental build on change.

Why polling: no new dependency, works on every file system (network shares included), and at
0.2 s it is well inside the one-second budget for showing the seed's result after a save.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from vanban.commands.build import Report, run
from vanban.commands.manifest import tree_files
from vanban.pipeline.fonts import FONT_DIR
from vanban.pipeline.render import FORMATS
from vanban.pipeline.sources import discover
from vanban.pipeline.templates import search_path
from vanban.repo import find_profile

Outcome = Report | Exception
Stamp = dict[Path, tuple[int, int]]


def snapshot(paths: Sequence[Path], folders: Sequence[Path]) -> Stamp:
    """Return ``{file: (mtime_ns, size)}`` of the content files under ``paths`` and the files in ``folders``."""
    files, _ = discover(paths)
    profiles = {find_profile(file) for file in files}  # an office profile above the content folder counts too
    files += [p for p in profiles if p is not None and p not in files]
    files += tree_files(folders).values()
    stamps: Stamp = {}
    for file in files:
        try:
            info = file.stat()
        except OSError:
            continue  # vanished between listing and stat (an editor's atomic save); next poll sees it
        stamps[file] = (info.st_mtime_ns, info.st_size)
    return stamps


def watch(paths: Sequence[Path], out_dir: Path, formats: Sequence[str] = FORMATS, templates: Path | None = None,
          *, on_result: Callable[[Outcome], None], jobs: int = 1, interval: float = 0.2,
          stop: threading.Event | None = None, max_cycles: int | None = None) -> int:
    """Build now, then again after every change, until ``stop`` is set or ``max_cycles`` builds ran.

    Each build's Report, or the exception that stopped it (invalid content, a failed render),
    goes to ``on_result``; the loop itself survives them. Return the number of builds.
    """
    folders = [*search_path(templates), FONT_DIR]
    last: Stamp | None = None
    builds = 0
    while True:
        current = snapshot(paths, folders)
        if current != last:
            last = current
            try:
                outcome: Outcome = run(paths, out_dir, formats, templates, jobs=jobs)
            except Exception as exc:
                outcome = exc
            on_result(outcome)
            builds += 1
            if max_cycles is not None and builds >= max_cycles:
                return builds
        if stop is None:
            time.sleep(interval)
        elif stop.wait(interval):
            return builds
