"""Notice boards (R9): posting rules and when a board is stale (pure)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from eventkit.errors import RuleViolationError
from registry.domain.advisors import Advisor
from registry.domain.assignments import Term
from registry.domain.boards import NoticeBoard, PostNoticeBoard, Shown, Staleness, boards, stale_reasons
from registry.domain.divisions import Division
from vc_contracts import CST
from vc_contracts.catalogue.enums import DivisionLevel
from vc_contracts.catalogue.registry import NoticeBoardPosted

NOW = datetime(2025, 6, 1, 10, 0, tzinfo=CST)
VILLAGE = Division("621025100201", "西头村", DivisionLevel.village, "621025100000")
LI = Advisor("A-li", "李律师", "U-firm", "13800000001")
SERVING = Term("AS-1", "A-li", "U-firm", date(2025, 1, 1), schedule="每周三 9:00-12:00")
SHOWN = Shown("A-li", "李律师", "13800000001", "每周三 9:00-12:00")
POST = PostNoticeBoard(VILLAGE, LI, SERVING, SHOWN, date(2025, 2, 1))


def post(**changes: object) -> PostNoticeBoard:
    return PostNoticeBoard(**{**POST.__dict__, **changes})  # type: ignore[arg-type]


def test_a_board_is_posted_for_the_advisor_serving_that_day() -> None:
    events = boards.decide(boards.initial, POST, NOW)
    assert [type(e) for e in events] == [NoticeBoardPosted]
    assert boards.fold(events) == NoticeBoard(SHOWN, date(2025, 2, 1))


def test_posting_the_same_board_again_changes_nothing() -> None:
    state = boards.fold(boards.decide(boards.initial, POST, NOW))
    assert boards.decide(state, post(posted_on=date(2025, 3, 1)), NOW) == []


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (post(village=Division()), "village_code"),
        (post(advisor=Advisor()), "advisor_id"),
        (post(serving=None), "advisor_id"),
        (post(serving=Term("AS-2", "A-wang", "U-firm", date(2025, 1, 1))), "advisor_id"),
        (post(posted_on=date(2025, 6, 2)), "posted_on"),
    ],
    ids=["unknown-village", "unknown-advisor", "nobody-serving", "someone-else-serving", "in-the-future"],
)
def test_bad_boards_are_refused(command: PostNoticeBoard, field: str) -> None:
    with pytest.raises(RuleViolationError) as refused:
        boards.decide(boards.initial, command, NOW)
    assert refused.value.field == field


def test_a_board_cannot_be_dated_before_the_last_posting() -> None:
    state = boards.fold(boards.decide(boards.initial, POST, NOW))
    changed = Shown("A-li", "李律师", "13800000001", "每周五")
    with pytest.raises(RuleViolationError) as refused:
        boards.decide(state, post(shown=changed, posted_on=date(2025, 1, 15)), NOW)
    assert refused.value.field == "posted_on"


@pytest.mark.parametrize(
    ("current", "reasons"),
    [
        (SHOWN, []),
        (None, [Staleness.no_current_advisor]),
        (Shown("A-wang", "王律师", "13800000002", "每周三 9:00-12:00"), [Staleness.former_advisor]),
        (Shown("A-li", "李律师", "13900000001", "每周三 9:00-12:00"), [Staleness.phone_changed]),
        (Shown("A-li", "李律师", "13800000001", "每周五 9:00-12:00"), [Staleness.schedule_changed]),
        (
            Shown("A-li", "李明", "13900000001", "每周五"),
            [Staleness.name_changed, Staleness.phone_changed, Staleness.schedule_changed],
        ),
    ],
    ids=["current", "village-uncovered", "former-advisor", "phone", "schedule", "all-details"],
)
def test_a_board_is_stale_when_it_no_longer_shows_the_truth(
    current: Shown | None, reasons: list[Staleness]
) -> None:
    assert stale_reasons(SHOWN, current) == reasons
