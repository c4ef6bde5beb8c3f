"""Builds into one output folder at the same time, and manifests that are not what vanban wrote [issue 14].

Why: two clerks (or a watch and a manual build) build notices from two content folders into
one shared output folder. Both builds succeeded, but the manifest kept only the notices of the
one that finished last, and ``vanban verify`` then called the other's genuine PDFs tampered.
A manifest is also input: a damaged or hostile one must never cause an internal error or an
unbounded read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from helpers import notice_yaml
from vanban.cli import main
from vanban.commands.build import run
from vanban.commands.manifest import MANIFEST_LIMIT, MANIFEST_NAME, Manifest, ManifestError, locked

PDF = ("pdf",)


def _content(folder: Path, prefix: str, count: int, first: int = 1) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"{prefix}{i + 1}.yaml"
        path.write_text(notice_yaml(so=str(first + i)), encoding="utf-8")
        paths.append(path)
    return paths


def _build(content: Path, out: Path, cwd: Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "vanban", "build", str(content), "-o", str(out), "-f", "pdf", "-j", "1", "--force"]
    return subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _verified(pdf: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code = main(["verify", str(pdf)])
    captured = capsys.readouterr()
    assert code == 0, f"{pdf.name}: {captured.err}"
    return captured.out


@pytest.mark.slow
def test_two_builds_into_one_folder_keep_both_in_the_manifest(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    a = _content(tmp_path / "phong-a", "a", 3)
    b = _content(tmp_path / "phong-b", "b", 3, first=10)
    out = tmp_path / "output"
    for round_ in range(2):  # the second round finds the first one's manifest and replaces every entry
        builds = [_build(tmp_path / "phong-a", out, tmp_path), _build(tmp_path / "phong-b", out, tmp_path)]
        for process in builds:
            _, err = process.communicate(timeout=120)
            assert process.returncode == 0, f"round {round_}: {err}"
        recorded = Manifest.read(out / MANIFEST_NAME).notices
        assert sorted(recorded) == sorted(p.stem for p in a + b), f"round {round_}"
        for source in a + b:
            assert f"/{source.parent.name}/{source.name}." in _verified(out / f"{source.stem}.pdf", capsys)


@pytest.mark.slow
def test_two_builds_of_the_same_notices_leave_outputs_that_verify(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    # Both write the same files: whichever writes last, the manifest must describe what is on disk.
    notices = _content(tmp_path / "content", "tb", 3)
    out = tmp_path / "output"
    builds = [_build(tmp_path / "content", out, tmp_path) for _ in range(2)]
    for process in builds:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    for source in notices:
        _verified(out / f"{source.stem}.pdf", capsys)
    assert sorted(p.name for p in out.iterdir()) == sorted([MANIFEST_NAME, *(f"{p.stem}.pdf" for p in notices)])


def test_the_folder_lock_is_exclusive(tmp_path: Path) -> None:
    acquired = threading.Event()

    def other_build() -> None:
        with locked(tmp_path):
            acquired.set()

    with locked(tmp_path):
        thread = threading.Thread(target=other_build)
        thread.start()
        assert not acquired.wait(0.3)  # waits while this one holds the lock
    assert acquired.wait(5)
    thread.join()
    assert list(tmp_path.iterdir()) == []  # the folder itself is locked: no lock file among the outputs


ENTRY = {"inputs": {"content": "x"}, "outputs": {"a.pdf": "y"}}
DAMAGED = {
    "outputs null": json.dumps({"format": 1, "notices": {"a": {**ENTRY, "outputs": None}}}),
    "outputs a list": json.dumps({"format": 1, "notices": {"a": {**ENTRY, "outputs": ["a.pdf"]}}}),
    "inputs a list": json.dumps({"format": 1, "notices": {"a": {**ENTRY, "inputs": []}}}),
    "a hash a number": json.dumps({"format": 1, "notices": {"a": {**ENTRY, "outputs": {"a.pdf": 7}}}}),
    "notices a list": json.dumps({"format": 1, "notices": [ENTRY]}),
    "an entry a string": json.dumps({"format": 1, "notices": {"a": "x"}}),
    "200,000 nested lists": "[" * 200_000 + "]" * 200_000,
    "a number too long": '{"format": ' + "9" * 10_000 + "}",
    "not UTF-8": '{"format": 1, "notices": {"\xff": {}}}',
    "not JSON": '{"format": 1,',
    "another format": json.dumps({"format": 2, "notices": {}}),
}


@pytest.mark.parametrize("text", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_manifest_is_rebuilt_and_verify_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          text: str) -> None:
    content = tmp_path / "content"
    _content(content, "a", 1)
    out = tmp_path / "output"
    run([content], out, PDF)
    pdf = out / "a1.pdf"
    manifest = out / MANIFEST_NAME
    manifest.write_bytes(text.encode("latin-1") if "\xff" in text else text.encode())
    assert main(["verify", str(pdf)]) == 1
    err = capsys.readouterr().err
    assert "tệp kê khai hỏng; chạy lại vanban build --force để ghi lại" in err
    assert "Lỗi nội bộ" not in err
    if text == DAMAGED["not JSON"]:
        assert f"{MANIFEST_NAME}:1:14:" in err  # where JSON stopped making sense
    assert main(["build", str(content), "-o", str(out), "-f", "pdf"]) == 0  # rebuilt, not an internal error
    assert "Đã ghi" in capsys.readouterr().out
    assert sorted(Manifest.read(manifest).notices) == ["a1"]
    assert main(["verify", str(pdf)]) == 0


@pytest.mark.parametrize("kind", ["device", "fifo", "too large", "missing"])
def test_verify_reads_a_manifest_only_if_it_is_a_bounded_regular_file(tmp_path: Path, kind: str,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    content = tmp_path / "content"
    _content(content, "a", 1)
    out = tmp_path / "output"
    run([content], out, PDF)
    given = {"device": Path("/dev/zero"), "fifo": tmp_path / "fifo", "too large": tmp_path / "big.json",
             "missing": tmp_path / "khong-co.json"}[kind]
    if kind == "fifo":
        os.mkfifo(given)  # nobody ever writes to it: a blocking open would never return
    if kind == "too large":
        with given.open("wb") as handle:
            handle.truncate(MANIFEST_LIMIT + 1)  # sparse: costs no disk
    start = time.monotonic()
    assert main(["verify", str(out / "a1.pdf"), "--manifest", str(given)]) == 1
    assert time.monotonic() - start < 5
    err = capsys.readouterr().err
    expected = {"device": "không phải tệp thường", "fifo": "không phải tệp thường",
                "too large": f"lớn hơn {MANIFEST_LIMIT >> 20} MiB", "missing": "không có tệp kê khai"}[kind]
    assert expected in err and "Lỗi nội bộ" not in err


def test_read_raises_on_damage_and_load_starts_empty(tmp_path: Path) -> None:
    path = tmp_path / MANIFEST_NAME
    path.write_text(DAMAGED["outputs null"], encoding="utf-8")
    with pytest.raises(ManifestError):
        Manifest.read(path)
    assert Manifest.load(path).notices == {}
