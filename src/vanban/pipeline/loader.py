"""Load a YAML file into plain data plus the source position of every value.

Why: every problem must be reported as ``file:line:col``, and YAML 1.1 silently turns
``yes``, ``012``, ``8:30`` and ``1.10`` into other values. This loader keeps every scalar a
string (the model converts types explicitly), rejects duplicate keys and aliases (a
"billion laughs" document is refused before anything expands it) and enforces size and
depth limits.

Limits (see ``docs/limits.md``): a content file is at most ``MAX_FILE_BYTES``, nests at most
``MAX_DEPTH`` levels and holds at most ``MAX_NODES`` values; at most ``MAX_PROBLEMS`` problems
are listed per file. ``validate`` adds limits on the body, the recipients and the length of
the text. Each limit is reported as a located error, never as a crash or a render that runs
for minutes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from vanban.errors import Problem
from vanban.i18n import N_, _, digits

#: Largest content file accepted; a monthly notice is a few dozen kB.
MAX_FILE_BYTES = 2 * 1024 * 1024
#: Deepest nesting of mappings and lists accepted.
MAX_DEPTH = 40
#: Most scalar values accepted in one file.
MAX_NODES = 50_000
#: Most problems listed per file; a file with 20,000 unknown keys needs only the first few.
MAX_PROBLEMS = 100

Path_ = tuple[str | int, ...]

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StringLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """A safe loader whose plain scalars are always strings (no YAML 1.1 coercions)."""

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 - PyYAML's own class attribute


class _PureStringLoader(yaml.SafeLoader):
    """The same loader on PyYAML's pure-Python parser (what runs where libyaml is missing)."""

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 - PyYAML's own class attribute


