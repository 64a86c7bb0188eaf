"""Advisors: a person under a providing unit who may serve villages (R2); one stream each.

Status history: an advisor is active from registration; suspended or left from `changed_on`.
Vetting (see vetting.py for the rules and why existing advisors count as approved): a unit nominates
(`AdvisorNominated`, pending); the county section approves (`AdvisorApproved` then
`AdvisorRegistered`, which puts the advisor on the roster) or rejects with a reason
(`AdvisorRejected`); a rejected nominee may be nominated again. A stream that starts with
`AdvisorRegistered` (the county's own registration or roster import) is approved.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import assert_never

from eventkit.decider import Decider
from eventkit.errors import ConflictError, RuleViolationError
from vc_contracts import Event
from vc_contracts.catalogue.enums import ADVISOR_STATUS_LABELS, AdvisorKind, AdvisorStatus, AdvisorVetting
from vc_contracts.catalogue.registry import (
    AdvisorApproved,
    AdvisorNominated,
    AdvisorRegistered,
    AdvisorRejected,
    AdvisorStatusChanged,
)

from registry.domain.days import not_in_future
from registry.domain.units import Unit
from registry.domain.vetting import require_nominable

LICENSED_KINDS = {AdvisorKind.lawyer, AdvisorKind.public_lawyer, AdvisorKind.legal_aid_lawyer}
LICENCE_REQUIRED = "律师类顾问须填写17位执业证号"
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
    vetting: AdvisorVetting = AdvisorVetting.approved
    kind: AdvisorKind | None = None
    licence_no: str | None = None

    @property
    def exists(self) -> bool:
        return self.advisor_id is not None

    @property
    def approved(self) -> bool:
        return self.exists and self.vetting is AdvisorVetting.approved


@dataclass(frozen=True)
class Person:
    """Who is registered or nominated: the fields of AdvisorRegistered / AdvisorNominated."""

    advisor_id: str
    name: str
    kind: AdvisorKind
    unit: Unit
    phone: str
    licence_no: str | None = None


@dataclass(frozen=True)
class RegisterAdvisor(Person):
    """The county's own registration (an administrator, the roster import): approved at once."""


@dataclass(frozen=True)
class NominateAdvisor(Person):
    """A providing unit puts a person forward; the county section decides."""


@dataclass(frozen=True)
class ApproveAdvisor:
    pass


@dataclass(frozen=True)
class RejectAdvisor:
    reason: str


@dataclass(frozen=True)
class ChangeAdvisorStatus:
    status: AdvisorStatus
    changed_on: date
    reason: str


Command = RegisterAdvisor | NominateAdvisor | ApproveAdvisor | RejectAdvisor | ChangeAdvisorStatus


def decide_advisor(state: Advisor, c: Command, now: datetime) -> list[Event]:
    match c:
        case RegisterAdvisor():
            return _register(state, c)
        case NominateAdvisor():
            return _nominate(state, c)
        case ApproveAdvisor():
            return _approve(state)
        case RejectAdvisor():
            _require_pending(state)
            advisor_id, unit_id = state.advisor_id or "", state.unit_id or ""
            return [AdvisorRejected(advisor_id=advisor_id, unit_id=unit_id, reason=c.reason)]
        case ChangeAdvisorStatus():
            return _change_status(state, c, now)
        case _:
            assert_never(c)


def _check_person(c: Person) -> None:
    if not c.unit.exists:
        raise RuleViolationError("所属单位尚未登记", field="unit_id")
    if c.kind in LICENSED_KINDS and not c.licence_no:
        raise RuleViolationError(LICENCE_REQUIRED, field="licence_no")
    require_nominable(c.unit.kind, c.kind)  # registered or nominated: the same employer rule


def _register(state: Advisor, c: RegisterAdvisor) -> list[Event]:
    if state.exists:
        if state.vetting is not AdvisorVetting.approved:
            raise ConflictError(f"顾问 {c.advisor_id} 已由单位提名，请在待审核提名中审核", field="advisor_id")
        if (state.name, state.unit_id) == (c.name, c.unit.unit_id):
            return []  # registering the same advisor again changes nothing
        raise ConflictError(f"顾问编号 {c.advisor_id} 已被使用", field="advisor_id")
    _check_person(c)
    return [_registered(c.advisor_id, c.name, c.kind, c.unit.unit_id or "", c.licence_no, c.phone)]


