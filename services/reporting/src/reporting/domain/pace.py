"""Pace rules of the dashboard (pure): which villages are at risk and which need a warning.

A village is **at risk** in a quarter when the quarter is still running with at least one week
left (after the as-of day), its on-site minimum is not met, and it is behind pace: the seconds
served are fewer than the minimum times the share of the quarter's days elapsed (the as-of day
counts as elapsed). A past quarter (no weeks left) has no village at risk: it met its minimum or
not. The same pace applies to the year's lectures and publicity events (`lectures_missing`).

Every threshold is an integer the database compares against (`seconds < threshold`): the SQL of
the dashboard never re-states a rule, it takes the numbers computed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

WEEK_DAYS = 7


@dataclass(frozen=True)
class Window:
    """A period [first, last] (CST days) seen on `as_of`."""

    first: date
    last: date
    as_of: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def elapsed_days(self) -> int:
        """Days of the period up to and including `as_of` (0 before it, all after it)."""
        return max(0, min(self.days, (self.as_of - self.first).days + 1))

    @property
    def days_left(self) -> int:
        return max(0, (self.last - self.as_of).days)

    @property
    def weeks_left(self) -> float:
        return round(self.days_left / WEEK_DAYS, 1)

    @property
    def open(self) -> bool:
        """At least one week left: there is still time to act."""
        return self.days_left >= WEEK_DAYS


def pace_threshold(minimum: int, window: Window) -> int:
    """Smallest amount that is on pace: `ceil(minimum × elapsed / days)`; 0 (nothing is behind)
    when the window is not open. For integers, `amount < threshold` ⇔ `amount < minimum × share`."""
    if not window.open or minimum <= 0:
        return 0
    return -(-minimum * window.elapsed_days // window.days)


def at_risk(amount: int, minimum: int, window: Window) -> bool:
    """Behind pace with weeks left (which implies the minimum is not met yet)."""
    return amount < pace_threshold(minimum, window)


def no_visit(seconds: int, minimum: int, window: Window, covered: bool) -> bool:
    """A village with an advisor and no on-site time at all in a quarter that still has weeks left
    (a village without an advisor is a coverage gap, not a missed visit)."""
    return covered and seconds == 0 and pace_threshold(minimum, window) > 0


WARNING_LABELS = {
    "no_visit": "本季度尚无驻点服务",
    "lectures_missing": "讲座及普法宣传次数落后于进度",
    "agreement_not_filed": "协议未按要求备案",
    "report_due_soon": "报告即将到期未报送",
    "board_stale": "公示栏信息未更新",
}
"""Kinds of 工作预警 in the order they are listed (then by division code: never ranked)."""
REPORT_DUE_SOON_DAYS = 30


def report_due_soon(due_day: date, today: date, submitted: bool) -> bool:
    """A report not yet submitted whose due day is today or within the next 30 days."""
    return not submitted and 0 <= (due_day - today).days <= REPORT_DUE_SOON_DAYS
