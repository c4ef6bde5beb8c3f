"""The inline grammar: what an author marks inside a sentence, parsed once into data and runs.

Why one grammar: emphasis, footnotes, the deadline phrase, the units a sentence assigns and a
span that must not break are all "this part of the sentence is special". One sigil, ``^``,
followed by a name and a bracketed part, says so for all of them; ``docs/inline.md`` is the
reference. ``^`` can open a plain YAML scalar (``*``, ``&``, ``[``, ``{`` … cannot) and means
nothing inside double quotes, and office prose almost never contains it: a ``^`` not followed
by a known name and ``[`` is printed as written. The parser runs when the model is built, so a
mistake is a located content error, and renderers only ever see runs (text plus bold, italic,
no-break or a footnote), never markup.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from vanban.hints import did_you_mean
from vanban.i18n import _
from vanban.pipeline import deadlines, rules

SIGIL = "^"
#: Marks that change how the words look.
BOLD, ITALIC, NOBREAK = "dam", "nghieng", "lien"
#: A footnote: its words go to the foot of the page, numbered 1, 2, 3 … through the notice.
NOTE = "chu_thich"
#: The deadline phrase of a task, and the units it assigns (the item becomes a task).
DEADLINE = "han"
UNITS = ("don_vi", "chu_tri", "phoi_hop")
TASK_MARKS = frozenset({DEADLINE, *UNITS})
STYLE_MARKS = frozenset({BOLD, ITALIC, NOBREAK})
ALL_MARKS = frozenset({*STYLE_MARKS, NOTE, *TASK_MARKS})
#: Marks that say what a line of a prose body is and print nothing: the task's id, and the unit
#: whose tasks the lines right below a heading are. ``prose`` reads them off the line before this
#: parser sees the text; anywhere else they are refused with the structured form's field to use.
ID, TASKS_OF = "ma", "nhiem_vu_cua"
LINE_MARKS = {ID: "ma", TASKS_OF: "don_vi"}
#: What each kind of text accepts: a body item everything; an opening, closing or heading no
#: task marks; a title line only the no-break span (it is bold and centred as a whole).
BODY = ALL_MARKS
PARAGRAPH = frozenset({*STYLE_MARKS, NOTE})
TITLE = frozenset({NOBREAK})

_NAME = re.compile(r"([a-z_]+)\[")
#: How a footnote reads in plain text (task lists, diffs): in place, in parentheses.
NOTE_PLAIN = " (chú thích: {text})"


class InlineError(ValueError):
    """Raise when marked text cannot be read (unknown mark, unclosed bracket, mark not allowed here)."""


@dataclass(frozen=True)
class Span:
    """A marked part of a sentence: ``^dam[…]`` is ``Span("dam", …)``; ``deadline`` for ``^han``."""

    mark: str
    children: tuple[Node, ...]
    deadline: deadlines.Deadline | None = None


Node = str | Span


@dataclass(frozen=True)
class Note:
    """A footnote as both renderers draw it: its number in the notice and its runs."""

    number: int
    runs: tuple[Run, ...]

    @property
    def text(self) -> str:
        """Return the footnote's words."""
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Run:
    """A stretch of text in one style, or (``note`` set, ``text`` empty) a footnote call."""

    text: str
    bold: bool = False
    italic: bool = False
    nobreak: bool = False
    note: Note | None = None
    gap: bool = False  # the one space between two runs, a box of its own in the PDF (see ``line_runs``)

    @property
    def plain(self) -> bool:
        """Tell whether the run is ordinary text (no style, no footnote, not a gap between runs)."""
        return not (self.bold or self.italic or self.nobreak or self.note or self.gap)


