"""Events of the registry service: divisions, units, advisors, assignments, agreements, notice boards
and WeChat service groups. Topic `villagecounsel.registry.events`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar, Self

from pydantic import ConfigDict, Field, model_validator

from vc_contracts.base import Event, ShanghaiDateTime, upcaster
from vc_contracts.catalogue.enums import (
    AdvisorKind,
    AdvisorStatus,
    ConsultationCategory,
    DivisionLevel,
    ResidentRequestKind,
    UnitKind,
)
from vc_contracts.catalogue.fields import (
    AdvisorId,
    AgreementId,
    AssignmentId,
    FreeText,
    Id,
    Phone,
    Reason,
    Schedule,
    ShortText,
    UnitId,
    VillageCode,
)
from vc_contracts.codes import CREDIT_CODE_PATTERN, LAWYER_LICENCE_PATTERN, CreditCode, LawyerLicence, Number
from vc_contracts.divisions import CountyCode, DivisionCode, contains, level_of

__all__ = ["CREDIT_CODE_PATTERN", "LAWYER_LICENCE_PATTERN"]  # re-exported: the services import them here
GroupId = Annotated[Id, Field(description="Id of the village's legal-service WeChat group")]


class RegistryEvent(Event, abstract=True):
    owner: ClassVar[str] = "registry"


class DivisionRegistered(RegistryEvent):
    """An administrative division became known, with its level and parent (province has none)."""

    code: DivisionCode = Field(description="Code of the division")
    name: ShortText = Field(description="Official name, e.g. 山河镇")
    level: DivisionLevel = Field(description="Level of the division")
    parent_code: DivisionCode | None = Field(
        default=None, description="Enclosing division; null for a province"
    )

    @model_validator(mode="after")
    def _code_fits_level_and_parent(self) -> Self:
        if level_of(self.code) != _shape(self.level):
            raise ValueError(f"code {self.code} is not shaped like a {self.level} code")
        if (self.parent_code is None) != (self.level is DivisionLevel.province):
            raise ValueError("exactly the provinces have no parent_code")
        if self.parent_code and (self.parent_code == self.code or not contains(self.parent_code, self.code)):
            raise ValueError(f"{self.parent_code} does not enclose {self.code}")
        return self


def _shape(level: DivisionLevel) -> str:
    return "village" if level is DivisionLevel.community else level.value


class UnitRegistered(RegistryEvent):
    """A unit (law firm, justice office, legal aid center, county bureau or section) was registered."""

    unit_id: UnitId
    kind: UnitKind = Field(description="Kind of unit")
    name: ShortText = Field(description="Registered name of the unit")
    division_code: DivisionCode = Field(description="Division the unit sits in (county, township…)")
    credit_code: CreditCode | None = Field(
        default=None, description="18-character unified social credit code"
    )
    licence_no: Number | None = Field(default=None, description="Practising licence of a law firm")


class AdvisorRegistered(RegistryEvent):
    """A person who may serve as a village legal advisor was registered under a providing unit (R2)."""

    advisor_id: AdvisorId
    name: ShortText = Field(description="Full name of the advisor")
    kind: AdvisorKind = Field(description="What the advisor is by profession")
    unit_id: UnitId
    licence_no: LawyerLicence | None = Field(default=None, description="Lawyer practising licence: 17 digits")
    phone: Phone


class AdvisorStatusChanged(RegistryEvent):
    """An advisor became active, was suspended, or left the program."""

    advisor_id: AdvisorId
    status: AdvisorStatus = Field(description="Status from `changed_on` on")
    changed_on: date = Field(description="CST calendar day the status took effect")
    reason: Reason = Field(description="Why the status changed")


class AdvisorNominated(RegistryEvent):
    """A providing unit put a person forward to serve as a village legal advisor (R2 vetting).

    Not yet on the roster: the county section approves (`AdvisorApproved`, followed by the
    `AdvisorRegistered` that puts the person on the roster) or rejects (`AdvisorRejected`). A rejected
    nominee may be nominated again on the same stream. Who may serve (the county notice): lawyers of a
    law firm, justice-office heads and judicial assistants, legal-aid-center and public-sector lawyers;
    a licence number is carried where the kind is a lawyer's.
    """

    advisor_id: AdvisorId
    name: ShortText = Field(description="Full name of the nominee")
    kind: AdvisorKind = Field(description="What the nominee is by profession")
    unit_id: UnitId
    licence_no: LawyerLicence | None = Field(default=None, description="Lawyer practising licence: 17 digits")
    phone: Phone


class AdvisorApproved(RegistryEvent):
    """The county section approved a nominee: from now on the advisor may be assigned and named in
    agreements. Always followed, on the same stream, by `AdvisorRegistered` with the nominee's details."""

    advisor_id: AdvisorId
    unit_id: UnitId


