"""Assessment reads: rules in force, an advisor's yearly figure sheet, concluded assessments (no ranking)."""

from __future__ import annotations

from typing import Annotated, Any

from eventkit.auth import UNITS, Role
from eventkit.clock import today_cst
from eventkit.dependencies import CurrentPrincipal, CurrentRuntime
from eventkit.paging import Paging
from eventkit.params import (
    CountyQuery,
    DivisionQuery,
    VillageQuery,
    WholeNumber,
    YearOrQuarterQuery,
    YearPath,
    YearQuery,
)
from fastapi import APIRouter, Query
from vc_contracts.catalogue.enums import AssessmentResult
from vc_contracts.catalogue.fields import YEAR_MAX, YEAR_MIN
from vc_contracts.divisions import contains
from vc_contracts.rules import DEFAULT_RULES, rule_in_force

from assessment.application import decisions_view, rectifications_view
from assessment.application.commands import Commands
from assessment.domain.assessments import committee_rating
from assessment.domain.compliance import HOURS, LECTURES, LECTURES_RULE_TEXT
from assessment.domain.rules import HOURS_RULE_TEXT

router = APIRouter(tags=["assessment queries"])


@router.get("/rules", summary="现行及历史考核规则 Rules in force and their versions")
async def rules(
    who: CurrentPrincipal,
    runtime: CurrentRuntime,
    division_code: DivisionQuery,
) -> dict[str, Any]:
    who.require_division(division_code)
    sets = await decisions_view.rule_sets(runtime.pool, runtime.settings.schema)
    chain = [DEFAULT_RULES, *(s for s in sets if contains(s.division_code, division_code))]
    return {
        "division_code": division_code,
        "in_force": rule_in_force(division_code, today_cst(), sets).model_dump(mode="json"),
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
        "rectification": {
            "unit_id": state.rectification_unit,
            "items": list(state.rectification_items),
            "due_on": str(state.rectification_due_on) if state.rectification_due_on else None,
            "completed": state.rectified_on is not None,
            "completed_on": str(state.rectified_on) if state.rectified_on else None,
            "summary": state.rectification_summary,
        }
        if state.rectification_unit
        else None,
    }


@router.get("/feedback", summary="本村（居）委会本年度已作的评价 The committee's rating of the year")
async def committee_feedback(
    who: CurrentPrincipal,
    runtime: CurrentRuntime,
    advisor_id: Annotated[str, Query(min_length=1, max_length=64)],
    village_code: VillageQuery,
    year: YearQuery,
) -> dict[str, Any]:
    """The village committee's counted rating (its latest) of the advisor for the year, or nulls."""
    who.require_division(village_code, "village_code")
    state, _ = await Commands(runtime).year(advisor_id, year)
    given = committee_rating(state, village_code)
    return {
        "advisor_id": advisor_id,
        "village_code": village_code,
        "year": year,
        "rating": given.rating if given else None,
        "comment": given.comment if given else None,
    }


@router.get("/assessments", summary="已作出的年度考核结论 Concluded assessments (by advisor id, no ranking)")
async def concluded(
    who: CurrentPrincipal,
    runtime: CurrentRuntime,
    paging: Paging,
    county: CountyQuery,
    year: YearQuery,
    result: AssessmentResult | None = None,
) -> dict[str, Any]:
    who.require_division(county, "county")  # the role: adapters/reads.py
    return await decisions_view.conclusions_page(
        runtime.pool, runtime.settings.schema, paging, county, year, result.value if result else None
    )


@router.get("/breaches", summary="未达标记录 Compliance breaches (filters, paging; no ranking)")
async def breaches(
    who: CurrentPrincipal,
    runtime: CurrentRuntime,
    paging: Paging,
    county: CountyQuery,
    period: YearOrQuarterQuery = None,
    rule: Annotated[str | None, Query(pattern=r"^min_(quarter_onsite_hours|year_lectures)$")] = None,
    advisor_id: str | None = None,
) -> dict[str, Any]:
    who.require_division(county, "county")  # the role: adapters/reads.py
    page = await decisions_view.breaches_page(
        runtime.pool, runtime.settings.schema, paging, county, period, rule, advisor_id
    )
    texts = {HOURS: HOURS_RULE_TEXT, LECTURES: LECTURES_RULE_TEXT}
    return {**page, "items": [{**b, "counting_rule": texts[b["rule"]]} for b in page["items"]]}


@router.get("/rectifications", summary="单位被要求的整改及完成情况 A unit's rectifications (paging)")
async def rectifications(
    who: CurrentPrincipal,
    runtime: CurrentRuntime,
    paging: Paging,
    unit_id: Annotated[str, Query(min_length=1, max_length=128, description="The unit asked to rectify")],
    from_year: Annotated[
        int | None,
        Query(ge=YEAR_MIN, le=YEAR_MAX, description="Assessed year and later; default: every year"),
        WholeNumber,
    ] = None,
) -> dict[str, Any]:
    """The rectifications asked of `unit_id` after failed yearly assessments (R12), open or
    completed, newest year first: a unit sees its own, an administrator those in its scope; an
    advisor or village committee is refused (403). None yet is an empty page, never a 404."""
    if who.role in UNITS:
        who.require_unit(unit_id)
    else:
        who.require_role(Role.province_admin, Role.city_admin, Role.county_admin)
    return await rectifications_view.unit_page(
        runtime.pool, runtime.settings.schema, paging, unit_id, who.scope_prefix, from_year
    )
