"""Checks an agreement command must pass before anything is recorded (pure; each names its field)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from eventkit.errors import ConflictError, RuleViolationError

from registry.domain.assignments import VILLAGE_LEVELS
from registry.domain.days import not_in_future
from registry.domain.vetting import require_approved

if TYPE_CHECKING:
    from registry.domain.agreements import Agreement, SignAgreement


def require_open(state: Agreement) -> None:
    """The agreement was signed and is not terminated."""
    if not state.signed:
        raise RuleViolationError("协议尚未签订", field="agreement_id")
    if state.terminated_on is not None:
        raise ConflictError(f"协议已于 {state.terminated_on} 终止", field="agreement_id")


def not_before(day: date, earliest: date | None, field: str, label: str) -> None:
    if earliest and day < earliest:
        raise RuleViolationError(f"{label}不能早于 {earliest}（日期先后颠倒）", field=field)


def check_renewal(state: Agreement, new_term_end: date, renewed_on: date, now: datetime) -> None:
    require_open(state)
    not_in_future(renewed_on, now, "renewed_on", "续签日期")
    not_before(renewed_on, state.term_opened_on, "renewed_on", "续签日期")
    if state.term_end and new_term_end <= state.term_end:
        raise RuleViolationError(f"续签后的终止日期须晚于原终止日期 {state.term_end}", field="new_term_end")


def check_termination(state: Agreement, terminated_on: date, now: datetime) -> None:
    require_open(state)
    not_in_future(terminated_on, now, "terminated_on", "终止日期")
    not_before(terminated_on, state.signed_on, "terminated_on", "终止日期")
    if state.term_end and terminated_on > state.term_end:
        raise RuleViolationError(f"协议已于 {state.term_end} 到期，无需终止", field="terminated_on")


def check_signing(state: Agreement, c: SignAgreement, now: datetime) -> None:
    if state.signed:
        raise ConflictError(f"协议编号 {c.agreement_id} 已存在", field="agreement_id")
    if not c.village.exists or c.village.level not in VILLAGE_LEVELS:
        raise RuleViolationError("协议须与已登记的村或社区签订", field="village_code")
    if not c.unit.exists:
        raise RuleViolationError("签约单位尚未登记", field="unit_id")
    _check_named_advisors(c)
    if c.term_end <= c.term_start:
        raise RuleViolationError("协议终止日期须晚于起始日期", field="term_end")
    not_in_future(c.signed_on, now, "signed_on", "签订日期")
    if c.signed_on > c.term_end:
        raise RuleViolationError("签订日期晚于协议终止日期（日期先后颠倒）", field="signed_on")


def _check_named_advisors(c: SignAgreement) -> None:
    if not c.advisors:
        raise RuleViolationError("协议须写明至少一名法律顾问", field="advisor_ids")
    ids = [a.advisor_id for a in c.advisors]
    if None in ids:
        raise RuleViolationError("协议所列法律顾问尚未登记", field="advisor_ids")
    require_approved([(a.advisor_id or "", a.name, a.vetting) for a in c.advisors], "advisor_ids")
    if len(set(ids)) != len(ids):
        raise RuleViolationError("协议所列法律顾问有重复", field="advisor_ids")
    if strangers := [str(a.advisor_id) for a in c.advisors if a.unit_id != c.unit.unit_id]:
        raise RuleViolationError(f"顾问 {'、'.join(strangers)} 不属于签约单位", field="advisor_ids")
