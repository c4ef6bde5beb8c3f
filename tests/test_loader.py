"""Loader: strings only, exact positions, and the same located errors on libyaml and pure Python.

Why both parsers: PyYAML falls back to its Python parser where libyaml is missing, and the two
word and place their errors differently (libyaml rejects ``"\\ud800"`` while parsing, PyYAML
lets it through to the validator; libyaml's reader reports byte offsets). An author must get
the same located message either way.
"""

from __future__ import annotations

import errno
import os
import signal
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from vanban.pipeline.loader import MAX_DEPTH, MAX_NODES, load_yaml, read_text
from vanban.pipeline.validate import check

UTF16 = "x.yaml:1:1: tệp mã hóa UTF-16; hãy lưu lại dưới dạng UTF-8 [R-FONT-2]"
PARSERS = pytest.mark.parametrize("pure", [False, True], ids=["libyaml", "python"])


def problems(text: str, pure: bool) -> list[str]:
    """Return every problem of ``text`` (loader, then validator) as printed lines."""
    located, found = load_yaml(text, "x.yaml", pure_python=pure)
    if located is not None:
        _, found = check(located)
    return [str(p) for p in found]


@PARSERS
def test_scalars_stay_strings(pure: bool) -> None:
    located, found = load_yaml("a: yes\nb: 012\nc: 8:30\nd: 1.10\ne: 2024-01-05\nf: ~\ng:\n", "x.yaml",
                               pure_python=pure)
    assert not found and located is not None
    assert located.data == {"a": "yes", "b": "012", "c": "8:30", "d": "1.10", "e": "2024-01-05", "f": "~", "g": ""}
    assert located.where(("c",)) == (3, 4)
    assert located.marks[("d", "<key>")] == (4, 1)


@PARSERS
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a raw control character: libyaml reports a byte offset, which would put it past "ả"
        ("a: \"Kết quả\"\nb: \"xyz\x07\"\n", "x.yaml:2:8: ký tự điều khiển U+0007 không được phép trong tệp YAML; "
                                          "hãy xóa nó"),
        ("a:\n\tb: c\n", "x.yaml:2:1: có phím Tab ở đây; YAML chỉ dùng dấu cách để thụt lề và ngăn cách"),
        ("a:\n  - x\n  -\ty\n", "x.yaml:3:4: có phím Tab ở đây; YAML chỉ dùng dấu cách để thụt lề và ngăn cách"),
        ("a: [x, y\nb: c\n", "x.yaml:2:2: danh sách trong ngoặc vuông (mở ở dòng 1, cột 4) thiếu dấu ',' hoặc ']'"),
        ("a: {x: 1\nb: c\n", "x.yaml:2:2: nhóm trường trong ngoặc nhọn (mở ở dòng 1, cột 4) thiếu dấu ',' hoặc '}'"),
        ("a: \"Kết quả \\xZZ\"\n", "x.yaml:1:13: mã thoát \\x, \\u hoặc \\U thiếu chữ số thập lục phân"),
        ("a: \"x\\qy\"\n", "x.yaml:1:6: mã thoát '\\q' không hợp lệ trong chuỗi ngoặc kép "
                         "(viết '\\\\' cho dấu '\\', hoặc dùng ngoặc đơn)"),
        ("a: b: c\n", "x.yaml:1:5: dấu ': ' trong văn bản làm YAML tưởng đây là tên trường; "
                       "hãy đặt cả giá trị trong dấu ngoặc kép, "
                       "ví dụ \"b: c\", hoặc viết nội dung dạng khối '|'"),
        ("a: \"never closed\n", "x.yaml:1:4: chuỗi trong dấu ngoặc chưa được đóng"),
        ("a: b\n---\nc: d\n", "x.yaml:2:1: tệp chỉ được chứa một văn bản YAML (bỏ dòng '---' thứ hai)"),
        ("- a\n- b\n", "x.yaml:1:1: tệp phải là một nhóm trường (khóa: giá trị), không phải một danh sách"),
        ("just text\n", "x.yaml:1:1: tệp phải là một nhóm trường (khóa: giá trị), không phải một giá trị đơn"),
        ("a: 1\na: 2\n", "x.yaml:2:1: a: trường 'a' bị lặp lại"),
        ("a: &x v\nb:\n  c: *x\n", "x.yaml:3:6: b.c: không được dùng neo/bí danh YAML (& và *): '*x'"),
        ("a: !!python/object/apply:os.system [ls]\n",
         "x.yaml:1:4: a: không hỗ trợ thẻ YAML '!!python/object/apply:os.system'; hãy bỏ thẻ"),
        ("a: !!binary aGk=\n", "x.yaml:1:4: a: không hỗ trợ thẻ YAML '!!binary'; hãy bỏ thẻ"),
        ("a:\n  <<: {b: c}\n", "x.yaml:2:3: a: không được dùng khóa gộp '<<' của YAML"),
    ],
)
def test_syntax_errors_are_located_the_same_on_both_parsers(pure: bool, text: str, expected: str) -> None:
    assert problems(text, pure) == [expected]


