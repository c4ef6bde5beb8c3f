"""The ``vanban`` command: a thin layer that turns library results into messages and exit codes.

Exit codes: 0 done, 1 content, render or output error, 2 usage error. No traceback reaches
the user unless ``--debug`` is given. SIGTERM and SIGHUP stop a command the way Ctrl-C does
(render workers ended, nothing half-written) and exit 1.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from vanban import __version__
from vanban.errors import ContentError, OutputError, RenderError, UsageError, VanbanError
from vanban.i18n import N_, _
from vanban.repo import display

if TYPE_CHECKING:
    from vanban.commands.build import Report
    from vanban.commands.tasks import AsOf

#: How a date option reads in the help: the words a clerk types, not strftime codes.
_DATE = N_("NĂM-THÁNG-NGÀY")
DEFAULT_CONTENT = Path("content")
DEFAULT_OUTPUT = Path("output")
DEFAULT_TEMPLATES = Path("templates")

def _at_least_one(_ctx: click.Context, _param: click.Parameter, value: int | None) -> int | None:
    """Refuse a count below 1 (click's IntRange would print "[x>=1]" in English in the help)."""
    if value is not None and value < 1:
        raise click.BadParameter(_("phải từ 1 trở lên"))
    return value


_paths = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="vanban", message="%(prog)s %(version)s",
                      help="In phiên bản rồi thoát.")
@click.help_option("-h", "--help", help="In hướng dẫn này rồi thoát.")
@click.option("--debug", is_flag=True, help="In traceback đầy đủ khi có lỗi (cho nhà phát triển).")
@click.option("--lang", type=click.Choice(["vi", "en"]), default=None,
              help="Ngôn ngữ của thông điệp: vi hoặc en (mặc định: theo biến môi trường LANG, không có thì vi).")
def cli(debug: bool, lang: str | None) -> None:
    """Soạn văn bản hành chính (Thông báo, Công văn, Giấy mời) theo Nghị định 30/2020/NĐ-CP từ YAML ra .docx và PDF.

    Mỗi tệp YAML trong content/ là một văn bản; kết quả ghi vào output/.
    """


@cli.command()
@_paths
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULT_OUTPUT,
              show_default=True, help="Thư mục ghi kết quả.")
@click.option("-f", "--format", "formats", type=click.Choice(["pdf", "docx"]), multiple=True,
              help="Chỉ xuất định dạng này (lặp lại để chọn nhiều); mặc định cả pdf và docx.")
