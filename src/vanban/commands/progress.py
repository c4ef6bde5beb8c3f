"""Show build progress on stderr: one rewritten line on a terminal, plain lines in a log.

Why here and not in build: the library never prints or reads the clock; it only reports
events. This module belongs to the command line, which owns the terminal and the elapsed time.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from typing import TextIO

from vanban.commands.build import Progress
from vanban.i18n import _


class Printer:
    """Print each Progress event as ``[done/total] file (elapsed)``."""

    def __init__(self, stream: TextIO, tty: bool | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self.clock = clock
        self.start = clock()
        self.open_line = False

    def __call__(self, event: Progress) -> None:
        """Show one event; on a terminal the line is rewritten in place (``\\r``)."""
        elapsed = self.clock() - self.start
        state = "" if event.ok else " — " + _("LỖI")
        text = f"[{event.done}/{event.total}] {event.name}{state} ({elapsed:.1f} s)"
        if self.tty:
            width = max(20, shutil.get_terminal_size().columns - 1)
            if len(text) > width:
                text = "…" + text[-(width - 1):]
            self.stream.write("\r" + text.ljust(width))
            self.open_line = event.done < event.total
            if not self.open_line:
                self.stream.write("\n")
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        """End an unfinished progress line so the next message starts on its own line."""
        if self.open_line:
            self.stream.write("\n")
            self.stream.flush()
            self.open_line = False
