"""Write output files atomically, only inside the output folder, and zip them reproducibly.

Why: a build killed half-way must leave every output either its old complete version or
its new complete version, never a truncated PDF the văn thư might send out; and the same
content must give the same bytes, which zip archives (.docx, .xlsx) only do with fixed
entry times.
"""

from __future__ import annotations

import errno
import glob
import io
import os
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path

from vanban.errors import OutputError
from vanban.i18n import _


def check_dir(out_dir: Path) -> None:
    """Raise OutputError if ``out_dir`` cannot be written, without creating or changing anything.

    Why: a build checks this before rendering, so a file in the way or a read-only folder is
    reported at once instead of after every notice has been rendered.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: " + _("đường dẫn đầu ra là một tệp, không phải thư mục"))
    if out_dir.is_dir() and not os.access(out_dir, os.W_OK | os.X_OK):
        raise OutputError(f"{out_dir}: " + _("không có quyền ghi vào thư mục đầu ra"))
    existing = next((p for p in (out_dir, *out_dir.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():  # a file where a parent folder should be
        raise OutputError(f"{out_dir}: " + _("không tạo được thư mục đầu ra ({reason})").format(
            reason=os.strerror(errno.ENOTDIR)))


def prepare_dir(out_dir: Path) -> Path:
    """Create ``out_dir`` if needed and check it is a writable folder; return it resolved."""
    check_dir(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out_dir}: " + _("không tạo được thư mục đầu ra ({reason})").format(
            reason=exc.strerror)) from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise OutputError(f"{out_dir}: " + _("không có quyền ghi vào thư mục đầu ra"))
    return out_dir.resolve()


def confined(out_dir: Path, name: str) -> Path:
    """Return ``out_dir/name``, refusing any name that would leave the folder."""
    target = (out_dir / name).resolve()
    if target.parent != out_dir.resolve() or name in ("", ".", ".."):
        raise OutputError(f"{name}: " + _("tên tệp đầu ra nằm ngoài thư mục đầu ra"))
    return target


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def remove_orphans(path: Path) -> None:
    """Delete the temporary files of ``path`` whose writer no longer runs (a build killed mid-write).

    Why the pid in the name: a concurrent build's temporary file must survive, a dead one's not.
    """
    prefix = f".{path.name}."
    for tmp in path.parent.glob(f"{glob.escape(prefix)}*.tmp"):
        pid = tmp.name[len(prefix):].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            tmp.unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename."""
    remove_orphans(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_all(out_dir: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write every named output into ``out_dir`` atomically; return the paths written."""
    folder = prepare_dir(out_dir)
    targets = {confined(folder, name): data for name, data in files.items()}
    written: list[Path] = []
    try:
        for path, data in targets.items():
            write_atomic(path, data)
            written.append(path)
    except OSError as exc:
        raise OutputError(f"{out_dir}: " + _("không ghi được tệp đầu ra ({reason})").format(
            reason=exc.strerror)) from None
    return written


#: The zip entry time of every reproducible archive (the zip module would stamp the clock).
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def fixed_zip(data: bytes, replace: Mapping[str, bytes] | None = None) -> bytes:
    """Re-zip ``data`` with fixed times, order and attributes, optionally replacing some entries.

    Why: python-docx and openpyxl stamp the current time into every zip entry; equal content
    must give equal bytes [reproducible builds].
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():  # keeps [Content_Types].xml first, as the writers put it
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0o600 << 16
            body = (replace or {}).get(info.filename, source.read(info.filename))
            target.writestr(entry, body, compresslevel=6)
    return out.getvalue()
