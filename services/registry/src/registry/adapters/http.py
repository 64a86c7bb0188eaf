"""Registry HTTP API: thin routes that parse, authorise, call a handler or a query."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from eventkit.auth import ADMINS, UNITS, Role
from eventkit.paging import Paging
from eventkit.runtime import runtime_of
from eventkit.web import CurrentPrincipal
from fastapi import APIRouter, Header, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from vc_contracts.catalogue.enums import AdvisorKind, DivisionLevel, UnitKind
from vc_contracts.catalogue.fields import Phone, VillageCode
from vc_contracts.divisions import DivisionCode

from registry.application import queries
from registry.application.commands import RegistryCommands

router = APIRouter(tags=["registry"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", description="Retry-safe request id")]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DivisionIn(Body):
    code: DivisionCode
    name: str = Field(min_length=1, max_length=100)
    level: DivisionLevel
    parent_code: DivisionCode | None = None


class UnitIn(Body):
    unit_id: str | None = Field(default=None, min_length=1, max_length=64)
    kind: UnitKind
    name: str = Field(min_length=1, max_length=200)
    division_code: DivisionCode
    credit_code: str | None = Field(
        default=None, pattern=r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$"
    )
    licence_no: str | None = Field(default=None, min_length=1, max_length=64)


class AdvisorIn(Body):
    advisor_id: str | None = Field(default=None, min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=50)
    kind: AdvisorKind
    unit_id: str
    phone: Phone
    licence_no: str | None = Field(
        default=None, pattern=r"^\d{17}$", description="17-digit practising licence"
    )


class AssignmentIn(Body):
    village_code: VillageCode
    advisor_id: str
    valid_from: date
    schedule: str = Field(min_length=1, max_length=200, description="驻点时间, e.g. 每周三 9:00-12:00")
    reason: str = Field(default="人员调整", max_length=200)


class AgreementIn(Body):
    agreement_id: str | None = Field(default=None, min_length=1, max_length=64)
    unit_id: str
    village_code: VillageCode
    advisor_ids: list[str] = Field(min_length=1)
    term_start: date
    term_end: date
    signed_on: date


class FilingIn(Body):
    filing_no: str = Field(min_length=1, max_length=64)
    filed_on: date
    signed_and_stamped: bool


def _commands(request: Request) -> RegistryCommands:
    return RegistryCommands(runtime_of(request).store)


@router.post("/divisions", status_code=201, summary="登记行政区划 Register a division")
async def register_division(
    body: DivisionIn, who: CurrentPrincipal, request: Request, key: IdempotencyKey = None
) -> dict[str, Any]:
    who.require_role(*ADMINS)
    outcome = await _commands(request).register_division(
        who, body.code, body.name, body.level, body.parent_code, key
    )
    return outcome.as_json()


@router.post("/units", status_code=201, summary="登记服务单位 Register a providing unit")
async def register_unit(
    body: UnitIn, who: CurrentPrincipal, request: Request, key: IdempotencyKey = None
) -> dict[str, Any]:
    who.require_role(*ADMINS)
    outcome = await _commands(request).register_unit(
        who, body.unit_id, body.kind, body.name, body.division_code, body.credit_code, body.licence_no, key
    )
    return outcome.as_json()


@router.post("/advisors", status_code=201, summary="登记法律顾问 Register an advisor")
async def register_advisor(
    body: AdvisorIn, who: CurrentPrincipal, request: Request, key: IdempotencyKey = None
) -> dict[str, Any]:
    who.require_role(*ADMINS, *UNITS)
    outcome = await _commands(request).register_advisor(
        who, body.advisor_id, body.name, body.kind, body.unit_id, body.phone, body.licence_no, key
    )
    return outcome.as_json()


@router.post("/assignments", status_code=201, summary="指派/调整村（居）法律顾问 Assign or reassign")
async def assign(
    body: AssignmentIn, who: CurrentPrincipal, request: Request, key: IdempotencyKey = None
) -> dict[str, Any]:
    who.require_role(*ADMINS)
    outcome = await _commands(request).assign_advisor(
        who, body.village_code, body.advisor_id, body.valid_from, body.schedule, body.reason, key
    )
    return outcome.as_json()


@router.post("/agreements", status_code=201, summary="签订法律顾问协议 Sign an agreement")
async def sign_agreement(
    body: AgreementIn, who: CurrentPrincipal, request: Request, key: IdempotencyKey = None
) -> dict[str, Any]:
    who.require_role(*ADMINS, Role.law_firm, Role.justice_office, Role.legal_aid_center)
    outcome = await _commands(request).sign_agreement(
        who,
        body.agreement_id,
        body.unit_id,
        body.village_code,
        body.advisor_ids,
        body.term_start,
        body.term_end,
        body.signed_on,
        key,
    )
    return outcome.as_json()


@router.post("/agreements/{agreement_id}/filing", status_code=201, summary="协议备案 File an agreement")
async def file_agreement(
    agreement_id: str, body: FilingIn, who: CurrentPrincipal, request: Request, key: IdempotencyKey = None
) -> dict[str, Any]:
    who.require_role(Role.county_admin, Role.province_admin, Role.city_admin)
    outcome = await _commands(request).file_agreement(
        who, agreement_id, body.filing_no, body.filed_on, body.signed_and_stamped, key
    )
    return outcome.as_json()


@router.get("/villages/{code}", summary="村（居）卡片 Village card")
async def village_card(code: str, who: CurrentPrincipal, request: Request) -> dict[str, Any]:
    runtime = runtime_of(request)
    return await queries.village_card(runtime.pool, runtime.settings.schema, who, code)


@router.get("/divisions", summary="行政区划列表 Divisions in scope")
async def list_divisions(
    who: CurrentPrincipal,
    request: Request,
    paging: Paging,
    parent_code: Annotated[str | None, Query()] = None,
    level: Annotated[DivisionLevel | None, Query()] = None,
) -> dict[str, Any]:
    runtime = runtime_of(request)
    return await queries.list_divisions(
        runtime.pool, runtime.settings.schema, who, parent_code, level.value if level else None, paging
    )
