"""Ledger HTTP API, logging: one route per kind of entry (advisors log their own work)."""

from __future__ import annotations

from typing import Annotated, Any

from eventkit.auth import Principal
from eventkit.dependencies import CurrentPrincipal, CurrentRuntime, IdempotentLater
from eventkit.idempotency import Idempotency
from fastapi import APIRouter, Depends

from ledger.adapters.bodies import (
    ConsultationIn,
    DocumentReviewIn,
    EntryIn,
    LectureIn,
    MediationIn,
    PublicityIn,
    VisitIn,
)
from ledger.application.commands import LedgerCommands

router = APIRouter(tags=["ledger: logging"])


def _commands(runtime: CurrentRuntime) -> LedgerCommands:
    return LedgerCommands(runtime.store, runtime.pool)


Commands = Annotated[LedgerCommands, Depends(_commands)]


async def _log(body: EntryIn, who: Principal, commands: LedgerCommands, idem: Idempotency) -> dict[str, Any]:
    start, end = body.span()
    return await commands.log(
        who, body.kind, body.village_code, start, end, body.details(), body.note, body.client_entry_id, idem
    )


@router.post("/visits", status_code=201, summary="登记驻点服务 Log an on-site visit")
async def log_visit(
    body: VisitIn, who: CurrentPrincipal, commands: Commands, idem: IdempotentLater
) -> dict[str, Any]:
    return await _log(body, who, commands, idem)


@router.post("/lectures", status_code=201, summary="登记法治讲座 Log a legal-knowledge lecture")
async def log_lecture(
    body: LectureIn, who: CurrentPrincipal, commands: Commands, idem: IdempotentLater
) -> dict[str, Any]:
    return await _log(body, who, commands, idem)


@router.post("/publicity-events", status_code=201, summary="登记普法宣传活动 Log a law-publicity event")
async def log_publicity(
    body: PublicityIn, who: CurrentPrincipal, commands: Commands, idem: IdempotentLater
) -> dict[str, Any]:
    return await _log(body, who, commands, idem)


@router.post("/consultations", status_code=201, summary="登记法律咨询（现场、微信群、电话、网络）")
async def log_consultation(
    body: ConsultationIn, who: CurrentPrincipal, commands: Commands, idem: IdempotentLater
) -> dict[str, Any]:
    return await _log(body, who, commands, idem)


@router.post("/mediations", status_code=201, summary="登记纠纷调解 Log a mediated dispute")
async def log_mediation(
    body: MediationIn, who: CurrentPrincipal, commands: Commands, idem: IdempotentLater
) -> dict[str, Any]:
    return await _log(body, who, commands, idem)


@router.post("/document-reviews", status_code=201, summary="登记文书审查 Log a document review")
async def log_document_review(
    body: DocumentReviewIn, who: CurrentPrincipal, commands: Commands, idem: IdempotentLater
) -> dict[str, Any]:
    return await _log(body, who, commands, idem)
