"""Ledger entry aggregate: one stream per piece of work (一次一记), never edited in place.

An entry is logged once (a visit, lecture, publicity event, consultation, mediation or document
review), may be confirmed by its village committee, corrected (the new values and why) and voided
(why). Every change is a new event; the history stays readable. Rules: see rules.py.
A correction lapses an earlier confirmation: the committee confirms the corrected values again.
The committee may instead query (质疑) an entry with a reason. The advisor answers a query by
correcting the entry (the correction clears it); the committee may also confirm a queried entry
(its confirmation withdraws the query). A confirmed entry cannot be queried (the confirmation
stands until a correction lapses it), nor can a voided one, nor an entry already under query.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, assert_never

from eventkit.decider import Decider
from eventkit.errors import ConflictError, ForbiddenError, NotFoundError, RuleViolationError
from vc_contracts import CST, Event
from vc_contracts.catalogue.ledger import (
    EntryConfirmed,
    EntryCorrected,
    EntryQueried,
    EntryVoided,
    LedgerEntryEvent,
)

from ledger.domain import rules
from ledger.domain.commands import (
    Command,
    ConfirmEntry,
    CorrectEntry,
    LogEntry,
    QueryEntry,
    VoidEntry,
)
from ledger.domain.corrections import corrected
from ledger.domain.entry_fields import build, busy_of_event
from ledger.domain.facts import Assignment, Busy, Facts
from ledger.domain.kinds import KIND_OF, Kind

__all__ = [
    "Assignment", "Busy", "Entry", "Facts", "LogEntry", "check_logged", "decide", "entries", "log_data",
    "stream_id",
]  # fmt: skip


def stream_id(entry_id: str) -> str:
    return f"entry-{entry_id}"


@dataclass(frozen=True)
class Entry:
    entry_id: str | None = None
    kind: Kind | None = None
    village_code: str = ""
    advisor_id: str = ""
    unit_id: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)  # current values, JSON form
    confirmed: bool = False
    voided: bool = False
    query: str | None = None  # the open query's reason, until a correction or confirmation

    @property
    def exists(self) -> bool:
        return self.entry_id is not None


def decide(state: Entry, command: Command, now: datetime) -> list[Event]:
    match command:
        case LogEntry():
            return _log(state, command, now)
        case ConfirmEntry():
            _require_live(state, "确认")
            if state.confirmed:
                raise ConflictError("该记录已确认，无需重复确认", field="entry_id")
            if command.committee_village != state.village_code:
                raise ForbiddenError("只能确认本村（社区）的台账记录", field="entry_id")
            return [
                EntryConfirmed(
                    entry_id=state.entry_id or "",
                    village_code=state.village_code,
                    confirmed_by=command.confirmed_by,
                    confirmed_on=now.astimezone(CST).date(),
                )
            ]
        case QueryEntry():
            _require_live(state, "质疑")
            if command.committee_village != state.village_code:
                raise ForbiddenError("只能质疑本村（社区）的台账记录", field="entry_id")
            if state.confirmed:
                raise ConflictError("该记录已确认，不能再质疑；如有问题请联系法律顾问更正", field="entry_id")
            if state.query is not None:
                raise ConflictError("该记录已在质疑中，等待法律顾问更正", field="entry_id")
            return [
                EntryQueried(
                    entry_id=state.entry_id or "",
                    village_code=state.village_code,
                    reason=_reason(command.reason, "质疑"),
                    queried_by=command.queried_by,
                    queried_at=now,
                )
            ]
        case CorrectEntry():
            _require_live(state, "更正")
            changes = corrected(state.kind or Kind.visit, state.data, command.changes, command.facts, now)
            reason = _reason(command.reason, "更正")
            return [
                EntryCorrected(
                    entry_id=state.entry_id or "",
                    village_code=state.village_code,
                    changes=changes,
                    reason=reason,
                )
            ]
        case VoidEntry():
            _require_live(state, "作废")
            reason = _reason(command.reason, "作废")
            return [
                EntryVoided(entry_id=state.entry_id or "", village_code=state.village_code, reason=reason)
            ]
        case _:
            assert_never(command)


def _require_live(state: Entry, action: str) -> None:
    if not state.exists:
        raise NotFoundError("台账记录不存在", field="entry_id")
    if state.voided:
        raise ConflictError(f"该记录已作废，不能再{action}", field="entry_id")


def _reason(text: str, action: str) -> str:
    if not text.strip():
        raise RuleViolationError(f"请填写{action}原因", field="reason")
    return text.strip()


def _log(state: Entry, c: LogEntry, now: datetime) -> list[Event]:
    event = build(c.kind, log_data(state, c, now))
    check_logged(c, event)
    return [event]


def log_data(state: Entry, c: LogEntry, now: datetime) -> dict[str, Any]:
    """The fields of the event `c` would log, after the rules that need no event (the entry is new,
    its span, the assignment); raises as `decide` does. `build(c.kind, data)` then gives the event,
    and `check_logged` the rules read from it: `decide` is exactly those three steps (a backfill
    import builds the events of many rows between them at once)."""
    if state.exists and c.details.get("question_id"):  # the entry id is the question's: answered
        raise ConflictError(
            f"该居民问题已答复（台账记录 {c.entry_id}），一个问题只登记一条咨询记录；如需修改请更正该记录",
            field="question_id",
        )
    if state.exists and c.client_entry_id:  # no stored answer to replay (an import, or logged before keys)
        raise ConflictError(
            f"客户端编号“{c.client_entry_id}”的台账记录 {c.entry_id} 已登记（由导入或此前的请求），"
            "无需再次提交；可按该编号查看或更正",
            field="client_entry_id",
        )
    if state.exists:
        raise ConflictError(f"台账记录 {c.entry_id} 已存在", field="entry_id")
    hours = rules.check_span(c.kind, c.occurred_at, c.ended_at, now)
    assignment = rules.require_assignment(c.advisor_id, c.village_code, c.occurred_at, c.facts)
    data: dict[str, Any] = {
        **c.details,
        "entry_id": c.entry_id,
        "client_entry_id": c.client_entry_id,
        "advisor_id": c.advisor_id,
        "unit_id": assignment.unit_id,
        "village_code": c.village_code,
        "occurred_at": c.occurred_at,
        "note": c.note,
    }
    if c.kind is Kind.visit:
        data |= {"started_at": c.occurred_at, "ended_at": c.ended_at, "hours": hours}
    return data


def check_logged(c: LogEntry, event: LedgerEntryEvent) -> None:
    """The rules of a new entry read from its valid event (`build` of `log_data`): sizes, then the
    advisor's other on-site time. Raises RuleViolationError, ConflictError (409)."""
    # Read from the event's typed fields, which `build` has just validated: the same values its
    # JSON form would give back (sizes as ints, times as CST instants), without dumping the event
    # and validating its times again (a fifth of a backfill row's check).
    rules.check_sizes(vars(event))
    spent = busy_of_event(c.kind, c.entry_id, c.village_code, event)
    if spent is not None:
        rules.check_clashes(spent, c.facts.busy, c.facts.names)


def evolve(state: Entry, event: Event) -> Entry:
    match event:
        case LedgerEntryEvent():
            return Entry(
                event.entry_id,
                KIND_OF[event.event_type],
                event.village_code,
                event.advisor_id,
                event.unit_id,
                event.model_dump(mode="json"),
            )
        case EntryConfirmed():
            return replace(state, confirmed=True, query=None)
        case EntryQueried():
            return replace(state, query=event.reason)
        case EntryCorrected():
            return replace(state, data={**state.data, **event.changes}, confirmed=False, query=None)
        case EntryVoided():
            return replace(state, voided=True)
    return state


entries: Decider[Entry, Command] = Decider(Entry(), evolve, decide)
