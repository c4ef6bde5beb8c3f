"""Messages: Vietnamese by default, English with ``--lang en`` or an English locale [issue 4, item 7].

Why: the catalog is maintained by hand next to the code, so these tests check that it is
complete and compiled, that placeholders survive translation, that the language switch
reaches messages made deep in the library (profile, register, tasks, diff), and that the
switch never leaks into document content or the CSV/XLSX data exports.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import runpy
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from helpers import ROOT, notice_yaml, spelt_out_page
from vanban import i18n
from vanban.cli import main
from vanban.commands import diff, tasks
from vanban.commands.build import run
from vanban.commands.tasks import export
from vanban.errors import Problem
from vanban.pipeline.notice import load_one

TOOL = ROOT / "tools" / "i18n.py"
PROFILE_REPO = ROOT / "tests" / "fixtures" / "profile"
DIFF_DIR = ROOT / "tests" / "fixtures" / "tasks" / "diff"
LOCALE_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

SIGNER_VI = "vanban.yaml không có người ký tên 'pho-chanh-v'; có phải ý bạn là 'pho-chanh-vp'?"
SIGNER_EN = "vanban.yaml has no signer named 'pho-chanh-v'; did you mean 'pho-chanh-vp'?"


@pytest.fixture(autouse=True)
def _vietnamese_after(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run each test under a neutral locale and leave the process in Vietnamese for other tests."""
    for name in LOCALE_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    yield
    i18n.set_language("vi")


def _repo(tmp_path: Path, old: str = "", new: str = "") -> Path:
    """Copy the profile fixture repository; replace ``old`` by ``new`` in its notice; return the notice."""
    repo = tmp_path / "repo"
    shutil.copytree(PROFILE_REPO, repo)
    notice = repo / "content" / "2024-01.yaml"
    if old:
        text = notice.read_text(encoding="utf-8")
        assert old in text
        notice.write_text(text.replace(old, new), encoding="utf-8")
    return notice


def _env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in LOCALE_VARS}
    env.update(values)
    return env


