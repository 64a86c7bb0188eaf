"""Statistics tables, the report flow (preview, confirm and submit, approve, return) and deadlines."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from eventkit.auth import UNITS, Principal, Role
from eventkit.clock import now_cst, phone_today_cst, today_cst
from eventkit.dependencies import CurrentPrincipal, CurrentRuntime, Idempotent
from eventkit.errors import ForbiddenError, RuleViolationError
from eventkit.paging import Paging, page_of
from eventkit.params import HalfYearPath, HalfYearQuery, PeriodQuery, RequestBody, YearPath
from eventkit.periods import Period, PeriodKind, parse_period, require_started, seen_at
from eventkit.runtime import Runtime
from eventkit.scoping import scope_prefix
from eventkit.workbook_bytes import attachment
from fastapi import APIRouter, Depends, Response
from pydantic import Field
from vc_contracts.catalogue.enums import ReportKind
from vc_contracts.catalogue.fields import Id, Reason
from vc_contracts.divisions import county_of, significant_prefix

from reporting.adapters.xlsx import statistics_workbook
from reporting.application.confirmations_view import advisor_states, advisor_unit, confirm
from reporting.application.report_commands import ReportHandler
from reporting.application.report_detail import names_of
from reporting.application.report_queries import list_reports, unit_division
from reporting.application.results_view import results_of
from reporting.application.statistics import advisors_in_year, digest, statistics_table
from reporting.application.typical_cases_view import approved_cases, county_duties
from reporting.domain.confirmations import require_all_confirmed
from reporting.domain.coverage import year_coverage
from reporting.domain.statistics import check_half_year


def _reports(runtime: CurrentRuntime) -> ReportHandler:
    return ReportHandler(runtime.store, runtime.pool)


Reports = Annotated[ReportHandler, Depends(_reports)]

router = APIRouter(tags=["reporting"])
HalfYear = HalfYearQuery
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Confirm(RequestBody):
    confirm_digest: Id = Field(description="The `digest` of the previewed figures: the counted confirm them")


class AdvisorConfirm(RequestBody):
    confirm_digest: Id = Field(description="The `digest` of the advisor's previewed figures")
    unit_id: Id | None = Field(default=None, description="Unit; only needed when they count for several")


class Return(RequestBody):
    reason: Reason = Field(description="退回原因：需要更正的内容")


def county_of_principal(who: Principal) -> str:
    if len(significant_prefix(who.scope)) < 6:
        raise ForbiddenError("该操作须由县级或县级以下的账号执行", field="scope")
    return county_of(who.scope)


async def _unit(runtime: Runtime, who: Principal) -> str:
    """The caller's own unit (`unit` claim) for the half-year report: 403 for any other role. A unit
    registered outside the token's scope was refused before the route ran (eventkit.unit_places)."""
    if who.role not in UNITS or not who.unit_id:
        raise ForbiddenError("只有司法所、律师事务所、法律援助中心可以报送半年台账报告")
    return who.unit_id


async def _table(
    runtime: Runtime, period: str, prefix: str, unit: str | None, today: date, field: str = "period"
) -> dict[str, Any]:
    """The statistics table of a period that has begun on `today`: one not begun is 422 naming it, as
    on the dashboard (`eventkit.periods.require_started`), never an empty table that reads as no work.
    `today` is the reader's day for a read (`phone_today_cst`), the server's for a submission."""
    require_started(period, today, field=field)
    return await statistics_table(runtime.pool, runtime.settings.schema, period, prefix, unit)


async def annual_table(runtime: Runtime, year: int, county: str, today: date) -> dict[str, Any]:
    """The county's year, begun on `today` (as `_table`): ledger figures of both halves and the
    advisors' assessment results."""
    table = await _table(runtime, str(year), county, None, today, field="year")
    results = await results_of(runtime.pool, runtime.settings.schema, county, year)
    results["concluded"] = sum(results["counts"].values())  # type: ignore[attr-defined]
    results["to_assess"] = len(await advisors_in_year(runtime.pool, runtime.settings.schema, year, county))
    table["assessment_results"] = results
    table["digest"] = digest(table)
    # outside the digest: the same figures confirmed today or tomorrow are the same figures
    # begun only on the reader's day: counted as of 1 January, not said to be 尚未开始 beside its figures
    table["coverage"] = year_coverage(year, seen_at(Period(year, PeriodKind.year), now_cst()))
    # R16, outside the digest too: not figures the advisors confirm, and approved at any time
    table["typical_cases"] = await approved_cases(runtime.pool, runtime.settings.schema, county, year)
    table["responsibilities"] = await county_duties(runtime.pool, runtime.settings.schema, county)
    return table


