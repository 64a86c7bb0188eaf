"""A visit refused for lasting more than 12 hours says how long it lasted by the one hours rule
(`vc_contracts.durations`), never a figure that reads as within the limit (12 h 0 min 1 s was
"本次 12.0 小时")."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from eventkit.errors import RuleViolationError
from ledger.domain.kinds import Kind
from ledger.domain.rules import check_span
from vc_contracts import CST
from vc_contracts.durations import over_limit_hours

START = datetime(2026, 11, 15, 6, tzinfo=CST)
NOW = datetime(2026, 12, 1, tzinfo=CST)


@pytest.mark.parametrize(
    ("length", "shown"),
    [
        (timedelta(hours=12, seconds=1), "本次 12 小时 0 分 1 秒"),
        (timedelta(hours=12, seconds=17), "本次 12 小时 0 分 17 秒"),
        (timedelta(hours=12, seconds=18), "本次 12.01 小时"),  # 0.005 h rounds half up
        (timedelta(hours=12, minutes=20), "本次 12.33 小时"),
        (timedelta(hours=15), "本次 15.00 小时"),
    ],
)
def test_a_visit_over_twelve_hours_is_refused_with_its_length(length: timedelta, shown: str) -> None:
    with pytest.raises(RuleViolationError) as refused:
        check_span(Kind.visit, START, START + length, NOW)
    assert f"（{shown}）" in str(refused.value), str(refused.value)


def test_a_visit_of_exactly_twelve_hours_is_taken() -> None:
    assert check_span(Kind.visit, START, START + timedelta(hours=12), NOW) == 12.0


@pytest.mark.parametrize("seconds", [43_201, 43_217, 43_218, 50_000, 10**7])
def test_an_over_limit_length_never_reads_as_within_it(seconds: int) -> None:
    figure, unit, *exact = over_limit_hours(seconds, 12).split(" ")
    assert unit == "小时"
    assert float(figure) > 12 if "." in figure else exact and exact != ["0", "分", "0", "秒"]
