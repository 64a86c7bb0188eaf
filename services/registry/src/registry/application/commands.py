"""Directory commands: divisions, providing units, advisors and their status."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from eventkit.auth import Principal
from eventkit.command_runner import Outcome
from eventkit.db import Connection
from eventkit.errors import NotFoundError
from eventkit.idempotency import Idempotency
from vc_contracts.catalogue.enums import AdvisorKind, AdvisorStatus, DivisionLevel, UnitKind

from registry.application.command_handler import Handler, new_id
from registry.domain import advisors, divisions, nominees, units, vetting


class DirectoryCommands(Handler):
    async def register_division(
        self,
        who: Principal,
        code: str,
        name: str,
        level: DivisionLevel,
        parent_code: str | None,
        idem: Idempotency,
    ) -> Outcome:
        who.require_division(code, "code")
        parent = await self.division(parent_code) if parent_code else divisions.Division()
        command = divisions.RegisterDivision(code, name, level, parent)
        return await self.commands.run(
            divisions.divisions, divisions.stream_id(code), command, actor=who.subject,
            tenant=code, idempotency=idem,
        )  # fmt: skip

    async def register_unit(
        self,
        who: Principal,
        unit_id: str | None,
        kind: UnitKind,
        name: str,
        division_code: str,
        credit_code: str | None,
        licence_no: str | None,
        idem: Idempotency,
    ) -> Outcome:
        who.require_division(division_code)
        unit_id = unit_id or new_id("U")
        division = await self.division(division_code)
        command = units.RegisterUnit(unit_id, kind, name, division, credit_code, licence_no)
        return await self.commands.run(
            units.units, units.unit_stream(unit_id), command, actor=who.subject,
            tenant=division_code, idempotency=idem,
        )  # fmt: skip

    async def register_advisor(
        self,
        who: Principal,
        advisor_id: str | None,
        name: str,
        kind: AdvisorKind,
        unit_id: str,
        phone: str,
        licence_no: str | None,
        idem: Idempotency,
    ) -> Outcome:
        unit = await self.unit(unit_id)
        if not unit.exists:
            raise NotFoundError(f"单位 {unit_id} 不存在", field="unit_id")
        who.require_division(unit.division_code or "", "unit_id")
        who.require_unit(unit_id)
        advisor_id = advisor_id or new_id("A")
        command = advisors.RegisterAdvisor(advisor_id, name, kind, unit, phone, licence_no)
        return await self._create(who, advisor_id, unit, command, idem)

    async def nominate_advisor(
        self,
        who: Principal,
        advisor_id: str | None,
        name: str,
        kind: AdvisorKind,
        unit_id: str,
        phone: str,
        licence_no: str | None,
        idem: Idempotency,
        known: Iterable[vetting.KnownPerson] = (),
    ) -> Outcome:
        """A unit nominates for its own unit only (403 `unit_id` otherwise), and not a person the
        county approved or is deciding on (`known`; 409 `already_nominated`)."""
        unit = await self.unit(unit_id)
        if not unit.exists:
            raise NotFoundError(f"单位 {unit_id} 不存在", field="unit_id")
        who.require_division(unit.division_code or "", "unit_id")
        who.require_unit(unit_id)
        advisor_id = advisor_id or new_id("A")
        vetting.require_new_person(advisor_id, name, unit_id, licence_no, known)
        command = advisors.NominateAdvisor(advisor_id, name, kind, unit, phone, licence_no)
        return await self._create(who, advisor_id, unit, command, idem)

    async def _create(
        self,
        who: Principal,
        advisor_id: str,
        unit: units.Unit,
        command: advisors.RegisterAdvisor | advisors.NominateAdvisor,
        idem: Idempotency,
    ) -> Outcome:
        """Register or nominate, claiming the person in the same transaction when the advisor's
        stream gained events (409 `already_nominated` while another advisor's claim stands)."""
        person = nominees.Person.of(unit, command.name, command.licence_no)
        return await self.commands.run(
            advisors.advisors, advisors.advisor_stream(advisor_id), command, actor=who.subject,
            tenant=unit.division_code or "", idempotency=idem,
            after_append=lambda conn, _: self._claim(conn, who, person, advisor_id, unit),
        )  # fmt: skip

    async def _claim(
        self, conn: Connection, who: Principal, person: nominees.Person, advisor_id: str, unit: units.Unit
    ) -> None:
        """In the creating command's transaction: claim the person on their claim stream (see
        domain/nominees.py); the holder's own stream says whether its claim lapsed."""
        claim = await self.commands.state(nominees.nominees, person.stream_id, conn)
        holder = advisors.Advisor()
        if claim.holder is not None and claim.holder != advisor_id:
            holder = await self.commands.state(advisors.advisors, advisors.advisor_stream(claim.holder), conn)
        await self.commands.run(
            nominees.nominees, person.stream_id, nominees.claim(person, advisor_id, claim, holder),
            actor=who.subject, tenant=unit.division_code or "", conn=conn,
        )  # fmt: skip

    async def decide_nomination(
        self, who: Principal, advisor_id: str, command: advisors.Command, idem: Idempotency
    ) -> Outcome:
        """Approve or reject a nominee of a unit inside the caller's county (403 outside, 404 unknown)."""
        advisor = await self.advisor(advisor_id)
        if not advisor.exists:
            raise NotFoundError(f"没有顾问 {advisor_id} 的提名", field="advisor_id")
        unit = await self.unit(advisor.unit_id or "")
        who.require_division(unit.division_code or "", "advisor_id")
        return await self._run_on(who, advisor_id, unit, command, idem)

    async def _run_on(
        self, who: Principal, advisor_id: str, unit: units.Unit, command: advisors.Command, idem: Idempotency
    ) -> Outcome:
        return await self.commands.run(
            advisors.advisors, advisors.advisor_stream(advisor_id), command, actor=who.subject,
            tenant=unit.division_code or "", idempotency=idem,
        )  # fmt: skip

    async def change_advisor_status(
        self,
        who: Principal,
        advisor_id: str,
        status: AdvisorStatus,
        changed_on: date,
        reason: str,
        idem: Idempotency,
    ) -> Outcome:
        advisor = await self.existing_advisor(who, advisor_id)
        unit = await self.unit(advisor.unit_id or "")
        command = advisors.ChangeAdvisorStatus(status, changed_on, reason)
        return await self._run_on(who, advisor_id, unit, command, idem)
