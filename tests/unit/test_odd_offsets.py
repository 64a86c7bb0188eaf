"""An offset with seconds (2026-11-29T07:00:00+08:00:30) is refused wherever a caller sends a time:
no zone has had one since 1972, so it is a typing mistake; real offsets (+05:45, -03:30) still pass.
One rule, `vc_contracts.base.whole_minute_offset` (given/when/then tables)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from eventkit.sheet_cells import Kind, cell_text
from hypothesis import given
from hypothesis import strategies as st
from ledger.application.import_rows import when
from support.time_fields import body_reason as _reason
from vc_contracts.base import ODD_OFFSET, whole_minute_offset

ODD = ["2026-11-29T07:00:00+08:00:30", "2026-11-29T07:00:00-03:30:15", "2026-11-29T07:00:00+08:00:00.5"]
REAL = [
    "2026-11-29T07:00:00+08:00",
    "2026-11-29T07:00:00+05:45",
    "2026-11-29T07:00:00-03:30",
    "2026-11-29T07:00:00Z",
]


@pytest.mark.parametrize("text", ODD)
def test_a_time_with_seconds_in_its_offset_is_refused_with_its_reason(text: str) -> None:
    # given a body's time, a day given as an instant, an import cell, a backfill row's time
    assert _reason(at=text) == ODD_OFFSET
    assert _reason(day=text) == ODD_OFFSET
    with pytest.raises(ValueError, match="整分钟"):
        cell_text(text, Kind.datetime)
    with pytest.raises(ValueError, match="整分钟"):
        when(text)


@pytest.mark.parametrize("text", REAL)
def test_a_real_offset_still_passes(text: str) -> None:
    assert _reason(at=text) is None and _reason(day=text) is None
    assert cell_text(text, Kind.datetime) and when(text)


@given(st.integers(min_value=-14 * 3600 + 1, max_value=14 * 3600 - 1))
def test_only_whole_minutes_pass(seconds: int) -> None:
    moment = datetime(2026, 11, 29, 7, tzinfo=timezone(timedelta(seconds=seconds)))
    if seconds % 60:
        with pytest.raises(ValueError, match="整分钟"):
            whole_minute_offset(moment)
    else:
        assert whole_minute_offset(moment) is moment
