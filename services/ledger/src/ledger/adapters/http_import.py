"""Ledger HTTP API, backfill import: the file is the request body (CSV or XLSX)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from eventkit.errors import ErrorBody, FieldError
from eventkit.logs import correlation_id
from eventkit.runtime import runtime_of
from eventkit.web import CurrentPrincipal
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from ledger.adapters.tabular import read_upload
from ledger.application.importing import import_rows
from ledger.domain.kinds import label

router = APIRouter(tags=["ledger: import"])
LISTED = 1000  # errors listed in one answer; the count says how many more there are
_TYPES = {
    "text/csv": {"schema": {"type": "string"}},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "schema": {"type": "string", "format": "binary"}
    },
}


def _rejected(errors: list[FieldError], rows: int) -> JSONResponse:
    shown = errors[:LISTED]
    more = f"（另有 {len(errors) - LISTED} 处未列出）" if len(errors) > LISTED else ""
    body = ErrorBody(
        code="import_rejected",
        message=f"导入未执行，未写入任何记录：{rows} 行中共有 {len(errors)} 处错误{more}，请修改后重新上传",
        field=shown[0].field if shown else None,
        errors=shown,
        correlation_id=correlation_id.get(),
    )
    return JSONResponse(status_code=422, content=body.model_dump(mode="json"))


@router.post(
    "/imports",
    status_code=201,
    summary="补录导入 Backfill past entries from a CSV or XLSX file (body = the file)",
    openapi_extra={"requestBody": {"required": True, "content": _TYPES}},
    responses={200: {"description": "Nothing new: every row had been imported before"}},
)
async def import_entries(
    request: Request,
    who: CurrentPrincipal,
    file_format: Annotated[Literal["csv", "xlsx"] | None, Query(alias="format")] = None,
) -> Any:
    content = await request.body()  # its size is bounded at the edge (eventkit.edge, VC_MAX_UPLOAD_BYTES)
    kind = request.headers.get("content-type", "")
    fmt = file_format or ("xlsx" if "spreadsheet" in kind or content[:2] == b"PK" else "csv")
    table, problems = read_upload(content, fmt)
    if problems:
        return _rejected(problems, len(table))
    runtime = runtime_of(request)
    report = await import_rows(runtime.store, who, table)
    if report.errors:
        errors = [
            FieldError(
                field=f"rows[{e.line}].{e.field}", reason=f"第 {e.line} 行「{label(e.field)}」：{e.reason}"
            )
            for e in sorted(report.errors, key=lambda e: e.line)
        ]
        return _rejected(errors, report.rows)
    answer = {"rows": report.rows, "imported": report.imported, "unchanged": report.unchanged}
    return JSONResponse(status_code=201 if report.imported else 200, content=answer)
