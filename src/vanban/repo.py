"""Where things are: paths as messages show them, the content repository's root, and git.

Why one place: every command names files the same way, finds the same repository root, and
calls git the same safe way — a revision typed by a user is data, never an option.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path

from vanban.errors import UsageError
from vanban.i18n import _

#: The office profile's file name; its folder is the root of a content repository.
PROFILE_NAME = "vanban.yaml"
#: Longest a git call may take; a local repository answers in milliseconds.
GIT_TIMEOUT_S = 30


def display(path: Path) -> str:
    """Return ``path`` relative to the working folder when it is inside it (for messages).

    Why not ``resolve()``: a symlinked content file is named as the author named it, not by
    its target, and a symlink loop must not raise.
    """
    try:
        return str(Path(os.path.abspath(path)).relative_to(os.path.abspath(Path.cwd())))
    except (ValueError, OSError):
        return str(path)


def ancestors(start: Path) -> Iterator[Path]:
    """Yield ``start``'s folder and its parents, stopping after the first one that holds ``.git``."""
    folder = (start if start.is_dir() else start.parent).resolve()
    for candidate in (folder, *folder.parents):
        yield candidate
        if (candidate / ".git").exists():
            return


def find_profile(start: Path) -> Path | None:
    """Return the nearest ``vanban.yaml`` in ``start``'s folder or above it (not past the git root)."""
    for folder in ancestors(start):
        if (folder / PROFILE_NAME).is_file():
            return folder / PROFILE_NAME
    return None


def repository_root(folder: Path) -> Path:
    """Return the content repository holding ``folder``: where vanban.yaml or .git is, else ``folder``."""
    for candidate in ancestors(folder):
        if (candidate / PROFILE_NAME).is_file() or (candidate / ".git").exists():
            return candidate
    return folder


#: Put before every git command: a file name is a literal path, never a pathspec pattern
#: (``[a].yaml`` would match ``a.yaml``, ``:!a.yaml`` would mean every file but it); a read
#: never rewrites the index (``status`` would, racing a commit the user runs at the same time);
#: and a repository's own ``core.fsmonitor`` (a command) is never run by vanban.
GIT_SAFE = ("git", "--literal-pathspecs", "--no-optional-locks", "-c", "core.fsmonitor=false")


def _run_git(args: Sequence[str], cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ``git args`` in ``cwd`` the safe way; raise OSError or TimeoutExpired when git cannot run.

    Callers put every value that comes from a user or a file name after ``--end-of-options``
    (revisions) or ``--`` (paths), or inside ``REV:./NAME``, so none can be read as an option.
    """
    return subprocess.run([*GIT_SAFE, *args], cwd=cwd, capture_output=True, check=False, timeout=GIT_TIMEOUT_S)


def git(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[bytes] | None:
    """Run git in ``cwd``; return its result when it succeeded, None when it failed or is missing."""
    try:
        result = _run_git(args, cwd)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result if result.returncode == 0 else None


def check_revision(rev: str) -> str:
    """Return ``rev`` if it can only be read as a revision; raise UsageError otherwise.

    Why: ``--output=../x`` given as a revision would be read by git as an option and write
    outside the project. A revision never starts with ``-`` and never holds a control character.
    """
    if not rev or rev.startswith("-") or any(ord(ch) < 0x20 or ch == "\x7f" for ch in rev):
        raise UsageError(_("phiên bản git không hợp lệ: '{rev}'").format(rev=rev.encode("unicode_escape").decode()))
    return rev


def show_file(path: Path, rev: str) -> bytes:
    """Return the bytes of ``path`` at git revision ``rev``; raise UsageError when git cannot tell."""
    check_revision(rev)
    folder = (path.parent if str(path.parent) else Path()).absolute()  # absolute: never starts with "-"
    try:
        shown = _run_git(["-C", str(folder), "show", "--end-of-options", f"{rev}:./{path.name}"])
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UsageError(_("không chạy được git: {error}").format(error=exc)) from None
    if shown.returncode != 0:
        reason = shown.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(_("không đọc được {path} ở phiên bản {rev}: {reason}").format(
            path=path, rev=rev, reason=reason[0] if reason else _("git lỗi")))
    return shown.stdout
