"""Request bodies of the ledger API: one per kind of entry, plus confirmation, correction and void."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from eventkit.params import RequestBody
from pydantic import ConfigDict, Field
from vc_contracts import ShanghaiDateTime
from vc_contracts.catalogue.enums import (
    ConsultationCategory,
    ConsultationChannel,
    ConsultationOutcome,
    DocumentKind,
    MediationOutcome,
)
from vc_contracts.catalogue.fields import FreeText, Id, Note, Reason, ShortText, VillageCode

from ledger.domain.kinds import Kind


class Body(RequestBody):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class EntryIn(Body):
    """Fields every entry has. `client_entry_id` makes a retried upload one entry."""

    kind: ClassVar[Kind]
    village_code: VillageCode
    note: Note = ""
    client_entry_id: Id | None = None

    def details(self) -> dict[str, Any]:
        common = {"village_code", "note", "client_entry_id", "occurred_at", "started_at", "ended_at"}
        return self.model_dump(mode="json", exclude=common)

    def span(self) -> tuple[datetime, datetime | None]:
        return self.occurred_at, None  # type: ignore[attr-defined]


class VisitIn(EntryIn):
    kind = Kind.visit
    started_at: ShanghaiDateTime = Field(description="Arrival, with offset, e.g. 2025-03-05T09:00:00+08:00")
    ended_at: ShanghaiDateTime = Field(description="Departure; a visit lasts at most 12 hours")
    place: ShortText = Field(description="Where in the village, e.g. 村委会")
    summary: FreeText

    def span(self) -> tuple[datetime, datetime | None]:
        return self.started_at, self.ended_at


class PointIn(EntryIn):
    occurred_at: ShanghaiDateTime = Field(description="When it happened, with offset")


class LectureIn(PointIn):
    kind = Kind.lecture
    topic: ShortText
    audience: int = Field(ge=0, le=1_000_000, description="Attendees")
    co_organisers: list[ShortText] = Field(default_factory=list, description="e.g. 县司法局普法与依法治理股")


class PublicityIn(LectureIn):
    kind = Kind.publicity


class ConsultationIn(PointIn):
    kind = Kind.consultation
    channel: ConsultationChannel = Field(description="on_site | wechat | phone | online")
    category: ConsultationCategory
    outcome: ConsultationOutcome
    summary: FreeText = Field(description="Question and answer in short; for a board question, the answer")
    question_id: Id | None = Field(
        default=None,
        description="The resident's board question this answers (the registry's feedback_id): the"
        " entry is then the answer the resident reads; channel online or on_site; one live entry per"
        " question (another is 409)",
    )


class MediationIn(PointIn):
    kind = Kind.mediation
    parties: int = Field(ge=2, le=10_000)
    category: ConsultationCategory
    outcome: MediationOutcome
    summary: FreeText


class DocumentReviewIn(PointIn):
    kind = Kind.document_review
    document_kind: DocumentKind
    title: ShortText
    summary: FreeText


class CorrectionIn(Body):
    # no min_length: an empty mapping is "nothing changed", refused by the domain with the same
    # words as changes equal to the entry (ledger.domain.corrections.corrected), not 至少需要 1 项
    changes: dict[str, Any] = Field(
        description="Field -> new value, e.g. {'ended_at': '2025-03-05T12:00:00+08:00'}; "
        "empty or equal to the entry: 422 rule_violated 更正内容与原记录相同，无需更正"
    )
    reason: Reason = Field(description="Why (更正原因)")


class QueryIn(Body):
    reason: Reason = Field(description="What the committee questions (质疑原因)")


class VoidIn(Body):
    reason: Reason = Field(description="Why (作废原因)")
