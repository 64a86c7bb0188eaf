"""Periods and the +08:00 boundaries the ledger counts by (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from eventkit.errors import RuleViolationError
from eventkit.periods import quarter_of, split_seconds_by_quarter
from ledger.domain.periods import period_range
from vc_contracts import CST


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        ("2025", "2025-01-01T00:00:00+08:00", "2026-01-01T00:00:00+08:00"),
        ("2025H2", "2025-07-01T00:00:00+08:00", "2026-01-01T00:00:00+08:00"),
        ("2025Q1", "2025-01-01T00:00:00+08:00", "2025-04-01T00:00:00+08:00"),
        ("2025Q4", "2025-10-01T00:00:00+08:00", "2026-01-01T00:00:00+08:00"),
    ],
)
def test_periods_are_half_open_ranges_in_china_standard_time(period: str, start: str, end: str) -> None:
    assert [t.isoformat() for t in period_range(period)] == [start, end]


@pytest.mark.parametrize("period", ["2025Q5", "2025H3", "25Q1", "2025-03"])
def test_other_period_shapes_are_refused(period: str) -> None:
    with pytest.raises(RuleViolationError):
        period_range(period)


def test_work_at_half_past_midnight_on_april_first_cst_is_in_q2_although_utc_says_march() -> None:
    moment = datetime(2025, 3, 31, 16, 30, tzinfo=UTC)
    assert quarter_of(moment) == "2025Q2"
    start, end = period_range("2025Q2")
    assert start <= moment < end


def test_a_visit_over_the_quarter_boundary_is_split_at_midnight_plus_eight() -> None:
    start = datetime(2025, 3, 31, 22, 0, tzinfo=CST)
    end = datetime(2025, 4, 1, 2, 0, tzinfo=CST)
    assert split_seconds_by_quarter(start, end) == {"2025Q1": 7200, "2025Q2": 7200}


def test_a_visit_over_midnight_inside_a_quarter_counts_whole_in_that_quarter() -> None:
    start = datetime(2025, 5, 6, 22, 0, tzinfo=CST)
    assert split_seconds_by_quarter(start, start.replace(day=7, hour=1)) == {"2025Q2": 10800}
