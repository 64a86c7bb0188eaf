"""Residents' feedback and questions left on a village's public notice board (R9).

One stream per feedback (`feedback-{id}`): feedback is never changed after it is received, and a
village's feedback is listed from the registry's own table, so nothing loads a long village stream.
The call-back phone is not part of the event (see ResidentFeedbackReceived); the handler stores it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import assert_never

from eventkit.decider import Decider
from eventkit.errors import NotFoundError
from vc_contracts import Event
from vc_contracts.catalogue.enums import ConsultationCategory
from vc_contracts.catalogue.registry import ResidentFeedbackReceived

from registry.domain.assignments import VILLAGE_LEVELS
from registry.domain.divisions import Division


def stream_id(feedback_id: str) -> str:
    return f"feedback-{feedback_id}"


@dataclass(frozen=True)
class Feedback:
    received: bool = False


@dataclass(frozen=True)
class ReceiveFeedback:
    feedback_id: str
    village: Division
    category: ConsultationCategory
    text: str
    callback_requested: bool


Command = ReceiveFeedback


def decide(state: Feedback, c: Command, now: datetime) -> list[Event]:
    match c:
        case ReceiveFeedback():
            if not c.village.exists or c.village.level not in VILLAGE_LEVELS:
                raise NotFoundError("未找到该村（社区），无法留言", field="code")
            if state.received:
                return []  # the same feedback again changes nothing
            return [
                ResidentFeedbackReceived(
                    feedback_id=c.feedback_id,
                    village_code=c.village.code or "",
                    category=c.category,
                    text=c.text,
                    callback_requested=c.callback_requested,
                )
            ]
        case _:
            assert_never(c)


def evolve(state: Feedback, event: Event) -> Feedback:
    match event:
        case ResidentFeedbackReceived():
            return Feedback(received=True)
    return state


feedback: Decider[Feedback, Command] = Decider(Feedback(), evolve, decide)
