"""Ledger HTTP API, backfill import: the file is the request body (CSV or XLSX).

The answer comes when the import is done (201, or 200 when nothing was new; 422 `import_rejected`
with every problem by row and column, nothing written). Its id is in the `Location` header and the
logs; `GET /imports/{id}` (eventkit.imports) shows the rows parsed, checked and written meanwhile.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from eventkit.auth import UNITS
from eventkit.dependencies import CurrentPrincipal, CurrentRuntime
from eventkit.idempotency import IdempotencyKey, answer_if_stored, fingerprint
from eventkit.imports import imports_of
from eventkit.workbook_bytes import attachment
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from ledger.adapters.import_template import template_xlsx
from ledger.application.assignments_view import example_of_unit
from ledger.application.import_columns import COLUMNS
from ledger.application.importing import import_file

router = APIRouter(tags=["ledger: import"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_TYPES = {
    "text/csv": {"schema": {"type": "string"}},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "schema": {"type": "string", "format": "binary"}
    },
    # what a client sends for a file it has no type for; the content says CSV or XLSX (as the
    # registry's imports): any other type is 415 at the edge (eventkit.edge)
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
}


@router.post(
    "/imports",
    status_code=201,
    summary="补录导入 Backfill past entries from a CSV or XLSX file (body = the file)",
    openapi_extra={"requestBody": {"required": True, "content": _TYPES}},
    responses={200: {"description": "Nothing new: every row had been imported before"}},
)
async def import_entries(
    request: Request,
    runtime: CurrentRuntime,
    who: CurrentPrincipal,
    file_format: Annotated[Literal["csv", "xlsx"] | None, Query(alias="format")] = None,
    key: IdempotencyKey = None,
) -> Any:
    """The format is recognised from the content (an XLSX file is a zip); `format` is accepted as is.

    An XLSX is read from its sheet 补录台账 (the template's) when it is visible, else from its one
    visible sheet with data rows (two or more are refused naming them); a hidden sheet is never read.
    A file that is no sheet (an HTML table named .xls, a PDF, an ODS) is refused naming what it is.
    The answer names the sheet read:
    `{"rows": 1, "imported": 1, "unchanged": 0, "sheet": "补录台账"}` (no `sheet` for a CSV). A CSV
    whose double quotes do not pair is refused by the row and column where the quote opens.

    With an `Idempotency-Key` the import is a command like any other (eventkit.idempotency): the
    same file again under it gets the first answer back byte for byte (201 and its counts, not a
    fresh 200 "unchanged"), another file under it is 422 `idempotency_key_reused`, nothing read.
    Without one, a file sent again is still harmless: its rows are keyed by their 客户端编号."""
    content = await request.body()  # its size is bounded at the edge (eventkit.edge, VC_MAX_UPLOAD_BYTES)
    idem = None
    if key is not None:  # the file is hashed only when a key asks for it (a large import: ~0.1 s)
        idem = await fingerprint(request, who, key)
        await answer_if_stored(runtime.pool, idem)
    with imports_of(request.app).tracked(who.subject) as progress:
        report = await import_file(runtime.store, who, content, progress, runtime.workers, idem)
    headers = {"Location": f"/imports/{progress.import_id}"}
    status = 201 if report.imported else 200
    return JSONResponse(status_code=status, content=report.as_json(), headers=headers)


@router.get(
    "/imports/template",
    summary="补录导入模板 The backfill template (XLSX: the headings and one example row)",
    responses={200: {"content": {XLSX: {}}}},
)
async def import_template(who: CurrentPrincipal, runtime: CurrentRuntime) -> Response:
    """Units only (403 otherwise). The example row names one of the unit's current advisors and
    one of their villages (placeholders while the unit has none), so the ids a row needs are seen."""
    who.require_role(*UNITS)
    unit = str(who.unit_id)  # a unit's token always carries its unit (eventkit.auth)
    advisor, village = await example_of_unit(runtime.pool, runtime.settings.schema, unit)
    headers = {"Content-Disposition": attachment("台账补录模板.xlsx")}
    return Response(template_xlsx(advisor, village), media_type=XLSX, headers=headers)


@router.get(
    "/imports/template/columns",
    summary="补录导入模板的列 The template's headings, in its order (JSON)",
)
async def import_template_columns(who: CurrentPrincipal) -> dict[str, Any]:
    """`{"items": [{"field": "advisor_id", "label": "法律顾问编号", "also": ["顾问编号"]}, ...]}`:
    each column's field name, the heading the template writes (`label`) and the other headings
    the import accepts. The import page names its columns from here, so page and template cannot
    drift apart. Units only (403 otherwise), like the template."""
    who.require_role(*UNITS)
    return {"items": [{"field": c.name, "label": c.label, "also": list(c.aliases[1:])} for c in COLUMNS]}
