"""Shared test fixtures: the seed notice built once, notices from YAML strings, a WeasyPrint guard.

Why: rendering is the slow part of the suite, so the seed notice's Context and PDF are built
once per session and shared; variations are small YAML strings turned into a Context through
the real loader and validator, so every test goes through the same pipeline as the CLI.

Fixtures (names are stable; other test modules depend on them):

- ``seed_path``: Path of the seed content file (``content/2023-12-phien-hop-thuong-ky.yaml``).
- ``seed_context``: the seed's ``vanban.pipeline.context.Context`` (session scope).
- ``seed_pdf``: the seed's PDF bytes from ``render_pdf`` (session scope).
- ``office``: a new office repository made by ``vanban init`` (one example of each kind), as the
  working folder; a module may define its own.
- ``make_context``: the function ``context_from_yaml(text, stem="test") -> Context``.
- ``fail_on_weasyprint_warning``: fails the test if the ``weasyprint`` logger emits a record
  at WARNING or above during it (use with ``pytest.mark.usefixtures``); yields the list of
  records, which a test that warns on purpose clears.

Plain helpers (paths, ``MM``, ``squash``, notices from YAML) live in ``helpers.py``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from helpers import SEED, context_from_yaml, context_of
from vanban.cli import main
from vanban.pipeline.context import Context

LOCALE_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture(autouse=True)
def vietnamese_locale(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run every test in a neutral locale, so messages are Vietnamese whatever the machine's LANG is."""
    from vanban.i18n import set_language

    for name in LOCALE_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    set_language("vi")
    yield
    set_language("vi")

@pytest.fixture()
def scaffolded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Return a freshly scaffolded office repository (``vanban init``), as the working folder."""
    root = tmp_path / "office"
    assert main(["init", str(root)]) == 0
    monkeypatch.chdir(root)
    return root


@pytest.fixture(scope="session")
def seed_path() -> Path:
    """Return the path of the seed content file."""
    return SEED


@pytest.fixture(scope="session")
def seed_context() -> Context:
    """Return the seed notice's Context, built once through the real loader and validator."""
    return context_of(SEED)


@pytest.fixture(scope="session")
def seed_pdf(seed_context: Context) -> bytes:
    """Return the seed notice's PDF bytes (rendered once per session)."""
    from vanban.pipeline.render_pdf import render_pdf

    return render_pdf(seed_context)


@pytest.fixture()
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Return a new office repository made by ``vanban init`` (one example of each kind), as the working folder.

    Its notice's task KT-01 (01/TB-UBND) is due 31/01/2024. A module may define its own ``office``.
    """
    root = tmp_path / "office"
    assert main(["init", str(root)]) == 0
    monkeypatch.chdir(root)
    return root


@pytest.fixture(scope="session")
def make_context() -> Callable[..., Context]:
    """Return ``context_from_yaml`` (YAML text -> Context) for tests that build variations."""
    return context_from_yaml


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def fail_on_weasyprint_warning() -> Iterator[list[logging.LogRecord]]:
    """Fail the test if WeasyPrint logs anything at WARNING or above while it runs.

    Yields the list of records caught so far; a test that provokes a warning on purpose
    checks it and clears the list.
    """
    handler = _Records()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
    messages = [r.getMessage() for r in handler.records]
    assert not messages, "WeasyPrint warned: " + "; ".join(messages[:5])
