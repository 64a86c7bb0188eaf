"""Commands on one advisor's year (see assessments.py for the rules they meet)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from vc_contracts.catalogue.enums import AssessmentResult, FeedbackSource


@dataclass(frozen=True)
class SubmitFeedback:
    feedback_id: str
    advisor_id: str
    village_code: str
    year: int
    source: FeedbackSource
    rating: int
    comment: str
    served: bool  # the advisor served the village that year (from the assignments read model)


@dataclass(frozen=True)
class ConfirmFigures:
    advisor_id: str
    year: int
    digest: str
    today: date
    comment: str = ""


@dataclass(frozen=True)
class DisputeFigures:
    advisor_id: str
    year: int
    digest: str
    today: date
    reason: str


@dataclass(frozen=True)
class Conclude:
    advisor_id: str
    year: int
    result: AssessmentResult
    basis: dict[str, Any]
    digest: str  # of the figures the county concludes on
    rule_version: int
    today: date
    reason: str = ""  # why concluding without the advisor's current confirmation
    unit_id: str | None = None
    items: tuple[str, ...] = ()
    due_on: date | None = None


@dataclass(frozen=True)
class CompleteRectification:
    advisor_id: str
    year: int
    unit_id: str
    completed_on: date
    summary: str


Command = SubmitFeedback | ConfirmFigures | DisputeFigures | Conclude | CompleteRectification
