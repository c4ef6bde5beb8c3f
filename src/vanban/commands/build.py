"""Build notices: find the content files, skip the unchanged, validate the rest, render, then write.

Why the order: nothing is written when any input is invalid or any render fails, so an
office never ends up with half of a batch updated (unless it asks for ``keep_going``). All
problems of all files are collected first and raised together. Notices whose inputs are
unchanged since the last build (per the output folder's manifest) are not even parsed, and
the others are rendered in parallel processes: WeasyPrint is CPU-bound and not thread-safe.
"""

from __future__ import annotations

import multiprocessing
import os
import select
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from vanban.commands.manifest import Manifest, locked, sha256_bytes, shared_inputs, source_label
from vanban.errors import ContentError, Problem, RenderError, UsageError
from vanban.files import read_regular
from vanban.i18n import _, language, set_language
from vanban.pipeline.formats import FORMATS, check_formats
from vanban.pipeline.loader import MAX_FILE_BYTES
from vanban.pipeline.output import check_dir, prepare_dir, write_all
from vanban.pipeline.sources import discover, screen
from vanban.pipeline.templates import search_path
from vanban.repo import display, find_profile

# The validation and rendering stages are imported where the work happens, not here: an
# unchanged rebuild hashes its inputs, finds them in the manifest and stops, and importing
# those stages (the model, the kinds, pydantic, Jinja, the archive) was ≈0.13 s of its
# ≈0.29 s for 100 notices (``python -X importtime``; bench/run --only f: README, Performance).
if TYPE_CHECKING:
    from vanban.pipeline.notice import Notice


@dataclass(frozen=True)
class Progress:
    """One notice finished rendering (``ok``) or failed; ``done`` of ``total`` are finished."""

    done: int
    total: int
    name: str
    ok: bool


ProgressFn = Callable[[Progress], None]


@dataclass
class Report:
    """What a build did: files written, content files skipped as unchanged, what failed."""

    written: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    rendered: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failures: list[RenderError] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Tell whether every notice was built or skipped (nothing invalid, no render failed)."""
        return not self.problems and not self.failures


@dataclass(frozen=True)
class _Failed:
    """A render failure carried back from a worker (RenderError itself does not unpickle)."""

    source: str
    message: str


def _work(notice: Notice, formats: tuple[str, ...], template_path: tuple[Path, ...]) -> dict[str, bytes] | _Failed:
    """Render one notice in a worker process, turning a RenderError into a picklable value."""
    from vanban.pipeline.render import render_notice

    try:
        return render_notice(notice, formats, template_path)
    except RenderError as exc:
        return _Failed(exc.source, exc.message)


def _pool(jobs: int) -> ProcessPoolExecutor:
    """Return a pool of ``jobs`` processes forked from a clean server process.

    Why forkserver: forking the caller directly is unsafe once it has threads (a watch loop,
    a test runner) or has loaded Pango; spawning re-imports everything per worker.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["vanban.commands.build", "vanban.pipeline.render"])
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_worker,
                               initargs=(language(), os.getpid()))


def _start_worker(language: str, build_pid: int) -> None:
    """Leave Ctrl-C to the parent, speak the parent's language, and end when the parent ends.

    Why: the parent cancels the batch on Ctrl-C (no traceback from every worker); and a worker
    comes from the forkserver, not the parent, so it has not seen the CLI's ``--lang``.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    set_language(language)
    _exit_with(build_pid)


#: How often a worker without pidfd support looks whether the build still runs, in seconds.
_POLL_S = 0.5


def _exit_with(pid: int) -> None:
    """End this worker process as soon as process ``pid`` (the build that started the pool) ends.

    Why: a worker is a child of the forkserver, not of the build. When the build was killed
    (SIGKILL, the OOM killer, a SIGTERM before issue 14) its workers waited for work forever;
    they hold the pipes that keep the forkserver and the resource tracker alive, so all four
    processes stayed: 230 MB RSS per killed ``build -j 2`` (measured: workers 95 MB each,
    forkserver 37 MB, tracker 13 MB). A pidfd becomes readable when the process ends (Linux
    5.3+), so a thread waits on it at no cost; elsewhere it polls. When the workers are gone,
    the forkserver and the tracker see their pipes close and end too.
    """
    try:
        fd: int | None = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(1)  # the build ended before this worker started
    except (AttributeError, OSError):
        fd = None

    def wait() -> None:
        if fd is not None:
            select.select([fd], [], [])
        else:
            try:
                while True:
                    os.kill(pid, 0)
                    time.sleep(_POLL_S)
            except ProcessLookupError:
                pass
        os._exit(1)  # nothing to flush: results go to the build, which is gone

    threading.Thread(target=wait, name="vanban-exit-with-build", daemon=True).start()


def _stop(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers at once: a render in flight is not waited for when nothing will be written.

    Why the private ``_processes``: ``shutdown`` cancels only the renders not yet started and
    then waits for the running ones (a long notice, or a template that loops, keeps Ctrl-C or
    SIGTERM waiting); the executor offers no public way to end its workers.
    """
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        process.kill()


