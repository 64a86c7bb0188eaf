"""A village's on-site schedule as residents read it (`每周三 14:30-17:30`, `每周二、周四 9:00-12:00`)
turned into the coming on-site times, in China Standard Time. The public board offers these as
meeting times and the registry accepts a meeting only at one of them, so both read the schedule the
same way (the advisor's phone pages read it with the same pattern, `advisorData.ts parseSchedule`).

A schedule without weekdays and a time span (`周三`, `请电话联系`) has no on-site times to offer.

A schedule as entered (`POST /assignments`, the board's, the roster import's 驻点时间) is checked by
`schedule_problem` with the same patterns: free text stays possible (`每周三上午`: the requirement,
R9, is that residents know when the advisor is in the village, not a format), but it must name the
weekdays it means, every weekday it names must exist and every time it gives must be a time of day
(`随时`, `每周八`, `25:00-26:00` are refused: the board would show them and offer no meeting time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated

from pydantic import AfterValidator, Field

from vc_contracts.base import CST
from vc_contracts.text import ShortText

_TIMES = re.compile(r"(\d{1,2})[:：](\d{2})\s*[-—~至到]\s*(\d{1,2})[:：](\d{2})")
_DAYS = re.compile(r"(?:周|星期)([日天一二三四五六])")
# every weekday word, to refuse one that is none; a 周 followed by 周 ends a count of weeks (每月第一、
# 三周周二, 隔周周四): the weekday word is the next one
_ANY_DAY = re.compile(r"(?:周(?!周)|星期)(.?)")
# 周一至周五: the board reads the weekdays it names (Monday and Friday), not the days between
_RANGE = re.compile(r"(?:周|星期)[日天一二三四五六]\s*[-—~至到]\s*(?:周|星期)?[日天一二三四五六]")
_CLOCK = re.compile(r"(\d{1,2})[:：](\d{2})")
EXAMPLE = "例如：每周三 9:00-12:00，或 每周二、周四 14:30-17:30"
_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}  # date.weekday()
_NAMES = "一二三四五六日"
HORIZON_DAYS = 28
"""How far ahead a meeting may be asked for (four weeks of on-site days)."""


def schedule_problem(schedule: str) -> str | None:
    """Why an entered schedule is refused, in Chinese with the accepted form; None: it is fine.

    Rules (the board's reading, `on_site_times`): at least one weekday 周一…周日 / 星期一…星期日
    (or 周天); no other 周/星期 word; no range of weekdays (周一至周五: the board would read Monday
    and Friday only); every time H:MM a time of day (0:00-23:59); a time span ending after it
    starts."""
    days = _ANY_DAY.findall(schedule)
    unknown = [d for d in days if d not in _WEEKDAY]
    if unknown:
        return f"无法识别的星期「周{unknown[0]}」，星期应为周一至周日；{EXAMPLE}"
    if not days:
        return f"请写明每周哪几天驻村（周一至周日）及时间，{EXAMPLE}"
    if (span := _RANGE.search(schedule)) is not None:
        return f"请逐一写出驻村的星期，不要写成「{span.group(0)}」（只会读出首尾两天）；{EXAMPLE}"
    for hours, minutes in _CLOCK.findall(schedule):
        if int(hours) > 23 or int(minutes) > 59:
            return f"时间「{hours}:{minutes}」不存在，应在 0:00 至 23:59 之间；{EXAMPLE}"
    if (times := _TIMES.search(schedule)) is not None:
        h1, m1, h2, m2 = (int(x) for x in times.groups())
        if (h2, m2) <= (h1, m1):
            return f"结束时间须晚于开始时间（{times.group(0)}）；{EXAMPLE}"
    return None


def _checked(schedule: str) -> str:
    problem = schedule_problem(schedule)
    if problem is not None:
        raise ValueError(problem)
    return schedule


EnteredSchedule = Annotated[
    ShortText,
    AfterValidator(_checked),
    Field(description="驻点时间 as entered: weekdays and times of day, e.g. 每周三 9:00-12:00"),
]
"""A schedule typed by a person (API bodies, the roster import): `schedule_problem` refuses it with
a 422 naming the field. Events keep the plain text (a schedule stored before this check stays)."""


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
