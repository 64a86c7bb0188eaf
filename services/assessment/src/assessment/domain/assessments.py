"""One advisor's year (`assessment-<advisor>-<year>`): feedback heard, figures confirmed, the result.

Invariants: the counted confirm their figures before they go upward: concluding without a current
confirmation (none, or one of figures that have changed since) needs a stated reason; an assessment
concludes once; a pass recommends renewal, a fail asks the advisor's unit to rectify listed items by a
day after today; only that unit reports the rectification completed, once. Feedback closes with the
conclusion (the result rests on the figures as they were). A village committee gives one rating per
advisor per year: a later one replaces its earlier one (counted once, with the later score); residents'
ratings (entered by the county) each count.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import assert_never

from eventkit.decider import Decider
from eventkit.errors import ConflictError, RuleViolationError
from vc_contracts import Event
from vc_contracts.catalogue.assessment import (
    AssessmentConcluded,
    FeedbackSubmitted,
    FiguresConfirmed,
    FiguresDisputed,
    RectificationCompleted,
    RectificationRequested,
    RenewalRecommended,
)
from vc_contracts.catalogue.enums import ASSESSMENT_RESULT_LABELS, AssessmentResult, FeedbackSource

from assessment.domain.year_commands import (
    Command,
    CompleteRectification,
    Conclude,
    ConfirmFigures,
    DisputeFigures,
    SubmitFeedback,
)

__all__ = [
    "CompleteRectification",
    "Conclude",
    "ConfirmFigures",
    "DisputeFigures",
    "SubmitFeedback",
    "assessments",
]


def stream_id(advisor_id: str, year: int) -> str:
    return f"assessment-{advisor_id}-{year}"


def assessment_id(advisor_id: str, year: int) -> str:
    return f"AS-{advisor_id}-{year}"


@dataclass(frozen=True)
class Year:
    feedback: tuple[FeedbackSubmitted, ...] = ()
    confirmed_digest: str | None = None
    dispute: FiguresDisputed | None = None  # the advisor's open dispute (a confirmation settles it)
    result: AssessmentResult | None = None
    rectification_unit: str | None = None
    rectification_items: tuple[str, ...] = ()
    rectification_due_on: date | None = None
    rectified_on: date | None = None  # the day the unit reported the rectification completed
    rectification_summary: str = ""


def decide(state: Year, c: Command, now: datetime) -> list[Event]:
    match c:
        case SubmitFeedback():
            _open(state)
            if not c.served:
                raise RuleViolationError(
                    f"{c.year} 年该顾问未在 {c.village_code} 服务，不能评价", field="advisor_id"
                )
            data = {k: v for k, v in vars(c).items() if k != "served"}
            return [FeedbackSubmitted(**data)]
        case ConfirmFigures():
            _open(state)
            return [
                FiguresConfirmed(
                    assessment_id=assessment_id(c.advisor_id, c.year),
                    advisor_id=c.advisor_id,
                    year=c.year,
                    figures_digest=c.digest,
                    confirmed_on=c.today,
                    comment=c.comment,
                )
            ]
        case DisputeFigures():
            _open(state)
            return [
                FiguresDisputed(
                    assessment_id=assessment_id(c.advisor_id, c.year),
                    advisor_id=c.advisor_id,
                    year=c.year,
                    figures_digest=c.digest,
                    disputed_on=c.today,
                    reason=c.reason,
                )
            ]
        case Conclude():
            return _conclude(state, c)
        case CompleteRectification():
            if state.rectification_unit is None:
                raise ConflictError("该顾问没有待完成的整改", field="advisor_id")
            if state.rectified_on is not None:
                raise ConflictError("整改已报告完成", field="advisor_id")
            if c.unit_id != state.rectification_unit:
                raise RuleViolationError("只有被要求整改的单位可以报告整改完成", field="unit_id")
            return [
                RectificationCompleted(
                    assessment_id=assessment_id(c.advisor_id, c.year),
                    advisor_id=c.advisor_id,
                    completed_on=c.completed_on,
                    summary=c.summary,
                )
            ]
        case _:
            assert_never(c)


def _open(state: Year) -> None:
    if state.result is not None:
        raise ConflictError("该年度考核已作出结论", field="year")


def _conclude(state: Year, c: Conclude) -> list[Event]:
    _open(state)
    _rectification_only_if_failed(c)
    confirmed = state.confirmed_digest == c.digest
    if not confirmed and not c.reason.strip():
        why = "顾问尚未确认其数据" if state.confirmed_digest is None else "顾问确认后数据已有变化，需重新确认"
        raise RuleViolationError(f"{why}；如需先行作出结论，请填写理由", field="reason")
    aid = assessment_id(c.advisor_id, c.year)
    basis = {**c.basis, "confirmed_by_advisor": confirmed}
    if not confirmed:
        basis["concluded_without_confirmation_reason"] = c.reason.strip()
    events: list[Event] = [
        AssessmentConcluded(
            assessment_id=aid,
            advisor_id=c.advisor_id,
            year=c.year,
            result=c.result,
            basis=basis,
            rule_version=c.rule_version,
        )
    ]
    if c.result != AssessmentResult.failed:
        return [*events, RenewalRecommended(assessment_id=aid, advisor_id=c.advisor_id, year=c.year)]
    if not c.items:
        raise RuleViolationError("考核不合格时须列明整改事项", field="items")
    if c.due_on is None or c.due_on <= c.today:
        raise RuleViolationError("整改期限须晚于今天", field="due_on")
    if not c.unit_id:
        raise RuleViolationError("未找到该顾问所属单位，无法要求整改", field="advisor_id")
    request = RectificationRequested(
        assessment_id=aid,
        advisor_id=c.advisor_id,
        unit_id=c.unit_id,
        year=c.year,
        items=list(c.items),
        due_on=c.due_on,
    )
    return [*events, request]


def _rectification_only_if_failed(c: Conclude) -> None:
    """Items to rectify and their last day belong to a failed year only: given with an excellent or
    passed result they were dropped without a word (no RectificationRequested is appended), so the
    county believed it had asked for a rectification nobody was asked for. 422 naming the field."""
    if c.result == AssessmentResult.failed:
        return
    shown = ASSESSMENT_RESULT_LABELS[c.result]
    if c.items:
        raise RuleViolationError(
            f"考核结论为{shown}，无需整改：请删除整改事项，或将结论改为不合格", field="items"
        )
    if c.due_on is not None:
        raise RuleViolationError(
            f"考核结论为{shown}，无需整改：请删除整改期限，或将结论改为不合格", field="due_on"
        )


def committee_of(feedback: FeedbackSubmitted) -> str | None:
    """The village whose committee gave `feedback` (None for a resident's)."""
    return feedback.village_code if feedback.source == FeedbackSource.committee else None


def committee_rating(state: Year, village_code: str) -> FeedbackSubmitted | None:
    """The village committee's counted rating of the year (its latest), if it gave one."""
    return next((f for f in state.feedback if committee_of(f) == village_code), None)


def evolve(state: Year, event: Event) -> Year:
    match event:
        case FeedbackSubmitted():
            kept = state.feedback
            if event.source == FeedbackSource.committee:  # the committee revises its one rating
                kept = tuple(f for f in kept if committee_of(f) != event.village_code)
            return replace(state, feedback=(*kept, event))
        case FiguresConfirmed():
            return replace(state, confirmed_digest=event.figures_digest, dispute=None)
        case FiguresDisputed():
            return replace(state, dispute=event, confirmed_digest=None)
        case AssessmentConcluded():
            return replace(state, result=event.result)
        case RectificationRequested():
            return replace(
                state,
                rectification_unit=event.unit_id,
                rectification_items=tuple(event.items),
                rectification_due_on=event.due_on,
            )
        case RectificationCompleted():
            return replace(state, rectified_on=event.completed_on, rectification_summary=event.summary)
    return state


assessments: Decider[Year, Command] = Decider(Year(), evolve, decide)
