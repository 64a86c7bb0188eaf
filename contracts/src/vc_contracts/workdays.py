"""Working days for the program's time limits (a resident's question answered within 3 working days).

There is no calendar of public holidays and adjusted working weekends (调休) in the contracts yet, so
a working day is Monday to Friday in China Standard Time; holidays count as working days. When a
calendar is added, these two functions are the only place to change.
"""

from __future__ import annotations

from datetime import date, timedelta


def is_working_day(day: date) -> bool:
    """Monday to Friday."""
    return day.weekday() < 5


def nth_working_day_after(day: date, n: int) -> date:
    """The `n`-th working day after `day` (`day` itself never counts; n >= 1). A question asked on
    Friday with a limit of 3 is due by the end of Wednesday; one asked on Saturday, by Wednesday too."""
    if n < 1:
        raise ValueError("n must be at least 1")
    current, counted = day, 0
    while counted < n:
        current += timedelta(days=1)
        counted += is_working_day(current)
    return current


def working_days_between(first: date, last: date) -> int:
    """Working days after `first` up to and including `last` (0 when `last` <= `first`)."""
    return sum(is_working_day(first + timedelta(days=k)) for k in range(1, (last - first).days + 1))
