"""Reporting HTTP API: compliance views (more to come: reports, escalation, exports, dashboard)."""

from __future__ import annotations

from typing import Annotated, Any

from eventkit.clock import now_cst
from eventkit.paging import Paging, page_of
from eventkit.params import QuarterQuery
from eventkit.periods import quarter_of
from eventkit.runtime import runtime_of
from eventkit.web import CurrentPrincipal
from fastapi import APIRouter, Query, Request
from vc_contracts.divisions import significant_prefix

from reporting.application.compliance_view import compliance_rows

router = APIRouter(tags=["reporting"])

MIN_QUARTER_HOURS = 8.0
COUNTING_RULE = "每村每季度驻点服务累计不少于8小时；按驻点记录起止时间（北京时间）计入所在季度，跨季度拆分。"


@router.get("/compliance", summary="合规视图 Compliance view of villages in scope")
async def compliance(
    who: CurrentPrincipal,
    request: Request,
    paging: Paging,
    division: Annotated[str | None, Query(description="Division code inside your scope")] = None,
    quarter: QuarterQuery = None,
) -> dict[str, Any]:
    division = division or who.scope
    who.require_division(division, "division")
    quarter = quarter or quarter_of(now_cst())
    runtime = runtime_of(request)
    rows, total = await compliance_rows(
        runtime.pool,
        runtime.settings.schema,
        significant_prefix(division),
        quarter,
        paging.page_size,
        paging.offset,
    )
    for row in rows:
        row["meets_onsite_minimum"] = row["hours"] >= MIN_QUARTER_HOURS
        row["covered"] = row["advisor_id"] is not None
    return {"quarter": quarter, "counting_rule": COUNTING_RULE, **page_of(rows, total, paging)}