@router.get(
    "/statistics",
    summary="统计表 Statistics derived from the ledger (JSON or XLSX)",
    responses={200: {"content": {"application/json": {}, XLSX: {}}}},
)
async def statistics(
    who: CurrentPrincipal, runtime: CurrentRuntime, period: HalfYear, division: str | None = None,
    unit_id: str | None = None, format: Literal["json", "xlsx"] = "json",
) -> Any:  # fmt: skip
    prefix = scope_prefix(who, division)
    where = (
        await unit_division(runtime.pool, runtime.settings.schema, unit_id) if unit_id is not None else None
    )
    unit_id = who.listed_unit(unit_id, where)  # a unit its own rows only (inside its scope: unit_places)
    table = await _table(runtime, period, prefix, unit_id, phone_today_cst())
    division = division or who.scope
    if format == "json":
        return table
    # named as people know them: 正宁县 2026年下半年, never the code (621025 2026H2)
    names = await names_of(runtime.pool, runtime.settings.schema, [division, *([unit_id] if unit_id else [])])
    whose = names.get(unit_id or "") or names.get(division, division)
    label = parse_period(period).label
    scope = f"统计范围：{names.get(division, division)}（{division}）" + (f"，{whose}" if unit_id else "")
    lines = [scope, "数据来源：工作台账（已作废的记录不计，更正后的数据计入）；时间为北京时间（UTC+08:00）"]
    content = statistics_workbook(table, f"{whose} {label} 法律顾问工作统计表", lines)
    headers = {"Content-Disposition": attachment(f"法律顾问工作统计表-{whose}-{period}.xlsx")}
    return Response(content, media_type=XLSX, headers=headers)


@router.get("/reports/half-year/{period}/preview", summary="预览半年台账报告 Preview the unit's figures")
async def preview_half_year(
    who: CurrentPrincipal, runtime: CurrentRuntime, period: HalfYearPath
) -> dict[str, Any]:
    """The unit's table with `advisors`: each advisor with figures and whether they confirmed them."""
    unit, county = await _unit(runtime, who), significant_prefix(county_of_principal(who))
    seen = phone_today_cst()  # a read: begun on the reader's day
    table = await _table(runtime, check_half_year(period, seen), county, unit, seen)
    table["advisors"] = await advisor_states(runtime.pool, runtime.settings.schema, period, county, unit)
    return table


@router.get(
    "/reports/half-year/{period}/my-figures", summary="法律顾问预览本人半年数据 The advisor's own figures"
)
async def my_half_year(
    who: CurrentPrincipal, runtime: CurrentRuntime, period: HalfYearPath, unit_id: str | None = None
) -> dict[str, Any]:
    """The advisor's own rows of their unit's half-year table with its `digest` and `state`
    (confirmed / pending / changed); `unit_id` null and no rows when they logged nothing.
    Advisors only (adapters/reads.py)."""
    county = significant_prefix(county_of_principal(who))
    pool, schema = runtime.pool, runtime.settings.schema
    begun = check_half_year(period, phone_today_cst())  # a read: the reader's day
    unit = await advisor_unit(pool, schema, begun, county, who.subject, unit_id)
    if unit is None:
        return {"period": period, "unit_id": None, "rows": [], "state": None, "digest": None}
    table = await statistics_table(pool, schema, period, county, unit, who.subject)
    mine = [
        a for a in await advisor_states(pool, schema, period, county, unit) if a["advisor_id"] == who.subject
    ]
    table["state"] = mine[0]["state"] if mine else None
    table["confirmed_at"] = mine[0]["confirmed_at"] if mine else None
    return table


