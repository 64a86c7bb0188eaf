"""Reporting HTTP API: compliance views (more to come: reports, escalation, exports, dashboard)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from eventkit.clock import now_cst, phone_today_cst, today_cst
from eventkit.dependencies import CurrentPrincipal, CurrentRuntime
from eventkit.paging import Paging, page_of
from eventkit.params import QuarterQuery
from eventkit.periods import quarter_bounds, quarter_of, require_started
from eventkit.scoping import scope_prefix
from fastapi import APIRouter, Query

from reporting.application.compliance_view import compliance_rows
from reporting.application.due_rules_view import rule_sets
from reporting.domain.compliance import HOURS_RULE_TEXT, LECTURES_RULE_TEXT, reference_day, village_figures

router = APIRouter(tags=["reporting"])


@router.get("/compliance", summary="合规视图 Compliance view of villages in scope")
async def compliance(
    who: CurrentPrincipal,
    runtime: CurrentRuntime,
    paging: Paging,
    division: Annotated[str | None, Query(description="Division code inside your scope")] = None,
    quarter: QuarterQuery = None,
) -> dict[str, Any]:
    prefix = scope_prefix(who, division)
    quarter = quarter or quarter_of(now_cst())
    # as the dashboard: not an empty view; begun on the reader's day (a phone up to 5 minutes ahead)
    require_started(quarter, phone_today_cst(), field="quarter")
    first, last = quarter_bounds(quarter)
    on = reference_day(first, last, today_cst())  # begun only for the reader: its first day
    rows, total = await compliance_rows(
        runtime.pool,
        runtime.settings.schema,
        prefix,
        quarter,
        first,
        last,
        on,
        paging.page_size,
        paging.offset,
    )
    sets = await rule_sets(runtime.pool, runtime.settings.schema)
    for row in rows:
        seconds, lectures = int(row.pop("seconds")), int(row.pop("lectures"))
        row.update(village_figures(row["village_code"], quarter, seconds, lectures, sets))
        row["served"] = json.loads(row["served"])
        row["covered"] = row["advisor_id"] is not None
    return {
        "quarter": quarter,
        "assignments_as_of": on.isoformat(),
        "counting_rule": HOURS_RULE_TEXT,
        "lectures_counting_rule": LECTURES_RULE_TEXT,
        **page_of(rows, total, paging),
    }