@PARSERS
@pytest.mark.parametrize(("escape", "code"), [("\\x07", "0007"), ("\\x0b", "000B"), ("\\0", "0000"),
                                              ("\\x85", "0085"), ("\\e", "001B")])
def test_control_character_escapes_are_located_at_their_value(pure: bool, escape: str, code: str) -> None:
    text = f'a: ok\nb:\n  c: "Kết{escape}quả"\n'
    located, found = load_yaml(text, "x.yaml", pure_python=pure)
    assert located is not None and not found
    _, found = check(located)
    assert f"x.yaml:3:6: b.c: ký tự điều khiển U+{code} không được phép trong văn bản" in [str(p) for p in found]


@PARSERS
def test_lone_surrogate_is_located_on_both_parsers(pure: bool) -> None:
    """libyaml refuses ``"\\ud800"`` while parsing, PyYAML builds it: both must point at line 3.

    (The rest of this tiny file is not a notice, so only the first problem is the surrogate's.)
    """
    found = problems('a: ok\nb:\n  c: "Kết\\ud800quả"\n', pure)
    if pure:
        assert "Input should be" not in " ".join(found)  # reported once, in Vietnamese
        assert found[0] == "x.yaml:3:6: b.c: ký tự thay thế lẻ (surrogate U+D800) không hợp lệ"
    else:
        assert len(found) == 1
        assert found[0] == ("x.yaml:3:10: mã thoát Unicode không hợp lệ (ví dụ '\\ud800' là nửa cặp surrogate lẻ, "
                            "không phải ký tự)")


