"""The ``vanban`` command: a thin layer that turns library results into messages and exit codes.

Exit codes: 0 done, 1 content, render or output error, 2 usage error. No traceback reaches
the user unless ``--debug`` is given.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

import click

from vanban import __version__
from vanban.errors import ContentError, UsageError, VanbanError

DEFAULT_CONTENT = Path("content")
DEFAULT_OUTPUT = Path("output")
DEFAULT_TEMPLATES = Path("templates")

_paths = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="vanban", message="%(prog)s %(version)s")
@click.option("--debug", is_flag=True, help="In traceback đầy đủ khi có lỗi (cho nhà phát triển).")
def cli(debug: bool) -> None:
    """Soạn Thông báo kết luận theo Nghị định 30/2020/NĐ-CP từ tệp YAML ra .docx và PDF.

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
def build(paths: tuple[Path, ...], out_dir: Path, formats: tuple[str, ...], templates: Path | None) -> None:
    """Kiểm tra rồi xuất các văn bản PATHS (tệp hoặc thư mục; mặc định content/).

    Không ghi tệp nào nếu có bất kỳ lỗi nội dung nào. Mỗi tệp được ghi nguyên vẹn (ghi tạm rồi đổi tên).
    """
    from vanban.build import FORMATS
    from vanban.build import build as run_build

    written = run_build(list(paths) or [DEFAULT_CONTENT], out_dir, formats or FORMATS, _templates(templates))
    for path in written:
        click.echo(f"Đã ghi {_shown(path)}")
    click.echo(f"Xong: {len(written)} tệp.")


@cli.command()
@_paths
def check(paths: tuple[Path, ...]) -> None:
    """Chỉ kiểm tra các văn bản PATHS theo Nghị định 30, không ghi tệp nào."""
    from vanban.build import load

    notices = load(list(paths) or [DEFAULT_CONTENT])
    click.echo(f"Hợp lệ: {len(notices)} văn bản.")


def _templates(option: Path | None) -> Path | None:
    if option is not None:
        return option
    return DEFAULT_TEMPLATES if DEFAULT_TEMPLATES.is_dir() else None


def _shown(path: Path) -> str:
    from vanban.build import display

    return display(path)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv``; return the exit code (usable in-process by tests)."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        cli.main(args=args, prog_name="vanban", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Đã hủy.", err=True)
        return 1
    except click.exceptions.ClickException as exc:  # usage errors: bad option, missing value
        exc.show()
        return 2
    except ContentError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        files = len({p.file for p in exc.problems})
        click.echo(f"Có {len(exc.problems)} lỗi trong {files} tệp; không ghi tệp nào.", err=True)
        return 1
    except UsageError as exc:
        click.echo(f"Lỗi: {exc}", err=True)
        return 2
    except VanbanError as exc:
        if debug:
            traceback.print_exc()
        click.echo(f"Lỗi: {exc}", err=True)
        return 1
    except Exception as exc:
        if debug:
            traceback.print_exc()
        click.echo(f"Lỗi nội bộ của vanban: {type(exc).__name__}: {exc} (chạy lại với --debug để xem chi tiết)",
                   err=True)
        return 1
    return 0
