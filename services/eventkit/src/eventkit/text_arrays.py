"""A text[] statement parameter sent as one joined text and split by PostgreSQL.

asyncpg encodes an array parameter element by element and checks each element against three
abstract base classes (`collections.abc`, a Python call each: ~0.22 µs an element, issue 12's
catch-up profile), where one joined text is one C call (~0.012 µs an element) and
`string_to_array` splits it back in the database. A projection's batch sends a few text arrays per
event (stream ids, village codes, entry ids), so on a catch-up this is a few per cent of the
subscriber's CPU.

The joined form is used only when it splits back into exactly the values sent: not when a value is
None (string_to_array gives no NULL here), holds the separator (no service makes such an id or
code), or is the one empty value (`string_to_array('', …)` is the empty array). Otherwise the list
itself is sent, as an ordinary text[] parameter.
"""

from __future__ import annotations

from collections.abc import Sequence

SEPARATOR = "\x1f"
"""ASCII unit separator: never in an id, a division code or a name the services accept."""


def text_array(param: str, values: Sequence[str | None]) -> tuple[str, str | list[str | None]]:
    """(SQL, value) for the text[] parameter `param` (e.g. "$2") holding `values`: the SQL
    expression of the array to write into the statement, and the value to send as that parameter.
    Shapes: `values` in order; the array PostgreSQL sees equals `values` element for element."""
    texts = list(values)
    if None not in texts:
        joined = SEPARATOR.join(texts)  # type: ignore[arg-type]  # no None: checked
        if joined and joined.count(SEPARATOR) == len(texts) - 1:
            return f"string_to_array({param}::text, chr({ord(SEPARATOR)}))", joined
    return f"{param}::text[]", texts
