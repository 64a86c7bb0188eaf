"""Advisor agreements between a providing unit and a village committee, and their filing."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import assert_never

from eventkit.decider import Decider
from eventkit.errors import ConflictError, RuleViolationError
from vc_contracts import Event
from vc_contracts.catalogue.enums import DivisionLevel
from vc_contracts.catalogue.registry import AgreementFiled, AgreementSigned

from registry.domain.divisions import Division
from registry.domain.people import Unit


def stream_id(agreement_id: str) -> str:
    return f"agreement-{agreement_id}"


@dataclass(frozen=True)
class Agreement:
    agreement_id: str | None = None
    village_code: str | None = None
    unit_id: str | None = None
    term_start: date | None = None
    term_end: date | None = None
    filed_on: date | None = None

    @property
    def signed(self) -> bool:
        return self.agreement_id is not None


@dataclass(frozen=True)
class SignAgreement:
    agreement_id: str
    unit: Unit
    village: Division
    advisor_ids: tuple[str, ...]
    term_start: date
    term_end: date
    signed_on: date


@dataclass(frozen=True)
class FileAgreement:
    filing_no: str
    filed_on: date
    signed_and_stamped: bool


Command = SignAgreement | FileAgreement


def decide(state: Agreement, command: Command, now: datetime) -> list[Event]:
    match command:
        case SignAgreement():
            return _sign(state, command, now)
        case FileAgreement():
            if not state.signed:
                raise RuleViolationError("协议尚未签订，不能备案", field="agreement_id")
            if state.filed_on is not None:
                raise ConflictError(f"协议已于 {state.filed_on} 备案", field="agreement_id")
            if command.filed_on > now.date():
                raise RuleViolationError("备案日期不能晚于今天", field="filed_on")
            return [
                AgreementFiled(
                    agreement_id=state.agreement_id or "",
                    village_code=state.village_code or "",
                    filing_no=command.filing_no,
                    filed_on=command.filed_on,
                    signed_and_stamped=command.signed_and_stamped,
                )
            ]
        case _:
            assert_never(command)


def _sign(state: Agreement, c: SignAgreement, now: datetime) -> list[Event]:
    if state.signed:
        raise ConflictError(f"协议编号 {c.agreement_id} 已存在", field="agreement_id")
    if not c.village.exists or c.village.level not in {DivisionLevel.village, DivisionLevel.community}:
        raise RuleViolationError("协议须与已登记的村或社区签订", field="village_code")
    if not c.unit.exists:
        raise RuleViolationError("签约单位尚未登记", field="unit_id")
    if c.term_end <= c.term_start:
        raise RuleViolationError("协议终止日期须晚于起始日期", field="term_end")
    if c.signed_on > now.date():
        raise RuleViolationError("签订日期不能晚于今天", field="signed_on")
    return [
        AgreementSigned(
            agreement_id=c.agreement_id,
            unit_id=c.unit.unit_id or "",
            village_code=c.village.code or "",
            advisor_ids=list(c.advisor_ids),
            term_start=c.term_start,
            term_end=c.term_end,
            signed_on=c.signed_on,
        )
    ]


def evolve(state: Agreement, event: Event) -> Agreement:
    match event:
        case AgreementSigned():
            return Agreement(
                event.agreement_id, event.village_code, event.unit_id, event.term_start, event.term_end
            )
        case AgreementFiled():
            return replace(state, filed_on=event.filed_on)
    return state


agreements: Decider[Agreement, Command] = Decider(Agreement(), evolve, decide)
