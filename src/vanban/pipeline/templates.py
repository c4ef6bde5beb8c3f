"""Find templates on an ordered search path (the user's folder first, then the defaults) and run them sandboxed.

Why: an office restyles a notice by copying one default template into its own
``templates/`` folder; files found there override the packaged ones file by file. Templates
travel by e-mail, so they are untrusted: they run in the sandbox of ``vanban.pipeline.sandbox``
and a template file that is a symlink out of its folder is refused (a zip can carry one).
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vanban.errors import RenderError, UsageError
from vanban.i18n import _
from vanban.repo import display

if TYPE_CHECKING:  # imported on use: finding templates must stay cheap for unchanged rebuilds
    from vanban.pipeline.context import Context
    from vanban.pipeline.sandbox import Sandbox


def default_dir() -> Path:
    """Return the default templates: packaged in the wheel, or the source checkout's ``templates/``."""
    packaged = Path(__file__).parents[1] / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "templates"


def search_path(user_dir: Path | None = None) -> tuple[Path, ...]:
    """Return the ordered template folders: ``user_dir`` (if any) before the defaults."""
    dirs = [default_dir()]
    if user_dir is not None:
        if not user_dir.is_dir():
            raise UsageError(_("không tìm thấy thư mục mẫu {folder}").format(folder=user_dir))
        if user_dir.resolve() != dirs[0].resolve():
            dirs.insert(0, user_dir)
    return tuple(dirs)


def find(name: str, path: tuple[Path, ...]) -> Path:
    """Return the first ``name`` on the search ``path``; raise RenderError when it leads out of its folder."""
    for folder in path:
        candidate = folder / name
        if candidate.is_file():
            if not candidate.resolve().is_relative_to(folder.resolve()):
                raise RenderError(display(folder), _("mẫu {name} trỏ ra ngoài thư mục mẫu").format(name=name))
            return candidate
    folders = ", ".join(map(str, path))
    raise UsageError(_("không tìm thấy mẫu {name} trong {folders}").format(name=name, folders=folders))


def environment(path: tuple[Path, ...]) -> Sandbox:
    """Return the sandboxed Jinja environment of the templates on ``path``: escaping, strict, no file beyond them."""
    from vanban.pipeline.sandbox import Sandbox

    return Sandbox(path)


def variables(ctx: Context) -> dict[str, Any]:
    """Return the context's fields as template variables (objects kept, so ``block.text`` works)."""
    names = [f for f in asdict(ctx)]
    return {name: getattr(ctx, name) for name in names}