@click.option("-t", "--templates", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Thư mục mẫu riêng; tệp trong đó thay mẫu mặc định cùng tên (mặc định: ./templates nếu có).")
@click.option("-j", "--jobs", type=int, default=None, callback=_at_least_one,
              help="Số tiến trình xuất song song (mặc định: số lõi CPU).")
@click.option("--force", is_flag=True, help="Xuất lại mọi văn bản, kể cả văn bản không thay đổi.")
@click.option("--keep-going", is_flag=True,
              help="Vẫn ghi các văn bản hợp lệ khi có văn bản lỗi (mặc định: không ghi gì nếu có lỗi).")
@click.option("--watch", is_flag=True, help="Theo dõi và xuất lại mỗi khi lưu tệp (Ctrl-C để dừng).")
@click.option("--final", is_flag=True,
              help="Bản chính thức: từ chối văn bản chưa có số, ngày, còn chỗ trống hoặc trùng số trong năm.")
def build(paths: tuple[Path, ...], out_dir: Path, formats: tuple[str, ...], templates: Path | None,
          jobs: int | None, force: bool, keep_going: bool, watch: bool, final: bool) -> int:
    """Kiểm tra rồi xuất các văn bản PATHS (tệp hoặc thư mục; mặc định content/).

    Không ghi tệp nào nếu có bất kỳ lỗi nội dung nào. Mỗi tệp được ghi nguyên vẹn (ghi tạm rồi đổi tên).
    Văn bản không thay đổi từ lần xuất trước (nội dung, mẫu, phông chữ, phiên bản) được bỏ qua.
    """
    import os

    from vanban.commands.build import run
    from vanban.commands.progress import Printer
    from vanban.pipeline.formats import FORMATS  # not .render: an unchanged rebuild renders nothing

    sources = list(paths) or [DEFAULT_CONTENT]
    workers = jobs or os.cpu_count() or 1
    if final:
        from vanban.commands.numbering import check_final

        check_final(sources)  # R-NUM-3, R-NUM-8, R-DATE-5: raises ContentError, nothing written
    if watch:
        return _watch(sources, out_dir, formats or FORMATS, _templates(templates), workers)
    printer = Printer(sys.stderr)
    try:
        report = run(sources, out_dir, formats or FORMATS, _templates(templates), jobs=workers, force=force,
                     keep_going=keep_going, progress=printer)
    finally:
        printer.close()
    return _show_report(report)


def _show_report(report: Report) -> int:
    """Print what a build wrote, skipped and (with --keep-going) failed; return the exit code."""
    for warning in report.warnings:
        click.echo(str(warning), err=True)
    for path in report.written:
        click.echo(_("Đã ghi {path}").format(path=_shown(path)))
    if report.skipped:
        click.echo(_("Bỏ qua {count} văn bản không thay đổi.").format(count=len(report.skipped)))
    if report.written or not report.skipped:
        click.echo(_("Xong: {count} tệp.").format(count=len(report.written)))
    if report.ok:
        return 0
    for problem in report.problems:
        click.echo(str(problem), err=True)
    for failure in report.failures:
        click.echo(_("Lỗi: {error}").format(error=failure), err=True)
    bad = len({p.file for p in report.problems}) + len(report.failures)
    click.echo(_("Có {count} văn bản lỗi không được xuất; các văn bản hợp lệ đã được ghi.").format(count=bad), err=True)
    return 1


def _watch(sources: list[Path], out_dir: Path, formats: Sequence[str], templates: Path | None, jobs: int) -> int:
    """Rebuild on every save until Ctrl-C (exit 0), showing each result or the located errors."""
    import time

    from vanban.commands.build import Report
    from vanban.commands.watch import watch

    def show(outcome: Report | Exception) -> None:
        stamp = time.strftime("%H:%M:%S")
        if isinstance(outcome, Report):
            if outcome.written:
                click.echo(f"[{stamp}] " + _("Đã xuất lại."))
            else:
                click.echo(f"[{stamp}] " + _("Không có văn bản nào cần xuất lại."))
            _show_report(outcome)
        elif isinstance(outcome, ContentError):
            for problem in outcome.problems:
                click.echo(str(problem), err=True)
            click.echo(f"[{stamp}] " + _("Có {count} lỗi; không ghi tệp nào. Đang chờ sửa…").format(
                count=len(outcome.problems)), err=True)
        else:
            click.echo(f"[{stamp}] " + _("Lỗi: {error}. Đang chờ sửa…").format(error=outcome), err=True)

    click.echo(_("Đang theo dõi thay đổi (Ctrl-C để dừng)…"), err=True)
    try:
        watch(sources, out_dir, formats, templates, on_result=show, jobs=jobs)
    except KeyboardInterrupt:
        click.echo(_("Đã dừng theo dõi."), err=True)
    return 0


@cli.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--manifest", "manifest_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Tệp kê khai của lần xuất (mặc định: .vanban-manifest.json cạnh FILE).")
def verify(file: Path, manifest_path: Path | None) -> int:
    """Cho biết tệp FILE (.pdf hoặc .docx) được xuất từ tệp nội dung nào, ở phiên bản git nào."""
    from vanban.commands.manifest import MANIFEST_NAME, library_differences
    from vanban.commands.manifest import verify as find_origin
    from vanban.commands.sign import describe_file

    signed = describe_file(file)  # who signed, when, what changed after each signature; None: unsigned
    for line in signed.lines if signed else ():
        click.echo(line)
    if manifest_path is None and _show_archived(file):
        return 0 if signed is None or signed.sound else 1
    origin = find_origin(file, manifest_path)
    if origin is None:
        where = manifest_path or file.parent / MANIFEST_NAME
        differences = library_differences(file, manifest_path)
        if differences:
            # Other library versions give other bytes from the same content: not proof of a modified file.
            click.echo(_("{file}: không khớp với tệp nào đã xuất theo tệp kê khai {manifest}, nhưng tệp kê khai "
                         "ghi phiên bản thư viện khác với bản đang cài:").format(
                file=_shown(file), manifest=_shown(where)), err=True)
            for library, recorded, installed in differences:
                click.echo("  " + _("{library}: {recorded} lúc xuất, {installed} đang cài").format(
                    library=library, recorded=recorded, installed=installed), err=True)
            click.echo(_("Tệp có thể được xuất bằng phiên bản thư viện khác chứ chưa chắc đã bị sửa: hãy xuất lại "
                         "tệp nguồn bằng đúng các phiên bản đã ghi rồi kiểm tra lại."), err=True)
            return 1
        click.echo(_("{file}: không khớp với tệp nào đã xuất theo tệp kê khai {manifest} "
                     "(tệp đã bị sửa, hoặc không do vanban xuất ra ở thư mục này).").format(
            file=_shown(file), manifest=_shown(where)), err=True)
        return 1
    click.echo(_("{file}: được xuất từ {source}.").format(file=_shown(file), source=_shown(origin.source)))
    if origin.content_matches:
        click.echo(_("Nội dung tệp nguồn hiện tại: khớp với lần xuất."))
    else:
        click.echo(_("Nội dung tệp nguồn hiện tại: ĐÃ THAY ĐỔI (hoặc không còn) sau lần xuất."))
    if origin.revision is not None:
        if origin.clean:
            line = _("Git: commit cuối của tệp nguồn {revision}; bản làm việc sạch.")
        else:
            line = _("Git: commit cuối của tệp nguồn {revision}; bản làm việc có thay đổi chưa commit.")
        click.echo(line.format(revision=origin.revision))
        if origin.revision_matches:
            click.echo(_("Git: nội dung lúc xuất khớp commit {revision}.").format(revision=origin.revision_matches))
        else:
            click.echo(_("Git: nội dung lúc xuất không khớp commit nào (xuất từ bản chưa commit)."))
    else:
        click.echo(_("Git: tệp nguồn chưa có trong lịch sử git."))
    return 0


def _show_archived(file: Path) -> bool:
    """Say which issued document ``file`` is (or began as) per the repository's archive; False if none."""
    from vanban.commands.archive import MAX_ARCHIVED_BYTES, find, register_path
    from vanban.files import read_regular
    from vanban.repo import repository_root

    root = repository_root(file.resolve().parent)
    if not register_path(root).is_file():
        return False
    try:
        data = read_regular(file, MAX_ARCHIVED_BYTES)
    except OSError:
        return False  # the manifest check below says why the file cannot be read
    match = find(root, data)
    if match is None:
        return False
    entry = match.entry
    if match.exact:
        line = _("{file}: đúng bản {number} ngày {day} đã phát hành, lưu tại {archived}.")
    else:
        line = _("{file}: bắt đầu bằng đúng bản {number} ngày {day} đã phát hành ({archived}); "
                 "phần thêm sau đó là một lần cập nhật (ví dụ chữ ký số).")
    day = dt.date.fromisoformat(entry.ngay).strftime("%d/%m/%Y")
    click.echo(line.format(file=_shown(file), number=entry.number, day=day, archived=match.name))
    click.echo(_("Nguồn: {source}; người ký: {signer}.").format(source=entry.nguon, signer=entry.nguoi_ky))
    return True


@cli.command()
@_paths
def check(paths: tuple[Path, ...]) -> int:
    """Chỉ kiểm tra các văn bản PATHS theo Nghị định 30, không ghi tệp nào."""
    from vanban.commands.issue import problems_of_repository
    from vanban.commands.numbering import duplicate_problems
    from vanban.commands.tasks import AsOf
    from vanban.pipeline.notice import load_notices
    from vanban.pipeline.status import date_warnings

    sources = list(paths) or [DEFAULT_CONTENT]
    notices, problems = load_notices(sources)
    problems += duplicate_problems(notices) + problems_of_repository(sources)
    if not notices and not problems:
        raise UsageError(_("không có tệp nội dung .yaml nào để xử lý"))
    # Every error and warning of every file at once; the checks across notices ran on the valid ones.
    warnings = {w for n in notices for w in n.warnings} | set(date_warnings(notices, AsOf.of(None).day))
    for problem in sorted(set(problems) | warnings):
        click.echo(str(problem), err=True)
    errors = [p for p in problems if not p.warning]
    if not errors:  # warnings are printed, never a failure
        click.echo(_("Hợp lệ: {count} văn bản.").format(count=len(notices)))
        return 0
    left_out = sorted({p.file for p in errors} - {display(n.source) for n in notices})
    if left_out and notices:
        click.echo(_("Các kiểm tra giữa các văn bản (số trùng, cập nhật nhiệm vụ) bỏ qua {count} tệp có lỗi: "
                     "{files}.").format(count=len(left_out), files=", ".join(left_out)), err=True)
    click.echo(_("Có {count} lỗi trong {files} tệp.").format(count=len(errors), files=len({p.file for p in errors})),
               err=True)
    return 1


_as_of = click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar=_DATE,
                      help="Ngày xét trạng thái và quá hạn, dạng năm-tháng-ngày, ví dụ 2026-11-27 "
                           "(mặc định: hôm nay, giờ Việt Nam).")


