"""Assessment commands over HTTP: parse, authorise by role, call the handler (scope is checked there)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import uuid4

from eventkit.auth import UNITS, Role
from eventkit.clock import today_cst
from eventkit.dependencies import CurrentPrincipal, CurrentRuntime, Idempotent
from eventkit.errors import ForbiddenError, RuleViolationError
from eventkit.params import YearPath
from fastapi import APIRouter, Depends, Response
from vc_contracts.catalogue.enums import FeedbackSource

from assessment.adapters import http_bodies as b
from assessment.application.commands import Commands
from assessment.domain import assessments as a
from assessment.domain.rules import SetRules

router = APIRouter(tags=["assessment commands"])
Result = dict[str, Any]
YEAR = "/advisors/{advisor_id}/assessments/{year}"


def _handlers(runtime: CurrentRuntime) -> Commands:
    return Commands(runtime)


Handlers = Annotated[Commands, Depends(_handlers)]


@router.post(
    "/rules",
    status_code=201,
    summary="设定考核规则 Set compliance rules (province defaults, stricter county)",
    responses={
        200: {
            "description": "The rules are the division's latest version already, from the same day: "
            "nothing is written; the answer names the stream's current version, with no events"
        }
    },
)
async def set_rules(
    body: b.RulesIn, who: CurrentPrincipal, handlers: Handlers, idem: Idempotent, response: Response
) -> Result:
    """A new version of the division's rules (201 with its `ComplianceRulesSet`). Rules identical to
    the division's latest version for the same effective day (values not sent are the defaults, as
    in a new version) are entered once: 200 with the current `version` and `events: []`, nothing
    written, like an idempotent replay (a tester's nine identical posts made versions 1-9)."""
    values = body.model_dump(exclude_none=True, exclude={"division_code", "effective_from"})
    command = SetRules(body.division_code, body.effective_from, values)
    outcome = await handlers.set_rules(who, command, idem)
    if not outcome.events:
        response.status_code = 200
    return outcome.answer


@router.post("/evaluations", status_code=201, summary="评估已结束期间 Evaluate a closed period")
async def evaluate(
    body: b.EvaluationIn, who: CurrentPrincipal, handlers: Handlers, idem: Idempotent
) -> Result:
    return await handlers.evaluate(who, body.county, body.period, idem)


@router.post("/feedback", status_code=201, summary="村（居）委会或村（居）民评价 Submit feedback")
async def feedback(body: b.FeedbackIn, who: CurrentPrincipal, handlers: Handlers, idem: Idempotent) -> Result:
    if who.role == Role.village_committee:
        if body.source != FeedbackSource.committee:
            raise RuleViolationError("村（居）委会只能以本委员会名义评价", field="source")
    elif who.role == Role.county_admin:
        if body.source != FeedbackSource.resident:
            raise RuleViolationError("县司法局录入的评价来源应为村（居）民（resident）", field="source")
    else:
        raise ForbiddenError("只有村（居）委会或县司法局（代录村民评价）可以提交评价")
    command = a.SubmitFeedback(
        f"FB-{uuid4().hex[:16]}",
        body.advisor_id,
        body.village_code,
        body.year,
        body.source,
        body.rating,
        body.comment,
        served=False,
    )
    return await handlers.submit_feedback(who, command, idem)


@router.post(f"{YEAR}/confirmation", status_code=201, summary="顾问确认本人数据 Advisor confirms figures")
async def confirm(
    advisor_id: str,
    year: YearPath,
    body: b.ConfirmIn,
    who: CurrentPrincipal,
    handlers: Handlers,
    idem: Idempotent,
) -> Result:
    who.require_role(Role.advisor)
    if who.subject != advisor_id:
        raise ForbiddenError("只能确认本人的数据", field="advisor_id")
    _, _, sheet = await handlers.sheet(who, advisor_id, year)
    command = a.ConfirmFigures(advisor_id, year, sheet["digest"], today_cst(), body.comment)
    return await handlers.run_on_year(
        who, advisor_id, year, command, idem, {"figures_digest": sheet["digest"]}
    )


@router.post(f"{YEAR}/dispute", status_code=201, summary="顾问对本人数据提出异议 Advisor disputes figures")
async def dispute(
    advisor_id: str,
    year: YearPath,
    body: b.DisputeIn,
    who: CurrentPrincipal,
    handlers: Handlers,
    idem: Idempotent,
) -> Result:
    """The advisor says which figure is wrong and why (201 with the `FiguresDisputed` event); the
    county sees it on the figure sheet (`dispute`). 403 for anyone but the advisor, 409 once
    concluded, 422 without a reason."""
    who.require_role(Role.advisor)
    if who.subject != advisor_id:
        raise ForbiddenError("只能对本人的数据提出异议", field="advisor_id")
    _, _, sheet = await handlers.sheet(who, advisor_id, year)
    command = a.DisputeFigures(advisor_id, year, sheet["digest"], today_cst(), body.reason)
    return await handlers.run_on_year(who, advisor_id, year, command, idem)


@router.post(f"{YEAR}/conclusion", status_code=201, summary="县司法局作出考核结论 Conclude the assessment")
async def conclude(
    advisor_id: str,
    year: YearPath,
    body: b.ConcludeIn,
    who: CurrentPrincipal,
    handlers: Handlers,
    idem: Idempotent,
) -> Result:
    who.require_role(Role.county_admin)
    _, served, sheet = await handlers.sheet(who, advisor_id, year)
    unit = max(served, key=lambda s: s.valid_from).unit_id if served else None  # the latest engagement
    basis = {k: v for k, v in sheet.items() if k != "share_rule"}
    command = a.Conclude(
        advisor_id,
        year,
        body.result,
        basis,
        sheet["digest"],
        sheet["rule"]["version"],
        today_cst(),
        body.reason,
        unit,
        tuple(body.items),
        body.due_on,
    )
    return await handlers.run_on_year(who, advisor_id, year, command, idem)


@router.post(
    f"{YEAR}/rectification-completed", status_code=201, summary="单位报告整改完成 Rectification done"
)
async def rectified(
    advisor_id: str,
    year: YearPath,
    body: b.RectifiedIn,
    who: CurrentPrincipal,
    handlers: Handlers,
    idem: Idempotent,
) -> Result:
    who.require_role(*UNITS)
    if body.completed_on > today_cst():
        raise RuleViolationError("整改完成日期不能晚于今天", field="completed_on")
    await handlers.sheet(who, advisor_id, year)  # scope: a unit acts for its own advisors
    command = a.CompleteRectification(advisor_id, year, who.unit_id or "", body.completed_on, body.summary)
    return await handlers.run_on_year(who, advisor_id, year, command, idem)
