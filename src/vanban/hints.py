"""Suggest what the author probably meant: one did-you-mean for keys, signers, groups and task ids.

Why one place: a hint reads the same wherever a name is unknown, and the threshold that keeps
hints useful (difflib ratio ≥ 0.6, measured on misspelt keys such as ``dia_dem``, ``hạn``)
is tuned once.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable

from vanban.i18n import _

#: Least difflib ratio for a known name to be offered as the one meant.
CUTOFF = 0.6


def fold(word: str) -> str:
    """Return ``word`` lower-cased with its diacritics removed and đ read as d (``nhiệm_vụ`` → ``nhiem_vu``).

    Why: keys are written without diacritics, and a clerk types Vietnamese letters out of habit.
    """
    decomposed = unicodedata.normalize("NFD", word.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def closest(word: str, known: Iterable[str]) -> str | None:
    """Return the known name closest to ``word`` (compared without diacritics), or None when none is close."""
    names = list(known)
    by_fold = {fold(name): name for name in names}
    found = difflib.get_close_matches(fold(word), list(by_fold), n=1, cutoff=CUTOFF)
    return by_fold[found[0]] if found else None


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """Return "; có phải ý bạn là 'x'?" for the closest known name, or an empty string."""
    hint = closest(word, known)
    return _("; có phải ý bạn là '{hint}'?").format(hint=hint) if hint else ""
