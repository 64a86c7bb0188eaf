"""A village's on-site schedule as residents read it (`每周三 14:30-17:30`, `每周二、周四 9:00-12:00`)
turned into the coming on-site times, in China Standard Time. The public board offers these as
meeting times and the registry accepts a meeting only at one of them, so both read the schedule the
same way (the advisor's phone pages read it with the same pattern, `advisorData.ts parseSchedule`).

A schedule without weekdays and a time span (`周三`, `请电话联系`) has no on-site times to offer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from vc_contracts.base import CST

_TIMES = re.compile(r"(\d{1,2})[:：](\d{2})\s*[-—~至到]\s*(\d{1,2})[:：](\d{2})")
_DAYS = re.compile(r"(?:周|星期)([日天一二三四五六])")
_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}  # date.weekday()
_NAMES = "一二三四五六日"
HORIZON_DAYS = 28
"""How far ahead a meeting may be asked for (four weeks of on-site days)."""


@dataclass(frozen=True)
class OnSiteTime:
    """One on-site time: `start` and `end` tz-aware (+08:00) on the same day."""

    start: datetime
    end: datetime

    @property
    def label(self) -> str:
        """`12月2日（周三）14:30-17:30`, as a resident reads it."""
        s = self.start
        return f"{s.month}月{s.day}日（周{_NAMES[s.weekday()]}）{s:%H:%M}-{self.end:%H:%M}"


def on_site_times(
    schedule: str | None, after: datetime, horizon_days: int = HORIZON_DAYS
) -> list[OnSiteTime]:
    """The schedule's on-site times starting after `after` (tz-aware) within `horizon_days` days,
    earliest first; empty when the schedule names no weekday with a time span."""
    if not schedule or not (span := _TIMES.search(schedule)):
        return []
    weekdays = {_WEEKDAY[m] for m in _DAYS.findall(schedule)}
    h1, m1, h2, m2 = (int(x) for x in span.groups())
    if not weekdays or h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59 or (h2, m2) <= (h1, m1):
        return []
    first: date = after.astimezone(CST).date()
    times = []
    for offset in range(horizon_days + 1):
        day = first + timedelta(days=offset)
        if day.weekday() in weekdays:
            start = datetime.combine(day, time(h1, m1), CST)
            if start > after:
                times.append(OnSiteTime(start, datetime.combine(day, time(h2, m2), CST)))
    return times
