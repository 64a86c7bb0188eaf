"""Advisor agreements between a providing unit and a village committee: signing, filing with the
county bureau (R3, R4), renewal and termination. One stream per agreement.

A renewal opens a new term, which must be filed again. A filing without signature and stamp does
not satisfy R4 and may be replaced by a later, complete one; a complete filing is final.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import assert_never

from eventkit.decider import Decider
from eventkit.errors import ConflictError
from vc_contracts import Event
from vc_contracts.catalogue.registry import (
    AgreementFiled,
    AgreementRenewed,
    AgreementSigned,
    AgreementTerminated,
)

from registry.domain import agreement_rules as rules
from registry.domain.advisors import Advisor
from registry.domain.days import not_in_future
from registry.domain.divisions import Division
from registry.domain.units import Unit


def stream_id(agreement_id: str) -> str:
    return f"agreement-{agreement_id}"


@dataclass(frozen=True)
class Agreement:
    agreement_id: str | None = None
    village_code: str | None = None
    unit_id: str | None = None
    term_start: date | None = None
    term_end: date | None = None
    signed_on: date | None = None
    renewed_on: date | None = None
    filed_on: date | None = None
    stamped: bool = False
    terminated_on: date | None = None

    @property
    def signed(self) -> bool:
        return self.agreement_id is not None

    @property
    def term_opened_on(self) -> date | None:
        """When the current term was agreed: the day of signature or of the last renewal."""
        return self.renewed_on or self.signed_on


@dataclass(frozen=True)
class SignAgreement:
    agreement_id: str
    unit: Unit
    village: Division
    advisors: tuple[Advisor, ...]
    term_start: date
    term_end: date
    signed_on: date


@dataclass(frozen=True)
class FileAgreement:
    filing_no: str
    filed_on: date
    signed_and_stamped: bool


@dataclass(frozen=True)
class RenewAgreement:
    new_term_end: date
    renewed_on: date


@dataclass(frozen=True)
class TerminateAgreement:
    terminated_on: date
    reason: str


Command = SignAgreement | FileAgreement | RenewAgreement | TerminateAgreement


def decide(state: Agreement, command: Command, now: datetime) -> list[Event]:
    match command:
        case SignAgreement():
            rules.check_signing(state, command, now)
            return [_signed(command)]
        case FileAgreement():
            return [_file(state, command, now)]
        case RenewAgreement():
            rules.check_renewal(state, command.new_term_end, command.renewed_on, now)
            return [
                AgreementRenewed(
                    **_ids(state), new_term_end=command.new_term_end, renewed_on=command.renewed_on
                )
            ]
        case TerminateAgreement():
            rules.check_termination(state, command.terminated_on, now)
            return [
                AgreementTerminated(**_ids(state), terminated_on=command.terminated_on, reason=command.reason)
            ]
        case _:
            assert_never(command)


def _ids(state: Agreement) -> dict[str, str]:
    return {"agreement_id": state.agreement_id or "", "village_code": state.village_code or ""}


def _file(state: Agreement, c: FileAgreement, now: datetime) -> AgreementFiled:
    rules.require_open(state)
    not_in_future(c.filed_on, now, "filed_on", "备案日期")
    if state.filed_on is not None and state.stamped:
        raise ConflictError(f"协议本期已于 {state.filed_on} 备案", field="agreement_id")
    rules.not_before(c.filed_on, state.filed_on or state.term_opened_on, "filed_on", "备案日期")
    return AgreementFiled(
        **_ids(state), filing_no=c.filing_no, filed_on=c.filed_on, signed_and_stamped=c.signed_and_stamped
    )


def _signed(c: SignAgreement) -> AgreementSigned:
    return AgreementSigned(
        agreement_id=c.agreement_id,
        unit_id=c.unit.unit_id or "",
        village_code=c.village.code or "",
        advisor_ids=[a.advisor_id or "" for a in c.advisors],
        term_start=c.term_start,
        term_end=c.term_end,
        signed_on=c.signed_on,
    )


def evolve(state: Agreement, event: Event) -> Agreement:
    match event:
        case AgreementSigned():
            return Agreement(
                event.agreement_id,
                event.village_code,
                event.unit_id,
                event.term_start,
                event.term_end,
                event.signed_on,
            )
        case AgreementFiled():
            return replace(state, filed_on=event.filed_on, stamped=event.signed_and_stamped)
        case AgreementRenewed():  # a new term: it must be filed again
            return replace(
                state, term_end=event.new_term_end, renewed_on=event.renewed_on, filed_on=None, stamped=False
            )
        case AgreementTerminated():
            return replace(state, terminated_on=event.terminated_on)
    return state


agreements: Decider[Agreement, Command] = Decider(Agreement(), evolve, decide)
