"""ND30 formatting rules as pure functions (no I/O, no clock, no global state).

Each function cites the rule it implements (indexed in ``docs/nd30.md``); ``tests/test_rules.py``
checks them against the spec's assertion tables (T-01 … T-21).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence

#: Quốc hiệu and Tiêu ngữ, exact text [R-EL-1a, R-EL-1b, R-FONT-5: "HÒA", hyphens with spaces].
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"

#: Abbreviations of document types [PL3 Mục I]; T-07. Công văn has none.
TYPE_ABBREVIATIONS: dict[str, str] = {
    "Nghị quyết": "NQ",
    "Quyết định": "QĐ",
    "Chỉ thị": "CT",
    "Quy chế": "QC",
    "Quy định": "QyĐ",
    "Thông cáo": "TC",
    "Thông báo": "TB",
    "Hướng dẫn": "HD",
    "Chương trình": "CTr",
    "Kế hoạch": "KH",
    "Phương án": "PA",
    "Đề án": "ĐA",
    "Dự án": "DA",
    "Báo cáo": "BC",
    "Biên bản": "BB",
    "Tờ trình": "TTr",
    "Hợp đồng": "HĐ",
    "Công điện": "CĐ",
    "Bản ghi nhớ": "BGN",
    "Bản thỏa thuận": "BTT",
    "Giấy ủy quyền": "GUQ",
    "Giấy mời": "GM",
    "Giấy giới thiệu": "GGT",
    "Giấy nghỉ phép": "GNP",
    "Phiếu gửi": "PG",
    "Phiếu chuyển": "PC",
    "Phiếu báo": "PB",
    "Bản sao y": "SY",
    "Bản trích sao": "TrS",
    "Bản sao lục": "SL",
}

#: Blank used for what the văn thư fills in by hand on a draft [R-NUM-8, R-DATE-5].
BLANK = "\u00a0" * 6


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, the form every stored and rendered string takes [R-FONT-2]."""
    return unicodedata.normalize("NFC", text)


def type_abbreviation(type_name: str) -> str | None:
    """Return the ký hiệu abbreviation of a document type, None for Công văn [PL3 I; T-07]."""
    key = nfc(type_name).strip()
    key = key[:1].upper() + key[1:].lower()
    return TYPE_ABBREVIATIONS.get(key)


def number_text(number: int | None) -> str:
    """Return the số: below 10 padded to 2 digits, otherwise as is [R-NUM-2]; blank in a draft."""
    if number is None:
        return BLANK
    if number < 1:
        raise ValueError("số văn bản phải từ 1 trở lên")
    return f"{number:02d}"


def ky_hieu(type_name: str | None, body_abbreviation: str, unit: str | None = None) -> str:
    """Return the ký hiệu: ``TB-UBND`` for a named type, ``UBND-VP`` for a công văn [R-NUM-4/5/6]."""
    parts: list[str] = []
    if type_name is not None:
        abbreviation = type_abbreviation(type_name)
        if abbreviation is None:
            raise ValueError(f"không có chữ viết tắt cho loại văn bản {type_name!r}")
        parts.append(abbreviation)
    parts.append(body_abbreviation)
    if unit:
        parts.append(unit)
    return "-".join(p.strip() for p in parts)


_KY_HIEU = re.compile(r"^[A-ZĐa-zđ]+(-[A-ZĐa-zđ&]+)+$")


def is_valid_ky_hieu(value: str) -> bool:
    """Tell whether a ký hiệu has groups joined by '-' with no spaces [R-NUM-6; T-05 regex]."""
    return bool(_KY_HIEU.match(value))


def number_line(number: int | None, symbol: str) -> str:
    """Return ``Số: 05/TB-UBND`` [R-NUM-1/2/6; T-05], or ``Số:      /TB-UBND`` in a draft [R-NUM-8]."""
    return f"Số: {number_text(number)}/{symbol}"


def month_text(month: int) -> str:
    """Return a month as the date line writes it: 01 and 02 padded, 3–12 not [R-DATE-2]."""
    return f"{month:02d}" if month <= 2 else str(month)


def date_words(day: dt.date) -> str:
    """Return ``ngày 05 tháng 3 năm 2020``: day padded below 10, month only for 1 and 2 [R-DATE-2]."""
    return f"ngày {day.day:02d} tháng {month_text(day.month)} năm {day.year}"


def place_date_line(place: str, day: dt.date | None, year: int, month: int | None = None) -> str:
    """Return ``Hoàng Mai, ngày 05 tháng 01 năm 2024`` [R-DATE-1/2/3/4; T-01…T-04].

    Without a date the day and month stay blank for the văn thư [R-DATE-5]; an issuing draft
    that knows its month prints it, leaving only the day blank.
    """
    if day is None:
        shown = f" {month_text(month)} " if month is not None else BLANK
        return f"{place}, ngày{BLANK}tháng{shown}năm {year}"
    return f"{place}, {date_words(day)}"


