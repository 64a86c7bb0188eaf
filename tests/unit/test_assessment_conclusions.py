"""An advisor's year: confirm before concluding, renewal or rectification, and its completion."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from assessment.domain.assessments import (
    CompleteRectification,
    Conclude,
    ConfirmFigures,
    DisputeFigures,
    SubmitFeedback,
    assessments,
)
from eventkit.errors import ConflictError, RuleViolationError
from support.deciding import Spec
from vc_contracts import CST, Event
from vc_contracts.catalogue.enums import AssessmentResult, FeedbackSource

NOW = datetime(2025, 12, 20, 9, tzinfo=CST)
TODAY = NOW.date()
DIGEST = "a" * 64


SPEC = Spec(assessments, NOW)


def conclude(result: AssessmentResult, digest: str = DIGEST, **kw: object) -> Conclude:
    return Conclude("li", 2025, result, {"villages": []}, digest, 2, TODAY, **kw)  # type: ignore[arg-type]


def confirmed() -> list[Event]:
    return SPEC.given().when(ConfirmFigures("li", 2025, DIGEST, TODAY)).decided()


def test_concluding_before_the_advisor_confirmed_needs_a_reason() -> None:
    with pytest.raises(RuleViolationError) as refused:
        SPEC.given().when(conclude(AssessmentResult.passed)).decided()
    assert refused.value.field == "reason"
    concluded, _ = (
        SPEC.given().when(conclude(AssessmentResult.passed, reason="顾问长期病休，无法确认")).decided()
    )
    assert concluded.basis["confirmed_by_advisor"] is False  # type: ignore[attr-defined]


def test_a_confirmation_of_figures_that_changed_since_is_stale() -> None:
    with pytest.raises(RuleViolationError, match="重新确认"):
        SPEC.given(*confirmed()).when(conclude(AssessmentResult.passed, digest="b" * 64)).decided()


def test_a_pass_recommends_renewal() -> None:
    events = SPEC.given(*confirmed()).when(conclude(AssessmentResult.excellent)).decided()
    assert [e.event_type for e in events] == ["AssessmentConcluded", "RenewalRecommended"]
    assert events[0].basis["confirmed_by_advisor"] is True  # type: ignore[attr-defined]


def test_a_fail_asks_the_unit_to_rectify_listed_items_by_a_later_day() -> None:
    fail = conclude(
        AssessmentResult.failed, unit_id="firm", items=("补足驻点时间",), due_on=date(2026, 2, 28)
    )
    events = SPEC.given(*confirmed()).when(fail).decided()
    assert [e.event_type for e in events] == ["AssessmentConcluded", "RectificationRequested"]
    with pytest.raises(RuleViolationError):
        SPEC.given(*confirmed()).when(
            conclude(AssessmentResult.failed, unit_id="firm", due_on=date(2026, 2, 28))
        ).decided()
    with pytest.raises(RuleViolationError):
        SPEC.given(*confirmed()).when(
            conclude(AssessmentResult.failed, unit_id="firm", items=("x",), due_on=TODAY)
        ).decided()


@pytest.mark.parametrize("result", [AssessmentResult.excellent, AssessmentResult.passed])
@pytest.mark.parametrize(
    ("rectification", "field"),
    [
        ({"items": ("补足驻点时间",)}, "items"),
        ({"due_on": date(2026, 2, 28)}, "due_on"),
        ({"items": ("补足驻点时间",), "due_on": date(2026, 2, 28)}, "items"),
    ],
)
def test_items_to_rectify_with_a_pass_are_refused_not_dropped(
    result: AssessmentResult, rectification: dict[str, object], field: str
) -> None:
    # before: concluded and renewal recommended, the items and their last day dropped without a word
    with pytest.raises(RuleViolationError, match="无需整改") as refused:
        SPEC.given(*confirmed()).when(conclude(result, unit_id="firm", **rectification)).decided()
    assert refused.value.field == field


def test_rectification_is_reported_by_that_unit_once_and_the_year_concludes_once() -> None:
    fail = conclude(
        AssessmentResult.failed, unit_id="firm", items=("补足驻点时间",), due_on=date(2026, 2, 28)
    )
    given = confirmed() + SPEC.given(*confirmed()).when(fail).decided()
    with pytest.raises(RuleViolationError):
        SPEC.given(*given).when(
            CompleteRectification("li", 2025, "other-firm", date(2026, 2, 1), "已补足")
        ).decided()
    [done] = (
        SPEC.given(*given)
        .when(CompleteRectification("li", 2025, "firm", date(2026, 2, 1), "已补足"))
        .decided()
    )
    with pytest.raises(ConflictError):
        SPEC.given(*given, done).when(
            CompleteRectification("li", 2025, "firm", date(2026, 2, 2), "再次")
        ).decided()
    with pytest.raises(ConflictError):
        SPEC.given(*given).when(conclude(AssessmentResult.passed)).decided()


def test_no_rectification_to_complete_without_a_request() -> None:
    with pytest.raises(ConflictError):
        SPEC.given(*confirmed()).when(
            CompleteRectification("li", 2025, "firm", date(2026, 2, 1), "已补足")
        ).decided()


def test_feedback_only_for_a_village_the_advisor_served_and_not_after_the_conclusion() -> None:
    fb = SubmitFeedback("fb-1", "li", "621025100201", 2025, FeedbackSource.committee, 5, "好", served=True)
    assert SPEC.given().when(fb).decided()[0].event_type == "FeedbackSubmitted"
    with pytest.raises(RuleViolationError):
        SPEC.given().when(SubmitFeedback(**{**vars(fb), "served": False})).decided()
    closed = confirmed() + SPEC.given(*confirmed()).when(conclude(AssessmentResult.passed)).decided()
    with pytest.raises(ConflictError):
        SPEC.given(*closed).when(fb).decided()


def dispute(reason: str = "第三季度驻点时长少计一次") -> DisputeFigures:
    return DisputeFigures("li", 2025, DIGEST, TODAY, reason)


def test_a_dispute_withdraws_the_confirmation_and_a_new_confirmation_settles_it() -> None:
    disputed = SPEC.given(*confirmed()).when(dispute()).decided()
    assert [e.event_type for e in disputed] == ["FiguresDisputed"]
    state = assessments.fold([*confirmed(), *disputed])
    assert state.confirmed_digest is None
    assert state.dispute is not None and state.dispute.reason == "第三季度驻点时长少计一次"
    with pytest.raises(RuleViolationError, match="尚未确认"):  # the county must give a reason now
        SPEC.given(*confirmed(), *disputed).when(conclude(AssessmentResult.passed)).decided()
    settled = assessments.fold([*confirmed(), *disputed, *confirmed()])
    assert settled.dispute is None and settled.confirmed_digest == DIGEST


def test_a_concluded_year_cannot_be_disputed() -> None:
    done = [*confirmed(), *SPEC.given(*confirmed()).when(conclude(AssessmentResult.passed)).decided()]
    with pytest.raises(ConflictError):
        SPEC.given(*done).when(dispute()).decided()
