"""Events of the reporting service: reports submitted and reviewed county → city → province, and
missed deadlines (R4, R13-R15). Topic `villagecounsel.reporting.events`."""

from __future__ import annotations

import re
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from vc_contracts.base import Event, ShanghaiDateTime, upcaster
from vc_contracts.catalogue.enums import DeadlineKind, Level, ReportKind
from vc_contracts.catalogue.fields import (
    HALF_YEAR_PERIOD,
    YEAR_PERIOD,
    AdvisorId,
    Id,
    Period,
    Reason,
    ReportId,
    UnitId,
)
from vc_contracts.divisions import DivisionCode

_PERIOD_OF_KIND = {
    "half_year_ledger": HALF_YEAR_PERIOD,
    "annual_results": YEAR_PERIOD,
    "agreement_filing": YEAR_PERIOD,
}


def _check_period(kind: str, period: str) -> None:
    if not re.match(_PERIOD_OF_KIND[kind], period):
        raise ValueError(f"period {period!r} does not fit kind {kind} (expected {_PERIOD_OF_KIND[kind]})")


class ReportingEvent(Event, abstract=True):
    """Base of the reporting service's events (topic `villagecounsel.reporting.events`)."""

    owner: ClassVar[str] = "reporting"


class ReportSubmittedV1(ReportingEvent):
    """A unit submitted a half-year ledger report or annual results (figures derived from the ledger,
    confirmed by the people counted) to the level above."""

    # version 1 as published (read as version 2 through the upcaster below)
    model_config = ConfigDict(title="ReportSubmitted")
    event_type: ClassVar[str] = "ReportSubmitted"

    report_id: ReportId
    kind: ReportKind = Field(description="Kind of report")
    period: Period = Field(description="2025H1 / 2025H2 for half-year ledgers, 2025 for annual results")
    submitter_unit_id: UnitId
    division_code: DivisionCode = Field(description="Division the report covers")
    figures: dict[str, Any] = Field(description="Statistics table (JSON object), derived from the ledger")
    confirmed_by: list[Id] = Field(description="Subjects who confirmed the figures before submission")

    @model_validator(mode="after")
    def _period_fits_kind(self) -> Self:
        _check_period(self.kind, self.period)
        return self


class FrozenHead(BaseModel):
    """A ledger volume's chain head as last sealed (VolumeSealed) when a report was submitted."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    volume_id: Id = Field(description="village:<village code>:<year> or unit:<unit id>:<year>")
    length: int = Field(ge=1, description="Links sealed (the head is the link at this seq)")
    head: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 link at `length`, 64 lowercase hex")


class ReportSubmitted(ReportingEvent):
    """A unit submitted a half-year ledger report or annual results (figures derived from the ledger,
    confirmed by the people counted) to the level above. Version 2 adds `heads`: the chain heads of
    the ledger volumes the report covers, frozen at submission and checked at every approval."""

    schema_version: ClassVar[int] = 2
    report_id: ReportId
    kind: ReportKind = Field(description="Kind of report")
    period: Period = Field(description="2025H1 / 2025H2 for half-year ledgers, 2025 for annual results")
    submitter_unit_id: UnitId
    division_code: DivisionCode = Field(description="Division the report covers")
    figures: dict[str, Any] = Field(description="Statistics table (JSON object), derived from the ledger")
    confirmed_by: list[Id] = Field(description="Subjects who confirmed the figures before submission")
    heads: list[FrozenHead] = Field(
        default_factory=list,
        description="Heads of the village and unit volumes of the report's county and year, as last"
        " sealed by the ledger at submission (empty for reports submitted before heads were kept)",
    )

    @model_validator(mode="after")
    def _period_fits_kind(self) -> Self:
        _check_period(self.kind, self.period)
        return self


@upcaster("ReportSubmitted", from_version=1)
def upcast_report_submitted_v1_v2(data: dict[str, Any]) -> dict[str, Any]:
    """ReportSubmitted v1 -> v2: a version-1 report froze no chain heads."""
    return {**data, "heads": []}


class AdvisorFiguresConfirmed(ReportingEvent):
    """An advisor confirmed their own figures of a unit's half-year ledger before the unit submits it
    ("each advisor confirms their figures"); a later ledger change alters the digest, so the
    confirmation no longer covers the current figures."""

    unit_id: UnitId
    period: str = Field(pattern=HALF_YEAR_PERIOD, description="Half-year: 2025H1 / 2025H2")
    advisor_id: AdvisorId
    digest: Id = Field(description="Digest of the advisor's figures as previewed and confirmed")


class ReportReturned(ReportingEvent):
    """A reviewing level sent a report back for correction."""

    report_id: ReportId
    by_level: Level = Field(description="Level that returned it")
    reason: Reason = Field(description="What must be corrected")


class ReportApproved(ReportingEvent):
    """A reviewing level approved a report."""

    report_id: ReportId
    by_level: Level = Field(description="Level that approved it")


class ReportEscalated(ReportingEvent):
    """An approved report was passed up to the next level (county → city → province, R15)."""

    report_id: ReportId
    from_level: Level = Field(description="Level passing it on")
    to_level: Level = Field(description="Level receiving it, above from_level")
    to_division_code: DivisionCode = Field(description="Division of the receiving level (city/province)")

    @model_validator(mode="after")
    def _goes_up(self) -> Self:
        if self.to_level.rank <= self.from_level.rank:
            raise ValueError("a report escalates upward only")
        return self


class DeadlineMissed(ReportingEvent):
    """A report or the yearly agreement filing was not in by its deadline."""

    deadline_id: Id = Field(description="Id of the deadline")
    kind: DeadlineKind = Field(description="What was due")
    period: Period = Field(description="Period it was due for: 2025H1 or 2025")
    unit_id: UnitId | None = Field(
        default=None, description="Unit that owed it; null when a division owed it"
    )
    division_code: DivisionCode = Field(description="Division concerned")
    due_at: ShanghaiDateTime = Field(description="Instant the deadline passed, +08:00 (e.g. 04-01T00:00)")

    @model_validator(mode="after")
    def _period_fits_kind(self) -> Self:
        _check_period(self.kind, self.period)
        return self
