"""Load a YAML file into plain data plus the source position of every value.

Why: every problem must be reported as ``file:line:col``, and YAML 1.1 silently turns
``yes``, ``012``, ``8:30`` and ``1.10`` into other values. This loader keeps every scalar a
string (the model converts types explicitly), rejects duplicate keys and aliases (a
"billion laughs" document is refused before anything expands it) and enforces size and
depth limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from vanban.errors import Problem

#: Largest content file accepted; a monthly notice is a few dozen kB.
MAX_FILE_BYTES = 2 * 1024 * 1024
#: Deepest nesting of mappings and lists accepted.
MAX_DEPTH = 40
#: Most scalar values accepted in one file.
MAX_NODES = 50_000

Path_ = tuple[str | int, ...]

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StringLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """A safe loader whose plain scalars are always strings (no YAML 1.1 coercions)."""

    yaml_implicit_resolvers: dict[Any, Any] = {}


@dataclass(frozen=True)
class Located:
    """Loaded data with the position of every value and key, keyed by path."""

    file: str
    data: Any
    marks: dict[Path_, tuple[int, int]]

    def where(self, path: Path_) -> tuple[int, int]:
        """Return the 1-based (line, col) of ``path``, or of its nearest located ancestor."""
        p = tuple(path)
        while p:
            if p in self.marks:
                return self.marks[p]
            p = p[:-1]
        return self.marks.get((), (1, 1))

    def problem(self, path: Path_, message: str, rule: str = "", at_key: bool = False) -> Problem:
        """Build a Problem located at ``path`` (at its key when ``at_key``)."""
        key_path = (*path, "<key>")
        line, col = self.marks[key_path] if at_key and key_path in self.marks else self.where(path)
        return Problem(self.file, line, col, dotted(path), message, rule)


def dotted(path: Path_) -> str:
    """Return ``noi_dung[1].khoan`` for the path ``("noi_dung", 1, "khoan")``."""
    out = ""
    for part in path:
        if part == "<key>":
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


def read_text(path: Path, display: str) -> tuple[str | None, list[Problem]]:
    """Read ``path`` as UTF-8 text, or return the problems that prevent it."""
    try:
        if path.is_dir():
            return None, [Problem(display, 1, 1, "", "đây là thư mục, không phải tệp YAML")]
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            msg = f"tệp quá lớn ({size:,} byte; tối đa {MAX_FILE_BYTES:,} byte)".replace(",", ".")
            return None, [Problem(display, 1, 1, "", msg)]
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [Problem(display, 1, 1, "", "không tìm thấy tệp")]
    except PermissionError:
        return None, [Problem(display, 1, 1, "", "không có quyền đọc tệp")]
    except OSError as exc:
        return None, [Problem(display, 1, 1, "", f"không đọc được tệp ({exc.strerror})")]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(raw) > 1 and raw[1:2] == b"\x00"):
        return None, [Problem(display, 1, 1, "", "tệp mã hóa UTF-16; hãy lưu lại dưới dạng UTF-8 [R-FONT-2]")]
    if b"\x00" in raw:
        line, col = _position(raw.decode("utf-8", "replace"), raw.index(b"\x00"))
        return None, [Problem(display, line, col, "", "tệp nhị phân, không phải văn bản YAML")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _position(raw[: exc.start].decode("utf-8", "replace"), exc.start)
        return None, [
            Problem(display, line, col, "", "tệp không phải UTF-8 hợp lệ; hãy lưu lại dưới dạng UTF-8 [R-FONT-2]")
        ]
    return text.removeprefix("\ufeff"), []


def load_yaml(text: str, display: str) -> tuple[Located | None, list[Problem]]:
    """Parse YAML ``text`` into a Located tree, or return the syntax problems found."""
    loader = _StringLoader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            return None, [Problem(display, line, col, "", f"lỗi cú pháp YAML: {_yaml_problem(exc)}")]
        except yaml.reader.ReaderError as exc:
            line, col = _position(text, exc.position)
            return None, [Problem(display, line, col, "", f"ký tự không được phép trong YAML (U+{exc.character:04X})")]
        except yaml.YAMLError as exc:
            return None, [Problem(display, 1, 1, "", f"lỗi cú pháp YAML: {exc}")]
        if node is None:
            return None, [Problem(display, 1, 1, "", "tệp rỗng")]
        walker = _Walker(loader, display)
        data = walker.walk(node, ())
        if walker.problems:
            return None, walker.problems
        return Located(display, data, walker.marks), []
    finally:
        loader.dispose()


_YAML_PROBLEMS = {
    "found character that cannot start any token": "có ký tự không hợp lệ ở đầu (thường là phím Tab; YAML chỉ dùng dấu cách để thụt lề)",
    "mapping values are not allowed here": "không được đặt dấu ': ' ở đây (hãy đặt giá trị trong dấu ngoặc kép)",
    "could not find expected ':'": "thiếu dấu ':' sau tên trường",
    "did not find expected key": "sai thụt lề hoặc thiếu tên trường",
    "did not find expected node content": "thiếu giá trị",
    "found undefined alias": "dùng bí danh (alias) chưa khai báo",
    "did not find expected '-' indicator": "sai thụt lề trong danh sách",
    "found unexpected end of stream": "tệp kết thúc giữa chừng (thiếu dấu ngoặc kép đóng?)",
    "expected a single document in the stream": "tệp chỉ được chứa một văn bản YAML (bỏ dòng '---' thứ hai)",
}


def _yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    problem = str(exc.problem or exc.context or "")
    for english, vietnamese in _YAML_PROBLEMS.items():
        if problem.startswith(english):
            return vietnamese
    return problem


class _Walker:
    """Turn a composed node tree into dicts, lists and strings, recording marks."""

    def __init__(self, loader: yaml.SafeLoader, file: str) -> None:
        self.loader = loader
        self.file = file
        self.marks: dict[Path_, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.seen: set[int] = set()
        self.count = 0
        self.aliases = 0

    def _problem(self, node: yaml.Node, path: Path_, message: str) -> None:
        m = node.start_mark
        self.problems.append(Problem(self.file, m.line + 1, m.column + 1, dotted(path), message))

    def walk(self, node: yaml.Node, path: Path_) -> Any:
        self.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        self.count += 1
        if self.count > MAX_NODES:
            if self.count == MAX_NODES + 1:
                self._problem(node, path, f"quá nhiều giá trị trong một tệp (tối đa {MAX_NODES})")
            return None
        if len(path) > MAX_DEPTH:
            self._problem(node, path, f"lồng quá sâu (tối đa {MAX_DEPTH} cấp)")
            return None
        if id(node) in self.seen:
            # An alias reuses the anchored node: refuse it before anything expands it.
            self.aliases += 1
            if self.aliases == 1:
                self._problem(node, path, "không được dùng neo/bí danh YAML (& và *)")
            return None
        self.seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            if node.tag != "tag:yaml.org,2002:str":
                self._problem(node, path, f"không hỗ trợ thẻ YAML {node.tag}")
                return None
            value = self.loader.construct_object(node, deep=True)
            return value
        if isinstance(node, yaml.SequenceNode):
            return [self.walk(child, (*path, i)) for i, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                    self._problem(key_node, path, "tên trường phải là chuỗi")
                    continue
                key = str(self.loader.construct_object(key_node))
                if key == "<<":
                    self._problem(key_node, path, "không được dùng khóa gộp '<<' của YAML")
                    continue
                if key in out:
                    m = key_node.start_mark
                    self.problems.append(
                        Problem(self.file, m.line + 1, m.column + 1, dotted((*path, key)), f"trường '{key}' bị lặp lại")
                    )
                    continue
                self.marks[(*path, key, "<key>")] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                out[key] = self.walk(value_node, (*path, key))
            return out
        self._problem(node, path, "nút YAML không được hỗ trợ")
        return None


def load_file(path: Path, display: str | None = None) -> tuple[Located | None, list[Problem]]:
    """Read and parse one YAML file; return the located data or every problem found."""
    name = display if display is not None else str(path)
    text, problems = read_text(path, name)
    if text is None:
        return None, problems
    return load_yaml(text, name)
