"""Plain helpers shared by the tests: paths, units, text comparison, notices from YAML.

Why one module: every test measures the same outputs against the same spec, so the way a
text is compared across formats (``squash``), the unit of measure (``MM``) and the way a
notice is loaded (through the one loading path, as the CLI does) are defined once.
Import with ``from helpers import …``; fixtures live in ``conftest.py``.
"""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from vanban.cli import main
from vanban.errors import Problem
from vanban.pipeline.context import Block, Context, build_context
from vanban.pipeline.loader import load_yaml
from vanban.pipeline.model import ThongBao
from vanban.pipeline.notice import load_one
from vanban.pipeline.validate import check

ROOT = Path(__file__).resolve().parents[1]
#: The reference notice's content file, and the text of the notice it reproduces.
SEED = ROOT / "content" / "2023-12-phien-hop-thuong-ky.yaml"
SEED_TEXT = ROOT / "tests" / "fixtures" / "seed" / "thong-bao-ket-luan-2023-12.txt"
#: PDF points per millimetre.
MM = 72 / 25.4


def squash(text: str) -> str:
    """Return ``text`` in NFC without any whitespace: lines wrap differently in each format."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


def norm(text: str) -> str:
    """Collapse every run of whitespace (spaces, NBSP, tabs, line breaks) to one space."""
    return " ".join(text.split())


def words(text: str) -> str:
    """Return text as read: ``norm``, and the .docx renderer's word joiners (in no-break spans) left out."""
    return norm(text.replace("\u2060", ""))


def spelt_out_page(stylesheet: str = "thong_bao.css") -> str:
    """Return a kind's HTML template with the frame's page spelt out, as an office may write its own.

    Why: vanban's ``thong_bao.html`` sets its style sheet and includes the frame's page
    (``_trang.html``); tests that put something into the page of an office's template write this.
    """
    from vanban.pipeline.templates import default_dir

    page = (default_dir() / "_trang.html").read_text(encoding="utf-8")
    return page.replace("\n", f'\n{{%- set stylesheet = "{stylesheet}" -%}}\n', 1)


def with_calls(block: Block) -> str:
    """Return a paragraph as the PDF draws it: each footnote call as its number, in place."""
    return "".join(r.text if r.note is None else str(r.note.number) for r in block.runs)


def pdf_paragraphs(ctx: Context, text: str) -> tuple[str, list[str]]:
    """Return the PDF's squashed ``text`` without the footnote areas, and every paragraph as it reads there.

    Why: a footnote's call is drawn as its number inside the sentence, and its note at the foot
    of the page, between the pages' text; both formats must show everything else in order.
    """
    for note in ctx.footnotes:
        text = text.replace(squash(f"{note.number}{note.text}"), "", 1)
    body = {b.text: with_calls(b) for b in ctx.body}
    return text, [squash(body.get(t, t)) for t in ctx.paragraph_texts()]


def docx_paragraphs(data: bytes) -> list[str]:
    """Return the non-empty paragraph texts of a .docx body in order, table cells included, as read.

    The word joiners the renderer puts inside no-break spans [R-BRK-1] are left out (``words``).
    """
    from docx import Document
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    document = Document(io.BytesIO(data))
    texts = (Paragraph(p, document).text for p in document.element.body.iter(qn("w:p")))
    return [words(t) for t in texts if t.strip()]


def model_of(path: Path) -> ThongBao:
    """Return the model of the notice file ``path``, loaded as every command loads it."""
    return load_one(path).model


def context_of(path: Path) -> Context:
    """Return the display context of the notice file ``path``."""
    return build_context(model_of(path), path.stem)


#: A short valid notice (one page); tests vary it with ``notice_yaml``.
BASE_YAML = """\
loai: thong_bao
co_quan:
  ten: ["ỦY BAN NHÂN DÂN", "THỊ XÃ HOÀNG MAI"]
  viet_tat: UBND
  dia_danh: Hoàng Mai
so: "12"
ngay: "2024-03-05"
trich_yeu: "Kết luận của Chủ tịch UBND thị xã tại cuộc họp về công tác chuẩn bị Tết trồng cây"
mo_dau:
  - >-
    Ngày 01/3/2024, tại trụ sở UBND thị xã, đồng chí Chủ tịch UBND thị xã chủ trì cuộc họp về
    công tác chuẩn bị Tết trồng cây. Sau khi nghe báo cáo, đồng chí Chủ tịch UBND thị xã kết luận như sau:
noi_dung:
  - muc: "Đánh giá chung"
    noi_dung:
      - >-
        Các phòng, ban và UBND các xã, phường đã chủ động chuẩn bị cây giống, địa điểm và phương án
        tổ chức Tết trồng cây bảo đảm an toàn, tiết kiệm, hiệu quả.
  - muc: "Nhiệm vụ"
    noi_dung:
      - khoan: "Phòng Kinh tế"
        noi_dung:
          - diem: "Chủ trì chuẩn bị cây giống, hoàn thành trước ngày 10/3/2024;"
          - diem: "Phối hợp với UBND các xã, phường tổ chức trồng cây tại các tuyến đường."
ket_thuc: "UBND thị xã thông báo để các cơ quan, đơn vị liên quan biết, thực hiện."
nguoi_ky:
  chuc_vu: ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]
  ho_ten: Nguyễn Mạnh Hùng
noi_nhan:
  - Thường trực Thị ủy
  - Chủ tịch, các PCT UBND thị xã
  - Phòng Kinh tế
luu:
  don_vi: VP
"""


