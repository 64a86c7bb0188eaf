"""The one period type (year, half-year, quarter in +08:00) and quarter attribution of on-site hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from itertools import pairwise

import pytest
from eventkit.errors import RuleViolationError
from eventkit.periods import (
    Period,
    PeriodKind,
    day_periods,
    half_containing,
    half_of,
    parse_period,
    quarter_of,
    seconds_by_half,
    split_seconds_by_quarter,
)
from hypothesis import given
from hypothesis import strategies as st
from vc_contracts import CST
from vc_contracts.periods import PeriodFormatError

Y, H, Q = PeriodKind.year, PeriodKind.half, PeriodKind.quarter
TICK = timedelta(microseconds=1)

# ------------------------------------------------------------------ given text, when parsed, then …


@pytest.mark.parametrize(
    ("given", "start", "end", "label", "previous"),
    [
        ("2025", "2025-01-01T00:00:00+08:00", "2026-01-01T00:00:00+08:00", "2025年", "2024"),
        ("2025H1", "2025-01-01T00:00:00+08:00", "2025-07-01T00:00:00+08:00", "2025年上半年", "2024H2"),
        ("2025H2", "2025-07-01T00:00:00+08:00", "2026-01-01T00:00:00+08:00", "2025年下半年", "2025H1"),
        ("2025Q1", "2025-01-01T00:00:00+08:00", "2025-04-01T00:00:00+08:00", "2025年第一季度", "2024Q4"),
        ("2025Q2", "2025-04-01T00:00:00+08:00", "2025-07-01T00:00:00+08:00", "2025年第二季度", "2025Q1"),
        ("2025Q4", "2025-10-01T00:00:00+08:00", "2026-01-01T00:00:00+08:00", "2025年第四季度", "2025Q3"),
    ],
)
def test_periods_are_half_open_ranges_in_china_standard_time(
    given: str, start: str, end: str, label: str, previous: str
) -> None:
    period = parse_period(given)
    assert [t.isoformat() for t in period.bounds] == [start, end]
    assert (period.label, str(period.previous()), str(period)) == (label, previous, given)
    assert period.previous().next() == period


@pytest.mark.parametrize(
    "given", ["2025Q5", "2025H3", "2025Q0", "25Q1", "2025-03", "2025 Q1", "0000"]
)  # `2025q1` and ` 2025` are periods as typed (test_period_input)
def test_other_period_shapes_are_refused_with_the_accepted_forms(given: str) -> None:
    with pytest.raises(RuleViolationError) as refused:
        parse_period(given)
    assert refused.value.field == "period"
    assert "2025Q1" in refused.value.message and "2025H1" in refused.value.message


@pytest.mark.parametrize(
    ("given", "kinds", "accepted"),
    [
        ("2025H1", (H,), True),
        ("2025", (H,), False),  # a statistics period is a half-year
        ("2025Q1", (H,), False),
        ("2025H1", (Y, Q), False),  # an assessment is by quarter or by year
        ("2025Q3", (Y, Q), True),
    ],
)
def test_a_caller_names_the_kinds_it_accepts(
    given: str, kinds: tuple[PeriodKind, ...], accepted: bool
) -> None:
    if accepted:
        assert str(parse_period(given, kinds=kinds)) == given
    else:
        with pytest.raises(RuleViolationError):
            parse_period(given, kinds=kinds)


def test_the_contracts_type_refuses_with_a_value_error_for_non_service_callers() -> None:
    with pytest.raises(PeriodFormatError, match="季度"):
        Period.parse("2025Q9")


def test_a_year_holds_its_halves_and_quarters_and_a_quarter_knows_its_half() -> None:
    year = parse_period("2025")
    assert [str(p) for p in year.parts(Q)] == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    assert [str(p) for p in year.parts(H)] == ["2025H1", "2025H2"]
    assert [str(p) for p in parse_period("2025H2").parts(Q)] == ["2025Q3", "2025Q4"]
    assert str(parse_period("2025Q3").half) == "2025H2"
    assert str(parse_period("2025Q1").a_year_before()) == "2024Q1"


# ------------------------------------------------------------------ boundaries in +08:00


def test_quarters_are_counted_in_cst_not_utc() -> None:
    # 2025-03-31 17:00 UTC is 2025-04-01 01:00 in Shanghai: the second quarter.
    assert quarter_of(datetime(2025, 3, 31, 17, 0, tzinfo=UTC)) == "2025Q2"
    assert quarter_of(datetime(2025, 3, 31, 15, 59, tzinfo=UTC)) == "2025Q1"


def test_work_at_half_past_midnight_on_april_first_cst_is_in_q2_although_utc_says_march() -> None:
    moment = datetime(2025, 3, 31, 16, 30, tzinfo=UTC)
    assert quarter_of(moment) == "2025Q2"
    start, end = parse_period("2025Q2").bounds
    assert start <= moment < end


def test_the_last_microsecond_of_a_quarter_is_in_it_and_the_next_one_is_not() -> None:
    q1 = parse_period("2025Q1")
    last = datetime(2025, 3, 31, 23, 59, 59, 999_999, tzinfo=CST)
    assert q1.contains(last) and not q1.contains(last + TICK)
    assert parse_period("2025Q2").contains(last + TICK)
    assert q1.contains(datetime(2025, 3, 31, 15, 59, 59, 999_999, tzinfo=UTC))  # the same instant


def test_a_naive_moment_has_no_quarter() -> None:
    with pytest.raises(ValueError, match="time zone"):
        parse_period("2025Q1").contains(datetime(2025, 3, 1))  # noqa: DTZ001 (naive on purpose)


years = st.integers(min_value=1901, max_value=2098)
periods = st.one_of(
    years.map(lambda y: Period(y, Y)),
    st.builds(Period, years, st.just(H), st.integers(1, 2)),
    st.builds(Period, years, st.just(Q), st.integers(1, 4)),
)
instants = st.datetimes(
    # hypothesis takes naive bounds and attaches the time zone itself
    min_value=datetime(1901, 1, 2),  # noqa: DTZ001
    max_value=datetime(2098, 12, 30),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@given(periods)
def test_a_period_holds_its_last_microsecond_and_not_the_next_one(period: Period) -> None:
    start, end = period.bounds
    assert start.utcoffset() == end.utcoffset() == timedelta(hours=8)
    assert (start.hour, start.minute, start.day) == (0, 0, 1)
    assert period.contains(start) and period.contains(end - TICK)
    assert not period.contains(end) and not period.contains(start - TICK)
    assert period.next().start == end and period.previous().end == start
    assert parse_period(str(period)) == period


@given(instants, st.sampled_from([Y, H, Q]))
def test_every_instant_lies_in_exactly_one_period_of_each_kind(moment: datetime, kind: PeriodKind) -> None:
    period = Period.containing(moment, kind)
    assert period.start <= moment < period.end
    assert not period.previous().contains(moment) and not period.next().contains(moment)
    assert period.first_day <= moment.astimezone(CST).date() <= period.last_day


@given(years)
def test_a_year_ends_on_december_31_and_its_parts_tile_it(year: int) -> None:
    whole = Period(year, Y)
    assert (whole.first_day, whole.last_day) == (date(year, 1, 1), date(year, 12, 31))
    for kind in (H, Q):
        parts = whole.parts(kind)
        assert parts[0].start == whole.start and parts[-1].end == whole.end
        assert all(a.end == b.start for a, b in pairwise(parts))


# ------------------------------------------------------------------ on-site hours by quarter


def test_a_visit_crossing_a_quarter_boundary_is_split_at_midnight_cst() -> None:
    start = datetime(2025, 3, 31, 22, 0, tzinfo=CST)
    end = datetime(2025, 4, 1, 2, 0, tzinfo=CST)
    assert split_seconds_by_quarter(start, end) == {"2025Q1": 7200, "2025Q2": 7200}


def test_a_visit_crossing_midnight_inside_a_quarter_counts_whole() -> None:
    start = datetime(2025, 5, 1, 22, 0, tzinfo=CST)
    assert split_seconds_by_quarter(start, start.replace(day=2, hour=1)) == {"2025Q2": 10800}
    start = datetime(2025, 5, 6, 22, 0, tzinfo=CST)
    assert split_seconds_by_quarter(start, start.replace(day=7, hour=1)) == {"2025Q2": 10800}


def test_year_end_boundary_splits_into_the_next_year() -> None:
    start = datetime(2025, 12, 31, 23, 0, tzinfo=CST)
    assert split_seconds_by_quarter(start, start.replace(year=2026, month=1, day=1, hour=1)) == {
        "2025Q4": 3600,
        "2026Q1": 3600,
    }


# ------------------------------------------------------------ the per-CST-day cache agrees

_ANY_INSTANT = st.datetimes(datetime(2018, 1, 1), datetime(2100, 12, 31), timezones=st.sampled_from(  # noqa: DTZ001
    [CST, timezone(timedelta(hours=8)), UTC, timezone(timedelta(hours=-11)),
     timezone(timedelta(hours=14))]))  # fmt: skip


@given(st.dates(date(2018, 1, 1), date(2100, 12, 31)))
def test_the_cached_periods_of_a_day_are_the_plain_ones(day: date) -> None:
    quarter = Period.containing(day)
    assert day_periods(day) == (quarter_of(day), half_of(quarter_of(day)), quarter.end)


@given(_ANY_INSTANT)
def test_the_cached_half_year_of_an_instant_is_the_plain_one(moment: datetime) -> None:
    assert half_containing(moment) == half_of(quarter_of(moment))


@given(_ANY_INSTANT, st.timedeltas(timedelta(0), timedelta(days=800)))
def test_the_cached_seconds_by_half_year_are_the_quarter_split_added_up(
    start: datetime, span: timedelta
) -> None:
    expected: dict[str, int] = {}
    for quarter, seconds in split_seconds_by_quarter(start, start + span).items():
        expected[half_of(quarter)] = expected.get(half_of(quarter), 0) + seconds
    assert seconds_by_half(start, start + span) == expected


def test_a_naive_instant_has_no_cached_half_year() -> None:
    with pytest.raises(ValueError, match="naive"):
        half_containing(datetime(2025, 3, 31, 23))  # noqa: DTZ001
