"""Check that every cited ND30 rule ID resolves in docs/nd30.md and that no file names a machine-local path.

Why: the code, templates and tests cite formatting rules by ID (``R-NUM-3``, ``T-14`` …) from a
specification kept outside the repository; ``docs/nd30.md`` is where a maintainer looks them up,
so a cited ID missing from it, or listed there twice, is a dead or ambiguous reference. A path
such as ``/home/<user>/…`` exists on one machine only and points nowhere for everybody else.
Both scans read every text file of the checkout (git's ignored folders and binaries skipped),
so a new file is checked before it is committed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INDEX = ROOT / "docs" / "nd30.md"
THIS = Path(__file__).resolve()  # its examples cite made-up IDs and paths on purpose

#: Folders that are not the repository's content: local environments, outputs, caches.
SKIP_NAMES = frozenset({
    ".git", ".venv", "venv", "output", "dist", "build", "node_modules", "__pycache__",
    ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis",
})
#: Binary or compiled files, skipped unread; any other file holding a NUL byte is skipped too.
BINARY_SUFFIXES = frozenset({
    ".mo", ".pyc", ".png", ".jpg", ".jpeg", ".gif", ".pdf", ".docx", ".xlsx", ".odt",
    ".ttf", ".otf", ".woff", ".woff2", ".zip", ".gz", ".whl", ".tmp",
})

_PART = r"\d+[a-z]?(?:-\d+)?"  # 3, 1a, 5a-2
#: A rule ID with its shorthand continuations: R-NUM-1/2/6, R-EL-1a/1b, R-BODY-1..4.
_RULE = re.compile(rf"(?<![A-Za-z0-9])R-(?P<family>[A-Z]+)-(?P<first>{_PART})(?P<more>(?:/{_PART}|\.\.\d+)*)")
_STEP = re.compile(rf"/(?P<next>{_PART})|\.\.(?P<last>\d+)")
#: A test assertion ID; the look-behind keeps task ids such as KT-01 out.
_TEST = re.compile(r"(?<![A-Za-z0-9-])T-\d{2}(?!\d)")
#: An index row: a Markdown table row whose first cell is an ID.
_ROW = re.compile(r"^\|\s*(R-[A-Z]+-\d+[a-z]?(?:-\d+)?|T-\d{2})\s*\|")
#: An absolute path under a machine's own folders (not ../work/, not a URL's /home/).
_LOCAL_PATH = re.compile(r"(?<![\w.~-])/+(?:work|home|root)/")


def _expand(family: str, first: str, more: str) -> Iterator[str]:
    """Yield the IDs one citation stands for: ``R-NUM-1/2`` is R-NUM-1 and R-NUM-2.

    Why: the code abbreviates lists and ranges; each member must resolve on its own. A range
    that cannot be expanded is yielded as written, so it is reported instead of ignored.
    """
    current = first
    yield f"R-{family}-{current}"
    for step in _STEP.finditer(more):
        if step["next"] is not None:
            nxt = step["next"]
            head = re.fullmatch(r"(\d+[a-z])-\d+", current)
            current = f"{head[1]}-{nxt}" if head and nxt.isdigit() else nxt  # R-EL-5a-2/3 → R-EL-5a-3
            yield f"R-{family}-{current}"
        else:
            last = step["last"]
            if not current.isdigit() or not 0 < int(last) - int(current) <= 50:
                yield f"R-{family}-{current}..{last}"
                continue
            yield from (f"R-{family}-{n}" for n in range(int(current) + 1, int(last) + 1))
            current = last


def cited_ids(text: str) -> list[tuple[int, str]]:
    """Return ``(line, id)`` for every rule or test ID ``text`` cites, shorthand expanded.

    Why: a citation counts wherever it stands (comment, message, docstring, expected output).
    """
    found: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        hits = [(m.start(), rid) for m in _RULE.finditer(line) for rid in _expand(m["family"], m["first"], m["more"])]
        hits += [(m.start(), m[0]) for m in _TEST.finditer(line)]
        found += [(number, rid) for _, rid in sorted(hits, key=lambda hit: hit[0])]
    return found


def indexed_ids(text: str) -> dict[str, list[int]]:
    """Return each ID listed in the index with the lines of its rows.

    Why: only the first cell of a table row defines an ID; IDs in the prose or in the other
    cells are cross-references and define nothing.
    """
    rows: dict[str, list[int]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if match := _ROW.match(line):
            rows.setdefault(match[1], []).append(number)
    return rows


def unresolved(citations: dict[str, list[tuple[int, str]]], index: dict[str, list[int]]) -> list[str]:
    """Return ``file:line: id`` for each citation (file name → ``cited_ids``) the index lacks.

    Why: the report must say where the dead citation is, so it can be fixed or indexed.
    """
    return [f"{name}:{line}: {rid}" for name, found in citations.items() for line, rid in found if rid not in index]


def local_paths(text: str) -> list[tuple[int, str]]:
    """Return ``(line, text of the line)`` for each line naming an absolute /work/, /home/ or /root/ path.

    Why: such a path exists on one machine; a repository file must point at a relative path.
    """
    return [(number, line.strip()) for number, line in enumerate(text.splitlines(), start=1)
            if _LOCAL_PATH.search(line)]


def text_files(root: Path = ROOT) -> dict[str, str]:
    """Return every text file under ``root`` (relative POSIX name → text), this test file excluded.

    Why: the checks must see what a checkout holds, not what one machine adds to it (the
    virtualenv, outputs, caches), and binary files hold no citations worth reading.
    """
    files: dict[str, str] = {}
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_NAMES and not d.endswith(".egg-info"))
        for name in sorted(names):
            path = Path(folder, name)
            if name in SKIP_NAMES or path.suffix.lower() in BINARY_SUFFIXES or path.resolve() == THIS:
                continue
            data = path.read_bytes()
            if b"\0" not in data:
                files[path.relative_to(root).as_posix()] = data.decode("utf-8", errors="replace")
    return files


def test_every_cited_rule_id_is_in_the_index() -> None:
    """Fail with file:line for each rule or test ID cited in the repository but absent from docs/nd30.md."""
    index = indexed_ids(INDEX.read_text(encoding="utf-8"))
    citations = {name: cited_ids(text) for name, text in text_files().items() if name != "docs/nd30.md"}
    assert sum(map(len, citations.values())) > 100, "the scan found almost no citations: is it reading the files?"
    missing = unresolved(citations, index)
    assert not missing, "cited, but not in docs/nd30.md (add a row there):\n" + "\n".join(missing)


def test_the_index_lists_each_id_once() -> None:
    """Fail for an ID that has more than one row in docs/nd30.md."""
    index = indexed_ids(INDEX.read_text(encoding="utf-8"))
    twice = [f"docs/nd30.md:{','.join(map(str, lines))}: {rid}" for rid, lines in index.items() if len(lines) > 1]
    assert not twice, "listed more than once:\n" + "\n".join(twice)


def test_no_file_names_a_machine_local_path() -> None:
    """Fail with file:line for each text file that names an absolute path under /work/, /home/ or /root/."""
    found = [f"{name}:{line}: {text}" for name, body in text_files().items() for line, text in local_paths(body)]
    assert not found, "absolute machine paths (use a path relative to the repository):\n" + "\n".join(found)


def test_the_scanner_expands_shorthand_and_reports_unknown_ids() -> None:
    """Prove the scan can fail: a made-up ID is reported with its file and line."""
    text = "x [R-NUM-1/2/6] y\nR-EL-1a/1b, R-EL-5a-2/3, R-BODY-1..3, R-EL-3/R-EL-4, T-05\nKT-01 R-ZZZ-9 T-99\n"
    assert cited_ids(text) == [
        (1, "R-NUM-1"), (1, "R-NUM-2"), (1, "R-NUM-6"),
        (2, "R-EL-1a"), (2, "R-EL-1b"), (2, "R-EL-5a-2"), (2, "R-EL-5a-3"),
        (2, "R-BODY-1"), (2, "R-BODY-2"), (2, "R-BODY-3"), (2, "R-EL-3"), (2, "R-EL-4"), (2, "T-05"),
        (3, "R-ZZZ-9"), (3, "T-99"),
    ]
    index = indexed_ids(INDEX.read_text(encoding="utf-8"))
    assert unresolved({"made/up.py": cited_ids(text)}, index) == ["made/up.py:3: R-ZZZ-9", "made/up.py:3: T-99"]
    assert unresolved({"x.py": cited_ids("R-PAGE-9..2")}, index) == ["x.py:1: R-PAGE-9", "x.py:1: R-PAGE-9..2"]


def test_the_index_parser_and_path_scanner_on_made_up_text() -> None:
    """Prove the duplicate and path checks can fail on a small example."""
    assert indexed_ids("| R-A-1 | one |\nsee R-A-2\n| R-A-1 | again |\n| T-01 | x |\n") == {
        "R-A-1": [1, 3], "T-01": [4],
    }
    text = "# Nguồn: /work/shared/x.txt\n../work/x and https://example.org/home/x\nfile:///root/y\n"
    assert [line for line, _ in local_paths(text)] == [1, 3]
