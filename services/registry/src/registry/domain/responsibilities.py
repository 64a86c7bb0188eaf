"""Who leads the program in a county (R16): the justice bureau's head overall, the deputy in charge,
the sections and offices taking part, and where the agreements are filed (e.g. room 301).

One stream per county (`county-responsibilities-{code}`); each `CountyResponsibilitiesSet` replaces
the previous arrangement as a whole, so the stream is also its history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, assert_never

from eventkit.decider import Decider
from eventkit.errors import NotFoundError, RuleViolationError
from vc_contracts import Event
from vc_contracts.catalogue.enums import DivisionLevel
from vc_contracts.catalogue.registry import CountyResponsibilitiesSet

from registry.domain.divisions import Division


def stream_id(county_code: str) -> str:
    return f"county-responsibilities-{county_code}"


@dataclass(frozen=True)
class Responsibilities:
    current: dict[str, Any] | None = None
    """The last arrangement set (the event's fields, JSON form), None before the first."""


@dataclass(frozen=True)
class SetResponsibilities:
    county: Division
    head: str
    deputy: str
    sections: tuple[str, ...]
    filing_place: str
    effective_on: date


Command = SetResponsibilities


def decide(state: Responsibilities, c: Command, now: datetime) -> list[Event]:
    match c:
        case SetResponsibilities():
            if not c.county.exists or c.county.level is not DivisionLevel.county:
                raise NotFoundError("未找到该县（区），无法登记工作职责", field="county_code")
            sections = [s for s in dict.fromkeys(c.sections) if s]
            if not sections:
                raise RuleViolationError("请至少填写一个参与的股室或司法所", field="sections")
            event = CountyResponsibilitiesSet(
                county_code=c.county.code or "", head=c.head, deputy=c.deputy, sections=sections,
                filing_place=c.filing_place, effective_on=c.effective_on,
            )  # fmt: skip
            if state.current == event.model_dump(mode="json"):
                return []  # the same arrangement again changes nothing
            return [event]
        case _:
            assert_never(c)


def evolve(state: Responsibilities, event: Event) -> Responsibilities:
    match event:
        case CountyResponsibilitiesSet():
            return Responsibilities(current=event.model_dump(mode="json"))
    return state


responsibilities: Decider[Responsibilities, Command] = Decider(Responsibilities(), evolve, decide)
