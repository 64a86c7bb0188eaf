"""Due dates as data and which reports have missed theirs (pure; instants in +08:00).

A report is due by the end of its due day in China Standard Time: due 07-15 means it must be in
before 07-16 00:00 +08:00. Half-year H2 is due in January of the next year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import assert_never

from eventkit.decider import Decider
from vc_contracts import CST, Event
from vc_contracts.catalogue.enums import DeadlineKind
from vc_contracts.catalogue.reporting import DeadlineMissed

DEFAULT_DUE: dict[str, str] = {"H1": "07-15", "H2": "01-15", "annual": "12-31"}
"""Province defaults (MM-DD, CST): half-year ledger reports and the annual results report."""
DUE_KEYS = tuple(DEFAULT_DUE)


def due_day(kind: str, period: str, due: dict[str, str] | None = None) -> date:
    rules = {**DEFAULT_DUE, **(due or {})}
    year = int(period[:4])
    if kind == DeadlineKind.half_year_ledger:
        half = period[-2:]
        month, day = (int(p) for p in rules[half].split("-"))
        return date(year + 1 if half == "H2" else year, month, day)
    month, day = (int(p) for p in rules["annual"].split("-"))
    return date(year, month, day)


def due_at(kind: str, period: str, due: dict[str, str] | None = None) -> datetime:
    """The instant the deadline passes: 00:00 +08:00 after the due day."""
    day = due_day(kind, period, due) + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=CST)


def stream_id(kind: str, period: str, owner: str) -> str:
    return f"deadline:{kind}:{period}:{owner}"


@dataclass(frozen=True)
class RecordMiss:
    kind: DeadlineKind
    period: str
    unit_id: str | None
    division_code: str
    due_at: datetime
    submitted: bool


def decide(recorded: bool, command: RecordMiss, now: datetime) -> list[Event]:
    """Once per (owner, kind, period): only after the deadline passed and only if nothing came in."""
    match command:
        case RecordMiss():
            if recorded or command.submitted or now < command.due_at:
                return []
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
