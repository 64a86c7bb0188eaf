"""Typical cases (典型案例, R16): an advisor or their unit proposes one of its ledger entries (a
mediation, a consultation, a lecture) with a short anonymised write-up; the county approves it (it
is then published on the county's public page and listed in the annual report) or returns it with a
reason, after which it may be revised and proposed again.

One stream per entry (`typical-case-{entry_id}`, case id `TC-` + the entry's id without `E-`): an
entry is one case at most, so a second proposal of the same entry is its resubmission.

Anonymity: only the write-up (title, text) is ever published, never the entry's summary or note.
The write-up is refused when it holds a name from the entry's parties (when the entry lists their
names), a mobile phone number or an identity card number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, assert_never

from eventkit.decider import Decider
from eventkit.errors import ConflictError, RuleViolationError
from vc_contracts import Event
from vc_contracts.catalogue.enums import ENTRY_KIND_LABELS, EntryKind
from vc_contracts.catalogue.ledger import TypicalCaseApproved, TypicalCaseProposed, TypicalCaseReturned

PROPOSABLE = (EntryKind.mediation, EntryKind.consultation, EntryKind.lecture)
"""The kinds of work the notice calls typical cases: a mediation, a consultation, a lecture."""

_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def stream_id(entry_id: str) -> str:
    return f"typical-case-{entry_id}"


def case_id_for(entry_id: str) -> str:
    return "TC-" + entry_id.removeprefix("E-")


class Status(StrEnum):
    none = "none"
    proposed = "proposed"
    approved = "approved"
    returned = "returned"


STATUS_LABELS = {Status.proposed: "待审核", Status.approved: "已发布", Status.returned: "已退回"}


@dataclass(frozen=True)
class Case:
    status: Status = Status.none
    county_code: str = ""
    village_code: str = ""
    case_id: str = ""


@dataclass(frozen=True)
class EntryFacts:
    """What the proposal needs to know of the ledger entry (read from the entries read model)."""

    entry_id: str
    kind: EntryKind
    village_code: str
    year: int
    voided: bool
    resident_names: tuple[str, ...] = ()


def resident_names(data: Mapping[str, Any]) -> tuple[str, ...]:
    """Names the entry lists for its parties, when it lists them (`parties` or `party_names` as a
    list of names; today's entries carry only the number of parties, so this is usually empty)."""
    found: list[str] = []
    for field in ("parties", "party_names"):
        value = data.get(field)
        if isinstance(value, list):
            found += [v.strip() for v in value if isinstance(v, str) and v.strip()]
    return tuple(found)


@dataclass(frozen=True)
class ProposeCase:
    case_id: str
    entry: EntryFacts
    title: str
    text: str
    proposed_by: str


@dataclass(frozen=True)
class ApproveCase:
    approved_by: str


@dataclass(frozen=True)
class ReturnCase:
    reason: str
    returned_by: str


Command = ProposeCase | ApproveCase | ReturnCase


def _check_anonymous(c: ProposeCase) -> None:
    for field, value in (("title", c.title), ("text", c.text)):
        for name in c.entry.resident_names:
            if name in value:
                raise RuleViolationError(
                    f"典型案例不得出现当事人姓名：“{name}”是该台账记录的当事人，请改用“当事人甲”等称呼",
                    field=field,
                )
        if _MOBILE.search(value) or _ID_CARD.search(value):
            raise RuleViolationError("典型案例不得出现手机号码或身份证号码，请删去后再提交", field=field)


def _propose(state: Case, c: ProposeCase) -> list[Event]:
    if c.entry.kind not in PROPOSABLE:
        kinds = "、".join(ENTRY_KIND_LABELS[k] for k in PROPOSABLE)
        raise RuleViolationError(
            f"只有{kinds}记录可以推荐为典型案例（该记录为{ENTRY_KIND_LABELS[c.entry.kind]}）",
            field="entry_id",
        )
    if c.entry.voided:
        raise RuleViolationError("已作废的台账记录不能推荐为典型案例", field="entry_id")
    if state.status is Status.proposed:
        raise ConflictError("该记录已推荐为典型案例，正在等待县司法局审核", field="entry_id")
    if state.status is Status.approved:
        raise ConflictError("该典型案例已审核发布，不能再次推荐", field="entry_id")
    _check_anonymous(c)
    village = c.entry.village_code
    return [
        TypicalCaseProposed(
            case_id=c.case_id, entry_id=c.entry.entry_id, entry_kind=c.entry.kind, village_code=village,
            county_code=village[:6], year=c.entry.year, title=c.title, text=c.text,
            proposed_by=c.proposed_by,
        )
    ]  # fmt: skip


def _require_pending(state: Case, verb: str) -> None:
    if state.status is not Status.proposed:
        shown = STATUS_LABELS.get(state.status, "未推荐")
        raise ConflictError(f"只有待审核的典型案例可以{verb}（当前：{shown}）", field="case_id")


def decide(state: Case, c: Command, now: datetime) -> list[Event]:
    match c:
        case ProposeCase():
            return _propose(state, c)
        case ApproveCase():
            _require_pending(state, "审核通过")
            return [
                TypicalCaseApproved(
                    case_id=state.case_id, village_code=state.village_code,
                    county_code=state.county_code, approved_by=c.approved_by,
                )
            ]  # fmt: skip
        case ReturnCase():
            _require_pending(state, "退回")
            return [
                TypicalCaseReturned(
                    case_id=state.case_id, village_code=state.village_code,
                    county_code=state.county_code, reason=c.reason, returned_by=c.returned_by,
                )
            ]  # fmt: skip
        case _:
            assert_never(c)


def evolve(state: Case, event: Event) -> Case:
    match event:
        case TypicalCaseProposed():
            return replace(
                state, status=Status.proposed, county_code=event.county_code,
                village_code=event.village_code, case_id=event.case_id,
            )  # fmt: skip
        case TypicalCaseApproved():
            return replace(state, status=Status.approved)
        case TypicalCaseReturned():
            return replace(state, status=Status.returned)
    return state


typical_cases: Decider[Case, Command] = Decider(Case(), evolve, decide)
