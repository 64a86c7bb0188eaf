"""The village's legal-service WeChat group (R10): established with its advisor, members counted
over time. One stream per village: a village has one group."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import assert_never

from eventkit.decider import Decider
from eventkit.errors import ConflictError, RuleViolationError
from vc_contracts import Event
from vc_contracts.catalogue.registry import ServiceGroupEstablished, ServiceGroupMembersCounted

from registry.domain.advisors import Advisor
from registry.domain.assignments import VILLAGE_LEVELS
from registry.domain.days import not_in_future
from registry.domain.divisions import Division


def stream_id(village_code: str) -> str:
    return f"service-group-{village_code}"


@dataclass(frozen=True)
class ServiceGroup:
    group_id: str | None = None
    village_code: str | None = None
    name: str | None = None
    established_on: date | None = None
    last_counted_on: date | None = None

    @property
    def exists(self) -> bool:
        return self.group_id is not None


@dataclass(frozen=True)
class EstablishServiceGroup:
    group_id: str
    village: Division
    advisor: Advisor
    name: str
    member_count: int
    established_on: date


@dataclass(frozen=True)
class CountMembers:
    member_count: int
    counted_on: date


Command = EstablishServiceGroup | CountMembers


def decide(state: ServiceGroup, c: Command, now: datetime) -> list[Event]:
    match c:
        case EstablishServiceGroup():
            return _establish(state, c, now)
        case CountMembers():
            if not state.exists:
                raise RuleViolationError("该村尚未建立法律服务微信群", field="village_code")
            not_in_future(c.counted_on, now, "counted_on", "统计日期")
            last = state.last_counted_on or state.established_on
            if last and c.counted_on < last:
                raise RuleViolationError(
                    f"统计日期早于上次记录日期 {last}（日期先后颠倒）", field="counted_on"
                )
            return [
                ServiceGroupMembersCounted(
                    group_id=state.group_id or "",
                    village_code=state.village_code or "",
                    member_count=c.member_count,
                    counted_on=c.counted_on,
                )
            ]
        case _:
            assert_never(c)


def _establish(state: ServiceGroup, c: EstablishServiceGroup, now: datetime) -> list[Event]:
    if state.exists:
        if (state.group_id, state.name, state.established_on) == (c.group_id, c.name, c.established_on):
            return []  # the same group again changes nothing
        raise ConflictError(f"该村已于 {state.established_on} 建立法律服务微信群", field="village_code")
    if not c.village.exists or c.village.level not in VILLAGE_LEVELS:
        raise RuleViolationError("只能为已登记的村或社区建立法律服务微信群", field="village_code")
    if not c.advisor.exists:
        raise RuleViolationError("法律顾问尚未登记", field="advisor_id")
    not_in_future(c.established_on, now, "established_on", "建群日期")
    return [
        ServiceGroupEstablished(
            group_id=c.group_id,
            village_code=c.village.code or "",
            advisor_id=c.advisor.advisor_id or "",
            name=c.name,
            member_count=c.member_count,
            established_on=c.established_on,
        )
    ]


def evolve(state: ServiceGroup, event: Event) -> ServiceGroup:
    match event:
        case ServiceGroupEstablished():
            return ServiceGroup(event.group_id, event.village_code, event.name, event.established_on)
        case ServiceGroupMembersCounted():
            return replace(state, last_counted_on=event.counted_on)
    return state


service_groups: Decider[ServiceGroup, Command] = Decider(ServiceGroup(), evolve, decide)
