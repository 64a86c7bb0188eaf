"""Codes, numbers, phones and ids: how their characters are read before their pattern is checked.

Rule (one place; every code, number, phone and id in request bodies, import rows and events):
NFKC first, so full-width digits and letters typed with a Chinese input method (`１３９０９…`,
`ＡＢ`) become ASCII; then any other decimal digit (Arabic-Indic…) is read as its ASCII digit;
then surrounding whitespace is stripped. A character NFKC would make a digit although it is none
(`²`, `①`) is kept as typed, so a pattern refuses it. The pattern is checked on the result, in ASCII only. A
phone stored as `139０９…` before this rule is read back as `13909…`, so it dials.

Ids (opaque, chosen by services or clients) are normalised the same way on new writes, and refuse
control characters and line breaks; stored ids are read back exactly as stored, since they name
streams and read-model rows.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo

from vc_contracts.personal_numbers import mobile_digits
from vc_contracts.text import clean_text, identity_when_stored, is_stored

# Patterns unchanged since first published (consumers validate with them); after normalisation
# only ASCII digits are left, so `\d` means [0-9] here.
PHONE_PATTERN = r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$"
LAWYER_LICENCE_PATTERN = r"^\d{17}$"
CREDIT_CODE_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$"
ID_MAX = 128
NUMBER_MAX = 64


def ascii_digits(value: str) -> str:
    """NFKC, every decimal digit as ASCII, outer whitespace stripped: `＂１３９ ０９＂` -> `139 09`.
    A character that is no decimal digit but that NFKC would make digits (`²`, `①`, `⑩`, `⒈`) is
    kept as typed: `3²` is not 32, and `62102510020²` is no village code (its pattern refuses it)."""
    if value.isascii():  # the usual case, and NFKC leaves ASCII as it is: once per imported cell
        return value.strip()
    if any(not c.isascii() and _digit_like(c) for c in value):  # rare: NFKC between them only
        text, start = "", 0
        for n, char in enumerate(value):
            if not char.isascii() and _digit_like(char):
                text += unicodedata.normalize("NFKC", value[start:n]) + char
                start = n + 1
        text += unicodedata.normalize("NFKC", value[start:])
    else:
        text = unicodedata.normalize("NFKC", value)
    return "".join(_ascii_digit(c) for c in text).strip()


@functools.lru_cache(maxsize=1024)
def _digit_like(char: str) -> bool:
    """True for a character NFKC would turn into digits although it is none (superscripts, circled
    and parenthesised numbers): a number nobody typed as one."""
    return not char.isdecimal() and any(c.isdecimal() for c in unicodedata.normalize("NFKC", char))


def _ascii_digit(char: str) -> str:
    if char.isascii():
        return char
    digit = unicodedata.decimal(char, None)
    return char if digit is None else str(digit)


def _code(value: Any) -> Any:
    return ascii_digits(value) if isinstance(value, str) else value


def _upper_code(value: Any) -> Any:
    return ascii_digits(value).upper() if isinstance(value, str) else value


@identity_when_stored
def _id(value: Any, info: ValidationInfo) -> Any:
    if not isinstance(value, str) or (info.context is not None and is_stored(info)):
        return value
    if value.isascii() and value.isprintable():  # the usual id: ascii_digits and clean_text only strip
        return value.strip()
    return clean_text(ascii_digits(value), single_line=True)


@identity_when_stored
def _number(value: Any, info: ValidationInfo) -> Any:
    text = _id(value, info)
    if isinstance(text, str) and not is_stored(info) and len(text) > NUMBER_MAX:
        raise ValueError(f"不能超过 {NUMBER_MAX} 个字符（现有 {len(text)} 个）")
    return text


IdNormalised = BeforeValidator(_id)
"""Put on any id-like str field with its own length: NFKC + ASCII digits + strip, one line, on writes."""

Normalised = BeforeValidator(_code)
"""Put on any code-like str field: NFKC + ASCII digits + strip before its pattern is checked."""


def _phone(value: Any) -> Any:
    """A mobile as people write it (139 1234 5678, (139)1234-5678, +86 139…, 0086…, 86 139…) is the
    11 digits; anything else is left to the pattern (a landline keeps its hyphen: 0934-1234567).
    Why: a resident told to put the number in the callback field was refused for the groups. The
    written forms are the free-text rule's (`personal_numbers.mobile_digits`), so a number that rule
    withholds from a public text as a mobile is a mobile here too, and the other way round."""
    text = _code(value)
    if isinstance(text, str) and _WRITTEN_PHONE.fullmatch(text):
        return mobile_digits(text) or text
    return text


_WRITTEN_PHONE = re.compile(r"[0-9\s+\-().\[\]【】~/_—–·・ー]+", re.ASCII)
"""What a phone field's mobile is written with: digits (full-width ones read as ASCII by `_code`) and
the joins and brackets people type. The free-text rule also reads digits written otherwise (一三九,
①, 壹) to withhold them; a field holding one is refused, not read."""


Phone = Annotated[
    str,
    Field(
        pattern=PHONE_PATTERN,
        description="Mainland mobile (11 digits, 1[3-9]…) or landline with area code, e.g. 0934-1234567",
    ),
    BeforeValidator(_phone),
]
LawyerLicence = Annotated[
    str,
    Field(pattern=LAWYER_LICENCE_PATTERN, description="Lawyer practising licence: 17 digits"),
    Normalised,
]
CreditCode = Annotated[
    str,
    Field(pattern=CREDIT_CODE_PATTERN, description="18-character unified social credit code"),
    BeforeValidator(_upper_code),
]
Number = Annotated[str, Field(min_length=1), BeforeValidator(_number)]
"""A number given by an authority (firm licence, filing number): normalised like an id, 1..64
characters (the cap is a write-side check, not in the published schema)."""

Id = Annotated[str, Field(min_length=1, max_length=ID_MAX), IdNormalised]
"""An opaque id (1..128 characters), normalised on new writes."""


CHOSEN_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:@-]*$"
_CHOSEN_ID = re.compile(CHOSEN_ID_PATTERN)
CHOSEN_ID_RULE = "编号须以英文字母或数字开头，只能包含英文字母、数字和 - _ . : @（不能有空格、斜杠或汉字）"


def _chosen_id(value: str) -> str:
    if not _CHOSEN_ID.fullmatch(value):
        raise ValueError(f"{CHOSEN_ID_RULE}，现为「{value}」")
    return value


ChosenId = Annotated[
    str,
    Field(min_length=1, max_length=ID_MAX, json_schema_extra={"pattern": CHOSEN_ID_PATTERN}),
    IdNormalised,
    AfterValidator(_chosen_id),
]
"""A new id a user chooses in a request body or an import row (an advisor's, a unit's, an
agreement's, a group's): normalised like `Id`, then ASCII letters, digits and `-_.:@`, starting with
a letter or digit, 1..128 characters.

Why: these ids name URL path segments (`/nominations/{advisor_id}/approval`: the gateway resolves
`A/../x` to another path, a 404 forever) and identity-token claims (`sub`, `unit`: no white space,
eventkit.auth), so an id outside this rule could be stored and then never approved or signed in
with. A request-side rule only: events and read models keep `Id`, so ids stored before it still
decode. Raises ValueError with the reason in Chinese."""
