"""The on-site times a village's schedule offers for a meeting (vc_contracts.schedules) and the
working days a board question may wait (vc_contracts.workdays): given/when/then tables, and the
working-day sums with hypothesis."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from vc_contracts import CST
from vc_contracts.schedules import on_site_times
from vc_contracts.workdays import is_working_day, nth_working_day_after, working_days_between

MONDAY_NOON = datetime(2026, 11, 30, 12, 0, tzinfo=CST)  # a Monday


@pytest.mark.parametrize(
    ("schedule", "after", "first_three"),
    [
        ("每周三 14:30-17:30", MONDAY_NOON,
         ["12月2日（周三）14:30-17:30", "12月9日（周三）14:30-17:30", "12月16日（周三）14:30-17:30"]),
        ("每周一、周五 9:00-12:00", MONDAY_NOON,  # today's time already began: next ones
         ["12月4日（周五）09:00-12:00", "12月7日（周一）09:00-12:00", "12月11日（周五）09:00-12:00"]),
        ("每周一 9:00-12:00", MONDAY_NOON - timedelta(hours=4),  # 08:00: today's still ahead
         ["11月30日（周一）09:00-12:00", "12月7日（周一）09:00-12:00", "12月14日（周一）09:00-12:00"]),
        ("星期日 8：30—11：00", MONDAY_NOON,
         ["12月6日（周日）08:30-11:00", "12月13日（周日）08:30-11:00", "12月20日（周日）08:30-11:00"]),
        ("周一至周五 14:00-17:00", MONDAY_NOON,  # a range: every weekday of it (Tuesday too)
         ["11月30日（周一）14:00-17:00", "12月1日（周二）14:00-17:00", "12月2日（周三）14:00-17:00"]),
        ("周六至周一 9:00-12:00", MONDAY_NOON,  # passing Sunday: 六、日、一
         ["12月5日（周六）09:00-12:00", "12月6日（周日）09:00-12:00", "12月7日（周一）09:00-12:00"]),
        # days keeping different hours: each day its own (Friday was offered Monday's 9:00-12:00)
        ("周一、周三 9:00-12:00，周五 14:00-17:00", MONDAY_NOON,
         ["12月2日（周三）09:00-12:00", "12月4日（周五）14:00-17:00", "12月7日（周一）09:00-12:00"]),
        ("周二 9:00-12:00、14:00-17:00", MONDAY_NOON,  # one day, two spans: both offered
         ["12月1日（周二）09:00-12:00", "12月1日（周二）14:00-17:00", "12月8日（周二）09:00-12:00"]),
        ("周一 25:00-26:00，周三 9:00-12:00", MONDAY_NOON,  # Monday's hours are none: not Wednesday's
         ["12月2日（周三）09:00-12:00", "12月9日（周三）09:00-12:00", "12月16日（周三）09:00-12:00"]),
        ("周三", MONDAY_NOON, []),  # no hours: nothing to offer
        ("请电话联系 9:00-12:00", MONDAY_NOON, []),  # no weekday
        ("每周三 17:00-09:00", MONDAY_NOON, []),  # ends before it starts
        (None, MONDAY_NOON, []),
    ],
)  # fmt: skip
def test_a_schedule_offers_its_coming_on_site_times(
    schedule: str | None, after: datetime, first_three: list[str]
) -> None:
    times = on_site_times(schedule, after)
    assert [t.label for t in times[:3]] == first_three
    assert all(t.start > after and t.start <= after + timedelta(days=29) for t in times)


@pytest.mark.parametrize(
    ("asked_on", "limit", "due"),
    [
        (date(2026, 11, 30), 3, date(2026, 12, 3)),  # Monday -> Thursday
        (date(2026, 12, 4), 3, date(2026, 12, 9)),  # Friday -> Wednesday
        (date(2026, 12, 5), 3, date(2026, 12, 9)),  # Saturday -> Wednesday
        (date(2026, 12, 6), 1, date(2026, 12, 7)),  # Sunday -> Monday
        (date(2026, 12, 3), 1, date(2026, 12, 4)),  # Thursday -> Friday
    ],
)
def test_a_question_is_due_the_nth_working_day_after_it_was_asked(
    asked_on: date, limit: int, due: date
) -> None:
    assert nth_working_day_after(asked_on, limit) == due


@given(st.dates(min_value=date(2018, 1, 1), max_value=date(2100, 1, 1)), st.integers(1, 30))
def test_the_due_day_is_a_working_day_exactly_n_working_days_on(day: date, n: int) -> None:
    due = nth_working_day_after(day, n)
    assert is_working_day(due)
    assert working_days_between(day, due) == n
    assert working_days_between(day, due - timedelta(days=1)) == n - 1
    assert (due - day).days <= n + (n // 5 + 1) * 2 + 2
