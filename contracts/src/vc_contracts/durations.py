"""Durations are counted exactly and rounded for display only.

On-site time is summed as whole seconds (integers, so sums never drift) and compared with a
minimum on the exact total; hours with two decimals are what a person reads, never what is added
up or compared. Six visits of 1 h 20 min make 28,800 s = 8.00 h and meet an 8 h minimum, although
each visit displays as 1.33 h (6 × 1.33 = 7.98).

One display rule for every hours figure, a single visit's or a total's, on a page, in an answer, in
an export or a report: the exact hours rounded half up to 2 decimals (`display_hours`), written with
two decimals (`format_hours`: "8.00", "1.33"). It is the rule a spreadsheet applies to a cell
formatted `0.00`, so an export that writes each visit's exact hours (`exact_cell_hours`, format
`HOURS_NUMBER_FORMAT`) shows a SUM equal to the total it prints. Whether a minimum is met is decided
on the exact seconds, never on the shown figure: 7 h 59 min 59 s shows 8.00 and does not meet 8 h
(the verdict is always given with the figure).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from fractions import Fraction
from math import ceil, floor, isfinite

from vc_contracts.rounding import half_up

SECONDS_PER_HOUR = 3600


def seconds_between(start: datetime, end: datetime) -> int:
    """Whole seconds of [start, end) (tz-aware instants; sub-second parts are dropped)."""
    return int((end - start).total_seconds())


HOURS_NUMBER_FORMAT = "0.00"
"""The number format of an hours cell in an exported workbook: two decimals, rounded half up on
display, the same figure `display_hours` gives."""


def display_hours(seconds: int | None) -> float:
    """Whole seconds -> hours rounded half up to 2 decimals: the one display rule for a visit and
    for a total alike (None counts as 0). 4,800 s -> 1.33; 14,460 s (4 h 01 min) -> 4.02;
    28,799 s -> 8.0 (which does not meet 8 h: see `meets_hours`); 18 s (0.005 h) -> 0.01.
    Integer arithmetic, so halves never depend on a float's binary error."""
    return (int(seconds or 0) * 100 + SECONDS_PER_HOUR // 2) // SECONDS_PER_HOUR / 100


def format_hours(seconds: int | None) -> str:
    """Whole seconds as the hours text every page, export and report shows: `display_hours` with two
    decimals and no unit ("8.00", "1.33", "0.00")."""
    return hours_text(display_hours(seconds))


def hours_text(shown: float) -> str:
    """An hours figure already rounded by the rule (`display_hours`, e.g. one kept in a report's
    figures) written as `format_hours` writes it: 8.0 -> "8.00", 9.33 -> "9.33"."""
    return f"{float(shown):.2f}"


def over_limit_hours(seconds: int, limit_hours: int) -> str:
    """The hours text of a duration refused for exceeding `limit_hours`, for the message that says
    so: `format_hours` when that shows more than the limit; else, when the rule rounds it down to the
    limit (12 h 0 min 1 s shows "12.00"), the exact length ("12 小时 0 分 1 秒"), so a refusal never
    reads as if the duration were within the limit."""
    if display_hours(seconds) > limit_hours:
        return f"{format_hours(seconds)} 小时"
    minutes, second = divmod(int(seconds), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours} 小时 {minute} 分 {second} 秒"


def exact_cell_hours(seconds: int) -> float:
    """Whole seconds as the hours an exported spreadsheet cell holds: the exact quotient as a float
    (4,800 s -> 1.3333…), never the rounded figure, so the sheet's SUM of the cells is the exact total
    and, formatted `HOURS_NUMBER_FORMAT`, shows what `format_hours` prints for it."""
    return int(seconds) / SECONDS_PER_HOUR


def shown_hours(exact: Fraction) -> float:
    """An exact number of hours (e.g. a pro-rated or summed figure) for display by the one rule:
    rounded half up to 2 decimals (`display_hours`), by the rule of every derived figure
    (`vc_contracts.rounding.half_up`)."""
    return half_up(exact, 2)


def shown_owed(owed: Fraction, *, met: bool) -> float:
    """An exact owed amount (a pro-rated minimum in hours or lectures, e.g. 8 x 30/90 = 8/3) for display
    next to the figure it was compared with, to 2 decimals and rounded toward the verdict: up when the
    figure fell short, so a breach never shows its actual (rounded by `display_hours`) above what it owed
    (2 h 30 min against 8/3 shows 2.5 against 2.67); down when it was met, so a met figure never shows
    below what it owed (2 h 40 min against 8/3 shows 2.67 against 2.66). A shortfall smaller than the
    rounding (2 h 39 min 59 s against 8/3) shows as a tie, 2.67 against 2.67, next to its verdict.
    Amounts with at most 2 decimals show unchanged. The comparison is always made on the exact values."""
    scaled = owed * 100
    return (floor(scaled) if met else ceil(scaled)) / 100


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
    shown = (seconds * 100 + 1800) // SECONDS_PER_HOUR / 100  # display_hours, inline: every decode runs this
    near = abs(hours - shown)
    if near < 0.0099:  # inside by far more than a float's error: no exact arithmetic on the hot path
        return True
    if not near <= 0.0101 or not isfinite(hours):  # outside by far (or NaN, or infinite)
        return False
    return abs(Fraction(repr(hours)) - Fraction(repr(shown))) <= HOURS_TOLERANCE
