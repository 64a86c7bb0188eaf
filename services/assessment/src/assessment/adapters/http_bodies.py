"""Request bodies of the assessment API (validation errors use the standard error body)."""

from __future__ import annotations

from datetime import date

from eventkit.params import PERIOD_PATTERN, IdempotencyKey, RequestBody, YearField
from pydantic import ConfigDict, Field
from vc_contracts.catalogue.enums import AssessmentResult, FeedbackSource
from vc_contracts.catalogue.fields import VILLAGE_CODE_PATTERN, MonthDay

__all__ = ["IdempotencyKey"]
QUARTER_HOURS = 24 * 92  # hours in the longest quarter: no minimum can be above it


class Body(RequestBody):
    model_config = ConfigDict(extra="forbid")


class RulesIn(Body):
    division_code: str = Field(pattern=r"^\d{6}$", description="Province (defaults) or county (stricter)")
    effective_from: date = Field(description="First CST day the rules apply")
    min_quarter_onsite_hours: float | None = Field(default=None, ge=0, le=QUARTER_HOURS)
    min_year_lectures: int | None = Field(default=None, ge=0, le=366)
    filing_deadline_month_day: MonthDay | None = None
    half_year_report_due: list[MonthDay] | None = Field(default=None, min_length=2, max_length=2)
    annual_report_due: MonthDay | None = None


class EvaluationIn(Body):
    county: str = Field(pattern=r"^\d{4}(0[1-9]|[1-9]\d)$", description="County code")
    period: str = Field(pattern=PERIOD_PATTERN, description="A closed quarter (hours) or year (lectures)")


class FeedbackIn(Body):
    advisor_id: str = Field(min_length=1, max_length=128)
    village_code: str = Field(pattern=VILLAGE_CODE_PATTERN)
    year: YearField
    source: FeedbackSource = FeedbackSource.committee
    rating: int = Field(ge=1, le=5, description="1 (poor) to 5 (excellent)")
    comment: str = Field(default="", max_length=2000)


class ConfirmIn(Body):
    comment: str = Field(default="", max_length=2000, description="The advisor's remark; may be empty")


class ConcludeIn(Body):
    result: AssessmentResult
    reason: str = Field(
        default="", max_length=2000, description="Why concluding before the advisor confirmed"
    )
    items: list[str] = Field(default_factory=list, description="Items to rectify (a failed result)")
    due_on: date | None = Field(default=None, description="Last CST day of the rectification")


class RectifiedIn(Body):
    completed_on: date
    summary: str = Field(min_length=1, max_length=2000)
