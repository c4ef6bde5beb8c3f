#!/usr/bin/env python3
"""Manage vanban's gettext catalogs with Babel: extract, update the English .po, compile the .mo.

Usage:
    python tools/i18n.py update   # extract messages, merge them into the .po (new ones untranslated), compile
    python tools/i18n.py check    # exit 1 if a message is missing, untranslated or the .mo is stale

Messages are the Vietnamese strings passed to ``vanban.i18n._`` in the code, plus the help
texts of the command line (docstrings and ``help=`` of every click command and option).
A second catalog translates click's own words (``Usage:``, ``Options``, its error messages)
into Vietnamese, so the default language of the whole command line is Vietnamese.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "vanban"
PO = SOURCE / "locale" / "en" / "LC_MESSAGES" / "vanban.po"
MO = PO.with_suffix(".mo")
CLICK_PO = SOURCE / "locale" / "vi" / "LC_MESSAGES" / "click.po"
CLICK_MO = CLICK_PO.with_suffix(".mo")
#: click modules whose messages users can see (the rest are for developers or other platforms).
CLICK_FILES = ("core.py", "decorators.py", "exceptions.py", "formatting.py", "parser.py", "termui.py", "types.py")


def extract() -> Catalog:
    """Return a catalog of every message in the code and the CLI help."""
    catalog = Catalog(project="vanban", locale="en", fuzzy=False)
    catalog.creation_date = catalog.revision_date = _epoch()
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(SOURCE), method_map=[("**.py", "python")], keywords={"_": None, "N_": None}
    ):
        if isinstance(message, str) and message:
            catalog.add(message, locations=[(f"src/vanban/{filename}", lineno)])
    for text in _cli_texts():
        if catalog.get(text) is None:
            catalog.add(text, locations=[("src/vanban/cli.py", 0)])
    return catalog


def _epoch() -> dt.datetime:
    return dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def _cli_texts() -> list[str]:
    sys.path.insert(0, str(ROOT / "src"))
    import click

    from vanban.cli import cli, help_texts

    assert isinstance(cli, click.Group)
    return help_texts(cli)


def _read(po: Path, project: str, locale: str) -> Catalog:
    """Read a .po written without a header, giving it the header extract() makes (not the clock's).

    Why: the .mo compiled from what is read back must be byte-identical to the one update() wrote.
    """
    if not po.exists():
        return Catalog(project=project, locale=locale)
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    catalog.project = project
    catalog.creation_date = catalog.revision_date = _epoch()
    catalog.fuzzy = False
    return catalog


def _po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, sort_output=True, omit_header=True)
    return out.getvalue()


def _mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def extract_click() -> Catalog:
    """Return a catalog of click's user-visible messages (singular and plural forms)."""
    import click

    catalog = Catalog(project="click", locale="vi", fuzzy=False)
    catalog.creation_date = catalog.revision_date = _epoch()
    folder = Path(click.__file__).parent
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(folder), method_map=[("**.py", "python")], keywords={"_": None, "ngettext": (1, 2)}
    ):
        key = message if isinstance(message, str) else message[0]
        if filename in CLICK_FILES and key and catalog.get(key) is None:
            catalog.add(message)
    return catalog


def _merge(fresh: Catalog, current: Catalog, po: Path) -> Catalog:
    """Keep ``current``'s translations of the ``fresh`` messages; write the .po and compile the .mo."""
    for message in fresh:
        old = current.get(message.id) if message.id else None
        if old is not None and old.string:
            message.string = old.string
    po.parent.mkdir(parents=True, exist_ok=True)
    po.write_bytes(_po_bytes(fresh))
    po.with_suffix(".mo").write_bytes(_mo_bytes(fresh))
    return fresh


def update() -> None:
    """Merge the extracted messages into both catalogs (keeping translations) and compile them."""
    fresh = _merge(extract(), _read(PO, "vanban", "en"), PO)
    missing = [m.id for m in fresh if m.id and not m.string]
    print(f"{len(fresh)} messages, {len(missing)} untranslated -> {PO.relative_to(ROOT)}")
    _merge(extract_click(), _read(CLICK_PO, "click", "vi"), CLICK_PO)


def check() -> int:
    """Return 1 (and say why) if the catalogs are out of date or incomplete, else 0."""
    current = _read(PO, "vanban", "en")
    fresh = extract()
    problems = [f"missing from .po: {m.id!r}" for m in fresh if m.id and current.get(m.id) is None]
    problems += [f"untranslated: {m.id!r}" for m in current if m.id and not m.string]
    if not MO.exists() or MO.read_bytes() != _mo_bytes(current):
        problems.append("the .mo is stale: run python tools/i18n.py update")
    click_catalog = _read(CLICK_PO, "click", "vi")
    if not CLICK_MO.exists() or CLICK_MO.read_bytes() != _mo_bytes(click_catalog):
        problems.append("the click .mo is stale: run python tools/i18n.py update")
    if not [m for m in click_catalog if m.id and m.string]:
        problems.append("the Vietnamese click catalog has no translations")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "update"
    if command == "update":
        update()
    elif command == "check":
        sys.exit(check())
    else:
        sys.exit(__doc__)
