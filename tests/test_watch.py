"""``vanban build --watch`` (issue 7): rebuild on save, survive a broken save, stop cleanly."""

from __future__ import annotations

import queue
import threading
from pathlib import Path

import pytest

from helpers import notice_yaml
from vanban.cli import main
from vanban.commands.build import Report
from vanban.commands.watch import Outcome, watch
from vanban.errors import ContentError

TIMEOUT = 10.0


def test_watch_rebuilds_on_change_and_survives_a_broken_save(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    source = content / "a.yaml"
    source.write_text(notice_yaml(so="1"), encoding="utf-8")
    out = tmp_path / "output"
    results: queue.Queue[Outcome] = queue.Queue()
    stop = threading.Event()
    worker = threading.Thread(
        target=watch, args=([content], out, ("pdf",)),
        kwargs={"on_result": results.put, "interval": 0.05, "stop": stop}, daemon=True,
    )
    worker.start()
    try:
        first = results.get(timeout=TIMEOUT)
        assert isinstance(first, Report) and [p.name for p in first.written] == ["a.pdf"]
        good = (out / "a.pdf").read_bytes()

        source.write_text(notice_yaml(so="không phải số"), encoding="utf-8")
        broken = results.get(timeout=TIMEOUT)
        assert isinstance(broken, ContentError)
        assert any(p.field == "so" and p.file.endswith("a.yaml") and p.line > 1 for p in broken.problems)
        assert (out / "a.pdf").read_bytes() == good  # the broken save wrote nothing

        source.write_text(notice_yaml(so="22"), encoding="utf-8")
        fixed = results.get(timeout=TIMEOUT)
        assert isinstance(fixed, Report) and [p.name for p in fixed.written] == ["a.pdf"]
        assert (out / "a.pdf").read_bytes() != good
    finally:
        stop.set()
        worker.join(timeout=TIMEOUT)
    assert not worker.is_alive()
    assert results.empty()  # no rebuild without a change


def test_watch_stops_after_max_cycles(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "a.yaml").write_text(notice_yaml(), encoding="utf-8")
    seen: list[Outcome] = []
    assert watch([content], tmp_path / "out", ("pdf",), on_result=seen.append, max_cycles=1) == 1
    assert len(seen) == 1 and isinstance(seen[0], Report)


def test_ctrl_c_ends_watch_with_exit_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    import vanban.commands.watch

    def interrupted(*args: object, **kwargs: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(vanban.commands.watch, "watch", interrupted)
    assert main(["build", str(tmp_path), "--watch"]) == 0
    assert "Đã dừng theo dõi." in capsys.readouterr().err
