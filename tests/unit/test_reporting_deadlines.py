"""Deadlines at +08:00: due dates are data, a miss is recorded once, only after the deadline."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reporting.domain.deadlines import (
    DeadlineNotPassedError,
    RecordMiss,
    due_at,
    due_day,
    last_day,
    missed,
    misses,
)
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


def test_a_miss_one_second_before_midnight_in_beijing_is_refused() -> None:
    # 2025-07-15 23:59:59 +08:00 is 15:59:59 UTC: still in time, so recording a miss is refused
    with pytest.raises(DeadlineNotPassedError) as refused:
        misses.decide(False, MISS, datetime(2025, 7, 15, 23, 59, 59, tzinfo=CST))
    assert refused.value.status == 422 and refused.value.field == "period"
    assert "2025-07-15 24:00" in refused.value.message  # the due day, as the deadlines page shows it


@pytest.mark.parametrize(
    ("kind", "period", "now"),
    [
        ("half_year_ledger", "2027H1", datetime(2026, 11, 30, tzinfo=CST)),  # a future period
        ("annual_results", "2026", datetime(2026, 11, 30, tzinfo=CST)),  # the period is still running
        ("half_year_ledger", "2026H2", datetime(2027, 1, 15, 23, 0, tzinfo=CST)),  # over, due day not yet
    ],
)
def test_a_miss_before_the_deadline_is_refused_whatever_the_period(
    kind: str, period: str, now: datetime
) -> None:
    command = RecordMiss(DeadlineKind(kind), period, None, "621025", due_at(kind, period), False)
    with pytest.raises(DeadlineNotPassedError):
        misses.decide(False, command, now)


@pytest.mark.parametrize(
    ("kind", "period", "county_rule", "expected_due_day"),
    [
        ("half_year_ledger", "2025H1", {"H1": "03-31"}, date(2026, 3, 31)),  # before the half ends: next year
        ("half_year_ledger", "2025H1", {"H1": "06-30"}, date(2025, 6, 30)),  # its last day is allowed
        ("half_year_ledger", "2025H2", {"H2": "12-31"}, date(2025, 12, 31)),
        ("annual_results", "2025", {"annual": "01-31"}, date(2026, 1, 31)),  # January after the year
        ("annual_results", "2025", {}, date(2025, 12, 31)),
    ],
)
def test_a_due_day_never_falls_before_its_period_is_over(
    kind: str, period: str, county_rule: dict[str, str], expected_due_day: date
) -> None:
    assert due_day(kind, period, county_rule) == expected_due_day


@given(
    kind=st.sampled_from(["half_year_ledger", "annual_results"]),
    year=st.integers(2000, 2100),
    half=st.sampled_from(["H1", "H2"]),
    due=st.dates(date(2001, 1, 1), date(2001, 12, 31)),  # any MM-DD of a non-leap year
)
def test_no_deadline_passes_before_the_period_ends(kind: str, year: int, half: str, due: date) -> None:
    period = f"{year}{half}" if kind == "half_year_ledger" else str(year)
    rule = {"H1": f"{due:%m-%d}", "H2": f"{due:%m-%d}", "annual": f"{due:%m-%d}"}
    deadline = due_at(kind, period, rule)
    assert deadline > datetime.combine(last_day(kind, period), datetime.min.time(), tzinfo=CST)
    assert deadline - timedelta(days=367) < datetime.combine(last_day(kind, period), datetime.min.time(), CST)


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


H1_2026 = due_at(DeadlineKind.half_year_ledger, "2026H1")  # 2026-07-16 00:00 +08:00 (due 07-15)
LATER = datetime(2026, 12, 3, 10, 0, tzinfo=CST)


def _cst(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CST)


@pytest.mark.parametrize(
    ("now", "submitted_at", "registered_at", "expected"),
    [
        # given a unit registered after the deadline (the newcomer's firm of 2026-12-02): not missed
        (LATER, None, _cst("2026-12-02T09:00"), False),
        (LATER, None, _cst("2026-07-16T00:00"), False),  # registered as the deadline passed
        (LATER, None, _cst("2026-07-15T23:59:59"), True),  # the last second of the due day: owed
        (LATER, None, _cst("2026-03-01T09:00"), True),  # registered inside the period
        (LATER, None, None, True),  # a county (no registration instant) owes its report
        (LATER, _cst("2026-07-15T18:00"), None, False),  # in on time
        (LATER, _cst("2026-07-16T08:00"), None, True),  # in late: still a miss
        (_cst("2026-07-15T23:00"), None, None, False),  # the deadline has not passed
    ],
)
def test_who_missed_a_deadline(
    now: datetime, submitted_at: datetime | None, registered_at: datetime | None, expected: bool
) -> None:
    assert missed(H1_2026, now, submitted_at=submitted_at, registered_at=registered_at) is expected


@given(st.datetimes(min_value=datetime(2026, 7, 16), max_value=datetime(2027, 12, 31)))  # noqa: DTZ001
def test_no_unit_registered_after_a_deadline_ever_missed_it(registered: datetime) -> None:
    # hypothesis draws naive datetimes between naive bounds: read them as Beijing time
    never = datetime(2030, 1, 1, tzinfo=CST)
    assert not missed(H1_2026, never, submitted_at=None, registered_at=registered.replace(tzinfo=CST))