def _day(option: object) -> AsOf:
    """Return the as-of date of a run: the one given, else today in Vietnam (printed with every output)."""
    from vanban.commands.tasks import AsOf

    day = AsOf.of(option.date() if isinstance(option, dt.datetime) else None)
    _check_year(day.day, "--as-of")
    return day


@cli.command()
@_paths
@click.option("-u", "--unit", default=None, help="Chỉ nhiệm vụ giao đơn vị này (không phân biệt hoa, thường).")
@click.option("--open", "open_only", is_flag=True, help="Chỉ nhiệm vụ chưa xong (so với --as-of).")
@click.option("--overdue", is_flag=True, help="Chỉ nhiệm vụ chưa xong đã quá hạn (so với --as-of).")
@_as_of
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "xlsx", "pdf", "docx"]),
              default="table", show_default=True,
              help="table/csv/xlsx: danh sách; pdf/docx: TRÍCH SAO các phần giao --unit của MỘT thông báo đã "
                   "phát hành (lấy số bản sao tiếp theo, lưu, ghi sổ, commit).")
@click.option("-o", "--out", "out_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Tệp kết quả (bắt buộc với xlsx, pdf, docx; csv không có -o thì in ra màn hình).")
@click.option("-t", "--templates", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Thư mục mẫu riêng cho bản trích pdf/docx.")
def tasks(paths: tuple[Path, ...], unit: str | None, open_only: bool, overdue: bool, as_of: object,
          fmt: str, out_file: Path | None, templates: Path | None) -> None:
    """Liệt kê nhiệm vụ trong các thông báo PATHS (mặc định content/) cùng trạng thái, hạn, đơn vị.

    Trạng thái lấy từ 'cap_nhat_nhiem_vu' của các thông báo sau, tính đến ngày --as-of. Với
    -f pdf/docx: TRÍCH SAO các phần giao --unit của một thông báo đã phát hành (như 'vanban copy
    FILE --form trich_sao --unit U --next'): lấy số bản sao tiếp theo, lưu, ghi sổ, commit.
    """
    from vanban.commands.tasks import collect, select, taskless
    from vanban.commands.tasks.export import csv_text, table_text, xlsx_bytes
    from vanban.pipeline.notice import load
    from vanban.pipeline.status import date_warnings

    day = _day(as_of)
    if fmt in ("pdf", "docx"):
        if not unit or out_file is None or len(paths) != 1:
            raise UsageError(_("-f {format} cần đúng một tệp thông báo, --unit và -o TỆP").format(format=fmt))
        if open_only or overdue:
            raise UsageError(_("trích sao chép nguyên văn phần giao đơn vị, không lọc theo trạng thái; bỏ --open, "
                               "--overdue"))
        if out_file.suffix.lower() != f".{fmt}":
            raise UsageError(_("-o phải là tệp .{format}").format(format=fmt))
        from vanban.commands.tasks.extract import unit_copy

        # The unit's part leaves the office as a TRÍCH SAO, numbered next in the copy series.
        _report_copy(unit_copy(paths[0], unit, templates=_templates(templates)), out_file, True)
        return
    notices = load(list(paths) or [DEFAULT_CONTENT])
    named = {p.resolve() for p in paths if p.is_file()}  # a giấy mời named on the command line gives no tasks
    for line in taskless([n for n in notices if n.source.resolve() in named]):
        click.echo(line, err=True)
    rows = select(collect(notices), unit, open_only, overdue, day.day)
    for warning in date_warnings(notices, day.day):
        click.echo(str(warning), err=True)
    if fmt == "table":
        click.echo(table_text(rows, day), nl=False)
    elif fmt == "csv" and out_file is None:
        click.echo(csv_text(rows, day.day), nl=False)
    elif out_file is None:
        raise UsageError(_("-f xlsx cần -o TỆP"))
    else:
        # A BOM lets spreadsheet programs read the CSV's Vietnamese as UTF-8.
        data = xlsx_bytes(rows, day.day) if fmt == "xlsx" else csv_text(rows, day.day).encode("utf-8-sig")
        _write(out_file, data)
        click.echo(_("Đã ghi {path} ({count} nhiệm vụ).").format(path=_shown(out_file), count=len(rows)))
        click.echo(day.line())


@cli.command()
@click.argument("old", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("new", type=click.Path(path_type=Path, dir_okay=False), required=False)
@click.option("--from", "rev_from", default=None, help="Phiên bản git cũ của OLD (ví dụ HEAD~1).")
@click.option("--to", "rev_to", default=None, help="Phiên bản git mới (mặc định: tệp hiện tại).")
@_as_of
def diff(old: Path, new: Path | None, rev_from: str | None, rev_to: str | None, as_of: object) -> None:
    """So sánh cấu trúc hai thông báo: nhiệm vụ thêm, bỏ, giao lại, đổi hạn; mục, khoản thay đổi.

    Hai tệp: vanban diff CU.yaml MOI.yaml. Một tệp ở hai phiên bản git:
    vanban diff TEP.yaml --from HEAD~1 [--to HEAD]. Nhiệm vụ bị bỏ kèm trạng thái tính đến
    --as-of, theo các thông báo cùng thư mục với tệp cũ.
    """
    from vanban.commands.diff import compare, report
    from vanban.commands.tasks import beside
    from vanban.pipeline.notice import load_one

    if new is not None and (rev_from or rev_to):
        raise UsageError(_("dùng hai tệp, hoặc một tệp với --from/--to, không dùng cả hai"))
    if new is None and rev_from is None:
        raise UsageError(_("cần tệp thứ hai, hoặc --from PHIÊN_BẢN"))
    if new is not None:
        before, after = load_one(old), load_one(new)
        names = (_shown(old), _shown(new))
    else:
        assert rev_from is not None
        before = load_one(old, rev_from)
        after = load_one(old, rev_to) if rev_to else load_one(old)
        names = (f"{_shown(old)}@{rev_from}", f"{_shown(old)}@{rev_to}" if rev_to else _shown(old))
    # The status of a dropped task comes from the notices beside the old one.
    click.echo(report(compare(before.model, after.model), *names, rows=beside(before), as_of=_day(as_of)), nl=False)


def _write(path: Path, data: bytes) -> None:
    from vanban.pipeline.output import write_atomic

    try:
        write_atomic(path, data)
    except OSError as exc:
        raise OutputError(_("{path}: không ghi được tệp ({reason})").format(path=path, reason=exc.strerror)) from None


@cli.command(name="register")
@_paths
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "xlsx", "pdf"]), default="table",
              show_default=True, help="table: in ra màn hình; xlsx: bảng tính; pdf: sổ in theo mẫu Phụ lục IV "
              "(khổ A4 nằm ngang, bìa và 10 cột của mẫu, mỗi cơ quan và năm một quyển). xlsx, pdf cần -o TỆP.")
