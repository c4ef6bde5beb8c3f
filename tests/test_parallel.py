"""Parallel rendering (issue 7): several processes give byte-identical outputs to one process."""

from __future__ import annotations

from pathlib import Path

from conftest import notice_yaml
from vanban.build import Progress, run


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
