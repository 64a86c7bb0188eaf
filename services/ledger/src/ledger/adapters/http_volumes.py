"""Ledger HTTP API, volumes: view, export (XLSX, printable HTML, the JSON check file), the QR code
of the chain head, and verify the hash chain."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from eventkit.clock import now_cst
from eventkit.dependencies import CurrentPrincipal, CurrentRuntime
from eventkit.errors import NotFoundError
from eventkit.params import BegunPeriodQuery, BegunYearPath
from eventkit.runtime import Runtime
from eventkit.workbook_bytes import attachment
from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse, JSONResponse, Response
from vc_contracts.chain import GENESIS

from ledger.adapters.export_html import volume_html
from ledger.adapters.export_qr import head_svg
from ledger.adapters.export_xlsx import volume_xlsx
from ledger.application import volumes
from ledger.application.volumes import EXPORT_FORMAT

router = APIRouter(prefix="/volumes/{kind}/{owner}/{year}", tags=["ledger: volumes"])
by_id = APIRouter(prefix="/volumes/{volume_id}", tags=["ledger: volumes"])
VolumeId = Annotated[str, Path(description="kind:owner:year, e.g. village:621025100200:2026")]
VolumeKind = Annotated[str, Path(description="village (一村一卷) or unit (一所一卷)")]
Owner = Annotated[str, Path(description="Village code or unit id")]
Year = BegunYearPath
PeriodQ = BegunPeriodQuery
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _check_file(runtime: Runtime, who: Any, vid: str, volume: dict[str, Any]) -> dict[str, Any]:
    """The check file of a volume already read (scope checked): an empty one when it has no links."""
    try:
        return await volumes.export_json(runtime.pool, runtime.store.schema, who, vid)
    except NotFoundError:
        return {"format": EXPORT_FORMAT, "volume_id": vid, "kind": volume["kind"], "owner": volume["owner"],
                "owner_name": volume["owner_name"], "year": volume["year"], "length": 0, "head": GENESIS,
                "links": []}  # fmt: skip


def _json_file(check: dict[str, Any]) -> JSONResponse:
    name = f"校验文件-{check['kind']}-{check['owner']}-{check['year']}.json"
    headers = {"Content-Disposition": attachment(name), "X-Chain-Head": check["head"]}
    return JSONResponse(check, headers=headers)


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
    check = await _check_file(runtime, who, data["volume_id"], data)
    name = f"工作台账-{data['owner_name']}-{data['period']}.xlsx"  # the pages say it: a name, not an id
    headers = {
        "Content-Disposition": attachment(name),
        "X-Chain-Head": data["chain"]["head"],
    }
    # seconds of CPU for a large volume: in a worker thread, so the service keeps answering meanwhile
    body = await asyncio.to_thread(volume_xlsx, data, now_cst(), check)
    return Response(body, media_type=XLSX, headers=headers)


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
    page = await asyncio.to_thread(volume_html, data, now_cst())
    return HTMLResponse(page, headers={"X-Chain-Head": data["chain"]["head"]})


@router.post("/verify", summary="校验卷册哈希链 Verify: names the first entry that does not match")
async def verify(
    kind: VolumeKind, owner: Owner, year: Year, who: CurrentPrincipal, runtime: CurrentRuntime
) -> dict[str, Any]:
    return await volumes.verify(runtime.pool, runtime.store.schema, who, kind, owner, year)


@router.get("/export.json", summary="校验文件 Check file (vc-volume/1): /volumes/{volume_id}/export.json")
async def export_json(
    kind: VolumeKind, owner: Owner, year: Year, who: CurrentPrincipal, runtime: CurrentRuntime
) -> JSONResponse:
    vid = f"{kind}:{owner}:{year}"
    return _json_file(await volumes.export_json(runtime.pool, runtime.store.schema, who, vid))


@router.get("/head.svg", summary="卷册链头二维码 QR code (SVG) of 'volume_id head'", response_class=Response)
async def head_qr(
    kind: VolumeKind, owner: Owner, year: Year, who: CurrentPrincipal, runtime: CurrentRuntime
) -> Response:
    vid, head = await volumes.head(runtime.pool, runtime.store.schema, who, kind, owner, year)
    return Response(head_svg(vid, head), media_type="image/svg+xml", headers={"X-Chain-Head": head})


@by_id.get(
    "/export.json",
    summary="校验文件 A volume's check file for a verifier without our database (format vc-volume/1)",
    description="{format, volume_id, kind, owner, owner_name, year, length, head, links: [{seq, entry_id,"
    " event_id, event_type, canonical_version, link, canonical}]}: links in seq order, `canonical` the exact"
    " text hashed. 404 (not_found, field volume_id) for a malformed id or a volume without entries.",
)
async def export_json_by_id(
    volume_id: VolumeId, who: CurrentPrincipal, runtime: CurrentRuntime
) -> JSONResponse:
    return _json_file(await volumes.export_json(runtime.pool, runtime.store.schema, who, volume_id))