def check_templates(template_path: tuple[Path, ...], formats: Sequence[str],
                    kinds: Sequence[str] = ("thong_bao",)) -> None:
    """Raise RenderError for a refused Word template or an HTML template that does not compile, before rendering.

    Why once, here: every notice would fail the same way, each after a render, and with
    ``keep_going`` the same error would be printed once per notice. Each of ``kinds`` (the
    ``loai`` of the documents to render) has its own templates.
    """
    from vanban.pipeline.docx_check import check_file
    from vanban.pipeline.render_docx import docx_template
    from vanban.pipeline.render_pdf import html_template
    from vanban.pipeline.sandbox import load
    from vanban.pipeline.templates import environment, find

    for loai in sorted(set(kinds)):
        if "docx" in formats:
            check_file(find(docx_template(loai), template_path))
        if "pdf" in formats:
            load(environment(template_path), html_template(loai))


def render_many(notices: Sequence[Notice], formats: Sequence[str], template_path: tuple[Path, ...],
                jobs: int = 1, progress: ProgressFn | None = None) -> list[dict[str, bytes] | RenderError]:
    """Render ``notices`` on ``jobs`` processes; return, in input order, each one's files or its error."""
    chosen = check_formats(formats)
    results: dict[int, dict[str, bytes] | RenderError] = {}
    total = len(notices)

    def finish(index: int, outcome: dict[str, bytes] | _Failed, done: int) -> None:
        value = RenderError(outcome.source, outcome.message) if isinstance(outcome, _Failed) else outcome
        results[index] = value
        if progress is not None:
            progress(Progress(done, total, display(notices[index].source), not isinstance(value, RenderError)))

    workers = max(1, min(jobs, total))
    if workers == 1:
        for index, notice in enumerate(notices):
            finish(index, _work(notice, chosen, template_path), index + 1)
    else:
        pool = _pool(workers)
        try:
            futures = {pool.submit(_work, notice, chosen, template_path): i for i, notice in enumerate(notices)}
            for done, future in enumerate(as_completed(futures), start=1):
                finish(futures[future], future.result(), done)
        except BaseException:  # Ctrl-C, SIGTERM (see cli), a crash: the batch is abandoned
            _stop(pool)
            raise
        finally:
            pool.shutdown(cancel_futures=True)  # do not render the rest
    return [results[i] for i in range(total)]


def _inputs(files: Sequence[Path], out_dir: Path, template_path: tuple[Path, ...]) -> dict[str, dict[str, str]]:
    """Return, per output stem, the hashes of everything its outputs are made from.

    Why each one: the content file's bytes and name, the office profile it inherits from, the
    templates in use, the bundled fonts (line breaks and glyphs), vanban's version and code.
    """
    shared = shared_inputs(template_path)
    profiles: dict[Path, str] = {}
    inputs: dict[str, dict[str, str]] = {}
    for file in files:
        content = _hash_of(file)  # "" is never current: the loader reports why it cannot be read
        profile = find_profile(file)
        if profile is not None and profile not in profiles:
            profiles[profile] = _hash_of(profile)
        inputs[file.stem] = {**shared, "source": source_label(file, out_dir), "content": content,
                             "profile": profiles[profile] if profile is not None else ""}
    return inputs


