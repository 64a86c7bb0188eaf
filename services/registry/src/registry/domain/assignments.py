"""Who serves which village, when: one stream per village, so a reassignment is atomic.

Invariant: a village has at most one responsible advisor on any day, and the history of
who served from when to when is kept (never overwritten). A new on-site schedule for the same
advisor is a reassignment too (the old term ends, a new one starts), so the schedule shown to
residents on any past day stays answerable.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import assert_never

from eventkit.decider import Decider
from eventkit.errors import ConflictError, RuleViolationError
from vc_contracts import Event
from vc_contracts.catalogue.enums import AdvisorStatus, DivisionLevel
from vc_contracts.catalogue.registry import AdvisorAssigned, AssignmentEnded

from registry.domain.advisors import Advisor
from registry.domain.divisions import Division
from registry.domain.vetting import require_approved

VILLAGE_LEVELS = {DivisionLevel.village, DivisionLevel.community}


def stream_id(village_code: str) -> str:
    return f"assignments-{village_code}"


@dataclass(frozen=True)
class Term:
    """One advisor's term of service in a village: [valid_from, valid_to] in +08:00 days."""

    assignment_id: str
    advisor_id: str
    unit_id: str
    valid_from: date
    valid_to: date | None = None  # inclusive; None while current
    schedule: str = ""

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class VillageAssignments:
    village_code: str = ""
    history: tuple[Term, ...] = ()

    @property
    def current(self) -> Term | None:
        return next((p for p in reversed(self.history) if p.valid_to is None), None)

    def as_of(self, day: date) -> Term | None:
        return next((p for p in self.history if p.covers(day)), None)


@dataclass(frozen=True)
class AssignAdvisor:
    assignment_id: str
    village: Division
    advisor: Advisor
    valid_from: date
    schedule: str
    reason: str = "人员调整"
    serving: Advisor | None = None  # the advisor of the last term, for naming them in a refusal


@dataclass(frozen=True)
class EndAssignment:
    valid_to: date
    reason: str


Command = AssignAdvisor | EndAssignment


def decide(state: VillageAssignments, command: Command, now: datetime) -> list[Event]:
    match command:
        case AssignAdvisor():
            return _assign(state, command)
        case EndAssignment():
            current = state.current
            if current is None:
                raise ConflictError("该村（社区）当前没有在岗法律顾问", field="valid_to")
            if command.valid_to < current.valid_from:
                raise RuleViolationError("结束日期早于开始日期", field="valid_to")
            return [_ended(current, command.valid_to, command.reason, state)]
        case _:
            assert_never(command)


def require_village(village: Division) -> None:
    """Only a registered village or community is assigned an advisor (also checked by the roster
    import on a row whose other cells did not read)."""
    if not village.exists or village.level not in VILLAGE_LEVELS:
        raise RuleViolationError("只能为已登记的村或社区指派法律顾问", field="village_code")


def _assign(state: VillageAssignments, c: AssignAdvisor) -> list[Event]:
    village_code = c.village.code or ""
    known = next((p for p in state.history if p.assignment_id == c.assignment_id), None)
    if known is not None:
        if (known.advisor_id, known.valid_from, known.schedule) == (
            c.advisor.advisor_id,
            c.valid_from,
            c.schedule,
        ):
            return []  # the same assignment again (e.g. a re-imported roster row) changes nothing
        raise ConflictError(f"指派编号 {c.assignment_id} 已被使用", field="assignment_id")
    require_village(c.village)
    if not c.advisor.exists:
        raise RuleViolationError("法律顾问尚未登记", field="advisor_id")
    require_approved([(c.advisor.advisor_id or "", c.advisor.name, c.advisor.vetting)], "advisor_id")
    if c.advisor.status != AdvisorStatus.active:
        raise RuleViolationError("该法律顾问当前不在岗，不能指派", field="advisor_id")
    last = state.history[-1] if state.history else None
    if last and (c.valid_from <= last.valid_from or (last.valid_to and c.valid_from <= last.valid_to)):
        raise ConflictError(
            f"与已有任期重叠：{last.valid_from} 起已由顾问 {_named(last.advisor_id, c.serving)} 负责",
            field="valid_from",
        )
    events: list[Event] = []
    current = state.current
    if current is not None:
        if (current.advisor_id, current.schedule) == (c.advisor.advisor_id, c.schedule):
            raise ConflictError("该顾问已在此村（社区）任职，驻点时间相同", field="advisor_id")
        events.append(_ended(current, c.valid_from - timedelta(days=1), c.reason, state))
    events.append(
        AdvisorAssigned(
            assignment_id=c.assignment_id,
            village_code=village_code,
            advisor_id=c.advisor.advisor_id or "",
            unit_id=c.advisor.unit_id or "",
            valid_from=c.valid_from,
            schedule=c.schedule,
        )
    )
    return events


def _named(advisor_id: str, serving: Advisor | None) -> str:
    """The advisor's name with the id in brackets; the bare id when the name is not at hand."""
    if serving is not None and serving.advisor_id == advisor_id and serving.name:
        return f"{serving.name}（{advisor_id}）"
    return advisor_id


def _ended(current: Term, valid_to: date, reason: str, state: VillageAssignments) -> AssignmentEnded:
    return AssignmentEnded(
        assignment_id=current.assignment_id,
        village_code=state.village_code,
        advisor_id=current.advisor_id,
        valid_to=valid_to,
        reason=reason,
    )


def evolve(state: VillageAssignments, event: Event) -> VillageAssignments:
    match event:
        case AdvisorAssigned():
            term = Term(
                event.assignment_id,
                event.advisor_id,
                event.unit_id,
                event.valid_from,
                schedule=event.schedule,
            )
            return replace(state, village_code=event.village_code, history=(*state.history, term))
        case AssignmentEnded():
            history = tuple(
                replace(p, valid_to=event.valid_to) if p.assignment_id == event.assignment_id else p
                for p in state.history
            )
            return replace(state, history=history)
    return state


assignments: Decider[VillageAssignments, Command] = Decider(VillageAssignments(), evolve, decide)
