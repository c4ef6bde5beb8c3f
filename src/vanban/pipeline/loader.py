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

import errno
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from vanban.errors import Problem
from vanban.files import NotRegularFile, TooLarge, kind_of, read_regular
from vanban.i18n import N_, _, digits
from vanban.pipeline.places import place

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
#: so that the position is exact: libyaml reports a byte offset, not a line and column. NEL,
#: U+2028 and U+2029 are refused too: YAML counts them as line breaks, an editor does not, so
#: every line number after one would be wrong.
_NON_PRINTABLE = re.compile(r"[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Located:
    """Loaded data with the position of every value and key, keyed by path."""

    file: str
    data: Any
    marks: dict[Path_, tuple[int, int]]
    #: Block scalars (``|`` or ``>``) by path: the 1-based line of their first content line, the
    #: indentation the text was cut from and the style, so that positions inside a ``|`` block
    #: map exactly to the file (``validate.prose_body``).
    blocks: dict[Path_, tuple[int, int, str]] = field(default_factory=dict, kw_only=True, compare=False)
    #: Plain values followed by ``" #"`` (one space, as inside a sentence) on the same line, by path:
    #: the (line, col) of the ``#`` and the text YAML drops; in prose this is text lost in silence.
    #: A comment set off by two spaces or more is taken as meant.
    comments: dict[Path_, tuple[int, int, str]] = field(default_factory=dict, kw_only=True, compare=False)

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
        return Problem(self.file, line, col, dotted(path), message, rule, place=place(self.data, tuple(path)))


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
    """Return the 1-based (line, column) of the character at ``index`` of ``text``, in characters."""
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


def _end_position(prefix: str) -> tuple[int, int]:
    """Return the (line, column) of the character just after ``prefix`` (the text read so far)."""
    return _position(prefix, len(prefix))


def read_text(path: Path, display: str) -> tuple[str | None, list[Problem]]:
    """Read ``path`` as UTF-8 text, or return the problems that prevent it.

    Why ``read_regular``: a ``*.yaml`` that is a symlink to ``/dev/zero``, a FIFO or a device
    reports 0 bytes to ``stat`` and would be read without end; only a regular file is read,
    and never more than ``MAX_FILE_BYTES`` + 1 bytes of it.
    """
    try:
        raw = read_regular(path, MAX_FILE_BYTES)
    except TooLarge as exc:
        return None, [_too_large(exc.size, display)]
    except NotRegularFile as exc:
        return None, [Problem(display, 1, 1, "", not_regular_message(path, exc.kind))]
    except OSError as exc:
        return None, [Problem(display, 1, 1, "", os_error_message(path, exc))]
    return decode(raw, display)


def not_regular_message(path: Path, kind: str) -> str:
    """Say in the author's words what ``path`` is instead of a regular file, and what to do."""
    if kind == "folder":
        return _("đây là thư mục, không phải tệp YAML")
    if kind == "fifo":
        return _("đây là ống dẫn (FIFO), không phải tệp thường; vanban chỉ đọc tệp văn bản thường")
    if kind == "device":
        return _("đây là thiết bị ({target}), không phải tệp thường; vanban chỉ đọc tệp văn bản thường").format(
            target=os.path.realpath(path))
    if kind == "socket":
        return _("đây là socket, không phải tệp thường; vanban chỉ đọc tệp văn bản thường")
    return _("đây không phải tệp thường; vanban chỉ đọc tệp văn bản thường")


def os_error_message(path: Path, exc: OSError) -> str:
    """Return why ``path`` cannot be opened, in the author's words (never the system's English)."""
    code = exc.errno
    if code == errno.ENOENT:
        if os.path.islink(path):
            return _("liên kết (symlink) trỏ tới '{target}', nơi không có tệp nào").format(target=os.readlink(path))
        return _("không tìm thấy tệp")
    if code in (errno.EACCES, errno.EPERM):
        return _("không có quyền đọc tệp")
    if code == errno.ELOOP:
        return _("liên kết (symlink) vòng quanh, không trỏ tới tệp nào")
    if code == errno.EISDIR:
        return _("đây là thư mục, không phải tệp YAML")
    if code == errno.ENOTDIR:
        return _("một phần của đường dẫn không phải thư mục")
    if code == errno.ENAMETOOLONG:
        return _("tên hoặc đường dẫn tệp quá dài")
    if code == errno.ENXIO:  # a socket, or a device without a driver: opening it fails before fstat
        try:
            return not_regular_message(path, kind_of(os.stat(path).st_mode))
        except OSError:
            return not_regular_message(path, "other")
    name = errno.errorcode.get(code or 0, str(code))
    return _("không đọc được tệp (mã lỗi hệ thống {code})").format(code=name)


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
        line, col = _end_position(raw[: raw.index(b"\x00")].decode("utf-8", "replace"))
        return None, [Problem(display, line, col, "", _("tệp nhị phân, không phải văn bản YAML"))]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Line and column count the characters of the valid text before the bad byte, as an
        # editor does: a byte offset would put the column past every accented letter.
        line, col = _end_position(raw[: exc.start].decode("utf-8"))
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
    # YAML also breaks lines at a lone CR; counting lines in one way everywhere keeps every
    # position this loader reports in step with the parser's.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = _NON_PRINTABLE.search(text)
    if bad:
        line, col = _position(text, bad.start())
        return None, [Problem(display, line, col, "", _forbidden_character(bad.group()))]
    directive = _unknown_directive(text)
    if directive:
        return None, [Problem(display, directive, 1, "", _(_DIRECTIVE))]
    loader_class = _PureStringLoader if pure_python else _StringLoader
    loader = loader_class(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            return None, [_syntax_problem(exc, text, display)]
        except yaml.reader.ReaderError as exc:  # pre-empted by _NON_PRINTABLE; kept as a safety net
            return None, [_reader_problem(exc, text, display)]
        except yaml.YAMLError:
            return None, [Problem(display, 1, 1, "", _(_SYNTAX_OTHER))]
        except RecursionError:  # the Python composer recurses; libyaml stops at its own depth limit
            return None, [_depth_problem(text, display)]
        if node is None:
            return None, [Problem(display, 1, 1, "", _("tệp rỗng"))]
        if not isinstance(node, yaml.MappingNode):
            message = (_("tệp phải là một nhóm trường (khóa: giá trị), không phải một danh sách")
                       if isinstance(node, yaml.SequenceNode)
                       else _("tệp phải là một nhóm trường (khóa: giá trị), không phải một giá trị đơn"))
            mark = node.start_mark
            line, col = _inside(text.split("\n"), mark.line + 1, mark.column + 1)  # '---' alone: past the end
            return None, [Problem(display, line, col, "", message)]
        walker = _Walker(loader, display, lambda: _first_alias(text, loader_class), text.split("\n"))
        data = walker.walk(node, ())
        if walker.problems:
            return None, cap_problems(walker.problems)
        return Located(display, data, walker.marks, blocks=walker.blocks, comments=walker.comments), []
    finally:
        loader.dispose()


def _unknown_directive(text: str) -> int | None:
    """Return the line of a '%' directive other than %YAML and %TAG before the document, if any.

    Why here: libyaml refuses such a line and PyYAML ignores it; the author must get the same
    answer from both.
    """
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("%"):
            if not re.match(r"%(YAML|TAG)[ \t]", line):
                return number
        elif line.strip() and not line.lstrip().startswith("#"):
            return None
    return None


def _reader_problem(exc: yaml.reader.ReaderError, text: str, display: str) -> Problem:
    """Locate a character the YAML reader refused: PyYAML counts characters, libyaml bytes."""
    code = exc.character if isinstance(exc.character, int) else 0
    index = exc.position
    if text[index : index + 1] != chr(code):  # a byte offset: count the characters before it
        index = len(text.encode("utf-8")[: exc.position].decode("utf-8", "ignore"))
    line, col = _position(text, min(index, len(text)))
    message = _("ký tự không được phép trong YAML (U+{code})").format(code=f"{code:04X}")
    return Problem(display, line, col, "", message)


def _forbidden_character(char: str) -> str:
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return _("ký tự thay thế lẻ (surrogate U+{code}) không hợp lệ").format(code=f"{code:04X}")
    if code in (0xFFFE, 0xFFFF):
        return _("ký tự U+{code} không phải là ký tự văn bản").format(code=f"{code:04X}")
    if code in (0x2028, 0x2029):
        return _("ký tự ngắt dòng lạ U+{code}: trình soạn thảo không hiện nó nhưng YAML coi là xuống dòng; "
                 "hãy xóa nó").format(code=f"{code:04X}")
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
_TAB = N_("có phím Tab ở đây; YAML chỉ dùng dấu cách để thụt lề và ngăn cách")
_CANNOT_START = N_("ký tự '{char}' không được đứng đầu một giá trị; hãy đặt giá trị trong dấu ngoặc kép")
_DIRECTIVE = N_("dòng bắt đầu bằng '%' là chỉ thị YAML, vanban không dùng; hãy bỏ dòng này "
                "(hoặc đặt giá trị trong dấu ngoặc kép)")
_TAG = N_("thẻ YAML (bắt đầu bằng '!') viết sai, và vanban không dùng thẻ; hãy bỏ dấu '!' "
          "hoặc đặt giá trị trong dấu ngoặc kép")
_LIST_INDENT = N_("sai thụt lề trong danh sách")
_KEY_INDENT = N_("sai thụt lề hoặc thiếu tên trường")
_SYNTAX_OTHER = N_("lỗi cú pháp YAML ở đây; hãy kiểm tra dấu ngoặc, dấu ':' và thụt lề "
                   "(hoặc đặt giá trị trong dấu ngoặc kép)")

#: libyaml and PyYAML word their problems differently; each pattern matches both (every problem
#: text of PyYAML's scanner, parser, composer and reader, and of libyaml, is matched here:
#: ``tests/test_yaml_messages.py`` checks that none falls through). Patterns on the problem are
#: tried first, then patterns on the context ("while scanning a directive"). The messages are
#: msgids, translated and filled in when a problem is made.
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
    (r"found unexpected document (indicator|separator)",
     N_("chuỗi trong dấu ngoặc{since} chưa được đóng trước dòng '---' hoặc '...'")),
    (r"(did not find expected key|expected <block end>)", _KEY_INDENT),
    (r"(did not find expected|expected the) node content", N_("thiếu giá trị")),
    (r"did not find expected '-' indicator", _LIST_INDENT),
    (r"(block )?sequence entries are not allowed", N_("không được bắt đầu danh sách '- ' ở đây (sai thụt lề?)")),
    (r"mapping keys are not allowed",
     N_("dấu '?' (khóa phức của YAML) không dùng được ở đây; hãy đặt giá trị trong dấu ngoặc kép")),
    (r"found unexpected ':'", N_("dấu ':' không đúng chỗ; hãy đặt giá trị trong dấu ngoặc kép")),
    (r"found (a )?tab character", _TAB),
    (r"found character .*that cannot start any token", _CANNOT_START),
    (r"found undefined alias", _NO_ALIASES),
    (r"found duplicate anchor", _NO_ALIASES),
    (r"(but found another document|expected a single document)",
     N_("tệp chỉ được chứa một văn bản YAML (bỏ dòng '---' thứ hai)")),
    (r"(did not find expected <document start>|expected '<document start>')",
     N_("sau dòng '...' (kết thúc văn bản YAML) không được viết tiếp; hãy bỏ dòng '...'")),
    (r"found incompatible YAML document", N_("phiên bản YAML không được hỗ trợ; hãy bỏ dòng '%YAML'")),
    (r"(found duplicate %?(YAML|TAG) directive|duplicate tag handle|found unknown directive name"
     r"|could not find expected directive name|found extremely long version number"
     r"|did not find expected (version number|digit))", _DIRECTIVE),
    (r"(found undefined tag handle|did not find (the )?expected '[!>]'|did not find expected tag URI"
     r"|did not find URI escaped octet|expected URI|expected '[!>]')", _TAG),
    (r"(found an indentation indicator equal to 0|expected indentation indicator|expected chomping)",
     N_("sau dấu '|' hoặc '>' chỉ được có '+', '-' hoặc một chữ số từ 1 đến 9, rồi xuống dòng")),
    (r"exceeded maximum nesting depth", _TOO_DEEP),
    (r"(control|special) characters are not allowed|invalid Unicode character|found unexpected non-alphabetical",
     N_("ký tự không được phép trong YAML ở đây; hãy xóa nó")),
    (r"(found an incorrect (leading|trailing) UTF-8 octet|invalid (leading|trailing) UTF-8 octet"
     r"|incomplete UTF-(8|16)|invalid length of a UTF-8|unexpected low surrogate)",
     N_("tệp không phải UTF-8 hợp lệ; hãy lưu lại dưới dạng UTF-8")),
    (r"input is too long", N_("tệp quá lớn")),
)

#: Patterns on the context, for problems whose own words say nothing an author can act on
#: ("expected a comment or a line break" means one thing after '%YAML', another after '|').
_DIRECTIVE_CONTEXT = r"while (scanning|parsing) (a|an) (%YAML |%TAG |tag )?directive"
_CONTEXTS: tuple[tuple[str, str], ...] = (
    (r"while (scanning|parsing) a tag", _TAG),
    (r"while scanning an? (anchor|alias)", _NO_ALIASES),
    (r"while scanning a block scalar",
     N_("sau dấu '|' hoặc '>' chỉ được có '+', '-' hoặc một chữ số từ 1 đến 9, rồi xuống dòng")),
    (r"while increasing (block|flow) level", _TOO_DEEP),
)


def syntax_message(problem: str, context: str) -> str:
    """Return the msgid for a YAML problem text (libyaml's or PyYAML's words), never English.

    A '%' directive is told by its context whatever the problem; otherwise the problem decides,
    then the context (an anchor, a tag, a block scalar: "expected a comment or a line break"
    means one thing after '%YAML', another after '|'); what matches nothing gets a general
    message rather than libyaml's English.
    """
    if re.match(_DIRECTIVE_CONTEXT, context):
        return _DIRECTIVE
    if "block collection" in context and re.match(r"expected <block end>", problem):
        return _LIST_INDENT  # libyaml's words for the same place: "did not find expected '-' indicator"
    for pattern, msgid in _SYNTAX:
        if re.match(pattern, problem):
            return msgid
    for pattern, msgid in (*_CONTEXTS, *_SYNTAX):
        if re.match(pattern, context):
            return msgid
    return _SYNTAX_OTHER


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, display: str) -> Problem:
    """Return a YAML syntax error as a located Problem with a message in the user's language."""
    problem = str(exc.problem or "")
    context = str(exc.context or "")
    msgid = syntax_message(problem, context)
    if msgid == _TOO_DEEP:
        return _depth_problem(text, display)
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    lines = text.split("\n")
    line, col = _inside(lines, line, col)
    here = lines[line - 1][col - 1 : col + 1] if 0 < line <= len(lines) else ""
    start = exc.context_mark
    since = " " + _("(mở ở dòng {line}, cột {col})").format(line=start.line + 1, col=start.column + 1) if start else ""
    if "quoted scalar" in context and ("end of stream" in problem or "document" in problem) and start is not None:
        # Point at the opening quote: the end of the file says nothing about where the quote is missing.
        line, col, since = start.line + 1, start.column + 1, ""
    if ("escape" in problem or "hexdecimal" in problem) and 0 < line <= len(lines):
        # Point at the backslash that starts the escape; libyaml and PyYAML stop at different characters.
        backslash = lines[line - 1].rfind("\\", 0, col)
        if backslash >= 0 and col - backslash <= 10:
            col = backslash + 1
            here = lines[line - 1][backslash : backslash + 2]
    if msgid == _CANNOT_START and here[:1] == "\t":
        msgid = _TAB
    prose = _prose_trap(msgid, lines, line, col)
    if prose is not None:
        line, col, message = prose
        return Problem(display, line, col, "", message)
    escape = here[1:2] if here[:1] == "\\" else here[:1]
    start_line = start.line + 1 if start else line
    message = _(msgid).format(since=since, escape=escape, start_line=start_line, max_depth=MAX_DEPTH,
                              char=here[:1])
    return Problem(display, line, col, "", message)