@click.option("-o", "--out", "out_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Tệp kết quả (với -f xlsx, pdf).")
@click.option("-t", "--templates", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Thư mục mẫu riêng cho sổ pdf (so_dang_ky.html, so_dang_ky.css).")
def register_command(paths: tuple[Path, ...], fmt: str, out_file: Path | None, templates: Path | None) -> None:
    """Sổ đăng ký văn bản đi, rồi sổ bản sao (SY, SL, TrS chung một dãy số): theo cơ quan và năm.

    Chỉ nêu số bị trùng và số đã phát hành mà tệp nguồn không còn: cơ quan còn ban hành
    văn bản ngoài kho này, nên số không thấy trong kho không phải là số bị bỏ trống.
    """
    from vanban.commands.register import build_register, format_register, register_pdf, register_xlsx
    from vanban.pipeline.notice import load

    registers = build_register(load(list(paths) or [DEFAULT_CONTENT]))
    if fmt == "table":
        click.echo(format_register(registers), nl=False)
        return
    if out_file is None:
        raise UsageError(_("-f {format} cần -o TỆP").format(format=fmt))
    if fmt == "pdf":
        from vanban.pipeline.templates import search_path

        _write(out_file, register_pdf(registers, search_path(_templates(templates))))
    else:
        _write(out_file, register_xlsx(registers))
    click.echo(_("Đã ghi {path}").format(path=_shown(out_file)))


# The Vietnamese name of the register, kept for the scripts that call it.
_so_alias = copy.copy(register_command)
_so_alias.hidden = True
cli.add_command(_so_alias, name="so")


class _DraftedKind(click.Choice):  # type: ignore[type-arg]
    """The ``loai`` of the kinds ``vanban new`` can draft, read from the kinds registry when asked.

    Why read late: a kind registered after this module is imported (``kinds.register``) is offered too.
    """

    def __init__(self) -> None:
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(kind.loai for kind in _drafted())

    @choices.setter
    def choices(self, value: object) -> None:
        pass  # click's own __init__ sets them; the registry holds them


def _drafted() -> list[Any]:
    """Return the kinds ``vanban new`` can draft, the default first (imported only when needed: startup stays fast)."""
    from vanban.pipeline import kinds

    return kinds.drafted()


class _KindOption(click.Option):
    """``new --kind``: its default and the kinds its help describes come from the kinds registry, when asked."""

    def get_default(self, ctx: click.Context, call: bool = True) -> Any:
        """Return the first kind the registry lists that ``new`` drafts (the default kind)."""
        return _drafted()[0].loai

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        """Return the help with each kind's own description ("thong_bao, thông báo kết luận; …"), translated."""
        template = self.help or ""
        self.help = template.format(kinds="; ".join(f"{kind.loai}, {_(kind.drafting.help)}" for kind in _drafted()))
        try:
            return super().get_help_record(ctx)
        finally:
            self.help = template


@cli.command()
@click.argument("content", type=click.Path(path_type=Path, file_okay=False), default=DEFAULT_CONTENT)
@click.option("--from-notice", "source", type=click.Path(path_type=Path, dir_okay=False), default=None,
              metavar=N_("TỆP"), help="Thông báo làm gốc (mặc định: thông báo có ngày họp muộn nhất).")
@click.option("--meeting-date", "meeting", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar=_DATE,
              help="Ngày họp mới, dạng năm-tháng-ngày, ví dụ 2026-11-27 (mặc định: một tháng sau cuộc họp trước).")
# The Vietnamese names of the same options, kept hidden so that existing scripts keep working.
@click.option("--tu", "source_vi", type=click.Path(path_type=Path, dir_okay=False), default=None, hidden=True)
@click.option("--ngay-hop", "meeting_vi", type=click.DateTime(["%Y-%m-%d"]), default=None, hidden=True)
@click.option("-o", "--out", "out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Tệp YAML mới (mặc định: cùng thư mục, tên theo tháng họp mới).")
@_as_of
@click.option("--kind", "kind", type=_DraftedKind(), show_default=True, cls=_KindOption,
              help="Loại văn bản (giá trị loai trong YAML): {kinds}.")
def new(content: Path, source: Path | None, meeting: object, source_vi: Path | None, meeting_vi: object,
        out: Path | None, as_of: object, kind: str) -> None:
    """Tạo dự thảo thông báo (hoặc giấy mời) của cuộc họp tháng sau từ văn bản gần nhất trong CONTENT.

    Mặc định CONTENT là content/. Thông báo ghi lại mọi nhiệm vụ chưa xong (tính đến --as-of) của các
    thông báo đến thông báo đó, kèm thông báo đã giao; giấy mời lấy giờ, địa điểm, chủ trì, thành phần
    từ vanban.yaml.
    """
    from vanban.commands.scaffold import new_document
    from vanban.pipeline import kinds

    source = source or source_vi
    meeting = meeting or meeting_vi
    day = meeting.date() if isinstance(meeting, dt.datetime) else None
    chosen = kinds.KINDS[kind]
    # A kind that carries open tasks says the day their status is read on; one that lists none has no as-of day.
    when = _day(as_of) if chosen.drafting is not None and chosen.drafting.tasks else None
    path, warnings = new_document(chosen, content, source, day, out, when)
    for warning in warnings:
        click.echo(str(warning), err=True)
    click.echo(_("Đã tạo {path} (dự thảo: chưa có số và ngày ban hành).").format(path=_shown(path)))
    if when is not None:
        click.echo(when.line())


@cli.command()
@_paths
@_as_of
@click.option("-o", "--out", "out", type=click.Path(path_type=Path, dir_okay=False), default=None, metavar=N_("TỆP"),
              help="Tệp YAML mới (mặc định: <ngày>-cong-van-don-doc.yaml trong thư mục nội dung).")
def remind(paths: tuple[Path, ...], as_of: object, out: Path | None) -> None:
    """Soạn dự thảo công văn đôn đốc các đơn vị có nhiệm vụ quá hạn (theo vanban tasks --overdue).

    Kính gửi các đơn vị có nhiệm vụ quá hạn; mỗi nhiệm vụ kèm thông báo giao (số, ngày) và thời hạn;
    lời mở đầu, kết thúc, người ký theo mục don_doc của vanban.yaml.
    """
    from vanban.commands.reminder import draft

    when = _day(as_of)
    path, count = draft(list(paths) or [DEFAULT_CONTENT], when.day, out)
    if path is None:
        click.echo(_("Không có nhiệm vụ nào quá hạn đến ngày {day}; không soạn công văn.").format(
            day=when.day.strftime("%d/%m/%Y")))
        return
    click.echo(_("Đã tạo {path} (công văn đôn đốc {count} nhiệm vụ quá hạn; dự thảo).").format(
        path=_shown(path), count=count))
    click.echo(when.line())


@cli.command(name="issue")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--number", type=int, default=None, callback=_at_least_one,
              help="Số văn bản (số do hệ thống quản lý văn bản cấp); được kiểm tra với các số đã dùng trong kho.")
