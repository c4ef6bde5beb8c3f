"""The module layout: no import cycle, and data flows one way (pipeline stages never import commands).

Why a test: every import inside a function that only dodged a cycle left an ``Any`` hole and
hid the real dependency; the walk below reads every ``import`` of every module (inside
functions too, leaving out ``if TYPE_CHECKING:`` blocks, which never run) and fails on a cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

from helpers import ROOT

PACKAGE = ROOT / "src" / "vanban"


def module_name(path: Path) -> str:
    """Return the dotted name of the module at ``path`` inside the vanban package."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_nodes(tree: ast.AST) -> Iterable[ast.AST]:
    """Yield every node except those under ``if TYPE_CHECKING:`` (imports for type checkers only)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in (child, *_runtime_nodes(child)))
            continue
        yield node
        yield from _runtime_nodes(node)


def imports_of(source: str, name: str, modules: set[str]) -> set[str]:
    """Return the vanban modules that the module ``name`` with text ``source`` imports at run time."""
    package = name if f"{name}.__init__" in modules or any(m.startswith(name + ".") for m in modules) else \
        name.rpartition(".")[0]
    out: set[str] = set()
    for node in _runtime_nodes(ast.parse(source)):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "vanban"}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            if base.split(".")[0] != "vanban":
                continue
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                out.add(candidate if candidate in modules else base)
    return {m for m in out if m in modules and m != name}


def graph() -> dict[str, set[str]]:
    """Return, for every module of the package, the package modules it imports."""
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    names = set(paths)
    return {name: imports_of(path.read_text(encoding="utf-8"), name, names) for name, path in paths.items()}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """Return one import cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_walk_sees_imports_inside_functions_but_not_type_checking_blocks() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from vanban.b import X\n"
        "def f():\n    from vanban.c import y\n"
        "from vanban import d\n"
    )
    assert imports_of(source, "vanban.a", {"vanban", "vanban.a", "vanban.b", "vanban.c", "vanban.d"}) == {
        "vanban.c", "vanban.d"}


def test_vanban_has_no_import_cycle() -> None:
    edges = graph()
    assert len(edges) > 30, "the walk found the package's modules"
    cycle = find_cycle(edges)
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_pipeline_stages_never_import_the_commands_or_the_cli() -> None:
    """Data flows one way: commands are built on the pipeline, never the reverse."""
    edges = graph()
    upward = sorted(f"{m} → {d}" for m, deps in edges.items() if m.startswith("vanban.pipeline")
                    for d in deps if d.startswith(("vanban.commands", "vanban.cli")))
    assert not upward, upward


def test_features_read_the_model_or_outline_never_the_display_context() -> None:
    """tasks (rows, exports), diff and the register work on data, not on display text [issue 11]."""
    edges = graph()
    features = ("vanban.commands.tasks", "vanban.commands.tasks.export", "vanban.commands.diff",
                "vanban.commands.register", "vanban.commands.numbering", "vanban.pipeline.status")
    wrong = sorted(f"{m} → {d}" for m in features for d in edges[m] if d == "vanban.pipeline.context")
    assert not wrong, wrong
