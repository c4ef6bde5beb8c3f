"""Translate user-facing messages: Vietnamese by default, English on request.

Why: the users are Vietnamese office staff, so the source messages are Vietnamese and need
no catalog; an English catalog (gettext, managed with Babel by ``tools/i18n.py``) serves
developers and reviewers. The language is chosen once per process by the CLI (``--lang``
or the locale environment) before any message is made.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from pathlib import Path

DOMAIN = "vanban"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("vi", "en")

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "vi"


def choose(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """Return the language to use: ``explicit`` if given, else English for an English locale, else vi."""
    if explicit:
        return explicit if explicit in LANGUAGES else "vi"
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "en" if value.split(":")[0].lower().startswith("en") else "vi"
    return "vi"


def set_language(language: str) -> None:
    """Use ``language`` for every message made from now on in this process."""
    global _translation, _language
    _language = language if language in LANGUAGES else "vi"
    if _language == "vi":
        _translation = gettext.NullTranslations()
    else:
        _translation = gettext.translation(DOMAIN, LOCALE_DIR, languages=[_language], fallback=True)
    _localise_click(_language)


#: click modules that show users text through gettext (``_`` and ``ngettext`` imported at module level).
_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types")


def _localise_click(language: str) -> None:
    """Make click's own words (``Usage:``, ``Options``, its errors) follow the language in use.

    Why: click marks its messages for gettext but reads the default domain at call time;
    pointing its modules at our Vietnamese click catalog keeps the whole command line in one
    language. English is click's own text.
    """
    import sys

    if "click" not in sys.modules:
        return
    if language == "vi":
        catalog = gettext.translation("click", LOCALE_DIR, languages=["vi"], fallback=True)
    else:
        catalog = gettext.NullTranslations()
    for name in _CLICK_MODULES:
        module = sys.modules.get(f"click.{name}")
        if module is None:
            continue
        if hasattr(module, "_"):
            setattr(module, "_", catalog.gettext)  # noqa: B010 - a module attribute, not ours
        if hasattr(module, "ngettext"):
            setattr(module, "ngettext", catalog.ngettext)  # noqa: B010


def language() -> str:
    """Return the language in use."""
    return _language


def N_(message: str) -> str:
    """Return ``message`` unchanged: marks a module-level msgid for extraction, translated where used."""
    return message


def _(message: str) -> str:
    """Return ``message`` (a Vietnamese msgid) in the language in use."""
    return _translation.gettext(message) if message else message


def digits(value: int) -> str:
    """Return ``2.097.152``: Vietnamese digit grouping, for numbers inside messages."""
    return f"{value:,}".replace(",", ".")