class AdvisorRejected(RegistryEvent):
    """The county section rejected a nominee, with the reason the unit reads on its page."""

    advisor_id: AdvisorId
    unit_id: UnitId
    reason: Reason = Field(description="Why the nominee may not serve, shown to the nominating unit")


class NomineeClaimed(RegistryEvent):
    """One person (a licence number, or a name in a unit: the stream `nominee-<county>-<digest>`)
    is now on the county's books as `advisor_id` (R2 vetting): claimed by whichever path created
    that advisor, a unit's nomination, the county's own registration or a roster import.

    The claim stream makes "the same person is on the county's books once" a decision of the event
    store, not of the read model: two claims of the same person at the same instant both append to
    this stream at the same version, and the second, deciding again on the first's claim, is
    refused (409 `already_nominated`; a roster import is refused by row). A claim lapses when its
    advisor is rejected or has left (read from that advisor's stream); a later nomination,
    registration or import then claims the person again. No downstream reader needs it; it carries
    no name, licence or phone (the stream id is a digest).
    """

    advisor_id: AdvisorId
    unit_id: UnitId


class AdvisorAssigned(RegistryEvent):
    """An advisor began serving a village from `valid_from` (assignment history is kept, R1)."""

    assignment_id: AssignmentId
    village_code: VillageCode
    advisor_id: AdvisorId
    unit_id: UnitId
    valid_from: date = Field(description="First CST calendar day served")
    schedule: Schedule


class AssignmentEnded(RegistryEvent):
    """An assignment ended; `valid_to` is the last day served, inclusive."""

    assignment_id: AssignmentId
    village_code: VillageCode
    advisor_id: AdvisorId
    valid_to: date = Field(description="Last CST calendar day served, inclusive")
    reason: Reason = Field(description="Why the assignment ended (reassigned, replaced, left…)")


class AgreementSigned(RegistryEvent):
    """A providing unit and a village committee signed an advisor agreement (R3)."""

    agreement_id: AgreementId
    unit_id: UnitId
    village_code: VillageCode
    advisor_ids: list[Id] = Field(min_length=1, description="Advisors named in the agreement")
    term_start: date = Field(description="First CST calendar day of the term")
    term_end: date = Field(description="Last CST calendar day of the term, inclusive")
    signed_on: date = Field(description="CST calendar day of signature")

    @model_validator(mode="after")
    def _term_is_sane(self) -> Self:
        if self.term_end <= self.term_start:
            raise ValueError("term_end must be after term_start")
        if len(set(self.advisor_ids)) != len(self.advisor_ids):
            raise ValueError("advisor_ids must not repeat")
        return self


class AgreementFiled(RegistryEvent):
    """A signed agreement was filed with the county bureau (R4: by the end of March each year)."""

    agreement_id: AgreementId
    village_code: VillageCode
    filing_no: Number = Field(description="Filing number given by the county bureau")
    filed_on: date = Field(description="CST calendar day of filing")
    signed_and_stamped: bool = Field(description="The filed copy is signed and stamped (盖章)")


class AgreementRenewed(RegistryEvent):
    """An agreement's term was extended to `new_term_end`."""

    agreement_id: AgreementId
    village_code: VillageCode
    new_term_end: date = Field(description="New last CST calendar day of the term, inclusive")
    renewed_on: date = Field(description="CST calendar day of renewal")


class AgreementTerminated(RegistryEvent):
    """An agreement ended before (or at) its term end."""

    agreement_id: AgreementId
    village_code: VillageCode
    terminated_on: date = Field(description="CST calendar day the agreement ended")
    reason: Reason = Field(description="Why it was terminated")


