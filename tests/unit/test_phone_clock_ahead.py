"""A phone whose clock runs a few minutes ahead of the server's logs work "now" with its own time:
at 00:01 on the phone (the server still at 23:58 the day before) a consultation logged from the phone
page was refused as 不能登记尚未发生的工作, though it had just happened. Within MAX_CLOCK_AHEAD it is
taken with the phone's time; beyond, the refusal names both times and the clock."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from eventkit.errors import RuleViolationError
from ledger.domain.entries import Assignment, Facts, LogEntry, entries
from ledger.domain.kinds import Kind
from vc_contracts import CST
from vc_contracts.base import MAX_CLOCK_AHEAD
from vc_contracts.catalogue.ledger import ConsultationGiven, VisitLogged

SERVER = datetime(2026, 12, 31, 23, 58, tzinfo=CST)  # the server's now, the year's last minutes
V1 = "621025100201"
FACTS = Facts(Assignment("AS-1", "A-li", "U-firm", V1, date(2026, 1, 1)))
CONSULTATION = {"channel": "on_site", "category": "land", "outcome": "resolved", "summary": "确权"}
VISIT = {"place": "村委会", "summary": "坐班"}


def _consultation(at: datetime) -> LogEntry:
    return LogEntry("E-c", Kind.consultation, "A-li", V1, at, CONSULTATION, FACTS, None)


def test_a_consultation_at_the_phone_s_00_01_is_taken_with_its_time() -> None:
    phone = datetime(2027, 1, 1, 0, 1, tzinfo=CST)
    [event] = entries.decide(entries.initial, _consultation(phone), SERVER)
    assert isinstance(event, ConsultationGiven) and event.occurred_at == phone


def test_a_visit_ending_at_the_phone_s_now_is_taken() -> None:
    end = SERVER + MAX_CLOCK_AHEAD
    command = LogEntry("E-v", Kind.visit, "A-li", V1, end - timedelta(hours=2), VISIT, FACTS, end)
    [event] = entries.decide(entries.initial, command, SERVER)
    assert isinstance(event, VisitLogged) and event.ended_at == end


@pytest.mark.parametrize(
    ("server", "at", "shown"),
    [(SERVER, datetime(2027, 1, 1, 0, 10, tzinfo=CST),
      "发生时间 2027-01-01 00:10 晚于当前时间 2026-12-31 23:58"),
     (SERVER - timedelta(hours=1), SERVER + timedelta(minutes=1), "发生时间 23:59 晚于当前时间 22:58")],
    ids=["next-day", "same-day"],
)  # fmt: skip
def test_beyond_the_skew_the_refusal_names_both_times_and_the_phone_s_clock(
    server: datetime, at: datetime, shown: str
) -> None:
    with pytest.raises(RuleViolationError) as refused:
        entries.decide(entries.initial, _consultation(at), server)
    message = refused.value.message
    assert refused.value.field == "occurred_at" and "尚未发生" in message, message
    assert f"（{shown}）" in message and "手机时间" in message, message
