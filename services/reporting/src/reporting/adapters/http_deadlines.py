"""Deadlines: overdue or missing reports per county, and recording DeadlineMissed once per miss."""

from __future__ import annotations

import re
from typing import Annotated, Any

from eventkit.auth import Role
from eventkit.clock import now_cst
from eventkit.dependencies import CurrentPrincipal, CurrentRuntime, Idempotent
from eventkit.errors import RuleViolationError
from eventkit.periods import HALF_YEAR_PATTERN, YEAR_TEXT_PATTERN, period_pattern_reason
from eventkit.scoping import scope_prefix
from fastapi import APIRouter, Body
from vc_contracts.catalogue.enums import ReportKind
from vc_contracts.periods import normalise_period

from reporting.adapters.http_reports import county_of_principal
from reporting.application.report_commands import ReportHandler
from reporting.application.report_queries import county_deadline, overdue
from reporting.domain.deadlines import DeadlineNotPassedError

router = APIRouter(tags=["reporting"])
SHAPES = {ReportKind.half_year_ledger: HALF_YEAR_PATTERN, ReportKind.annual_results: YEAR_TEXT_PATTERN}


def _period(kind: ReportKind, period: str) -> str:
    """The period of `kind` in its one form (`normalise_period`: ` 2026h1 ` is 2026H1), else 422."""
    shape = SHAPES[kind]
    period = str(normalise_period(period))
    if not re.match(shape, period):  # the reason of every period parameter (eventkit.periods)
        raise RuleViolationError(period_pattern_reason(shape, period) or "", field="period")
    return period


@router.get("/deadlines/overdue", summary="逾期未报清单 Overdue or missing reports per county")
async def overdue_reports(
    who: CurrentPrincipal, runtime: CurrentRuntime, kind: ReportKind, period: str, division: str | None = None
) -> dict[str, Any]:
    prefix, period = scope_prefix(who, division), _period(kind, period)
    items = await overdue(runtime.pool, runtime.settings.schema, prefix, kind, period, now_cst())
    return {"kind": kind, "period": period, "items": items, "total": len(items)}


@router.post("/deadlines/misses", summary="记录逾期（每单位每期一次）Record DeadlineMissed")
async def record_misses(
    who: CurrentPrincipal, runtime: CurrentRuntime, kind: Annotated[ReportKind, Body()],
    period: Annotated[str, Body()], idem: Idempotent,
) -> dict[str, Any]:  # fmt: skip
    who.require_role(Role.county_admin)
    county, period, now = county_of_principal(who), _period(kind, period), now_cst()
    deadline = (await county_deadline(runtime.pool, runtime.settings.schema, county, kind, period))["due_at"]
    if now < deadline:  # a period still running, or a deadline still ahead: nothing can be missed yet
        raise DeadlineNotPassedError(period, deadline)
    items = await overdue(runtime.pool, runtime.settings.schema, county, kind, period, now)
    return await ReportHandler(runtime.store, runtime.pool).record_misses(who, items, idem)