def _bomb(levels: int = 9) -> str:
    lines = ["l0: &l0 [" + ", ".join(["ha"] * 9) + "]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


@PARSERS
def test_billion_laughs_is_refused_before_it_expands(pure: bool) -> None:
    """9 levels of 9 aliases expand to 3.9 billion leaves; the first alias is refused, nothing expands.

    (Its speed is bench/run's business; an expansion would not finish within the test's run at all.)
    """
    found = problems(_bomb(), pure)
    assert found == ["x.yaml:2:10: l1[0]: không được dùng neo/bí danh YAML (& và *): '*l0'"]


@PARSERS
def test_nesting_deeper_than_the_limit(pure: bool) -> None:
    deep = "a: " + "[" * (MAX_DEPTH + 5) + "x" + "]" * (MAX_DEPTH + 5) + "\n"
    found = problems(deep, pure)
    assert len(found) == 1 and found[0].endswith(f"lồng quá sâu (tối đa {MAX_DEPTH} cấp)")
    very_deep = "a: " + "[" * 5000 + "]" * 5000 + "\n"  # beyond libyaml's limit and Python's recursion limit
    assert problems(very_deep, pure)[0].endswith(f"lồng quá sâu (tối đa {MAX_DEPTH} cấp)")


def test_too_many_values_reports_once() -> None:
    text = "a:\n" + "  - x\n" * (MAX_NODES + 100)
    found = problems(text, False)
    assert found == [f"x.yaml:{MAX_NODES}:5: a[{MAX_NODES - 2}]: quá nhiều giá trị trong một tệp (tối đa 50.000)"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a: b\n".encode("utf-16"), UTF16),
        ("a: Bình\nb: c\n".encode("utf-16-be"), UTF16),
        ("a: b\nc: Bình\n".encode("utf-16-le"), UTF16),
        (b"a: b\nc: caf\xe9\n", "x.yaml:2:7: tệp không phải UTF-8 hợp lệ; hãy lưu lại dưới dạng UTF-8 [R-FONT-2]"),
        (b"a: b\n\x00\x01\x02", "x.yaml:2:1: tệp nhị phân, không phải văn bản YAML"),
        (bytes(range(256)), "x.yaml:1:1: tệp nhị phân, không phải văn bản YAML"),
    ],
)
def test_encodings_and_binary(tmp_path: Path, raw: bytes, expected: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(raw)
    text, found = read_text(path, "x.yaml")
    assert text is None
    assert [str(p) for p in found] == [expected]


def test_utf8_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes("\ufeffa: Bình\r\nb: c\r\n".encode())
    text, found = read_text(path, "x.yaml")
    assert not found and text is not None
    located, found = load_yaml(text, "x.yaml")
    assert located is not None and located.data == {"a": "Bình", "b": "c"}
    assert located.where(("b",)) == (2, 4)


# --- locations counted in characters; paths that are not regular files -------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # The column counts the characters of the valid text before the bad byte, as an editor does.
        ("a: Kết quả đạt được\nb: Nguyễn Văn ".encode() + b"\xff\n", "x.yaml:2:15"),
        ("tên: Ủy ban nhân dân xã Quỳnh Liên ".encode() + b"\xc3(\n", "x.yaml:1:36"),
        ("a: Kết quả\nb: Đảng ủy".encode() + b"\x00\n", "x.yaml:2:11"),
    ],
)
def test_encoding_errors_are_located_in_characters(tmp_path: Path, raw: bytes, expected: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(raw)
    _, found = read_text(path, "x.yaml")
    assert str(found[0]).startswith(expected + ":")


@PARSERS
def test_lone_carriage_returns_count_as_line_breaks_everywhere(pure: bool) -> None:
    """A file saved with CR line endings: the parser and the loader count the same lines."""
    found = problems("a: Kết quả\rb: ok\rc: x: y\r", pure)
    assert found == ["x.yaml:3:5: dấu ': ' trong văn bản làm YAML tưởng đây là tên trường; "
                     "hãy đặt cả giá trị trong dấu ngoặc kép, "
                     "ví dụ \"x: y\", hoặc viết nội dung dạng khối '|'"]
    found = problems("a: Kết quả\rb: \"x\x07\"\r", pure)
    assert found[0].startswith("x.yaml:2:6: ký tự điều khiển U+0007")


@PARSERS
@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85"])
def test_line_breaks_editors_do_not_show_are_refused_where_they_are(pure: bool, char: str) -> None:
    found = problems(f"a: Kết quả\nb: Đảng{char}ủy\nc: x\n", pure)
    assert found[0].startswith("x.yaml:2:8: ") and f"U+{ord(char):04X}" in found[0]


def _no_hang() -> None:
    """Fail instead of hanging should a read block (a FIFO without a writer blocks for ever)."""
    signal.signal(signal.SIGALRM, lambda *_: pytest.fail("reading blocked"))
    signal.alarm(10)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: p.mkdir(), "đây là thư mục, không phải tệp YAML"),
        (lambda p: os.mkfifo(p), "đây là ống dẫn (FIFO), không phải tệp thường"),
        (lambda p: p.symlink_to("/dev/zero"), "đây là thiết bị (/dev/zero), không phải tệp thường"),
        (lambda p: p.symlink_to("/dev/urandom"), "đây là thiết bị (/dev/urandom), không phải tệp thường"),
        (lambda p: p.symlink_to("khong-co.yaml"), "liên kết (symlink) trỏ tới 'khong-co.yaml', nơi không có tệp nào"),
        (lambda p: p.symlink_to(p.name), "liên kết (symlink) vòng quanh, không trỏ tới tệp nào"),
        (lambda p: socket.socket(socket.AF_UNIX).bind(str(p)), "đây là socket, không phải tệp thường"),
    ],
    ids=["folder", "fifo", "dev-zero", "dev-urandom", "dangling-link", "link-loop", "socket"],
)
def test_paths_that_are_not_regular_files_are_refused_without_reading(
        tmp_path: Path, make: Callable[[Path], object], expected: str) -> None:
    path = tmp_path / "x.yaml"
    make(path)
    _no_hang()
    try:
        text, found = read_text(path, "x.yaml")
    finally:
        signal.alarm(0)
    assert text is None
    assert len(found) == 1 and found[0].line == 1 and found[0].message.startswith(expected)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (PermissionError(errno.EACCES, "Permission denied"), "không có quyền đọc tệp"),
        (OSError(errno.EIO, "Input/output error"), "không đọc được tệp (mã lỗi hệ thống EIO)"),
        (OSError(errno.EMFILE, "Too many open files"), "không đọc được tệp (mã lỗi hệ thống EMFILE)"),
    ],
)
def test_system_errors_are_told_in_vietnamese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              error: OSError, expected: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: b\n", encoding="utf-8")

    def refuse(*args: object, **kwargs: object) -> int:
        raise error

    monkeypatch.setattr(os, "open", refuse)
    _, found = read_text(path, "x.yaml")
    assert [p.message for p in found] == [expected]


def test_a_path_through_a_file_and_a_name_too_long_are_told_in_vietnamese(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("a: b\n", encoding="utf-8")
    _, found = read_text(tmp_path / "a.yaml" / "b.yaml", "b.yaml")
    assert found[0].message == "một phần của đường dẫn không phải thư mục"
    _, found = read_text(tmp_path / ("x" * 300 + ".yaml"), "x.yaml")
    assert found[0].message == "tên hoặc đường dẫn tệp quá dài"
