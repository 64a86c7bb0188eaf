"""Request bodies of the registry API: formats are checked here (422 validation_failed, per field)."""

from __future__ import annotations

from typing import Annotated, Any

from eventkit.params import RequestBody, error_details
from pydantic import ConfigDict, Field, ValidationError, ValidatorFunctionWrapHandler, model_validator
from pydantic_core import InitErrorDetails
from vc_contracts import ShanghaiDate
from vc_contracts.catalogue.enums import AdvisorKind, AdvisorStatus, DivisionLevel, UnitKind
from vc_contracts.catalogue.fields import Phone, Reason, ShortText, VillageCode
from vc_contracts.codes import ChosenId, CreditCode, IdNormalised, LawyerLicence, Number
from vc_contracts.divisions import DivisionCode
from vc_contracts.schedules import EnteredSchedule

from registry.domain.advisors import LICENCE_REQUIRED, LICENSED_KINDS

Id = Annotated[str, Field(min_length=1, max_length=64), IdNormalised]
"""An id the body refers to (it names a unit or an advisor that exists, perhaps from before `NewId`)."""
NewId = Annotated[ChosenId, Field(max_length=64)]
"""An id the caller chooses for what the request creates: vc_contracts.codes.ChosenId, 64 at most."""


class Body(RequestBody):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DivisionIn(Body):
    code: DivisionCode
    name: ShortText
    level: DivisionLevel
    parent_code: DivisionCode | None = None


class UnitIn(Body):
    unit_id: NewId | None = None
    kind: UnitKind
    name: ShortText
    division_code: DivisionCode
    credit_code: CreditCode | None = Field(default=None, description="18 characters")
    licence_no: Number | None = None


class AdvisorIn(Body):
    advisor_id: NewId | None = None
    name: ShortText
    kind: AdvisorKind
    unit_id: Id
    phone: Phone
    licence_no: LawyerLicence | None = Field(
        default=None, description="17-digit practising licence; required for a lawyer's kind"
    )

    @model_validator(mode="wrap")
    @classmethod
    def _licence_with_the_rest(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """A lawyer's kind without a licence is named with every other refused field at once, so a
        form learns it on the first try, not after the others are fixed (the decider checks it too)."""
        # the raw input, before any field is validated: `kind` may be any JSON value (a list is
        # unhashable: `in` a set raised TypeError, a 500), so only a string names a kind
        kind = data.get("kind") if isinstance(data, dict) else None
        missing = isinstance(kind, str) and kind in {k.value for k in LICENSED_KINDS} and (
            not licence_given(data.get("licence_no"))
        )  # fmt: skip
        try:
            model = handler(data)
        except ValidationError as exc:
            if not missing or any(e["loc"][:1] == ("licence_no",) for e in exc.errors()):
                raise
            raise ValidationError.from_exception_data(exc.title, [*error_details(exc), _NO_LICENCE]) from None
        if missing:
            raise ValidationError.from_exception_data(cls.__name__, [_NO_LICENCE])
        return model


def licence_given(value: Any) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


_NO_LICENCE: InitErrorDetails = {
    "type": "value_error", "loc": ("licence_no",), "input": None,
    "ctx": {"error": ValueError(LICENCE_REQUIRED)},
}  # fmt: skip


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
    schedule: EnteredSchedule = Field(description="驻点时间, e.g. 每周三 9:00-12:00")
    reason: Reason = "人员调整"


class EndAssignmentIn(Body):
    valid_to: ShanghaiDate = Field(description="Last day served, inclusive")
    reason: Reason


class AgreementIn(Body):
    agreement_id: NewId | None = None
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
    schedule: EnteredSchedule | None = Field(default=None, description="Default: assignment's")


class GroupIn(Body):
    group_id: NewId | None = None
    advisor_id: Id
    name: ShortText
    member_count: int = Field(ge=0, le=100_000)
    established_on: ShanghaiDate


class MemberCountIn(Body):
    member_count: int = Field(ge=0, le=100_000)
    counted_on: ShanghaiDate
