"""The county's responsible people and sections over HTTP (R16)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from eventkit.clock import today_cst
from eventkit.dependencies import CurrentPrincipal, Idempotent, Store
from fastapi import APIRouter, Depends, Path
from pydantic import Field
from vc_contracts import ShanghaiDate
from vc_contracts.catalogue.fields import ShortText
from vc_contracts.divisions import COUNTY_CODE_PATTERN

from registry.adapters.http_bodies import Body
from registry.application.responsibilities import ResponsibilityCommands

router = APIRouter(tags=["county responsibilities"])
County = Annotated[str, Path(pattern=COUNTY_CODE_PATTERN, description="6-digit county code")]


def _commands(store: Store) -> ResponsibilityCommands:
    return ResponsibilityCommands(store)


Commands = Annotated[ResponsibilityCommands, Depends(_commands)]


class ResponsibilitiesIn(Body):
    head: ShortText = Field(description="Bureau head with overall responsibility, e.g. 局长 张某某")
    deputy: ShortText = Field(description="Deputy in charge, e.g. 副局长 李某某")
    sections: list[ShortText] = Field(min_length=1, max_length=30, description="Sections taking part")
    filing_place: ShortText = Field(description="Where the agreements are filed, e.g. 县司法局 301 室")
    effective_on: ShanghaiDate | None = Field(default=None, description="From when; default today (CST)")


@router.put("/counties/{code}/responsibilities", status_code=201, summary="登记县级工作职责分工（R16）")
async def set_responsibilities(
    code: County, body: ResponsibilitiesIn, who: CurrentPrincipal, commands: Commands, idem: Idempotent
) -> dict[str, Any]:
    """The county administrator records (replaces) who leads the program: 201 with the event (none
    when unchanged); 403 another county or role; 404 unknown county; 422 a field."""
    effective: date = body.effective_on or today_cst()
    args = (body.head, body.deputy, list(body.sections), body.filing_place, effective, idem)
    return (await commands.set(who, code, *args)).as_json()


@router.get("/counties/{code}/responsibilities", summary="县级工作职责分工 Who leads the program")
async def responsibilities(code: County, who: CurrentPrincipal, commands: Commands) -> dict[str, Any]:
    return await commands.current(who, code)
