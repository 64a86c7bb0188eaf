"""How much of its year an annual report covers (pure): the year is over only once 1 January of the
next has begun in Beijing time; until then the figures are "as of" today, never "to 31 December"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reporting.domain.coverage import year_coverage
from vc_contracts import CST


@pytest.mark.parametrize(
    ("given_now", "then_complete", "then_through", "then_text"),
    [
        # when the year is running: counted as of today (+08:00), and it says so
        (datetime(2026, 11, 30, 10, 0, tzinfo=CST), False, "2026-11-30", "统计截至11月30日，本年度尚未结束"),
        # 31 December 20:00 UTC is already 1 January in Beijing: the year is over
        (datetime(2026, 12, 31, 16, 0, tzinfo=UTC), True, "2026-12-31", "2026年1月1日至12月31日"),
        (datetime(2027, 3, 1, 9, 0, tzinfo=CST), True, "2026-12-31", "2026年1月1日至12月31日"),
        # a year not yet begun has no figures
        (datetime(2025, 12, 31, 23, 0, tzinfo=CST), False, None, "尚未开始"),
    ],
)
def test_given_now_when_the_2026_report_is_shown_then_its_period_says_how_far_it_counts(
    given_now: datetime, then_complete: bool, then_through: str | None, then_text: str
) -> None:
    coverage = year_coverage(2026, given_now)
    assert (coverage["complete"], coverage["through"]) == (then_complete, then_through)
    assert then_text in str(coverage["text"])


@given(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=2)))
def test_the_last_moment_of_31_december_in_beijing_is_still_inside_the_year(back: timedelta) -> None:
    new_year = datetime(2027, 1, 1, tzinfo=CST)
    assert year_coverage(2026, new_year + back)["complete"] is True
    inside = new_year - back - timedelta(microseconds=1)
    assert year_coverage(2026, inside)["complete"] is False
