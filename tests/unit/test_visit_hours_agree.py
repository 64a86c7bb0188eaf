"""A visit's entered hours must agree with its span within 0.01 h, both ways alike.

The rule compared floats (`abs(hours - derived) > 0.01`), so whether a value 0.01 away was accepted
depended on binary rounding: against a 2.33 h span 2.34 passed and 2.32 was refused. It is now
decided on the decimal values as written (vc_contracts.durations.hours_agree)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from vc_contracts import CST
from vc_contracts.catalogue.ledger import VisitLogged
from vc_contracts.durations import display_hours, hours_agree

START = datetime(2025, 6, 1, 9, 0, tzinfo=CST)


def _visit(seconds: int, hours: float) -> VisitLogged:
    return VisitLogged(
        entry_id="E-1", advisor_id="A-1", unit_id="U-1", village_code="621025100201",
        occurred_at=START, started_at=START, ended_at=START + timedelta(seconds=seconds),
        hours=hours, place="村委会", summary="坐班",
    )  # fmt: skip


def _accepted(seconds: int, hours: float) -> bool:
    try:
        _visit(seconds, hours)
    except ValidationError:
        return False
    return True


# given a span (seconds, shown as hours) and the hours entered, then whether the visit is accepted
TABLE = [
    (8388, 2.33, True),  # 2 h 19 min 48 s = 2.33 h
    (8388, 2.34, True),
    (8388, 2.32, True),  # refused before: 2.33 - 2.32 > 0.01 in binary floating point
    (8388, 2.35, False),
    (8388, 2.31, False),
    (4 * 3600 + 1044, 4.28, True),  # 4.29 h
    (4 * 3600 + 1044, 4.30, True),
    (4 * 3600 + 1044, 4.27, False),
    (36, 0.0, True),  # 0.01 h
    (36, 0.02, True),
    (36, 0.03, False),
]


@pytest.mark.parametrize(("seconds", "hours", "accepted"), TABLE)
def test_hours_within_a_hundredth_either_way_are_accepted(seconds: int, hours: float, accepted: bool) -> None:
    assert _accepted(seconds, hours) == accepted


@settings(max_examples=400)
@given(st.integers(1, 14 * 24 * 3600), st.integers(-300, 300))
@example(8388, -1)  # 2.32 against 2.33
def test_the_tolerance_is_symmetric_and_exact(seconds: int, off: int) -> None:
    # hours entered `off` hundredths away from the span's shown hours (and never below 0)
    hundredths = round(display_hours(seconds) * 100) + off
    entered = hundredths / 100
    if hundredths < 0:
        return
    assert hours_agree(entered, seconds) == (abs(off) <= 1)
    assert _accepted(seconds, entered) == (abs(off) <= 1)


@pytest.mark.parametrize("hours", [float("inf"), float("nan"), 1e308])
def test_hours_that_are_no_finite_duration_never_agree(hours: float) -> None:
    assert not hours_agree(hours, 3600)
    assert not _accepted(3600, hours)
