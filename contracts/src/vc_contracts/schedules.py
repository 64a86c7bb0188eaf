"""A village's on-site schedule as residents read it (`每周三 14:30-17:30`, `每周二、周四 9:00-12:00`)
turned into the coming on-site times, in China Standard Time. The public board offers these as
meeting times and the registry accepts a meeting only at one of them, so both read the schedule the
same way (the advisor's phone pages read it with the same patterns, `util/schedule.ts parseSchedule`).

Weekdays are named one by one (`周二、周四`) or as ranges (`周一至周五`, `星期一到星期五`, `周一~五`,
`周一至周三、周五`), each reading every day from the first to the last (`weekdays_named`).

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

# the patterns below are the frontend's too, character for character (util/schedule.ts): one reading
# in both languages, checked against the same table (tests/unit/schedule_cases.json)
# a span's dash: 至/到, ASCII or full-width tilde and hyphen, en and em dash (9:00～12:00 is common)
# (spaces are spelled out and digits are ASCII, as `\s` and `\d` differ between the languages; full-
# width digits are made ASCII first, `_ascii`)
_S = r"[ \t\u00a0\u3000]*"
_TIMES = re.compile(rf"([0-9]{{1,2}})[:：]([0-9]{{2}}){_S}[-－–—~～至到]{_S}([0-9]{{1,2}})[:：]([0-9]{{2}})")
# a run of weekdays: 周二、周四; a range 周一至周五 / 星期一到星期五 / 周一~五 (the second 周 may be
# left out); lists of both, 周一至周三、五. A bare weekday (五 after 至 or 、) is one only when no
# 点/时/月/号 follows: 周三到五点 is Wednesday until five o'clock, not Wednesday to Friday
_WORD = r"(?:周|星期)[日天一二三四五六]"
_BARE = r"[日一二三四五六](?![点时月号])"
_DASH = rf"{_S}[-－–—~～至到]{_S}"
_DAY = rf"(?:{_WORD}|{_BARE})"
_RUN = re.compile(rf"{_WORD}(?:{_DASH}{_DAY})?(?:{_S}、{_S}{_DAY}(?:{_DASH}{_DAY})?)*")
# one weekday or range within a run
_ITEM = re.compile(rf"(?:周|星期)?([日天一二三四五六])(?:{_DASH}(?:周|星期)?([日天一二三四五六]))?")
# every weekday word, to refuse one that is none; a 周 followed by 周 ends a count of weeks (每月第一、
# 三周周二, 隔周周四): the weekday word is the next one
_ANY_DAY = re.compile(r"(?:周(?!周)|星期)(.?)")
# 周一至八: a range ending on a number that is no weekday
_BAD_END = re.compile(rf"{_WORD}{_DASH}([〇零七八九十])")
_CLOCK = re.compile(r"([0-9]{1,2})[:：]([0-9]{2})")
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def _ascii(schedule: str) -> str:
    """`９：００` as `9：00` (a Chinese keyboard types full-width digits)."""
    return schedule.translate(_FULL_WIDTH_DIGITS)


EXAMPLE = "例如：每周三 9:00-12:00，或 每周二、周四 14:30-17:30"
_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}  # date.weekday()
_NAMES = "一二三四五六日"
HORIZON_DAYS = 28
"""How far ahead a meeting may be asked for (four weeks of on-site days)."""


def weekdays_named(schedule: str) -> frozenset[int]:
    """The weekdays a schedule names, as `date.weekday()` numbers (0 Monday … 6 Sunday).

    `周二、周四` → {1, 3}; a range is every day from its first to its last, inclusive: `周一至周五`,
    `星期一到星期五`, `周一~五` → {0, …, 4}; `周一至周三、五` → {0, 1, 2, 4}. A range that passes
    Sunday goes on from Monday (`周六至周一` → 六、日、一; `周日至周六`, the Sunday-first week, is every
    day), as a resident reads it; a range from a day to itself is that day."""
    days: set[int] = set()
    for run in _RUN.finditer(schedule):
        for first, last in _ITEM.findall(run.group(0)):
            a = _WEEKDAY[first]
            b = _WEEKDAY[last] if last else a
            days.update((a + k) % 7 for k in range((b - a) % 7 + 1))
    return frozenset(days)


@dataclass(frozen=True)
class Weekly:
    """One time span of a schedule and the weekdays it is kept on (`date.weekday()` numbers, maybe
    none): `start` before `end`, both China Standard Time wall-clock times."""

    weekdays: frozenset[int]
    start: time
    end: time


def slots(schedule: str | None) -> list[Weekly]:
    """The board's reading of `schedule`: each time span with the weekdays it is kept on.

    In the order written. A span belongs to the weekdays named since the span before it, so
    different days may keep different hours, and a day several:

    - `每周一至周五 9:00-12:00` → Monday…Friday 9:00-12:00;
    - `周一、周三 9:00-12:00，周五 14:00-17:00` → Monday and Wednesday 9:00-12:00, Friday 14:00-17:00;
    - `周三 9:00-12:00、14:00-17:00` → Wednesday twice;
    - `9:00-12:00 周一至周五` (the span first) → Monday…Friday 9:00-12:00;
    - `周二 9:00-12:00，周四全天` → Tuesday 9:00-12:00 only (Thursday names no hours).

    A span that is no time of day or does not end after it starts is left out (the check on entry,
    `schedule_problem`, refuses it; a schedule stored before that check may hold one). The SPA's
    `scheduleSlots` (util/schedule.ts) reads the same."""
    if not schedule:
        return []
    schedule = _ascii(schedule)
    marks = sorted(
        [(m.start(), m, True) for m in _RUN.finditer(schedule)]
        + [(m.start(), m, False) for m in _TIMES.finditer(schedule)],
        key=lambda mark: mark[0],
    )
    found: list[Weekly] = []
    days: set[int] = set()
    spans: list[tuple[time, time] | None] = []  # None: a span that is no time (it still ends its days)

    def group_done() -> None:
        found.extend(Weekly(frozenset(days), *span) for span in spans if span is not None)

    for _, match, names_days in marks:
        if not names_days:
            h1, m1, h2, m2 = (int(x) for x in match.groups())
            exists = h1 <= 23 and h2 <= 23 and m1 <= 59 and m2 <= 59 and (h2, m2) > (h1, m1)
            spans.append((time(h1, m1), time(h2, m2)) if exists else None)
            continue
        if spans and days:  # weekdays after the spans of earlier weekdays: a new group
            group_done()
            days, spans = set(), []
        days |= weekdays_named(match.group(0))
    group_done()
    return found


def weekly(schedule: str | None) -> Weekly | None:
    """The first of `slots` (None: the schedule gives no time span that exists)."""
    found = slots(schedule)
    return found[0] if found else None


def schedule_problem(schedule: str) -> str | None:
    """Why an entered schedule is refused, in Chinese with the accepted form; None: it is fine.

    Rules (the board's reading, `weekly`): at least one weekday 周一…周日 / 星期一…星期日 (or
    周天), one by one or as ranges (周一至周五, 周一到五, 周一~周五); no other 周/星期 word; every
    time H:MM a time of day (0:00-23:59); every time span ending after it starts."""
    schedule = _ascii(schedule)
    days = _ANY_DAY.findall(schedule)
    unknown = [d for d in days if d not in _WEEKDAY]
    if not unknown and (bad := _BAD_END.search(schedule)) is not None:
        unknown = [bad.group(1)]
    if unknown:
        return f"无法识别的星期「周{unknown[0]}」，星期应为周一至周日；{EXAMPLE}"
    if not days:
        return f"请写明每周哪几天驻村（周一至周日，或 周一至周五 这样的范围）及时间，{EXAMPLE}"
    for hours, minutes in _CLOCK.findall(schedule):
        if int(hours) > 23 or int(minutes) > 59:
            return f"时间「{hours}:{minutes}」不存在，应在 0:00 至 23:59 之间；{EXAMPLE}"
    for times in _TIMES.finditer(schedule):  # every span: days may keep different hours (`slots`)
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
    earliest first, each day with the hours kept on it (`slots`); empty when the schedule names no
    weekday with a time span."""
    kept = [slot for slot in slots(schedule) if slot.weekdays]
    if not kept:
        return []
    first: date = after.astimezone(CST).date()
    times = set()
    for offset in range(horizon_days + 1):
        day = first + timedelta(days=offset)
        for slot in kept:
            if day.weekday() in slot.weekdays:
                start = datetime.combine(day, slot.start, CST)
                if start > after:
                    times.add(OnSiteTime(start, datetime.combine(day, slot.end, CST)))
    return sorted(times, key=lambda t: (t.start, t.end))
