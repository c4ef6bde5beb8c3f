"""Find templates on an ordered search path (the user's folder first, then the defaults) and run them sandboxed.

Why: an office restyles a notice by copying one default template into its own
``templates/`` folder (``vanban templates --eject``); files found there override the packaged
ones file by file. Templates travel by e-mail, so they are untrusted: they run in the sandbox
of ``vanban.pipeline.sandbox`` and a template file that is a symlink out of its folder is
refused (a zip can carry one). An office's copy does not follow vanban's own fixes, so each
template states the contract it was made for, and one older than vanban's is refused with
what it lacks (file dates mean nothing after a git checkout).
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vanban.errors import RenderError, UsageError
from vanban.i18n import N_, _
from vanban.pipeline.docx_check import check_file
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
    """Return the ordered template folders: ``user_dir`` (if any) before the defaults.

    Raise RenderError, naming the file and what it lacks, when a template in ``user_dir`` was
    made for an older contract than this vanban's (``check_contract``).
    """
    dirs = [default_dir()]
    if user_dir is not None:
        if not user_dir.is_dir():
            raise UsageError(_("không tìm thấy thư mục mẫu {folder}").format(folder=user_dir))
        if user_dir.resolve() != dirs[0].resolve():
            dirs.insert(0, user_dir)
            for name in TEMPLATE_FILES:
                if (user_dir / name).is_file():
                    check_contract(user_dir / name)
    return tuple(dirs)


# --- the template contract -----------------------------------------------------------------

#: The contract this vanban renders with. Raise it when templates must change to keep up (a new
#: variable they must print, a part or style the renderer writes into) and say what in ``NEEDS``.
CONTRACT = 2


#: The suffixes of a kind's templates, in the order they are listed.
_SUFFIXES = (".html", ".css", ".docx")


def _listed(name: str) -> tuple[bool, bool, str, int]:
    """Return where a template is listed: each kind's files (the Thông báo's first), then the frame's parts."""
    path = Path(name)
    part = path.stem.startswith("_") or path.stem == "van_ban"
    order = _SUFFIXES.index(path.suffix) if path.suffix in _SUFFIXES else len(_SUFFIXES)
    return part, path.stem != "thong_bao", path.stem, order


#: The template files vanban renders with, in the order ``--eject`` lists them: every kind's
#: ``<loai>.html``, ``<loai>.css`` and ``<loai>.docx``, then the frame's parts they include.
TEMPLATE_FILES = tuple(sorted((p.name for p in default_dir().iterdir() if p.is_file()), key=_listed))
#: The marker on the first line of a text template: ``{#- vanban-contract: 2 -#}`` (a Jinja comment,
#: so it never reaches the output). A template without it predates contracts: version 1.
_MARKER = re.compile(r"vanban-contract:\s*(\d+)")
#: What each contract version asks of each template that the one before did not, for the message.
NEEDS: dict[int, dict[str, str]] = {
    2: {
        "thong_bao.html": N_("cách in mỗi đoạn bằng các đoạn chạy 'runs(block.runs)' (in đậm, in nghiêng, chú "
                             "thích cuối trang) thay cho 'block.text'"),
        "thong_bao.css": N_("kiểu '.footnote' của chú thích cuối trang"),
        "thong_bao.docx": N_("phần chú thích cuối trang (word/footnotes.xml)"),
    },
}
#: What a Word template must hold under the current contract: the renderer writes into these
#: styles (the three rules of §4.5, the footnotes) and into the footnotes part.
DOCX_STYLES = ("VBRuleCoQuan", "VBRuleTieuNgu", "VBRuleTrichYeu", "FootnoteText", "FootnoteReference")
_FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def check_contract(path: Path) -> None:
    """Raise RenderError naming ``path`` and what it lacks when it was made for an older contract.

    A text template states its contract on its first line; a Word template cannot carry the
    marker without a change to the tool that makes it, so its contract is read from what it
    holds: the footnotes part and the styles the renderer writes into.
    """
    stat = path.stat()
    missing = _lacks(path.resolve(), stat.st_mtime_ns, stat.st_size)
    if missing:
        version, lacks = missing
        raise RenderError(display(path) + ("" if path.suffix == ".docx" else ":1"), _(
            "mẫu làm theo hợp đồng mẫu {version}, vanban này cần hợp đồng {contract}: thiếu {lacks}. Hãy chép "
            "mẫu mới bằng 'vanban templates --eject THƯ_MỤC' rồi làm lại phần đã tùy biến (docs/templates.md)"
        ).format(version=version, contract=CONTRACT, lacks=lacks))


@functools.lru_cache(maxsize=16)
def _lacks(path: Path, mtime_ns: int, size: int) -> tuple[int, str] | None:
    """Return (the contract ``path`` was made for, what it lacks) or None; once per file version."""
    if path.suffix == ".docx":
        found = _docx_lacks(check_file(path), _docx_needs(path.name))
        return (CONTRACT - 1, "; ".join(found)) if found else None
    with path.open(encoding="utf-8", errors="replace") as handle:
        match = _MARKER.search(handle.readline())
    version = int(match.group(1)) if match else 1
    if version >= CONTRACT:
        return None
    lacks = [_(NEEDS[v][path.name]) for v in range(version + 1, CONTRACT + 1) if path.name in NEEDS.get(v, {})]
    return version, "; ".join(lacks) or _("dòng đánh dấu hợp đồng mẫu ở đầu tệp")


@functools.lru_cache(maxsize=16)
def _docx_needs(name: str) -> tuple[str, ...]:
    """Return the styles a Word template of this name must hold: those of ``DOCX_STYLES`` vanban's own has.

    Why from vanban's own: a công văn's template has no rule under a tên loại (its trích yếu reads
    "V/v …" under the number), so it needs no ``VBRuleTrichYeu``.
    """
    default = default_dir() / name
    if not default.is_file():
        return DOCX_STYLES
    with zipfile.ZipFile(default) as package:
        styles = package.read("word/styles.xml").decode("utf-8")
    return tuple(style for style in DOCX_STYLES if f'w:styleId="{style}"' in styles)


def _docx_lacks(data: bytes, needs: tuple[str, ...] = DOCX_STYLES) -> list[str]:
    """Return what the (already checked) Word template ``data`` lacks of the parts and styles vanban writes into."""
    from lxml import etree  # type: ignore[import-untyped]

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = set(package.namelist())

        def xml(name: str) -> Any:
            return etree.fromstring(package.read(name), parser) if name in names else None

        rels = xml("word/_rels/document.xml.rels")
        styles = xml("word/styles.xml")
    out = []
    if rels is None or not any(r.get("Type") == _FOOTNOTES_REL for r in rels):
        out.append(_(NEEDS[2]["thong_bao.docx"]))
    have = {s.get(f"{_W}styleId") for s in styles.iter(f"{_W}style")} if styles is not None else set()
    lacking = [style for style in needs if style not in have]
    if lacking:
        out.append(_("các kiểu (style) {styles}").format(styles=", ".join(lacking)))
    return out


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