def draft_mark(kind: str | None, round_: int | None) -> str:
    """Return the mark of a review draft, "DỰ THẢO" or "DỰ THẢO LẦN 2"; none on an issuing draft or a final.

    Why: the copy sent for comments must not be mistaken for the issued text, while the copy
    that goes to the signer is the text as it will be issued, number and day left blank [R-NUM-8].
    """
    if kind != "gop_y":
        return ""
    return f"DỰ THẢO LẦN {round_}" if round_ is not None else "DỰ THẢO"


#: Days of the week in words, Monday first: "thứ" lower case, the number capitalised [R-CAP-5].
WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


def weekday(day: dt.date) -> str:
    """Return the day of the week in words, "thứ Năm", computed from the date (never typed) [R-CAP-5]."""
    return WEEKDAYS[day.weekday()]


def meeting_time(day: dt.date, at: dt.time, until: dt.time | None = None, until_day: dt.date | None = None) -> str:
    """Return when a meeting is, "lúc 14 giờ 00 phút, thứ Năm, ngày 27/11/2026" [R-GM-2].

    With an end the same day: "lúc 14 giờ 00 phút đến 16 giờ 30 phút, thứ Năm, ngày 26/11/2026";
    over several days each end keeps its weekday: "từ 08 giờ 00 phút, thứ Năm, ngày 26/11/2026
    đến 17 giờ 00 phút, thứ Sáu, ngày 27/11/2026".
    """
    def clock(t: dt.time) -> str:
        return f"{t.hour:02d} giờ {t.minute:02d} phút"

    def date(d: dt.date) -> str:
        return f"{weekday(d)}, ngày {short_date(d)}"

    if until is None:
        return f"lúc {clock(at)}, {date(day)}"
    if until_day is None or until_day == day:
        return f"lúc {clock(at)} đến {clock(until)}, {date(day)}"
    return f"từ {clock(at)}, {date(day)} đến {clock(until)}, {date(until_day)}"


