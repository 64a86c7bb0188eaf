"""Due dates as data and which reports have missed theirs (pure; instants in +08:00).

A report is due by the end of its due day in China Standard Time: due 07-15 means it must be in
before 07-16 00:00 +08:00. A due day is the first MM-DD on or after the period's last day, so it
can never fall before the period is over: H2 due 01-15 is January of the next year, and so is an
annual report due 01-31. A miss can only be recorded once the deadline passed: earlier, for a
period still running or a deadline still ahead, recording it is refused (422), never silently kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import assert_never

from eventkit.decider import Decider
from eventkit.errors import RuleViolationError
from eventkit.periods import Period, PeriodKind, parse_period
from vc_contracts import CST, Event
from vc_contracts.catalogue.assessment import ComplianceRulesSet
from vc_contracts.catalogue.enums import DeadlineKind
from vc_contracts.catalogue.reporting import DeadlineMissed
from vc_contracts.month_days import day_in
from vc_contracts.rules import rule_at_deadline

DEFAULT_DUE: dict[str, str] = {"H1": "07-15", "H2": "01-15", "annual": "12-31"}
"""Province defaults (MM-DD, CST): half-year ledger reports and the annual results report."""
DUE_KEYS = tuple(DEFAULT_DUE)


def last_day(kind: str, period: str) -> date:
    """The period's last day: 06-30 for H1, 12-31 for H2 and for the year."""
    reported = parse_period(period)
    if kind == DeadlineKind.half_year_ledger and reported.kind is PeriodKind.half:
        return reported.last_day
    return Period(reported.year, PeriodKind.year).last_day


def due_day(kind: str, period: str, due: dict[str, str] | None = None) -> date:
    """The first day on or after the period's last day matching the due MM-DD (county rule, else default)."""
    rules = {**DEFAULT_DUE, **(due or {})}
    key = period[-2:] if kind == DeadlineKind.half_year_ledger else "annual"
    end = last_day(kind, period)
    candidate = day_in(end.year, rules[key])  # a recorded 02-29 is 02-28 in a common year
    return candidate if candidate >= end else day_in(end.year + 1, rules[key])


def due_days(rules: ComplianceRulesSet) -> dict[str, str]:
    """A rule set's report due days, keyed as `DEFAULT_DUE`."""
    h1, h2 = rules.half_year_report_due
    return {"H1": h1, "H2": h2, "annual": rules.annual_report_due}


def due_rule(
    county: str, kind: str, period: str, rule_sets: Iterable[ComplianceRulesSet]
) -> ComplianceRulesSet:
    """The rule set that sets the county's due day of `kind` for `period`: the one already in force
    on the due day it sets itself (`vc_contracts.rules.rule_at_deadline`, as a filing deadline is)."""
    return rule_at_deadline(county, rule_sets, lambda r: due_day(kind, period, due_days(r)))


def due_at(kind: str, period: str, due: dict[str, str] | None = None) -> datetime:
    """The instant the deadline passes: 00:00 +08:00 after the due day."""
    day = due_day(kind, period, due) + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=CST)


def missed(
    deadline: datetime, now: datetime, *, submitted_at: datetime | None, registered_at: datetime | None
) -> bool:
    """Whether an owner missed `deadline` (the instant it passed, `due_at`) as of `now`: the deadline
    passed, nothing came in before it, and the owner was registered before it. A unit registered
    after a period's deadline never owed that period's report (registered 2026-12-02: not overdue
    for 2026H1, due 07-15); `registered_at` None (a county, or a unit known before the date was kept)
    owed it. All instants tz-aware."""
    if now < deadline or (submitted_at is not None and submitted_at < deadline):
        return False
    return registered_at is None or registered_at < deadline


def last_due_day(deadline: datetime) -> date:
    """The due day of a deadline instant (`due_at`, 00:00 +08:00 after it): 2026-07-16 00:00 → 07-15.
    What people are shown: the rule's day, never the instant after it."""
    return (deadline.astimezone(CST) - timedelta(days=1)).date()


def shown_deadline(deadline: datetime) -> str:
    """A deadline as the pages and messages write it: '2026-07-15 24:00' (the due day's end, +08:00)."""
    return f"{last_due_day(deadline).isoformat()} 24:00"


def stream_id(kind: str, period: str, owner: str) -> str:
    return f"deadline:{kind}:{period}:{owner}"


class DeadlineNotPassedError(RuleViolationError):
    """Recording a miss before the deadline passed."""

    def __init__(self, period: str, due_at: datetime) -> None:
        shown = shown_deadline(due_at)  # the due day, as the page shows it (not 07-16 00:00)
        super().__init__(
            f"期间 {period} 的报送截止时间 {shown}（北京时间）尚未到，不能记录逾期", field="period"
        )


@dataclass(frozen=True)
class RecordMiss:
    kind: DeadlineKind
    period: str
    unit_id: str | None
    division_code: str
    due_at: datetime
    submitted: bool


def decide(recorded: bool, command: RecordMiss, now: datetime) -> list[Event]:
    """Once per (owner, kind, period): only after the deadline passed and only if nothing came in.

    Raises RuleViolationError (422) before the deadline: a miss for a period still running (or a
    deadline still ahead) is refused.
    """
    match command:
        case RecordMiss():
            if recorded or command.submitted:
                return []
            if now < command.due_at:
                raise DeadlineNotPassedError(command.period, command.due_at)
            owner = command.unit_id or command.division_code
            return [
                DeadlineMissed(
                    deadline_id=stream_id(command.kind, command.period, owner),
                    kind=command.kind,
                    period=command.period,
                    unit_id=command.unit_id,
                    division_code=command.division_code,
                    due_at=command.due_at,
                )
            ]
        case _:
            assert_never(command)


def evolve(recorded: bool, event: Event) -> bool:
    return recorded or isinstance(event, DeadlineMissed)


misses: Decider[bool, RecordMiss] = Decider(False, evolve, decide)