_KEY_LINE = re.compile(r"^(?P<indent> *)(?:- +)?(?P<key>[a-z_]+):(?: |$)")
_VALUE = re.compile(r"^ *(?:- +|[^\s:#'\"][^:#]*?: +)?")


def _prose_trap(msgid: str, lines: list[str], line: int, col: int) -> tuple[int, int, str] | None:
    """Return (line, col, message) naming the likely cause of a YAML error that ordinary prose triggers.

    Why: the parser's words ("mapping values are not allowed") describe YAML, not the sentence
    the clerk typed; the usual causes are few: a ': ' or a quote inside the text, a '-' without
    its space, a line indented unlike its neighbours. Each message names the cause and the fix.
    """
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    for back in range(line - 1, max(line - 4, 0), -1):  # a '-' glued to its text, here or just above
        glued = re.match(r"^( *)-([^\s-].*)$", lines[back - 1])
        if glued and msgid in (_LIST_INDENT, _SYNTAX[1][1]):
            return back, len(glued.group(1)) + 1, _(
                "thiếu dấu cách sau dấu '-': YAML chỉ coi '- ' (gạch rồi dấu cách) là một mục danh sách; "
                "hãy viết '- {text}'").format(text=glued.group(2)[:40])
    value = _VALUE.match(text)
    start = value.end() if value else 0
    quote = text[start:start + 1]
    if msgid == _LIST_INDENT and quote in ("'", '"'):
        close = text.find(quote, start + 1)
        if 0 < close < col - 1:
            inner = text[start:].strip()
            return line, close + 2, _(
                "chữ sau dấu ngoặc đóng ở cột {col}: trong YAML dấu ngoặc ở đầu giá trị phải bao cả giá trị; "
                "hãy đặt cả câu trong ngoặc khác loại, ví dụ {fixed}").format(
                col=close + 1, fixed=("'" + inner + "'") if quote == '"' else ('"' + inner + '"'))
    if msgid == _SYNTAX[0][1]:  # "mapping values are not allowed"
        key = _KEY_LINE.match(text)
        if key is not None and col - 1 == key.end("key"):
            above = next((lines[i] for i in range(line - 2, -1, -1) if lines[i].strip()), "")
            above = re.match(r"^ *(?:- +)?", above).group()  # type: ignore[union-attr]
            return line, len(key.group("indent")) + 1, _(
                "dòng '{key}:' thụt lề sâu hơn dòng trên, nên YAML coi nó là phần tiếp của giá trị ở dòng trên; "
                "hãy thụt lề '{key}' thẳng cột với các trường cùng nhóm "
                "(trường ở dòng trên bắt đầu sau {above} ký tự)").format(
                key=key.group("key"), above=len(above))
        shown = text[start:].strip()
        return line, col, _(
            "dấu ': ' trong văn bản làm YAML tưởng đây là tên trường; hãy đặt cả giá trị trong dấu ngoặc kép, "
            "ví dụ \"{text}\", hoặc viết nội dung dạng khối '|'").format(text=shown if len(shown) <= 60
                                                                           else shown[:57] + "…")
    if msgid in (_LIST_INDENT, _KEY_INDENT):
        dash = re.match(r"^( *)- ", text)
        if dash:
            cols = sorted({len(m.group(1)) + 1 for m in (re.match(r"^( *)- ", t) for t in lines[: line - 1]) if m})
            return line, len(dash.group(1)) + 1, _(
                "dấu '- ' ở cột {col} không thẳng cột với các mục của danh sách ở trên (cột {cols}); "
                "các mục cùng danh sách phải thẳng cột").format(
                col=len(dash.group(1)) + 1, cols=", ".join(str(c) for c in cols))
    return None


