#!/usr/bin/env python3
"""Manage vanban's gettext catalogs with Babel: extract, update the English .po, compile the .mo.

Usage:
    python tools/i18n.py update   # extract messages, merge them into the .po (new ones untranslated), compile
    python tools/i18n.py check    # exit 1 if a message is missing, stale, untranslated or not compiled

Messages are the Vietnamese strings passed to ``vanban.i18n._`` in the code, plus the help
texts of the command line (docstrings and ``help=`` of every click command and option).
A second catalog translates click's own words (``Usage:``, ``Options``, its error messages)
into Vietnamese, so the default language of the whole command line is Vietnamese.

``check`` compares catalogs by content, never by bytes: a .mo names the Babel that wrote it in
its header, so a byte comparison fails on every Babel release although nothing a user sees changed.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "vanban"
PO = SOURCE / "locale" / "en" / "LC_MESSAGES" / "vanban.po"
MO = PO.with_suffix(".mo")
CLICK_PO = SOURCE / "locale" / "vi" / "LC_MESSAGES" / "click.po"
CLICK_MO = CLICK_PO.with_suffix(".mo")
#: click modules whose messages users can see (the rest are for developers or other platforms).
CLICK_FILES = ("core.py", "decorators.py", "exceptions.py", "formatting.py", "parser.py", "termui.py", "types.py")
#: click messages translated through a variable (``_(extra["required"])`` in click 8.2+), which
#: extraction cannot see; without them "[required]" would stay English in the Vietnamese help.
CLICK_DYNAMIC = ("required",)


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

    Why: update() rewrites the .po and .mo from what it reads back; a header taken from the clock
    would change both on every run.
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
    for message in CLICK_DYNAMIC:
        if catalog.get(message) is None:
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


MessageKey = str | tuple[str, ...]


def _key(value: object) -> MessageKey:
    """Return a message id or string as a dict key: plural forms as a tuple."""
    return tuple(value) if isinstance(value, (list, tuple)) else str(value)


def translations(catalog: Catalog) -> dict[MessageKey, MessageKey]:
    """Return ``{msgid: msgstr}`` of the messages of ``catalog`` translated in every form (no fuzzy ones).

    Why: this is what a reader of the compiled catalog gets; an untranslated message shows its msgid.
    """
    found: dict[MessageKey, MessageKey] = {}
    for message in catalog:
        strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        if message.id and not message.fuzzy and all(strings):
            found[_key(message.id)] = _key(message.string)
    return found


def _untranslated(msgid: MessageKey, msgstr: MessageKey) -> bool:
    """Tell whether a compiled entry only repeats its msgid (how Babel fills untranslated plural forms)."""
    if isinstance(msgid, str):
        return msgstr == msgid
    return isinstance(msgstr, tuple) and all(s == msgid[min(i, 1)] for i, s in enumerate(msgstr))


def mo_problems(catalog: Catalog, mo: Path) -> list[str]:
    """Return why the compiled ``mo`` does not hold exactly the translations of ``catalog`` (empty: it does).

    Why by content: the .mo's header names the Babel that compiled it, so equal bytes would tie
    the check to one Babel release. Compared: every translation, nothing more, and the plural rule.
    """
    label = mo.relative_to(ROOT) if mo.is_relative_to(ROOT) else mo
    if not mo.exists():
        return [f"{label} is missing: run python tools/i18n.py update"]
    with mo.open("rb") as handle:
        compiled = read_mo(handle)
    wanted = translations(catalog)
    found = {_key(m.id): _key(m.string) for m in compiled if m.id}
    found = {k: v for k, v in found.items() if k in wanted or not _untranslated(k, v)}
    problems = [f"{label} lacks or differs on {k!r}" for k in wanted if found.get(k) != wanted[k]]
    problems += [f"{label} has a translation the .po lacks: {k!r}" for k in found if k not in wanted]
    if compiled.plural_forms != catalog.plural_forms:
        problems.append(f"{label} has plural rule {compiled.plural_forms!r}, the .po {catalog.plural_forms!r}")
    if problems:
        problems.append(f"{label} is stale: run python tools/i18n.py update")
    return problems


def catalog_problems(fresh: Catalog, current: Catalog) -> list[str]:
    """Return why ``current`` (the .po) does not translate exactly the messages ``fresh`` extracted."""
    problems = [f"missing from .po: {m.id!r}" for m in fresh if m.id and current.get(m.id) is None]
    problems += [f"stale in .po (no longer in the code): {m.id!r}" for m in current
                 if m.id and fresh.get(m.id) is None]
    done = translations(current)
    problems += [f"untranslated: {m.id!r}" for m in current if m.id and _key(m.id) not in done]
    return problems


def check() -> int:
    """Return 1 (and say why) if the catalogs are out of date, incomplete or not compiled, else 0."""
    current = _read(PO, "vanban", "en")
    problems = catalog_problems(extract(), current) + mo_problems(current, MO)
    click_catalog = _read(CLICK_PO, "click", "vi")
    problems += mo_problems(click_catalog, CLICK_MO)
    if not translations(click_catalog):
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
