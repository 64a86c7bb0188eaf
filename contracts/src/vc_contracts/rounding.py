"""One rounding rule for every figure a person reads: the exact value, rounded half up, once.

Python's `round(x, n)` rounds a float, so a figure whose exact value ends in a half went to the even
neighbour when the float holds it exactly (33 / 8 = 4.125 -> 4.12, 1 / 16 = 6.25 % -> 6.2 %) and
either way by the float's binary error when it does not (41 / 40 = 1.025 -> 1.02). A spreadsheet,
a calculator and the hours figures (`vc_contracts.durations.display_hours`) round such a half up:
4.13, 6.3 %, 1.03. `half_up` takes the exact value (a Fraction of the counts it comes from, never a
float quotient) and rounds it once, so a figure derived from others (a change between two shares)
is rounded from their exact values too, never from their rounded ones.
"""

from __future__ import annotations

from fractions import Fraction
from math import floor


def half_up(exact: Fraction | int, places: int) -> float:
    """`exact` rounded half up to `places` decimals, as the float that prints those decimals. A half
    goes away from zero, as a spreadsheet's ROUND does, so a fall reads as large as the same rise
    (-16.65 -> -16.7 against 16.65 -> 16.7); for the figures at or above zero (`display_hours`' only
    kind) that is `floor(x + 1/2)`.
    Shapes: half_up(Fraction(33, 8), 2) -> 4.13; half_up(Fraction(100, 16), 1) -> 6.3;
    half_up(Fraction(-333, 20), 1) -> -16.7."""
    scale: int = 10**places
    magnitude = floor(abs(Fraction(exact)) * scale + Fraction(1, 2))
    return (magnitude if exact >= 0 else -magnitude) / scale


def shown_share(part: int, whole: int, places: int = 1) -> float:
    """`part` of `whole` in per cent as a person reads it: the exact share rounded half up once
    (`half_up`), except that it never reads as all or none when it is neither: a share short of the
    whole shows at most 100 − one last place (17,426 of 17,427 villages, 99.994 %, shows 99.9, not
    100.0: "every village has an advisor" would be false), and a share above nothing at least one
    last place (1 of 20,000, 0.005 %, shows 0.1, not 0.0). 0 of none is 0.0.
    Shapes: shown_share(1, 16) -> 6.3; shown_share(9_999, 10_000) -> 99.9; shown_share(1, 3_000) -> 0.1;
    shown_share(16, 16) -> 100.0. `part` in 0..whole; counts, never rounded figures."""
    if whole <= 0:
        return 0.0
    return _neither_all_nor_none(Fraction(100 * part, whole), 100, part, whole, places)


def shown_ratio(part: int, whole: int, places: int = 3) -> float:
    """`part` of `whole` as a ratio (1 = the whole), rounded half up once, by `shown_share`'s rule: it
    never reads as the whole short of it nor as none above nothing (a village's 28,799 of 28,800
    on-site seconds is 0.999, not 1.0: 1 or more is coloured 已达标). Above the whole it is as it is.
    Shapes: shown_ratio(216, 28_800) -> 0.008; shown_ratio(28_799, 28_800) -> 0.999;
    shown_ratio(14, 28_800) -> 0.001; shown_ratio(43_200, 28_800) -> 1.5. `whole` above 0."""
    return _neither_all_nor_none(Fraction(part, whole), 1, part, whole, places)


def _neither_all_nor_none(exact: Fraction, full: int, part: int, whole: int, places: int) -> float:
    """`exact` (part of whole, `full` for the whole) rounded half up, kept one last place away from
    the whole when short of it and from nothing when above it."""
    shown = half_up(exact, places)
    last = Fraction(1, 10**places)
    if part < whole and shown >= full:
        return float(full - last)
    if part > 0 and shown <= 0:
        return float(last)
    return shown
