"""Deadlines at +08:00: due dates are data, a miss is recorded once, only after the deadline."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from reporting.domain.deadlines import RecordMiss, due_at, misses
from vc_contracts import CST
from vc_contracts.catalogue.enums import DeadlineKind
from vc_contracts.catalogue.reporting import DeadlineMissed


@pytest.mark.parametrize(
    ("kind", "period", "expected"),
    [
        ("half_year_ledger", "2025H1", datetime(2025, 7, 16, tzinfo=CST)),
        ("half_year_ledger", "2025H2", datetime(2026, 1, 16, tzinfo=CST)),
        ("annual_results", "2025", datetime(2026, 1, 1, tzinfo=CST)),
    ],
)
def test_a_report_is_due_by_the_end_of_its_due_day_in_china_standard_time(
    kind: str, period: str, expected: datetime
) -> None:
    assert due_at(kind, period) == expected
    assert due_at(kind, period).utcoffset() == timedelta(hours=8)


def test_a_county_may_set_a_stricter_due_day() -> None:
    assert due_at("half_year_ledger", "2025H1", {"H1": "07-10"}) == datetime(2025, 7, 11, tzinfo=CST)


MISS = RecordMiss(
    DeadlineKind.half_year_ledger, "2025H1", "U-firm", "621025", due_at("half_year_ledger", "2025H1"), False
)


def test_nothing_is_missed_one_second_before_midnight_in_beijing() -> None:
    # 2025-07-15 23:59:59 +08:00 is 15:59:59 UTC: still in time
    assert misses.decide(False, MISS, datetime(2025, 7, 15, 23, 59, 59, tzinfo=CST)) == []


def test_a_miss_is_recorded_once_after_the_deadline() -> None:
    now = datetime(2025, 7, 16, 0, 0, tzinfo=CST)
    events = misses.decide(False, MISS, now)
    assert [type(e) for e in events] == [DeadlineMissed]
    assert events[0].due_at == datetime(2025, 7, 16, tzinfo=CST)  # type: ignore[attr-defined]
    assert misses.decide(misses.fold(events), MISS, now) == []


def test_a_submitted_report_is_not_missed() -> None:
    assert (
        misses.decide(
            False, RecordMiss(**{**MISS.__dict__, "submitted": True}), datetime(2025, 8, 1, tzinfo=CST)
        )
        == []
    )
