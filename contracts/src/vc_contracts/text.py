"""Text fields every model shares (request bodies, import rows, events): what characters they may
hold and how long each kind may be. One rule, one place.

Characters (refused with a ValueError, so a request answers 422 naming the field, an import row
becomes a row error, and nothing reaches the store):
- NUL (PostgreSQL's jsonb refuses it: a 500 before this rule), every other C0 control except TAB and
  LF, DEL and the C1 controls (they garble exports, CSV and pages);
- lone surrogates U+D800-U+DFFF (UTF-8 cannot encode them) and the non-characters U+FFFE, U+FFFF.
CR LF and a lone CR are read as LF; leading and trailing whitespace is stripped. Single-line kinds
(names, places, titles…) refuse LF and TAB as well. Text is never NFKC-normalised: names may hold
rare characters that NFKC would change (codes and numbers are, see `vc_contracts.codes`).

Caps, one per kind (characters, not bytes): `SHORT_TEXT_MAX` (names, places, topics, titles,
schedules, filing numbers, listed items), `REASON_MAX` (why something was corrected, voided,
returned, ended), `FREE_TEXT_MAX` (summaries, notes, comments).

Caps and character rules bind new writes only. Stored events are read back with the `STORED`
validation context (`parse_event` passes it): whatever an older release stored stays readable.
The caps are validators, not JSON Schema constraints, so the published event schemas do not change
(a tighter `maxLength` would be a breaking change for consumers that validate with it).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from pydantic import BeforeValidator, Field, ValidationInfo

SHORT_TEXT_MAX = 200
REASON_MAX = 500
FREE_TEXT_MAX = 2000

STORED: dict[str, Any] = {"vc_stored": True}
"""Validation context for data read back from an event store: write-side rules are not re-applied."""

IDENTITY_WHEN_STORED: set[Callable[..., Any]] = set()
"""Validators that return their input unchanged under the `STORED` context (they hold write-side
rules only): a validator of stored data may leave them out (vc_contracts.batch_decoding). A property
test checks each one."""

F = TypeVar("F", bound=Callable[..., Any])


def identity_when_stored(validator: F) -> F:
    """Register `validator` in IDENTITY_WHEN_STORED."""
    IDENTITY_WHEN_STORED.add(validator)
    return validator


_REFUSED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def is_stored(info: ValidationInfo | None) -> bool:
    """True when validating data read back from a store (context `STORED`)."""
    return bool(info is not None and isinstance(info.context, dict) and info.context.get("vc_stored"))


def _describe(char: str) -> str:
    names = {"\x00": "空字符（NUL）", "\x7f": "删除符（DEL）"}
    if "\ud800" <= char <= "\udfff":
        return f"无效的代理字符 U+{ord(char):04X}"
    return names.get(char, f"控制字符 U+{ord(char):04X}")


def clean_text(value: str, *, single_line: bool = False) -> str:
    """`value` with line breaks read as LF and outer whitespace stripped; ValueError if it holds a
    refused character (see the module docstring), or a line break/TAB when `single_line`."""
    if value.isprintable():  # the usual text, see `clean_text_in_full`: nothing to refuse or convert
        return value.strip()
    return clean_text_in_full(value, single_line=single_line)


def clean_text_in_full(value: str, *, single_line: bool = False) -> str:
    """`clean_text` without its fast path: the same answer for every string. `str.isprintable()` is
    False for every refused character (C0 and C1 controls, DEL, surrogates, U+FFFE/U+FFFF: none is
    printable), for CR, LF and TAB, and for spaces other than U+0020; a printable string can only be
    stripped. Checked against this for any string by a property test."""
    if "\r" in value:  # rare: one pass less for every other text
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if found := _REFUSED.search(value):
        raise ValueError(f"不能包含{_describe(found.group())}（第 {found.start() + 1} 个字符）")
    text = value.strip()
    if single_line and ("\n" in text or "\t" in text):
        raise ValueError("须为单行文字，不能包含换行符或制表符")
    return text


_BREAK_OR_TAB = re.compile(r"[\t\n\r]")
_BREAK_NAMES = {"\t": "制表符", "\n": "换行符", "\r": "回车符"}


def check_line_as_sent(value: str) -> None:
    """ValueError (reason in Chinese, the character named by its code point, never shown) unless
    `value` is one line that may be used exactly as sent: a path segment or a query value, which
    nothing strips or converts. TAB, CR and LF are refused wherever they stand (`clean_text` strips
    outer ones first, right for a text it then stores stripped, but a URL value is used unstripped:
    `%0d%0aX-Injected: 1` passed and was echoed in a 404), and so are the characters `clean_text`
    refuses and the invisible ones of `invisible_character` (U+2028/U+2029, the line breaks the
    single-line rule does not see, among them). Printable text (nearly all) costs one call."""
    if _nothing_hidden(value):
        return
    if found := _BREAK_OR_TAB.search(value):
        char = found.group()
        where = f"U+{ord(char):04X}（第 {found.start() + 1} 个字符）"
        raise ValueError(f"须为单行文字，不能包含{_BREAK_NAMES[char]} {where}")
    clean_text_in_full(value)
    if (reason := invisible_character(value)) is not None:
        raise ValueError(reason)


# Default-ignorable code points (Unicode's Default_Ignorable_Code_Point: "rendered invisibly") that
# are letters or marks, so `str.isprintable()` is True for them: the Hangul fillers U+115F, U+1160,
# U+3164 and U+FFA0 (a name of one U+3164 showed as an empty name), the combining grapheme joiner
# U+034F and the Khmer inherent vowels U+17B4/U+17B5.
_PRINTABLE_INVISIBLE = "\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0"
printable_invisible = re.compile(f"[{_PRINTABLE_INVISIBLE}]").search
"""The first invisible character `str.isprintable()` lets through (a match), or None: a fast path
that asks `isprintable()` must also ask this of non-ASCII text (~70 ns for a short text)."""


def _nothing_hidden(value: str) -> bool:
    """The fast path of both checks: printable, and ASCII or free of the printable invisible ones."""
    return value.isprintable() and (value.isascii() or printable_invisible(value) is None)


_INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff0-\ufffb"
    f"{_PRINTABLE_INVISIBLE}\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e00ff\U000e01f0-\U000e0fff]"
)
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_INVISIBLE_NAMES = {
    "\u00ad": "软连字符",
    "\u061c": "阿拉伯字母标记",
    "\u200b": "零宽空格",
    "\u200c": "零宽不连字",
    "\u200d": "零宽连字",
    "\u200e": "从左向右标记",
    "\u200f": "从右向左标记",
    "\u2028": "行分隔符",
    "\u2029": "段分隔符",
    "\u202a": "从左向右嵌入符",
    "\u202b": "从右向左嵌入符",
    "\u202c": "方向格式结束符",
    "\u202d": "从左向右覆盖符",
    "\u202e": "从右向左覆盖符，会使其后的文字倒序显示",
    "\u2060": "零宽连接符",
    "\u2066": "从左向右隔离符",
    "\u2067": "从右向左隔离符",
    "\u2068": "首字强隔离符",
    "\u2069": "方向隔离结束符",
    "\ufeff": "零宽不换行空格（BOM）",
    "\u034f": "组合用字形连接符",
    "\u115f": "韩文初声填充符",
    "\u1160": "韩文中声填充符",
    "\u3164": "韩文填充符",
    "\uffa0": "半角韩文填充符",
}


def _is_emoji_part(char: str) -> bool:
    """A picture symbol (Unicode So: the emoji, U+2600-U+27BF, U+1F000-…), a skin tone (U+1F3FB-U+1F3FF,
    Sk) or the emoji presentation selector U+FE0F that may end the element before a joiner."""
    return char == "\ufe0f" or unicodedata.category(char) == "So" or "\U0001f3fb" <= char <= "\U0001f3ff"


def _joins_emoji(value: str, at: int) -> bool:
    """True when value[at] is a U+200D between two emoji (an emoji ZWJ sequence, UTS #51: 👨‍👩‍👧,
    👩‍⚖️): a phone's emoji keyboard writes it inside one picture, it changes no text around it."""
    return (
        value[at] == "\u200d"
        and 0 < at < len(value) - 1
        and _is_emoji_part(value[at - 1])
        and _is_emoji_part(value[at + 1])
    )