def _inside(lines: list[str], line: int, col: int) -> tuple[int, int]:
    """Return (line, col) moved inside the file: the parsers place an error at the end of a
    file without a final newline on a line after the last one."""
    if line > len(lines):
        line, col = len(lines), len(lines[-1]) + 1
    return line, min(col, len(lines[line - 1]) + 1)


def _depth_problem(text: str, display: str) -> Problem:
    """Return the problem of the first value nested deeper than MAX_DEPTH, located at that value.

    Why from the events: the composer gives up (libyaml at 1,000 levels, PyYAML's Python
    composer at Python's recursion limit) far past the first value too deep, and without a
    path; the event stream is flat, so it is walked here to the value the walker would name.
    """
    path: list[str | int] = []
    # Per open collection: [is a mapping, next index or current key, awaiting a key, is itself a key].
    frames: list[list[Any]] = []
    try:
        # PyYAML's own parser: libyaml's scanner looks ahead and stops at its 1,000-level limit
        # before it yields the first event (about 1 s for a 2 MB file, on this error path only).
        for event in yaml.parse(text, Loader=_PureStringLoader):
            if isinstance(event, yaml.CollectionEndEvent):
                ended = frames.pop()
                if frames:
                    path.pop()
                    if ended[3]:
                        frames[-1][2] = False  # a complex key ended: its value comes next
                    else:
                        _advance(frames[-1])
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue
            is_key = bool(frames and frames[-1][0] and frames[-1][2])
            if is_key:
                frames[-1][1] = getattr(event, "value", "?")
                frames[-1][2] = False
            here = (*path, frames[-1][1]) if frames else ()
            mark = event.start_mark
            if len(here) > MAX_DEPTH and not is_key and mark is not None:
                message = _(_TOO_DEEP).format(max_depth=MAX_DEPTH)
                return Problem(display, mark.line + 1, mark.column + 1, dotted(here), message)
            if isinstance(event, yaml.CollectionStartEvent):
                if frames:
                    path.append(frames[-1][1])
                frames.append([isinstance(event, yaml.MappingStartEvent), 0, True, is_key])
            elif frames and not is_key:
                _advance(frames[-1])
    except (yaml.YAMLError, RecursionError):
        pass
    return Problem(display, 1, 1, "", _(_TOO_DEEP).format(max_depth=MAX_DEPTH))


