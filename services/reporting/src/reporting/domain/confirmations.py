"""Each advisor confirms their own half-year figures before the unit head submits (pure).

An advisor's confirmation covers the digest of their figures as previewed; once the ledger changes,
the current digest differs and the confirmation no longer counts ("changed since confirmation").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from eventkit.decider import Decider
from eventkit.errors import ConflictError, RuleViolationError
from vc_contracts import Event
from vc_contracts.catalogue.reporting import AdvisorFiguresConfirmed

STATE_NAMES = {"confirmed": "已确认", "pending": "未确认", "changed": "确认后数据有变化"}


def stream_id(period: str, unit_id: str, advisor_id: str) -> str:
    return f"confirmation:{period}:{unit_id}:{advisor_id}"


def state_of(current_digest: str, confirmed_digest: str | None) -> str:
    """confirmed | pending (never confirmed) | changed (confirmed other figures than the current)."""
    if confirmed_digest is None:
        return "pending"
    return "confirmed" if confirmed_digest == current_digest else "changed"


def require_all_confirmed(states: dict[str, str]) -> None:
    """The submit rule: every advisor with figures has confirmed the current figures.

    `states` maps advisor_id → state_of(...); raises RuleViolationError naming who is missing."""
    missing = sorted(a for a, s in states.items() if s != "confirmed")
    if missing:
        raise RuleViolationError(
            f"以下法律顾问尚未确认本人当前的数据，暂不能报送：{'、'.join(missing)}", field="confirmations"
        )


@dataclass(frozen=True)
class Confirmed:
    digest: str | None = None


@dataclass(frozen=True)
class Confirm:
    unit_id: str
    period: str
    advisor_id: str
    current_digest: str
    confirm_digest: str


def decide(state: Confirmed, command: Confirm, now: datetime) -> list[Event]:
    if command.confirm_digest != command.current_digest:
        raise ConflictError("您的数据在预览后已有变化，请重新查看后再确认", field="confirm_digest")
    if state.digest == command.current_digest:
        return []  # already confirmed these very figures: nothing new to record
    return [
        AdvisorFiguresConfirmed(
            unit_id=command.unit_id, period=command.period, advisor_id=command.advisor_id,
            digest=command.current_digest,
        )
    ]  # fmt: skip


def evolve(state: Confirmed, event: Event) -> Confirmed:
    if isinstance(event, AdvisorFiguresConfirmed):
        return Confirmed(event.digest)
    return state


confirmations: Decider[Confirmed, Confirm] = Decider(Confirmed(), evolve, decide)