def _separates_mongolian_vowel(value: str, at: int) -> bool:
    """True when value[at] is the Mongolian vowel separator U+180E between a Mongolian letter and a
    final ᠠ (U+1820) or ᠡ (U+1821), where traditional Mongolian writes it to choose the vowel's
    separated form (ᠬᠠᠳᠠ᠎ᠠ, "rock"; The Unicode Standard, 13.5): a word spelled right, not a hidden
    character."""
    return (
        value[at] == "\u180e"
        and 0 < at < len(value) - 1
        and "\u1820" <= value[at - 1] <= "\u18aa"
        and value[at + 1] in "\u1820\u1821"
    )


# An emoji tag sequence (UTS #51 ED-14a): an emoji, one or more tag characters U+E0020-U+E007E and
# the CANCEL TAG U+E007F; the flags of England 🏴󠁧󠁢󠁥󠁮󠁧󠁿, Scotland and Wales, on every phone's keyboard.
_TAG_SEQUENCE = re.compile("(?s)(.)([\U000e0020-\U000e007e]+\U000e007f)")


def _emoji_tags(value: str) -> frozenset[int]:
    """The positions in `value` of the tag characters that belong to an emoji tag sequence (a flag
    such as 🏴󠁧󠁢󠁥󠁮󠁧󠁿: its tags spell the region, gbeng): they are part of one picture and pass."""
    if "\U000e007f" not in value:  # no sequence without its CANCEL TAG: nearly every text
        return frozenset()
    return frozenset(
        at
        for m in _TAG_SEQUENCE.finditer(value)
        if _is_emoji_part(m.group(1))
        for at in range(m.start(2), m.end(2))
    )


