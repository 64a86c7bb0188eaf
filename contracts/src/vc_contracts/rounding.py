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
    shown = half_up(Fraction(100 * part, whole), places)
    last = Fraction(1, 10**places)
    if part < whole and shown >= 100:
        return float(100 - last)
    if part > 0 and shown <= 0:
        return float(last)
    return shown
