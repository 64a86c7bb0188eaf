"""One reading of a yearly day written MM-DD (a filing deadline, a report's due day), China Standard
Time, shared by the catalogue, every request body and every query parameter that takes one.

A yearly day must exist in every year: 02-29 is refused as a new value (in a common year it would
have to become some other day, which nobody chose). Rule sets recorded before this reading may hold
02-29; they are read as recorded and fall on 02-28 in a common year (`day_in`), the only day of
that February that is still "by the end of February".
"""

from __future__ import annotations

import calendar
import re
from datetime import date

MONTH_DAY_PATTERN = r"^\d{2}-\d{2}$"  # as published in the events' schemas (\d: any script's digits)
_SHAPE = re.compile(MONTH_DAY_PATTERN)
_NEW_SHAPE = re.compile(r"[0-9]{2}-[0-9]{2}")  # a new value: ASCII digits only (٠٣-٣١ was recorded before)
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # a leap year: every day some year has
FORMAT_REASON = "日期须写作 MM-DD（两位月份-两位日期），如 03-31"
LEAP_DAY_REASON = "不能定为 02-29：平年没有 2 月 29 日，每年的期限须为每年都有的日期，如 02-28 或 03-01"


def month_day_reason(value: str, *, yearly: bool = True) -> str | None:
    """Why `value` is not a day of the year written MM-DD (None: it is). `yearly=False` reads a
    recorded value, which may be 02-29 (and was read with any script's digits before)."""
    if not (_NEW_SHAPE if yearly else _SHAPE).fullmatch(value):
        return FORMAT_REASON
    month, day = int(value[:2]), int(value[3:])
    if not 1 <= month <= 12:
        return f"月份须在 01 至 12 之间，收到 {value[:2]}"
    most = _DAYS_IN_MONTH[month - 1]
    if not 1 <= day <= most:
        return f"{month} 月没有 {day} 日（{month} 月最多 {most} 日）"
    if yearly and (month, day) == (2, 29):
        return LEAP_DAY_REASON
    return None


def check_month_day(value: str) -> str:
    """A new yearly day (request bodies, query parameters). Errors: ValueError with the reason."""
    reason = month_day_reason(value)
    if reason:
        raise ValueError(reason)
    return value


def check_recorded_month_day(value: str) -> str:
    """A yearly day as a recorded event holds it: 02-29 of an earlier rule set is still read."""
    reason = month_day_reason(value, yearly=False)
    if reason:
        raise ValueError(reason)
    return value


def day_in(year: int, month_day: str) -> date:
    """The day `month_day` falls on in `year` (a recorded 02-29: 02-28 in a common year)."""
    month, day = int(month_day[:2]), int(month_day[3:])
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))
