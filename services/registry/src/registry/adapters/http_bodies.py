"""Request bodies of the registry API: formats are checked here (422 validation_failed, per field)."""

from __future__ import annotations

from typing import Annotated

from eventkit.params import RequestBody
from pydantic import ConfigDict, Field
from vc_contracts import ShanghaiDate
from vc_contracts.catalogue.enums import AdvisorKind, AdvisorStatus, DivisionLevel, UnitKind
from vc_contracts.catalogue.fields import Phone, Reason, ShortText, VillageCode
from vc_contracts.codes import CreditCode, IdNormalised, LawyerLicence, Number
from vc_contracts.divisions import DivisionCode

Id = Annotated[str, Field(min_length=1, max_length=64), IdNormalised]


class Body(RequestBody):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DivisionIn(Body):
    code: DivisionCode
    name: ShortText
    level: DivisionLevel
    parent_code: DivisionCode | None = None


class UnitIn(Body):
    unit_id: Id | None = None
    kind: UnitKind
    name: ShortText
    division_code: DivisionCode
    credit_code: CreditCode | None = Field(default=None, description="18 characters")
    licence_no: Number | None = None


class AdvisorIn(Body):
    advisor_id: Id | None = None
    name: ShortText
    kind: AdvisorKind
    unit_id: Id
    phone: Phone
    licence_no: LawyerLicence | None = Field(default=None, description="17-digit practising licence")


class RejectionIn(Body):
    reason: Reason = Field(description="Why the nominee may not serve; the unit reads it")


class StatusIn(Body):
    status: AdvisorStatus
    changed_on: ShanghaiDate
    reason: Reason


class AssignmentIn(Body):
    village_code: VillageCode
    advisor_id: Id
    valid_from: ShanghaiDate
    schedule: ShortText = Field(description="驻点时间, e.g. 每周三 9:00-12:00")
    reason: Reason = "人员调整"


class EndAssignmentIn(Body):
    valid_to: ShanghaiDate = Field(description="Last day served, inclusive")
    reason: Reason


class AgreementIn(Body):
    agreement_id: Id | None = None
    unit_id: Id
    village_code: VillageCode
    advisor_ids: list[Id] = Field(min_length=1)
    term_start: ShanghaiDate
    term_end: ShanghaiDate
    signed_on: ShanghaiDate


class FilingIn(Body):
    filing_no: Number
    filed_on: ShanghaiDate = Field(description="CST calendar day the county bureau received the filing")
    signed_and_stamped: bool


class RenewalIn(Body):
    new_term_end: ShanghaiDate
    renewed_on: ShanghaiDate


class TerminationIn(Body):
    terminated_on: ShanghaiDate
    reason: Reason


class BoardIn(Body):
    advisor_id: Id
    posted_on: ShanghaiDate
    advisor_name: ShortText | None = Field(default=None, description="Default: registered")
    phone: Phone | None = Field(
        default=None, description="As posted; default: the advisor's registered phone"
    )
    schedule: ShortText | None = Field(default=None, description="Default: assignment's")


class GroupIn(Body):
    group_id: Id | None = None
    advisor_id: Id
    name: ShortText
    member_count: int = Field(ge=0, le=100_000)
    established_on: ShanghaiDate


class MemberCountIn(Body):
    member_count: int = Field(ge=0, le=100_000)
    counted_on: ShanghaiDate
