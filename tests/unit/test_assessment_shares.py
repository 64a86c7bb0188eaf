"""A pro-rated minimum is an exact fraction, taken over all of an advisor's assignments to a village in
the period, compared exactly with the exact actual and rounded only for display."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from fractions import Fraction

import pytest
from assessment.domain.compliance import Evaluate, Obligation, bounds, breaches, days_served, owed
from hypothesis import given
from hypothesis import strategies as st
from vc_contracts import CST
from vc_contracts.catalogue.assessment import ComplianceBreached
from vc_contracts.durations import display_hours, exact_hours, minimum_seconds, shown_owed

NOW = datetime(2026, 1, 5, 9, tzinfo=CST)
TODAY = date(2026, 1, 5)
V = "621025100201"
Span = tuple[date, date | None]


def d(month: int, day: int) -> date:
    return date(2025, month, day)


def verdict(period: str, minimum: float, spans: list[Span], actual: Fraction) -> list[ComplianceBreached]:
    command = Evaluate(
        "621025",
        period,
        TODAY,
        (Obligation(V, "qian", owed(minimum, period, spans), actual),),
        1,
        "621025",
        ("br-1",),
    )
    events = breaches.decide(breaches.initial, command, NOW)
    assert all(isinstance(e, ComplianceBreached) for e in events)
    return events  # type: ignore[return-value]


THIRTIES: list[Span] = [(d(1, 1), d(1, 30)), (d(1, 31), d(3, 1)), (d(3, 2), d(3, 31))]

# given the rule's minimum, the advisor's assignments to the village and what the ledger shows, when the
# period is evaluated, then the exact share owed, whether a breach is recorded and what it shows
SHARES = [
    # (period, minimum, assignments, actual (hours: seconds / lectures: count), owed, breach shown or None)
    # 30 of 90 days, exactly 2 h 40 min: met (rounding the share first said 2.67 > 2.666…)
    ("2025Q1", 8, [(d(3, 2), None)], exact_hours(9600), Fraction(8, 3), None),
    # 1 s short: a tie (shown by the one display rule), given with its verdict
    ("2025Q1", 8, [(d(3, 2), None)], exact_hours(9599), Fraction(8, 3), (2.67, 2.67)),
    # the whole quarter under three back-to-back 30-day assignments, exactly 8 h: owes 8 (not 3 × 2.67)
    ("2025Q1", 8, THIRTIES, exact_hours(8 * 3600), Fraction(8), None),
    ("2025Q1", 8, THIRTIES, exact_hours(8 * 3600 - 1), Fraction(8), (8.0, 8.0)),
    # 45 + 46 days of a 91-day quarter: the whole minimum; the first alone owes 3.956… h, not 3.96
    ("2025Q2", 8, [(d(4, 1), d(5, 15)), (d(5, 16), d(6, 30))], exact_hours(8 * 3600), Fraction(8), None),
    ("2025Q2", 8, [(d(4, 1), d(5, 15))], exact_hours(14242), Fraction(360, 91), None),
    # short by less than the rounding: a tie
    ("2025Q2", 8, [(d(4, 1), d(5, 15))], exact_hours(14241), Fraction(360, 91), (3.96, 3.96)),
    # the second alone owes 4.043… h: 4.04 h (rounded share: met) falls short
    ("2025Q2", 8, [(d(5, 16), d(6, 30))], exact_hours(14544), Fraction(368, 91), (4.05, 4.04)),
    # overlapping assignments to the same village: each day served counts once
    ("2025Q1", 8, [(d(1, 1), d(2, 14)), (d(2, 1), d(2, 14))], exact_hours(4 * 3600), Fraction(4), None),
    # lectures per year, a part-year advisor: 183 of 365 days owe 1.0027… lectures; one falls short
    ("2025", 2, [(d(7, 2), None)], Fraction(1), Fraction(366, 365), (1.01, 1.0)),
    ("2025", 2, [(d(7, 3), None)], Fraction(1), Fraction(364, 365), None),
    # two part-year assignments covering the year owe the whole minimum (not 0.99 + 1.01 rounded)
    ("2025", 2, [(d(1, 1), d(6, 30)), (d(7, 1), d(12, 31))], Fraction(2), Fraction(2), None),
    ("2025", 2, [(d(1, 1), d(6, 30)), (d(7, 1), d(12, 31))], Fraction(1), Fraction(2), (2.0, 1.0)),
]


@pytest.mark.parametrize(("period", "minimum", "spans", "actual", "share", "shown"), SHARES)
def test_the_share_owed_is_exact_and_compared_exactly(
    period: str,
    minimum: float,
    spans: list[Span],
    actual: Fraction,
    share: Fraction,
    shown: tuple[float, float] | None,
) -> None:
    assert owed(minimum, period, spans) == share
    events = verdict(period, minimum, spans, actual)
    assert [(e.expected, e.actual) for e in events] == ([shown] if shown else [])


# given an exact owed amount and whether it was met, then the figure shown for it: raised when short (a
# breach never shows expected below the rounded actual), cut when met (a met figure never shows below it)
SHOWN = [
    (Fraction(8, 3), False, 2.67),
    (Fraction(8, 3), True, 2.66),
    (Fraction(8), False, 8.0),
    (Fraction(8), True, 8.0),
    (Fraction(15, 2), False, 7.5),
    (Fraction(366, 365), False, 1.01),
    (Fraction(366, 365), True, 1.0),
]


@pytest.mark.parametrize(("exact", "met", "shown"), SHOWN)
def test_an_owed_share_is_shown_rounded_toward_its_verdict(exact: Fraction, met: bool, shown: float) -> None:
    assert shown_owed(exact, met=met) == shown


periods = st.sampled_from([f"{y}Q{q}" for y in (2024, 2025) for q in range(1, 5)] + ["2024", "2025"])
minimums = st.integers(min_value=1, max_value=2400).map(lambda n: n / 100)  # hours as a rule states them


@st.composite
def back_to_back(draw: st.DrawFn, period: str) -> list[Span]:
    """The period cut into back-to-back assignments at random days (the last one open or ending later)."""
    first, last = bounds(period)
    length = (last - first).days + 1
    cuts = sorted(draw(st.sets(st.integers(min_value=1, max_value=length - 1), max_size=8)))
    starts = [first + timedelta(days=c) for c in [0, *cuts]]
    ends: list[date | None] = [s - timedelta(days=1) for s in starts[1:]]
    ends.append(draw(st.sampled_from([None, last, last + timedelta(days=40)])))
    return list(zip(starts, ends, strict=True))


@given(st.data(), periods, minimums)
def test_back_to_back_assignments_over_a_period_owe_exactly_the_minimum(
    data: st.DataObject, period: str, minimum: float
) -> None:
    spans = data.draw(back_to_back(period))
    assert days_served(period, spans) == (bounds(period)[1] - bounds(period)[0]).days + 1
    assert owed(minimum, period, spans) == Fraction(str(minimum))
    assert sum(owed(minimum, period, [s]) for s in spans) == Fraction(str(minimum))


@given(st.data(), periods, minimums)
def test_the_owed_seconds_never_breach_and_one_second_less_always_does(
    data: st.DataObject, period: str, minimum: float
) -> None:
    spans = data.draw(back_to_back(period))
    mine = data.draw(st.lists(st.sampled_from(spans), min_size=1, unique=True))  # a part of the period
    needed = minimum_seconds(owed(minimum, period, mine))
    assert verdict(period, minimum, mine, exact_hours(needed)) == []
    [breach] = verdict(period, minimum, mine, exact_hours(needed - 1))
    # what is shown never reads against the verdict: expected at least the actual (a tie only for a
    # shortfall smaller than the rounding), the actual shown by the one display rule
    assert breach.expected >= breach.actual == display_hours(needed - 1)
    met = shown_owed(owed(minimum, period, mine), met=True)
    assert display_hours(needed) >= met
