"""Request bodies of the registry API: formats are checked here (422 validation_failed, per field)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from eventkit.params import IdempotencyKey, RequestBody
from pydantic import ConfigDict, Field
from vc_contracts.catalogue.enums import AdvisorKind, AdvisorStatus, DivisionLevel, UnitKind
from vc_contracts.catalogue.fields import Phone, VillageCode
from vc_contracts.catalogue.registry import CREDIT_CODE_PATTERN, LAWYER_LICENCE_PATTERN
from vc_contracts.divisions import DivisionCode

__all__ = ["IdempotencyKey"]
Id = Annotated[str, Field(min_length=1, max_length=64)]
Reason = Annotated[str, Field(min_length=1, max_length=200)]


class Body(RequestBody):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DivisionIn(Body):
    code: DivisionCode
    name: str = Field(min_length=1, max_length=100)
    level: DivisionLevel
    parent_code: DivisionCode | None = None


class UnitIn(Body):
    unit_id: Id | None = None
    kind: UnitKind
    name: str = Field(min_length=1, max_length=200)
    division_code: DivisionCode
    credit_code: str | None = Field(default=None, pattern=CREDIT_CODE_PATTERN, description="18 characters")
    licence_no: str | None = Field(default=None, min_length=1, max_length=64)


class AdvisorIn(Body):
    advisor_id: Id | None = None
    name: str = Field(min_length=1, max_length=50)
    kind: AdvisorKind
    unit_id: Id
    phone: Phone
    licence_no: str | None = Field(
        default=None, pattern=LAWYER_LICENCE_PATTERN, description="17-digit practising licence"
    )


class StatusIn(Body):
    status: AdvisorStatus
    changed_on: date
    reason: Reason


class AssignmentIn(Body):
    village_code: VillageCode
    advisor_id: Id
    valid_from: date
    schedule: str = Field(min_length=1, max_length=200, description="驻点时间, e.g. 每周三 9:00-12:00")
    reason: Reason = "人员调整"


class EndAssignmentIn(Body):
    valid_to: date = Field(description="Last day served, inclusive")
    reason: Reason


class AgreementIn(Body):
    agreement_id: Id | None = None
    unit_id: Id
    village_code: VillageCode
    advisor_ids: list[Id] = Field(min_length=1)
    term_start: date
    term_end: date
    signed_on: date


class FilingIn(Body):
    filing_no: str = Field(min_length=1, max_length=64)
    filed_on: date = Field(description="CST calendar day the county bureau received the filing")
    signed_and_stamped: bool


class RenewalIn(Body):
    new_term_end: date
    renewed_on: date


class TerminationIn(Body):
    terminated_on: date
    reason: Reason


class BoardIn(Body):
    advisor_id: Id
    posted_on: date
    advisor_name: str | None = Field(
        default=None, min_length=1, max_length=50, description="Default: registered"
    )
    phone: Phone | None = Field(
        default=None, description="As posted; default: the advisor's registered phone"
    )
    schedule: str | None = Field(
        default=None, min_length=1, max_length=200, description="Default: assignment's"
    )


class GroupIn(Body):
    group_id: Id | None = None
    advisor_id: Id
    name: str = Field(min_length=1, max_length=100)
    member_count: int = Field(ge=0, le=100_000)
    established_on: date


class MemberCountIn(Body):
    member_count: int = Field(ge=0, le=100_000)
    counted_on: date
