"""The county's responsible people and sections (R16): setting them and reading them back.

Read from the county's own stream (one small stream per county, folded on read) rather than a
read model: it is read by the county's own edit page only. The public page and the annual report
read reporting's copy, which it learns from the topic.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from eventkit.auth import Principal, Role
from eventkit.command_runner import Outcome
from eventkit.errors import ForbiddenError
from eventkit.idempotency import Idempotency, answer_if_stored

from registry.application.command_handler import Handler
from registry.domain import responsibilities as r


class ResponsibilityCommands(Handler):
    async def set(
        self,
        who: Principal,
        county_code: str,
        head: str,
        deputy: str,
        sections: list[str],
        filing_place: str,
        effective_on: date,
        idem: Idempotency,
    ) -> Outcome:
        """201 with the event (none when unchanged): the county's administrator only (403), an unknown
        county 404, no section 422 naming `sections`."""
        await answer_if_stored(self.store.pool, idem)
        who.require_role(Role.county_admin)
        who.require_division(county_code, "county_code")
        command = r.SetResponsibilities(
            await self.division(county_code), head, deputy, tuple(sections), filing_place, effective_on
        )
        return await self.commands.run(
            r.responsibilities, r.stream_id(county_code), command,
            actor=who.subject, tenant=county_code, idempotency=idem,
        )  # fmt: skip

    async def current(self, who: Principal, county_code: str) -> dict[str, Any]:
        """`{county_code, county_name, responsibilities: {head, deputy, sections, filing_place,
        effective_on} | null}`: anyone whose scope holds the county or lies inside it (else 403)."""
        if not (who.can_see(county_code) or who.scope.startswith(county_code)):
            raise ForbiddenError(f"县（区）{county_code} 不在您的管辖范围内", field="county_code")
        state = await self.state(r.responsibilities, r.stream_id(county_code))
        county = await self.division(county_code)
        return {"county_code": county_code, "county_name": county.name, "responsibilities": state.current}
