"""What every registry command handler shares: loading the facts a decision needs, and running it."""

from __future__ import annotations

from typing import Any, TypeVar
from uuid import uuid4

from eventkit.auth import UNITS, Principal, Role
from eventkit.clock import today_cst
from eventkit.command_runner import CommandRunner
from eventkit.decider import Decider
from eventkit.errors import ForbiddenError, NotFoundError, RuleViolationError
from eventkit.store import EventStore

from registry.domain import advisors, assignments, divisions, units

S = TypeVar("S")


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid4().hex[:12]}"


class Handler:
    """Base of the command handlers: scope is checked here, against the loaded facts."""

    def __init__(self, store: EventStore) -> None:
        self.store, self.commands = store, CommandRunner(store)

    async def state(self, decider: Decider[S, Any], stream_id: str) -> S:
        return await self.commands.state(decider, stream_id)

    async def division(self, code: str) -> divisions.Division:
        return await self.state(divisions.divisions, divisions.stream_id(code))

    async def unit(self, unit_id: str) -> units.Unit:
        return await self.state(units.units, units.unit_stream(unit_id))

    async def advisor(self, advisor_id: str) -> advisors.Advisor:
        return await self.state(advisors.advisors, advisors.advisor_stream(advisor_id))

    async def village_assignments(self, village_code: str) -> assignments.VillageAssignments:
        return await self.state(assignments.assignments, assignments.stream_id(village_code))

    async def existing_advisor(self, who: Principal, advisor_id: str) -> advisors.Advisor:
        """An advisor the caller may act on: registered, its unit inside the caller's scope."""
        advisor = await self.advisor(advisor_id)
        if not advisor.exists:
            raise NotFoundError(f"法律顾问 {advisor_id} 不存在", field="advisor_id")
        unit = await self.unit(advisor.unit_id or "")
        who.require_division(unit.division_code or "", "advisor_id")
        who.require_unit(advisor.unit_id or "", "advisor_id")
        return advisor

    async def advisor_from_scope(self, who: Principal, advisor_id: str) -> advisors.Advisor:
        """An advisor named in a command; one from a unit outside the caller's scope is refused (422)."""
        advisor = await self.advisor(advisor_id)
        if advisor.exists:
            unit = await self.unit(advisor.unit_id or "")
            if not who.can_see(unit.division_code or ""):
                raise RuleViolationError(
                    f"顾问 {advisor_id} 所属单位不在您的管辖范围 {who.scope} 内", field="advisor_id"
                )
        return advisor

    async def require_village_keeper(
        self, who: Principal, village_code: str, named: advisors.Advisor | None = None
    ) -> None:
        """Who keeps a village's notice board and WeChat group (README "Registry API", board, group).

        Administrators and the village's committee within their scope (checked by the caller); a unit
        only for a village its own advisor serves today, naming only its own advisors; an advisor
        only for the village it serves today. Scope alone let any firm of the county post another
        firm's village's board or group and any advisor count another village's group. 403 naming
        `village_code` (the village is not theirs) or `advisor_id` (another unit's advisor)."""
        if who.role not in UNITS and who.role is not Role.advisor:
            return
        serving = (await self.village_assignments(village_code)).as_of(today_cst())
        if who.role is Role.advisor:
            if serving is None or serving.advisor_id != who.subject:
                raise ForbiddenError(
                    f"只能登记本人当前服务的村（社区）的法律服务微信群（{village_code} 不是）",
                    field="village_code",
                )
            return
        server = await self.advisor(serving.advisor_id) if serving else None
        if server is None or server.unit_id != who.unit_id:
            raise ForbiddenError(
                f"只能登记本单位顾问当前服务的村（社区）的公示栏和微信群（{village_code} 不是）",
                field="village_code",
            )
        if named is not None and named.unit_id != who.unit_id:
            raise ForbiddenError("只能登记本单位的法律顾问", field="advisor_id")
