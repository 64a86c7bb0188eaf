"""Events of the ledger service: one entry per piece of work (一次一记, R7), confirmed by the village
committee, never edited in place but corrected or voided by later events (R8).
Topic `villagecounsel.ledger.events`."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, ClassVar, Literal, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from vc_contracts.base import Event, ShanghaiDateTime, upcaster
from vc_contracts.catalogue.enums import (
    ConsultationCategory,
    ConsultationChannel,
    ConsultationOutcome,
    DocumentKind,
    EntryKind,
    MediationOutcome,
)
from vc_contracts.catalogue.fields import (
    AdvisorId,
    EntryId,
    FreeText,
    Hours,
    Id,
    Note,
    Reason,
    ShortText,
    UnitId,
    VillageCode,
)
from vc_contracts.divisions import CountyCode
from vc_contracts.durations import display_hours, hours_agree

_NO_TIME = timedelta(0)


class LedgerEvent(Event, abstract=True):
    """Base of the ledger service's events (topic `villagecounsel.ledger.events`)."""

    owner: ClassVar[str] = "ledger"


class LedgerEntryEvent(LedgerEvent, abstract=True):
    """Fields every ledger entry carries: who did the work, for which village, when it started."""

    entry_id: EntryId
    client_entry_id: Id | None = Field(
        default=None,
        description="Id chosen by the client (phone app, paper backfill) so a retried upload is one entry",
    )
    advisor_id: AdvisorId
    unit_id: UnitId
    village_code: VillageCode
    occurred_at: ShanghaiDateTime = Field(description="When the work started, +08:00")
    note: Note = Field(default="", description="Free note by the advisor; may be empty")


class VisitLogged(LedgerEntryEvent):
    """An on-site visit in the village (counts toward the quarterly on-site hours, R5)."""

    started_at: ShanghaiDateTime = Field(description="Arrival, +08:00; equals occurred_at")
    ended_at: ShanghaiDateTime = Field(description="Departure, +08:00; after started_at")
    hours: Hours = Field(
        description="ended_at - started_at in hours, rounded to 2 decimals for display; sums and minimums"
        " use the exact span (started_at..ended_at), never this rounded value"
    )
    place: ShortText = Field(description="Where in the village, e.g. 村委会办公室")
    summary: FreeText = Field(description="What was done")

    @model_validator(mode="after")
    def _times_agree(self) -> Self:
        started = self.started_at
        # one subtraction for the order and the span: an aware comparison or subtraction of two
        # instants whose tzinfo objects differ (the batch decoder gives each its own) calls
        # utcoffset() on both, ~0.45 µs, and every consumer runs this per visit
        span = self.ended_at - started
        if span <= _NO_TIME:
            raise ValueError("ended_at must be after started_at")
        if self.occurred_at != started:
            raise ValueError("occurred_at must equal started_at")
        seconds = int(span.total_seconds())
        if not hours_agree(self.hours, seconds):
            derived = display_hours(seconds)
            raise ValueError(f"hours {self.hours} does not match started_at..ended_at ({derived})")
        return self


class LectureHeld(LedgerEntryEvent):
    """A legal-knowledge lecture was given in the village (counts toward R6)."""

    topic: ShortText = Field(description="Subject of the lecture")
    audience: int = Field(ge=0, description="Number of attendees")
    co_organisers: list[ShortText] = Field(
        default_factory=list, description="Other organisers, e.g. 普法与依法治理股"
    )


class PublicityEventHeld(LedgerEntryEvent):
    """A law-publicity activity was held in the village (counts toward R6)."""

    topic: ShortText = Field(description="Subject of the activity")
    audience: int = Field(ge=0, description="Number of people reached")
    co_organisers: list[ShortText] = Field(default_factory=list, description="Other organisers")


class ConsultationGivenV1(LedgerEntryEvent):
    """A resident's legal question was answered, on site or remotely (R10 counts WeChat too)."""

    # version 1 as published (read as version 2 through the upcaster below)
    model_config = ConfigDict(title="ConsultationGiven")
    event_type: ClassVar[str] = "ConsultationGiven"
    channel: ConsultationChannel = Field(description="How the question arrived")
    category: ConsultationCategory = Field(description="Subject matter")
    outcome: ConsultationOutcome = Field(description="Where it ended")
    summary: FreeText = Field(description="Question and answer in short, without personal data")


