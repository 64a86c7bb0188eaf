"""Ledger HTTP API, typical cases (典型案例, R16): propose an entry, the county approves or returns it,
the lists. Publishing is reporting's (the county's public page reads approved cases from there)."""

from __future__ import annotations

from typing import Annotated, Any

from eventkit.dependencies import CurrentPrincipal, CurrentRuntime, Idempotent
from eventkit.paging import Paging
from eventkit.params import BegunAnyYearQuery
from fastapi import APIRouter, Depends
from pydantic import Field
from vc_contracts.catalogue.fields import FreeText, Reason, ShortText

from ledger.adapters.bodies import Body
from ledger.application.typical_cases import TypicalCaseCommands, case_of_entry, list_cases
from ledger.domain.typical_cases import Status

router = APIRouter(tags=["ledger: typical cases"])


def _commands(runtime: CurrentRuntime) -> TypicalCaseCommands:
    return TypicalCaseCommands(runtime.store, runtime.pool)


Cases = Annotated[TypicalCaseCommands, Depends(_commands)]


class CaseIn(Body):
    title: ShortText = Field(description="Title of the write-up, without any resident's name")
    text: FreeText = Field(description="The anonymised write-up: what happened, what was done, the result")


class ReturnIn(Body):
    reason: Reason = Field(description="Why it is returned (退回原因)")


@router.post("/entries/{entry_id}/typical-case", status_code=201, summary="推荐为典型案例 Propose")
async def propose(
    entry_id: str, body: CaseIn, who: CurrentPrincipal, cases: Cases, idem: Idempotent
) -> dict[str, Any]:
    """The advisor who logged the entry, or its unit, proposes it (again, after a return).

    Errors: 403 `forbidden`, 404 `not_found`, 409 `conflict` (pending or approved already),
    422 `rule_violated` (kind, voided entry, a party's name or a phone/ID number; `field` names
    `title` or `text`), 422 `validation_failed`."""
    return await cases.propose(who, entry_id, body.title, body.text, idem)


@router.get("/entries/{entry_id}/typical-case", summary="该记录的典型案例 The entry's case, if any")
async def entry_case(entry_id: str, who: CurrentPrincipal, runtime: CurrentRuntime) -> dict[str, Any]:
    return await case_of_entry(runtime.pool, runtime.store.schema, who, entry_id)


@router.post("/typical-cases/{case_id}/approval", status_code=201, summary="县司法局审核通过 Approve")
async def approve(case_id: str, who: CurrentPrincipal, cases: Cases, idem: Idempotent) -> dict[str, Any]:
    """The county administrator approves a pending case of its county: 403, 404, 409 not pending."""
    return await cases.decide(who, case_id, None, idem)


@router.post("/typical-cases/{case_id}/return", status_code=201, summary="县司法局退回 Return")
async def return_case(
    case_id: str, body: ReturnIn, who: CurrentPrincipal, cases: Cases, idem: Idempotent
) -> dict[str, Any]:
    """The county administrator returns a pending case with a reason: 403, 404, 409 not pending."""
    return await cases.decide(who, case_id, body.reason, idem)


@router.get("/typical-cases", summary="典型案例列表 Typical cases in scope")
async def typical_cases(
    who: CurrentPrincipal,
    runtime: CurrentRuntime,
    paging: Paging,
    status: Status | None = None,
    year: BegunAnyYearQuery = None,
) -> dict[str, Any]:
    """Newest proposal first: an advisor's own, a unit's advisors', an administrator's scope."""
    return await list_cases(runtime.pool, runtime.store.schema, who, status, year, paging)
