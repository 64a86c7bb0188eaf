"""Ledger HTTP API, entries: confirm, query, correct, void (new events, nothing edited) and read in scope."""

from __future__ import annotations

from typing import Any

from eventkit.dependencies import CurrentPrincipal, CurrentRuntime, Idempotent
from eventkit.paging import Paging
from eventkit.params import BegunPeriodQuery, OptionalVillageQuery
from fastapi import APIRouter

from ledger.adapters.bodies import CorrectionIn, QueryIn, VoidIn
from ledger.adapters.http import Commands
from ledger.application import queries
from ledger.domain.kinds import Kind

router = APIRouter(tags=["ledger: entries"])


@router.post("/entries/{entry_id}/confirmation", status_code=201, summary="村（居）委会确认 Confirm")
async def confirm(entry_id: str, who: CurrentPrincipal, commands: Commands, idem: Idempotent) -> Any:
    return await commands.confirm(who, entry_id, idem)


@router.post("/entries/{entry_id}/queries", status_code=201, summary="村（居）委会质疑 Query")
async def query(
    entry_id: str, body: QueryIn, who: CurrentPrincipal, commands: Commands, idem: Idempotent
) -> dict[str, Any]:
    """The village committee queries an entry of its village with a reason (EntryQueried).

    Errors: 403 `forbidden` (not a committee, or another village's entry), 404 `not_found`,
    409 `conflict` (voided, already confirmed, or already under query), 422 `validation_failed`
    (blank or too long reason), 422 `idempotency_key_reused` (the key reused for another body)."""
    return await commands.query(who, entry_id, body.reason, idem)


@router.post("/entries/{entry_id}/corrections", status_code=201, summary="更正（原记录保留）Correct")
async def correct(
    entry_id: str, body: CorrectionIn, who: CurrentPrincipal, commands: Commands, idem: Idempotent
) -> dict[str, Any]:
    return await commands.correct(who, entry_id, body.changes, body.reason, idem)


@router.post("/entries/{entry_id}/void", status_code=201, summary="作废（原记录保留）Void")
async def void(
    entry_id: str, body: VoidIn, who: CurrentPrincipal, commands: Commands, idem: Idempotent
) -> dict[str, Any]:
    return await commands.void(who, entry_id, body.reason, idem)


@router.get("/entries", summary="台账记录列表 List entries in scope")
async def list_entries(
    who: CurrentPrincipal,
    runtime: CurrentRuntime,
    paging: Paging,
    kind: Kind | None = None,
    period: BegunPeriodQuery = None,
    advisor_id: str | None = None,
    village_code: OptionalVillageQuery = None,
    unit_id: str | None = None,
    confirmed: bool | None = None,
    voided: bool | None = None,
) -> dict[str, Any]:
    filters = queries.EntryFilters(kind, period, advisor_id, village_code, unit_id, confirmed, voided)
    return await queries.list_entries(runtime.pool, runtime.store.schema, who, filters, paging)


@router.get("/entries/{entry_id}", summary="台账记录详情（含确认、更正、作废历史）")
async def entry(entry_id: str, who: CurrentPrincipal, runtime: CurrentRuntime) -> dict[str, Any]:
    return await queries.entry_detail(runtime.pool, runtime.store.schema, who, entry_id)
