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
from math import ceil, floor, isfinite

SECONDS_PER_HOUR = 3600


def seconds_between(start: datetime, end: datetime) -> int:
    """Whole seconds of [start, end) (tz-aware instants; sub-second parts are dropped)."""
    return int((end - start).total_seconds())


def display_hours(seconds: int | float | None) -> float:
    """Seconds -> hours rounded to 2 decimals, for display (None counts as 0)."""
    return round((seconds or 0) / SECONDS_PER_HOUR, 2)


def shown_hours(exact: Fraction) -> float:
    """An exact number of hours for display, cut (not rounded) to 2 decimals, so a figure shown next
    to a minimum never looks met when it is not: 7 h 59 min 59 s shows 7.99 against 8, not 8.0."""
    return floor(exact * 100) / 100


def shown_owed(owed: Fraction, *, met: bool) -> float:
    """An exact owed amount (a pro-rated minimum in hours or lectures, e.g. 8 x 30/90 = 8/3) for display
    next to the figure it was compared with, to 2 decimals and rounded toward the verdict: up when the
    figure fell short, so a breach always shows expected above the (cut) actual (8/3 shows 2.67 against
    2.66, never 2.66 against 2.66); down when it was met, so a met figure never shows below what it owed
    (2 h 40 min shows 2.66 against 2.66, not against 2.67). Amounts with at most 2 decimals show unchanged.
    The comparison itself is always made on the exact values."""
    scaled = owed * 100
    return (floor(scaled) if met else ceil(scaled)) / 100


def display_total_hours(seconds: int | None) -> float:
    """A total of seconds (a quarter's, a volume's, a row of statistics) as hours for display, cut to
    2 decimals (see `shown_hours`); a single entry's hours use `display_hours`."""
    return shown_hours(exact_hours(seconds or 0))


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
    """The fewest whole seconds that meet `minimum_hours`: `meets_hours(s, m)` holds exactly when `s` is
    at least this many (for comparing inside SQL)."""
    return ceil(exact_minimum(minimum_hours) * SECONDS_PER_HOUR)


def total_seconds(parts: Iterable[int]) -> int:
    """The exact total of durations in seconds."""
    return sum(int(p) for p in parts)


HOURS_TOLERANCE = Fraction(1, 100)
"""How far a visit's entered hours may be from its span's shown hours (`display_hours`)."""


def hours_agree(hours: float, seconds: int) -> bool:
    """True when `hours` as written (its shortest decimal form: 2.32 is 232/100 exactly) is within
    `HOURS_TOLERANCE` of the span's shown hours, either way alike. Decided on exact decimal values: the
    float difference put 2.34 inside and 2.32 outside the tolerance of 2.33. No infinite or NaN
    value agrees."""
    shown = round(seconds / SECONDS_PER_HOUR, 2)  # display_hours, inline: every decode of a visit runs this
    near = abs(hours - shown)
    if near < 0.0099:  # inside by far more than a float's error: no exact arithmetic on the hot path
        return True
    if not near <= 0.0101 or not isfinite(hours):  # outside by far (or NaN, or infinite)
        return False
    return abs(Fraction(repr(hours)) - Fraction(repr(shown))) <= HOURS_TOLERANCE