class Inline(str):
    """One parsed piece of text: as a string, what a reader reads; ``nodes`` hold the marks.

    Why a string: code that only needs the words (a joined title, a task list, a cited
    subject) keeps treating it as the text it always was; the marks ride along.
    """

    nodes: tuple[Node, ...]

    def __new__(cls, nodes: tuple[Node, ...]) -> Inline:
        """Return the parsed text whose string value is its plain words (footnotes left out)."""
        self = super().__new__(cls, "".join(r.text for r in _runs(nodes, None, _no_notes())))
        self.nodes = nodes
        return self

    def __reduce__(self) -> tuple[type[Inline], tuple[tuple[Node, ...]]]:
        return Inline, (self.nodes,)

    @property
    def plain(self) -> str:
        """Return what a reader reads, without footnotes, spaces collapsed as in the notice."""
        return str.__str__(self)

    @property
    def text(self) -> str:
        """Return the text with each footnote in place as " (chú thích: …)" (for task lists and diffs)."""
        return "".join(r.text if r.note is None else NOTE_PLAIN.format(text=r.note.text)
                       for r in _runs(self.nodes, None, _numbered()))

    def spans(self, mark: str) -> list[Span]:
        """Return the spans of one mark, in reading order (footnotes included)."""
        return [s for s in _walk(self.nodes) if s.mark == mark]

    def marked(self, mark: str) -> tuple[str, ...]:
        """Return the plain words of every span of ``mark`` (the units a sentence assigns)."""
        return tuple(Inline(s.children).plain for s in self.spans(mark))

    @property
    def deadline(self) -> deadlines.Deadline | None:
        """Return the deadline marked ``^han[…]`` in the sentence, if any."""
        found = self.spans(DEADLINE)
        return found[0].deadline if found else None

    @property
    def has_task_marks(self) -> bool:
        """Tell whether the sentence marks a deadline or a unit (which makes its item a task)."""
        return any(s.mark in TASK_MARKS for s in _walk(self.nodes))

    @property
    def note_count(self) -> int:
        """Return how many footnotes the text holds."""
        return len(self.spans(NOTE))

    def runs(self, numbers: Iterator[int], case: Callable[[str], str] | None = None) -> tuple[Run, ...]:
        """Return the runs renderers draw; footnotes take their numbers from ``numbers`` in order.

        ``case`` changes the words (a mục heading's upper case), never a footnote's.
        """
        return tuple(_runs(self.nodes, case, numbers))


def _walk(nodes: tuple[Node, ...]) -> Iterator[Span]:
    for node in nodes:
        if isinstance(node, Span):
            yield node
            yield from _walk(node.children)


def _numbered() -> Iterator[int]:
    number = 0
    while True:
        number += 1
        yield number


def _no_notes() -> Iterator[int]:
    return iter(())


# --- parsing ------------------------------------------------------------------------------------


def parse(source: str, allowed: frozenset[str] = BODY) -> Inline:
    """Return the parsed text; raise InlineError for a mark that is unknown, unclosed or not allowed here."""
    nodes, end = _parse(source, 0, allowed, None)
    assert end == len(source)
    return Inline(nodes)


def plain_inline(text: str) -> Inline:
    """Return text vanban writes itself as an Inline without marks (nothing in it is parsed)."""
    return text if isinstance(text, Inline) else Inline((text,))


def _parse(src: str, i: int, allowed: frozenset[str], inside: str | None) -> tuple[tuple[Node, ...], int]:
    """Parse from ``i`` to the end (or, ``inside`` a span, to its closing ``]``)."""
    nodes: list[Node] = []
    buf: list[str] = []
    depth = 0  # brackets opened inside a span that are ordinary text: "^chu_thich[xem [1]]"
    while i < len(src):
        ch = src[i]
        if ch == SIGIL:
            nxt = src[i + 1] if i + 1 < len(src) else ""
            if nxt in (SIGIL, "[", "]"):
                buf.append(nxt)  # the escape: ^^ ^[ ^]
                i += 2
                continue
            match = _NAME.match(src, i + 1)
            if match is None:
                buf.append(ch)
                i += 1
                continue
            name = match[1]
            _check_mark(name, allowed, inside)
            children, i = _parse(src, match.end(), _inner(allowed, name), name)
            if buf:
                nodes.append("".join(buf))
                buf = []
            nodes.append(_span(name, children))
            continue
        if inside is not None and ch == "[":
            depth += 1
        elif inside is not None and ch == "]":
            if depth == 0:
                if buf:
                    nodes.append("".join(buf))
                if not nodes or not Inline(tuple(nodes)).plain.strip():
                    raise InlineError(_("'^{mark}[…]' không được để trống").format(mark=inside))
                return tuple(nodes), i + 1
            depth -= 1
        buf.append(ch)
        i += 1
    if inside is not None:
        raise InlineError(_("thiếu ']' đóng '^{mark}['").format(mark=inside))
    if buf:
        nodes.append("".join(buf))
    return tuple(nodes), i


