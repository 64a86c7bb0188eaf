"""Agreement commands: sign, file with the county bureau, renew, terminate."""

from __future__ import annotations

from datetime import date

from eventkit.auth import ADMINS, Principal
from eventkit.command_runner import Outcome
from eventkit.errors import RuleViolationError
from eventkit.idempotency import Idempotency

from registry.application.command_handler import Handler, new_id
from registry.domain import agreements

Command = agreements.FileAgreement | agreements.RenewAgreement | agreements.TerminateAgreement


class AgreementCommands(Handler):
    async def sign(
        self,
        who: Principal,
        agreement_id: str | None,
        unit_id: str,
        village_code: str,
        advisor_ids: list[str],
        term: tuple[date, date],
        signed_on: date,
        idem: Idempotency,
    ) -> Outcome:
        who.require_division(village_code, "village_code")
        who.require_unit(unit_id)
        unit = await self.unit(unit_id)
        if unit.exists and not who.can_see(unit.division_code or ""):
            raise RuleViolationError(f"签约单位不在您的管辖范围 {who.scope} 内", field="unit_id")
        named = tuple([await self.advisor_from_scope(who, a) for a in advisor_ids])
        agreement_id = agreement_id or new_id("AG")
        command = agreements.SignAgreement(
            agreement_id, unit, await self.division(village_code), named, term[0], term[1], signed_on
        )
        stream = agreements.stream_id(agreement_id)
        return await self.commands.run(
            agreements.agreements, stream, command, actor=who.subject, tenant=village_code, idempotency=idem
        )

    async def change(self, who: Principal, agreement_id: str, command: Command, idem: Idempotency) -> Outcome:
        """File, renew or terminate: within the caller's scope; a unit acts on its own agreements only."""
        stream = agreements.stream_id(agreement_id)
        state = await self.state(agreements.agreements, stream)
        if state.signed:
            who.require_division(state.village_code or "", "agreement_id")
            if who.role not in ADMINS:
                who.require_unit(state.unit_id or "", "agreement_id")
        tenant_of = state.village_code or who.scope
        return await self.commands.run(
            agreements.agreements, stream, command, actor=who.subject, tenant=tenant_of, idempotency=idem
        )
