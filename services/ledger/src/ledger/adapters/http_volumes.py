"""Ledger HTTP API, volumes: view, export (XLSX, printable HTML) and verify the hash chain."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from eventkit.clock import now_cst
from eventkit.dependencies import CurrentPrincipal, CurrentRuntime
from eventkit.params import PeriodQuery, YearPath
from eventkit.runtime import Runtime
from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse, Response

from ledger.adapters.export_html import volume_html
from ledger.adapters.export_xlsx import volume_xlsx
from ledger.application import volumes

router = APIRouter(prefix="/volumes/{kind}/{owner}/{year}", tags=["ledger: volumes"])
VolumeKind = Annotated[str, Path(description="village (一村一卷) or unit (一所一卷)")]
Owner = Annotated[str, Path(description="Village code or unit id")]
Year = YearPath
PeriodQ = PeriodQuery
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _volume(runtime: Runtime, who: Any, kind: str, owner: str, year: int, period: str | None) -> Any:
    return await volumes.volume(runtime.pool, runtime.store.schema, who, kind, owner, year, period)


@router.get("", summary="卷册 A volume: entries numbered in order of occurrence, chain head")
async def volume(
    kind: VolumeKind,
    owner: Owner,
    year: Year,
    who: CurrentPrincipal,
    runtime: CurrentRuntime,
    period: PeriodQ = None,
) -> dict[str, Any]:
    return await _volume(runtime, who, kind, owner, year, period)  # type: ignore[no-any-return]


@router.get("/export.xlsx", summary="导出 XLSX（中文表头，附链头）", response_class=Response)
async def export_xlsx(
    kind: VolumeKind,
    owner: Owner,
    year: Year,
    who: CurrentPrincipal,
    runtime: CurrentRuntime,
    period: PeriodQ = None,
) -> Response:
    data = await _volume(runtime, who, kind, owner, year, period)
    name = quote(f"工作台账-{owner}-{data['period']}.xlsx")
    headers = {
        "Content-Disposition": f"attachment; filename*=UTF-8''{name}",
        "X-Chain-Head": data["chain"]["head"],
    }
    return Response(volume_xlsx(data, now_cst()), media_type=XLSX, headers=headers)


@router.get("/export.html", summary="打印页（中文表头，附链头）", response_class=HTMLResponse)
async def export_html(
    kind: VolumeKind,
    owner: Owner,
    year: Year,
    who: CurrentPrincipal,
    runtime: CurrentRuntime,
    period: PeriodQ = None,
) -> HTMLResponse:
    data = await _volume(runtime, who, kind, owner, year, period)
    return HTMLResponse(volume_html(data, now_cst()), headers={"X-Chain-Head": data["chain"]["head"]})


@router.post("/verify", summary="校验卷册哈希链 Verify: names the first entry that does not match")
async def verify(
    kind: VolumeKind, owner: Owner, year: Year, who: CurrentPrincipal, runtime: CurrentRuntime
) -> dict[str, Any]:
    return await volumes.verify(runtime.pool, runtime.store.schema, who, kind, owner, year)
