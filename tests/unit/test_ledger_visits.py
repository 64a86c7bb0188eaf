"""Visits: the rules checked when an on-site visit is logged (pure)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from eventkit.errors import RuleViolationError
from ledger.domain.entries import Assignment, Facts, LogEntry, entries
from ledger.domain.kinds import Kind
from vc_contracts import CST
from vc_contracts.catalogue.ledger import VisitLogged

NOW = datetime(2025, 6, 1, 18, 0, tzinfo=CST)
ASSIGNED = Assignment("AS-1", "A-li", "U-firm", "621025100201")
START = datetime(2025, 6, 1, 9, 0, tzinfo=CST)


def visit(start: datetime = START, hours: float = 3, assignment: Assignment | None = ASSIGNED) -> LogEntry:
    details = {"place": "村委会", "summary": "法律咨询"}
    end = start + timedelta(hours=hours)
    return LogEntry("E-1", Kind.visit, "A-li", "621025100201", start, details, Facts(assignment), end)


def test_a_visit_by_the_assigned_advisor_is_logged_with_derived_hours() -> None:
    [event] = entries.decide(entries.initial, visit(hours=2.5), NOW)
    assert isinstance(event, VisitLogged)
    assert event.hours == 2.5 and event.unit_id == "U-firm" and event.occurred_at == START


def test_a_late_logged_visit_keeps_its_real_occurrence_date() -> None:
    old = datetime(2025, 1, 15, 9, 0, tzinfo=CST)
    [event] = entries.decide(entries.initial, visit(start=old), NOW)
    assert event.occurred_at == old


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (visit(assignment=None), "village_code"),
        (visit(assignment=Assignment("AS-9", "A-other", "U", "621025100201")), "village_code"),
        (visit(start=NOW - timedelta(hours=1), hours=2), "ended_at"),
        (visit(hours=13), "ended_at"),
        (visit(hours=-1), "ended_at"),
    ],
    ids=["not-assigned", "someone-else-assigned", "in-the-future", "longer-than-12h", "ends-before-start"],
)
def test_bad_visits_are_refused_with_the_field(command: LogEntry, field: str) -> None:
    with pytest.raises(RuleViolationError) as refused:
        entries.decide(entries.initial, command, NOW)
    assert refused.value.field == field
