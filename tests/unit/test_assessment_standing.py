"""Where a figure-sheet period stands (pure): an unfinished quarter is 进行中, one not begun 未开始,
and only a finished quarter under its minimum is 未达标; the boundary is the quarter's last moment
in +08:00, whatever zone the clock reads in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from assessment.domain.standing import STANDING_LABEL, period_span, standing
from hypothesis import given
from hypothesis import strategies as st
from vc_contracts import CST

MICRO = timedelta(microseconds=1)


@pytest.mark.parametrize(
    ("period", "meets", "now", "label"),
    [
        # given a quarter … and whether its hours meet the minimum, when read at now, then it shows
        ("2026Q4", False, datetime(2026, 9, 30, 23, 59, tzinfo=CST), "未开始"),
        ("2026Q4", False, datetime(2026, 10, 1, 0, 0, tzinfo=CST), "进行中"),
        ("2026Q4", True, datetime(2026, 11, 30, 12, 0, tzinfo=CST), "进行中"),
        ("2026Q4", False, datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=CST), "进行中"),
        ("2026Q4", False, datetime(2027, 1, 1, 0, 0, tzinfo=CST), "未达标"),
        ("2026Q4", True, datetime(2027, 1, 1, 0, 0, tzinfo=CST), "达标"),
        ("2026Q1", False, datetime(2026, 3, 31, 15, 59, 59, tzinfo=UTC), "进行中"),  # 23:59:59 +08:00
        ("2026Q1", False, datetime(2026, 3, 31, 16, 0, tzinfo=UTC), "未达标"),  # 04-01 00:00 +08:00
        # the year's lectures: the same rule over the year
        ("2026", False, datetime(2026, 6, 1, tzinfo=CST), "进行中"),
        ("2026", False, datetime(2025, 12, 31, 23, 0, tzinfo=CST), "未开始"),
        ("2026", False, datetime(2027, 1, 1, tzinfo=CST), "未达标"),
        ("2026", True, datetime(2027, 1, 1, tzinfo=CST), "达标"),
    ],
)
def test_standing(period: str, meets: bool, now: datetime, label: str) -> None:
    assert STANDING_LABEL[standing(period, meets, now)] == label


@given(
    year=st.integers(2018, 2100),
    quarter=st.integers(1, 4),
    meets=st.booleans(),
    before=st.timedeltas(min_value=MICRO, max_value=timedelta(days=89)),
    after=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)),
    zone=st.sampled_from([CST, UTC]),
)
def test_a_quarter_is_under_way_up_to_its_last_moment_in_cst_and_judged_from_the_next(
    year: int, quarter: int, meets: bool, before: timedelta, after: timedelta, zone: object
) -> None:
    period = f"{year}Q{quarter}"
    start, end = period_span(period)
    assert end.utcoffset() == timedelta(hours=8) and (end.hour, end.minute, end.day) == (0, 0, 1)
    inside = max(end - before, start)
    assert standing(period, meets, inside.astimezone(zone)) == "running"  # type: ignore[arg-type]
    assert standing(period, meets, (end - MICRO).astimezone(zone)) == "running"  # type: ignore[arg-type]
    judged = standing(period, meets, (end + after).astimezone(zone))  # type: ignore[arg-type]
    assert judged == ("met" if meets else "short")
    assert standing(period, meets, start - MICRO - after) == "upcoming"