@click.option("--next", "use_next", is_flag=True, help="Dùng số đề xuất: số lớn nhất trong kho này + 1.")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar=_DATE,
              help="Ngày ban hành, dạng năm-tháng-ngày, ví dụ 2026-11-27 (mặc định: hôm nay, giờ Việt Nam).")
@click.option("-t", "--templates", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Thư mục mẫu riêng (mặc định: ./templates nếu có).")
def issue_command(file: Path, number: int | None, use_next: bool, day: object, templates: Path | None) -> None:
    """Phát hành văn bản FILE: ghi số và ngày, lưu đúng bản PDF/A và .docx gửi đi, ghi sổ, commit git.

    Kho chỉ biết các số đã dùng trong kho này; số do hệ thống quản lý văn bản cấp thì ghi bằng --number.
    """
    from vanban.commands.issue import issue, propose

    date = day.date() if isinstance(day, dt.datetime) else None
    unasked = number is None
    number = _number(number, use_next, lambda: propose(file, date).so, N_(
        "chưa cho số văn bản. Số tiếp theo theo kho này là {number} (kho không biết các số cấp ngoài kho); chạy lại "
        "với --number {number} hoặc --next"))
    if unasked:
        click.echo(_("Số {number}: số lớn nhất đã dùng trong kho này + 1.").format(number=number))
    done = issue(file, number, date, _templates(templates))
    click.echo(_("Đã phát hành {number} ngày {day} (commit {commit}):").format(
        number=done.number, day=done.day.strftime("%d/%m/%Y"), commit=done.commit[:10]))
    for path in done.files:
        click.echo(f"  {_shown(path)}")


def _number(number: int | None, use_next: bool, propose: Callable[[], int], unasked: str) -> int:
    """Return the number to give: ``--number``, or with ``--next`` the repository's proposal.

    Without either, UsageError ``unasked`` (a msgid) says the proposal and how to take it: the
    repository sees only its own numbers, so the clerk decides [Điều 15.3].
    """
    if number is not None and use_next:
        raise UsageError(_("dùng --number hoặc --next, không dùng cả hai"))
    if number is not None:
        return number
    proposed = propose()
    if not use_next:
        raise UsageError(_(unasked).format(number=proposed))
    return proposed


def _key_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the options that name a signing key (``sign``, ``copy --electronic``); ``_signing_key`` reads them.

    Why no PIN option: a value on the command line is visible in ``ps`` and the shell's history.
    """
    options = (
        click.option("--p12", "p12", type=click.Path(path_type=Path, dir_okay=False), default=None,
                     help="Tệp khóa PKCS#12 (.p12, .pfx)."),
        click.option("--pkcs11", "library", type=click.Path(path_type=Path, dir_okay=False), default=None,
                     help="Thư viện PKCS#11 của thiết bị ký số (USB token, HSM), ví dụ "
                          "/usr/lib/softhsm/libsofthsm2.so."),
        click.option("--token", default=None, help="Nhãn của thiết bị (token) PKCS#11."),
        click.option("--key-label", default=None, help="Nhãn của khóa (và chứng thư cùng nhãn) trên thiết bị PKCS#11."),
        click.option("--pin-file", type=click.Path(path_type=Path, dir_okay=False), default=None,
                     help="Tệp chứa mã PIN hoặc mật khẩu (dòng đầu). Mặc định: biến môi trường VANBAN_PIN, không có "
                          "thì hỏi."),
    )
    for option in reversed(options):
        command = option(command)
    return command


@cli.command(name="copy")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--form", type=click.Choice(["sao_y", "sao_luc", "trich_sao"]), required=True,
              help="Hình thức sao: sao_y (SAO Y), sao_luc (SAO LỤC) hoặc trich_sao (TRÍCH SAO).")
@click.option("--part", "parts", multiple=True, metavar=N_("NHÃN"),
              help="Trích sao: phần cần trích theo nhãn in trên văn bản (II, II.1, II.2.b) hoặc mã nhiệm vụ; "
                   "lặp lại để trích nhiều phần.")
@click.option("-u", "--unit", default=None, help="Trích sao: mọi phần giao đơn vị này (không phân biệt hoa, thường).")
@click.option("--number", type=int, default=None, callback=_at_least_one,
              help="Số bản sao (dãy số chung cho sao y, sao lục, trích sao trong năm).")
@click.option("--next", "use_next", is_flag=True, help="Dùng số bản sao đề xuất: số lớn nhất trong kho này + 1.")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar=_DATE,
              help="Ngày sao, dạng năm-tháng-ngày (mặc định: hôm nay, giờ Việt Nam).")
@click.option("--signer", default=None,
              help="Người ký bản sao: tên một mục trong nguoi_ky của vanban.yaml (mặc định: mục đầu tiên).")
@click.option("--to", "recipients", multiple=True, metavar=N_("NƠI_NHẬN"),
              help="Nơi nhận bản sao, lặp lại cho mỗi nơi (luôn thêm '- Lưu: VT.').")
@click.option("--electronic", is_flag=True,
              help="Bản sao điện tử (Mẫu 3.2): chỉ PDF, cơ quan ký số, dòng ô 14 (hình thức sao; cơ quan sao; "
                   "thời gian ký) ở góc trên bên phải trang 1, không khối bản sao giấy. Cần --p12 hoặc --pkcs11.")
@_key_options
@click.option("--tsa", default="", help="Máy chủ cấp dấu thời gian (RFC 3161): chữ ký PAdES B-T thay vì B-B.")
@click.option("-o", "--out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Ghi thêm bản sao ra tệp này (.pdf hoặc .docx), ngoài bản lưu trong kho.")
@click.option("-t", "--templates", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Thư mục mẫu riêng (mặc định: ./templates nếu có).")
def copy_command(file: Path, form: str, parts: tuple[str, ...], unit: str | None, number: int | None,
                 use_next: bool, day: object, signer: str | None, recipients: tuple[str, ...], electronic: bool,
                 p12: Path | None, library: Path | None, token: str | None, key_label: str | None,
                 pin_file: Path | None, tsa: str, out: Path | None, templates: Path | None) -> None:
    """Sao văn bản đã phát hành FILE: sao y, sao lục hoặc trích sao theo Nghị định 30; lưu, ghi sổ, commit.

    Bản sao dựng lại nguyên thể thức văn bản như khi phát hành (từ bản chốt trong da-phat-hanh/),
    dưới đó là khối bản sao (Mẫu 3.1): hình thức sao, cơ quan sao, số bản sao, địa danh và ngày,
    người ký, nơi nhận. Dự thảo không sao được. Kho chỉ biết các số bản sao đã dùng trong kho.
    """
    from vanban.commands.copy import make_copy, propose
    from vanban.pipeline.copies import Selection

    date = day.date() if isinstance(day, dt.datetime) else None
    if out is not None and out.suffix.lower() not in ((".pdf",) if electronic else (".pdf", ".docx")):
        raise UsageError(_("-o cần tệp .pdf hoặc .docx (bản sao điện tử: .pdf)"))
    if not electronic and (p12 or library):
        raise UsageError(_("--p12, --pkcs11 dùng cho bản sao điện tử (--electronic); bản sao giấy ký tay, đóng dấu"))
    number = _number(number, use_next, lambda: propose(file, date), N_(
        "chưa cho số bản sao. Số tiếp theo theo kho này là {number} (kho không biết các số cấp ngoài kho); chạy lại "
        "với --number {number} hoặc --next"))
    selection = Selection(parts, unit or "")
    if not electronic:
        done = make_copy(file, form, number, date, selection, signer, recipients, _templates(templates))
    else:
        key = _signing_key(p12, library, token, key_label, pin_file)
        try:
            done = make_copy(file, form, number, date, selection, signer, recipients, _templates(templates),
                             key=key, tsa=tsa)
        finally:
            key.close()
    _report_copy(done, out, use_next)


def _report_copy(done: Any, out: Path | None, proposed: bool) -> None:
    """Say what the copy step did (and that a number it chose is the repository's view); write ``out``."""
    if proposed:
        click.echo(_("Số bản sao {number}: số lớn nhất đã dùng trong kho này + 1.").format(number=done.number))
    click.echo(_("Đã sao {number} ngày {day} (commit {commit}):").format(
        number=done.number, day=done.day.strftime("%d/%m/%Y"), commit=done.commit[:10]))
    for path in done.files:
        click.echo(f"  {_shown(path)}")
    if out is not None:
        _write(out, done.outputs[out.suffix.lower().lstrip(".")])
        click.echo(_("Đã ghi {path}").format(path=_shown(out)))


def _signing_key(p12: Path | None, library: Path | None, token: str | None, key_label: str | None,
                 pin_file: Path | None) -> Any:
    """Return the signing key the options name (a PKCS#12 file or a PKCS#11 token); the PIN never from argv."""
    from vanban.commands.keys import pkcs11_key, pkcs12_key, read_secret

    if (p12 is None) == (library is None):
        raise UsageError(_("cần đúng một nguồn khóa: --p12 TỆP hoặc --pkcs11 THƯ_VIỆN --token NHÃN --key-label NHÃN"))
    if library is not None and not (token and key_label):
        raise UsageError(_("--pkcs11 cần --token và --key-label"))
    secret = read_secret(file=pin_file)
    if secret is None:
        if not sys.stdin.isatty():
            raise UsageError(_("cần mã PIN hoặc mật khẩu: đặt biến môi trường VANBAN_PIN, dùng --pin-file, "
                               "hoặc chạy trong cửa sổ lệnh để nhập"))
        secret = click.prompt(_("Mã PIN / mật khẩu"), hide_input=True, err=True)
    if p12 is not None:
        return pkcs12_key(p12, secret)
    assert library is not None and token and key_label
    return pkcs11_key(library, token, key_label, secret)


@cli.command(name="sign")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--role", type=click.Choice(["leader", "organisation"]), required=True,
              help="leader: người có thẩm quyền ký, ảnh chữ ký ở ô 7c; organisation: chữ ký số của cơ quan, "
                   "ảnh con dấu ở ô 8 (chỉ sau khi người có thẩm quyền đã ký).")
@_key_options
@click.option("--signed-draft", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Quy trình văn phòng điện tử: bản dự thảo phát hành người có thẩm quyền đã ký; văn thư điền số, "
                   "ngày của FILE đã phát hành rồi cơ quan ký.")
@click.option("--attachment-of", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="FILE là phụ lục tách tệp (.pdf) của văn bản đã phát hành này (.yaml): cơ quan ký, không hình ảnh, "
                   "ghi số, ký hiệu và thời gian ký ở góc trên bên phải trang 1.")
@click.option("--month", type=click.DateTime(["%Y-%m"]), default=None, metavar=N_("NĂM-THÁNG"),
              help="Tháng in sẵn trên bản dự thảo phát hành, dạng năm-tháng, ví dụ 2026-11 (mặc định: tháng này).")
@click.option("--tsa", default="", help="Máy chủ cấp dấu thời gian (RFC 3161): chữ ký PAdES B-T thay vì B-B.")
@click.option("--config", "config", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Tệp có mục ky_so (ảnh chữ ký, con dấu); mặc định: vanban.yaml của kho.")
@click.option("-o", "--out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Ghi bản đã ký ra tệp này (thêm vào bản lưu trong kho).")
@click.option("-t", "--templates", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Thư mục mẫu riêng (mặc định: ./templates nếu có).")
def sign_command(file: Path, role: str, p12: Path | None, library: Path | None, token: str | None,
                 key_label: str | None, pin_file: Path | None, signed_draft: Path | None, attachment_of: Path | None,
                 month: object, tsa: str, config: Path | None, out: Path | None, templates: Path | None) -> None:
    """Ký số FILE theo Nghị định 30: chữ ký PAdES kèm ảnh chữ ký hoặc con dấu đúng vị trí; lưu, ghi sổ, commit.

    FILE .yaml chưa phát hành: người có thẩm quyền ký bản dự thảo phát hành (số, ngày để trống).
    FILE .yaml đã phát hành: ký bản lưu mới nhất. Mã PIN không bao giờ nhận trên dòng lệnh.
    """
    from vanban.commands.sign import LEADER, ORGANISATION, Request, run

    key = _signing_key(p12, library, token, key_label, pin_file)
    try:
        done = run(Request(file, LEADER if role == "leader" else ORGANISATION, key, signed_draft, attachment_of, out,
                           month.date() if isinstance(month, dt.datetime) else None, config, _templates(templates),
                           tsa))
    finally:
        key.close()
    click.echo(_("Đã ký {path} lúc {when}.").format(path=_shown(done.output), when=done.when.isoformat()))
    if done.commit:
        click.echo(_("Đã lưu, ghi sổ và commit {commit}:").format(commit=done.commit[:10]))
        for path in done.files:
            click.echo(f"  {_shown(path)}")


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path, dir_okay=True, file_okay=False), default=Path("."))
@click.option("--force", is_flag=True, help="Ghi đè các tệp đã có.")
def init(folder: Path, force: bool) -> None:
    """Tạo kho văn bản mới trong FOLDER: vanban.yaml, content/ có một văn bản mẫu mỗi loại, schemas/.

    Không chép mẫu trình bày: kho dùng mẫu của vanban (và các bản sửa sau này của nó);
    muốn tùy biến thì chạy 'vanban templates --eject'.
    """
    from vanban.commands.scaffold import init as scaffold

    for path in scaffold(folder, force):
        click.echo(_("Đã tạo {path}").format(path=_shown(path)))
    click.echo(_("Xong. Chạy `vanban build` trong thư mục này để xuất các văn bản mẫu."))


@cli.command(name="templates")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False), default=DEFAULT_TEMPLATES)
@click.option("--eject", is_flag=True,
              help="Chép các mẫu mặc định vào FOLDER để cơ quan tự sửa; từ đó chúng thay mẫu của vanban.")
