"""Events of the assessment service: compliance rules (data, not code, versioned per division),
feedback, breaches, yearly assessments and their consequences (R5, R6, R11, R12).
Topic `villagecounsel.assessment.events`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar

from pydantic import ConfigDict, Field

from vc_contracts.base import Event, upcaster
from vc_contracts.catalogue.enums import AssessmentResult, FeedbackSource
from vc_contracts.catalogue.fields import (
    AdvisorId,
    AssessmentId,
    FreeText,
    Id,
    Note,
    Period,
    Reason,
    RecordedMonthDay,
    ShortText,
    UnitId,
    VillageCode,
    Year,
)
from vc_contracts.divisions import DivisionCode

RuleVersion = Annotated[int, Field(ge=1, description="Version of the ComplianceRulesSet that was applied")]


class AssessmentEvent(Event, abstract=True):
    """Base of the assessment service's events (topic `villagecounsel.assessment.events`)."""

    owner: ClassVar[str] = "assessment"


class ComplianceRulesSetV1(AssessmentEvent):
    """Compliance thresholds were set for a division (the province sets defaults, a county may set
    stricter ones), effective from a CST day. Every evaluation records the version it applied."""

    # version 1 as published (read as version 2 through the upcaster below)
    model_config = ConfigDict(title="ComplianceRulesSet")
    event_type: ClassVar[str] = "ComplianceRulesSet"

    division_code: DivisionCode = Field(description="Province, city or county the rules apply to")
    version: int = Field(ge=1, description="Rule-set version, increasing per division")
    effective_from: date = Field(description="First CST calendar day the rules apply")
    min_quarter_onsite_hours: float = Field(
        default=8, ge=0, description="Minimum on-site hours per village per calendar quarter (R5)"
    )
    min_year_lectures: int = Field(
        default=2, ge=0, description="Minimum lectures or publicity events per village per year (R6)"
    )
    filing_deadline_month_day: RecordedMonthDay = Field(
        default="03-31", description="Agreements filed by the end of this day each year (R4)"
    )
    half_year_report_due: list[RecordedMonthDay] = Field(
        default_factory=lambda: ["07-15", "01-15"],
        min_length=2,
        max_length=2,
        description="Due days of the H1 report (same year) and the H2 report (next year) (R13)",
    )
    annual_report_due: RecordedMonthDay = Field(
        default="12-31", description="Annual results report due by the end of this day (R14)"
    )


class ComplianceRulesSet(AssessmentEvent):
    """Compliance thresholds were set for a division (the province sets defaults, a county may set
    stricter ones), effective from a CST day. Every evaluation records the version it applied.
    Version 2 adds how long a resident's board question may wait for its answer."""

    schema_version: ClassVar[int] = 2

    division_code: DivisionCode = Field(description="Province, city or county the rules apply to")
    version: int = Field(ge=1, description="Rule-set version, increasing per division")
    effective_from: date = Field(description="First CST calendar day the rules apply")
    min_quarter_onsite_hours: float = Field(
        default=8, ge=0, description="Minimum on-site hours per village per calendar quarter (R5)"
    )
    min_year_lectures: int = Field(
        default=2, ge=0, description="Minimum lectures or publicity events per village per year (R6)"
    )
    filing_deadline_month_day: RecordedMonthDay = Field(
        default="03-31", description="Agreements filed by the end of this day each year (R4)"
    )
    half_year_report_due: list[RecordedMonthDay] = Field(
        default_factory=lambda: ["07-15", "01-15"],
        min_length=2,
        max_length=2,
        description="Due days of the H1 report (same year) and the H2 report (next year) (R13)",
    )
    annual_report_due: RecordedMonthDay = Field(
        default="12-31", description="Annual results report due by the end of this day (R14)"
    )
    question_answer_working_days: int = Field(
        default=3,
        ge=1,
        le=30,
        description="A resident's board question unanswered after this many working days (Mon-Fri,"
        " counted from the day after it was asked, CST) shows on the county's dashboard (R9, R10)",
    )


@upcaster("ComplianceRulesSet", from_version=1)
def upcast_compliance_rules_set_v1_v2(data: dict[str, Any]) -> dict[str, Any]:
    """ComplianceRulesSet v1 -> v2: a version-1 rule set had no question limit: the default, 3."""
    return {**data, "question_answer_working_days": 3}


