"""Calendar periods in China Standard Time for the services (pure: no I/O, no clock).

The one period type is `vc_contracts.periods.Period` (year 2025, half-year 2025H1, quarter 2025Q3,
in +08:00), re-exported here with `parse_period`, which refuses a malformed period with 422
rule_violation, and the on-site hours split. Domain modules may import this module: it imports
only the standard library, `vc_contracts` and the pure `eventkit.errors`.

Counting rule for on-site hours (documented in the README): hours count in the quarter in which
they were served. A visit that crosses a quarter boundary (e.g. 2025-03-31 22:00 to
2025-04-01 02:00 +08:00) is split at 00:00 +08:00 of the new quarter: 2 h to Q1, 2 h to Q2.
A visit crossing midnight inside a quarter stays one entry and counts whole in that quarter.
Durations are whole seconds and are summed exactly; hours are rounded for display only
(vc_contracts.durations).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from vc_contracts import CST
from vc_contracts.durations import seconds_between
from vc_contracts.periods import Period, PeriodFormatError, PeriodKind

from eventkit.errors import RuleViolationError

__all__ = [
    "Period",
    "PeriodKind",
    "half_of",
    "parse_period",
    "quarter_bounds",
    "quarter_of",
    "quarters_of_year",
    "split_seconds_by_quarter",
]


def parse_period(
    text: str, *, kinds: Collection[PeriodKind] = tuple(PeriodKind), field: str = "period"
) -> Period:
    """'2025' | '2025H1' | '2025Q3' → Period, allowing only `kinds`.

    Errors: RuleViolationError (422 rule_violation) on `field`, its message naming the accepted forms.
    """
    try:
        return Period.parse(text, kinds=kinds)
    except PeriodFormatError as refused:
        raise RuleViolationError(str(refused), field=field) from None


# ------------------------------------------------------------------------ shorthands in use


def quarter_of(moment: datetime | date) -> str:
    """'2025Q2' for a moment in the second quarter (+08:00)."""
    return str(Period.containing(moment))


def half_of(quarter: str) -> str:
    """'2025H1' for '2025Q2'."""
    return str(parse_period(quarter).half)


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """First and last +08:00 day of a quarter such as 2025Q2."""
    period = parse_period(quarter, kinds=(PeriodKind.quarter,), field="quarter")
    return period.first_day, period.last_day


def quarters_of_year(year: int) -> list[str]:
    return [str(q) for q in Period(year, PeriodKind.year).parts(PeriodKind.quarter)]


def split_seconds_by_quarter(start: datetime, end: datetime) -> dict[str, int]:
    """Whole seconds of [start, end) falling in each +08:00 calendar quarter (they add up to the span)."""
    start, end = start.astimezone(CST), end.astimezone(CST)
    parts: dict[str, int] = {}
    cursor = start
    while cursor < end:
        quarter = Period.containing(cursor)
        boundary = min(end, quarter.end)
        parts[str(quarter)] = parts.get(str(quarter), 0) + seconds_between(cursor, boundary)
        cursor = boundary
    return parts