def _vanban(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vanban", *args], capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=120, check=False)


# --- the catalog --------------------------------------------------------------------------


def test_catalog_is_complete_translated_and_compiled(capsys: pytest.CaptureFixture[str]) -> None:
    """tools/i18n.py check, run with the installed Babel: every message extracted, translated, compiled."""
    tool: dict[str, Any] = runpy.run_path(str(TOOL))
    assert tool["check"]() == 0, capsys.readouterr().out
    po = tool["PO"]
    with po.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    ids = [m.id for m in catalog if m.id]
    # Every converted module contributes messages; the CLI help is in there too.
    sources = {loc[0] for m in catalog if m.id for loc in m.locations}
    for module in ("tasks", "diff", "profile", "register", "scaffold", "render_docx", "render_pdf",
                   "templates", "fonts", "errors", "cli"):
        # Wherever the module lives in the package (vanban/commands/tasks/, vanban/pipeline/fonts.py …).
        assert any(f"/{module}.py" in source or f"/{module}/" in source for source in sources), module
    assert len(ids) >= 100


def test_every_translation_keeps_the_placeholders_exactly() -> None:
    po = ROOT / "src" / "vanban" / "locale" / "en" / "LC_MESSAGES" / "vanban.po"
    with po.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    field = re.compile(r"\{[^{}]*\}")
    checked = 0
    for message in catalog:
        if not message.id:
            continue
        assert isinstance(message.id, str) and isinstance(message.string, str)
        assert sorted(field.findall(message.id)) == sorted(field.findall(message.string)), message.id
        assert message.string != message.id or not re.search(r"[^\x00-\x7f]", message.id), message.id
        checked += 1
    assert checked >= 100


def _tool() -> dict[str, Any]:
    return runpy.run_path(str(TOOL))


def _catalog(tool: dict[str, Any]) -> Catalog:
    catalog: Catalog = tool["_read"](tool["PO"], "vanban", "en")
    return catalog


def test_a_mo_compiled_by_another_babel_release_still_checks(tmp_path: Path) -> None:
    """The .mo header names the Babel that wrote it; the check compares translations, not bytes."""
    tool = _tool()
    mo = tmp_path / "vanban.mo"
    data = tool["MO"].read_bytes()
    stamp = re.search(rb"Generated-By: Babel [0-9.]+", data)
    assert stamp is not None
    other = b"Generated-By: Babel " + b"9" * (len(stamp.group()) - len(b"Generated-By: Babel "))
    mo.write_bytes(data.replace(stamp.group(), other))  # same length: the offsets stay valid
    assert mo.read_bytes() != data
    assert tool["mo_problems"](_catalog(tool), mo) == []


def test_a_mo_with_a_changed_missing_or_extra_translation_is_stale(tmp_path: Path) -> None:
    tool = _tool()
    catalog = _catalog(tool)
    first, second = [m for m in catalog if m.id][:2]
    mo = tmp_path / "vanban.mo"

    def compiled(change: Callable[[Catalog], None]) -> list[str]:
        copy = _catalog(tool)
        change(copy)
        with mo.open("wb") as handle:
            write_mo(handle, copy)
        problems: list[str] = tool["mo_problems"](catalog, mo)
        return problems

    def reword(c: Catalog) -> None:
        c[first.id].string = "something else"

    def extra(c: Catalog) -> None:
        c.add("một thông báo không có trong .po", "a message the .po lacks")

    assert any(repr(first.id) in p for p in compiled(reword))
    assert any(repr(second.id) in p for p in compiled(lambda c: c.delete(second.id)))
    assert any("the .po lacks" in p for p in compiled(extra))
    assert tool["mo_problems"](catalog, tmp_path / "none.mo")


def test_missing_stale_and_untranslated_messages_are_reported() -> None:
    tool = _tool()
    fresh, current = tool["extract"](), _catalog(tool)
    assert tool["catalog_problems"](fresh, current) == []
    gone = next(m.id for m in current if m.id)
    current.add("thông báo cũ đã bỏ khỏi mã", "an old message")
    current[gone].string = ""
    fresh.add("thông báo mới chưa dịch")
    problems = "\n".join(tool["catalog_problems"](fresh, current))
    assert "missing from .po: 'thông báo mới chưa dịch'" in problems
    assert "stale in .po (no longer in the code): 'thông báo cũ đã bỏ khỏi mã'" in problems
    assert f"untranslated: {gone!r}" in problems


# --- the language switch through the command line -----------------------------------------


def test_check_speaks_english_with_lang_en_and_vietnamese_by_default(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notice = _repo(tmp_path, "nguoi_ky: pho-chanh-vp", "nguoi_ky: pho-chanh-v")
    assert main(["--lang", "en", "check", str(notice)]) == 1
    english = capsys.readouterr().err
    assert SIGNER_EN in english
    assert SIGNER_VI not in english
    assert main(["check", str(notice)]) == 1
    vietnamese = capsys.readouterr().err
    assert SIGNER_VI in vietnamese
    assert SIGNER_EN not in vietnamese


def test_final_build_refusal_is_translated_and_keeps_the_rule_id(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notice = _repo(tmp_path, 'so: "07"\n', "")
    out = tmp_path / "out"
    assert main(["--lang", "en", "build", "--final", "-o", str(out), str(notice)]) == 1
    english = capsys.readouterr().err
    # R-NUM-8: a final issue needs a number; the rule id is never translated.
    assert "a final issue must have a document number [R-NUM-8]" in english
    assert main(["build", "--final", "-o", str(out), str(notice)]) == 1
    assert "bản chính thức phải có số văn bản [R-NUM-8]" in capsys.readouterr().err
    assert not out.exists()


LOCATED_LINE = re.compile(r"^(?P<file>[^:\n]+):\d+:\d+: ", re.MULTILINE)


def test_content_errors_end_with_the_summary_in_the_chosen_language(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notice = _repo(tmp_path, "nguoi_ky: pho-chanh-vp", "nguoi_ky: pho-chanh-v")
    missing = tmp_path / "missing.yaml"
    out = tmp_path / "out"
    args = ["build", "-j", "1", "-o", str(out), str(notice), str(missing)]
    assert main(["--lang", "en", *args]) == 1
    english = capsys.readouterr().err
    # The summary counts the located problem lines printed above it, and the files they are in.
    problems = LOCATED_LINE.findall(english)
    assert len(problems) >= 2 and len(set(problems)) == 2
    assert f"{missing}:1:1: file or folder not found" in english
    assert english.splitlines()[-1] == f"{len(problems)} problem(s) in 2 file(s); nothing written."
    assert main(args) == 1
    vietnamese = capsys.readouterr().err
    assert f"{missing}:1:1: không tìm thấy tệp hoặc thư mục" in vietnamese
    assert vietnamese.splitlines()[-1] == f"Có {len(problems)} lỗi trong 2 tệp; không ghi tệp nào."
    assert not out.exists()


def test_successful_build_reports_what_it_wrote_in_english(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notice = _repo(tmp_path)
    out = tmp_path / "out"
    args = ["--lang", "en", "build", "-j", "1", "-f", "pdf", "-o", str(out), str(notice)]
    assert main(args) == 0
    lines = capsys.readouterr().out.splitlines()
    written = [line.removeprefix("Wrote ") for line in lines if line.startswith("Wrote ")]
    assert [Path(name).name for name in written] == ["2024-01.pdf"]
    assert all(Path(name).is_file() for name in written)
    assert lines[-1] == "Done: 1 file(s)."
    assert not any(re.search(r"Đã ghi|Xong", line) for line in lines)
    # Unchanged since the last build: skipped, and said so in English.
    assert main(args) == 0
    again = capsys.readouterr().out.splitlines()
    assert again == ["Skipped 1 unchanged notice(s)."]  # no "Done: 0 file(s)." after nothing to do


def test_render_failures_from_worker_processes_follow_the_language(tmp_path: Path) -> None:
    # Workers start from the forkserver, not from the CLI process that chose the language.
    content = tmp_path / "content"
    content.mkdir()
    for i in (1, 2):
        (content / f"tb-{i}.yaml").write_text(notice_yaml(so=str(i)), encoding="utf-8")
    templates = tmp_path / "templates"
    templates.mkdir()
    html = spelt_out_page()  # an office's own thong_bao.html
    (templates / "thong_bao.html").write_text(
        html.replace("<body>", '<body><img src="http://example.invalid/logo.png">', 1), encoding="utf-8")
    messages: dict[str, set[str]] = {}
    for language in ("en", "vi"):
        i18n.set_language(language)
        report = run([content], tmp_path / language, ("pdf",), templates, jobs=2, keep_going=True)
        assert len(report.failures) == 2
        messages[language] = {f.message.split(":")[0] for f in report.failures}
    assert messages["en"] == {"the template or content asks to fetch an external resource"}
    assert messages["vi"] == {"mẫu hoặc nội dung đòi tải tài nguyên bên ngoài"}


def test_english_locale_gives_english_help() -> None:
    run = _vanban(["--help"], _env(LANG="en_US.UTF-8"))
    assert run.returncode == 0, run.stderr
    assert "Show this help and exit." in run.stdout
    assert "Write administrative documents" in run.stdout
    assert "In hướng dẫn này rồi thoát." not in run.stdout


def test_default_locale_gives_vietnamese_help() -> None:
    run = _vanban(["--help"], _env(LANG="C.UTF-8"))
    assert run.returncode == 0, run.stderr
    assert "In hướng dẫn này rồi thoát." in run.stdout
    assert "Show this help and exit." not in run.stdout


def test_lang_vi_overrides_an_english_locale(tmp_path: Path) -> None:
    notice = _repo(tmp_path, "nguoi_ky: pho-chanh-vp", "nguoi_ky: pho-chanh-v")
    env = _env(LANG="en_US.UTF-8", LC_ALL="en_US.UTF-8")
    english = _vanban(["check", str(notice)], env)
    assert english.returncode == 1
    assert SIGNER_EN in english.stderr
    vietnamese = _vanban(["--lang", "vi", "check", str(notice)], env)
    assert vietnamese.returncode == 1
    assert SIGNER_VI in vietnamese.stderr
    assert SIGNER_EN not in vietnamese.stderr
    help_vi = _vanban(["--lang", "vi", "--help"], env)
    assert "In hướng dẫn này rồi thoát." in help_vi.stdout


# --- what is translated and what never is -------------------------------------------------


def _overdue_row() -> tasks.TaskRow:
    return tasks.TaskRow(stem="2024-01", so="05/TB-UBND", ngay=dt.date(2024, 1, 5), ma="KT-01",
                         don_vi="Phòng Kinh tế", text="Lập kế hoạch.", han=dt.date(2024, 1, 31))


def test_task_table_is_translated_but_csv_stays_vietnamese() -> None:
    row = _overdue_row()
    as_of = dt.date(2024, 2, 15)
    csv_vi = export.csv_text([row], as_of)
    table_vi = export.table_text([row], tasks.AsOf(as_of, given=True))
    i18n.set_language("en")
    table_en = export.table_text([row], tasks.AsOf(as_of, given=True))
    csv_en = export.csv_text([row], as_of)
    assert "Not started – overdue" in table_en and "Deadline" in table_en
    assert "Total: 1 task(s)." in table_en and "Status as of 15/02/2024 (--as-of)." in table_en
    assert "Chưa làm – quá hạn" in table_vi and "Tổng số: 1 nhiệm vụ." in table_vi
    # The CSV is data for spreadsheets and scripts: the same bytes whatever the language.
    assert csv_en == csv_vi
    assert csv_en.splitlines()[0].split(",")[5] == "Hạn"
    assert "Chưa làm – quá hạn" in csv_en


def test_copy_content_is_never_translated() -> None:
    """A TRÍCH SAO (the per-unit extract) and its copy block are document content: Vietnamese in any language."""
    import datetime as dt

    from vanban.pipeline import copies
    from vanban.pipeline.context import build_context
    from vanban.pipeline.notice import load

    history = ROOT / "tests" / "fixtures" / "tasks" / "history"
    notice = load([history / "2024-01-phien-hop.yaml"])[0].model
    unit = next(t.don_vi for t in tasks.collect(load([history / "2024-01-phien-hop.yaml"])) if t.don_vi)
    who = copies.Copier(("ỦY BAN NHÂN DÂN", "THỊ XÃ HOÀNG MAI"), "UBND", "Hoàng Mai", ("CHÁNH VĂN PHÒNG",),
                        "Lê Văn Bình")

    def made() -> list[str]:
        block = copies.copy_block("trich_sao", who, 2, dt.date(2024, 2, 1), [unit])
        return copies.wrap(build_context(notice, "x"), notice, "trich_sao", block,
                           copies.Selection((), unit)).paragraph_texts()

    vi = made()
    i18n.set_language("en")
    en = made()
    assert en == vi
    assert "TRÍCH SAO" in en and "Số: 02/TrS-UBND" in en and "…" in en


def test_diff_report_and_warning_label_follow_the_language() -> None:
    old = load_one(DIFF_DIR / "old.yaml").model
    new = load_one(DIFF_DIR / "new.yaml").model
    changes = diff.compare(old, new)
    vi = diff.report(changes, "old.yaml", "new.yaml")
    i18n.set_language("en")
    en = diff.report(changes, "old.yaml", "new.yaml")
    assert vi.startswith("So sánh old.yaml → new.yaml\n")
    assert en.startswith("Comparing old.yaml → new.yaml\n")
    assert "Nhiệm vụ mới" in vi and "New tasks" in en and "Nhiệm vụ mới" not in en
    # Task texts and unit names are content: the same in both reports.
    units = {t.don_vi for t in changes.added if t.don_vi}
    assert units and all(u in en and u in vi for u in units)
    warning = Problem("a.yaml", 3, 5, "han", "x", warning=True)
    assert str(warning) == "a.yaml:3:5: han: warning: x"
    i18n.set_language("vi")
    assert str(warning) == "a.yaml:3:5: han: cảnh báo: x"


# --- messages of the validation pipeline (loader, validate, model, rules) ------------------

CATALOGUE = ROOT / "tests" / "catalogue"
#: ``file:line:col: field:`` (field optional), the message, then an optional `` [RULE]``.
PROBLEM_LINE = re.compile(r"^(?P<where>[^:\s]+:\d+:\d+:(?: [\w.\[\]]+:)?) (?P<message>.*?)(?P<rule> \[[A-Z0-9-]+\])?$")


def _problem_lines(case: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
                   ) -> tuple[re.Match[str], re.Match[str]]:
    """Check one catalogue case in English then in Vietnamese; return the first problem line of each."""
    monkeypatch.chdir(CATALOGUE)
    found: list[re.Match[str]] = []
    for args in (["--lang", "en"], ["--lang", "vi"]):
        assert main([*args, "check", f"{case}.yaml"]) == 1
        first = capsys.readouterr().err.splitlines()[0]
        match = PROBLEM_LINE.match(first)
        assert match, first
        found.append(match)
    english, vietnamese = found
    # Only the message changes: the location, the field path and the rule id are never translated.
    assert english["where"] == vietnamese["where"]
    assert english["rule"] == vietnamese["rule"]
    assert english["message"] != vietnamese["message"]
    return english, vietnamese


def test_yaml_syntax_error_is_translated(monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    en, vi = _problem_lines("syntax-unquoted-colon", monkeypatch, capsys)
    assert en["where"] == "syntax-unquoted-colon.yaml:22:19:"
    assert en["message"] == ("a ': ' in the text makes YAML take this for a field name; put the whole value in "
                             "double quotes, for example \"Kết luận: các đơn vị thực hiện.\", "
                             "or write the text as a '|' block")
    assert vi["message"] == ("dấu ': ' trong văn bản làm YAML tưởng đây là tên trường; hãy đặt cả giá trị trong dấu "
                             "ngoặc kép, ví dụ \"Kết luận: các đơn vị thực hiện.\", hoặc viết nội dung dạng khối '|'")


def test_misspelt_key_and_its_hint_are_translated(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    en, vi = _problem_lines("key-misspelt-top", monkeypatch, capsys)
    assert en["where"] == "key-misspelt-top.yaml:8:1: trich_yue:"
    assert en["message"] == "field 'trich_yue' is not allowed here; did you mean 'trich_yeu'?"
    assert vi["message"].endswith("; có phải ý bạn là 'trich_yeu'?")


def test_invalid_signer_chain_is_translated_but_not_its_lines(monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    en, vi = _problem_lines("nd30-signer-chain", monkeypatch, capsys)
    assert en["rule"] == " [T-20]"
    assert en["where"] == "nd30-signer-chain.yaml:24:12: nguoi_ky.chuc_vu:"
    # The author's 7a lines and the titles of a correct chain are content: as written in both languages.
    chain = "[TL. CHỦ TỊCH, TL. CHÁNH VĂN PHÒNG]"
    assert en["message"] == (f"the authority chain {chain} has no allowed form; correct, e.g.: "
                             "[TL. CHỦ TỊCH, CHÁNH VĂN PHÒNG]; [CHỦ TỊCH]; [KT. CHỦ TỊCH, PHÓ CHỦ TỊCH]")
    assert vi["message"].startswith(f"chuỗi quyền hạn {chain} không đúng dạng; ví dụ đúng: ")


def test_impossible_date_and_unknown_body_item_are_translated(monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    en, vi = _problem_lines("date-impossible", monkeypatch, capsys)
    assert en["rule"] == " [R-DATE-1]"
    assert en["message"] == "the date '2024-02-30' does not exist"
    assert vi["message"] == "ngày '2024-02-30' không tồn tại"
    # pydantic fixes a discriminator's message when the model class is made, in whatever language
    # was active then; validate translates it when the error is reported.
    en, vi = _problem_lines("type-body-node-unknown", monkeypatch, capsys)
    assert en["message"].startswith("each body item must be a paragraph (a string)")
    assert vi["message"].startswith("mỗi phần tử nội dung phải là một đoạn văn")
