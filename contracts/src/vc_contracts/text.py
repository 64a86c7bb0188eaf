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


__all__ = [
    "FREE_TEXT_MAX",
    "REASON_MAX",
    "SHORT_TEXT_MAX",
    "STORED",
    "FreeText",
    "Note",
    "OptionalReason",
    "Reason",
    "ShortText",
    "clean_text",
    "clean_text_in_full",
    "is_stored",
]
