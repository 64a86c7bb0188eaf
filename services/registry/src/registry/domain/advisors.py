"""Advisors: a person under a providing unit who may serve villages (R2); one stream each.

Status history: an advisor is active from registration; suspended or left from `changed_on`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import assert_never

from eventkit.decider import Decider
from eventkit.errors import ConflictError, RuleViolationError
from vc_contracts import Event
from vc_contracts.catalogue.enums import ADVISOR_STATUS_LABELS, AdvisorKind, AdvisorStatus
from vc_contracts.catalogue.registry import AdvisorRegistered, AdvisorStatusChanged

from registry.domain.units import Unit

LICENSED_KINDS = {AdvisorKind.lawyer, AdvisorKind.public_lawyer, AdvisorKind.legal_aid_lawyer}
STATUS_LABEL = ADVISOR_STATUS_LABELS


def advisor_stream(advisor_id: str) -> str:
    return f"advisor-{advisor_id}"


@dataclass(frozen=True)
class Advisor:
    advisor_id: str | None = None
    name: str | None = None
    unit_id: str | None = None
    phone: str | None = None
    status: AdvisorStatus = AdvisorStatus.active
    status_since: date | None = None

    @property
    def exists(self) -> bool:
        return self.advisor_id is not None


@dataclass(frozen=True)
class RegisterAdvisor:
    advisor_id: str
    name: str
    kind: AdvisorKind
    unit: Unit
    phone: str
    licence_no: str | None = None


@dataclass(frozen=True)
class ChangeAdvisorStatus:
    status: AdvisorStatus
    changed_on: date
    reason: str


Command = RegisterAdvisor | ChangeAdvisorStatus


def decide_advisor(state: Advisor, c: Command, now: datetime) -> list[Event]:
    match c:
        case RegisterAdvisor():
            return _register(state, c)
        case ChangeAdvisorStatus():
            return _change_status(state, c, now)
        case _:
            assert_never(c)


def _register(state: Advisor, c: RegisterAdvisor) -> list[Event]:
    if state.exists:
        if (state.name, state.unit_id) == (c.name, c.unit.unit_id):
            return []  # registering the same advisor again changes nothing
        raise ConflictError(f"顾问编号 {c.advisor_id} 已被使用", field="advisor_id")
    if not c.unit.exists:
        raise RuleViolationError("所属单位尚未登记", field="unit_id")
    if c.kind in LICENSED_KINDS and not c.licence_no:
        raise RuleViolationError("律师类顾问须填写17位执业证号", field="licence_no")
    return [
        AdvisorRegistered(
            advisor_id=c.advisor_id,
            name=c.name,
            kind=c.kind,
            unit_id=c.unit.unit_id or "",
            licence_no=c.licence_no,
            phone=c.phone,
        )
    ]


def _change_status(state: Advisor, c: ChangeAdvisorStatus, now: datetime) -> list[Event]:
    if not state.exists:
        raise RuleViolationError("法律顾问尚未登记", field="advisor_id")
    if c.status == state.status:
        raise ConflictError(f"该顾问当前已是“{STATUS_LABEL[c.status]}”状态", field="status")
    if c.changed_on > now.date():
        raise RuleViolationError("状态变更日期不能晚于今天", field="changed_on")
    if state.status_since and c.changed_on < state.status_since:
        raise RuleViolationError(f"状态变更日期早于上次变更日期 {state.status_since}", field="changed_on")
    return [
        AdvisorStatusChanged(
            advisor_id=state.advisor_id or "", status=c.status, changed_on=c.changed_on, reason=c.reason
        )
    ]


def evolve_advisor(state: Advisor, event: Event) -> Advisor:
    match event:
        case AdvisorRegistered():
            return Advisor(event.advisor_id, event.name, event.unit_id, event.phone)
        case AdvisorStatusChanged():
            return replace(state, status=event.status, status_since=event.changed_on)
    return state


advisors: Decider[Advisor, Command] = Decider(Advisor(), evolve_advisor, decide_advisor)
