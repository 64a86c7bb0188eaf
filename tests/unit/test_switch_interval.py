"""The interpreter's switch interval is a process-wide setting of the composition roots
(eventkit.runtime.responsive_loop): a service's event loop waits at most half a millisecond for a
thread doing CPU work (an import's decider) to hand back the interpreter lock, not CPython's 5 ms."""

from __future__ import annotations

import sys

import pytest
from eventkit.runtime import SWITCH_INTERVAL, responsive_loop


def test_a_service_s_loop_waits_at_most_half_a_millisecond_for_a_busy_thread() -> None:
    before = sys.getswitchinterval()
    try:
        sys.setswitchinterval(0.005)  # CPython's default
        responsive_loop()
        assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL)
        assert SWITCH_INTERVAL <= 0.0005
    finally:
        sys.setswitchinterval(before)
