"""Personal numbers in free text that people write for others to read (a typical case, a resident's
question shown back on the village's public board): a mainland mobile number or a resident ID
number (GB 11643: 17 digits and a check digit or X) must not be published.

A number is read as a reader reads it: in full-width digits (１３９…), grouped by single spaces,
hyphens or middle dots between its digits (139 0000 1234, 139-0000-1234, 621025 19800101 123X),
with a zero-width or soft-hyphen character anywhere in it (invisible), and a mobile after +86 or
0086. Only the unbroken ASCII form was caught, so a number grouped as people write it was
published. Text in which a number merely sits inside a longer run of digits or letters (an order
number, a code) is not taken for one; nor are numbers a gap does not join: commas (12,000), a
decimal point, a line break, or any word between them (2026 年 3 月, 30 人).

Also read as digits (session 24's tester found each published): Chinese numerals as a number is
dictated (一三九〇〇〇〇一二三四, 幺 for 1, 两 for 2), circled and keycap digits (①③⑨, 1️⃣3️⃣9️⃣),
invisible joiners and variation selectors between digits, up to two spaces or a doubled dash (——),
tildes, slashes and underscores between a mobile's 3-4-4 groups (139～1234～5678; elsewhere they
make ranges and lists: 15000～200000 元); and a first-generation identity number (15 digits whose
birth date, digits 9-12, is a month and day).

Also (session 25): any run of spaces, tabs or full-width spaces between groups (139   1234   5678),
brackets about a mobile's first group ((139)1234-5678, [139] 1234 5678), about its country code
((+86)…) or about an identity number's birth date (620102（19800101）1234), and the country code
86 without + (8613912345678, 86 139 1234 5678). Not a number: small numbers side by side with
spaces between them (户数 135 148 160 72 人, `_counts`), a bracketed year ((2024)甘1025民初123号), a
landline (0934-7654321). A phone field reads a mobile as written by the same rule (`mobile_digits`).
"""

from __future__ import annotations

import re

INVISIBLE = "\u00ad\u034f\u180e\u200b-\u200d\u2060\ufe00-\ufe0f\ufeff"
"""Characters a reader does not see (soft hyphen, the grapheme joiner, zero-width ones, variation
selectors), for a character class."""
MIDDLE_DOTS = "\u00b7\u2022\u2027\u2219\u22c5\u30fb\uff65"
"""Middle dots (· • ‧ ∙ ⋅ ・ ･), for a character class: a reader reads a name or number across one."""