def invisible_character(value: str) -> str | None:
    """The reason (Chinese) to refuse `value` from a caller, or None: it holds an invisible format
    character that changes how the text around it is shown (Unicode Cf/Zl/Zp, UAX #9 and TR36):
    the bidirectional controls U+202A-U+202E, U+2066-U+2069, U+200E/U+200F and U+061C (a U+202E shows
    the rest of a name or summary reversed on every page and export), the zero-width U+200B-U+200D,
    U+2060-U+2064 and U+FEFF (two names that look equal are not), the deprecated U+206A-U+206F,
    U+180E, the interlinear annotations U+FFF9-U+FFFB, the tags U+E0001 and U+E0020-U+E007F (invisible
    text), the line and paragraph separators U+2028/U+2029 (a line break the single-line rule
    does not see), and the soft hyphen U+00AD and the musical format characters U+1D173-U+1D17A (Cf,
    drawn as nothing: `张\u00ad三` looked like 张三 and was another name); and every other
    default-ignorable code point (Unicode's Default_Ignorable_Code_Point, "rendered invisibly"):
    the Hangul fillers U+115F, U+1160, U+3164 and U+FFA0 and the marks U+034F, U+17B4 and U+17B5,
    which are letters or marks and printable (`printable_invisible`), the shorthand format controls
    U+1BCA0-U+1BCA3, and the unassigned U+2065, U+FFF0-U+FFF8 and U+E0000-U+E0FFF. Variation
    selectors (U+FE00-U+FE0F, U+E0100-U+E01EF, the Mongolian U+180B-U+180D and U+180F) pass: they
    choose how the character before them is drawn (an emoji's look, a variant of an ideograph, the
    Mongolian script's letter forms). A U+200D joining two emoji
    is part of one picture (👨‍👩‍👧, from any phone's emoji keyboard) and passes: refusing it told a
    resident to delete a character they never typed. So do the tags of an emoji tag sequence, the
    flags of England, Scotland and Wales (🏴 followed by tags that spell the region and a CANCEL TAG),
    and the Mongolian vowel separator U+180E where traditional Mongolian spells a word with it
    (before a final ᠠ or ᠡ: `_separates_mongolian_vowel`).

    A rule of what callers send (request bodies: `eventkit.params.RequestBody`; import cells:
    `eventkit.sheet_cells.cell_text`), deliberately not part
    of the field types above: the event models share those types, and an event stored before the rule
    must still decode. Printable ASCII text is answered at once; other printable text by one search.
    """
    if _nothing_hidden(value):
        return None
    tags = _emoji_tags(value)
    found = next(
        (
            m
            for m in _INVISIBLE.finditer(value)
            if not (_joins_emoji(value, m.start()) or _separates_mongolian_vowel(value, m.start()))
            and m.start() not in tags
        ),
        None,
    )
    if found is None:
        return None
    char = found.group()
    kind = "文字方向控制字符" if char in _BIDI else "格式字符"
    if unicodedata.category(char) not in ("Cf", "Zl", "Zp"):
        kind = "字符"  # a filler, a mark or an unassigned code point: no format character
    name = _INVISIBLE_NAMES.get(char)
    shown = f"U+{ord(char):04X}" + (f"（{name}）" if name else "")
    return f"不能包含不可见的{kind} {shown}（第 {found.start() + 1} 个字符）"