def _advance(frame: list[Any]) -> None:
    """Move an open collection past one finished value: the next index, or back to awaiting a key."""
    if frame[0]:
        frame[2] = True
    else:
        frame[1] += 1


_PLAIN_TAGS: dict[type[yaml.Node], str] = {
    yaml.ScalarNode: "tag:yaml.org,2002:str",
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}


class _Walker:
    """Turn a composed node tree into dicts, lists and strings, recording marks."""

    def __init__(self, loader: yaml.SafeLoader, file: str,
                 first_alias: Callable[[], tuple[int, int, str] | None], lines: list[str] | None = None) -> None:
        self.loader = loader
        self.lines = lines or []
        self.blocks: dict[Path_, tuple[int, int, str]] = {}
        self.comments: dict[Path_, tuple[int, int, str]] = {}
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

    def _note(self, node: yaml.ScalarNode, path: Path_) -> None:
        """Record where a block scalar's text starts, or the comment that ends a plain value's line."""
        if node.style in ("|", ">"):
            first = node.start_mark.line + 1  # 0-based index of the line after the '|'
            # A literal block's line k is the file's line first + k less the indentation, whatever
            # the indicator ('|2' keeps spaces beyond it as text): measure the cut on a text line.
            text = node.value.split("\n")
            k = next((k for k, line in enumerate(text) if line.strip()), 0)
            file_line = self.lines[first + k] if first + k < len(self.lines) else ""
            indent = max(len(file_line) - len(text[k]), 0) if node.style == "|" else \
                len(file_line) - len(file_line.lstrip(" "))
            self.blocks[path] = (first + 1, indent, node.style)
        elif not node.style and node.end_mark.line < len(self.lines):
            rest = self.lines[node.end_mark.line][node.end_mark.column:]
            found = re.match(r" #", rest)  # one space, as inside a sentence; a comment set off by two is meant
            if found:
                col = node.end_mark.column + found.end()
                self.comments[path] = (node.end_mark.line + 1, col, rest[found.end() - 1:].strip())

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
            self._note(node, path)
            return self.loader.construct_object(node, deep=True)
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
