"""Request bodies of the assessment API (validation errors use the standard error body)."""

from __future__ import annotations

from typing import Annotated

from eventkit.params import RequestBody
from eventkit.periods import PERIOD_PATTERN
from pydantic import ConfigDict, Field
from vc_contracts import ShanghaiDate
from vc_contracts.catalogue.enums import AssessmentResult, FeedbackSource
from vc_contracts.catalogue.fields import FreeText, Id, MonthDay, Note, Period, ShortText, VillageCode, Year
from vc_contracts.codes import Normalised
from vc_contracts.divisions import CountyCode
from vc_contracts.text import OptionalReason, Reason

QUARTER_HOURS = 24 * 92  # hours in the longest quarter: no minimum can be above it


class Body(RequestBody):
    model_config = ConfigDict(extra="forbid")


class RulesIn(Body):
    division_code: Annotated[str, Normalised] = Field(
        pattern=r"^\d{6}$", description="Province (defaults) or county (stricter)"
    )
    effective_from: ShanghaiDate = Field(description="First CST day the rules apply")
    min_quarter_onsite_hours: float | None = Field(default=None, ge=0, le=QUARTER_HOURS)
    min_year_lectures: int | None = Field(default=None, ge=0, le=366)
    filing_deadline_month_day: MonthDay | None = None
    half_year_report_due: list[MonthDay] | None = Field(default=None, min_length=2, max_length=2)
    annual_report_due: MonthDay | None = None
    question_answer_working_days: int | None = Field(
        default=None, ge=1, le=30, description="Working days a resident's board question may wait (default 3)"
    )


class EvaluationIn(Body):
    county: CountyCode = Field(description="County code")
    period: Annotated[Period, Field(pattern=PERIOD_PATTERN)] = Field(
        description="A closed quarter (hours) or year (lectures)"
    )


class FeedbackIn(Body):
    advisor_id: Id
    village_code: VillageCode
    year: Year
    source: FeedbackSource = FeedbackSource.committee
    rating: int = Field(ge=1, le=5, description="1 (poor) to 5 (excellent)")
    comment: Note = ""


class ConfirmIn(Body):
    comment: Note = Field(default="", description="The advisor's remark; may be empty")


class DisputeIn(Body):
    reason: Reason = Field(description="Which figure is wrong and why (异议理由)")


class ConcludeIn(Body):
    result: AssessmentResult
    reason: OptionalReason = Field(default="", description="Why concluding before the advisor confirmed")
    items: list[ShortText] = Field(default_factory=list, description="Items to rectify (a failed result)")
    due_on: ShanghaiDate | None = Field(default=None, description="Last CST day of the rectification")


class RectifiedIn(Body):
    completed_on: ShanghaiDate
    summary: FreeText
