"""The village committee queries (质疑) an entry with a reason (given/when/then).

Decided: only the entry's own village committee may query; not a voided, confirmed or already-queried
entry; the advisor's correction answers (clears) the query; the committee may still confirm a queried
entry, which withdraws the query."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from eventkit.errors import ConflictError, ForbiddenError, NotFoundError, RuleViolationError
from ledger.domain.entries import (
    Assignment,
    ConfirmEntry,
    CorrectEntry,
    Entry,
    Facts,
    LogEntry,
    QueryEntry,
    VoidEntry,
    entries,
)
from ledger.domain.kinds import Kind
from vc_contracts import CST, Event
from vc_contracts.catalogue.ledger import EntryConfirmed, EntryCorrected, EntryQueried

NOW = datetime(2025, 6, 1, 18, 0, tzinfo=CST)
V1, V2 = "621025100201", "621025100202"
LI = Assignment("AS-1", "A-li", "U-firm", V1, date(2025, 1, 1))
START = datetime(2025, 5, 20, 9, 0, tzinfo=CST)


def given(*commands: Any) -> Entry:
    state, events = entries.initial, []
    for command in commands:
        events += entries.decide(state, command, NOW)
        state = entries.fold(events)
    return state


def when(state: Entry, command: Any) -> list[Event]:
    return list(entries.decide(state, command, NOW))


VISIT = LogEntry(
    "E-1", Kind.visit, "A-li", V1, START, {"place": "村委会", "summary": "坐班"}, Facts(LI),
    START + timedelta(hours=3),
)  # fmt: skip
QUERY = QueryEntry("当天顾问不在村里", "committee-1", V1)
CORRECT = CorrectEntry({"ended_at": (START + timedelta(hours=2)).isoformat()}, "离开时间记错", Facts(LI))


def test_the_committee_queries_an_entry_of_its_village_with_the_reason() -> None:
    [event] = when(given(VISIT), QueryEntry("  当天顾问不在村里 ", "committee-1", V1))
    assert isinstance(event, EntryQueried)
    assert (event.entry_id, event.village_code, event.reason) == ("E-1", V1, "当天顾问不在村里")
    assert event.queried_by == "committee-1" and event.queried_at == NOW
    assert given(VISIT, QUERY).query == "当天顾问不在村里"


@pytest.mark.parametrize(
    ("given_", "command", "error"),
    [
        ((), QUERY, NotFoundError),
        ((VISIT,), QueryEntry("不属实", "committee-2", V2), ForbiddenError),
        ((VISIT,), QueryEntry("   ", "committee-1", V1), RuleViolationError),
        ((VISIT, VoidEntry("重复登记")), QUERY, ConflictError),
        ((VISIT, ConfirmEntry("committee-1", V1)), QUERY, ConflictError),
        ((VISIT, QUERY), QueryEntry("再问一次", "committee-1", V1), ConflictError),
    ],
    ids=["unknown-entry", "other-village", "blank-reason", "voided", "confirmed", "already-queried"],
)
def test_queries_that_are_refused(given_: tuple[Any, ...], command: QueryEntry, error: type) -> None:
    with pytest.raises(error):
        when(given(*given_), command)


def test_the_advisors_correction_answers_the_query_and_it_may_be_queried_again() -> None:
    [event] = when(given(VISIT, QUERY), CORRECT)
    assert isinstance(event, EntryCorrected)
    answered = given(VISIT, QUERY, CORRECT)
    assert answered.query is None
    [again] = when(answered, QueryEntry("时长仍不对", "committee-1", V1))
    assert isinstance(again, EntryQueried)


def test_a_queried_entry_may_still_be_confirmed_which_withdraws_the_query() -> None:
    [event] = when(given(VISIT, QUERY), ConfirmEntry("committee-1", V1))
    assert isinstance(event, EntryConfirmed)
    assert given(VISIT, QUERY, ConfirmEntry("committee-1", V1)).query is None


def test_a_queried_entry_may_be_voided_by_the_advisor() -> None:
    assert given(VISIT, QUERY, VoidEntry("确实未去")).voided
