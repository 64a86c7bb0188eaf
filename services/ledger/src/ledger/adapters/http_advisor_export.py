"""Ledger HTTP API, an advisor's work of a period as XLSX: the entries across the villages served,
and every volume they sit in with its chain head and verification result."""

from __future__ import annotations

import asyncio
from typing import Annotated

from eventkit.clock import now_cst
from eventkit.params import BegunPeriodRequired
from eventkit.runtime import runtime_of
from eventkit.web import CurrentPrincipal
from eventkit.workbook_bytes import attachment
from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from ledger.adapters.export_xlsx import advisor_xlsx
from ledger.application.advisor_ledger import advisor_ledger

router = APIRouter(tags=["ledger: volumes"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AdvisorId = Annotated[str, Path(min_length=1, max_length=64, description="The advisor's registry id")]


@router.get(
    "/advisors/{advisor_id}/export.xlsx",
    summary="导出法律顾问某期间的工作记录 XLSX（跨所服务的村，附各卷册链头与校验结果）",
    response_class=Response,
)
async def export_advisor_xlsx(
    advisor_id: AdvisorId, period: BegunPeriodRequired, who: CurrentPrincipal, request: Request
) -> Response:
    """The advisor themself, their unit, or administrators of a village they served (403
    `forbidden` otherwise, 404 `not_found` for an unknown advisor, 422 `validation_failed` for a
    missing or malformed period). `X-Volumes-Verified: true|false` says whether every volume passed."""
    runtime = runtime_of(request)
    work = await advisor_ledger(runtime.pool, runtime.store.schema, who, advisor_id, period)
    name = f"法律顾问工作记录-{work['advisor_name']}-{period}.xlsx"
    headers = {
        "Content-Disposition": attachment(name),
        "X-Volumes-Verified": "true" if work["all_verified"] else "false",
    }
    body = await asyncio.to_thread(advisor_xlsx, work, now_cst())  # seconds for a busy year: off the loop
    return Response(body, media_type=XLSX, headers=headers)
