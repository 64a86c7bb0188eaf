"""Division aggregate: one stream per administrative division (GB/T 2260 / statistics codes)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import assert_never

from eventkit.decider import Decider
from eventkit.errors import ConflictError, RuleViolationError
from vc_contracts import Event
from vc_contracts.catalogue.enums import DIVISION_LEVEL_LABELS as LEVEL
from vc_contracts.catalogue.enums import DivisionLevel
from vc_contracts.catalogue.registry import DivisionRegistered
from vc_contracts.divisions import level_of

# Which level may sit under which: a village or community belongs to a township.
PARENT_LEVEL = {
    DivisionLevel.city: DivisionLevel.province,
    DivisionLevel.county: DivisionLevel.city,
    DivisionLevel.township: DivisionLevel.county,
    DivisionLevel.village: DivisionLevel.township,
    DivisionLevel.community: DivisionLevel.township,
}
CODE_LENGTH = {
    DivisionLevel.province: 6,
    DivisionLevel.city: 6,
    DivisionLevel.county: 6,
    DivisionLevel.township: 12,
    DivisionLevel.village: 12,
    DivisionLevel.community: 12,
}


def stream_id(code: str) -> str:
    return f"division-{code}"


@dataclass(frozen=True)
class Division:
    code: str | None = None
    name: str | None = None
    level: DivisionLevel | None = None
    parent_code: str | None = None

    @property
    def exists(self) -> bool:
        return self.code is not None


@dataclass(frozen=True)
class RegisterDivision:
    code: str
    name: str
    level: DivisionLevel
    parent: Division  # the parent's current state, loaded by the handler (empty for a province)


Command = RegisterDivision


def decide(state: Division, command: Command, now: datetime) -> list[Event]:
    match command:
        case RegisterDivision():
            return _register(state, command)
        case _:
            assert_never(command)


def _register(state: Division, c: RegisterDivision) -> list[Event]:
    if state.exists:
        if (state.name, state.level) == (c.name, c.level):
            return []  # registering the same division again changes nothing
        raise ConflictError(f"行政区划 {c.code} 已登记为“{state.name}”", field="code")
    if len(c.code) != CODE_LENGTH[c.level]:
        raise RuleViolationError(f"{LEVEL[c.level]}级区划代码应为 {CODE_LENGTH[c.level]} 位", field="code")
    if _shape_of(c.level) != level_by_shape(c.code):
        raise RuleViolationError(
            f"代码 {c.code} 的形式是{LEVEL[level_by_shape(c.code)]}级，与所填级别（{LEVEL[c.level]}级）不符",
            field="level",
        )
    expected_parent = PARENT_LEVEL.get(c.level)
    if expected_parent is None:
        return [DivisionRegistered(code=c.code, name=c.name, level=c.level, parent_code=None)]
    if not c.parent.exists:
        raise RuleViolationError("上级行政区划尚未登记", field="parent_code")
    if c.parent.level != expected_parent:
        raise RuleViolationError(f"上级区划应为{LEVEL[expected_parent]}级", field="parent_code")
    if not c.code.startswith(_significant(c.parent.code or "")):
        raise RuleViolationError("区划代码与上级区划代码不一致", field="code")
    return [DivisionRegistered(code=c.code, name=c.name, level=c.level, parent_code=c.parent.code)]


def _shape_of(level: DivisionLevel) -> DivisionLevel:
    return DivisionLevel.village if level is DivisionLevel.community else level


def _significant(code: str) -> str:
    return code.rstrip("0") if len(code) == 6 else code[:9]


def evolve(state: Division, event: Event) -> Division:
    match event:
        case DivisionRegistered():
            return replace(
                state, code=event.code, name=event.name, level=event.level, parent_code=event.parent_code
            )
    return state


divisions: Decider[Division, Command] = Decider(Division(), evolve, decide)


def level_by_shape(code: str) -> DivisionLevel:
    """The level a valid code is shaped for; a community is shaped like a village (say so explicitly)."""
    return DivisionLevel(level_of(code))


def parent_by_shape(code: str) -> str | None:
    """The enclosing division's code as the code's digits imply it (None for a province)."""
    match level_of(code):
        case "village":
            return code[:9] + "000"
        case "township":
            return code[:6]
        case "county":
            return code[:4] + "00"
        case "city":
            return code[:2] + "0000"
    return None
