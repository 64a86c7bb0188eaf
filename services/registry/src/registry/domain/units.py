"""Providing units (law firms, justice offices, legal aid center, county bureau): one stream each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import assert_never

from eventkit.decider import Decider
from eventkit.errors import ConflictError, RuleViolationError
from vc_contracts import Event
from vc_contracts.catalogue.enums import UnitKind
from vc_contracts.catalogue.registry import UnitRegistered

from registry.domain.divisions import Division


def unit_stream(unit_id: str) -> str:
    return f"unit-{unit_id}"


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
                    return []  # registering the same unit again changes nothing
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


units: Decider[Unit, RegisterUnit] = Decider(Unit(), evolve_unit, decide_unit)
