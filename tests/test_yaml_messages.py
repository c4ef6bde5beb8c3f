"""Every problem libyaml or PyYAML can raise reaches the author in Vietnamese, at the right place.

Why: the loader turns parser errors into messages by matching their English words; a wording
the table does not know used to leak out as "lỗi cú pháp YAML: did not find expected <document
start>". The problem texts are read from PyYAML's own source (``scanner.py``, ``parser.py``,
``composer.py``) and from the compiled libyaml module, so a new PyYAML or libyaml with new
words fails here; each is raised by an input below on both parsers, and no English word of
those texts may appear in what the author reads.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

from vanban.i18n import _
from vanban.pipeline.loader import _PureStringLoader, _StringLoader, load_yaml, syntax_message

YAML_DIR = Path(yaml.__file__).parent
PARSERS = pytest.mark.parametrize("pure", [False, True], ids=["libyaml", "python"])

#: One input per problem (and per context that changes its meaning).
TRIGGERS: dict[str, str] = {
    "block-sequence-here": "a: - b\n",
    "sequence-after-mapping": "a: b\n- c\n",
    "mapping-key-here": "a: ? b\n",
    "mapping-value-here": "a: b: c\n",
    "mapping-value-plain": "a\nb: c\n",
    "colon-in-flow-plain": "a: [b:]\n",
    "simple-key-no-colon": "{a: b}: c\nx\n",
    "directive-no-name": "%\n---\na: b\n",
    "directive-unknown": "%FOO bar\n---\na: b\n",
    "directive-not-alphanumeric": "%YAML1.1\n---\na: b\n",
    "directive-bad-version": "%YAML x\n---\na: b\n",
    "directive-version-digit": "%YAML 1\n---\na: b\n",
    "directive-version-separator": "%YAML 1.1x\n---\na: b\n",
    "directive-long-version": "%YAML 1.1111111111111111111111\n---\na: b\n",
    "directive-trailing": "%YAML 1.1 x\n---\na: b\n",
    "directive-duplicate-yaml": "%YAML 1.1\n%YAML 1.1\n---\na: b\n",
    "directive-incompatible": "%YAML 2.0\n---\na: b\n",
    "directive-tag-duplicate": "%TAG ! tag:a,2000:\n%TAG ! tag:b,2000:\n---\na: b\n",
    "directive-tag-handle": "%TAG !x tag:a\n---\na: b\n",
    "directive-tag-space": "%TAG !x!tag:a\n---\na: b\n",
    "directive-tag-uri": "%TAG !x! \n---\na: b\n",
    "tag-undefined-handle": "a: !x!y b\n",
    "tag-verbatim-unclosed": "a: !<tag:x b\n",
    "tag-verbatim-empty": "a: !<> b\n",
    "tag-uri-escape": "a: !<tag:%zz> b\n",
    "tag-no-space": "a: !x!y,b c\n",
    "anchor-empty": "a: & b\n",
    "alias-empty": "a: * b\n",
    "alias-undefined": "a: *x\n",
    "anchor-duplicate": "a: &x 1\nb: &x 2\n",
    "block-scalar-indent-zero": "a: |0\n  x\n",
    "block-scalar-indicator": "a: |x\n",
    "block-scalar-tab": "a: |\n  x\n\ty\n",
    "quoted-end-of-stream": "a: 'x\n",
    "quoted-document-marker": "a: 'x\n---\n'\n",
    "escape-unknown": 'a: "\\q"\n',
    "escape-hex": 'a: "\\xZZ"\n',
    "escape-surrogate": 'a: "\\ud800"\n',
    "tab-indent": "a:\n\tb: c\n",
    "tab-in-plain": "a:\n  - b\n\t- c\n",
    "cannot-start": "a: @b\n",
    "block-mapping-key": "a:\n  b: c\n d: e\n",
    "block-collection-dash": "- a\n? b\n",
    "flow-node-content": "a: [,]\n",
    "block-node-content": "- !!str\n- ]\n",
    "flow-sequence-unclosed": "a: [x, y\nb: c\n",
    "flow-mapping-unclosed": "a: {x: 1\nb: c\n",
    "two-documents": "a: b\n---\nc: d\n",
    "after-document-end": "a: b\n...\nc\n",
    "nesting-flow": "a: " + "[" * 1100 + "]" * 1100 + "\n",
    "nesting-block": "".join("  " * i + f"k{i}:\n" for i in range(1100)),
}

#: Problem texts no input can raise here, and why.
UNREACHABLE = {
    # The reader never sees bytes (the loader decodes UTF-8 itself) nor a control character
    # (refused before parsing, at its exact place).
    "control characters are not allowed", "found an incorrect leading UTF-8 octet",
    "found an incorrect trailing UTF-8 octet", "incomplete UTF-16 character", "incomplete UTF-16 surrogate pair",
    "incomplete UTF-8 octet sequence", "input is too long", "invalid Unicode character",
    "invalid leading UTF-8 octet", "invalid length of a UTF-8 sequence", "invalid trailing UTF-8 octet",
    "unexpected low surrogate area",
    # Every stream starts with a stream-start event.
    "did not find expected <stream-start>",
    # libyaml's "did not find expected whitespace or line break" after a tag needs a tag
    # handle that exists; PyYAML reports the undefined handle first (both are covered).
    "did not find expected whitespace or line break",
}


def _python_problems() -> set[str]:
    """Return the problem texts of PyYAML's Python parser, up to their first '%' placeholder."""
    out: set[str] = set()
    for module in ("scanner", "parser", "composer"):
        tree = ast.parse((YAML_DIR / f"{module}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in (
                    "ScannerError", "ParserError", "ComposerError") and len(node.args) >= 3:
                arg = node.args[2].left if isinstance(node.args[2], ast.BinOp) else node.args[2]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    out.add(arg.value.split("%")[0].strip())
    return out


def _libyaml_problems() -> set[str]:
    """Return the problem texts compiled into libyaml (the reader's, scanner's and parser's)."""
    binary = next(YAML_DIR.glob("_yaml*.so"), None)
    if binary is None:
        return set()
    found = {m.decode() for m in re.findall(rb"[\x20-\x7e]{8,}", binary.read_bytes())}
    pattern = re.compile(r"^(did not find|found|could not find|block sequence entries|mapping (keys|values) are"
                         r"|control characters|invalid (leading|trailing|length|Unicode)|incomplete UTF"
                         r"|input is too long|exceeded|unexpected low surrogate)")
    return {s for s in found if pattern.match(s)}


def _raised(text: str, loader: type[yaml.SafeLoader]) -> tuple[str, str]:
    """Return (problem, context) of the error ``loader`` raises on ``text`` ("" when it accepts it)."""
    parser = loader(text)
    try:
        parser.get_single_node()
    except yaml.MarkedYAMLError as exc:
        return str(exc.problem or ""), str(exc.context or "")
    except RecursionError:
        return "", ""
    finally:
        parser.dispose()
    return "", ""


def _english_words() -> set[str]:
    """Return the English words of every problem and context text (what must never leak out)."""
    texts = _python_problems() | _libyaml_problems() | {
        "while scanning a simple key", "while parsing a block mapping", "expected a single document in the stream"}
    words = {w.lower() for t in texts for w in re.findall(r"[A-Za-z]{3,}", t)}
    # Also words the messages use on purpose: what the author types ('%YAML', Tab) and the
    # names of the thing ("mã thoát Unicode", "nửa cặp surrogate").
    return words - {"yaml", "utf", "tab", "uri", "tag", "unicode", "surrogate"}


def _leaked(message: str) -> set[str]:
    """Return the English words of the parsers in ``message`` (placeholders left out)."""
    return {w for w in re.findall(r"[A-Za-z]{3,}", re.sub(r"\{\w*\}", "", message)) if w.lower() in ENGLISH}


ENGLISH = _english_words()


def test_the_problem_texts_are_found() -> None:
    """The enumeration itself works: a dozen known texts are among those read from the sources."""
    python = _python_problems()
    assert {"mapping values are not allowed here", "found undefined alias", "but found another document"} <= python
    libyaml = _libyaml_problems()
    if libyaml:
        assert {"found unknown directive name", "did not find expected <document start>"} <= libyaml


@pytest.mark.parametrize("loader", [_StringLoader, _PureStringLoader], ids=["libyaml", "python"])
def test_every_problem_text_is_raised_by_one_of_the_inputs(loader: type[yaml.SafeLoader]) -> None:
    expected = _libyaml_problems() if loader is _StringLoader else _python_problems()
    if loader is _StringLoader and loader is yaml.SafeLoader:
        pytest.skip("libyaml is not installed")
    raised = {_raised(text, loader)[0] for text in TRIGGERS.values()}
    missing = {p for p in expected - UNREACHABLE if not any(r.startswith(p) for r in raised)}
    missing -= {"second occurrence"} if "second occurrence" in raised else set()
    assert not missing, f"no input raises: {sorted(missing)}"


@pytest.mark.parametrize("problem", sorted(_python_problems() | _libyaml_problems()))
def test_every_problem_text_maps_to_a_message_without_english(problem: str) -> None:
    for context in ("", "while scanning a directive", "while scanning a tag", "while scanning an anchor",
                    "while scanning a block scalar", "while parsing a flow sequence"):
        message = _(syntax_message(problem, context))
        assert not _leaked(message), (problem, context, message)


@PARSERS
@pytest.mark.parametrize("name", sorted(TRIGGERS))
def test_each_input_gets_one_located_vietnamese_message(name: str, pure: bool) -> None:
    text = TRIGGERS[name]
    located, problems = load_yaml(text, "x.yaml", pure_python=pure)
    if located is not None:  # PyYAML accepts a few things libyaml refuses ("\ud800": the validator refuses it)
        assert pure and name in ("escape-surrogate", "directive-long-version", "colon-in-flow-plain"), name
        return
    assert len(problems) == 1
    problem = problems[0]
    assert not _leaked(problem.message), problem.message
    assert 1 <= problem.line <= text.count("\n") + 1
    assert 1 <= problem.col <= len(text.split("\n")[problem.line - 1]) + 1


@pytest.mark.parametrize("name", sorted(TRIGGERS))
def test_both_parsers_say_the_same(name: str) -> None:
    """Where both refuse an input, the author reads the same message on the same line."""
    ours = [load_yaml(TRIGGERS[name], "x.yaml", pure_python=pure)[1] for pure in (False, True)]
    if not (ours[0] and ours[1]):
        return
    assert ours[0][0].message == ours[1][0].message
    assert ours[0][0].line == ours[1][0].line
