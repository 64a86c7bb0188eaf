"""Advisor vetting over HTTP (R2): a unit nominates for itself, the county section approves or
rejects with a reason; both read the nominations (the county's inbox, the unit's list)."""

from __future__ import annotations

from typing import Annotated, Any

from eventkit.auth import UNITS, Role
from eventkit.dependencies import CurrentPrincipal, CurrentRuntime, Idempotent, Store
from eventkit.paging import Paging
from fastapi import APIRouter, Depends, Query
from vc_contracts.catalogue.enums import AdvisorVetting
from vc_contracts.divisions import COUNTY_CODE_PATTERN

from registry.adapters import http_bodies as b
from registry.application import nomination_queries
from registry.application.commands import DirectoryCommands
from registry.application.sql_queries import ReadModel
from registry.domain import advisors

router = APIRouter(tags=["advisor vetting"])
Result = dict[str, Any]


def _directory(store: Store) -> DirectoryCommands:
    return DirectoryCommands(store)


def _read_model(runtime: CurrentRuntime) -> ReadModel:
    return ReadModel(runtime.pool, runtime.settings.schema)


Directory = Annotated[DirectoryCommands, Depends(_directory)]
Reads = Annotated[ReadModel, Depends(_read_model)]


@router.post("/nominations", status_code=201, summary="提名法律顾问 A unit nominates an advisor")
async def nominate(
    body: b.AdvisorIn, who: CurrentPrincipal, commands: Directory, db: Reads, idem: Idempotent
) -> Result:
    who.require_role(*UNITS)
    known = await nomination_queries.known_people(db, body.unit_id, body.name, body.licence_no)
    args = (body.advisor_id, body.name, body.kind, body.unit_id, body.phone, body.licence_no, idem)
    return (await commands.nominate_advisor(who, *args, known=known)).as_json()


@router.post("/nominations/{advisor_id}/approval", status_code=201, summary="审核通过 Approve a nominee")
async def approve(advisor_id: str, who: CurrentPrincipal, commands: Directory, idem: Idempotent) -> Result:
    who.require_role(Role.county_admin)
    return (await commands.decide_nomination(who, advisor_id, advisors.ApproveAdvisor(), idem)).as_json()


@router.post("/nominations/{advisor_id}/rejection", status_code=201, summary="驳回提名 Reject with a reason")
async def reject(
    advisor_id: str, body: b.RejectionIn, who: CurrentPrincipal, commands: Directory, idem: Idempotent
) -> Result:
    who.require_role(Role.county_admin)
    command = advisors.RejectAdvisor(body.reason)
    return (await commands.decide_nomination(who, advisor_id, command, idem)).as_json()


@router.get("/nominations", summary="顾问提名 Nominations: the county's inbox, the unit's list")
async def list_nominations(
    who: CurrentPrincipal,
    db: Reads,
    paging: Paging,
    county: Annotated[str | None, Query(pattern=COUNTY_CODE_PATTERN)] = None,
    state: AdvisorVetting | None = None,
    unit_id: str | None = None,
) -> Result:
    value = state.value if state else None
    return await nomination_queries.nominations(db, who, county, value, unit_id, paging)
