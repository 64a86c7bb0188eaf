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
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from vc_contracts import CST
from vc_contracts.durations import seconds_between
from vc_contracts.periods import Period, PeriodFormatError, PeriodKind

from eventkit.errors import RuleViolationError

__all__ = [
    "DayPeriods",
    "Period",
    "PeriodKind",
    "day_periods",
    "half_containing",
    "half_of",
    "parse_period",
    "quarter_bounds",
    "quarter_of",
    "quarters_of_year",
    "seconds_by_half",
    "seconds_in_period",
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


@lru_cache(maxsize=256)
def _bounds(period: Period) -> tuple[datetime, datetime]:
    """`period.bounds`, built once per period (an export asks for them for every visit it lists)."""
    return period.bounds


def seconds_in_period(start: datetime, end: datetime, period: Period) -> int:
    """Whole seconds of [start, end) counted in `period` (a quarter, half-year or year) by the one
    counting rule: the span's quarter pieces (`split_seconds_by_quarter`) that lie in the period. A visit
    2026-06-30 21:00 -> 07-01 03:00 counts 3 h in 2026Q2 (and 2026H1, 2026) and 3 h in 2026Q3; a span
    outside the period counts 0. Every figure of a period that adds visits up (exports, totals) uses this,
    as the read models do with the split itself."""
    first, last = _bounds(period)
    if end <= first or start >= last:
        return 0
    if first <= start and end <= last:  # wholly inside (nearly every visit): every piece counts
        return seconds_between(start, end)
    inside = {str(q) for q in period.parts(PeriodKind.quarter)}
    return sum(s for quarter, s in split_seconds_by_quarter(start, end).items() if quarter in inside)


# ------------------------------------------------------------------- per CST day, cached
# A projection asks for the half-year of every entry it writes (a 1 M-event rebuild: a million
# times) about a few thousand distinct days; `Period.containing` and `.half` build Periods and
# format them each time. These answer from a per-day cache and equal the plain functions above
# (a property test holds them to it).


class DayPeriods(NamedTuple):
    """The periods of one CST calendar day: quarter ('2025Q2'), half-year ('2025H1') and the end of
    the quarter (00:00 +08:00 of the next quarter's first day, exclusive)."""

    quarter: str
    half: str
    quarter_end: datetime


@lru_cache(maxsize=8192)
def day_periods(day: date) -> DayPeriods:
    """The quarter, half-year and quarter end of the CST day `day` (cached: 8192 days, 22 years)."""
    quarter = Period.containing(day)
    return DayPeriods(str(quarter), str(quarter.half), quarter.end)


_EIGHT_HOURS = timedelta(hours=8)


def _cst_day(moment: datetime) -> date:
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no place in time; give it a time zone")
    if moment.utcoffset() != _EIGHT_HOURS:  # events hold +08:00 instants already (ShanghaiDateTime)
        moment = moment.astimezone(CST)
    return moment.date()


def half_containing(moment: datetime) -> str:
    """'2025H1' for an instant in the first half of 2025 (+08:00), as `half_of(quarter_of(moment))`.
    Naive instants: ValueError."""
    return day_periods(_cst_day(moment)).half


def seconds_by_half(start: datetime, end: datetime) -> dict[str, int]:
    """Exact seconds of [start, end) per CST half-year: `split_seconds_by_quarter` added up by half
    (whole seconds per quarter piece). A span inside one quarter (nearly all) is one piece, without
    walking the quarters."""
    if start.utcoffset() != _EIGHT_HOURS or end.utcoffset() != _EIGHT_HOURS:  # events hold +08:00 already
        start, end = start.astimezone(CST), end.astimezone(CST)
    periods = day_periods(start.date())
    if start < end <= periods.quarter_end:
        return {periods.half: seconds_between(start, end)}
    halves: dict[str, int] = {}
    for quarter, seconds in split_seconds_by_quarter(start, end).items():
        halves[half_of(quarter)] = halves.get(half_of(quarter), 0) + seconds
    return halves
