"""Where a period of the yearly figure sheet stands at a moment (the one place this rule lives;
the figure sheet's API carries it, so no page recomputes it):

- 未开始 (`upcoming`): the period has not begun;
- 进行中 (`running`): the period has begun and is not over. Its figures are still growing, so it is
  never 未达标, whatever the hours or lectures so far;
- 达标 (`met`) / 未达标 (`short`): the period is over; only now can it fall short.

A quarter (2025Q1) or year (2025) runs from 00:00 +08:00 of its first day up to, not including,
00:00 +08:00 of the next period's first day: 2025-03-31 23:59:59.999999 +08:00 is still Q1 (进行中),
2025-04-01 00:00 +08:00 (2025-03-31 16:00 UTC) is after it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from eventkit.periods import PeriodKind, parse_period

Standing = Literal["upcoming", "running", "met", "short"]
STANDING_LABEL: dict[Standing, str] = {
    "upcoming": "未开始",
    "running": "进行中",
    "met": "达标",
    "short": "未达标",
}


def period_span(period: str) -> tuple[datetime, datetime]:
    """[start, end) in CST of a year (2025) or a quarter (2025Q3)."""
    return parse_period(period, kinds=(PeriodKind.year, PeriodKind.quarter)).bounds


def standing(period: str, meets: bool, now: datetime) -> Standing:
    """How `period` stands at `now` (tz-aware, any zone) given whether its minimum is met so far."""
    start, end = period_span(period)
    if now < start:
        return "upcoming"
    if now < end:
        return "running"
    return "met" if meets else "short"