@click.option("--force", is_flag=True, help="Với --eject: ghi đè các tệp mẫu đã có.")
def templates_command(folder: Path, eject: bool, force: bool) -> int:
    """Cho biết mỗi mẫu đang dùng là của cơ quan (trong FOLDER, mặc định templates/) hay của vanban.

    Mẫu của cơ quan làm theo hợp đồng mẫu cũ hơn vanban cần thì bị từ chối khi xuất; --eject chép
    mẫu mặc định (kèm phiên bản hợp đồng) ra FOLDER để tùy biến.
    """
    from vanban.commands.scaffold import eject_templates
    from vanban.pipeline.templates import CONTRACT, TEMPLATE_FILES, check_contract

    if eject:
        for path in eject_templates(folder, force):
            click.echo(_("Đã tạo {path}").format(path=_shown(path)))
        click.echo(_("Mẫu trong {folder} thay mẫu của vanban khi xuất; xóa tệp nào để dùng lại mẫu của vanban.").format(
            folder=_shown(folder)))
        return 0
    outdated = 0
    for name in TEMPLATE_FILES:
        if not (folder / name).is_file():
            click.echo(_("{name}: mẫu của vanban (hợp đồng {contract})").format(name=name, contract=CONTRACT))
            continue
        try:
            check_contract(folder / name)
        except RenderError as exc:
            outdated += 1
            click.echo(_("Lỗi: {error}").format(error=exc), err=True)
        else:
            click.echo(_("{path}: mẫu của cơ quan, theo hợp đồng {contract}").format(
                path=_shown(folder / name), contract=CONTRACT))
    return 1 if outdated else 0


