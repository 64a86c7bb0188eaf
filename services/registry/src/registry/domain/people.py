"""Units (law firms, justice offices, legal aid center…) and their advisors: one stream each."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import assert_never

from eventkit.decider import Decider
from eventkit.errors import ConflictError, RuleViolationError
from vc_contracts import Event
from vc_contracts.catalogue.enums import AdvisorKind, AdvisorStatus, UnitKind
from vc_contracts.catalogue.registry import AdvisorRegistered, AdvisorStatusChanged, UnitRegistered

from registry.domain.divisions import Division

LICENSED_KINDS = {AdvisorKind.lawyer, AdvisorKind.public_lawyer, AdvisorKind.legal_aid_lawyer}


def unit_stream(unit_id: str) -> str:
    return f"unit-{unit_id}"


def advisor_stream(advisor_id: str) -> str:
    return f"advisor-{advisor_id}"


@dataclass(frozen=True)
class Unit:
    unit_id: str | None = None
    kind: UnitKind | None = None
    name: str | None = None
    division_code: str | None = None

    @property
    def exists(self) -> bool:
        return self.unit_id is not None


@dataclass(frozen=True)
class RegisterUnit:
    unit_id: str
    kind: UnitKind
    name: str
    division: Division
    credit_code: str | None = None
    licence_no: str | None = None


def decide_unit(state: Unit, c: RegisterUnit, now: datetime) -> list[Event]:
    match c:
        case RegisterUnit():
            if state.exists:
                if (state.name, state.kind) == (c.name, c.kind):
                    return []
                raise ConflictError(f"单位编号 {c.unit_id} 已被“{state.name}”使用", field="unit_id")
            if not c.division.exists:
                raise RuleViolationError("单位所在行政区划尚未登记", field="division_code")
            if c.kind == UnitKind.law_firm and not c.credit_code:
                raise RuleViolationError("律师事务所须填写统一社会信用代码", field="credit_code")
            return [
                UnitRegistered(
                    unit_id=c.unit_id,
                    kind=c.kind,
                    name=c.name,
                    division_code=c.division.code or "",
                    credit_code=c.credit_code,
                    licence_no=c.licence_no,
                )
            ]
        case _:
            assert_never(c)


def evolve_unit(state: Unit, event: Event) -> Unit:
    match event:
        case UnitRegistered():
            return Unit(event.unit_id, event.kind, event.name, event.division_code)
    return state


@dataclass(frozen=True)
class Advisor:
    advisor_id: str | None = None
    name: str | None = None
    unit_id: str | None = None
    phone: str | None = None
    status: AdvisorStatus = AdvisorStatus.active

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


def decide_advisor(state: Advisor, c: RegisterAdvisor, now: datetime) -> list[Event]:
    match c:
        case RegisterAdvisor():
            if state.exists:
                if (state.name, state.unit_id) == (c.name, c.unit.unit_id):
                    return []
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
        case _:
            assert_never(c)


def evolve_advisor(state: Advisor, event: Event) -> Advisor:
    match event:
        case AdvisorRegistered():
            return Advisor(event.advisor_id, event.name, event.unit_id, event.phone)
        case AdvisorStatusChanged():
            return replace(state, status=event.status)
    return state


units: Decider[Unit, RegisterUnit] = Decider(Unit(), evolve_unit, decide_unit)
advisors: Decider[Advisor, RegisterAdvisor] = Decider(Advisor(), evolve_advisor, decide_advisor)
