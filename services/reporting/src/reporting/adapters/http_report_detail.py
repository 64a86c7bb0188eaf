"""One report with its escalation path, the written annual report (R14) as a Word document, and a
volume's links as first sealed checked against its latest seal (the volume page's second check)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from eventkit.auth import ADMINS, UNITS, Role
from eventkit.clock import phone_today_cst
from eventkit.dependencies import CurrentPrincipal, CurrentRuntime
from eventkit.errors import ConflictError, ForbiddenError, NotFoundError
from eventkit.params import YearPath
from eventkit.runtime import Runtime
from eventkit.workbook_bytes import attachment
from fastapi import APIRouter, Query, Response
from vc_contracts.base import CST
from vc_contracts.chain import parse_volume_id
from vc_contracts.divisions import province_of

from reporting.adapters.docx_report import DOCX, annual_document
from reporting.adapters.http_reports import annual_table, county_of_principal
from reporting.application import seals_view
from reporting.application.report_detail import Offices, describe, names_of, report_row, timeline
from reporting.application.seals_view import head_checks, submitted_heads

router = APIRouter(tags=["reporting"])


async def _detail(runtime: Runtime, who: Any, report_id: str) -> dict[str, Any]:
    pool, schema = runtime.pool, runtime.settings.schema
    row = await report_row(pool, schema, who, report_id)
    ids = [row["submitter"], row["county"], row["city"], province_of(row["county"]), *row["confirmed_by"]]
    offices = Offices(row, await names_of(pool, schema, ids))
    steps = await timeline(runtime.store, report_id, offices)
    heads = await submitted_heads(pool, schema, report_id)
    owners = await names_of(pool, schema, [h[0].split(":")[1] for h in heads])
    return {**describe(row, steps, offices), "heads": await head_checks(pool, schema, heads, owners)}


def _docx(content: bytes, name: str) -> Response:
    headers = {"Content-Disposition": attachment(f"{name}.docx")}  # a Chinese name, as every export
    return Response(content, media_type=DOCX, headers=headers)


@router.get("/reports/{report_id}", summary="报告详情及审核流转记录 One report and its events in order")
async def report(who: CurrentPrincipal, runtime: CurrentRuntime, report_id: str) -> dict[str, Any]:
    """The report (figures with their counting rules, status, level under review, `version` = times
    submitted) and `events`: its escalation path in order. 403 outside scope or another unit's; 404."""
    return await _detail(runtime, who, report_id)


@router.get(
    "/reports/{report_id}/document",
    summary="书面年度工作报告（Word） The written annual report of a submitted report",
    responses={200: {"content": {DOCX: {}}}},
)
async def report_document(who: CurrentPrincipal, runtime: CurrentRuntime, report_id: str) -> Response:
    """DOCX built from the figures the report carries (never retyped). 409 for a half-year report."""
    detail = await _detail(runtime, who, report_id)
    if detail["kind"] != "annual_results":
        raise ConflictError("只有年度工作报告生成书面报告", field="report_id")
    meta = {
        "county_name": detail["county_name"], "year": detail["period"], "status_name": detail["status_name"],
        "submissions": detail["version"], "report_id": report_id, "generated_at": datetime.now(CST),
    }  # fmt: skip
    content = annual_document(meta, detail["figures"], detail["events"])
    return _docx(content, f"年度工作报告-{detail['county_name'] or detail['county']}-{detail['period']}")


@router.get(
    "/reports/annual/{year}/document",
    summary="书面年度工作报告预览（Word） The written annual report from the previewed figures",
    responses={200: {"content": {DOCX: {}}}},
)
async def preview_document(who: CurrentPrincipal, runtime: CurrentRuntime, year: YearPath) -> Response:
    """County administrators only (403 otherwise): the same figures as GET /reports/annual/{year}/preview."""
    who.require_role(Role.county_admin)
    county = county_of_principal(who)
    figures = await annual_table(runtime, year, county, phone_today_cst())  # a read: the reader's day
    names = await names_of(runtime.pool, runtime.settings.schema, [county])
    meta = {
        "county_name": names.get(county, county), "year": year, "status_name": "未提交",
        "submissions": 0, "report_id": None, "generated_at": datetime.now(CST),
    }  # fmt: skip
    name = f"年度工作报告-{meta['county_name']}-{year}-预览"
    return _docx(annual_document(meta, figures, []), name)


@router.get(
    "/sealed-volumes/{volume_id}",
    summary="卷册与首次封存核对 A volume's links as first sealed (VolumeSealed) against its latest seal",
    description="{volume_id, county, kind, owner, length, head, ok, first_mismatch: null | {seq, entry_id,"
    " event_id, reason}, message}: what the ledger's volume page shows next to the ledger's own verify."
    " 404 not_found (field volume_id) for a malformed id or a volume not sealed yet; 403 outside scope:"
    " a village volume for its committee and the administrators above it, a unit volume for the unit"
    " and the administrators of its county. With `?missing=ok`, a well-formed volume in scope that is not"
    " sealed yet is 200 {volume_id, sealed: false} instead of 404 (a page asking every time, before the"
    " ledger's daily seal has run); a sealed one carries sealed: true either way.",
)
async def sealed_volume(
    volume_id: str,
    who: CurrentPrincipal,
    runtime: CurrentRuntime,
    missing: Annotated[
        Literal["ok"] | None,
        Query(description="ok: answer 200 {sealed: false} for a volume not sealed yet, not 404"),
    ] = None,
) -> dict[str, Any]:
    pool, schema = runtime.pool, runtime.settings.schema
    parts = parse_volume_id(volume_id)  # its shape before the caller's scope: malformed is 404 for all
    if parts is None:
        shape = "应为 village:村代码:年度 或 unit:单位编号:年度"
        raise NotFoundError(f"卷册编号 {volume_id} 格式不正确，{shape}", field="volume_id")
    kind, owner, _ = parts
    if kind == "village" and (who.role in ADMINS or who.role is Role.village_committee):
        who.require_division(owner, "volume_id")
    elif kind == "unit" and who.role in UNITS and who.unit_id == owner:
        pass
    elif kind != "unit" or who.role not in ADMINS:
        raise ForbiddenError("无权查看该卷册", field="volume_id")
    checked = await seals_view.volume_check(pool, schema, volume_id)
    if checked is None and missing == "ok":  # scope was checked above; an unsealed unit volume has no
        return {"volume_id": volume_id, "sealed": False}  # county yet, so nothing more to compare
    if checked is None:
        raise NotFoundError(f"卷册 {volume_id} 尚无封存记录", field="volume_id")
    if kind == "unit" and who.role in ADMINS:
        who.require_division(checked["county"] or "", "volume_id")
    return {**checked, "sealed": True}
