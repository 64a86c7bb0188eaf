"""Logging an entry: every kind, and the rules checked with the facts the application hands in
(assignment on the day, the advisor's other on-site time), as given/when/then tables."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from eventkit.errors import AppError, ConflictError, RuleViolationError
from ledger.domain.entries import Assignment, Busy, Facts, LogEntry, entries
from ledger.domain.facts import on_day
from ledger.domain.kinds import Kind
from vc_contracts import CST
from vc_contracts.catalogue.ledger import ConsultationGiven, LectureHeld, VisitLogged

NOW = datetime(2025, 6, 1, 18, 0, tzinfo=CST)
V1, V2 = "621025100201", "621025100202"
LI = Assignment("AS-1", "A-li", "U-firm", V1, date(2025, 1, 1))
DAY = datetime(2025, 5, 20, 9, 0, tzinfo=CST)

DETAILS: dict[Kind, dict[str, Any]] = {
    Kind.visit: {"place": "村委会", "summary": "坐班"},
    Kind.lecture: {"topic": "民法典", "audience": 40, "co_organisers": ["普法与依法治理股"]},
    Kind.publicity: {"topic": "宪法日", "audience": 300},
    Kind.consultation: {"channel": "wechat", "category": "land", "outcome": "resolved", "summary": "确权"},
    Kind.mediation: {"parties": 3, "category": "neighbour", "outcome": "agreed", "summary": "宅基地"},
    Kind.document_review: {"document_kind": "contract", "title": "土地流转合同", "summary": "补充违约条款"},
}


ASSIGNED = Facts(LI)


def log(kind: Kind = Kind.visit, start: datetime = DAY, hours: float = 3, *, village: str = V1,
        facts: Facts = ASSIGNED, **details: Any) -> LogEntry:  # fmt: skip
    end = start + timedelta(hours=hours) if kind is Kind.visit else None
    return LogEntry("E-new", kind, "A-li", village, start, {**DETAILS[kind], **details}, facts, end)


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_of_entry_is_logged_with_the_unit_of_the_assignment(kind: Kind) -> None:
    [event] = entries.decide(entries.initial, log(kind), NOW)
    assert event.unit_id == "U-firm" and event.occurred_at == DAY  # type: ignore[attr-defined]


def test_a_wechat_consultation_keeps_its_channel_category_and_outcome() -> None:
    [event] = entries.decide(entries.initial, log(Kind.consultation), NOW)
    assert isinstance(event, ConsultationGiven) and event.channel == "wechat" and event.outcome == "resolved"


def test_a_late_logged_visit_keeps_its_real_occurrence_date() -> None:
    old = datetime(2024, 11, 5, 9, 0, tzinfo=CST)
    facts = Facts(Assignment("AS-0", "A-li", "U-firm", V1, date(2024, 1, 1)))
    [event] = entries.decide(entries.initial, log(start=old, facts=facts), NOW)
    assert isinstance(event, VisitLogged) and event.occurred_at == old and event.hours == 3


def test_a_visit_over_the_quarter_boundary_keeps_its_hours_and_its_plus_eight_times() -> None:
    start = datetime(2025, 3, 31, 22, 0, tzinfo=CST)
    [event] = entries.decide(entries.initial, log(start=start, hours=4), NOW)
    assert isinstance(event, VisitLogged) and event.hours == 4
    assert event.ended_at.isoformat() == "2025-04-01T02:00:00+08:00"


# -- reassignment on the day: the registry ends the old assignment the day before the new one starts --

OLD = Assignment("AS-old", "A-li", "U-firm", V1, date(2025, 1, 1), date(2025, 5, 19))
NEW = Assignment("AS-new", "A-wang", "U-office", V1, date(2025, 5, 20))


@pytest.mark.parametrize(
    ("advisor", "day", "expected"),
    [("A-wang", date(2025, 5, 20), ("AS-new", "AS-new")),
     ("A-li", date(2025, 5, 20), (None, "AS-new")),
     ("A-li", date(2025, 5, 19), ("AS-old", "AS-old")),
     ("A-wang", date(2025, 5, 19), (None, "AS-old"))],
    ids=["new-advisor-on-the-day", "old-advisor-on-the-day", "old-advisor-day-before",
         "new-advisor-too-early"],
)  # fmt: skip
def test_the_assignment_in_force_on_the_day_of_the_work_is_the_one_found(
    advisor: str, day: date, expected: tuple[str | None, str]
) -> None:
    own, holder = on_day([OLD, NEW], advisor, day)
    assert (own.assignment_id if own else None, holder.assignment_id if holder else None) == expected


def test_the_old_advisor_is_refused_on_the_day_of_the_reassignment_and_told_who_serves() -> None:
    """The refusal names people and the village (the code in brackets, as a unit's file carries it),
    never the registry's internal assignment id."""
    own, holder = on_day([OLD, NEW], "A-li", DAY.date())
    names = {"advisor:A-wang": "王建国", "advisor:A-li": "李海燕", f"division:{V1}": "山河东村"}
    with pytest.raises(RuleViolationError) as refused:
        entries.decide(entries.initial, log(facts=Facts(own, holder, names=names)), NOW)
    message = refused.value.message
    assert refused.value.field == "village_code"
    assert "在岗顾问是王建国（A-wang）" in message and f"山河东村（{V1}）" in message and "李海燕" in message
    assert "AS-" not in message and "指派 " not in message


def test_the_new_advisors_visit_on_that_day_counts_for_the_new_unit() -> None:
    own, holder = on_day([OLD, NEW], "A-wang", DAY.date())
    command = LogEntry("E-w", Kind.visit, "A-wang", V1, DAY, DETAILS[Kind.visit], Facts(own, holder),
                       DAY + timedelta(hours=2))  # fmt: skip
    [event] = entries.decide(entries.initial, command, NOW)
    assert event.advisor_id == "A-wang" and event.unit_id == "U-office"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("command", "error", "field", "words"),
    [
        (log(facts=Facts()), RuleViolationError, "village_code", "未被指派"),
        (log(start=NOW - timedelta(hours=1), hours=2), RuleViolationError, "ended_at", "尚未发生"),
        (log(Kind.lecture, start=NOW + timedelta(minutes=10)), RuleViolationError, "occurred_at", "尚未发生"),
        (log(hours=12.5), RuleViolationError, "ended_at", "12 小时"),
        (log(hours=0), RuleViolationError, "ended_at", "晚于开始时间"),
        (log(Kind.lecture, audience=5001), RuleViolationError, "audience", "5000"),
        (log(Kind.mediation, parties=51), RuleViolationError, "parties", "50"),
        (log(Kind.lecture, topic=""), RuleViolationError, "topic", "主题"),
    ],
    ids=["not-assigned", "visit-in-future", "lecture-in-future", "too-long", "zero-length", "audience",
         "parties", "empty-topic"],
)  # fmt: skip
def test_bad_entries_are_refused_with_the_field_and_the_limit(
    command: LogEntry, error: type[AppError], field: str, words: str
) -> None:
    with pytest.raises(error) as refused:
        entries.decide(entries.initial, command, NOW)
    assert refused.value.field == field and words in refused.value.message


