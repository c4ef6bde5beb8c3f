"""Create files for the office: a new content repository, next month's notice and its invitation.

Why: staff write one of these notices every month. ``init`` gives a new office a working
repository in one command, with one example of each kind; ``new`` starts next month's notice
from the latest one, carrying what repeats (signer, recipients, attendees) and the previous
meeting's open tasks, and ``new --kind`` another kind that drafts itself (the invitation to that
meeting): each kind writes its own draft (``kinds.base.Drafting``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import yaml

from vanban.commands.archive import ARCHIVE_DIR, REGISTER_NAME
from vanban.commands.schema import PROFILE_SCHEMA, SCHEMA_DIR, kind_schema_file, modeline, write_schemas
from vanban.commands.tasks import AsOf, collect, select
from vanban.errors import ContentError, Problem, UsageError
from vanban.i18n import _
from vanban.pipeline.kinds import Kind, loai_of
from vanban.pipeline.kinds.base import Source, Start
from vanban.pipeline.loader import load_file
from vanban.pipeline.notice import Notice, load
from vanban.pipeline.output import write_atomic
from vanban.pipeline.status import date_warnings
from vanban.pipeline.templates import TEMPLATE_FILES, default_dir
from vanban.pipeline.validate.dates import MAX_YEAR, MIN_YEAR, in_range
from vanban.repo import PROFILE_NAME, repository_root

#: The files ``init`` writes besides the schemas: the profile, one example of each kind.
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def examples() -> dict[Path, str]:
    """Return the example files, by their place in a new repository: ``vanban.yaml`` and ``content/…``."""
    files = [EXAMPLES / PROFILE_NAME, *sorted((EXAMPLES / "content").glob("*.yaml"))]
    return {path.relative_to(EXAMPLES): path.read_text(encoding="utf-8") for path in files}


def _schema_of(relative: Path, text: str) -> str:
    """Return the schema a new file points at: the profile's, or its own kind's."""
    if relative.name == PROFILE_NAME:
        return PROFILE_SCHEMA
    return kind_schema_file(loai_of(yaml.safe_load(text)))


def init(root: Path, force: bool = False) -> list[Path]:
    """Scaffold an office repository in ``root``: the profile, one example of each kind; return the files written.

    No templates: a copy would hide every later fix of vanban's own (``eject_templates`` makes
    one for an office that wants to restyle).
    """
    root.mkdir(parents=True, exist_ok=True)
    samples = examples()
    planned = [root / name for name in samples] + [root / ".gitignore", root / ".gitattributes"]
    _refuse_existing(planned, force)
    schemas = root / SCHEMA_DIR
    written = write_schemas(schemas)
    (root / "content").mkdir(exist_ok=True)
    texts = {root / name: modeline(_schema_of(name, text), (root / name).parent, schemas) + text
             for name, text in samples.items()}
    texts[root / ".gitignore"] = "/output/\n"
    # Two clerks' branches each append to the register: git keeps both sides' lines on a merge
    # instead of a conflict; check then reports a number given twice [R-NUM-3].
    texts[root / ".gitattributes"] = f"/{ARCHIVE_DIR}/{REGISTER_NAME} merge=union\n"
    for path, text in texts.items():
        write_atomic(path, text.encode("utf-8"))
        written.append(path)
    return written


def eject_templates(folder: Path, force: bool = False) -> list[Path]:
    """Copy vanban's default templates into ``folder`` for an office to restyle; return the files written.

    Why explicit: from then on the office's copies override vanban's own templates file by file,
    so they must be asked for; each carries the contract it was made for (templates.CONTRACT).
    """
    planned = [folder / name for name in TEMPLATE_FILES]
    _refuse_existing(planned, force)
    folder.mkdir(parents=True, exist_ok=True)
    for target in planned:
        write_atomic(target, (default_dir() / target.name).read_bytes())
    return planned


def _refuse_existing(planned: Sequence[Path], force: bool) -> None:
    existing = [p for p in planned if p.exists()]
    if existing and not force:
        names = ", ".join(str(p) for p in existing)
        raise UsageError(_("đã có tệp {names}; dùng --force để ghi đè").format(names=names))


# --- next month's document ------------------------------------------------------------------


def _latest(notices: Sequence[Notice], source: Path | None, content: Path, kinds: str) -> Notice:
    """Return the document the next one starts from: ``source``, else the one of the latest meeting.

    ``kinds`` names, for the message, what may be started from.
    """
    if source is not None:
        chosen = [n for n in notices if n.source.resolve() == source.resolve()]
        if not chosen:
            raise UsageError(_("{file} không nằm trong {folder} hoặc không phải {kinds}").format(
                file=source, folder=content, kinds=kinds))
        return chosen[0]
    if not notices:
        raise UsageError(_("{folder} chưa có {kinds} nào để làm gốc").format(folder=content, kinds=kinds))
    return max(notices, key=_order_of)


def write_draft(out: Path, text: str, loai: str) -> Path:
    """Write a new draft (its schemas refreshed, its first line pointing at its kind's schema); return it."""
    if out.exists():
        raise UsageError(_("{file} đã có; hãy chọn tên khác với --out").format(file=out))
    schemas = repository_root(out.parent) / SCHEMA_DIR
    write_schemas(schemas)
    write_atomic(out, (modeline(kind_schema_file(loai), out.parent, schemas) + text).encode("utf-8"))
    return out


def new_document(kind: Kind, content: Path, source: Path | None, meeting: dt.date | None, out: Path | None,
                 as_of: AsOf | None = None) -> tuple[Path, list[Problem]]:
    """Write next month's draft of ``kind`` into ``content``; return its path and the warnings on status dates.

    The kind says what it starts from and writes the draft (``Kind.drafting``); this finds the
    latest document it can follow and, for a kind that carries tasks, every task still open on
    ``as_of`` (default: today in Vietnam) across the whole chain of documents up to that one,
    not only that one's: an overdue task of two months ago stays on the agenda until a notice
    records it done.
    """
    drafting = kind.drafting
    if drafting is None:
        raise UsageError(_("vanban new không soạn được loại '{loai}'").format(loai=kind.loai))
    everything = load([content])
    candidates = [n for n in everything if drafting.starts_from(n.model)]
    preferred = [n for n in candidates if drafting.prefers(n.model)]
    latest = _latest(candidates if source is not None else preferred or candidates, source, content,
                     _(drafting.sources))
    located, problems = load_file(latest.source)
    if located is None or not isinstance(located.data, dict):
        raise ContentError(problems)
    start = Start(Source(latest.source, latest.model, located.data), meeting, check_day=_check_day)
    warnings: list[Problem] = []
    if drafting.tasks:
        as_of = as_of or AsOf.of(None)
        chain = {n.stem for n in candidates if _order_of(n) <= _order_of(latest)}
        rows = [r for r in select(collect(candidates), open_only=True, as_of=as_of.day) if r.stem in chain]
        start = dataclasses.replace(start, tasks=tuple(rows), as_of=as_of.day, as_of_line=as_of.line(translated=False))
        warnings = date_warnings(everything, as_of.day)
    drafted = drafting.write(start)
    return write_draft(out or drafted.path, drafted.text, kind.loai), warnings


def _check_day(day: dt.date) -> None:
    """Refuse a meeting day out of the years a document may have: the draft must pass validation."""
    if not in_range(day):
        raise UsageError(_("ngày họp {day} nằm ngoài khoảng năm {first}–{last} của một thông báo; "
                           "hãy cho --meeting-date năm-tháng-ngày trong khoảng đó").format(
                               day=day.isoformat(), first=MIN_YEAR, last=MAX_YEAR))


def _order_of(notice: Notice) -> tuple[dt.date, dt.date, str]:
    """Return where a notice stands in the chain: by its meeting, then its issue date (a meeting may have no date)."""
    model = notice.model
    return model.own_date() or dt.date.min, model.ngay or dt.date.min, notice.stem