def _cleaner(cap: int, *, single_line: bool) -> Any:
    @identity_when_stored
    def check(value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, str) or (info.context is not None and is_stored(info)):
            return value
        # Once per text field of every event built: `clean_text`'s fast path without its call, and
        # `is_stored` only when there is a context (new writes have none).
        text = value.strip() if value.isprintable() else clean_text_in_full(value, single_line=single_line)
        if len(text) > cap:
            raise ValueError(f"不能超过 {cap} 个字符（现有 {len(text)} 个）")
        return text

    return check


def _text(cap: int, *, single_line: bool) -> BeforeValidator:
    return BeforeValidator(_cleaner(cap, single_line=single_line))


ShortText = Annotated[str, Field(min_length=1), _text(SHORT_TEXT_MAX, single_line=True)]
"""One line, 1..200 characters: a name, place, topic, title, schedule or listed item."""

Reason = Annotated[str, Field(min_length=1), _text(REASON_MAX, single_line=False)]
"""1..500 characters: why something was corrected, voided, returned, ended or changed."""

FreeText = Annotated[str, Field(min_length=1), _text(FREE_TEXT_MAX, single_line=False)]
"""1..2000 characters: a summary of the work, findings, what was done."""

Note = Annotated[str, _text(FREE_TEXT_MAX, single_line=False)]
"""0..2000 characters: an optional note or comment (empty allowed)."""

OptionalReason = Annotated[str, _text(REASON_MAX, single_line=False)]
"""0..500 characters: a reason that may be left empty."""


QUOTED_MAX = 40
"""Characters of a caller's own text a message quotes at most (an unknown heading, service or value)."""


def quoted(text: str, limit: int = QUOTED_MAX) -> str:
    """`text` as a message may repeat it: each control or invisible character written as its code
    point (签<U+202E>名: never repeated itself, as `invisible_character` names it), cut to `limit`
    characters with "…" (a 3,000-character heading was echoed whole, twice). The one way every
    service quotes what a caller sent: the import's reasons, the edge's Content-Type, the gateway's
    unknown service (the edge's own copy wrote U+0000 without brackets and cut nothing)."""
    cut = text[:limit]
    if not cut.isprintable() or not cut.isascii():
        hidden = (c for c in cut if not c.isprintable() or invisible_character(c) is not None)
        for c in set(hidden):
            cut = cut.replace(c, f"<U+{ord(c):04X}>")
    return cut + ("…" if len(text) > limit else "")


__all__ = [
    "FREE_TEXT_MAX",
    "QUOTED_MAX",
    "REASON_MAX",
    "SHORT_TEXT_MAX",
    "STORED",
    "FreeText",
    "Note",
    "OptionalReason",
    "Reason",
    "ShortText",
    "check_line_as_sent",
    "clean_text",
    "clean_text_in_full",
    "invisible_character",
    "is_stored",
    "printable_invisible",
    "quoted",
]
