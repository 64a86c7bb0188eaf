"""A phone whose clock runs a few minutes ahead is already in the new year: at 00:01 of 1 January on
the phone (23:58 of 31 December on the server) the advisor's home asked for 2027's figures and was
told 2027年尚未开始，暂无数据, beside the consultation the ledger had just taken at 00:01 (within
MAX_CLOCK_AHEAD). The assessment sheet's "has the year begun" is judged on `phone_today_cst`."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from eventkit import clock
from eventkit.clock import phone_today_cst
from eventkit.errors import RuleViolationError
from eventkit.params import begun
from eventkit.periods import require_started
from vc_contracts import CST
from vc_contracts.base import MAX_CLOCK_AHEAD


@pytest.mark.parametrize(
    ("server", "day"),
    [(datetime(2026, 12, 31, 23, 58, tzinfo=CST), date(2027, 1, 1)),
     (datetime(2027, 1, 1, 0, 0, tzinfo=CST) - MAX_CLOCK_AHEAD, date(2027, 1, 1)),
     (datetime(2027, 1, 1, 0, 0, tzinfo=CST) - MAX_CLOCK_AHEAD - timedelta(seconds=1), date(2026, 12, 31)),
     (datetime(2026, 12, 5, 1, 30, tzinfo=CST), date(2026, 12, 5))],
    ids=["last-minutes", "edge", "just-before", "any-hour"],
)  # fmt: skip
def test_the_phone_s_day_is_tomorrow_only_in_the_server_s_last_minutes(
    monkeypatch: pytest.MonkeyPatch, server: datetime, day: date
) -> None:
    monkeypatch.setattr(clock, "now_cst", lambda: server)
    assert phone_today_cst() == day


def test_at_23_58_of_31_december_the_new_year_has_begun_for_a_phone_not_the_one_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(clock, "now_cst", lambda: datetime(2026, 12, 31, 23, 58, tzinfo=CST))
    assert str(require_started("2027", phone_today_cst(), field="year")) == "2027"
    with pytest.raises(RuleViolationError, match="2028年尚未开始"):
        require_started("2028", phone_today_cst(), field="year")


def test_a_record_year_filter_of_the_new_year_is_taken_in_the_server_s_last_minutes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the unit page's lectures of the year (/ledger/entries?period=2027) and every `Begun…` parameter
    monkeypatch.setattr(clock, "now_cst", lambda: datetime(2026, 12, 31, 23, 58, tzinfo=CST))
    assert begun("period").func("2027") == "2027"
    with pytest.raises(RuleViolationError, match="2027Q2"):
        begun("period").func("2027Q2")
