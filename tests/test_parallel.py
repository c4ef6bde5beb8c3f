"""Parallel rendering (issue 7): several processes give byte-identical outputs to one process."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import notice_yaml, spelt_out_page
from vanban.commands.build import Progress, run
from vanban.errors import RenderError


def test_parallel_output_is_byte_identical_to_serial(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    for i in range(1, 5):
        (content / f"tb-{i}.yaml").write_text(notice_yaml(so=str(i)), encoding="utf-8")
    events: list[Progress] = []
    serial = run([content], tmp_path / "serial", ("pdf",), jobs=1)
    parallel = run([content], tmp_path / "parallel", ("pdf",), jobs=2, progress=events.append)
    names = sorted(p.name for p in serial.written)
    assert names == [f"tb-{i}.pdf" for i in range(1, 5)]
    assert sorted(p.name for p in parallel.written) == names
    for name in names:
        one = (tmp_path / "serial" / name).read_bytes()
        assert one.startswith(b"%PDF-")
        assert (tmp_path / "parallel" / name).read_bytes() == one, name
    # notices differ (their number), so equal bytes are not a sign of one output copied around
    assert len({(tmp_path / "serial" / n).read_bytes() for n in names}) == 4
    assert sorted(e.done for e in events) == [1, 2, 3, 4] and {e.total for e in events} == {4}
    assert all(e.ok for e in events)


def test_render_failures_come_back_from_workers(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    for i in range(1, 3):
        (content / f"tb-{i}.yaml").write_text(notice_yaml(so=str(i)), encoding="utf-8")
    templates = tmp_path / "templates"
    templates.mkdir()
    html = spelt_out_page()  # an office's own thong_bao.html
    assert "<body>" in html
    # a template that asks for a network resource must fail the render, never fetch it
    (templates / "thong_bao.html").write_text(
        html.replace("<body>", '<body><img src="http://example.invalid/logo.png">', 1), encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(RenderError):
        run([content], out, ("pdf",), templates, jobs=2)
    assert not out.exists()
    report = run([content], out, ("pdf",), templates, jobs=2, keep_going=True)
    assert report.written == [] and not report.ok
    assert sorted(Path(f.source).name for f in report.failures) == ["tb-1", "tb-2"]
    assert all("tài nguyên" in f.message or "example.invalid" in f.message for f in report.failures)
