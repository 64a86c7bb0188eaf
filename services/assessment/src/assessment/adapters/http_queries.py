"""Assessment reads: rules in force, an advisor's yearly figure sheet, concluded assessments (no ranking)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from eventkit.auth import Role
from eventkit.clock import today_cst
from eventkit.dependencies import CurrentPrincipal, CurrentRuntime
from eventkit.paging import Paging, page_of
from eventkit.params import YearOrQuarterQuery, YearPath, YearQuery
from fastapi import APIRouter, Query
from vc_contracts.catalogue.enums import AssessmentResult
from vc_contracts.divisions import contains

from assessment.application import records
from assessment.application.commands import Commands
from assessment.domain.compliance import HOURS, LECTURES, LECTURES_RULE_TEXT
from assessment.domain.rules import DEFAULT_RULES, HOURS_RULE_TEXT, rules_for

router = APIRouter(tags=["assessment queries"])


@router.get("/rules", summary="现行及历史考核规则 Rules in force and their versions")
async def rules(
    who: CurrentPrincipal,
    runtime: CurrentRuntime,
    division_code: Annotated[str, Query(pattern=r"^\d{6}(\d{6})?$")],
) -> dict[str, Any]:
    who.require_division(division_code)
    sets = await records.rule_sets(runtime.pool, runtime.settings.schema)
    chain = [DEFAULT_RULES, *(s for s in sets if contains(s.division_code, division_code))]
    return {
        "division_code": division_code,
        "in_force": rules_for(division_code, today_cst(), sets).model_dump(mode="json"),
        "versions": [s.model_dump(mode="json") for s in chain],
    }


@router.get("/advisors/{advisor_id}/assessments/{year}", summary="顾问年度考核数据表 Yearly figure sheet")
async def sheet(
    advisor_id: str, year: YearPath, who: CurrentPrincipal, runtime: CurrentRuntime
) -> dict[str, Any]:
    state, _, figures = await Commands(runtime).sheet(who, advisor_id, year)
    return {
        **figures,
        "confirmation": {
            "confirmed": state.confirmed_digest is not None,
            "current": state.confirmed_digest == figures["digest"],
        },
        "dispute": {"reason": state.dispute.reason, "on": str(state.dispute.disputed_on)}
        if state.dispute
        else None,
        "result": state.result,
        "rectification": {"unit_id": state.rectification_unit, "completed": state.rectified}
        if state.rectification_unit
        else None,
    }


@router.get("/assessments", summary="已作出的年度考核结论 Concluded assessments (by advisor id, no ranking)")
async def concluded(
    who: CurrentPrincipal,
    runtime: CurrentRuntime,
    paging: Paging,
    county: Annotated[str, Query(pattern=r"^\d{6}$")],
    year: YearQuery,
    result: AssessmentResult | None = None,
) -> dict[str, Any]:
    who.require_role(Role.province_admin, Role.city_admin, Role.county_admin)
    who.require_division(county, "county")
    where = (
        f"FROM {runtime.settings.schema}.events WHERE event_type = 'AssessmentConcluded' AND county = $1"
        " AND (data->>'year')::int = $2 AND ($3::text IS NULL OR data->>'result' = $3)"
    )
    args = (county, year, result.value if result else None)
    total = await runtime.pool.fetchval(f"SELECT count(*) {where}", *args)
    rows = await runtime.pool.fetch(
        f"SELECT data->>'assessment_id' AS assessment_id, data->>'advisor_id' AS advisor_id,"
        f" data->>'result' AS result, (data->>'rule_version')::int AS rule_version,"
        f" to_char(occurred_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS concluded_on {where}"
        " ORDER BY data->>'advisor_id' LIMIT $4 OFFSET $5",
        *args,
        paging.page_size,
        paging.offset,
    )
    return page_of([dict(r) for r in rows], int(total), paging)


@router.get("/breaches", summary="未达标记录 Compliance breaches (filters, paging; no ranking)")
async def breaches(
    who: CurrentPrincipal,
    runtime: CurrentRuntime,
    paging: Paging,
    county: Annotated[str, Query(pattern=r"^\d{6}$")],
    period: YearOrQuarterQuery = None,
    rule: Annotated[str | None, Query(pattern=r"^min_(quarter_onsite_hours|year_lectures)$")] = None,
    advisor_id: str | None = None,
) -> dict[str, Any]:
    who.require_role(Role.province_admin, Role.city_admin, Role.county_admin)
    who.require_division(county, "county")
    where = (
        f"FROM {runtime.settings.schema}.events WHERE event_type = 'ComplianceBreached' AND county = $1"
        " AND ($2::text IS NULL OR starts_with(data->>'period', $2))"
        " AND ($3::text IS NULL OR data->>'rule' = $3)"
        " AND ($4::text IS NULL OR data->>'advisor_id' = $4)"
    )
    args = (county, period, rule, advisor_id)
    total = await runtime.pool.fetchval(f"SELECT count(*) {where}", *args)
    rows = await runtime.pool.fetch(
        f"SELECT data::text AS data {where}"
        " ORDER BY data->>'period', data->>'village_code', data->>'advisor_id' LIMIT $5 OFFSET $6",
        *args,
        paging.page_size,
        paging.offset,
    )
    texts = {HOURS: HOURS_RULE_TEXT, LECTURES: LECTURES_RULE_TEXT}
    items = [{**(d := json.loads(r["data"])), "counting_rule": texts[d["rule"]]} for r in rows]
    return page_of(items, int(total), paging)
