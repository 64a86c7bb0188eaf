"""Commands about one village: who serves it (assignments), its notice board and WeChat group."""

from __future__ import annotations

from datetime import date

from eventkit.auth import Principal
from eventkit.command_runner import Outcome
from eventkit.idempotency import Idempotency

from registry.application.command_handler import Handler, new_id
from registry.domain import assignments, boards, groups


class VillageCommands(Handler):
    async def assign(
        self,
        who: Principal,
        village_code: str,
        advisor_id: str,
        valid_from: date,
        schedule: str,
        reason: str,
        idem: Idempotency,
    ) -> Outcome:
        """Assign, reassign (ends the current assignment the day before) or change the schedule."""
        who.require_division(village_code, "village_code")
        advisor = await self.advisor_from_scope(who, advisor_id)
        village = await self.division(village_code)
        history = (await self.village_assignments(village_code)).history
        serving = await self.advisor(history[-1].advisor_id) if history else None
        command = assignments.AssignAdvisor(
            new_id("AS"), village, advisor, valid_from, schedule, reason, serving=serving
        )
        stream = assignments.stream_id(village_code)
        return await self.commands.run(
            assignments.assignments, stream, command, actor=who.subject, tenant=village_code, idempotency=idem
        )

    async def end_assignment(
        self, who: Principal, village_code: str, valid_to: date, reason: str, idem: Idempotency
    ) -> Outcome:
        who.require_division(village_code, "village_code")
        command = assignments.EndAssignment(valid_to, reason)
        stream = assignments.stream_id(village_code)
        return await self.commands.run(
            assignments.assignments, stream, command, actor=who.subject, tenant=village_code, idempotency=idem
        )

    async def post_board(
        self,
        who: Principal,
        village_code: str,
        advisor_id: str,
        posted_on: date,
        shown: dict[str, str | None],
        idem: Idempotency,
    ) -> Outcome:
        """Record what the board shows; name, phone and schedule default to the registered facts."""
        who.require_division(village_code, "village_code")
        advisor = await self.advisor_from_scope(who, advisor_id)
        await self.require_village_keeper(who, village_code, advisor)
        serving = (await self.village_assignments(village_code)).as_of(posted_on)
        schedule = serving.schedule if serving and serving.advisor_id == advisor_id else ""
        command = boards.PostNoticeBoard(
            await self.division(village_code),
            advisor,
            serving,
            boards.Shown(
                advisor_id,
                shown.get("advisor_name") or advisor.name or "",
                shown.get("phone") or advisor.phone or "",
                shown.get("schedule") or schedule,
            ),
            posted_on,
        )
        stream = boards.stream_id(village_code)
        return await self.commands.run(
            boards.boards, stream, command, actor=who.subject, tenant=village_code, idempotency=idem
        )

    async def establish_group(
        self,
        who: Principal,
        village_code: str,
        group_id: str | None,
        advisor_id: str,
        name: str,
        member_count: int,
        established_on: date,
        idem: Idempotency,
    ) -> Outcome:
        who.require_division(village_code, "village_code")
        advisor = await self.advisor_from_scope(who, advisor_id)
        await self.require_village_keeper(who, village_code, advisor)
        command = groups.EstablishServiceGroup(
            group_id or f"WG-{village_code}",
            await self.division(village_code),
            advisor,
            name,
            member_count,
            established_on,
        )
        stream = groups.stream_id(village_code)
        return await self.commands.run(
            groups.service_groups, stream, command, actor=who.subject, tenant=village_code, idempotency=idem
        )

    async def count_members(
        self, who: Principal, village_code: str, member_count: int, counted_on: date, idem: Idempotency
    ) -> Outcome:
        who.require_division(village_code, "village_code")
        await self.require_village_keeper(who, village_code)
        command = groups.CountMembers(member_count, counted_on)
        stream = groups.stream_id(village_code)
        return await self.commands.run(
            groups.service_groups, stream, command, actor=who.subject, tenant=village_code, idempotency=idem
        )