class ConsultationGiven(LedgerEntryEvent):
    """A resident's legal question was answered, on site or remotely (R10 counts WeChat too).
    Version 2 adds `question_id`: the answer to a question asked on the village's public board."""

    schema_version: ClassVar[int] = 2
    channel: ConsultationChannel = Field(description="How the question arrived")
    category: ConsultationCategory = Field(description="Subject matter")
    outcome: ConsultationOutcome = Field(description="Where it ended")
    summary: FreeText = Field(
        description="Question and answer in short, without personal data; for a board question, the"
        " answer the resident reads with their code"
    )
    question_id: Id | None = Field(
        default=None,
        description="The resident's question this consultation answers (ResidentFeedbackReceived"
        " `feedback_id`, registry topic); at most one live entry per question; null otherwise",
    )


@upcaster("ConsultationGiven", from_version=1)
def upcast_consultation_given_v1_v2(data: dict[str, Any]) -> dict[str, Any]:
    """ConsultationGiven v1 -> v2: a version-1 consultation answered no board question (null)."""
    return {**data, "question_id": None}


class DisputeMediated(LedgerEntryEvent):
    """The advisor mediated a dispute between two or more parties."""

    parties: int = Field(ge=2, description="Number of parties")
    category: ConsultationCategory = Field(description="Subject matter")
    outcome: MediationOutcome = Field(description="Where it ended")
    summary: FreeText = Field(description="The dispute and its outcome in short")


class DocumentReviewed(LedgerEntryEvent):
    """The advisor reviewed a document for the village (rules, contract, decision…)."""

    document_kind: DocumentKind = Field(description="Kind of document")
    title: ShortText = Field(description="Title of the document")
    summary: FreeText = Field(description="Findings in short")


class EntryConfirmed(LedgerEvent):
    """The village committee confirmed a ledger entry (the people counted confirm their figures)."""

    entry_id: EntryId
    village_code: VillageCode
    confirmed_by: Id = Field(description="Subject of the committee member who confirmed")
    confirmed_on: date = Field(description="CST calendar day of confirmation")


class EntryQueried(LedgerEvent):
    """The village committee queried (质疑) a ledger entry with a reason. The advisor answers by
    correcting the entry (the correction clears the query); the committee may still confirm it
    (a confirmation withdraws the query)."""

    entry_id: EntryId
    village_code: VillageCode
    reason: Reason = Field(description="What the committee questions (质疑原因)")
    queried_by: Id = Field(description="Subject of the committee member who queried")
    queried_at: ShanghaiDateTime = Field(description="When the query was made, +08:00")


UNCORRECTABLE_FIELDS = frozenset({"entry_id", "client_entry_id", "question_id"})


def correctable_fields() -> frozenset[str]:
    """Fields of any ledger entry a correction may change (identity fields excluded)."""
    entry_kinds = LedgerEntryEvent.__subclasses__()
    return frozenset(name for kind in entry_kinds for name in kind.model_fields) - UNCORRECTABLE_FIELDS


class EntryCorrected(LedgerEvent):
    """A ledger entry was corrected; the original stays visible, this records the new values (R8)."""

    entry_id: EntryId
    village_code: VillageCode
    changes: dict[str, Any] = Field(min_length=1, description="Field name -> new value (JSON form)")
    reason: Reason = Field(description="Why the entry was corrected")

    @field_validator("changes")
    @classmethod
    def _only_entry_fields(cls, changes: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(changes) - correctable_fields())
        if unknown:
            raise ValueError(f"not correctable ledger entry fields: {unknown}")
        return changes


class EntryVoided(LedgerEvent):
    """A ledger entry was voided: it no longer counts, but stays visible with the reason (R8)."""

    entry_id: EntryId
    village_code: VillageCode
    reason: Reason = Field(description="Why the entry was voided")


