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
_GAP = rf"(?:{_SPACE}{{0,2}}{_JOIN}{{1,2}}{_SPACE}{{0,2}}|{_SPACE}{{1,2}})?"  # one gap, or none
_SIGN = rf"{_SPACE}{{0,2}}[~\uff5e/\uff0f_\uff3f]{_SPACE}{{0,2}}"  # ~ ～ / _: a range or a list, unless 3-4-4
MOBILE = re.compile(rf"(?:(?<![\d+])(?:\+|00)86{_GAP}|(?<!\d))1{_GAP}[3-9](?:{_GAP}\d){{9}}(?!\d)")
"""An 11-digit mainland mobile number (1, then 3-9, then nine digits), optionally after +86 or 0086,
a single gap allowed between its digits, not next to another digit."""
MOBILE_SIGNED = re.compile(rf"(?<!\d)1[3-9]\d{_SIGN}\d{{4}}{_SIGN}\d{{4}}(?!\d)")
"""A mobile grouped 3-4-4 by tildes, slashes or underscores (139～1234～5678): only so grouped, since
a tilde or slash between other numbers is a range or a list (15000～200000 元, 2026/03/01)."""
ID_CARD = re.compile(rf"(?<![0-9A-Za-z])\d(?:{_GAP}\d){{16}}{_GAP}[\dXx](?![0-9A-Za-z])")
"""An 18-character resident ID number, a single gap allowed between its characters, not next to
another digit or letter."""
OLD_ID_CARD = re.compile(
    rf"(?<![0-9A-Za-z])\d(?:{_GAP}\d){{7}}{_GAP}(?:0{_GAP}[1-9]|1{_GAP}[0-2])"
    rf"{_GAP}(?:0{_GAP}[1-9]|[12]{_GAP}\d|3{_GAP}[01])(?:{_GAP}\d){{3}}(?!{_GAP}[0-9A-Za-z])"
)
"""A first-generation (15-digit) resident ID number: area (6), birth date yymmdd (6: its month and
day must be one, so most 15-digit order numbers are not taken for it), sequence (3)."""


def personal_number_in(text: str) -> str | None:
    """What personal number `text` holds, in Chinese ("身份证号码" or "手机号码"), else None."""
    seen = _UNSEEN.sub("", text).translate(_AS_DIGITS)
    if ID_CARD.search(seen) or OLD_ID_CARD.search(seen):
        return "身份证号码"
    if MOBILE.search(seen) or MOBILE_SIGNED.search(seen):
        return "手机号码"
    return None