def _check_mark(name: str, allowed: frozenset[str], inside: str | None) -> None:
    if name in LINE_MARKS:
        raise InlineError(_(
            "'^{mark}[…]' chỉ dùng trên một dòng của nội dung gõ dạng khối '|', không lồng trong dấu khác; "
            "ở dạng có khóa hãy ghi trường '{field}: …'").format(mark=name, field=LINE_MARKS[name]))
    if name not in ALL_MARKS:
        raise InlineError(_("không có dấu '^{mark}[…]'").format(mark=name)
                          + did_you_mean(name, sorted(ALL_MARKS)) + " " + _("(xem docs/inline.md)"))
    if name not in allowed:
        where = _("trong chú thích") if inside == NOTE else _("ở đây")
        if inside in (DEADLINE, *UNITS) and name == inside:
            where = _("lồng trong chính nó")
        raise InlineError(_("không dùng '^{mark}[…]' {where}").format(mark=name, where=where))


def _inner(allowed: frozenset[str], name: str) -> frozenset[str]:
    """Return the marks allowed inside a span of ``name``: no footnote or task mark in a footnote."""
    if name == NOTE:
        return allowed & STYLE_MARKS
    if name == DEADLINE:
        return allowed & STYLE_MARKS
    if name in UNITS:
        return allowed & (STYLE_MARKS | {NOTE})
    return allowed


def _span(name: str, children: tuple[Node, ...]) -> Span:
    if name != DEADLINE:
        return Span(name, children)
    phrase = Inline(children).plain
    try:
        return Span(name, children, deadlines.parse(phrase))
    except deadlines.DeadlineError as exc:
        raise InlineError(str(exc)) from None


# --- runs -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Style:
    bold: bool = False
    italic: bool = False
    nobreak: bool = False


_NEWLINE = "\n"


def _tokens(nodes: tuple[Node, ...], style: _Style) -> Iterator[tuple[str, _Style] | Span]:
    """Yield each character with its style, and each footnote as itself."""
    for node in nodes:
        if isinstance(node, str):
            for ch in node:
                yield ch, style
        elif node.mark == NOTE:
            yield node
        else:
            inner = _Style(style.bold or node.mark == BOLD, style.italic or node.mark == ITALIC,
                           style.nobreak or node.mark == NOBREAK)
            yield from _tokens(node.children, inner)


def _runs(nodes: tuple[Node, ...], case: Callable[[str], str] | None,
          numbers: Iterator[int]) -> Iterator[Run]:
    """Yield runs with spaces collapsed exactly as ``rules.collapse_spaces`` does on plain text.

    Within a line, runs of whitespace become one space and the line is trimmed; empty lines go.
    A footnote swallows the space before it ("kế hoạch ^chu_thich[…]" calls right after "hoạch").
    """
    lines: list[list[tuple[str, _Style] | Span]] = [[]]
    for token in _tokens(nodes, _Style()):
        if isinstance(token, tuple) and token[0] == _NEWLINE:
            lines.append([])
        else:
            lines[-1].append(token)
    out: list[tuple[str, _Style] | Span] = []
    for line in lines:
        kept: list[tuple[str, _Style] | Span] = []
        pending: _Style | None = None
        for token in line:
            if isinstance(token, tuple) and token[0].isspace():
                if kept and pending is None:
                    pending = token[1]
                continue
            if pending is not None and isinstance(token, tuple):
                kept.append((" ", pending))
            pending = None
            kept.append(token)
        if kept:
            if out:
                out.append((_NEWLINE, _Style()))
            out.extend(kept)
    yield from _merge(out, case, numbers)


