"""When the ledger seals (VC_SEAL_AT, China Standard Time): given the setting and the clock."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from ledger.application.sealing import next_seal, seal_time
from vc_contracts import CST


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        (None, time(0, 30, tzinfo=CST)),
        ("", time(0, 30, tzinfo=CST)),
        ("02:15", time(2, 15, tzinfo=CST)),
        ("off", None),
        ("OFF", None),
    ],
)
def test_the_setting_reads_as_a_cst_time_or_off(setting: str | None, expected: time | None) -> None:
    assert seal_time(setting) == expected


@pytest.mark.parametrize("setting", ["25:00", "daily", "12:75"])
def test_a_bad_setting_refuses_to_start(setting: str) -> None:
    with pytest.raises(ValueError, match="VC_SEAL_AT"):
        seal_time(setting)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 11, 30, 0, 0, tzinfo=CST), datetime(2026, 11, 30, 0, 30, tzinfo=CST)),
        (datetime(2026, 11, 30, 0, 30, tzinfo=CST), datetime(2026, 12, 1, 0, 30, tzinfo=CST)),
        (datetime(2026, 12, 31, 23, 59, tzinfo=CST), datetime(2027, 1, 1, 0, 30, tzinfo=CST)),
        (datetime.fromisoformat("2026-11-30T16:00:00+00:00"), datetime(2026, 12, 1, 0, 30, tzinfo=CST)),
        (datetime.fromisoformat("2026-11-30T16:40:00+00:00"), datetime(2026, 12, 2, 0, 30, tzinfo=CST)),
    ],
)
def test_the_next_seal_is_the_first_seal_time_after_now(now: datetime, expected: datetime) -> None:
    assert next_seal(now, time(0, 30, tzinfo=CST)) == expected
