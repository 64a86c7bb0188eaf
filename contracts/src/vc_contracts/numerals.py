"""Whole numbers read from text a person or a client typed: ASCII digits only, bounded.

`int()` reads the decimal digits of every script ("٣" and "３" are 3) and refuses more than 4,300
digits with ValueError, and `str.isdigit()` also takes digits `int()` refuses ("²"): a bare
`text.isdigit() and int(text)` either reads a number nobody typed as one or raises (a 500 in a
service, a traceback in a CLI). Every reader of outside text that wants a count or a position
goes through `ascii_whole`. (The services' URL values are rewritten to ASCII digits before
routing, eventkit.input_rules; headers and command lines are not, and stay strict.)
"""

from __future__ import annotations

import re

MAX_DIGITS = 18
"""Longest accepted number: 18 digits always fit PostgreSQL's bigint (a position, a count)."""
_WHOLE = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}")


def ascii_whole(text: str | bytes, *, least: int = 0) -> int | None:
    """`text` as a whole number when it is 1 to `MAX_DIGITS` ASCII digits (no sign, space, other
    script's digit or superscript) and at least `least`; else None. Bytes are read as ASCII."""
    if isinstance(text, bytes):
        text = text.decode("latin-1")
    if _WHOLE.fullmatch(text) is None:
        return None
    value = int(text)
    return value if value >= least else None
