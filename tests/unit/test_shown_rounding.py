"""Figures derived from counts are rounded half up once, from their exact value
(`vc_contracts.rounding.half_up`): a feedback average, a dashboard share, its change on last year and a
village's share of its minimum.

Before, each was Python's `round` of a float: a half went to the even neighbour when the float held it
exactly and either way by the float's binary error when it did not, so eight ratings adding up to 33
(4.125) showed 4.12 and 1 village of 16 (6.25 %) showed 6.2 %; and the change on last year was taken
between the two rounded shares (1/3 against 1/6 showed 16.6, the exact change being 16.67).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from types import SimpleNamespace

import pytest
from assessment.application.figures import _feedback
from hypothesis import given
from hypothesis import strategies as st
from reporting.application.overview import _pct, _share_tile, _village
from vc_contracts.catalogue.assessment import FeedbackSubmitted
from vc_contracts.catalogue.enums import FeedbackSource
from vc_contracts.rounding import half_up, shown_share


@pytest.mark.parametrize(
    ("exact", "places", "shown"),
    [
        (Fraction(33, 8), 2, 4.13),  # round(4.125, 2) == 4.12: the float holds the half exactly
        (Fraction(41, 40), 2, 1.03),  # round(1.025, 2) == 1.02: the float is just below the half
        (Fraction(100, 16), 1, 6.3),  # round(6.25, 1) == 6.2
        (Fraction(300, 2000), 1, 0.2),  # round(0.15, 1) == 0.1
        (Fraction(72, 28800), 3, 0.003),  # 0.0025: round gives 0.002
        (Fraction(-333, 20), 1, -16.7),  # a fall reads as large as the same rise
        (Fraction(333, 20), 1, 16.7),
        (Fraction(1, 3), 2, 0.33),
        (Fraction(2, 3), 2, 0.67),
        (Fraction(0), 1, 0.0),
        (5, 2, 5.0),
    ],
)
def test_a_figure_is_its_exact_value_rounded_half_up(exact: Fraction, places: int, shown: float) -> None:
    assert half_up(exact, places) == shown


@given(st.integers(-(10**9), 10**9), st.integers(1, 10**6), st.integers(0, 4))
def test_half_up_is_decimal_rounding_half_away_from_zero(
    numerator: int, denominator: int, places: int
) -> None:
    # 60 digits: a quotient ending in a half (a terminating decimal) is exact, and no other quotient
    # is rounded onto one at the places asked
    with localcontext(prec=60):
        quotient = Decimal(numerator) / Decimal(denominator)
        expected = quotient.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    assert half_up(Fraction(numerator, denominator), places) == float(expected)


def _ratings(source: FeedbackSource, *ratings: int) -> tuple[FeedbackSubmitted, ...]:
    return tuple(SimpleNamespace(source=source, rating=r) for r in ratings)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("ratings", "average"),
    [
        ((5, 5, 5, 5, 5, 4, 2, 2), 4.13),  # 33 / 8 = 4.125: 4.12 before
        ((1, 1, 1, 1, 1, 1, 1, 4), 1.38),  # 11 / 8 = 1.375: 1.38 before too (the even neighbour)
        ((3, 3, 3, 3, 3, 3, 3, 4), 3.13),  # 25 / 8 = 3.125: 3.12 before
        ((4, 5, 5), 4.67),
    ],
)
def test_a_feedback_average_is_the_exact_mean_rounded_half_up(
    ratings: tuple[int, ...], average: float
) -> None:
    figures = _feedback(_ratings(FeedbackSource.resident, *ratings))
    assert figures["resident"] == {"count": len(ratings), "average": average}


def test_a_dashboard_share_is_its_exact_per_cent_rounded_half_up() -> None:
    assert [_pct(1, 16), _pct(3, 16), _pct(3, 2000), _pct(1, 3), _pct(0, 0)] == [6.3, 18.8, 0.2, 33.3, 0.0]


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [
        # given a share short of the whole that rounds to all, then it shows one place below
        (17_426, 17_427, 99.9),  # a province with one village uncovered read 100.0 %
        (1999, 2000, 99.9),  # 99.95 rounds half up to 100.0
        (9_999, 10_000, 99.9),
        # given a share above nothing that rounds to none, then it shows one place above
        (1, 3_000, 0.1),  # 0.033 %
        (1, 20_001, 0.1),
        # given a share whose rounding is neither, then it is the plain rounding
        (1999, 2001, 99.9),
        (1, 16, 6.3),
        (3, 2000, 0.2),
        (16, 16, 100.0),
        (0, 16, 0.0),
        (0, 0, 0.0),
    ],
)
def test_a_share_never_reads_as_all_or_none_when_it_is_neither(part: int, whole: int, shown: float) -> None:
    assert shown_share(part, whole) == shown
    assert _pct(part, whole) == shown  # the dashboard's tiles and tables


@given(st.integers(1, 10**7).flatmap(lambda whole: st.tuples(st.integers(0, whole), st.just(whole))))
def test_a_share_shows_100_only_when_whole_and_0_only_when_none(counts: tuple[int, int]) -> None:
    part, whole = counts
    shown = shown_share(part, whole)
    assert (shown == 100.0) == (part == whole)
    assert (shown == 0.0) == (part == 0)
    assert abs(Fraction(shown) - Fraction(100 * part, whole)) <= Fraction(1, 10)  # at most one place off
    if 0 < part < whole and shown not in (0.1, 99.9):
        assert shown == half_up(Fraction(100 * part, whole), 1)


def test_the_change_on_last_year_is_between_the_exact_shares() -> None:
    # 1 of 3 villages against 1 of 6: 33.33 % - 16.67 % = 16.67 points, shown 16.7 (before: 33.3 - 16.7)
    tile = _share_tile("覆盖", 1, 3, (1, 6), {}, "/x")
    assert (tile["pct"], tile["last_year"]["pct"], tile["change_pct"]) == (33.3, 16.7, 16.7)
    fall = _share_tile("覆盖", 1, 6, (1, 3), {}, "/x")
    assert fall["change_pct"] == -16.7
    assert _share_tile("覆盖", 1, 16, None, {}, "/x")["change_pct"] is None
    assert _share_tile("覆盖", 1, 16, (0, 0), {}, "/x")["change_pct"] is None


def test_a_villages_share_of_its_minimum_is_rounded_half_up() -> None:
    row = {"village_code": "621025100201", "name": "上川村", "township_code": "621025100",
           "township_name": "川镇", "advisor_id": None, "advisor_name": None, "s": 216, "min_s": 28800,
           "lectures": 0, "lec_min": 2, "at_risk": False, "agreement": None, "board_stale": False,
           "breaches": 0}  # fmt: skip
    frame = SimpleNamespace(year=2026, quarter="2026Q1")
    # 216 s of 8 h = 0.0075: round gave 0.007
    assert _village(row, frame)["share"] == 0.008  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("seconds", "minimum", "share", "meets"),
    [
        (28_799, 28_800, 0.999, False),  # 7 h 59 min 59 s of 8 h: half_up gave 1.0, coloured 已达标
        (28_786, 28_800, 0.999, False),  # 0.99951…: half_up gave 1.0
        (28_800, 28_800, 1.0, True),
        (43_200, 28_800, 1.5, True),  # above the minimum: the share as it is
        (14, 28_800, 0.001, False),  # 14 s of 8 h (0.0005): above nothing, never 0.0 (behind, not none)
        (0, 28_800, 0.0, False),
    ],
)
def test_a_villages_share_of_its_minimum_reads_as_met_only_when_met(
    seconds: int, minimum: int, share: float, meets: bool
) -> None:
    # given a village's on-site seconds against its minimum
    row = {"village_code": "621025100201", "name": "上川村", "township_code": "621025100",
           "township_name": "川镇", "advisor_id": None, "advisor_name": None, "s": seconds,
           "min_s": minimum, "lectures": 0, "lec_min": 2, "at_risk": False, "agreement": None,
           "board_stale": False, "breaches": 0}  # fmt: skip
    # when the dashboard's village row is made
    village = _village(row, SimpleNamespace(year=2026, quarter="2026Q1"))  # type: ignore[arg-type]
    # then its share (the band's colour: 1 or more is 已达标) agrees with the verdict
    assert (village["share"], village["meets_onsite"]) == (share, meets)
