"""Residents' questions and meeting requests left on a village's public notice board (R9, R10).

One stream per question (`feedback-{id}`): a question is never changed after it is received (its
answer is a ledger entry), and a village's questions are listed from the registry's own table, so
nothing loads a long village stream. The call-back phone is not part of the event (see
ResidentFeedbackReceived); the handler stores it. A meeting is asked for at one of the village's
coming on-site times, read from the schedule of the assignment in force (`vc_contracts.schedules`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import assert_never

from eventkit.decider import Decider
from eventkit.errors import NotFoundError, RuleViolationError
from vc_contracts import Event
from vc_contracts.catalogue.enums import ConsultationCategory, ResidentRequestKind
from vc_contracts.catalogue.registry import ResidentFeedbackReceived
from vc_contracts.personal_numbers import personal_number_in
from vc_contracts.schedules import on_site_times

from registry.domain.assignments import VILLAGE_LEVELS
from registry.domain.divisions import Division


def stream_id(feedback_id: str) -> str:
    return f"feedback-{feedback_id}"


@dataclass(frozen=True)
class Feedback:
    received: bool = False


@dataclass(frozen=True)
class ResidentRequest:
    """What the resident asked: a question, or a meeting at `meeting_at` (one of the on-site times)."""

    kind: ResidentRequestKind
    category: ConsultationCategory
    text: str
    meeting_at: datetime | None = None


@dataclass(frozen=True)
class ReceiveFeedback:
    feedback_id: str
    village: Division
    category: ConsultationCategory
    text: str
    callback_requested: bool
    kind: ResidentRequestKind = ResidentRequestKind.question
    meeting_at: datetime | None = None
    schedule: str | None = None  # fact: the on-site schedule of the village's advisor today


Command = ReceiveFeedback


def decide(state: Feedback, c: Command, now: datetime) -> list[Event]:
    match c:
        case ReceiveFeedback():
            if not c.village.exists or c.village.level not in VILLAGE_LEVELS:
                raise NotFoundError("未找到该村（社区），无法留言", field="code")
            if state.received:
                return []  # the same feedback again changes nothing
            if c.kind is ResidentRequestKind.meeting:
                _check_meeting(c, now)
            number = personal_number_in(c.text)
            if number:  # the question is shown back on the public board with its answer
                raise RuleViolationError(
                    f"留言会连同答复公开显示，请不要写{number}；需要回电请把号码填在“回电号码”里",
                    field="text",
                )
            return [
                ResidentFeedbackReceived(
                    feedback_id=c.feedback_id,
                    village_code=c.village.code or "",
                    category=c.category,
                    text=c.text,
                    callback_requested=c.callback_requested,
                    kind=c.kind,
                    meeting_at=c.meeting_at if c.kind is ResidentRequestKind.meeting else None,
                )
            ]
        case _:
            assert_never(c)


def _check_meeting(c: ReceiveFeedback, now: datetime) -> None:
    """A meeting only at one of the village's coming on-site times (422 naming `meeting_at`)."""
    times = on_site_times(c.schedule, now)
    if not times:
        raise RuleViolationError(
            "本村暂未公布固定的驻村时间，无法预约面谈；请留言提问或电话联系法律顾问", field="meeting_at"
        )
    if c.meeting_at is None:
        raise RuleViolationError("请选择一个驻村时间", field="meeting_at")
    if all(t.start != c.meeting_at for t in times):
        raise RuleViolationError("请选择列出的驻村时间之一（今后四周内）", field="meeting_at")


def evolve(state: Feedback, event: Event) -> Feedback:
    match event:
        case ResidentFeedbackReceived():
            return Feedback(received=True)
    return state


feedback: Decider[Feedback, Command] = Decider(Feedback(), evolve, decide)
