"""The dashboard's pace rules: at risk (behind pace with weeks left), no visit, report due soon;
and which touched divisions a viewer of a scope hears about on the live stream."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from eventkit.changes import compact, in_view
from hypothesis import given
from hypothesis import strategies as st
from reporting.domain.pace import Window, at_risk, no_visit, pace_threshold, report_due_soon

Q4 = (date(2026, 10, 1), date(2026, 12, 31))  # 92 days
EIGHT_HOURS = 8 * 3600


def q4_on(day: date) -> Window:
    return Window(*Q4, day)


@pytest.mark.parametrize(
    ("given_seconds", "when_seen_on", "then_at_risk"),
    [
        (0, date(2026, 10, 1), True),  # day 1: on pace needs ceil(28800 / 92) = 314 s
        (314, date(2026, 10, 1), False),  # exactly on pace
        (313, date(2026, 10, 1), True),
        (14400, date(2026, 11, 15), False),  # 4 h on day 46 of 92: exactly half, on pace
        (14399, date(2026, 11, 15), True),
        (EIGHT_HOURS, date(2026, 11, 15), False),  # minimum met
        (0, date(2026, 12, 24), True),  # 7 days left: still one week to act
        (0, date(2026, 12, 25), False),  # 6 days left: no week left, it is missed, not at risk
        (0, date(2027, 1, 5), False),  # a past quarter has no village at risk
    ],
)
def test_a_village_is_at_risk_when_behind_pace_with_weeks_left(
    given_seconds: int, when_seen_on: date, then_at_risk: bool
) -> None:
    assert at_risk(given_seconds, EIGHT_HOURS, q4_on(when_seen_on)) is then_at_risk


@pytest.mark.parametrize(
    ("given_seconds", "covered", "when_seen_on", "then_warned"),
    [
        (0, True, date(2026, 11, 30), True),
        (60, True, date(2026, 11, 30), False),
        (0, False, date(2026, 11, 30), False),  # no advisor: a coverage gap, not a missed visit
        (0, True, date(2026, 12, 28), False),  # less than a week left
    ],
)
def test_no_visit_warns_a_covered_village_with_weeks_left(
    given_seconds: int, covered: bool, when_seen_on: date, then_warned: bool
) -> None:
    assert no_visit(given_seconds, EIGHT_HOURS, q4_on(when_seen_on), covered) is then_warned


@pytest.mark.parametrize(
    ("due", "today", "submitted", "then_warned"),
    [
        (date(2027, 1, 15), date(2026, 12, 16), False, True),  # 30 days ahead
        (date(2027, 1, 15), date(2026, 12, 15), False, False),  # 31 days ahead
        (date(2027, 1, 15), date(2027, 1, 15), False, True),  # due today
        (date(2027, 1, 15), date(2027, 1, 16), False, False),  # overdue: the misses list names it
        (date(2027, 1, 15), date(2027, 1, 1), True, False),
    ],
)
def test_a_report_due_within_30_days_and_not_submitted_is_a_warning(
    due: date, today: date, submitted: bool, then_warned: bool
) -> None:
    assert report_due_soon(due, today, submitted) is then_warned


@given(
    minimum=st.integers(min_value=0, max_value=10**6),
    seconds=st.integers(min_value=0, max_value=2 * 10**6),
    first=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 1, 1)),
    length=st.integers(min_value=28, max_value=366),
    offset=st.integers(min_value=-10, max_value=400),
)
def test_at_risk_is_exactly_behind_the_elapsed_share_and_never_when_met(
    minimum: int, seconds: int, first: date, length: int, offset: int
) -> None:
    window = Window(first, first + timedelta(days=length - 1), first + timedelta(days=offset))
    risky = at_risk(seconds, minimum, window)
    if seconds >= minimum or not window.open:
        assert not risky
    else:  # the integer threshold is the exact share: seconds < minimum × elapsed / days
        assert risky == (seconds * window.days < minimum * window.elapsed_days)
    assert pace_threshold(minimum, window) <= minimum


@pytest.mark.parametrize(
    ("scope", "touched", "heard"),
    [
        ("621025", ["621025100201", "621026100201"], ["621025100201"]),  # other counties are cut off
        ("621025", ["620000"], ["620000"]),  # a province-wide change (a rule) concerns every county
        ("621025", ["621000", "622100"], ["621000"]),
        ("62", ["621025100201", "631025100201"], ["621025100201"]),
        ("621025", ["631025"], []),
    ],
)
def test_a_viewer_hears_only_of_divisions_inside_or_enclosing_its_scope(
    scope: str, touched: list[str], heard: list[str]
) -> None:
    assert in_view(scope, touched) == heard


def test_a_commit_touching_many_villages_is_announced_by_its_counties() -> None:
    villages = [f"621025{n:06d}" for n in range(100201, 100501)] + ["621026100201"]
    assert compact(villages) == ["621025", "621026"]
    assert compact(["621025100202", "621025100201"]) == ["621025100201", "621025100202"]