def _merge(tokens: list[tuple[str, _Style] | Span], case: Callable[[str], str] | None,
           numbers: Iterator[int]) -> Iterator[Run]:
    text: list[str] = []
    style = _Style()
    for token in tokens:
        if isinstance(token, Span):
            if text:
                yield _run("".join(text), style, case)
                text = []
            number = next(numbers, 0)
            yield Run("", note=Note(number, tuple(_runs(token.children, None, _no_notes()))))
            continue
        ch, here = token
        if here != style and text:
            yield _run("".join(text), style, case)
            text = []
        style = here
        text.append(ch)
    if text:
        yield _run("".join(text), style, case)


def _run(text: str, style: _Style, case: Callable[[str], str] | None) -> Run:
    return Run(case(text) if case else text, style.bold, style.italic, style.nobreak)


# --- runs as text ---------------------------------------------------------------------------------


def runs_text(runs: tuple[Run, ...]) -> str:
    """Return the words of ``runs`` without footnote calls (what a paragraph reads as)."""
    return "".join(r.text for r in runs)


def with_tail(runs: tuple[Run, ...], change: Callable[[str], str]) -> tuple[Run, ...]:
    """Return ``runs`` with the end of the last words changed by ``change`` (end mark, deadline).

    Why on the last text run: the end mark and an appended deadline go right after the last
    character the reader sees [R-END-1]; footnote calls after it stay after it.
    """
    index = max((i for i, r in enumerate(runs) if r.note is None), default=-1)
    if index < 0:
        return (*runs, Run(change("")))
    last = runs[index]
    return (*runs[:index], Run(change(last.text), last.bold, last.italic, last.nobreak), *runs[index + 1:])


