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
