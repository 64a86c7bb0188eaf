"""Ledger entry aggregate: one stream per piece of work (一次一记), never edited in place.

Rules checked when an entry is logged (all facts arrive in the command; no I/O here):
- the advisor was assigned to that village on the day the work happened;
- nothing is logged in the future;
- an on-site visit lasts more than 0 and at most MAX_VISIT_HOURS hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import assert_never

from eventkit.decider import Decider
from eventkit.errors import ConflictError, RuleViolationError
from vc_contracts import Event
from vc_contracts.catalogue.ledger import VisitLogged

MAX_VISIT_HOURS = 12


def stream_id(entry_id: str) -> str:
    return f"entry-{entry_id}"


@dataclass(frozen=True)
class Assignment:
    """The registry assignment in force on the day of the work, as the ledger's read model knows it."""

    assignment_id: str
    advisor_id: str
    unit_id: str
    village_code: str


@dataclass(frozen=True)
class Entry:
    entry_id: str | None = None
    kind: str | None = None
    village_code: str | None = None
    voided: bool = False

    @property
    def exists(self) -> bool:
        return self.entry_id is not None


@dataclass(frozen=True)
class LogVisit:
    entry_id: str
    advisor_id: str
    village_code: str
    started_at: datetime
    ended_at: datetime
    place: str
    summary: str
    assignment: Assignment | None
    client_entry_id: str | None = None
    note: str = ""


Command = LogVisit


def decide(state: Entry, command: Command, now: datetime) -> list[Event]:
    match command:
        case LogVisit():
            return _log_visit(state, command, now)
        case _:
            assert_never(command)


def _require_assignment(c: LogVisit) -> Assignment:
    if c.assignment is None or c.assignment.advisor_id != c.advisor_id:
        raise RuleViolationError(
            f"{c.started_at.date()} 当天您未被指派到村（社区）{c.village_code}，不能登记该村的工作",
            field="village_code",
        )
    return c.assignment


def _log_visit(state: Entry, c: LogVisit, now: datetime) -> list[Event]:
    if state.exists:
        raise ConflictError(f"台账记录 {c.entry_id} 已存在", field="entry_id")
    if c.ended_at <= c.started_at:
        raise RuleViolationError("结束时间须晚于开始时间", field="ended_at")
    if c.ended_at > now:
        raise RuleViolationError("不能登记尚未发生的工作（结束时间晚于当前时间）", field="ended_at")
    hours = (c.ended_at - c.started_at).total_seconds() / 3600
    if hours > MAX_VISIT_HOURS:
        raise RuleViolationError(
            f"单次驻点时长不能超过 {MAX_VISIT_HOURS} 小时（本次 {hours:.1f} 小时）", field="ended_at"
        )
    assignment = _require_assignment(c)
    return [
        VisitLogged(
            entry_id=c.entry_id,
            client_entry_id=c.client_entry_id,
            advisor_id=c.advisor_id,
            unit_id=assignment.unit_id,
            village_code=c.village_code,
            occurred_at=c.started_at,
            note=c.note,
            started_at=c.started_at,
            ended_at=c.ended_at,
            hours=round(hours, 2),
            place=c.place,
            summary=c.summary,
        )
    ]


def evolve(state: Entry, event: Event) -> Entry:
    match event:
        case VisitLogged():
            return Entry(event.entry_id, "visit", event.village_code)
    return state


entries: Decider[Entry, Command] = Decider(Entry(), evolve, decide)
