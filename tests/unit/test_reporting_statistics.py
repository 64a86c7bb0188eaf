"""Statistics columns and how one entry is counted (pure): half-years in CST, hours split, rules shown."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from eventkit.errors import RuleViolationError
from eventkit.periods import half_of, quarter_of, split_seconds_by_quarter
from hypothesis import given
from hypothesis import strategies as st
from reporting.application.stats_view import Rows, _half, _seconds_by_half
from reporting.domain.statistics import METRICS, RULES, check_half_year, totals
from vc_contracts.catalogue import ledger as lg
from vc_contracts.durations import display_hours, seconds_between


def test_every_figure_has_a_chinese_heading_and_a_counting_rule() -> None:
    assert len({m.key for m in METRICS}) == len(METRICS)
    assert all(m.heading and RULES[m.key] for m in METRICS)


def test_an_entry_counts_in_the_half_year_it_started_in_beijing_time() -> None:
    # 2025-06-30 23:30 +08:00 is still H1 although it is 15:30 UTC; 2025-07-01 00:30 +08:00 is H2
    data = {"unit_id": "U-1", "village_code": "621025100201", "audience": 30}
    assert Rows.of_data("E1", "lecture", {**data, "occurred_at": "2025-06-30T23:30:00+08:00"}).halves == [
        "2025H1"
    ]
    assert Rows.of_data("E1", "lecture", {**data, "occurred_at": "2025-06-30T16:30:00+00:00"}).halves == [
        "2025H2"
    ]


def test_visit_hours_are_split_at_the_half_year_boundary() -> None:
    data = {"unit_id": "U-1", "village_code": "621025100201",
            "started_at": "2025-06-30T21:00:00+08:00", "ended_at": "2025-07-01T03:00:00+08:00"}  # fmt: skip
    _, halves, _, _, seconds = Rows.of_data("E2", "visit", {**data, "occurred_at": data["started_at"]}).hours
    assert set(zip(halves, seconds, strict=True)) == {("2025H1", 3 * 3600), ("2025H2", 3 * 3600)}


# hypothesis bounds are naive; `timezones` makes the instants aware
_INSTANTS = st.datetimes(datetime(2023, 12, 1), datetime(2026, 2, 1), timezones=st.sampled_from(  # noqa: DTZ001
    [timezone(timedelta(hours=8)), UTC, timezone(timedelta(hours=-4))]))  # fmt: skip


@given(_INSTANTS, st.timedeltas(timedelta(0), timedelta(days=400)))
def test_seconds_by_half_year_are_the_quarter_split_added_up_by_half_year(
    start: datetime, span: timedelta
) -> None:
    # the shortcut for a span inside one quarter must count exactly as the quarter walk does (whole
    # seconds per piece, sub-seconds dropped per piece), also across quarter and half-year ends
    expected: dict[str, int] = {}
    for quarter, seconds in split_seconds_by_quarter(start, start + span).items():
        expected[half_of(quarter)] = expected.get(half_of(quarter), 0) + seconds
    assert _seconds_by_half(start, start + span) == expected


@given(_INSTANTS)
def test_the_half_year_of_an_instant_is_that_of_its_cst_quarter(moment: datetime) -> None:
    assert _half(moment) == half_of(quarter_of(moment))


def _visit(start: datetime, span: timedelta) -> lg.VisitLogged:
    end = start + span
    return lg.VisitLogged(
        entry_id="E-1", advisor_id="A-1", unit_id="U-1", village_code="621025100201", occurred_at=start,
        started_at=start, ended_at=end, hours=display_hours(seconds_between(start, end)), place="村委会",
        summary="驻村接待",
    )  # fmt: skip


@given(st.lists(st.tuples(_INSTANTS, st.timedeltas(timedelta(seconds=1), timedelta(days=200))), max_size=6))
def test_a_run_of_visits_gets_the_half_years_and_hours_each_visit_gets_alone(
    spans: list[tuple[datetime, timedelta]],
) -> None:
    # `of_events` takes a visit inside one quarter in one look-up; every visit must come out as
    # `_half` and `_hours` make it, across quarter and half-year ends and with sub-seconds too
    visits = [_visit(start, span) for start, span in spans]
    expected = Rows([], [], b"")
    for v in visits:
        expected.halves.append(_half(v.occurred_at))
        expected._hours(v.entry_id, v.unit_id, v.village_code, v.started_at, v.ended_at)
    got = Rows.of_events(list(visits))
    assert (got.kinds, got.halves, got.hours) == (["visit"] * len(visits), expected.halves, expected.hours)


def test_totals_add_up_every_column() -> None:
    rows = [{"visits": 1, "visit_seconds": 9000, "visit_hours": 2.5}, {"visits": 2, "visit_seconds": 4500}]
    assert (totals(rows)["visits"], totals(rows)["visit_hours"], totals(rows)["lectures"]) == (3, 3.75, 0)


COUNTS = [m.key for m in METRICS if m.key != "visit_hours"]
_ROW = st.fixed_dictionaries(
    {key: st.integers(min_value=0, max_value=10**6) for key in COUNTS}
    | {"visit_seconds": st.integers(min_value=0, max_value=10**7)}
)


@given(st.lists(_ROW, max_size=20))
def test_totals_are_the_sum_of_the_rows_and_counts_stay_integers(rows: list[dict[str, int]]) -> None:
    # given rows as the table gives them (counts as integers, hours shown from their exact seconds)
    for row in rows:
        row["visit_hours"] = display_hours(row["visit_seconds"])  # type: ignore[assignment]
    found = totals(rows)
    for key in COUNTS:  # then each count is the integer sum of its column: 168, never 168.0
        assert type(found[key]) is int and found[key] == sum(r[key] for r in rows), key
    # and the hours are shown by the one rule from the exact total, with the seconds kept
    seconds = sum(r["visit_seconds"] for r in rows)
    assert (found["visit_seconds"], found["visit_hours"]) == (seconds, display_hours(seconds))


@pytest.mark.parametrize("period", ["2025", "2025Q1", "2025H3", "25H1"])
def test_a_statistics_period_is_a_half_year(period: str) -> None:
    with pytest.raises(RuleViolationError):
        check_half_year(period, date(2026, 12, 2))
