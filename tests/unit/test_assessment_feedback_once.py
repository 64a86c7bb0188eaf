"""One rating per village committee per advisor per year counts: a later one replaces the earlier
(counted once, with the later score); residents' ratings each count. Given ratings, then the figure
sheet's feedback counts (份数) and averages (平均)."""

from __future__ import annotations

from datetime import datetime

import pytest
from assessment.application.figures import _feedback
from assessment.domain.assessments import SubmitFeedback, assessments, committee_rating
from support.deciding import Spec
from vc_contracts import CST, Event
from vc_contracts.catalogue.enums import FeedbackSource

SPEC = Spec(assessments, datetime(2025, 12, 20, 9, tzinfo=CST))
V1, V2 = "621025100201", "621025100202"
C, R = FeedbackSource.committee, FeedbackSource.resident


def rated(*given: tuple[str, FeedbackSource, int]) -> list[Event]:
    history: list[Event] = []
    for n, (village, source, rating) in enumerate(given):
        fb = SubmitFeedback(f"fb-{n}", "li", village, 2025, source, rating, "", served=True)
        history += SPEC.given(*history).when(fb).decided()
    return history


@pytest.mark.parametrize(
    ("given", "committee", "resident"),
    [
        ([(V1, C, 2), (V1, C, 4)], {"count": 1, "average": 4.0}, {"count": 0, "average": None}),
        ([(V1, C, 4), (V1, C, 2)], {"count": 1, "average": 2.0}, {"count": 0, "average": None}),
        ([(V1, C, 2), (V2, C, 3)], {"count": 2, "average": 2.5}, {"count": 0, "average": None}),
        ([(V1, C, 2), (V2, C, 3), (V1, C, 5)], {"count": 2, "average": 4.0}, {"count": 0, "average": None}),
        ([(V1, R, 2), (V1, R, 4), (V1, C, 5)], {"count": 1, "average": 5.0}, {"count": 2, "average": 3.0}),
    ],
    ids=["revised-up", "revised-down", "two-committees", "one-revises", "residents-each-count"],
)
def test_a_committee_is_counted_once_with_its_latest_rating(
    given: list[tuple[str, FeedbackSource, int]], committee: dict[str, object], resident: dict[str, object]
) -> None:
    figures = _feedback(SPEC.state(*rated(*given)).feedback)
    assert (figures["committee"], figures["resident"]) == (committee, resident)


def test_the_committee_rating_of_the_year_is_its_latest() -> None:
    state = SPEC.state(*rated((V1, C, 2), (V2, C, 3), (V1, C, 4)))
    latest = committee_rating(state, V1)
    assert latest is not None and (latest.rating, latest.feedback_id) == (4, "fb-2")
    assert committee_rating(state, "621025100203") is None
