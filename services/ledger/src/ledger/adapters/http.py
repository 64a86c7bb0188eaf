"""Ledger HTTP API."""

from __future__ import annotations

from typing import Annotated, Any

from eventkit.runtime import runtime_of
from eventkit.web import CurrentPrincipal
from fastapi import APIRouter, Header, Request
from pydantic import BaseModel, ConfigDict, Field
from vc_contracts import ShanghaiDateTime
from vc_contracts.catalogue.fields import VillageCode

from ledger.application.commands import LedgerCommands

router = APIRouter(tags=["ledger"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", description="Retry-safe request id")]


class VisitIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    village_code: VillageCode
    started_at: ShanghaiDateTime = Field(description="Arrival, with offset, e.g. 2025-03-05T09:00:00+08:00")
    ended_at: ShanghaiDateTime
    place: str = Field(min_length=1, max_length=200)
    summary: str = Field(min_length=1, max_length=2000)
    note: str = Field(default="", max_length=2000)
    client_entry_id: str | None = Field(default=None, min_length=1, max_length=128)


def _commands(request: Request) -> LedgerCommands:
    runtime = runtime_of(request)
    return LedgerCommands(runtime.store, runtime.pool)


@router.post("/visits", status_code=201, summary="登记驻点服务 Log an on-site visit")
async def log_visit(
    body: VisitIn, who: CurrentPrincipal, request: Request, key: IdempotencyKey = None
) -> dict[str, Any]:
    outcome = await _commands(request).log_visit(
        who,
        body.village_code,
        body.started_at,
        body.ended_at,
        body.place,
        body.summary,
        body.note,
        body.client_entry_id,
        key,
    )
    return outcome.as_json()
