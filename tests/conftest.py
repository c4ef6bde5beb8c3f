"""Shared test fixtures: the seed notice built once, notices from YAML strings, a WeasyPrint guard.

Why: rendering is the slow part of the suite, so the seed notice's Context and PDF are built
once per session and shared; variations are small YAML strings turned into a Context through
the real loader and validator, so every test goes through the same pipeline as the CLI.

Fixtures (names are stable; other test modules depend on them):

- ``seed_path``: Path of the seed content file (``content/2023-12-phien-hop-thuong-ky.yaml``).
- ``seed_context``: the seed's ``vanban.context.Context`` (session scope).
- ``seed_pdf``: the seed's PDF bytes from ``render_pdf`` (session scope).
- ``seed_render_seconds``: wall time of that one PDF render, in seconds (session scope).
- ``make_context``: the function ``context_from_yaml(text, stem="test") -> Context``.
- ``fail_on_weasyprint_warning``: fails the test if the ``weasyprint`` logger emits a record
  at WARNING or above during it (use with ``pytest.mark.usefixtures``); yields the list of
  records, which a test that warns on purpose clears.

Plain helpers (import with ``from conftest import ...``): ``ROOT``, ``SEED``, ``BASE_YAML``,
``context_from_yaml``, ``problems_from_yaml``, ``notice_yaml``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from vanban.context import Context, build_context
from vanban.errors import Problem
from vanban.loader import load_file, load_yaml
from vanban.validate import check

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

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "content" / "2023-12-phien-hop-thuong-ky.yaml"

#: A short valid notice (one page); tests vary it with ``notice_yaml``.
BASE_YAML = """\
loai: thong_bao
co_quan:
  ten: ["ỦY BAN NHÂN DÂN", "THỊ XÃ HOÀNG MAI"]
  viet_tat: UBND
  dia_danh: Hoàng Mai
so: "12"
ngay: "2024-03-05"
trich_yeu: "Kết luận của Chủ tịch UBND thị xã tại cuộc họp về công tác chuẩn bị Tết trồng cây"
mo_dau:
  - >-
    Ngày 01/3/2024, tại trụ sở UBND thị xã, đồng chí Chủ tịch UBND thị xã chủ trì cuộc họp về
    công tác chuẩn bị Tết trồng cây. Sau khi nghe báo cáo, đồng chí Chủ tịch UBND thị xã kết luận như sau:
noi_dung:
  - muc: "Đánh giá chung"
    noi_dung:
      - >-
        Các phòng, ban và UBND các xã, phường đã chủ động chuẩn bị cây giống, địa điểm và phương án
        tổ chức Tết trồng cây bảo đảm an toàn, tiết kiệm, hiệu quả.
  - muc: "Nhiệm vụ"
    noi_dung:
      - khoan: "Phòng Kinh tế"
        noi_dung:
          - diem: "Chủ trì chuẩn bị cây giống, hoàn thành trước ngày 10/3/2024;"
          - diem: "Phối hợp với UBND các xã, phường tổ chức trồng cây tại các tuyến đường."
ket_thuc: "UBND thị xã thông báo để các cơ quan, đơn vị liên quan biết, thực hiện."
nguoi_ky:
  chuc_vu: ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]
  ho_ten: Nguyễn Mạnh Hùng
noi_nhan:
  - Thường trực Thị ủy
  - Chủ tịch, các PCT UBND thị xã
  - Phòng Kinh tế
luu:
  don_vi: VP
"""


def notice_yaml(**changes: Any) -> str:
    """Return BASE_YAML with top-level keys replaced (``None`` removes a key), as YAML text."""
    data = yaml.safe_load(BASE_YAML)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)


def problems_from_yaml(text: str, name: str = "test.yaml") -> list[Problem]:
    """Return the problems the loader and validator find in the YAML ``text`` (empty if valid)."""
    located, problems = load_yaml(text, name)
    if located is None:
        return problems
    _, found = check(located)
    return found


def context_from_yaml(text: str, stem: str = "test") -> Context:
    """Return the Context of the notice written as YAML ``text``; fail on any content problem."""
    located, problems = load_yaml(text, f"{stem}.yaml")
    assert located is not None, "\n".join(map(str, problems))
    model, problems = check(located)
    assert model is not None, "\n".join(map(str, problems))
    return build_context(model, stem)


@pytest.fixture(scope="session")
def seed_path() -> Path:
    """Return the path of the seed content file."""
    return SEED


@pytest.fixture(scope="session")
def seed_context() -> Context:
    """Return the seed notice's Context, built once through the real loader and validator."""
    located, problems = load_file(SEED, SEED.name)
    assert located is not None, "\n".join(map(str, problems))
    model, problems = check(located)
    assert model is not None, "\n".join(map(str, problems))
    return build_context(model, SEED.stem)


@pytest.fixture(scope="session")
def _seed_render(seed_context: Context) -> tuple[bytes, float]:
    from vanban.render_pdf import render_pdf

    render_pdf(seed_context)  # warm-up: WeasyPrint import and font loading are not the render
    start = time.perf_counter()
    data = render_pdf(seed_context)
    return data, time.perf_counter() - start


@pytest.fixture(scope="session")
def seed_pdf(_seed_render: tuple[bytes, float]) -> bytes:
    """Return the seed notice's PDF bytes (rendered once per session)."""
    return _seed_render[0]


@pytest.fixture(scope="session")
def seed_render_seconds(_seed_render: tuple[bytes, float]) -> float:
    """Return the wall time of one warm PDF render of the seed, in seconds."""
    return _seed_render[1]


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
