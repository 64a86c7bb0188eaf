"""Calendar periods in China Standard Time: quarters, halves, and splitting a span across them.

Counting rule for on-site hours (documented in the README): hours count in the quarter in which
they were served. A visit that crosses a quarter boundary (e.g. 2025-03-31 22:00 to
2025-04-01 02:00 +08:00) is split at 00:00 +08:00 of the new quarter: 2 h to Q1, 2 h to Q2.
A visit crossing midnight inside a quarter stays one entry and counts whole in that quarter.
Durations are whole seconds and are summed exactly; hours are rounded for display only
(vc_contracts.durations).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from vc_contracts import CST
from vc_contracts.durations import seconds_between


def quarter_of(moment: datetime | date) -> str:
    day = moment.astimezone(CST).date() if isinstance(moment, datetime) else moment
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def half_of(quarter: str) -> str:
    return f"{quarter[:4]}H{1 if quarter[-1] in '12' else 2}"


def quarter_start(year: int, quarter: int) -> datetime:
    if quarter == 5:
        return datetime(year + 1, 1, 1, tzinfo=CST)
    return datetime(year, 3 * (quarter - 1) + 1, 1, tzinfo=CST)


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """First and last CST day of a quarter such as 2025Q2."""
    year, q = int(quarter[:4]), int(quarter[-1])
    return quarter_start(year, q).date(), (quarter_start(year, q + 1) - timedelta(days=1)).date()


def split_seconds_by_quarter(start: datetime, end: datetime) -> dict[str, int]:
    """Whole seconds of [start, end) falling in each CST calendar quarter (they add up to the span)."""
    start, end = start.astimezone(CST), end.astimezone(CST)
    parts: dict[str, int] = {}
    cursor = start
    while cursor < end:
        q = (cursor.month - 1) // 3 + 1
        boundary = min(end, quarter_start(cursor.year, q + 1))
        key = f"{cursor.year}Q{q}"
        parts[key] = parts.get(key, 0) + seconds_between(cursor, boundary)
        cursor = boundary
    return parts


def quarters_of_year(year: int) -> list[str]:
    return [f"{year}Q{q}" for q in range(1, 5)]
