"""A service lowers the interpreter's switch interval (`runtime.loop_friendly_switching`), so a busy
worker thread hands the lock back to the event loop within half a millisecond, and never raises one
set lower."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from eventkit.runtime import SWITCH_INTERVAL, loop_friendly_switching


@pytest.fixture(autouse=True)
def kept_interval() -> Iterator[None]:
    before = sys.getswitchinterval()
    yield
    sys.setswitchinterval(before)


@pytest.mark.parametrize(
    ("given_interval", "then_interval"),
    [(0.005, SWITCH_INTERVAL), (SWITCH_INTERVAL * 4, SWITCH_INTERVAL), (SWITCH_INTERVAL, SWITCH_INTERVAL),
     (0.0001, 0.0001)],
)  # fmt: skip
def test_the_switch_interval_is_lowered_never_raised(given_interval: float, then_interval: float) -> None:
    sys.setswitchinterval(given_interval)
    loop_friendly_switching()
    assert sys.getswitchinterval() == pytest.approx(then_interval)
