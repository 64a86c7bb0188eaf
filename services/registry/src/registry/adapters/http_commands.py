"""Registry commands over HTTP: parse, authorise by role, call the handler (scope is checked there)."""

from __future__ import annotations

from typing import Annotated, Any

from eventkit.auth import ADMINS, UNITS, Role
from eventkit.idempotency import Idempotent
from eventkit.runtime import runtime_of
from eventkit.web import CurrentPrincipal
from fastapi import APIRouter, Path, Request
from vc_contracts.catalogue.fields import VILLAGE_CODE_PATTERN

from registry.adapters import http_bodies as b
from registry.application.agreement_commands import AgreementCommands
from registry.application.commands import DirectoryCommands
from registry.application.village_commands import VillageCommands
from registry.domain import agreements

router = APIRouter(tags=["registry commands"])
Village = Annotated[str, Path(pattern=VILLAGE_CODE_PATTERN, description="12-digit village or community code")]

Result = dict[str, Any]


def directory(request: Request) -> DirectoryCommands:
    return DirectoryCommands(runtime_of(request).store)


def villages(request: Request) -> VillageCommands:
    return VillageCommands(runtime_of(request).store)


def contracts(request: Request) -> AgreementCommands:
    return AgreementCommands(runtime_of(request).store)


@router.post("/divisions", status_code=201, summary="登记行政区划 Register a division")
async def register_division(
    body: b.DivisionIn, who: CurrentPrincipal, request: Request, idem: Idempotent
) -> Result:
    who.require_role(*ADMINS)
    args = (body.code, body.name, body.level, body.parent_code, idem)
    return (await directory(request).register_division(who, *args)).as_json()


@router.post("/units", status_code=201, summary="登记服务单位 Register a providing unit")
async def register_unit(body: b.UnitIn, who: CurrentPrincipal, request: Request, idem: Idempotent) -> Result:
    who.require_role(*ADMINS)
    args = (body.unit_id, body.kind, body.name, body.division_code, body.credit_code, body.licence_no, idem)
    return (await directory(request).register_unit(who, *args)).as_json()


@router.post("/advisors", status_code=201, summary="登记法律顾问 Register an advisor")
async def register_advisor(
    body: b.AdvisorIn, who: CurrentPrincipal, request: Request, idem: Idempotent
) -> Result:
    who.require_role(*ADMINS, *UNITS)
    args = (body.advisor_id, body.name, body.kind, body.unit_id, body.phone, body.licence_no, idem)
    return (await directory(request).register_advisor(who, *args)).as_json()


@router.post(
    "/advisors/{advisor_id}/status", status_code=201, summary="顾问状态变更 Suspend, reactivate, leave"
)
async def change_status(
    advisor_id: str, body: b.StatusIn, who: CurrentPrincipal, request: Request, idem: Idempotent
) -> Result:
    who.require_role(*ADMINS, *UNITS)
    args = (advisor_id, body.status, body.changed_on, body.reason, idem)
    return (await directory(request).change_advisor_status(who, *args)).as_json()


@router.post(
    "/assignments", status_code=201, summary="指派/调整村（居）法律顾问 Assign, reassign, reschedule"
)
async def assign(body: b.AssignmentIn, who: CurrentPrincipal, request: Request, idem: Idempotent) -> Result:
    who.require_role(*ADMINS)
    args = (body.village_code, body.advisor_id, body.valid_from, body.schedule, body.reason, idem)
    return (await villages(request).assign(who, *args)).as_json()


@router.post(
    "/villages/{code}/assignment/end", status_code=201, summary="结束指派 End the current assignment"
)
async def end_assignment(
    code: Village, body: b.EndAssignmentIn, who: CurrentPrincipal, request: Request, idem: Idempotent
) -> Result:
    who.require_role(*ADMINS)
    return (await villages(request).end_assignment(who, code, body.valid_to, body.reason, idem)).as_json()


@router.post("/villages/{code}/notice-board", status_code=201, summary="登记公示栏 Record the notice board")
async def post_board(
    code: Village, body: b.BoardIn, who: CurrentPrincipal, request: Request, idem: Idempotent
) -> Result:
    who.require_role(*ADMINS, *UNITS, Role.village_committee)
    shown = {"advisor_name": body.advisor_name, "phone": body.phone, "schedule": body.schedule}
    return (
        await villages(request).post_board(who, code, body.advisor_id, body.posted_on, shown, idem)
    ).as_json()


@router.post("/villages/{code}/service-group", status_code=201, summary="建立法律服务微信群 WeChat group")
async def establish_group(
    code: Village, body: b.GroupIn, who: CurrentPrincipal, request: Request, idem: Idempotent
) -> Result:
    who.require_role(*ADMINS, *UNITS)
    args = (code, body.group_id, body.advisor_id, body.name, body.member_count, body.established_on, idem)
    return (await villages(request).establish_group(who, *args)).as_json()


@router.post("/villages/{code}/service-group/counts", status_code=201, summary="群成员数 Count members")
async def count_members(
    code: Village, body: b.MemberCountIn, who: CurrentPrincipal, request: Request, idem: Idempotent
) -> Result:
    who.require_role(*ADMINS, *UNITS, Role.advisor)
    return (
        await villages(request).count_members(who, code, body.member_count, body.counted_on, idem)
    ).as_json()


@router.post("/agreements", status_code=201, summary="签订法律顾问协议 Sign an agreement")
async def sign_agreement(
    body: b.AgreementIn, who: CurrentPrincipal, request: Request, idem: Idempotent
) -> Result:
    who.require_role(*ADMINS, *UNITS)
    args = (body.agreement_id, body.unit_id, body.village_code, body.advisor_ids)
    term = (body.term_start, body.term_end)
    return (await contracts(request).sign(who, *args, term, body.signed_on, idem)).as_json()


@router.post(
    "/agreements/{agreement_id}/filing", status_code=201, summary="协议备案 File with the county bureau"
)
async def file_agreement(
    agreement_id: str, body: b.FilingIn, who: CurrentPrincipal, request: Request, idem: Idempotent
) -> Result:
    who.require_role(*ADMINS)
    command = agreements.FileAgreement(body.filing_no, body.filed_on, body.signed_and_stamped)
    return (await contracts(request).change(who, agreement_id, command, idem)).as_json()


@router.post("/agreements/{agreement_id}/renewal", status_code=201, summary="协议续签 Renew")
async def renew_agreement(
    agreement_id: str, body: b.RenewalIn, who: CurrentPrincipal, request: Request, idem: Idempotent
) -> Result:
    who.require_role(*ADMINS, *UNITS)
    command = agreements.RenewAgreement(body.new_term_end, body.renewed_on)
    return (await contracts(request).change(who, agreement_id, command, idem)).as_json()


@router.post("/agreements/{agreement_id}/termination", status_code=201, summary="协议终止 Terminate")
async def terminate_agreement(
    agreement_id: str, body: b.TerminationIn, who: CurrentPrincipal, request: Request, idem: Idempotent
) -> Result:
    who.require_role(*ADMINS, *UNITS)
    command = agreements.TerminateAgreement(body.terminated_on, body.reason)
    return (await contracts(request).change(who, agreement_id, command, idem)).as_json()