def _hash_of(path: Path) -> str:
    """Return the SHA-256 of a regular input file, or "" when it is no regular file of bounded size.

    Why bounded: a content file may be a FIFO (a plain read hangs) or a link to /dev/zero
    (a plain read never ends); the loader then says which, in Vietnamese.
    """
    try:
        return sha256_bytes(read_regular(path, MAX_FILE_BYTES))
    except OSError:
        return ""


def run(paths: Sequence[Path], out_dir: Path, formats: Sequence[str] = FORMATS, templates: Path | None = None,
        *, jobs: int = 1, force: bool = False, keep_going: bool = False,
        progress: ProgressFn | None = None) -> Report:
    """Build every notice under ``paths`` into ``out_dir``, skipping those unchanged since the last build.

    Without ``keep_going`` a ContentError (every problem of every file) or the first
    RenderError is raised and nothing is written; with it, the good notices are written and
    the report lists what failed.
    """
    chosen = check_formats(formats)
    template_path = search_path(templates)
    files, problems = discover(paths)
    if not files and not problems:
        raise UsageError(_("không có tệp nội dung .yaml nào để xử lý"))
    kept, found = screen(files)
    problems += found
    report = Report()
    inputs = _inputs(kept, out_dir, template_path)
    manifest = Manifest.of(out_dir)
    todo: list[Path] = []
    for file in kept:
        names = [f"{file.stem}.{fmt}" for fmt in chosen]
        if not force and inputs[file.stem]["content"] and manifest.is_current(file.stem, inputs[file.stem], names):
            report.skipped.append(file)
        else:
            todo.append(file)
    # When anything changed, every file is validated again (notices refer to each other's tasks);
    # when nothing did, the last build already validated exactly these bytes with this version.
    valid: list[Notice] = []
    invalid: list[Problem] = []
    if todo:
        from vanban.pipeline.notice import load_files  # only now: see the imports at the top

        valid, invalid = load_files(kept)
    report.problems = sorted(set(problems + invalid))
    if report.problems and not keep_going:
        raise ContentError(report.problems)
    if todo:
        check_dir(out_dir)  # a file in the way or a read-only folder: say so before rendering anything
    wanted = set(todo)
    notices = [n for n in valid if n.source in wanted]
    report.warnings = [w for n in notices for w in n.warnings]
    # An issued notice is never rendered again: its outputs are the archived bytes that were sent.
    from vanban.commands.archive import issued_outputs

    archived: dict[str, dict[str, bytes]] = {}
    for notice in notices:
        sent = issued_outputs(notice.source, chosen)
        if sent is not None:
            archived[notice.stem], damaged = sent
            report.problems += damaged
    if report.problems and not keep_going:
        raise ContentError(report.problems)
    notices = [n for n in notices if n.stem not in archived]
    if notices:
        check_templates(template_path, chosen, [n.model.loai for n in notices])
    outcomes = render_many(notices, chosen, template_path, jobs, progress) if notices else []
    failures = [o for o in outcomes if isinstance(o, RenderError)]
    if failures and not keep_going:
        raise failures[0]
    report.failures = failures
    built = {n.stem: o for n, o in zip(notices, outcomes, strict=True) if not isinstance(o, RenderError)}
    built.update({stem: files_ for stem, files_ in archived.items() if files_})
    if built:
        written = {name: data for files_ in built.values() for name, data in files_.items()}
        # Another build into this folder waits here (or this one waits for it), so the outputs on
        # disk and the manifest agree; the manifest is read again for what that build recorded.
        with locked(prepare_dir(out_dir)):
            report.written = write_all(out_dir, written)
            current = Manifest.of(out_dir)
            for stem, files_ in built.items():
                current.record(stem, inputs[stem], files_)
            current.save()
        report.rendered = [n.source for n in valid if n.stem in built]
    return report


def build(paths: Sequence[Path], out_dir: Path, formats: Sequence[str] = FORMATS,
          templates: Path | None = None, *, jobs: int = 1, force: bool = False) -> list[Path]:
    """Validate, render and write every changed notice under ``paths`` into ``out_dir``; return the files written."""
    return run(paths, out_dir, formats, templates, jobs=jobs, force=force).written