def _nominate(state: Advisor, c: NominateAdvisor) -> list[Event]:
    if state.exists:
        same = (state.name, state.unit_id) == (c.name, c.unit.unit_id)
        if state.vetting is AdvisorVetting.pending and same:
            return []  # the same nomination again (a retried form) changes nothing
        if state.vetting is not AdvisorVetting.rejected or state.unit_id != c.unit.unit_id:
            raise ConflictError(f"顾问编号 {c.advisor_id} 已被使用", field="advisor_id")
    _check_person(c)
    nominated = AdvisorNominated(
        advisor_id=c.advisor_id,
        name=c.name,
        kind=c.kind,
        unit_id=c.unit.unit_id or "",
        licence_no=c.licence_no,
        phone=c.phone,
    )
    return [nominated]


def _require_pending(state: Advisor) -> None:
    if not state.exists:
        raise RuleViolationError("没有这项顾问提名", field="advisor_id")
    if state.vetting is AdvisorVetting.approved:
        raise ConflictError(f"顾问 {state.name} 已审核通过", field="advisor_id")
    if state.vetting is AdvisorVetting.rejected:
        raise ConflictError(f"对顾问 {state.name} 的提名已被驳回，须由单位重新提名", field="advisor_id")


def _approve(state: Advisor) -> list[Event]:
    _require_pending(state)
    advisor_id, unit_id = state.advisor_id or "", state.unit_id or ""
    kind = state.kind or AdvisorKind.lawyer  # always set by AdvisorNominated
    registered = _registered(advisor_id, state.name or "", kind, unit_id, state.licence_no, state.phone or "")
    return [AdvisorApproved(advisor_id=advisor_id, unit_id=unit_id), registered]


def _registered(
    advisor_id: str, name: str, kind: AdvisorKind, unit_id: str, licence_no: str | None, phone: str
) -> AdvisorRegistered:
    return AdvisorRegistered(
        advisor_id=advisor_id, name=name, kind=kind, unit_id=unit_id, licence_no=licence_no, phone=phone
    )


def _change_status(state: Advisor, c: ChangeAdvisorStatus, now: datetime) -> list[Event]:
    if not state.exists:
        raise RuleViolationError("法律顾问尚未登记", field="advisor_id")
    if not state.approved:
        raise RuleViolationError("提名尚未审核通过，不能变更在岗状态", field="advisor_id")
    if c.status == state.status:
        raise ConflictError(f"该顾问当前已是“{STATUS_LABEL[c.status]}”状态", field="status")
    not_in_future(c.changed_on, now, "changed_on", "状态变更日期")
    if state.status_since and c.changed_on < state.status_since:
        raise RuleViolationError(f"状态变更日期早于上次变更日期 {state.status_since}", field="changed_on")
    return [
        AdvisorStatusChanged(
            advisor_id=state.advisor_id or "", status=c.status, changed_on=c.changed_on, reason=c.reason
        )
    ]


def evolve_advisor(state: Advisor, event: Event) -> Advisor:
    match event:
        case AdvisorNominated():
            return Advisor(
                event.advisor_id, event.name, event.unit_id, event.phone,
                vetting=AdvisorVetting.pending, kind=event.kind, licence_no=event.licence_no,
            )  # fmt: skip
        case AdvisorApproved():
            return replace(state, vetting=AdvisorVetting.approved)
        case AdvisorRejected():
            return replace(state, vetting=AdvisorVetting.rejected)
        case AdvisorRegistered():
            return Advisor(
                event.advisor_id, event.name, event.unit_id, event.phone, kind=event.kind,
                licence_no=event.licence_no,
            )  # fmt: skip
        case AdvisorStatusChanged():
            return replace(state, status=event.status, status_since=event.changed_on)
    return state


advisors: Decider[Advisor, Command] = Decider(Advisor(), evolve_advisor, decide_advisor)