@router.post(
    "/reports/half-year/{period}/confirmations", status_code=201,
    summary="法律顾问确认本人半年数据 The advisor confirms their figures",
)  # fmt: skip
async def confirm_half_year(
    who: CurrentPrincipal,
    runtime: CurrentRuntime,
    period: HalfYearPath,
    body: AdvisorConfirm,
    idem: Idempotent,
) -> dict[str, Any]:
    who.require_role(Role.advisor)
    county = significant_prefix(county_of_principal(who))
    pool, schema = runtime.pool, runtime.settings.schema
    begun = check_half_year(period, today_cst())  # a write: the server's day
    unit = await advisor_unit(pool, schema, begun, county, who.subject, body.unit_id)
    if unit is None:
        raise RuleViolationError("您本期没有可确认的数据", field="period")
    outcome = await confirm(runtime.store, pool, who, period, county, unit, body.confirm_digest, idem)
    return outcome.as_json()


@router.post(
    "/reports/half-year/{period}", status_code=201, summary="确认并报送半年台账报告 Confirm and submit"
)
async def submit_half_year(
    who: CurrentPrincipal,
    runtime: CurrentRuntime,
    handler: Reports,
    period: HalfYearPath,
    body: Confirm,
    idem: Idempotent,
) -> dict[str, Any]:
    unit, county = await _unit(runtime, who), county_of_principal(who)
    today = today_cst()  # a submission: the server's day, never the reader's
    table = await _table(runtime, check_half_year(period, today), county, unit, today)
    states = await advisor_states(runtime.pool, runtime.settings.schema, period, county, unit)
    require_all_confirmed({a["advisor_name"]: a["state"] for a in states})
    outcome = await handler.submit(
        who, ReportKind.half_year_ledger, period, unit, county, table, body.confirm_digest, idem
    )
    return outcome.as_json()


@router.get("/reports/annual/{year}/preview", summary="预览年度工作报告 Preview the county's year")
async def preview_annual(who: CurrentPrincipal, runtime: CurrentRuntime, year: YearPath) -> dict[str, Any]:
    """The county admin's (adapters/reads.py)."""
    return await annual_table(runtime, year, county_of_principal(who), phone_today_cst())


@router.post("/reports/annual/{year}", status_code=201, summary="报送年度工作报告 Submit the county's year")
async def submit_annual(
    who: CurrentPrincipal,
    runtime: CurrentRuntime,
    handler: Reports,
    year: YearPath,
    body: Confirm,
    idem: Idempotent,
) -> dict[str, Any]:
    who.require_role(Role.county_admin)
    county = county_of_principal(who)
    table = await annual_table(runtime, year, county, today_cst())  # a submission: the server's day
    kind = ReportKind.annual_results
    outcome = await handler.submit(
        who, kind, str(year), f"county-{county}", county, table, body.confirm_digest, idem
    )
    return outcome.as_json()


@router.post("/reports/{report_id}/approve", summary="审核通过（县级通过的年度报告逐级上报）")
async def approve(
    who: CurrentPrincipal, handler: Reports, report_id: str, idem: Idempotent
) -> dict[str, Any]:
    return (await handler.review(who, report_id, True, None, idem)).as_json()


@router.post("/reports/{report_id}/return", summary="退回报告（可重新报送）")
async def return_report(
    who: CurrentPrincipal, handler: Reports, report_id: str, body: Return, idem: Idempotent
) -> dict[str, Any]:
    return (await handler.review(who, report_id, False, body.reason, idem)).as_json()


@router.get("/reports", summary="报告列表 Reports in scope")
async def reports(
    who: CurrentPrincipal, runtime: CurrentRuntime, paging: Paging, division: str | None = None,
    kind: ReportKind | None = None, period: PeriodQuery = None,
    status: Literal["pending", "returned", "approved"] | None = None,
) -> dict[str, Any]:  # fmt: skip
    prefix = scope_prefix(who, division)
    filters = {"kind": kind and kind.value, "period": period, "status": status}
    if who.role in UNITS:
        filters["submitter"] = who.unit_id
    rows, total = await list_reports(
        runtime.pool,
        runtime.settings.schema,
        prefix,
        filters,
        paging.page_size,
        paging.offset,
    )
    return page_of(rows, total, paging)