#: Characters YAML forbids in a stream (the set PyYAML's reader rejects), found before parsing
#: so that the position is exact: libyaml reports a byte offset, not a line and column.
_NON_PRINTABLE = re.compile(r"[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


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


def cap_problems(problems: list[Problem]) -> list[Problem]:
    """Return the first MAX_PROBLEMS problems in file order, and one line saying how many more there are."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    ordered = sorted(set(problems))
    if len(ordered) <= MAX_PROBLEMS:
        return ordered
    first, rest = ordered[:MAX_PROBLEMS], ordered[MAX_PROBLEMS:]
    more = _("còn {count} lỗi khác không liệt kê (chỉ liệt kê {limit} lỗi đầu tiên của mỗi tệp)").format(
        count=digits(len(rest)), limit=MAX_PROBLEMS)
    return [*first, Problem(rest[0].file, rest[0].line, rest[0].col, "", more)]


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
            return None, [Problem(display, 1, 1, "", _("đây là thư mục, không phải tệp YAML"))]
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [_too_large(size, display)]
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [Problem(display, 1, 1, "", _("không tìm thấy tệp"))]
    except PermissionError:
        return None, [Problem(display, 1, 1, "", _("không có quyền đọc tệp"))]
    except OSError as exc:
        return None, [Problem(display, 1, 1, "", _("không đọc được tệp ({reason})").format(reason=exc.strerror))]
    return decode(raw, display)


def decode(raw: bytes, display: str) -> tuple[str | None, list[Problem]]:
    """Return ``raw`` as text (UTF-8, BOM removed), or the located problem that prevents it.

    Why apart from reading: a file at a git revision arrives as bytes too, and must be
    refused with the same messages as a file on disk.
    """
    if len(raw) > MAX_FILE_BYTES:
        return None, [_too_large(len(raw), display)]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(raw):
        message = _("tệp mã hóa UTF-16; hãy lưu lại dưới dạng UTF-8")
        return None, [Problem(display, 1, 1, "", message, "R-FONT-2")]
    if b"\x00" in raw:
        line, col = _position(raw.decode("utf-8", "replace"), raw.index(b"\x00"))
        return None, [Problem(display, line, col, "", _("tệp nhị phân, không phải văn bản YAML"))]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _position(raw[: exc.start].decode("utf-8", "replace"), exc.start)
        message = _("tệp không phải UTF-8 hợp lệ; hãy lưu lại dưới dạng UTF-8")
        return None, [Problem(display, line, col, "", message, "R-FONT-2")]
    return text.removeprefix("\ufeff"), []


def _too_large(size: int, display: str) -> Problem:
    message = _("tệp quá lớn ({size} byte; tối đa {limit} byte)").format(
        size=digits(size), limit=digits(MAX_FILE_BYTES))
    return Problem(display, 1, 1, "", message)


def _looks_utf16(raw: bytes) -> bool:
    """Tell UTF-16 without a BOM: in mostly-ASCII text most bytes on one side are NUL, none on the other."""
    sample = raw[:64]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    return half >= 2 and ((even >= half * 0.6 and odd == 0) or (odd >= half * 0.6 and even == 0))


def load_yaml(text: str, display: str, *, pure_python: bool = False) -> tuple[Located | None, list[Problem]]:
    """Parse YAML ``text`` into a Located tree, or return the syntax problems found.

    ``pure_python`` parses with PyYAML's Python parser instead of libyaml; both must give the
    same located errors, since either may be what an office's Python has.
    """
    bad = _NON_PRINTABLE.search(text)
    if bad:
        line, col = _position(text, bad.start())
        return None, [Problem(display, line, col, "", _forbidden_character(bad.group()))]
    loader_class = _PureStringLoader if pure_python else _StringLoader
    loader = loader_class(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            return None, [_syntax_problem(exc, text, display)]
        except yaml.reader.ReaderError as exc:  # pre-empted by _NON_PRINTABLE; kept as a safety net
            message = _("ký tự không được phép trong YAML (U+{code})").format(code=f"{exc.character:04X}")
            return None, [Problem(display, 1, 1, "", message)]
        except yaml.YAMLError as exc:
            return None, [Problem(display, 1, 1, "", _("lỗi cú pháp YAML: {detail}").format(detail=exc))]
        except RecursionError:  # the Python composer recurses; libyaml stops at its own depth limit
            return None, [Problem(display, 1, 1, "", _(_TOO_DEEP).format(max_depth=MAX_DEPTH))]
        if node is None:
            return None, [Problem(display, 1, 1, "", _("tệp rỗng"))]
        if not isinstance(node, yaml.MappingNode):
            message = (_("tệp phải là một nhóm trường (khóa: giá trị), không phải một danh sách")
                       if isinstance(node, yaml.SequenceNode)
                       else _("tệp phải là một nhóm trường (khóa: giá trị), không phải một giá trị đơn"))
            mark = node.start_mark
            return None, [Problem(display, mark.line + 1, mark.column + 1, "", message)]
        walker = _Walker(loader, display, lambda: _first_alias(text, loader_class))
        data = walker.walk(node, ())
        if walker.problems:
            return None, cap_problems(walker.problems)
        return Located(display, data, walker.marks), []
    finally:
        loader.dispose()


def _forbidden_character(char: str) -> str:
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return _("ký tự thay thế lẻ (surrogate U+{code}) không hợp lệ").format(code=f"{code:04X}")
    if code in (0xFFFE, 0xFFFF):
        return _("ký tự U+{code} không phải là ký tự văn bản").format(code=f"{code:04X}")
    return _("ký tự điều khiển U+{code} không được phép trong tệp YAML; hãy xóa nó").format(code=f"{code:04X}")


def _first_alias(text: str, loader_class: type[yaml.SafeLoader]) -> tuple[int, int, str] | None:
    """Return (line, col, name) of the first alias ``*name`` in ``text``.

    Why: in the composed tree an alias is the anchored node itself, so its mark is the
    anchor's; only the event stream knows where the ``*`` was written.
    """
    for event in yaml.parse(text, Loader=loader_class):
        mark = event.start_mark
        if isinstance(event, yaml.AliasEvent) and mark is not None:
            return mark.line + 1, mark.column + 1, str(event.anchor)
    return None


_TOO_DEEP = N_("lồng quá sâu (tối đa {max_depth} cấp)")
_NO_ALIASES = N_("không được dùng neo/bí danh YAML (& và *)")

#: libyaml and PyYAML word their problems differently; each pattern matches both.
#: The messages are msgids, translated and filled in when a problem is made.
_SYNTAX: tuple[tuple[str, str], ...] = (
    (r"mapping values are not allowed", N_("không được đặt dấu ': ' ở đây; hãy đặt giá trị trong dấu ngoặc kép")),
    (r"could not find expected ':'", N_("thiếu dấu ':' sau tên trường ở dòng {start_line}")),
    (r"(did not find expected|expected) ',' or '\]'",
     N_("danh sách trong ngoặc vuông{since} thiếu dấu ',' hoặc ']'")),
    (r"(did not find expected|expected) ',' or '\}'",
     N_("nhóm trường trong ngoặc nhọn{since} thiếu dấu ',' hoặc '}}'")),
    (r"found unknown escape character", N_("mã thoát '\\{escape}' không hợp lệ trong chuỗi ngoặc kép "
                                           "(viết '\\\\' cho dấu '\\', hoặc dùng ngoặc đơn)")),
    (r"found invalid Unicode character escape code",
     N_("mã thoát Unicode không hợp lệ (ví dụ '\\ud800' là nửa cặp surrogate lẻ, không phải ký tự)")),
    (r"(did not find expected hexdecimal number|expected escape sequence)",
     N_("mã thoát \\x, \\u hoặc \\U thiếu chữ số thập lục phân")),
    (r"found unexpected end of stream", N_("chuỗi trong dấu ngoặc{since} chưa được đóng")),
    (r"(did not find expected key|expected <block end>)", N_("sai thụt lề hoặc thiếu tên trường")),
    (r"(did not find expected|expected the) node content", N_("thiếu giá trị")),
    (r"did not find expected '-' indicator", N_("sai thụt lề trong danh sách")),
    (r"block sequence entries are not allowed", N_("không được bắt đầu danh sách '- ' ở đây (sai thụt lề?)")),
    (r"found undefined alias", _NO_ALIASES),
    (r"found duplicate anchor", _NO_ALIASES),
    (r"(did not find expected|expected) alphabetic or numeric character", _NO_ALIASES),
    (r"(but found another document|expected a single document)",
     N_("tệp chỉ được chứa một văn bản YAML (bỏ dòng '---' thứ hai)")),
    (r"found incompatible YAML document", N_("phiên bản YAML không được hỗ trợ; hãy bỏ dòng '%YAML'")),
    (r"exceeded maximum nesting depth", _TOO_DEEP),
)


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, display: str) -> Problem:
    """Return a YAML syntax error as a located Problem with a message in the user's language."""
    problem = str(exc.problem or "")
    context = str(exc.context or "")
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    lines = text.splitlines()
    here = lines[line - 1][col - 1 : col + 1] if 0 < line <= len(lines) else ""
    start = exc.context_mark
    since = " " + _("(mở ở dòng {line}, cột {col})").format(line=start.line + 1, col=start.column + 1) if start else ""
    if "quoted scalar" in context and "end of stream" in problem and start is not None:
        # Point at the opening quote: the end of the file says nothing about where the quote is missing.
        line, col, since = start.line + 1, start.column + 1, ""
    if ("escape" in problem or "hexdecimal" in problem) and 0 < line <= len(lines):
        # Point at the backslash that starts the escape; libyaml and PyYAML stop at different characters.
        backslash = lines[line - 1].rfind("\\", 0, col)
        if backslash >= 0 and col - backslash <= 10:
            col = backslash + 1
            here = lines[line - 1][backslash : backslash + 2]
    message = _("lỗi cú pháp YAML: {detail}").format(detail=problem or context)
    if "cannot start any token" in problem or "tab character" in problem:
        if here[:1] == "\t" or "tab character" in problem:
            message = _("có phím Tab ở đây; YAML chỉ dùng dấu cách để thụt lề và ngăn cách")
        else:
            message = _("ký tự '{char}' không được đứng đầu một giá trị; hãy đặt giá trị trong dấu ngoặc kép").format(
                char=here[:1])
    else:
        for pattern, msgid in _SYNTAX:
            if re.match(pattern, problem) or (not problem and re.match(pattern, context)):
                escape = here[1:2] if here[:1] == "\\" else here[:1]
                start_line = start.line + 1 if start else line
                message = _(msgid).format(since=since, escape=escape, start_line=start_line, max_depth=MAX_DEPTH)
                break
    return Problem(display, line, col, "", message)


_PLAIN_TAGS: dict[type[yaml.Node], str] = {
    yaml.ScalarNode: "tag:yaml.org,2002:str",
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}


class _Walker:
    """Turn a composed node tree into dicts, lists and strings, recording marks."""

    def __init__(self, loader: yaml.SafeLoader, file: str,
                 first_alias: Callable[[], tuple[int, int, str] | None]) -> None:
        self.loader = loader
        self.file = file
        self.first_alias = first_alias
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
                self._problem(node, path, _("quá nhiều giá trị trong một tệp (tối đa {limit})").format(
                    limit=digits(MAX_NODES)))
            return None
        if len(path) > MAX_DEPTH:
            self._problem(node, path, _(_TOO_DEEP).format(max_depth=MAX_DEPTH))
            return None
        if id(node) in self.seen:
            # An alias reuses the anchored node: refuse it before anything expands it.
            # Only the first is reported: a "billion laughs" file has millions of them.
            self.aliases += 1
            if self.aliases == 1:
                found = self.first_alias()
                line, col, name = found or (node.start_mark.line + 1, node.start_mark.column + 1, "")
                message = _(_NO_ALIASES) + f": '*{name}'"
                self.problems.append(Problem(self.file, line, col, dotted(path), message))
            return None
        self.seen.add(id(node))
        if node.tag != _PLAIN_TAGS.get(type(node)):
            # A tag such as !!python/object/apply is never constructed; only plain YAML is read.
            short = str(node.tag).replace("tag:yaml.org,2002:", "!!")
            self._problem(node, path, _("không hỗ trợ thẻ YAML '{tag}'; hãy bỏ thẻ").format(tag=short))
            return None
        if isinstance(node, yaml.ScalarNode):
            value = self.loader.construct_object(node, deep=True)
            return value
        if isinstance(node, yaml.SequenceNode):
            return [self.walk(child, (*path, i)) for i, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                    self._problem(key_node, path, _("tên trường phải là chuỗi"))
                    continue
                key = str(self.loader.construct_object(key_node))
                if key == "<<":
                    self._problem(key_node, path, _("không được dùng khóa gộp '<<' của YAML"))
                    continue
                if key in out:
                    self._problem(key_node, (*path, key), _("trường '{key}' bị lặp lại").format(key=key))
                    continue
                key_mark = key_node.start_mark
                self.marks[(*path, key, "<key>")] = (key_mark.line + 1, key_mark.column + 1)
                out[key] = self.walk(value_node, (*path, key))
            return out
        self._problem(node, path, _("nút YAML không được hỗ trợ"))
        return None


def load_file(path: Path, display: str | None = None) -> tuple[Located | None, list[Problem]]:
    """Read and parse one YAML file; return the located data or every problem found."""
    name = display if display is not None else str(path)
    text, problems = read_text(path, name)
    if text is None:
        return None, problems
    return load_yaml(text, name)


def load_bytes(raw: bytes, display: str) -> tuple[Located | None, list[Problem]]:
    """Parse YAML given as bytes (a file at a git revision) with the checks a file on disk gets."""
    text, problems = decode(raw, display)
    if text is None:
        return None, problems
    return load_yaml(text, display)