_AS_DIGITS = str.maketrans(
    "０１２３４５６７８９＋－Ｘｘ\u3000〇零一幺二两三四五六七八九壹贰叁肆伍陆柒捌玖⓪①②③④⑤⑥⑦⑧⑨"
    "❶❷❸❹❺❻❼❽❾➀➁➂➃➄➅➆➇➈➊➋➌➍➎➏➐➑➒",
    "0123456789+-Xx 00112234567891234567890123456789123456789123456789123456789",
)  # what a Chinese input method types; a number dictated in Chinese numerals (小写, 大写); circled digits
_UNSEEN = re.compile(f"[{INVISIBLE}\u20e3]")  # and the keycap that encloses a digit (1️⃣)
_SPACE = r"[^\S\r\n]"  # a space of a line (a line break ends a number)
_JOIN = rf"[-\u2010-\u2015\u2212\ufe63{MIDDLE_DOTS}\u30fc]"  # hyphens and dashes (——: two), dots, ー
# One gap, or none: any run of spaces (tabs, U+3000), or a join or two with spaces about it. The
# runs are possessive: they end at a join or a digit either way, and a long run of spaces costs one
# pass instead of a backtrack per length.
_GAP = rf"(?:{_SPACE}*+{_JOIN}{{1,2}}{_SPACE}*+|{_SPACE}++)?"
_SIGN = rf"{_SPACE}{{0,2}}[~\uff5e/\uff0f_\uff3f.\uff0e]{_SPACE}{{0,2}}"  # ~ ～ / _ .: a range, unless 3-4-4
_OPEN = r"[(\[（【［〔]"  # a bracket about a mobile's first group, its country code or a birth date
_CLOSE = r"[)\]）】］〕]"
_COUNTRY = rf"(?<![\d+]){_OPEN}?(?:\+|00)?86{_CLOSE}?{_GAP}"  # +86, 0086, 86, (+86), （86）
MOBILE = re.compile(
    rf"(?:{_COUNTRY}|(?<!\d))"
    rf"(?P<number>(?:{_OPEN}1[3-9]\d{_CLOSE}|1{_GAP}[3-9]{_GAP}\d)(?:{_GAP}\d){{8}})(?!\d)"
)
"""An 11-digit mainland mobile number (1, then 3-9, then nine digits), optionally after a country
code (+86, 0086, 86, bracketed or not), a gap allowed between its digits, its first three digits
perhaps bracketed ((139)1234-5678), not next to another digit."""
MOBILE_SIGNED = re.compile(rf"(?<!\d)(?P<number>1[3-9]\d{_SIGN}\d{{4}}{_SIGN}\d{{4}})(?!\d)")
"""A mobile grouped 3-4-4 by tildes, slashes, underscores or dots (139～1234～5678, 139.1234.5678):
only so grouped, since a tilde or slash between other numbers is a range or a list (15000～200000
元, 2026/03/01), and a dot a decimal point (3.5 小时)."""
ID_CARD = re.compile(
    rf"(?<![0-9A-Za-z])(?P<number>\d(?:{_GAP}\d){{5}}{_GAP}(?:{_OPEN}\d{{8}}{_CLOSE}|\d(?:{_GAP}\d){{7}})"
    rf"{_GAP}\d(?:{_GAP}\d){{2}}{_GAP}[\dXx])(?![0-9A-Za-z])"
)
"""An 18-character resident ID number, a gap allowed between its characters, its birth date (digits
7-14) perhaps bracketed (620102（19800101）1234), not next to another digit or letter."""
OLD_ID_CARD = re.compile(
    rf"(?<![0-9A-Za-z])(?P<number>[1-8](?:{_GAP}\d){{7}}{_GAP}(?:0{_GAP}[1-9]|1{_GAP}[0-2])"
    rf"{_GAP}(?:0{_GAP}[1-9]|[12]{_GAP}\d|3{_GAP}[01])(?:{_GAP}\d){{3}})(?!{_GAP}[0-9A-Za-z])"
)
"""A first-generation (15-digit) resident ID number: area (6: its province 11-82, so it starts 1-8;
0086 139… is a phone), birth date yymmdd (6: its month and day must be one, so most 15-digit order
numbers are not taken for it), sequence (3)."""
_SPACES = re.compile(f"{_SPACE}+")


def _counts(number: str) -> bool:
    """True if the digits a pattern matched are small numbers side by side, not one number: three or
    more groups of at most three digits, some of two or three, with only spaces between them (户数
    135 148 160 72 人). Why: now that any run of spaces joins a number's groups, a list of counts
    made 11 or 18 digits; nobody writes a phone or an identity number so, and one spaced out digit
    by digit (1 3 9 1 …) is still read as a number."""
    groups = _SPACES.split(number)
    return (
        len(groups) >= 3
        and all(g.isascii() and g.isdigit() and len(g) <= 3 for g in groups)
        and any(len(g) > 1 for g in groups)
    )


def _found(pattern: re.Pattern[str], seen: str, whole: bool = False) -> re.Match[str] | None:
    """The first match of `pattern` in `seen` (all of `seen` if `whole`) that is no list of counts;
    tried from every start, so a list of counts does not hide a number that overlaps it."""
    if whole:
        m = pattern.fullmatch(seen)
        return m if m and not _counts(m.group("number")) else None
    pos = 0
    while (m := pattern.search(seen, pos)) is not None:
        if not _counts(m.group("number")):
            return m
        pos = m.start() + 1
    return None


def _as_read(text: str) -> str:
    return _UNSEEN.sub("", text).translate(_AS_DIGITS)


def personal_number_in(text: str) -> str | None:
    """What personal number `text` holds, in Chinese ("身份证号码" or "手机号码"), else None."""
    seen = _as_read(text)
    if _found(ID_CARD, seen) or _found(OLD_ID_CARD, seen):
        return "身份证号码"
    if _found(MOBILE, seen) or _found(MOBILE_SIGNED, seen):
        return "手机号码"
    return None


def mobile_digits(text: str) -> str | None:
    """The 11 digits of a mobile when `text` is one as people write it, read as `personal_number_in`
    reads a mobile in free text (139 1234 5678, (139)1234-5678, +86 139…, 0086…, 86 139…), else
    None. Why one reader for both: the phone field took spellings the text rule let through and
    refused some it caught (86 139…), so the same number was a phone in one place and not in the
    other."""
    seen = _as_read(text).strip()
    m = _found(MOBILE, seen, whole=True) or _found(MOBILE_SIGNED, seen, whole=True)
    return None if m is None else re.sub(r"\D", "", m.group("number"))
