"""Refuse characters that make a notice read other than it looks: invisible ones and look-alikes.

Why: the ND30 checks, the number register and every reader compare text by its characters,
and a clerk sees only glyphs. ``K\\u200bT. CHỦ TỊCH`` looks like a valid signer chain and is
not one to any check [T-20]; ``T\\u200dS. Trần Thị Cúc`` slips past the rule against academic
titles [R-SIG-2]; a name made of a zero-width space looks filled in and prints nothing; a
Cyrillic ``С`` in ``TỊСH`` or an Icelandic ``Ð`` in ``ÐẢNG`` prints the same and makes a
different document, which no search for the real words will ever find.

One rule, everywhere (prose included): a character that renders as nothing is refused, with
its neighbours shown so the clerk can find it. Letters of another script inside a Latin word,
and letters that only imitate Vietnamese ones (Ð/ð for Đ/đ), are refused in every field. The
structural fields (signer chain, names, recipients, issuing body, place, section titles, units)
take Latin letters and the ordinary space only, and the identifier fields (ký hiệu, viết tắt,
numbers, dates, task ids) take the keyboard's own dash, slash and digits only [R-NUM-6].
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator

from vanban.i18n import N_, _
from vanban.pipeline.loader import Path_

#: Every format character of Unicode (category Cf: they render as nothing), then the other
#: characters that print nothing: combining grapheme joiner, Hangul and Khmer fillers, Mongolian
#: and standard variation selectors, Unicode line and paragraph separators, the Braille blank.
_INVISIBLE = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    "\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180d\u180f\u2028\u2029\u2800\u3164\uffa0"
    "\ufe00-\ufe0f\U000e0100-\U000e01ef]"
)

#: What to call an invisible character, in words a clerk can search for.
_INVISIBLE_NAMES: tuple[tuple[str, str], ...] = (
    ("\u200b", N_("khoảng trắng độ rộng 0")),
    ("\u200c", N_("ký tự ngăn nối độ rộng 0")),
    ("\u200d", N_("ký tự nối độ rộng 0")),
    ("\u2060", N_("ký tự nối từ")),
    ("\ufeff", N_("dấu BOM, khoảng trắng không ngắt độ rộng 0")),
    ("\u00ad", N_("dấu gạch nối mềm")),
    ("\u180e", N_("dấu cách nguyên âm tiếng Mông Cổ")),
    ("\u2061\u2062\u2063\u2064", N_("toán tử vô hình")),
    ("\u034f", N_("ký tự nối tổ hợp")),
    ("\u115f\u1160\u3164\uffa0", N_("ký tự lấp chỗ tiếng Hàn")),
    ("\u2028\u2029", N_("dấu ngắt dòng Unicode")),
    ("\u2800", N_("ô chữ nổi trống")),
)

#: Latin letters that only imitate a Vietnamese one, with the letter meant.
_LATIN_LOOKALIKES = {
    "\u00d0": ("Đ", N_("chữ eth tiếng Iceland")),
    "\u00f0": ("đ", N_("chữ eth tiếng Iceland")),
    "\u0189": ("Đ", N_("chữ D châu Phi")),
    "\u0131": ("i", N_("chữ i không chấm")),
    "\u0237": ("j", N_("chữ j không chấm")),
    "\u01c0": ("l", N_("dấu tiếng tặc lưỡi")),
    "\u0251": ("a", N_("chữ alpha Latin")),
    "\u0261": ("g", N_("chữ g phiên âm")),
}

#: Scripts whose letters imitate Latin ones, by the first word of their Unicode names.
_SCRIPTS = {
    "CYRILLIC": N_("Kirin"),
    "GREEK": N_("Hy Lạp"),
    "COPTIC": N_("Copt"),
    "ARMENIAN": N_("Armenia"),
    "HEBREW": N_("Do Thái"),
    "GEORGIAN": N_("Gruzia"),
    "CHEROKEE": N_("Cherokee"),
}

#: The Latin letter each Cyrillic or Greek look-alike stands for.
_MEANT = dict(zip(
    "АВЕКМНОРСТХаеорсхуіјѕԁһӏЅІЈҮԛԜԝ" "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοινυρτ",
    "ABEKMHOPCTXaeopcxyijsdhlSIJYqWw" "ABEZHIKMNOPTYXoivupt",
    strict=True,
))

#: Dashes and slashes that look like the keyboard's '-' and '/'.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u058a\u05be\u1400\u1806\u2e17\u2e1a\u2e3a\u2e3b" \
          "\u301c\u30a0\ufe58\ufe63\uff0d"
_SLASHES = "\u2044\u2215\u2571\u29f8\uff0f\u01c1"

#: Keys whose values are identifiers: a ký hiệu, an abbreviation, a number, a date, a task id.
_ID_KEYS = frozenset({"ky_hieu", "viet_tat", "so", "ngay", "ma", "thong_bao", "trang_thai", "so_ban",
                      "dang", "loai", "nhom"})
#: Top-level keys whose every value is an identifier or a fixed word (``du_thao: {thang: 2026-09}``).
_ID_ROOTS = frozenset({"luu", "du_thao", "trinh_bay"})
#: Top-level keys whose every value is structural (read by a rule, printed in a fixed place).
_STRUCTURAL_ROOTS = frozenset({"co_quan", "nguoi_ky", "noi_nhan", "nhom_noi_nhan", "cap_nhat_nhiem_vu"})
#: Keys of a body item that are read as data: its units and its deadline phrase (``giao``).
_ITEM_DATA = frozenset({"don_vi", "chu_tri", "phoi_hop", "han", "muc"})

PROSE, STRUCTURAL, IDENTIFIER = "prose", "structural", "identifier"


def field_kind(path: Path_) -> str:
    """Return what the value at ``path`` of a notice or a profile is: prose, structural or identifier."""
    keys = [p for p in path if isinstance(p, str)]
    if not keys:
        return PROSE
    first, last = keys[0], keys[-1]
    if last in _ID_KEYS or first in _ID_ROOTS or path == ("nguoi_ky",):
        return IDENTIFIER  # ``luu``: unit abbreviations and a count; ``nguoi_ky: name``: a reference
    if first in _STRUCTURAL_ROOTS:
        return PROSE if last == "ghi_chu" else STRUCTURAL
    if first == "cuoc_hop" and (last == "don_vi_to_chuc" or "chu_tri" in keys):
        return STRUCTURAL
    if first == "noi_dung" and last in _ITEM_DATA:
        return STRUCTURAL  # a deadline phrase may say "Quý III – IV": a dash is allowed there
    return PROSE


def character_problems(text: str, kind: str) -> list[str]:
    """Return what is wrong with the characters of ``text`` (a value of the given kind), in words.

    At most one message per class of problem: the first occurrence, which is enough to find
    the rest once the clerk knows what to look for.
    """
    if text.isascii():
        return []
    out: list[str] = []
    invisible = _invisible_problem(text)
    if invisible:
        out.append(invisible)
    visible = _INVISIBLE.sub("", text)
    for problem in (_lookalike_problem(visible), _script_problem(visible, kind),
                    _space_problem(visible) if kind != PROSE else None,
                    _id_problem(visible) if kind == IDENTIFIER else None):
        if problem:
            out.append(problem)
    return out


def repaired(text: str, kind: str) -> str:
    """Return ``text`` as it was meant: invisible characters dropped, look-alikes replaced.

    Why: once a character is refused, the checks after this one read the text the clerk
    meant, so a ký hiệu with an en dash is reported once, for its dash, and a title hidden
    behind a joiner ("T\u200dS.") is still reported as a title [R-SIG-2].
    """
    out: list[str] = []
    for word in re.split(r"([^\W\d_]+)", _INVISIBLE.sub("", text)):
        scripts = {_script(ch) for ch in word}
        mixed = "LATIN" in scripts or any(ch.isascii() and ch.isalpha() for ch in word)
        for char in word:
            if char in _LATIN_LOOKALIKES:
                char = _LATIN_LOOKALIKES[char][0]
            elif char in _MEANT and (mixed or kind != PROSE):
                char = _MEANT[char]
            elif kind != PROSE and char != " " and unicodedata.category(char) == "Zs":
                char = " "
            elif kind == IDENTIFIER and char in _DASHES:
                char = "-"
            elif kind == IDENTIFIER and char in _SLASHES:
                char = "/"
            elif kind == IDENTIFIER and unicodedata.category(char) == "Nd":
                char = str(unicodedata.digit(char))
            out.append(char)
    return "".join(out)


def key_problems(key: str) -> list[str]:
    """Return what is wrong with the characters of a key (a field name or a profile name)."""
    return character_problems(key, IDENTIFIER)


def is_invisible(char: str) -> bool:
    """Tell whether ``char`` renders as nothing (refused by this module, not by the font check)."""
    return bool(_INVISIBLE.fullmatch(char))


def _code(char: str) -> str:
    return f"U+{ord(char):04X}"


def _invisible_problem(text: str) -> str | None:
    found = _INVISIBLE.search(text)
    if found is None:
        return None
    char = found.group()
    name = next((_(label) for chars, label in _INVISIBLE_NAMES if char in chars), None)
    if name is None:
        name = _("bộ chọn biến thể") if _is_selector(char) else _("ký tự định dạng vô hình")
    visible = _INVISIBLE.sub("", text)
    count = len(_INVISIBLE.findall(text))
    more = " " + _("(có {count} ký tự vô hình như vậy)").format(count=count) if count > 1 else ""
    if not visible.strip():
        return _("giá trị chỉ gồm ký tự vô hình {code} ({name}): trông như đã điền nhưng thật ra để trống; "
                 "hãy xóa hết rồi nhập nội dung").format(code=_code(char), name=name)
    before = _INVISIBLE.sub("", text[: found.start()])[-12:]
    after = _INVISIBLE.sub("", text[found.end():])[:12]
    if not before.strip():
        where = _("ở đầu, trước '{after}'").format(after=after.strip())
    elif not after.strip():
        where = _("ở cuối, sau '{before}'").format(before=before.strip())
    else:
        where = _("giữa '{before}' và '{after}'").format(before=before.lstrip(), after=after.rstrip())
    return _("có ký tự vô hình {code} ({name}) {where}{more}; hãy xóa nó (xóa rồi gõ lại đoạn đó)").format(
        code=_code(char), name=name, where=where, more=more)


def _is_selector(char: str) -> bool:
    code = ord(char)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or 0x180B <= code <= 0x180F


@functools.cache
def _script(char: str) -> str | None:
    """Return the look-alike script of a letter (``CYRILLIC``…), ``LATIN``, or None for anything else."""
    if not unicodedata.category(char).startswith("L"):
        return None
    first = unicodedata.name(char, "").split(" ", 1)[0]
    return first if first == "LATIN" or first in _SCRIPTS else None


def _words(text: str) -> Iterator[str]:
    yield from re.findall(r"[^\W\d_]+", text)


def _lookalike_problem(text: str) -> str | None:
    for char in text:
        if char in _LATIN_LOOKALIKES:
            meant, name = _LATIN_LOOKALIKES[char]
            word = next((w for w in _words(text) if char in w), char)
            return _("chữ '{char}' ({code}, {name}) trong '{word}'; hãy gõ lại bằng chữ '{meant}' ({meant_code}) "
                     "của tiếng Việt").format(char=char, code=_code(char), name=_(name), word=word, meant=meant,
                                              meant_code=_code(meant))
    return None


def _script_problem(text: str, kind: str) -> str | None:
    """Find a letter of another script inside a Latin word (anywhere) or at all (structural fields)."""
    for word in _words(text):
        scripts = {_script(ch) for ch in word if not ch.isascii()} - {None}
        foreign = scripts - {"LATIN"}
        if not foreign:
            continue
        mixed = "LATIN" in scripts or any(ch.isascii() for ch in word)
        if not mixed and kind == PROSE:
            continue  # a whole word in Greek or Russian may be meant, in prose
        char = next(ch for ch in word if _script(ch) in foreign)
        script = _(_SCRIPTS[str(_script(char))])
        meant = _MEANT.get(char)
        fix = (_("hãy gõ lại bằng chữ Latin '{meant}'").format(meant=meant) if meant
               else _("hãy gõ lại bằng chữ Latin"))
        return _("chữ '{char}' ({code}, {script}) trong '{word}'; {fix}").format(
            char=char, code=_code(char), script=script, word=word, fix=fix)
    return None


def _space_problem(text: str) -> str | None:
    for char in text:
        if char != " " and unicodedata.category(char) == "Zs":
            name = _("dấu cách không ngắt") if char in "\u00a0\u202f" else _("dấu cách in ấn")
            return _("dấu cách đặc biệt {code} ({name}); ở trường này hãy gõ lại bằng dấu cách thường").format(
                code=_code(char), name=name)
    return None


def _id_problem(text: str) -> str | None:
    for char in text:
        if char in _DASHES:
            return _("dấu '{char}' ({code}) thay cho dấu gạch nối; hãy gõ dấu '-' trên bàn phím").format(
                char=char, code=_code(char))
        if char in _SLASHES:
            return _("dấu '{char}' ({code}) thay cho dấu gạch chéo; hãy gõ dấu '/' trên bàn phím").format(
                char=char, code=_code(char))
        if unicodedata.category(char) == "Nd" and not char.isascii():
            return _("chữ số '{char}' ({code}) không phải chữ số thường; hãy gõ lại bằng các phím 0–9").format(
                char=char, code=_code(char))
    return None
