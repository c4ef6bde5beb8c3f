"""Read input files safely: regular files only, never more than a bound, never blocking.

Why: a path named like a content file (or a manifest) may be a symlink to ``/dev/zero``, a
FIFO that never delivers, or a device; ``stat().st_size`` reports 0 for all of them, so a
size check before reading proves nothing. The file is opened without blocking, checked on
the open descriptor (no race between check and read) and read up to one byte past the bound.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class NotRegularFile(OSError):
    """Raise when a path is a folder, FIFO, device or socket instead of a regular file.

    ``kind`` says which ("folder", "fifo", "device", "socket" or "other"), so that a message
    can tell the author what the path really is.
    """

    def __init__(self, message: str, kind: str = "other") -> None:
        super().__init__(message)
        self.kind = kind


class TooLarge(OSError):
    """Raise when a file holds more than the caller's bound; ``size`` is what was seen."""

    def __init__(self, size: int) -> None:
        super().__init__(f"file larger than allowed ({size} bytes or more)")
        self.size = size


def kind_of(mode: int) -> str:
    """Return what a non-regular ``st_mode`` is: "folder", "fifo", "device", "socket" or "other"."""
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "other"


def read_regular(path: Path, limit: int) -> bytes:
    """Return the bytes of the regular file ``path``; raise NotRegularFile, TooLarge or OSError.

    ``O_NONBLOCK`` keeps a FIFO from blocking the open; the descriptor's own ``fstat`` says
    what was really opened, whatever a symlink pointed to.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(f"{path}: not a regular file", kind_of(info.st_mode))
        if info.st_size > limit:
            raise TooLarge(info.st_size)
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise TooLarge(total)  # grew while being read
        return b"".join(chunks)
    finally:
        os.close(fd)
