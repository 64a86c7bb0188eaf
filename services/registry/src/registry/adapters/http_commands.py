"""Registry commands over HTTP: parse, authorise by role, call the handler (scope is checked there)."""

from __future__ import annotations

from typing import Annotated, Any

from eventkit.auth import ADMINS, UNITS, Role
from eventkit.dependencies import CurrentPrincipal, Idempotent, Store
from fastapi import APIRouter, Depends, Path
from vc_contracts.catalogue.fields import VILLAGE_CODE_PATTERN

from registry.adapters import http_bodies as b
from registry.application.agreement_commands import AgreementCommands
from registry.application.commands import DirectoryCommands
from registry.application.village_commands import VillageCommands
from registry.domain import agreements

router = APIRouter(tags=["registry commands"])
Village = Annotated[str, Path(pattern=VILLAGE_CODE_PATTERN, description="12-digit village or community code")]

Result = dict[str, Any]


def _directory(store: Store) -> DirectoryCommands:
    return DirectoryCommands(store)


def _villages(store: Store) -> VillageCommands:
    return VillageCommands(store)


def _agreements(store: Store) -> AgreementCommands:
    return AgreementCommands(store)


Directory = Annotated[DirectoryCommands, Depends(_directory)]
Villages = Annotated[VillageCommands, Depends(_villages)]
Agreements = Annotated[AgreementCommands, Depends(_agreements)]


@router.post("/divisions", status_code=201, summary="登记行政区划 Register a division")
async def register_division(
    body: b.DivisionIn, who: CurrentPrincipal, commands: Directory, idem: Idempotent
) -> Result:
    who.require_role(*ADMINS)
    args = (body.code, body.name, body.level, body.parent_code, idem)
    return (await commands.register_division(who, *args)).as_json()


@router.post("/units", status_code=201, summary="登记服务单位 Register a providing unit")
async def register_unit(
    body: b.UnitIn, who: CurrentPrincipal, commands: Directory, idem: Idempotent
) -> Result:
    who.require_role(*ADMINS)
    args = (body.unit_id, body.kind, body.name, body.division_code, body.credit_code, body.licence_no, idem)
    return (await commands.register_unit(who, *args)).as_json()


@router.post("/advisors", status_code=201, summary="登记法律顾问 Register an approved advisor (county)")
async def register_advisor(
    body: b.AdvisorIn, who: CurrentPrincipal, commands: Directory, idem: Idempotent
) -> Result:
    who.require_role(*ADMINS)  # the county's own act; a unit nominates (POST /nominations, R2 vetting)
    args = (body.advisor_id, body.name, body.kind, body.unit_id, body.phone, body.licence_no, idem)
    return (await commands.register_advisor(who, *args)).as_json()


@router.post(
    "/advisors/{advisor_id}/status", status_code=201, summary="顾问状态变更 Suspend, reactivate, leave"
)
async def change_status(
    advisor_id: str, body: b.StatusIn, who: CurrentPrincipal, commands: Directory, idem: Idempotent
) -> Result:
    who.require_role(*ADMINS, *UNITS)
    args = (advisor_id, body.status, body.changed_on, body.reason, idem)
    return (await commands.change_advisor_status(who, *args)).as_json()


@router.post(
    "/assignments", status_code=201, summary="指派/调整村（居）法律顾问 Assign, reassign, reschedule"
)
async def assign(body: b.AssignmentIn, who: CurrentPrincipal, commands: Villages, idem: Idempotent) -> Result:
    who.require_role(*ADMINS)
    args = (body.village_code, body.advisor_id, body.valid_from, body.schedule, body.reason, idem)
    return (await commands.assign(who, *args)).as_json()


@router.post(
    "/villages/{code}/assignment/end", status_code=201, summary="结束指派 End the current assignment"
)
async def end_assignment(
    code: Village, body: b.EndAssignmentIn, who: CurrentPrincipal, commands: Villages, idem: Idempotent
) -> Result:
    who.require_role(*ADMINS)
    return (await commands.end_assignment(who, code, body.valid_to, body.reason, idem)).as_json()


@router.post("/villages/{code}/notice-board", status_code=201, summary="登记公示栏 Record the notice board")
async def post_board(
    code: Village, body: b.BoardIn, who: CurrentPrincipal, commands: Villages, idem: Idempotent
) -> Result:
    who.require_role(*ADMINS, *UNITS, Role.village_committee)
    shown = {"advisor_name": body.advisor_name, "phone": body.phone, "schedule": body.schedule}
    return (await commands.post_board(who, code, body.advisor_id, body.posted_on, shown, idem)).as_json()


@router.post("/villages/{code}/service-group", status_code=201, summary="建立法律服务微信群 WeChat group")
async def establish_group(
    code: Village, body: b.GroupIn, who: CurrentPrincipal, commands: Villages, idem: Idempotent
) -> Result:
    who.require_role(*ADMINS, *UNITS)
    args = (code, body.group_id, body.advisor_id, body.name, body.member_count, body.established_on, idem)
    return (await commands.establish_group(who, *args)).as_json()


@router.post("/villages/{code}/service-group/counts", status_code=201, summary="群成员数 Count members")
async def count_members(
    code: Village, body: b.MemberCountIn, who: CurrentPrincipal, commands: Villages, idem: Idempotent
) -> Result:
    who.require_role(*ADMINS, *UNITS, Role.advisor)
    return (await commands.count_members(who, code, body.member_count, body.counted_on, idem)).as_json()


@router.post("/agreements", status_code=201, summary="签订法律顾问协议 Sign an agreement")
async def sign_agreement(
    body: b.AgreementIn, who: CurrentPrincipal, commands: Agreements, idem: Idempotent
) -> Result:
    who.require_role(*ADMINS, *UNITS)
    args = (body.agreement_id, body.unit_id, body.village_code, body.advisor_ids)
    term = (body.term_start, body.term_end)
    return (await commands.sign(who, *args, term, body.signed_on, idem)).as_json()


@router.post(
    "/agreements/{agreement_id}/filing", status_code=201, summary="协议备案 File with the county bureau"
)
async def file_agreement(
    agreement_id: str, body: b.FilingIn, who: CurrentPrincipal, commands: Agreements, idem: Idempotent
) -> Result:
    who.require_role(*ADMINS)
    command = agreements.FileAgreement(body.filing_no, body.filed_on, body.signed_and_stamped)
    return (await commands.change(who, agreement_id, command, idem)).as_json()


@router.post("/agreements/{agreement_id}/renewal", status_code=201, summary="协议续签 Renew")
async def renew_agreement(
    agreement_id: str, body: b.RenewalIn, who: CurrentPrincipal, commands: Agreements, idem: Idempotent
) -> Result:
    who.require_role(*ADMINS, *UNITS)
    command = agreements.RenewAgreement(body.new_term_end, body.renewed_on)
    return (await commands.change(who, agreement_id, command, idem)).as_json()


@router.post("/agreements/{agreement_id}/termination", status_code=201, summary="协议终止 Terminate")
async def terminate_agreement(
    agreement_id: str, body: b.TerminationIn, who: CurrentPrincipal, commands: Agreements, idem: Idempotent
) -> Result:
    who.require_role(*ADMINS, *UNITS)
    command = agreements.TerminateAgreement(body.terminated_on, body.reason)
    return (await commands.change(who, agreement_id, command, idem)).as_json()
