"""Run templates as untrusted code: a Jinja sandbox that can only show data, and read only template files.

Why: offices swap templates by e-mail and a ``templates/`` folder in the working directory
is picked up by itself, so a template is untrusted input. Unsandboxed, one line of Jinja
(``{{ cycler.__init__.__globals__.os.popen('id').read() }}``) ran a shell command and printed
its output into every PDF. Here a template may read the values vanban gives it, test, loop
and filter them, and include other files of the template folders; it cannot reach Python
internals (no ``_`` attributes), change a value, or read any other file. Any violation is an
error that names the template file and line.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from vanban.errors import RenderError
from vanban.files import NotRegularFile, TooLarge, read_regular
from vanban.i18n import _
from vanban.repo import display

#: Largest template text read, in bytes. The default HTML and CSS are 2.4 KB and 4 KB; 1 MiB
#: leaves any restyling room and keeps a symlink to a huge file from being read.
TEXT_TEMPLATE_LIMIT = 1024 * 1024

#: The Jinja name of a template made from a string (docxtpl renders each .docx part that way).
STRING_TEMPLATE = "<template>"


class TemplateAccessError(SecurityError):
    """Raise when a template asks for a file outside the template folders, or one that is not a template."""


class _FolderLoader(jinja2.BaseLoader):
    """Load templates by plain file name from the ordered template folders, and from nowhere else.

    Why not ``FileSystemLoader``: it follows a symlink out of the folder and reads any file
    there, FIFOs and devices included (a read that never ends).
    """

    def __init__(self, folders: tuple[Path, ...]) -> None:
        self.folders = folders
        self.loaded: set[str] = set()

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        """Return the text of ``template`` from the first folder that has it; raise on any way out."""
        parts = template.split("/")
        if template.startswith("/") or any(p in ("", ".", "..") or "\\" in p or "\0" in p for p in parts):
            raise TemplateAccessError(_("tên mẫu '{name}' không hợp lệ: chỉ được tên tệp trong thư mục mẫu, "
                                        "không có '..' hay đường dẫn tuyệt đối").format(name=template))
        for folder in self.folders:
            candidate = folder.joinpath(*parts)
            if not candidate.exists() and not candidate.is_symlink():
                continue
            shown = display(candidate)
            if not candidate.resolve().is_relative_to(folder.resolve()):
                raise TemplateAccessError(_("mẫu {name} trỏ ra ngoài thư mục mẫu").format(name=shown))
            try:
                text = read_regular(candidate, TEXT_TEMPLATE_LIMIT).decode("utf-8")
            except NotRegularFile:
                raise TemplateAccessError(_("mẫu {name} không phải tệp thường").format(name=shown)) from None
            except TooLarge:
                raise TemplateAccessError(_("mẫu {name} lớn hơn {limit} KiB").format(
                    name=shown, limit=TEXT_TEMPLATE_LIMIT >> 10)) from None
            except UnicodeDecodeError:
                raise TemplateAccessError(_("mẫu {name} không phải văn bản UTF-8").format(name=shown)) from None
            except OSError as exc:
                raise TemplateAccessError(_("không đọc được mẫu {name} ({reason})").format(
                    name=shown, reason=exc.strerror)) from None
            filename = str(candidate)
            self.loaded.add(filename)
            return text, filename, lambda: True  # one environment per render: never reloaded
        raise jinja2.TemplateNotFound(template)


class Sandbox(ImmutableSandboxedEnvironment):
    """The Jinja environment of every template: sandboxed, escaping, strict, files from the template folders only.

    ``lipsum`` and ``random`` are removed: they draw random numbers, and the same notice must
    give the same bytes.
    """

    def __init__(self, folders: tuple[Path, ...]) -> None:
        self.folder_loader = _FolderLoader(folders)
        super().__init__(loader=self.folder_loader, autoescape=True, undefined=jinja2.StrictUndefined,
                         keep_trailing_newline=True)
        del self.globals["lipsum"]
        del self.filters["random"]


def where(exc: BaseException, loaded: set[str]) -> tuple[str | None, int | None]:
    """Return the template file (as Jinja names it) and line at which ``exc`` was raised, as far as Jinja tells.

    Why the traceback: Jinja gives a line only to syntax errors; for the rest it rewrites the
    traceback so that template code shows as frames in the template file, at its line.
    """
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.lineno:
        return exc.filename or STRING_TEMPLATE, exc.lineno
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename in loaded or frame.filename == STRING_TEMPLATE:
            return frame.filename, frame.lineno
    return None, None


def describe(exc: jinja2.TemplateError) -> str:
    """Return the Vietnamese message of a template error (Jinja's own words kept in the detail)."""
    if isinstance(exc, TemplateAccessError):
        return str(exc)
    if isinstance(exc, SecurityError):
        return _("mẫu chỉ được hiển thị dữ liệu, không được chạy mã: {error}").format(error=exc)
    if isinstance(exc, jinja2.TemplateNotFound):
        return _("không tìm thấy mẫu {name} trong các thư mục mẫu").format(name=exc.name)
    return _("lỗi trong mẫu: {error}").format(error=exc)


def location(exc: jinja2.TemplateError, env: Sandbox, fallback: str) -> str:
    """Return ``file:line`` (or ``file``) of a template error for messages; ``fallback`` when Jinja does not say."""
    filename, line = where(exc, env.folder_loader.loaded)
    if not filename or filename == STRING_TEMPLATE:
        return fallback
    return f"{display(Path(filename))}:{line}" if line else display(Path(filename))


def load(env: Sandbox, name: str) -> jinja2.Template:
    """Return the compiled template ``name`` of ``env``; raise RenderError naming the file and line of an error."""
    try:
        return env.get_template(name)
    except jinja2.TemplateError as exc:
        raise RenderError(location(exc, env, name), describe(exc)) from None


def render(env: Sandbox, name: str, variables: dict[str, Any]) -> str:
    """Render the template ``name`` of ``env``; raise RenderError naming the template file and line on any error."""
    template = load(env, name)
    try:
        return template.render(variables)
    except jinja2.TemplateError as exc:
        raise RenderError(location(exc, env, name), describe(exc)) from None
