"""Scope conditions for SQL: a division and everything inside it, never as a LIKE pattern.

Division codes nest by prefix (62 > 6210 > 621025 > 621025100 > 621025100201, see
`vc_contracts.divisions.significant_prefix`). Queries once built `LIKE prefix || '%'` from a
token's scope or a query parameter, so a scope of "62", "%" or "" matched other counties' rows.
Here a prefix is computed only from a well-formed code (ASCII digits, GB/T 2260 shape) and
compared with `starts_with()`, in which `%` and `_` are ordinary characters; free-text search
uses `strpos()` for the same reason.
"""

from __future__ import annotations

import re

from vc_contracts.divisions import significant_prefix
from vc_contracts.text import quoted

from eventkit.auth import Principal
from eventkit.errors import AppError

# Six digits (province/city/county) or twelve (township/village), ASCII only, matched whole.
_CODE = re.compile(r"[1-9][0-9]{5}(?:(?!000000)[0-9]{6})?")


class InvalidDivisionError(AppError):
    """A division filter that is not a well-formed code (422, like any other invalid parameter)."""

    status, code = 422, "validation_failed"


def prefix_of(code: str, field: str = "division") -> str:
    """The digits every division inside `code` starts with; 422 naming `field` if `code` is malformed."""
    if not _CODE.fullmatch(code):
        # quoted by the one rule (Python's repr gave 5,000 characters back whole, in its own spelling)
        raise InvalidDivisionError(
            f"行政区划代码须为6位或12位数字（GB/T 2260），收到「{quoted(code)}」", field=field
        )
    return significant_prefix(code)


def scope_prefix(who: Principal, division: str | None = None, field: str = "division") -> str:
    """The prefix a list is limited to: `division` when given (well-formed, else 422; inside the
    caller's scope, else 403 naming `field`; never silently replaced), else the caller's scope."""
    if division is None or division == "":
        return prefix_of(who.scope, "scope")
    prefix = prefix_of(division, field)
    who.require_division(division, field)
    return prefix


def within(column: str, placeholder: str) -> str:
    """SQL condition: `column` (a division code) lies inside the prefix bound to `placeholder`.

    Bind the value from `prefix_of` / `scope_prefix` / `Principal.scope_prefix`. `starts_with`
    uses a btree index in the C collation as a LIKE prefix would.
    """
    return f"starts_with({column}, {placeholder})"


def has_text(column: str, placeholder: str) -> str:
    """SQL condition: `column` contains the text bound to `placeholder` literally (no wildcards)."""
    return f"strpos({column}, {placeholder}) > 0"