@cli.command()
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("schemas"),
              show_default=True, help="Thư mục ghi các JSON Schema.")
def schema(out_dir: Path) -> None:
    """Ghi JSON Schema của tệp nội dung và của vanban.yaml (để trình soạn thảo gợi ý và kiểm tra khóa)."""
    from vanban.commands.schema import write_schemas

    for path in write_schemas(out_dir):
        click.echo(_("Đã ghi {path}").format(path=_shown(path)))


def _check_year(day: dt.date, option: str) -> None:
    """Refuse a date no notice can bear (before 1945 or after 2099): deadlines count from it."""
    from vanban.pipeline.validate.dates import MAX_YEAR, MIN_YEAR

    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise UsageError(_("{option}: năm {year} nằm ngoài {first}–{last}").format(
            option=option, year=day.year, first=MIN_YEAR, last=MAX_YEAR))


def _templates(option: Path | None) -> Path | None:
    if option is not None:
        return option
    return DEFAULT_TEMPLATES if DEFAULT_TEMPLATES.is_dir() else None


def _shown(path: Path) -> str:
    return display(path)


def _help_slots(group: click.Group) -> list[tuple[object, str]]:
    """Return every (object, attribute) of the command tree that holds a help text."""
    slots: list[tuple[object, str]] = []
    commands: list[click.Command] = [group, *group.commands.values()]
    for command in commands:
        slots += [(command, "help")] + [(param, "help") for param in command.params if isinstance(param, click.Option)]
    return [(obj, attr) for obj, attr in slots if getattr(obj, f"_msgid_{attr}", None) or getattr(obj, attr, None)]


