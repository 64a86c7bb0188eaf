"""Durations are counted exactly and rounded for display only.

On-site time is summed as whole seconds (integers, so sums never drift) and compared with a
minimum on the exact total; hours with two decimals are what a person reads, never what is added
up or compared. Six visits of 1 h 20 min make 28,800 s = 8.00 h and meet an 8 h minimum, although
each visit displays as 1.33 h (6 × 1.33 = 7.98).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from fractions import Fraction
from math import ceil

SECONDS_PER_HOUR = 3600


def seconds_between(start: datetime, end: datetime) -> int:
    """Whole seconds of [start, end) (tz-aware instants; sub-second parts are dropped)."""
    return int((end - start).total_seconds())


def display_hours(seconds: int | float | None) -> float:
    """Seconds -> hours rounded to 2 decimals, for display (None counts as 0)."""
    return round((seconds or 0) / SECONDS_PER_HOUR, 2)


def exact_hours(seconds: int) -> Fraction:
    """Seconds as an exact number of hours (for comparing with a minimum)."""
    return Fraction(int(seconds), SECONDS_PER_HOUR)


def exact_minimum(minimum: float | int | Fraction) -> Fraction:
    """A threshold as written in a rule (8, 7.5, 2.67) as an exact number (its decimal value)."""
    return minimum if isinstance(minimum, Fraction) else Fraction(str(minimum))


def meets_hours(seconds: int, minimum_hours: float | int | Fraction) -> bool:
    """True when the exact total reaches `minimum_hours` (no rounding on either side)."""
    return exact_hours(seconds) >= exact_minimum(minimum_hours)


def minimum_seconds(minimum_hours: float | int | Fraction) -> int:
    """The fewest whole seconds that meet `minimum_hours`: `meets_hours(s, m)` iff `s >= minimum_seconds(m)`
    (for comparing inside SQL)."""
    return ceil(exact_minimum(minimum_hours) * SECONDS_PER_HOUR)


def total_seconds(parts: Iterable[int]) -> int:
    """The exact total of durations in seconds."""
    return sum(int(p) for p in parts)
