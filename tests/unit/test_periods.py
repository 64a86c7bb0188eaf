"""Quarter attribution of on-site hours in China Standard Time."""

from __future__ import annotations

from datetime import UTC, datetime

from eventkit.periods import quarter_of, split_seconds_by_quarter
from vc_contracts import CST


def test_a_visit_crossing_a_quarter_boundary_is_split_at_midnight_cst() -> None:
    start = datetime(2025, 3, 31, 22, 0, tzinfo=CST)
    end = datetime(2025, 4, 1, 2, 0, tzinfo=CST)
    assert split_seconds_by_quarter(start, end) == {"2025Q1": 7200, "2025Q2": 7200}


def test_a_visit_crossing_midnight_inside_a_quarter_counts_whole() -> None:
    start = datetime(2025, 5, 1, 22, 0, tzinfo=CST)
    assert split_seconds_by_quarter(start, start.replace(day=2, hour=1)) == {"2025Q2": 10800}


def test_quarters_are_counted_in_cst_not_utc() -> None:
    # 2025-03-31 17:00 UTC is 2025-04-01 01:00 in Shanghai: the second quarter.
    assert quarter_of(datetime(2025, 3, 31, 17, 0, tzinfo=UTC)) == "2025Q2"
    assert quarter_of(datetime(2025, 3, 31, 15, 59, tzinfo=UTC)) == "2025Q1"


def test_year_end_boundary_splits_into_the_next_year() -> None:
    start = datetime(2025, 12, 31, 23, 0, tzinfo=CST)
    assert split_seconds_by_quarter(start, start.replace(year=2026, month=1, day=1, hour=1)) == {
        "2025Q4": 3600,
        "2026Q1": 3600,
    }