class NoticeBoardPosted(RegistryEvent):
    """The village notice board (公示栏) shows this advisor, contact and on-site schedule (R9)."""

    village_code: VillageCode
    advisor_id: AdvisorId
    advisor_name: ShortText = Field(description="Advisor name as posted")
    phone: Phone
    schedule: Schedule
    posted_on: date = Field(description="CST calendar day the board was posted")


class ServiceGroupEstablished(RegistryEvent):
    """A legal-service WeChat group was set up for a village with its advisor (R10)."""

    group_id: GroupId
    village_code: VillageCode
    advisor_id: AdvisorId
    name: ShortText = Field(description="Name of the WeChat group")
    member_count: int = Field(ge=0, description="Members when established")
    established_on: date = Field(description="CST calendar day the group was set up")


class ServiceGroupMembersCounted(RegistryEvent):
    """The members of a village's WeChat service group were counted."""

    group_id: GroupId
    village_code: VillageCode
    member_count: int = Field(ge=0, description="Members on `counted_on`")
    counted_on: date = Field(description="CST calendar day of the count")


class ResidentFeedbackReceivedV1(RegistryEvent):
    """A resident left feedback or a question for the village's advisor on the public notice board."""

    # version 1 as published (read as version 2 through the upcaster below)
    model_config = ConfigDict(title="ResidentFeedbackReceived")
    event_type: ClassVar[str] = "ResidentFeedbackReceived"
    feedback_id: Id = Field(description="Id of the feedback, chosen by the registry")
    village_code: VillageCode
    category: ConsultationCategory = Field(description="What the question is about")
    text: FreeText = Field(description="The resident's feedback or question, as typed")
    callback_requested: bool = Field(description="Whether the resident left a phone number to be called back")


class CountyResponsibilitiesSet(RegistryEvent):
    """The county recorded who leads the program (R16): the justice bureau's head overall, the deputy
    in charge, the sections and offices taking part, and where the agreements are filed. Each event
    replaces the previous one as a whole."""

    county_code: CountyCode = Field(description="The county")
    head: ShortText = Field(description="Bureau head with overall responsibility, e.g. 局长 张某某")
    deputy: ShortText = Field(description="Deputy in charge, e.g. 副局长 李某某")
    sections: list[ShortText] = Field(
        min_length=1, max_length=30, description="Sections and offices taking part, e.g. 公共法律服务股"
    )
    filing_place: ShortText = Field(description="Where the agreements are filed, e.g. 县司法局 301 室")
    effective_on: date = Field(description="CST calendar day from which this arrangement applies")


class ResidentFeedbackReceived(RegistryEvent):
    """A resident asked the village's advisor a question, or asked for a meeting at one of the
    village's on-site times, on the public notice board (R9, R10). Version 2 adds `kind` and
    `meeting_at`.

    Anonymous by design: no name is asked. A call-back phone, when the resident gave one, is never
    in the event (this topic is a public record kept forever): the registry keeps it in a table that
    only the village's advisor and the county can read; `callback_requested` says whether there is one.
    The short code the resident reads the answer with is not in the event either. The question is
    answered by a ledger entry: `ConsultationGiven` (v2) whose `question_id` is this `feedback_id`.
    """

    schema_version: ClassVar[int] = 2
    feedback_id: Id = Field(description="Id of the question, chosen by the registry")
    village_code: VillageCode
    kind: ResidentRequestKind = Field(
        default=ResidentRequestKind.question, description="A question to answer, or a meeting asked for"
    )
    category: ConsultationCategory = Field(description="What the question is about")
    text: FreeText = Field(description="The resident's question, as typed")
    callback_requested: bool = Field(description="Whether the resident left a phone number to be called back")
    meeting_at: ShanghaiDateTime | None = Field(
        default=None,
        description="A meeting: the start of the on-site time the resident chose (+08:00);"
        " null for a question",
    )

    @model_validator(mode="after")
    def _meeting_has_time(self) -> Self:
        if (self.kind is ResidentRequestKind.meeting) != (self.meeting_at is not None):
            raise ValueError("meeting_at is required for a meeting and only for a meeting")
        return self


@upcaster("ResidentFeedbackReceived", from_version=1)
def upcast_resident_feedback_v1_v2(data: dict[str, Any]) -> dict[str, Any]:
    """ResidentFeedbackReceived v1 -> v2: all version-1 feedback was a question, with no meeting."""
    return {**data, "kind": "question", "meeting_at": None}
