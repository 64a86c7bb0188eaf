"""Ledger HTTP API, logging: one route per kind of entry (advisors log their own work)."""

from __future__ import annotations

from typing import Any

from eventkit.idempotency import Idempotency, IdempotentLater
from eventkit.runtime import runtime_of
from eventkit.web import CurrentPrincipal
from fastapi import APIRouter, Request

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


def commands(request: Request) -> LedgerCommands:
    runtime = runtime_of(request)
    return LedgerCommands(runtime.store, runtime.pool)


async def _log(body: EntryIn, who: CurrentPrincipal, request: Request, idem: Idempotency) -> dict[str, Any]:
    start, end = body.span()
    return await commands(request).log(
        who, body.kind, body.village_code, start, end, body.details(), body.note, body.client_entry_id, idem
    )


@router.post("/visits", status_code=201, summary="登记驻点服务 Log an on-site visit")
async def log_visit(
    body: VisitIn, who: CurrentPrincipal, request: Request, idem: IdempotentLater
) -> dict[str, Any]:
    return await _log(body, who, request, idem)


@router.post("/lectures", status_code=201, summary="登记法治讲座 Log a legal-knowledge lecture")
async def log_lecture(
    body: LectureIn, who: CurrentPrincipal, request: Request, idem: IdempotentLater
) -> dict[str, Any]:
    return await _log(body, who, request, idem)


@router.post("/publicity-events", status_code=201, summary="登记普法宣传活动 Log a law-publicity event")
async def log_publicity(
    body: PublicityIn, who: CurrentPrincipal, request: Request, idem: IdempotentLater
) -> dict[str, Any]:
    return await _log(body, who, request, idem)


@router.post("/consultations", status_code=201, summary="登记法律咨询（现场、微信群、电话、网络）")
async def log_consultation(
    body: ConsultationIn, who: CurrentPrincipal, request: Request, idem: IdempotentLater
) -> dict[str, Any]:
    return await _log(body, who, request, idem)


@router.post("/mediations", status_code=201, summary="登记纠纷调解 Log a mediated dispute")
async def log_mediation(
    body: MediationIn, who: CurrentPrincipal, request: Request, idem: IdempotentLater
) -> dict[str, Any]:
    return await _log(body, who, request, idem)


@router.post("/document-reviews", status_code=201, summary="登记文书审查 Log a document review")
async def log_document_review(
    body: DocumentReviewIn, who: CurrentPrincipal, request: Request, idem: IdempotentLater
) -> dict[str, Any]:
    return await _log(body, who, request, idem)
