"""A report's life (R13-R15): submitted, reviewed level by level, returned and resubmitted (pure).

Half-year ledger reports (a unit's) are reviewed by the county and end there. Annual results (the
county's) are approved by the county, then escalate to the city and on to the province, which ends
it. A returned report goes back to its submitter; its resubmission is reviewed again by the level
that returned it. Anything out of order is refused with the field and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, assert_never

from eventkit.decider import Decider
from eventkit.errors import ConflictError
from vc_contracts import Event
from vc_contracts.catalogue.enums import LEVEL_LABELS, Level, ReportKind
from vc_contracts.catalogue.reporting import ReportApproved, ReportEscalated, ReportReturned, ReportSubmitted
from vc_contracts.divisions import city_of, province_of

FINAL_LEVEL = {ReportKind.half_year_ledger: Level.county, ReportKind.annual_results: Level.province}
STATUS_NAMES = {"none": "未提交", "pending": "待审核", "returned": "已退回", "approved": "已通过"}


def stream_id(kind: str, period: str, submitter: str) -> str:
    return f"report:{kind}:{period}:{submitter}"


@dataclass(frozen=True)
class Report:
    status: str = "none"  # none | pending | returned | approved
    report_id: str | None = None
    kind: ReportKind | None = None
    division_code: str | None = None
    at_level: Level = Level.county
    submissions: int = 0


@dataclass(frozen=True)
class SubmitReport:
    report_id: str
    kind: ReportKind
    period: str
    submitter_unit_id: str
    division_code: str
    figures: dict[str, Any]
    confirmed_by: list[str] = field(default_factory=list)
    heads: list[dict[str, Any]] = field(default_factory=list)  # the ledger's chain heads, frozen


@dataclass(frozen=True)
class ApproveReport:
    level: Level


@dataclass(frozen=True)
class ReturnReport:
    level: Level
    reason: str


Command = SubmitReport | ApproveReport | ReturnReport


def _under_review_at(state: Report, level: Level) -> None:
    if state.status != "pending":
        raise ConflictError(f"报告当前状态为“{STATUS_NAMES[state.status]}”，不能审核", field="status")
    if state.at_level != level:
        at, by = LEVEL_LABELS[state.at_level], LEVEL_LABELS[level]  # 县级/市级/省级, never the codes
        raise ConflictError(f"报告当前由{at}审核，{by}不能审核", field="level")


def decide(state: Report, command: Command, now: datetime) -> list[Event]:
    match command:
        case SubmitReport():
            if state.status in ("pending", "approved"):
                raise ConflictError(
                    f"报告已{STATUS_NAMES[state.status]}，不能重复提交；被退回后方可重新提交", field="status"
                )
            if not command.confirmed_by:
                raise ConflictError("数据须经被统计单位确认后才能上报", field="confirmed_by")
            return [ReportSubmitted(**command.__dict__)]
        case ApproveReport(level=level):
            _under_review_at(state, level)
            assert state.report_id and state.kind and state.division_code
            events: list[Event] = [ReportApproved(report_id=state.report_id, by_level=level)]
            if level != FINAL_LEVEL[state.kind]:
                up = Level.city if level == Level.county else Level.province
                to = city_of(state.division_code) if up == Level.city else province_of(state.division_code)
                escalated = ReportEscalated(
                    report_id=state.report_id, from_level=level, to_level=up, to_division_code=to
                )
                events.append(escalated)
            return events
        case ReturnReport(level=level, reason=reason):
            _under_review_at(state, level)
            assert state.report_id
            return [ReportReturned(report_id=state.report_id, by_level=level, reason=reason)]
        case _:
            assert_never(command)


def evolve(state: Report, event: Event) -> Report:
    match event:
        case ReportSubmitted():
            level = state.at_level if state.status == "returned" else Level.county
            count = state.submissions + 1
            return Report("pending", event.report_id, event.kind, event.division_code, level, count)
        case ReportApproved() if state.kind and event.by_level == FINAL_LEVEL[state.kind]:
            return replace(state, status="approved")
        case ReportEscalated():
            return replace(state, at_level=event.to_level)
        case ReportReturned():
            return replace(state, status="returned")
    return state


reports: Decider[Report, Command] = Decider(Report(), evolve, decide)
