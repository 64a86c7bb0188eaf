"""Assignments: given past events, when a command, then events or a refusal (pure, no I/O)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from eventkit.errors import AppError, ConflictError, RuleViolationError
from registry.domain.advisors import Advisor
from registry.domain.assignments import AssignAdvisor, EndAssignment, assignments
from registry.domain.divisions import Division
from support.deciding import Spec
from vc_contracts import CST
from vc_contracts.catalogue.enums import AdvisorStatus, DivisionLevel
from vc_contracts.catalogue.registry import AdvisorAssigned, AssignmentEnded

NOW = datetime(2025, 6, 1, 10, 0, tzinfo=CST)
VILLAGE = Division("621025100201", "西头村", DivisionLevel.village, "621025100000")
TOWNSHIP = Division("621025100000", "山河镇", DivisionLevel.township, "621025")
LI = Advisor("A-li", "李律师", "U-firm", "13800000001")
WANG = Advisor("A-wang", "王所长", "U-office", "13800000002")


def assigned(advisor: Advisor, on: date, assignment_id: str = "AS-1") -> AdvisorAssigned:
    return AdvisorAssigned(
        assignment_id=assignment_id,
        village_code=VILLAGE.code or "",
        advisor_id=advisor.advisor_id or "",
        unit_id=advisor.unit_id or "",
        valid_from=on,
        schedule="每周三 9:00-12:00",
    )


SPEC = Spec(assignments, NOW)


def ended(advisor: Advisor, last_day: date, assignment_id: str = "AS-1") -> AssignmentEnded:
    return AssignmentEnded(
        assignment_id=assignment_id,
        village_code=VILLAGE.code or "",
        advisor_id=advisor.advisor_id or "",
        valid_to=last_day,
        reason="人员调整",
    )


def test_first_assignment_of_a_village_is_recorded() -> None:
    SPEC.given().when(AssignAdvisor("AS-1", VILLAGE, LI, date(2025, 1, 1), "每周三")).then(
        assigned(LI, date(2025, 1, 1)).model_copy(update={"schedule": "每周三"})
    )


def test_reassignment_ends_the_old_assignment_the_day_before_the_new_one_starts() -> None:
    SPEC.given(assigned(LI, date(2025, 1, 1))).when(
        AssignAdvisor("AS-2", VILLAGE, WANG, date(2025, 4, 1), "周五")
    ).then(
        ended(LI, date(2025, 3, 31)),
        assigned(WANG, date(2025, 4, 1), "AS-2").model_copy(update={"schedule": "周五"}),
    )


def test_history_answers_who_served_as_of_a_past_date() -> None:
    history = [assigned(LI, date(2025, 1, 1))]
    history += (
        SPEC.given(*history).when(AssignAdvisor("AS-2", VILLAGE, WANG, date(2025, 4, 1), "周五")).decided()
    )
    state = SPEC.state(*history)
    assert state.as_of(date(2024, 12, 31)) is None
    assert state.as_of(date(2025, 3, 31)).advisor_id == "A-li"  # type: ignore[union-attr]
    assert state.as_of(date(2025, 4, 1)).advisor_id == "A-wang"  # type: ignore[union-attr]
    assert state.current.advisor_id == "A-wang"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("given", "command", "error", "field"),
    [
        ([], AssignAdvisor("X", TOWNSHIP, LI, date(2025, 1, 1), "s"), RuleViolationError, "village_code"),
        ([], AssignAdvisor("X", Division(), LI, date(2025, 1, 1), "s"), RuleViolationError, "village_code"),
        ([], AssignAdvisor("X", VILLAGE, Advisor(), date(2025, 1, 1), "s"), RuleViolationError, "advisor_id"),
        (
            [],
            AssignAdvisor(
                "X", VILLAGE, Advisor("A-x", "x", "U", "1", AdvisorStatus.left), date(2025, 1, 1), "s"
            ),
            RuleViolationError,
            "advisor_id",
        ),
        (
            [assigned(LI, date(2025, 4, 1))],
            AssignAdvisor("X", VILLAGE, WANG, date(2025, 3, 1), "s"),
            ConflictError,
            "valid_from",
        ),
        (
            [assigned(LI, date(2025, 1, 1))],
            AssignAdvisor("X", VILLAGE, LI, date(2025, 5, 1), "每周三 9:00-12:00"),
            ConflictError,
            "advisor_id",
        ),
        (
            [assigned(LI, date(2025, 1, 1))],
            AssignAdvisor("AS-1", VILLAGE, WANG, date(2025, 5, 1), "s"),
            ConflictError,
            "assignment_id",
        ),
        ([], EndAssignment(date(2025, 1, 1), "离职"), ConflictError, "valid_to"),
        (
            [assigned(LI, date(2025, 4, 1))],
            EndAssignment(date(2025, 3, 1), "离职"),
            RuleViolationError,
            "valid_to",
        ),
    ],
    ids=[
        "township",
        "unknown-village",
        "unknown-advisor",
        "advisor-left",
        "overlap-before-current",
        "same-advisor-same-schedule",
        "assignment-id-reused",
        "end-without-current",
        "end-before-start",
    ],
)
def test_bad_assignment_commands_are_refused_with_the_field(
    given: list, command: object, error: type[AppError], field: str
) -> None:
    SPEC.given(*given).when(command).refused(error, field)


def test_an_overlapping_term_is_refused_naming_the_serving_advisor_by_name() -> None:
    command = AssignAdvisor("AS-2", VILLAGE, WANG, date(2025, 1, 1), "周五", serving=LI)
    refusal = SPEC.given(assigned(LI, date(2025, 3, 1))).when(command).refused(ConflictError, "valid_from")
    assert "已由顾问 李律师（A-li） 负责" in refusal.message


def test_the_same_assignment_again_changes_nothing() -> None:
    """A re-imported roster row carries the same deterministic assignment id."""
    SPEC.given(assigned(LI, date(2025, 1, 1))).when(
        AssignAdvisor("AS-1", VILLAGE, LI, date(2025, 1, 1), "每周三 9:00-12:00")
    ).then()


def test_a_new_schedule_for_the_same_advisor_starts_a_new_term() -> None:
    events = (
        SPEC.given(assigned(LI, date(2025, 1, 1)))
        .when(AssignAdvisor("AS-2", VILLAGE, LI, date(2025, 7, 1), "每周五"))
        .then(
            ended(LI, date(2025, 6, 30)),
            assigned(LI, date(2025, 7, 1), "AS-2").model_copy(update={"schedule": "每周五"}),
        )
    )
    state = SPEC.state(assigned(LI, date(2025, 1, 1)), *events)
    assert state.as_of(date(2025, 6, 30)).schedule == "每周三 9:00-12:00"  # type: ignore[union-attr]
    assert state.as_of(date(2025, 7, 1)).schedule == "每周五"  # type: ignore[union-attr]


def test_history_of_several_reassignments_answers_as_of_any_past_day() -> None:
    zhao = Advisor("A-zhao", "赵律师", "U-firm", "13800000003")
    history = [assigned(LI, date(2024, 1, 1))]
    for n, (advisor, start) in enumerate([(WANG, date(2024, 7, 1)), (zhao, date(2025, 2, 1))], start=2):
        history += (
            SPEC.given(*history).when(AssignAdvisor(f"AS-{n}", VILLAGE, advisor, start, "周一")).decided()
        )
    history += SPEC.given(*history).when(EndAssignment(date(2025, 4, 30), "顾问离任")).decided()
    state = SPEC.state(*history)
    expected = {
        date(2023, 12, 31): None,
        date(2024, 6, 30): "A-li",
        date(2024, 7, 1): "A-wang",
        date(2025, 1, 31): "A-wang",
        date(2025, 2, 1): "A-zhao",
        date(2025, 4, 30): "A-zhao",
        date(2025, 5, 1): None,
    }
    for day, advisor_id in expected.items():
        term = state.as_of(day)
        assert (term.advisor_id if term else None) == advisor_id, day
    assert state.current is None
