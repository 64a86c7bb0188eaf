"""On-site time is summed exactly (whole seconds) and rounded for display only."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from eventkit.periods import split_seconds_by_quarter
from hypothesis import given
from hypothesis import strategies as st
from vc_contracts import CST
from vc_contracts.durations import (
    display_hours,
    exact_hours,
    format_hours,
    meets_hours,
    minimum_seconds,
    seconds_between,
    shown_hours,
    total_seconds,
)

MINUTE, HOUR = 60, 3600

# given the visits' durations (minutes), when they are added up, then the total shown and whether
# an 8 h minimum is met
TOTALS = [
    ([80] * 6, 8.0, True),  # the example: not 6 × 1.33 = 7.98 (not met)
    ([40] * 12, 8.0, True),  # 0.67 each when shown: 8.04 if the rounded values were added
    ([20] * 24, 8.0, True),  # 0.33 each when shown: 7.92 if the rounded values were added
    ([479], 7.98, False),
    ([240, 239], 7.98, False),
    ([480], 8.0, True),
]


@pytest.mark.parametrize(("minutes", "shown", "met"), TOTALS)
def test_the_exact_total_is_shown_rounded_and_compared_unrounded(
    minutes: list[int], shown: float, met: bool
) -> None:
    total = total_seconds(m * MINUTE for m in minutes)
    assert (display_hours(total), meets_hours(total, 8)) == (shown, met)


def test_a_total_just_under_the_minimum_does_not_pass_although_its_rounded_parts_would() -> None:
    # four visits of 1 h 59 min 42 s: each shows as 2.0 (sum 8.0) but they make 7 h 58 min 48 s
    parts = [2 * HOUR - 18] * 4
    assert sum(display_hours(p) for p in parts) >= 8
    assert not meets_hours(total_seconds(parts), 8)
    assert display_hours(total_seconds(parts)) == 7.98


@pytest.mark.parametrize(
    ("minimum", "seconds"), [(8, 28800), (7.5, 27000), (2.67, 9612), (3.96, 14256), (8.0001, 28801)]
)
def test_the_fewest_seconds_that_meet_a_minimum(minimum: float, seconds: int) -> None:
    assert minimum_seconds(minimum) == seconds
    assert meets_hours(seconds, minimum) and not meets_hours(seconds - 1, minimum)


durations = st.lists(st.integers(min_value=1, max_value=12 * HOUR), min_size=0, max_size=40)


@given(durations)
def test_meeting_the_minimum_depends_only_on_the_exact_total(parts: list[int]) -> None:
    total = total_seconds(parts)
    assert total == sum(parts)
    assert meets_hours(total, 8) is (total >= 480 * MINUTE)
    assert meets_hours(total, 8) is (total >= minimum_seconds(8))


@given(durations, st.randoms(use_true_random=False))
def test_any_split_or_order_of_the_same_time_gives_the_same_figure(parts: list[int], rnd: object) -> None:
    shuffled = list(parts)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    # the same time cut differently: every part split in two
    halves = [h for p in parts for h in (p // 2, p - p // 2)]
    figures = {
        (display_hours(total_seconds(x)), meets_hours(total_seconds(x), 8)) for x in (parts, shuffled, halves)
    }
    assert len(figures) == 1


# hypothesis takes naive bounds and draws the zone from `timezones`
EARLIEST, LATEST = datetime(2024, 1, 1), datetime(2027, 12, 31)  # noqa: DTZ001
instants = st.datetimes(min_value=EARLIEST, max_value=LATEST, timezones=st.just(CST)).map(
    lambda d: d.replace(microsecond=0)
)


@given(instants, st.integers(min_value=1, max_value=200 * 24 * HOUR))
def test_a_span_split_by_quarter_adds_up_to_the_whole_span(start: datetime, seconds: int) -> None:
    end = start + timedelta(seconds=seconds)
    parts = split_seconds_by_quarter(start, end)
    assert total_seconds(parts.values()) == seconds_between(start, end) == seconds
    assert all(p > 0 for p in parts.values())


def test_a_visit_over_the_quarter_boundary_counts_exactly_on_both_sides() -> None:
    start = datetime(2025, 3, 31, 22, 40, tzinfo=CST)
    parts = split_seconds_by_quarter(start, start + timedelta(hours=2))
    assert parts == {"2025Q1": 80 * MINUTE, "2025Q2": 40 * MINUTE}


# given a visit's or a total's exact seconds, when shown, then one rule: rounded half up to 2 decimals
# and written with two decimals (the rule of a spreadsheet cell formatted 0.00)
SHOWN = [
    (28799, 8.0, "8.00"),  # one second short of 8 h: shows 8.00, and does not meet 8 h (verdict apart)
    (28800, 8.0, "8.00"),
    (8 * 3600 - 36, 7.99, "7.99"),
    (6 * 4800, 8.0, "8.00"),  # six visits of 1 h 20 min
    (4800, 1.33, "1.33"),  # one of them
    (4 * 3600 + 60, 4.02, "4.02"),  # 4 h 01 min = 4.0167: rounded, not cut to 4.01
    (6000, 1.67, "1.67"),  # 1 h 40 min = 1.6667
    (18, 0.01, "0.01"),  # exactly half a hundredth: up
    (54, 0.02, "0.02"),  # 0.015 h, whose float is just below the half: up all the same
    (17, 0.0, "0.00"),
    (0, 0.0, "0.00"),
    (None, 0.0, "0.00"),
]


@pytest.mark.parametrize(("seconds", "shown", "text"), SHOWN)
def test_every_hours_figure_is_shown_rounded_half_up_with_two_decimals(
    seconds: int | None, shown: float, text: str
) -> None:
    assert (display_hours(seconds), format_hours(seconds)) == (shown, text)
    assert shown_hours(exact_hours(seconds or 0)) == shown  # the same rule for an exact fraction


@given(st.integers(min_value=0, max_value=10**8))
def test_the_display_rule_is_exact_half_up(seconds: int) -> None:
    expected = Decimal(seconds) / Decimal(3600)
    assert display_hours(seconds) == float(expected.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    assert format_hours(seconds) == str(expected.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@given(st.integers(min_value=0, max_value=10**7), st.integers(min_value=1, max_value=2000))
def test_a_shown_total_never_contradicts_its_verdict_by_more_than_the_rounding(
    seconds: int, hundredths: int
) -> None:
    # the verdict is the exact one; what is shown is at most half a hundredth from it
    minimum = hundredths / 100
    if meets_hours(seconds, minimum):
        assert display_hours(seconds) >= minimum
    else:
        assert display_hours(seconds) <= minimum
