"""Confirm, correct and void: new events on an entry's stream, nothing edited (given/when/then)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from eventkit.errors import AppError, ConflictError, ForbiddenError, NotFoundError, RuleViolationError
from eventkit.periods import split_seconds_by_quarter
from ledger.domain.entries import (
    Assignment,
    Busy,
    ConfirmEntry,
    CorrectEntry,
    Entry,
    Facts,
    LogEntry,
    VoidEntry,
    entries,
)
from ledger.domain.kinds import Kind
from vc_contracts import CST, Event
from vc_contracts.catalogue.ledger import EntryConfirmed, EntryCorrected, EntryVoided

NOW = datetime(2025, 6, 1, 18, 0, tzinfo=CST)
V1, V2 = "621025100201", "621025100202"
LI = Assignment("AS-1", "A-li", "U-firm", V1, date(2025, 1, 1))
LATE_MARCH = datetime(2025, 3, 31, 20, 0, tzinfo=CST)


def given(*commands: Any) -> Entry:
    state, events = entries.initial, []
    for command in commands:
        new = entries.decide(state, command, NOW)
        events += new
        state = entries.fold(events)
    return state


def when(state: Entry, command: Any) -> list[Event]:
    return list(entries.decide(state, command, NOW))


def visit(start: datetime = LATE_MARCH, hours: float = 3) -> LogEntry:
    details = {"place": "村委会", "summary": "坐班"}
    return LogEntry("E-1", Kind.visit, "A-li", V1, start, details, Facts(LI), start + timedelta(hours=hours))


def lecture() -> LogEntry:
    details = {"topic": "民法典", "audience": 30}
    return LogEntry("E-2", Kind.lecture, "A-li", V1, LATE_MARCH, details, Facts(LI))


def at(text: str) -> str:
    return datetime.fromisoformat(text).replace(tzinfo=CST).isoformat()


def test_a_correction_that_moves_a_visit_into_the_next_quarter_carries_the_whole_new_span() -> None:
    state = given(visit())
    new = {"started_at": at("2025-04-01T09:00"), "ended_at": at("2025-04-01T12:00")}
    [event] = when(state, CorrectEntry(new, "日期记错", Facts(LI)))
    assert isinstance(event, EntryCorrected) and event.reason == "日期记错"
    assert set(event.changes) == {"started_at", "ended_at", "occurred_at", "hours"}
    before = split_seconds_by_quarter(LATE_MARCH, LATE_MARCH + timedelta(hours=3))
    after = split_seconds_by_quarter(
        datetime.fromisoformat(event.changes["started_at"]), datetime.fromisoformat(event.changes["ended_at"])
    )
    assert before == {"2025Q1": 10800} and after == {"2025Q2": 10800}


def test_correcting_only_the_end_still_carries_the_start_and_the_recomputed_hours() -> None:
    state = given(visit())
    [event] = when(state, CorrectEntry({"ended_at": at("2025-03-31T22:00")}, "提前离开"))
    assert event.changes["hours"] == 2.0 and event.changes["started_at"] == LATE_MARCH.isoformat()  # type: ignore[attr-defined]


def test_a_corrected_visit_that_crosses_the_quarter_boundary_splits_at_midnight_plus_eight() -> None:
    state = given(visit())
    [event] = when(state, CorrectEntry({"ended_at": at("2025-04-01T01:30")}, "实际服务至凌晨"))
    changes = event.changes  # type: ignore[attr-defined]
    split = split_seconds_by_quarter(datetime.fromisoformat(changes["started_at"]),
                                   datetime.fromisoformat(changes["ended_at"]))  # fmt: skip
    assert changes["hours"] == 5.5 and split == {"2025Q1": 14400, "2025Q2": 5400}


def test_the_state_after_a_correction_has_the_new_values_and_the_confirmation_lapses() -> None:
    confirmed = given(visit(), ConfirmEntry("committee", V1))
    assert confirmed.confirmed
    shorter = CorrectEntry({"ended_at": at("2025-03-31T22:00")}, "提前离开")
    state = given(visit(), ConfirmEntry("committee", V1), shorter)
    assert not state.confirmed and state.data["hours"] == 2.0


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [
        ({"village_code": V2}, RuleViolationError, "changes.village_code"),
        ({"advisor_id": "A-wang"}, RuleViolationError, "changes.advisor_id"),
        ({"hours": 8}, RuleViolationError, "changes.hours"),
        # a visit's occurred_at is its started_at: the field the correction sent
        ({"started_at": at("2024-12-31T20:00"), "ended_at": at("2024-12-31T22:00")}, RuleViolationError,
         "changes.started_at"),
        ({"ended_at": at("2025-04-01T09:00")}, RuleViolationError, "changes.ended_at"),
        ({"ended_at": at("2025-06-02T09:00")}, RuleViolationError, "changes.ended_at"),
        ({"place": "村委会"}, RuleViolationError, "changes"),
        ({}, RuleViolationError, "changes"),
        ({"ended_at": "明天"}, RuleViolationError, "changes.ended_at"),
        # a number is no time: read as Unix time it was 2025-02-20 05:20 +08:00
        ({"started_at": 1740000000}, RuleViolationError, "changes.started_at"),
        ({"ended_at": "1743400000"}, RuleViolationError, "changes.ended_at"),
        ({"ended_at": True}, RuleViolationError, "changes.ended_at"),
        ({"place": ""}, RuleViolationError, "changes.place"),
        ({"summary": "答" * 2001}, RuleViolationError, "changes.summary"),
    ],
    ids=["village", "advisor", "derived-hours", "other-year", "too-long", "future", "no-change", "empty",
         "garbage", "unix-number", "unix-text", "bool", "empty-place", "long-summary"],
)  # fmt: skip
def test_corrections_that_break_a_rule_are_refused(
    changes: dict[str, Any], error: type[AppError], field: str
) -> None:
    with pytest.raises(error) as refused:
        when(given(visit()), CorrectEntry(changes, "原因"))
    assert refused.value.field == field


@pytest.mark.parametrize(
    "changes", [{}, {"place": "村委会"}, {"summary": "坐班"}, {"ended_at": at("2025-03-31T23:00")}]
)
def test_a_correction_that_changes_nothing_says_so_whether_sent_empty_or_equal(
    changes: dict[str, Any],
) -> None:
    # given a visit, when a correction sends nothing, or only what the entry holds, then one answer
    with pytest.raises(RuleViolationError) as refused:
        when(given(visit()), CorrectEntry(changes, "原因"))
    assert (refused.value.field, refused.value.message) == ("changes", "更正内容与原记录相同，无需更正")


def test_a_correction_to_another_day_needs_the_assignment_of_that_day() -> None:
    moved = {"started_at": at("2025-03-30T09:00"), "ended_at": at("2025-03-30T11:00")}
    with pytest.raises(RuleViolationError) as refused:
        when(given(visit()), CorrectEntry(moved, "日期记错", Facts(None)))
    # the village cannot be corrected: the time that moved the entry to that day is what to change
    assert refused.value.field == "changes.started_at"


def test_a_corrected_time_is_checked_against_the_advisors_other_visits() -> None:
    other = Busy("E-9", V2, datetime(2025, 3, 31, 8, 0, tzinfo=CST), datetime(2025, 3, 31, 10, 0, tzinfo=CST))
    moved = {"started_at": at("2025-03-31T09:00"), "ended_at": at("2025-03-31T11:00")}
    with pytest.raises(ConflictError):
        when(given(visit()), CorrectEntry(moved, "时间记错", Facts(LI, busy=(other,))))


@pytest.mark.parametrize(
    ("audience", "words"),
    [("45", "须为数字"), (True, "true 或 false"), (45.0, "须为整数"), (4.5e1, "须为整数")],
)
def test_a_corrected_number_of_another_json_type_is_refused_not_converted(
    audience: object, words: str
) -> None:
    # `"audience": "45"` was corrected to 45, `4.5e1` too: the request bodies' rule (eventkit.json_numbers)
    with pytest.raises(RuleViolationError) as refused:
        when(given(lecture()), CorrectEntry({"audience": audience}, "签到表复核"))
    assert refused.value.field == "changes.audience"
    assert words in refused.value.message, refused.value.message


def test_a_lecture_audience_correction_records_only_what_changed() -> None:
    [event] = when(given(lecture()), CorrectEntry({"audience": 45}, "签到表复核"))
    assert event.changes == {"audience": 45}  # type: ignore[attr-defined]


def test_a_void_keeps_the_entry_visible_and_stops_further_changes() -> None:
    [event] = when(given(visit()), VoidEntry("重复登记"))
    assert isinstance(event, EntryVoided) and event.reason == "重复登记"
    voided = given(visit(), VoidEntry("重复登记"))
    assert voided.voided and voided.exists
    for command in (VoidEntry("再次"), ConfirmEntry("committee", V1), CorrectEntry({"audience": 1}, "x")):
        with pytest.raises(ConflictError):
            when(voided, command)


@pytest.mark.parametrize(
    ("state", "command", "error"),
    [
        (Entry(), ConfirmEntry("committee", V1), NotFoundError),
        (None, ConfirmEntry("committee", V2), ForbiddenError),
        (None, VoidEntry("  "), RuleViolationError),
    ],
    ids=["unknown-entry", "other-village-committee", "void-without-reason"],
)
def test_confirmations_and_voids_that_are_not_allowed(state: Entry | None, command: Any, error: type) -> None:
    with pytest.raises(error):
        when(state or given(visit()), command)


def test_the_committee_confirms_once() -> None:
    [event] = when(given(visit()), ConfirmEntry("committee-1", V1))
    assert isinstance(event, EntryConfirmed) and event.confirmed_on == NOW.date()
    with pytest.raises(ConflictError):
        when(given(visit(), ConfirmEntry("committee-1", V1)), ConfirmEntry("committee-1", V1))


@pytest.mark.parametrize(
    "key",
    ["x\u202ey", "a" * 3000, "<b>\u0000", "summary\u200b", "attendees"],
    ids=["bidi", "long", "nul", "zero-width", "unknown"],
)
def test_a_correction_naming_no_field_of_any_entry_says_so_without_repeating_the_key(key: str) -> None:
    # given a visit, when a correction sends a key no entry has, then the reason is the request
    # bodies' own (不认识的字段，请删除) and the message never repeats the key: it said
    # 「x<U+202E>y」不能更正, a U+202E, a NUL or 3,000 characters of the caller's text in a sentence
    with pytest.raises(RuleViolationError) as refused:
        when(given(visit()), CorrectEntry({key: "v"}, "原因"))
    assert refused.value.field == f"changes.{key}"
    assert key not in refused.value.message
    assert "不认识的字段，请删除" in refused.value.message


def test_a_correction_naming_a_field_of_another_kind_names_it_in_chinese() -> None:
    # a lecture's audience on a visit: a field the ledger knows, so its label says which one
    with pytest.raises(RuleViolationError) as refused:
        when(given(visit()), CorrectEntry({"audience": 3}, "原因"))
    assert (refused.value.field, refused.value.message) == ("changes.audience", "「参加人数」不能更正")