class TypicalCaseProposed(LedgerEvent):
    """An advisor or their unit proposed a ledger entry as a typical case (典型案例, R16) with a short
    anonymised write-up. Sent again after the county returned it (a resubmission). The write-up is
    what may be published; the entry's own summary and note (which may name residents) never are."""

    case_id: Id = Field(description="Id of the typical case; one per ledger entry (TC- + the entry's id)")
    entry_id: EntryId
    entry_kind: EntryKind = Field(description="Kind of the proposed entry (mediation, consultation, lecture)")
    village_code: VillageCode
    county_code: CountyCode = Field(description="County that approves and publishes the case")
    year: int = Field(ge=2000, le=2100, description="Year (CST) the entry's work took place")
    title: ShortText = Field(description="Title of the write-up, without any resident's name")
    text: FreeText = Field(description="The anonymised write-up, without any resident's name")
    proposed_by: Id = Field(description="Subject of the advisor or unit that proposed it")


class TypicalCaseApproved(LedgerEvent):
    """The county approved a proposed typical case: from now on it is shown on the county's public
    page and listed in its annual report."""

    case_id: Id = Field(description="Id of the typical case")
    village_code: VillageCode
    county_code: CountyCode = Field(description="County that approved it")
    approved_by: Id = Field(description="Subject of the county administrator who approved it")


class TypicalCaseReturned(LedgerEvent):
    """The county returned a proposed typical case with a reason; it may be revised and proposed again."""

    case_id: Id = Field(description="Id of the typical case")
    village_code: VillageCode
    county_code: CountyCode = Field(description="County that returned it")
    reason: Reason = Field(description="Why it was returned (退回原因)")
    returned_by: Id = Field(description="Subject of the county administrator who returned it")


SEAL_MAX_LINKS = 1000
"""Most links one VolumeSealed carries; a longer range is published as several events."""

HexHash = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256, 64 lowercase hex digits")]


class SealedLink(BaseModel):
    """One link of a volume's hash chain, as the ledger recomputed it from its stored events."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seq: int = Field(ge=1, description="Position of the event in the volume (1 = first)")
    entry_id: EntryId
    event_id: UUID = Field(description="The linked event's event_id (the envelope's)")
    event_type: ShortText = Field(description="The linked event's event_type")
    canonical_version: int = Field(
        ge=1, description="Canonical form the link was computed with (vc_contracts.chain: 1 or 2)"
    )
    link: HexHash


class VolumeSealed(LedgerEvent):
    """The ledger published the links of a volume from `from_seq` to `to_seq` and its head at
    `to_seq` (issue 14), so that any subscriber can keep them and notice a later rewrite. Every link
    is recomputed from the stored events, never copied. Sealed daily for volumes with new links and
    on demand (`python -m ledger.cli seal`); an audit seal (`audit`) covers the volume from seq 1.
    Stream `volume-seal-{volume_id}`; not itself part of any chain. `owner` is published under that
    name; in Python it is `volume_owner`, since `owner` names the service that writes an event."""

    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True, validate_by_alias=True)

    volume_id: Id = Field(description="village:<village code>:<year> or unit:<unit id>:<year>")
    kind: Literal["village", "unit"] = Field(description="Volume of a village (一村一卷) or of a unit")
    volume_owner: Id = Field(alias="owner", description="Village code or unit id")
    year: int = Field(ge=2000, le=2100, description="Year of the volume")
    county: CountyCode | None = Field(description="County of the volume's entries (the partition key)")
    from_seq: int = Field(ge=1, description="First link carried")
    to_seq: int = Field(ge=1, description="Last link carried")
    length: int = Field(ge=1, description="The volume's length when sealed (≥ to_seq)")
    head: HexHash = Field(description="The link at to_seq")
    audit: bool = Field(default=False, description="Part of an audit seal (recomputed from seq 1)")
    links: list[SealedLink] = Field(
        min_length=1, max_length=SEAL_MAX_LINKS, description="Links from_seq..to_seq in seq order"
    )

    @model_validator(mode="after")
    def _links_span_the_range(self) -> Self:
        if [x.seq for x in self.links] != list(range(self.from_seq, self.to_seq + 1)):
            raise ValueError("links must be from_seq..to_seq in order")
        if self.links[-1].link != self.head or self.to_seq > self.length:
            raise ValueError("head must be the link at to_seq, and to_seq at most length")
        return self