def short_date(day: dt.date) -> str:
    """Return ``27/12/2023``, the numeric date used inside body sentences (practice, §15)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def roman(number: int) -> str:
    """Return the Roman numeral of a section number (I, II, …) [§7 heading levels; T-17]."""
    if not 1 <= number <= 3999:
        raise ValueError("số La Mã chỉ từ 1 đến 3999")
    out = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


#: Điểm letters in Vietnamese alphabetical order, without ă â ê ô ơ ư f j w z [§7; (P)].
DIEM_LETTERS = "abcdđeghiklmnopqrstuvxy"


def diem_label(index: int) -> str:
    """Return the điểm label for the 1-based ``index``: ``a)``, ``b)``, … ``đ)`` … ``y)`` [§7; T-17]."""
    if index < 1:
        raise ValueError("chỉ số điểm bắt đầu từ 1")
    letters = DIEM_LETTERS
    n = len(letters)
    label = letters[(index - 1) % n]
    # Past "y" continue with doubled letters (aa, bb, …) rather than fail: long lists exist.
    label *= (index - 1) // n + 1
    return f"{label})"


def khoan_label(path: Sequence[int]) -> str:
    """Return ``1.`` or ``2.1.`` for the item path (1-based) [§7 khoản; numbering restarts per parent]."""
    if not path or any(i < 1 for i in path):
        raise ValueError("đường dẫn khoản không hợp lệ")
    return "".join(f"{i}." for i in path)


def upper_vi(text: str) -> str:
    """Upper-case Vietnamese text in NFC (ư→Ư, đ→Đ, ỹ→Ỹ) without changing anything else."""
    return nfc(nfc(text).upper())


def recipient_lines(items: Sequence[str], luu_units: Sequence[str], copies: int | None) -> list[str]:
    """Return the Nơi nhận lines: ``- X;`` for each item, then ``- Lưu: VT, … (n).`` [R-NN-2/3; T-18]."""
    lines = [f"- {clean_recipient(item)};" for item in items]
    tail = ", ".join(["VT", *[u.strip() for u in luu_units if u.strip()]])
    if copies is not None:
        tail += f" ({copies})"
    lines.append(f"- Lưu: {tail}.")
    return lines


def unit_key(unit: str) -> str:
    """Return the comparison key of a unit name: NFC, case-folded, spaces collapsed."""
    return " ".join(nfc(unit).casefold().split())


def clean_recipient(item: str) -> str:
    """Strip a leading "- " and trailing ";", "," or "." an author may have typed [R-NN-2]."""
    text = " ".join(item.split())
    text = re.sub(r"^[-–+•]\s*", "", text)
    return re.sub(r"[\s;,.]+$", "", text)


#: The words a Nơi nhận starts with when the document has a Kính gửi [R-NN-4].
NHU_TREN = "Như trên"


def recipients(items: Sequence[str], addressed: bool) -> list[str]:
    """Return the Nơi nhận items: "Như trên" first when the document has a Kính gửi, and only once [R-NN-4].

    Why first and added by vanban: it stands for the addressees listed under "Kính gửi", which
    ND30 puts at the head of the Nơi nhận; an author who wrote it too is not asked to remove it.
    """
    if not addressed:
        return list(items)
    return [NHU_TREN, *(item for item in items if not is_nhu_tren(item))]


_NHU_TREN = re.compile(r"^như\s+(trên|điều\s+\d+)\b", re.IGNORECASE)


def is_nhu_tren(item: str) -> bool:
    """Tell whether a recipient is "Như trên", which a Thông báo must not use [R-NN-4; T-19]."""
    return bool(_NHU_TREN.match(clean_recipient(nfc(item))))


#: Academic titles and degrees that must not precede the signer's name [R-SIG-2; T-21].
ACADEMIC_TITLES = ("TS", "ThS", "PGS", "GS", "KS", "BS", "TSKH", "CN", "Ths", "PGS.TS", "GS.TS")
_TITLE_PREFIX = re.compile(r"^(?:(?:GS|PGS|TSKH|TS|ThS|Ths|KS|BS|CN)\.\s*)+", re.IGNORECASE)


def academic_title_prefix(name: str) -> str | None:
    """Return the academic title written before a name (``TS.``), or None [R-SIG-2; T-21]."""
    match = _TITLE_PREFIX.match(name.strip())
    return match.group(0).strip() if match else None


_VV = re.compile(r"^\s*v\s*/\s*v\b[\s.:]*", re.IGNORECASE)


def vv_lines(lines: Sequence[str]) -> list[str]:
    """Return a công văn's trích yếu lines with "V/v " before the first, whether or not the author wrote it [R-EL-5b].

    Why: "V/v" (về việc) marks a công văn's trích yếu and only a công văn's [R-EL-5a-3].
    """
    if not lines:
        return []
    first = _VV.sub("", lines[0])
    return [f"V/v {first}", *lines[1:]]


def kinh_gui_items(addressees: Sequence[str]) -> list[str]:
    """Return the Kính gửi lines of several addressees: "- X;" each, the last "- X." [R-EL-9a].

    Why here: like the Nơi nhận, the author writes names and vanban adds the dashes and the
    punctuation (a dash, semicolon or period the author typed is not doubled).
    """
    names = [clean_recipient(a) for a in addressees]
    return [f"- {name}{'.' if i == len(names) - 1 else ';'}" for i, name in enumerate(names)]


def end_mark(text: str) -> str:
    """Append the end mark ``./.`` right after the last character of the body [R-END-1; T-16]."""
    stripped = text.rstrip()
    if stripped.endswith("./."):
        return stripped
    if stripped.endswith("."):
        return stripped + "/."
    return stripped.rstrip(";:,") + "./."


def collapse_spaces(text: str) -> str:
    """Collapse runs of spaces and tabs, and trim each line; line breaks are kept as written."""
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def with_deadline(text: str, words: str) -> str:
    """Append a task's deadline words, ``… (hoàn thành trước ngày 20/01/2024).``, keeping its end punctuation."""
    core = text.rstrip(" .;:")
    tail = text[len(core):].strip() or "."
    return f"{core} ({words}){tail}"


def is_lead_in(text: str) -> bool:
    """Tell whether a paragraph introduces what follows (it ends with ":"), so it must not end a page."""
    return text.rstrip().endswith(":")


#: Words that introduce a person's name: "đồng chí Trần Văn Thành", "ông …", "bà …".
_NAME_LEAD = re.compile(r"(?:^|(?<=[\s(]))(?:đồng\s+chí|ông|bà)\s+", re.IGNORECASE)
_SYLLABLE = re.compile(r"\S+")
#: The longest personal name kept on one line (family, middle names, given name).
_MAX_NAME_SYLLABLES = 6


