"""The yearly filing deadline (R4): by the end of the deadline day in China Standard Time (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from vc_contracts import CST
from vc_contracts.filing import (
    FilingStatus,
    closes_at,
    deadline_in,
    due_date,
    due_window,
    filing_status,
    in_time,
)

DEADLINE = date(2025, 3, 31)


@pytest.mark.parametrize(
    ("filed", "on_time"),
    [
        (datetime(2025, 3, 31, 23, 59, 59, tzinfo=CST), True),
        (datetime(2025, 4, 1, 0, 0, tzinfo=CST), False),
        (datetime(2025, 3, 31, 15, 59, 59, tzinfo=UTC), True),  # 23:59:59 +08:00
        (datetime(2025, 3, 31, 16, 0, tzinfo=UTC), False),  # 04-01 00:00 +08:00, still 03-31 in UTC
        (date(2025, 3, 31), True),
        (date(2025, 4, 1), False),
    ],
    ids=[
        "last-second-cst",
        "midnight-cst",
        "last-second-as-utc",
        "midnight-as-utc",
        "deadline-day",
        "day-after",
    ],
)
def test_the_deadline_closes_at_midnight_china_standard_time(filed: date | datetime, on_time: bool) -> None:
    assert in_time(filed, DEADLINE) is on_time


def test_the_deadline_closes_at_the_first_instant_of_april_in_cst() -> None:
    assert closes_at(DEADLINE) == datetime(2025, 4, 1, tzinfo=CST)
    assert closes_at(DEADLINE) - timedelta(seconds=1) == datetime(2025, 3, 31, 23, 59, 59, tzinfo=CST)


@pytest.mark.parametrize(
    ("year", "month_day", "expected"),
    [
        (2025, "03-31", date(2025, 3, 31)),
        (2025, "02-29", date(2025, 2, 28)),
        (2024, "02-29", date(2024, 2, 29)),
        (2025, "03-15", date(2025, 3, 15)),
    ],
    ids=["default", "leap-day-in-common-year", "leap-day-in-leap-year", "stricter-county"],
)
def test_the_deadline_is_data(year: int, month_day: str, expected: date) -> None:
    assert deadline_in(year, month_day) == expected


@pytest.mark.parametrize(
    ("opened", "due"),
    [
        (date(2025, 1, 10), date(2025, 3, 31)),
        (date(2025, 3, 31), date(2025, 3, 31)),
        (date(2025, 4, 1), date(2026, 3, 31)),
        (date(2024, 12, 20), date(2025, 3, 31)),
    ],
    ids=["signed-in-january", "signed-on-the-deadline", "signed-after-the-deadline", "signed-in-december"],
)
def test_a_term_is_due_by_the_first_deadline_on_or_after_it_was_agreed(opened: date, due: date) -> None:
    assert due_date(opened) == due
    after, until = due_window(due.year)
    assert after < opened <= until


AS_OF = date(2025, 6, 1)


@pytest.mark.parametrize(
    ("filed_on", "stamped", "terminated_on", "as_of", "status"),
    [
        (date(2025, 3, 31), True, None, AS_OF, FilingStatus.on_time),
        (date(2025, 4, 1), True, None, AS_OF, FilingStatus.late),
        (date(2025, 3, 1), False, None, AS_OF, FilingStatus.unstamped),
        (None, False, None, AS_OF, FilingStatus.missing),
        (None, False, None, date(2025, 3, 31), FilingStatus.pending),
        (None, False, None, date(2025, 4, 1), FilingStatus.missing),
        (None, False, date(2025, 2, 1), AS_OF, FilingStatus.terminated),
        (None, False, date(2025, 5, 1), AS_OF, FilingStatus.missing),
    ],
    ids=[
        "on-time",
        "late",
        "unstamped",
        "missing",
        "pending-on-deadline-day",
        "missing-the-day-after",
        "terminated-before-deadline",
        "terminated-after-deadline",
    ],
)
def test_filing_status(
    filed_on: date | None, stamped: bool, terminated_on: date | None, as_of: date, status: FilingStatus
) -> None:
    assert filing_status(DEADLINE, filed_on, stamped, terminated_on, as_of) is status