def title_breaks(source: Inline) -> list[tuple[int, int]]:
    """Return the (start, end) character spans of ``source.plain`` marked ``^lien[…]`` (must not break)."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for run in source.runs(_no_notes()):
        if run.nobreak:
            if spans and spans[-1][1] == offset:
                spans[-1] = (spans[-1][0], offset + len(run.text))
            else:
                spans.append((offset, offset + len(run.text)))
        offset += len(run.text)
    return spans


# --- line breaking -------------------------------------------------------------------------------


def line_runs(runs: tuple[Run, ...], keep: Callable[[str], list[tuple[int, int]]]) -> tuple[Run, ...]:
    """Return ``runs`` with the spans ``keep`` finds in their words made no-break, and each space between runs a gap.

    Why here, once: the context decides where a line must not break (``rules.protected_spans``
    [R-BRK-1]) and both renderers draw the result, the PDF as no-wrap spans, the .docx with
    no-break spaces and word joiners; the words themselves never change. Touching spans stay
    separate runs, so a web address may still break between two of its segments.

    Why gaps: WeasyPrint 70 measures a text box with its trailing space; when the words before
    an inline box (bold, italic, no-wrap) fit the line only without that space, it breaks the
    line after the paragraph's first word instead (a lone "Giao" above the rest, issue 17). A
    space between two runs drawn as a box of its own never trails a text box.
    """
    for_notes = tuple(replace(r, note=Note(r.note.number, line_runs(r.note.runs, keep))) if r.note else r
                      for r in runs)
    return _gapped(_keep(for_notes, keep(runs_text(for_notes))))


def _keep(runs: tuple[Run, ...], spans: list[tuple[int, int]]) -> tuple[Run, ...]:
    """Return ``runs`` cut at the edges of ``spans``; the parts inside a span are no-break."""
    if not spans:
        return runs
    out: list[Run] = []
    offset = 0
    for run in runs:
        end = offset + len(run.text)
        cuts = sorted({offset, end, *(x for a, b in spans for x in (a, b) if offset < x < end)})
        whole = len(cuts) == 2 and not any(a <= offset and end <= b for a, b in spans)
        if run.note is not None or run.nobreak or whole:
            out.append(run)
        else:
            for a, b in itertools.pairwise(cuts):
                inside = any(s <= a and b <= e for s, e in spans)
                out.append(replace(run, text=run.text[a - offset:b - offset], nobreak=run.nobreak or inside))
        offset = end
    return tuple(out)


def _gapped(runs: tuple[Run, ...]) -> tuple[Run, ...]:
    """Return ``runs`` with the space between two runs placed where WeasyPrint measures it right.

    Never at the end of a text box before an inline box: after a no-break run it ends that
    run (a break after it stays allowed), before a breakable run it starts it; before a
    no-break run the last word and its space become a run of their own (a gap), so the worst
    WeasyPrint can do is break after that one word, a break the text allows anyway. Every
    space stays in a box with words, so the PDF still draws it and text extraction reads it.
    """
    items = [r for r in _spaces_joined(list(runs)) if r.text or r.note is not None]
    for i in range(len(items) - 1):
        a, b = items[i], items[i + 1]
        if a.note is not None or b.note is not None:
            continue
        if a.text.endswith(" ") and not a.nobreak and not b.nobreak:
            items[i], items[i + 1] = replace(a, text=a.text[:-1]), replace(b, text=" " + b.text)
        elif b.text.startswith(" ") and (a.nobreak or b.nobreak):
            items[i], items[i + 1] = replace(a, text=a.text + " "), replace(b, text=b.text[1:])
    out: list[Run] = []
    for i, run in enumerate(items):
        after = items[i + 1] if i + 1 < len(items) else None
        cut = run.text.rstrip(" ").rfind(" ")
        if (after is not None and after.nobreak and not run.nobreak and run.note is None and run.text.endswith(" ")
                and cut > 0 and "\n" not in run.text[cut:]):
            out += [replace(run, text=run.text[:cut]), replace(run, text=run.text[cut:], gap=True)]
        elif run.text or run.note is not None:
            out.append(run)
    return tuple(out)


def _spaces_joined(runs: list[Run]) -> list[Run]:
    """Return ``runs`` with each run that is only a space merged into a neighbour (``_gapped`` places it)."""
    out: list[Run] = []
    for i, run in enumerate(runs):
        after = runs[i + 1] if i + 1 < len(runs) else None
        if run.text == " " and run.note is None and out and out[-1].note is None and after is not None:
            if out[-1].nobreak or after.nobreak or after.note is not None:
                out[-1] = replace(out[-1], text=out[-1].text + " ")
            else:
                runs[i + 1] = replace(after, text=" " + after.text)
            continue
        out.append(run)
    return out


def joined_text(runs: tuple[Run, ...]) -> str:
    """Return the words of ``runs`` with each no-break run's break points closed, for a plain .docx value.

    Spaces become no-break spaces and a WORD JOINER (U+2060) follows every "/", "-" and "–"
    inside the run (Liberation Serif has no glyph for U+2011) [R-BRK-1].
    """
    return "".join(no_break(r.text) if r.nobreak else r.text for r in runs)


WORD_JOINER = "\u2060"
_BREAK_AFTER = re.compile(r"([/\-–])(?!$)")
_BREAK_AFTER_NO_HYPHEN = re.compile(r"([/–])(?!$)")


def no_break(text: str, hyphens: bool = True) -> str:
    """Return ``text`` with no break opportunity left inside it: no-break spaces, a word joiner after "/", "-", "–".

    A "/" ending the text is left open: it is where a web address may break. ``hyphens``
    False leaves "-" alone, for a renderer that writes Word's own no-break hyphen.
    """
    pattern = _BREAK_AFTER if hyphens else _BREAK_AFTER_NO_HYPHEN
    core = text.strip(" ")
    start = text.index(core) if core else 0
    # A space at either end is where the run meets its neighbours: a break there stays allowed.
    return text[:start] + pattern.sub(r"\1" + WORD_JOINER, core.replace(" ", "\u00a0")) + text[start + len(core):]


def recipient_runs(line: str) -> tuple[Run, ...]:
    """Return a Nơi nhận line as runs: its references and short annotations ("(để b/c)") no-break [R-BRK-1].

    Why one function: the original's Nơi nhận and a copy's (Mẫu 3.1) keep the same spans whole.
    """
    return line_runs((Run(line),), lambda text: rules.protected_spans(text, annotations=True))