class FeedbackSubmitted(AssessmentEvent):
    """A village committee or a resident rated an advisor for a year (R11)."""

    feedback_id: Id = Field(description="Id of the feedback")
    advisor_id: AdvisorId
    village_code: VillageCode
    year: Year
    source: FeedbackSource = Field(description="Who gave the feedback")
    rating: int = Field(ge=1, le=5, description="1 (poor) to 5 (excellent)")
    comment: Note = Field(default="", description="Free comment; may be empty")


class ComplianceBreachedV1(AssessmentEvent):
    """An advisor fell short of a compliance rule for a village over a period."""

    # version 1 as published (read as version 2 through the upcaster below)
    model_config = ConfigDict(title="ComplianceBreached")
    event_type: ClassVar[str] = "ComplianceBreached"
    breach_id: Id = Field(description="Id of the breach")
    advisor_id: AdvisorId
    village_code: VillageCode
    rule: ShortText = Field(description="Rule name as in ComplianceRulesSet, e.g. min_quarter_onsite_hours")
    period: Period
    expected: float = Field(description="Threshold the rule required")
    actual: float = Field(description="What the ledger shows for the period")
    rule_version: RuleVersion


class ComplianceBreached(AssessmentEvent):
    """An advisor fell short of a compliance rule for a village over a period. Version 2 names the
    division whose rule set was applied (a rule version is counted per division)."""

    schema_version: ClassVar[int] = 2
    breach_id: Id = Field(description="Id of the breach")
    advisor_id: AdvisorId
    village_code: VillageCode
    rule: ShortText = Field(description="Rule name as in ComplianceRulesSet, e.g. min_quarter_onsite_hours")
    period: Period
    expected: float = Field(description="Threshold the rule required")
    actual: float = Field(
        description="What the ledger shows for the period (exact total, rounded to 2 decimals)"
    )
    rule_version: RuleVersion
    rule_division_code: DivisionCode | None = Field(
        default=None,
        description="Division whose rule set was applied (the province's default or a county's own);"
        " null on breaches recorded in version 1",
    )


@upcaster("ComplianceBreached", from_version=1)
def upcast_compliance_breached_v1_v2(data: dict[str, Any]) -> dict[str, Any]:
    """ComplianceBreached v1 -> v2: a v1 breach did not record whose rule set it applied (null)."""
    return {**data, "rule_division_code": None}


class FiguresConfirmed(AssessmentEvent):
    """The advisor confirmed the figures of their yearly figure sheet before they go upward; a later
    change of the figures (a corrected or voided entry) makes the confirmation stale."""

    assessment_id: AssessmentId
    advisor_id: AdvisorId
    year: Year
    figures_digest: str = Field(
        min_length=64, max_length=64, description="SHA-256 (hex) of the figures the advisor confirmed"
    )
    confirmed_on: date = Field(description="CST calendar day of confirmation")
    comment: Note = Field(default="", description="The advisor's remark on the figures; may be empty")


class FiguresDisputed(AssessmentEvent):
    """The advisor disputed the figures of their yearly figure sheet, saying why; the county sees the
    dispute next to the figures. A later confirmation settles it."""

    assessment_id: AssessmentId
    advisor_id: AdvisorId
    year: Year
    figures_digest: str = Field(
        min_length=64, max_length=64, description="SHA-256 (hex) of the figures the advisor disputed"
    )
    disputed_on: date = Field(description="CST calendar day of the dispute")
    reason: Reason = Field(description="Which figure is wrong and why")


class AssessmentConcluded(AssessmentEvent):
    """An advisor's yearly assessment concluded with a result and the figures it rests on."""

    assessment_id: AssessmentId
    advisor_id: AdvisorId
    year: Year
    result: AssessmentResult = Field(description="Outcome of the assessment")
    basis: dict[str, Any] = Field(description="Figures and findings the result rests on (JSON object)")
    rule_version: RuleVersion


class RenewalRecommended(AssessmentEvent):
    """A passing advisor was recommended for continued engagement (R12)."""

    assessment_id: AssessmentId
    advisor_id: AdvisorId
    year: Year


class RectificationRequested(AssessmentEvent):
    """The county asked a failing advisor's unit to rectify listed items by a day (R12)."""

    assessment_id: AssessmentId
    advisor_id: AdvisorId
    unit_id: UnitId
    year: Year
    items: list[ShortText] = Field(min_length=1, description="What must be rectified")
    due_on: date = Field(description="Last CST calendar day to complete the rectification")


class RectificationCompleted(AssessmentEvent):
    """A requested rectification was completed."""

    assessment_id: AssessmentId
    advisor_id: AdvisorId
    completed_on: date = Field(description="CST calendar day of completion")
    summary: FreeText = Field(description="What was done")
