"""Bulk imports over HTTP: the file is the request body (CSV or XLSX), answered all-or-nothing."""

from __future__ import annotations

from typing import Any

from eventkit.auth import ADMINS
from eventkit.dependencies import CurrentPrincipal, CurrentRuntime, Idempotent
from eventkit.imports import imports_of
from fastapi import APIRouter, Request

from registry.application.division_import import import_divisions
from registry.application.roster_import import import_roster

router = APIRouter(tags=["registry imports"])
_SHEET = {"schema": {"type": "string", "format": "binary"}}
READ = (
    " An XLSX is read from its one visible sheet with data rows (a hidden sheet is never read; two or"
    " more such sheets are refused naming them); the answer names it (`sheet`). A file that is no sheet"
    " (an HTML table named .xls, a PDF, an ODS) is refused naming what it is. A CSV whose double quotes"
    " do not pair is refused by the row and column where the quote opens."
)
UPLOAD = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _SHEET,
            "application/octet-stream": _SHEET,
        },
    }
}


@router.post(
    "/divisions/import",
    status_code=201,
    summary="导入行政区划 Import a county's or province's division list",
    description="Columns: code/代码, name/名称, [level/级别], [parent_code/上级代码]." + READ,
    openapi_extra=UPLOAD,
)
async def divisions_import(
    who: CurrentPrincipal, request: Request, runtime: CurrentRuntime, idem: Idempotent
) -> dict[str, Any]:
    who.require_role(*ADMINS)
    store, content = runtime.store, await request.body()
    with imports_of(request.app).tracked(who.subject) as progress:
        return await import_divisions(store, who, content, idem, progress)


@router.post(
    "/roster/import",
    status_code=201,
    summary="导入顾问花名册 Import units, advisors and assignments",
    description="One row per advisor (and the village served). See the README for the columns." + READ,
    openapi_extra=UPLOAD,
)
async def roster_import(
    who: CurrentPrincipal, request: Request, runtime: CurrentRuntime, idem: Idempotent
) -> dict[str, Any]:
    who.require_role(*ADMINS)
    store, content = runtime.store, await request.body()
    with imports_of(request.app).tracked(who.subject) as progress:
        return await import_roster(store, who, content, idem, progress)
