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

import re
from collections.abc import Collection
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from vc_contracts import CST
from vc_contracts.catalogue.fields import HALF_YEAR_PERIOD, YEAR_MAX, YEAR_MIN, YEAR_PERIOD
from vc_contracts.catalogue.fields import PERIOD_PATTERN as CONTRACT_PERIOD_PATTERN
from vc_contracts.durations import seconds_between
from vc_contracts.periods import Period, PeriodFormatError, PeriodKind

from eventkit.errors import RuleViolationError

__all__ = [
    "HALF_YEAR_PATTERN",
    "PERIOD_PATTERN",
    "QUARTER_PATTERN",
    "YEAR_OR_QUARTER_PATTERN",
    "YEAR_TEXT_PATTERN",
    "DayPeriods",
    "Period",
    "PeriodKind",
    "day_periods",
    "half_containing",
    "half_of",
    "parse_period",
    "period_pattern_reason",
    "quarter_bounds",
    "quarter_of",
    "quarters_of_year",
    "require_started",
    "seconds_by_half",
    "seconds_in_period",
    "seen_at",
    "split_seconds_by_quarter",
]

# ------------------------------------------------------------------- periods in paths and queries
_YEAR = r"(?:201[89]|20[2-9][0-9]|2100)"  # YEAR_MIN..YEAR_MAX as text

YEAR_TEXT_PATTERN = rf"^{_YEAR}$"
QUARTER_PATTERN = rf"^{_YEAR}Q[1-4]$"
HALF_YEAR_PATTERN = rf"^{_YEAR}H[12]$"
PERIOD_PATTERN = rf"^{_YEAR}(?:Q[1-4]|H[12])?$"
"""A year, half-year or quarter: 2025, 2025H1, 2025Q3 (CST), the year within the bounds above."""
YEAR_OR_QUARTER_PATTERN = rf"^{_YEAR}(?:Q[1-4])?$"

_ALONE = {  # a field of one kind
    PeriodKind.year: "年度应为 4 位年份，如 2026",
    PeriodKind.half: "半年度应如 2026H1（上半年）或 2026H2（下半年）",
    PeriodKind.quarter: "季度应如 2026Q1（第一季度）…2026Q4（第四季度）",
}
_AMONG = {  # one of several kinds
    PeriodKind.year: "年度（如 2026）",
    PeriodKind.half: "半年度（如 2026H1）",
    PeriodKind.quarter: "季度（如 2026Q1）",
}
_EXPECTED = {
    YEAR_TEXT_PATTERN: (PeriodKind.year,),
    YEAR_PERIOD: (PeriodKind.year,),
    HALF_YEAR_PATTERN: (PeriodKind.half,),
    HALF_YEAR_PERIOD: (PeriodKind.half,),
    QUARTER_PATTERN: (PeriodKind.quarter,),
    YEAR_OR_QUARTER_PATTERN: (PeriodKind.year, PeriodKind.quarter),
    PERIOD_PATTERN: tuple(PeriodKind),
    CONTRACT_PERIOD_PATTERN: tuple(PeriodKind),
}
_SHAPE = re.compile(r"([0-9]{4})(?:([HQ])[1-4])?")  # a period's shape, its number aside
_KIND_NAME = {PeriodKind.year: "年度", PeriodKind.half: "半年度", PeriodKind.quarter: "季度"}


def period_pattern_reason(pattern: str, given: object) -> str | None:
    """Why `given` does not match `pattern`, in Chinese, if `pattern` is one of the period patterns
    (this module's or the contracts'); else None. Says what is expected and, when `given` is a
    period of another kind or out of the years, what is wrong with it:
    "「2026Q3」是季度，半年度应如 2026H1（上半年）或 2026H2（下半年）".

    The one text of every period-typed path, query or body field (eventkit.reasons answers a
    pattern mismatch with it), so no period parameter says only 格式不正确.
    """
    if pattern not in _EXPECTED:
        return None
    kinds = _EXPECTED[pattern]
    among = [_AMONG[kind] for kind in kinds]
    expected = _ALONE[kinds[0]] if len(kinds) == 1 else f"期间应为{'、'.join(among[:-1])}或{among[-1]}"
    what = ""
    shape = _SHAPE.fullmatch(given) if isinstance(given, str) else None
    if shape is not None and not YEAR_MIN <= int(shape.group(1)) <= YEAR_MAX:
        what = f"年份须在 {YEAR_MIN}–{YEAR_MAX} 之间（本制度自 {YEAR_MIN} 年起实施），"
    elif shape is not None and (kind := PeriodKind(shape.group(2) or "")) not in kinds:
        what = f"「{given}」是{_KIND_NAME[kind]}，"
    return what + expected


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


def require_started(
    period: Period | str,
    today: date,
    *,
    field: str = "period",
    kinds: Collection[PeriodKind] = tuple(PeriodKind),
    then: str = "暂无数据",
) -> Period:
    """`period` (parsed, of `kinds`) if it has begun on `today` (a CST day); else 422 rule_violation
    on `field` naming it: "2027年上半年（2027H1）尚未开始，暂无数据" (`then` says what cannot be done).

    The one check of every endpoint that gives a period's figures (the dashboard, statistics, report
    previews and submissions, compliance, assessment sheets): a period not yet begun has no figures,
    and an empty 200 for it reads as "nothing was done" (a year is named by its label alone: 2027年)."""
    found = period if isinstance(period, Period) else parse_period(period, kinds=kinds, field=field)
    if found.first_day > today:
        named = found.label if found.kind is PeriodKind.year else f"{found.label}（{found}）"
        raise RuleViolationError(f"{named}尚未开始，{then}", field=field)
    return found


def seen_at(period: Period, now: datetime) -> datetime:
    """The moment a read sees `period` at: `now`, or the period's first instant (00:00 +08:00 of its
    first day) when `now` is still before it. A read judges "begun" on the reader's day
    (`eventkit.clock.phone_today_cst`, up to MAX_CLOCK_AHEAD ahead), so in the server's last minutes
    of the period before it answers a period the server's `now` has not reached: it is shown just
    begun (counted as of its first day, its first quarter under way), never as not yet begun."""
    return max(now, period.start)


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