def name_spans(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) offsets of each person's name in ``text`` (capitalised syllables after "đồng chí").

    Why: a title re-wrapped by vanban must never put "Trần Văn" and "Thành" on two lines; a
    name is the run of capitalised syllables after "đồng chí", "ông" or "bà"
    ("đồng chí Trần Văn Thành - Phó Chủ tịch" → "Trần Văn Thành").
    """
    spans: list[tuple[int, int]] = []
    for lead in _NAME_LEAD.finditer(text):
        start = end = lead.end()
        count = 0
        for word in _SYLLABLE.finditer(text, lead.end()):
            if word.start() != end + (1 if count else 0) and count:
                break  # more than one space: the name has ended
            core = word[0].rstrip(",.;:)")
            if not (core[:1].isupper() and (core[1:].islower() or not core[1:]) and core.isalpha()):
                break
            count += 1
            end = word.start() + len(core)
            if core != word[0] or count == _MAX_NAME_SYLLABLES:
                break  # punctuation closes the name
        if count >= 2:
            spans.append((start, end))
    return spans


#: What a drafter leaves to fill in later: "[tên đơn vị]", "___", "....", "XX", "TODO", "<<…>>".
_PLACEHOLDER = re.compile(r"\[[^\]\n]*\]|_{3,}|\.{4,}|…{2,}|\bX{2,}\b|\bTODO\b|<<[^>\n]*>>")


#: An escape (``^[`` is "[") or the opening of a mark (``^han[``) of the inline grammar (docs/inline.md).
_MARK_OPENING = re.compile(r"\^([\^\[\]])|\^[a-z_]+\[")


def placeholder(text: str) -> str | None:
    """Return the first placeholder left in ``text`` (a final notice has none), or None.

    The brackets of a mark (``^han[trước ngày 20/9/2026]``) are not a blank to fill in.
    """
    match = _PLACEHOLDER.search(_MARK_OPENING.sub(lambda m: m.group(1) or "", text))
    return match.group(0) if match else None


# --- where a line must not break [R-BRK-1] ----------------------------------------------------------

#: A web address, up to the first space (punctuation that ends a sentence is not part of it).
_URL = re.compile(r"https?://[^\s<>\"]+?(?=[.,;:!?)\]]*(?:\s|$))", re.IGNORECASE)
#: A number joined by "/" or "-" to more numbers or letters: a document's số and ký hiệu
#: ("05/TB-UBND", "34-NQ/TU", "30/2020/NĐ-CP"), a date ("26/11/2026", "12/2023"), a span of
#: years ("2021-2025"); with "số" or "ngày" before it, that word too ("số 05/TB-UBND").
_REFERENCE = re.compile(r"(?<![\w/-])(?:(?:số|ngày)\s+)?\d+(?:[/-][^\W_]+)+(?![\w/-])", re.IGNORECASE)
#: Units a number is written with in notices, the longer before the shorter.
UNITS = ("tạ/ha", "tấn/ha", "kg/ha", "triệu đồng", "tỷ đồng", "nghìn đồng", "đồng", "km²", "km2", "m²", "m³", "m2",
         "m3", "km", "cm", "mm", "ha", "kg", "tấn", "tạ", "m", "%", "‰", "ngày", "tuần", "tháng", "năm", "giờ",
         "phút", "người", "hộ", "lượt", "lần", "USD")
#: A number and its unit: "56,2 tạ/ha", "47,3 ha", "13,5m", "15 ngày", "100%" (a run of digits longer than
#: any real figure is a code, not a quantity).
_QUANTITY = re.compile(r"(?<![\w,./-])\d{1,15}(?:[.,]\d+)*\s?(?:"
                       + "|".join(re.escape(u) for u in UNITS) + r")(?![\w/])")
#: A short note in parentheses after a recipient: "(để b/c)", "(để t/h)", "(Đ/c Hùng)"; a longer
#: parenthesis is a phrase of its own and may wrap.
_ANNOTATION = re.compile(r"\([^()\n]{1,24}\)")


def protected_spans(text: str, annotations: bool = False) -> list[tuple[int, int]]:
    """Return the (start, end) offsets of ``text`` a line must not break inside, in order [R-BRK-1].

    Why one detector: a reference read across two lines ("34-NQ/" | "TU", "56,2" | "tạ/ha") is
    misread and cannot be searched for, and both renderers must keep the same units whole.
    Document numbers and ký hiệu, dates, numbers with their unit and (``annotations``, in
    Nơi nhận) a parenthesised note are each one span. A web address is a run of touching
    spans, one per path segment ending in "/", so it breaks only after a path separator and
    never inside "https://" or the host name.
    """
    spans: list[tuple[int, int]] = []
    urls: list[tuple[int, int]] = []
    for found in _URL.finditer(text):
        start = found.start()
        for cut in re.finditer(r"/(?!/)", found.group()):
            end = found.start() + cut.end()
            if text[start:end].rstrip("/").endswith(":"):
                continue  # "https:/" + "/" stays whole
            if end - start > 0 and end < found.end():
                spans.append((start, end))
                start = end
        spans.append((start, found.end()))
        urls.append(found.span())
    patterns = [_REFERENCE, _QUANTITY, *([_ANNOTATION] if annotations else [])]
    others = sorted(m.span() for pattern in patterns for m in pattern.finditer(text)
                    if not any(a < m.end() and m.start() < b for a, b in urls))
    merged: list[tuple[int, int]] = []
    for start, end in others:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return sorted([*spans, *merged])
