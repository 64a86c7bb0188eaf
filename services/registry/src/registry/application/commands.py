"""Registry command handlers: load the aggregates a decision needs, decide, append."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

from eventkit.auth import Principal
from eventkit.decider import Outcome, execute, load
from eventkit.errors import NotFoundError
from eventkit.store import EventStore, Metadata
from vc_contracts import Tenant
from vc_contracts.catalogue.enums import AdvisorKind, DivisionLevel, UnitKind

from registry.domain import advisors, agreements, assignments, divisions, units


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid4().hex[:12]}"


class RegistryCommands:
    """Every write of the registry. Scope is checked here, against the loaded facts."""

    def __init__(self, store: EventStore) -> None:
        self.store = store

    async def _division(self, code: str) -> divisions.Division:
        state, _ = await load(self.store, divisions.divisions, divisions.stream_id(code))
        return state

    async def _unit(self, unit_id: str) -> units.Unit:
        state, _ = await load(self.store, units.units, units.unit_stream(unit_id))
        return state

    async def _advisor(self, advisor_id: str) -> advisors.Advisor:
        state, _ = await load(self.store, advisors.advisors, advisors.advisor_stream(advisor_id))
        return state

    async def register_division(
        self,
        who: Principal,
        code: str,
        name: str,
        level: DivisionLevel,
        parent_code: str | None,
        key: str | None,
    ) -> Outcome:
        who.require_division(code, "code")
        parent = await self._division(parent_code) if parent_code else divisions.Division()
        command = divisions.RegisterDivision(code, name, level, parent)
        return await execute(
            self.store,
            divisions.divisions,
            divisions.stream_id(code),
            command,
            tenant=Tenant.of(code),
            metadata=Metadata(who.subject),
            idempotency_key=key,
        )

    async def register_unit(
        self,
        who: Principal,
        unit_id: str | None,
        kind: UnitKind,
        name: str,
        division_code: str,
        credit_code: str | None,
        licence_no: str | None,
        key: str | None,
    ) -> Outcome:
        who.require_division(division_code)
        unit_id = unit_id or new_id("U")
        command = units.RegisterUnit(
            unit_id, kind, name, await self._division(division_code), credit_code, licence_no
        )
        return await execute(
            self.store,
            units.units,
            units.unit_stream(unit_id),
            command,
            tenant=Tenant.of(division_code),
            metadata=Metadata(who.subject),
            idempotency_key=key,
        )

    async def register_advisor(
        self,
        who: Principal,
        advisor_id: str | None,
        name: str,
        kind: AdvisorKind,
        unit_id: str,
        phone: str,
        licence_no: str | None,
        key: str | None,
    ) -> Outcome:
        unit = await self._unit(unit_id)
        if not unit.exists:
            raise NotFoundError(f"单位 {unit_id} 不存在", field="unit_id")
        who.require_division(unit.division_code or "", "unit_id")
        who.require_unit(unit_id)
        advisor_id = advisor_id or new_id("A")
        command = advisors.RegisterAdvisor(advisor_id, name, kind, unit, phone, licence_no)
        return await execute(
            self.store,
            advisors.advisors,
            advisors.advisor_stream(advisor_id),
            command,
            tenant=Tenant.of(unit.division_code or ""),
            metadata=Metadata(who.subject),
            idempotency_key=key,
        )

    async def assign_advisor(
        self,
        who: Principal,
        village_code: str,
        advisor_id: str,
        valid_from: date,
        schedule: str,
        reason: str,
        key: str | None,
    ) -> Outcome:
        who.require_division(village_code, "village_code")
        advisor = await self._advisor(advisor_id)
        command = assignments.AssignAdvisor(
            new_id("AS"), await self._division(village_code), advisor, valid_from, schedule, reason
        )
        return await execute(
            self.store,
            assignments.assignments,
            assignments.stream_id(village_code),
            command,
            tenant=Tenant.of(village_code),
            metadata=Metadata(who.subject),
            idempotency_key=key,
        )

    async def sign_agreement(
        self,
        who: Principal,
        agreement_id: str | None,
        unit_id: str,
        village_code: str,
        advisor_ids: list[str],
        term_start: date,
        term_end: date,
        signed_on: date,
        key: str | None,
    ) -> Outcome:
        who.require_division(village_code, "village_code")
        who.require_unit(unit_id)
        agreement_id = agreement_id or new_id("AG")
        command = agreements.SignAgreement(
            agreement_id,
            await self._unit(unit_id),
            await self._division(village_code),
            tuple([await self._advisor(a) for a in advisor_ids]),
            term_start,
            term_end,
            signed_on,
        )
        return await execute(
            self.store,
            agreements.agreements,
            agreements.stream_id(agreement_id),
            command,
            tenant=Tenant.of(village_code),
            metadata=Metadata(who.subject),
            idempotency_key=key,
        )

    async def file_agreement(
        self,
        who: Principal,
        agreement_id: str,
        filing_no: str,
        filed_on: date,
        stamped: bool,
        key: str | None,
    ) -> Outcome:
        state, _ = await load(self.store, agreements.agreements, agreements.stream_id(agreement_id))
        if state.signed:
            who.require_division(state.village_code or "", "agreement_id")
        command = agreements.FileAgreement(filing_no, filed_on, stamped)
        return await execute(
            self.store,
            agreements.agreements,
            agreements.stream_id(agreement_id),
            command,
            tenant=Tenant.of(state.village_code or who.scope),
            metadata=Metadata(who.subject),
            idempotency_key=key,
        )
