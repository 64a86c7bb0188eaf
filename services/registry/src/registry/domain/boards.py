"""The village's public notice board (公示栏, R9): what it shows, and whether that is still true.

One stream per village. A board may only be posted for the advisor serving the village that day;
it goes stale when the village's current advisor, that advisor's registered name or phone, or the
current on-site schedule no longer match what the board shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import assert_never

from eventkit.decider import Decider
from eventkit.errors import RuleViolationError
from vc_contracts import Event
from vc_contracts.catalogue.registry import NoticeBoardPosted

from registry.domain.advisors import Advisor
from registry.domain.assignments import VILLAGE_LEVELS, Term
from registry.domain.days import not_in_future
from registry.domain.divisions import Division


def stream_id(village_code: str) -> str:
    return f"board-{village_code}"


@dataclass(frozen=True)
class Shown:
    """Who and what a board shows (or should show)."""

    advisor_id: str
    advisor_name: str
    phone: str
    schedule: str


@dataclass(frozen=True)
class NoticeBoard:
    shown: Shown | None = None
    posted_on: date | None = None


@dataclass(frozen=True)
class PostNoticeBoard:
    village: Division
    advisor: Advisor
    serving: Term | None  # the village's assignment on `posted_on`, loaded by the handler
    shown: Shown
    posted_on: date


Command = PostNoticeBoard


def decide(state: NoticeBoard, c: Command, now: datetime) -> list[Event]:
    match c:
        case PostNoticeBoard():
            if not c.village.exists or c.village.level not in VILLAGE_LEVELS:
                raise RuleViolationError("只能为已登记的村或社区登记公示栏", field="village_code")
            if not c.advisor.exists:
                raise RuleViolationError("法律顾问尚未登记", field="advisor_id")
            not_in_future(c.posted_on, now, "posted_on", "公示日期")
            if c.serving is None or c.serving.advisor_id != c.advisor.advisor_id:
                raise RuleViolationError("公示栏只能公示当日在本村任职的法律顾问", field="advisor_id")
            if state.posted_on and c.posted_on < state.posted_on:
                raise RuleViolationError(f"公示日期早于上次公示日期 {state.posted_on}", field="posted_on")
            if state.shown == c.shown:
                return []  # the board already shows exactly this
            return [
                NoticeBoardPosted(
                    village_code=c.village.code or "",
                    advisor_id=c.shown.advisor_id,
                    advisor_name=c.shown.advisor_name,
                    phone=c.shown.phone,
                    schedule=c.shown.schedule,
                    posted_on=c.posted_on,
                )
            ]
        case _:
            assert_never(c)


def evolve(state: NoticeBoard, event: Event) -> NoticeBoard:
    match event:
        case NoticeBoardPosted():
            shown = Shown(event.advisor_id, event.advisor_name, event.phone, event.schedule)
            return NoticeBoard(shown, event.posted_on)
    return state


class Staleness(StrEnum):
    no_current_advisor = "no_current_advisor"
    former_advisor = "former_advisor"
    name_changed = "name_changed"
    phone_changed = "phone_changed"
    schedule_changed = "schedule_changed"


STALENESS_LABEL = {
    Staleness.no_current_advisor: "该村目前没有在岗法律顾问",
    Staleness.former_advisor: "公示栏仍显示原法律顾问",
    Staleness.name_changed: "顾问姓名与登记信息不一致",
    Staleness.phone_changed: "联系电话与登记信息不一致",
    Staleness.schedule_changed: "驻点时间已调整",
}


def stale_reasons(shown: Shown, current: Shown | None) -> list[Staleness]:
    """Why a board showing `shown` is out of date, given what it should show now (empty: current)."""
    if current is None:
        return [Staleness.no_current_advisor]
    if shown.advisor_id != current.advisor_id:
        return [Staleness.former_advisor]
    checks = [
        (shown.advisor_name != current.advisor_name, Staleness.name_changed),
        (shown.phone != current.phone, Staleness.phone_changed),
        (shown.schedule != current.schedule, Staleness.schedule_changed),
    ]
    return [reason for differs, reason in checks if differs]


boards: Decider[NoticeBoard, Command] = Decider(NoticeBoard(), evolve, decide)