def test_an_entry_cannot_be_logged_twice() -> None:
    state = entries.fold(entries.decide(entries.initial, log(), NOW))
    with pytest.raises(ConflictError):
        entries.decide(state, log(), NOW)


def _busy(village: str, start_hour: float, end_hour: float | None = None, kind: str = "visit") -> Busy:
    start = DAY.replace(hour=0) + timedelta(hours=start_hour)
    end = DAY.replace(hour=0) + timedelta(hours=end_hour) if end_hour is not None else start
    return Busy("E-old", village, start, end, kind)


@pytest.mark.parametrize(
    ("kind", "village", "busy", "clash"),
    [
        (Kind.visit, V1, _busy(V2, 10, 13), True),  # 9-12 here, 10-13 elsewhere
        (Kind.visit, V1, _busy(V1, 11, 14), True),  # the same visit logged twice
        (Kind.visit, V1, _busy(V2, 12, 14), False),  # back to back
        (Kind.visit, V1, _busy(V2, 10, kind="lecture"), True),  # a lecture elsewhere during the visit
        (Kind.visit, V1, _busy(V1, 10, kind="lecture"), False),  # a lecture here during the visit
        (Kind.lecture, V1, _busy(V2, 8, 10), True),  # lecture at 9 while on site elsewhere 8-10
        (Kind.lecture, V1, _busy(V1, 8, 10), False),  # lecture at 9 during a visit to the same village
        (Kind.consultation, V1, _busy(V2, 8, 10), False),  # a WeChat answer needs no presence
        (Kind.document_review, V1, _busy(V2, 8, 10), False),
    ],
    ids=["visit-vs-visit-elsewhere", "visit-twice", "back-to-back", "lecture-elsewhere-during-visit",
         "lecture-here-during-visit", "lecture-during-visit-elsewhere", "lecture-during-visit-here",
         "wechat", "document-review"],
)  # fmt: skip
def test_one_advisor_is_never_on_site_in_two_villages_at_once(
    kind: Kind, village: str, busy: Busy, clash: bool
) -> None:
    facts = Facts(Assignment("AS-1", "A-li", "U-firm", village, date(2025, 1, 1)), busy=(busy,))
    command = log(kind, village=village, facts=facts)
    if not clash:
        assert entries.decide(entries.initial, command, NOW)
        return
    with pytest.raises(ConflictError) as refused:
        entries.decide(entries.initial, command, NOW)
    assert "E-old" in refused.value.message and refused.value.status == 409


def test_an_on_site_consultation_during_a_visit_elsewhere_clashes() -> None:
    facts = Facts(LI, busy=(_busy(V2, 8, 10),))
    with pytest.raises(ConflictError):
        entries.decide(entries.initial, log(Kind.consultation, facts=facts, channel="on_site"), NOW)


def test_a_lecture_keeps_its_co_organisers() -> None:
    [event] = entries.decide(entries.initial, log(Kind.lecture), NOW)
    assert isinstance(event, LectureHeld) and event.co_organisers == ["普法与依法治理股"]