def help_texts(group: click.Group) -> list[str]:
    """Return the original (Vietnamese) help texts of the command tree, for the message catalog."""
    return [getattr(obj, f"_msgid_{attr}", None) or getattr(obj, attr) for obj, attr in _help_slots(group)]


def _translate_help(group: click.Group) -> None:
    """Show the help texts in the chosen language (originals kept, so this can run again)."""
    for obj, attr in _help_slots(group):
        original = getattr(obj, f"_msgid_{attr}", None) or getattr(obj, attr)
        setattr(obj, f"_msgid_{attr}", original)
        setattr(obj, attr, _(original))
    # click (8.1.8+) caches each command's automatic --help option with the text of the language
    # in force when it was first made; drop the cache so it is made again in this one.
    for command in (group, *group.commands.values()):
        if getattr(command, "_help_option", None) is not None:
            command._help_option = None
        # click's placeholders are English words that gettext never sees: name them here.
        command.options_metavar = _("[TÙY_CHỌN]")
        for param in command.params:
            if isinstance(param, click.Option):
                original = getattr(param, "_vanban_metavar", param.metavar)
                param._vanban_metavar = original  # type: ignore[attr-defined]
                param.metavar = _(original) if original else _placeholder(param.type)
    group.subcommand_metavar = _("LỆNH [THAM_SỐ]...")


def _placeholder(kind: click.ParamType[Any]) -> str | None:
    """Return the help placeholder of an option's value by its type (None: click's own, e.g. choices)."""
    if isinstance(kind, click.Path):
        return _("TỆP") if not kind.dir_okay else _("THƯ_MỤC") if not kind.file_okay else _("ĐƯỜNG_DẪN")
    if kind is click.STRING:
        return _("CHỮ")
    if kind is click.INT:
        return _("SỐ")
    return None


#: Commands that write files; only their failures are summed up with "không ghi tệp nào".
_WRITERS = frozenset({"build", "issue", "copy", "sign", "new", "init", "schema", "remind", "templates", "register",
                      "tasks"})


def _writes(args: Sequence[str]) -> bool:
    """Tell whether the command named in ``args`` (after the global options) writes files."""
    rest = list(args)
    while rest and rest[0].startswith("-"):
        rest = rest[2:] if rest[0] == "--lang" else rest[1:]
    return bool(rest) and rest[0] in _WRITERS and (rest[0] not in ("tasks", "register") or "-o" in rest
                                                     or "--out" in rest)


def _requested_language(args: Sequence[str]) -> str | None:
    """Return the ``--lang`` value in ``args`` (read before click, so help texts are translated too)."""
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


class Terminated(BaseException):
    """Raise in the main thread when vanban is asked to stop by a signal (SIGTERM, SIGHUP).

    Why a BaseException: like KeyboardInterrupt it must pass the ``except Exception`` of a
    watch loop and reach the build's clean-up, which ends the render workers at once.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.name = signal.Signals(signum).name


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into Terminated while a command runs, then put the old handlers back.

    Only the main thread can set handlers; a caller running ``main`` in another thread keeps
    the default (the process ends, and its workers with it: see ``build._exit_with``).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise Terminated(signum)

    signals = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    saved = {signum: signal.signal(signum, stop) for signum in signals}
    try:
        yield
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv``; return the exit code (usable in-process by tests)."""
    from vanban.i18n import choose, set_language

    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    set_language(choose(_requested_language(args)))
    _translate_help(cli)
    try:
        with _stop_on_signals():
            code = cli.main(args=args, prog_name="vanban", standalone_mode=False)
        if isinstance(code, int) and code:  # a command's own failure (e.g. build --keep-going)
            return code
    except Terminated as exc:
        with contextlib.suppress(OSError):  # SIGHUP: the terminal may be gone
            click.echo(_("Đã dừng vì nhận tín hiệu {signal}.").format(signal=exc.name), err=True)
        return 1
    except click.exceptions.Abort:
        click.echo(_("Đã hủy."), err=True)
        return 1
    except click.exceptions.ClickException as exc:  # usage errors: bad option, missing value
        exc.show()
        return 2
    except ContentError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        files = len({p.file for p in exc.problems})
        # Only a command that writes says it wrote nothing; check, diff or tasks never write.
        summary = (_("Có {count} lỗi trong {files} tệp; không ghi tệp nào.") if _writes(args)
                   else _("Có {count} lỗi trong {files} tệp."))
        click.echo(summary.format(count=len(exc.problems), files=files), err=True)
        return 1
    except UsageError as exc:
        click.echo(_("Lỗi: {error}").format(error=exc), err=True)
        return 2
    except VanbanError as exc:
        if debug:
            traceback.print_exc()
        click.echo(_("Lỗi: {error}").format(error=exc), err=True)
        return 1
    except Exception as exc:
        if debug:
            traceback.print_exc()
        click.echo(_("Lỗi nội bộ của vanban: {kind}: {error} (chạy lại với --debug để xem chi tiết)").format(
            kind=type(exc).__name__, error=exc), err=True)
        return 1
    return 0