def notice_yaml(**changes: Any) -> str:
    """Return BASE_YAML with top-level keys replaced (``None`` removes a key), as YAML text."""
    return changed_yaml(BASE_YAML, **changes)


def changed_yaml(text: str, **changes: Any) -> str:
    """Return the YAML document ``text`` with top-level keys replaced (``None`` removes a key)."""
    data = yaml.safe_load(text)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)


def problems_from_yaml(text: str, name: str = "test.yaml") -> list[Problem]:
    """Return the problems the loader and validator find in the YAML ``text`` (empty if valid)."""
    located, problems = load_yaml(text, name)
    if located is None:
        return problems
    _, found = check(located)
    return found


def context_from_yaml(text: str, stem: str = "test") -> Context:
    """Return the Context of the notice written as YAML ``text``; fail on any content problem."""
    located, problems = load_yaml(text, f"{stem}.yaml")
    assert located is not None, "\n".join(map(str, problems))
    model, problems = check(located)
    assert model is not None, "\n".join(map(str, problems))
    return build_context(model, stem)


# --- an office repository, as a clerk keeps it ------------------------------------------------

#: Next month's draft that ``vanban new`` writes in a repository made by ``vanban init``.
DRAFT = Path("content") / "2024-01-phien-hop-thuong-ky.yaml"
#: Who commits in the tests' repositories (git refuses to commit without a name).
IDENTITY = {"GIT_AUTHOR_NAME": "Văn thư", "GIT_AUTHOR_EMAIL": "vt@example.org",
            "GIT_COMMITTER_NAME": "Văn thư", "GIT_COMMITTER_EMAIL": "vt@example.org"}


def git(*args: str) -> str:
    """Run git in the working folder; return its output (fail the test on an error)."""
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout


@contextlib.contextmanager
def office(folder: Path, setup: Callable[[Path], None] | None = None) -> Iterator[Path]:
    """Enter an office repository from ``init`` + ``new``, January's draft filled in, all committed.

    ``setup`` adds files (keys, images) before the commit. The working folder, git identity
    and locale are restored on exit.
    """
    with pytest.MonkeyPatch.context() as patch:
        for name, value in IDENTITY.items():
            patch.setenv(name, value)
        patch.setenv("LANG", "C.UTF-8")
        root = folder / "office"
        assert main(["init", str(root)]) == 0
        patch.chdir(root)
        assert main(["new"]) == 0
        text = DRAFT.read_text(encoding="utf-8")
        for blank, filled in (("[Nội dung họp]", "Kết quả thu ngân sách tháng 01"),
                              ("[Đánh giá chung kết quả thực hiện nhiệm vụ]", "Các đơn vị đã thực hiện tốt."),
                              ("[Nội dung kết luận]", "Tập trung chỉ đạo thu ngân sách quý I.")):
            text = text.replace(blank, filled)
        DRAFT.write_text(text, encoding="utf-8")
        if setup is not None:
            setup(root)
        git("init", "-q")
        git("add", ".")
        git("commit", "-qm", "tháng 01")
        yield root


def docx_template_tool() -> Any:
    """Return ``tools/make_docx_template.py`` as a module (a tool, not a package: loaded from its file, once)."""
    import importlib.util
    import sys

    name = "make_docx_template"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / "make_docx_template.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run ``vanban ARGS`` in process; return its exit code, what it printed and what it said on stderr.

    Why not capsys: a module-scoped fixture (a whole office's month) runs commands outside any test.
    """
    from contextlib import redirect_stderr, redirect_stdout

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def cli_ok(*args: str) -> str:
    """Run ``vanban ARGS`` in process, fail the test unless it exits 0; return what it printed."""
    code, out, err = run_cli(*args)
    assert code == 0, f"vanban {' '.join(args)} exited {code}: {err}"
    return out
