"""Assessment command handlers: authorise against the loaded facts, decide, append (idempotently)."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from eventkit import metrics
from eventkit.auth import UNITS, Principal, Role
from eventkit.clock import phone_today_cst, today_cst
from eventkit.command_runner import CommandRunner, Outcome, answer_with
from eventkit.db import Connection
from eventkit.errors import ForbiddenError, NotFoundError
from eventkit.idempotency import Idempotency
from eventkit.own_views import catch_up
from eventkit.periods import require_started
from eventkit.runtime import Runtime
from eventkit.store import StoredEvent
from vc_contracts.catalogue.assessment import ComplianceBreached
from vc_contracts.rules import rule_in_force, rule_label

from assessment.application.assignments_view import Served, overlapping
from assessment.application.decisions_view import rule_sets
from assessment.application.figures import figure_sheet
from assessment.application.obligations import county_obligations
from assessment.domain import assessments as a
from assessment.domain import compliance as c
from assessment.domain import rules as r


class Commands:
    def __init__(self, runtime: Runtime) -> None:
        self.rt, self.schema = runtime, runtime.settings.schema
        self.commands = CommandRunner(runtime.store, after_append=self._decided)

    async def _decided(self, conn: Connection, _: list[StoredEvent]) -> None:
        """What a command decided is in the read models when it commits (decisions_view)."""
        for runner in self.rt.own_views:
            await catch_up(runner, self.rt.store, conn)

    async def set_rules(self, who: Principal, command: r.SetRules, idem: Idempotency) -> Outcome:
        """The division's new rules version; no events (and `unchanged_status` 200 for a keyed
        retry) when its latest version already says the same from the same day (`r.decide`)."""
        code = command.division_code
        who.require_division(code)
        province = len(code.rstrip("0")) <= 2
        who.require_role(Role.province_admin if province else Role.county_admin)
        if not province and len(code) != 6:
            raise ForbiddenError("县级规则只能设在县（区）一级", field="division_code")
        command = r.SetRules(
            code, command.effective_from, command.values, await rule_sets(self.rt.pool, self.schema)
        )
        return await self.commands.run(
            r.division_rules, r.stream_id(code), command, actor=who.subject, tenant=code, idempotency=idem,
            unchanged_status=200,
        )  # fmt: skip

    async def evaluate(self, who: Principal, county: str, period: str, idem: Idempotency) -> dict[str, Any]:
        who.require_role(Role.county_admin)
        who.require_division(county, "county")
        today = today_cst()
        c.require_closed(period, today)
        rules = rule_in_force(county, c.bounds(period)[1], await rule_sets(self.rt.pool, self.schema))
        obligations, minimum = await county_obligations(self.rt.pool, self.schema, county, period, rules)
        command = c.Evaluate(
            county,
            period,
            today,
            obligations,
            rules.version,
            rules.division_code,
            tuple(f"BR-{uuid4().hex[:16]}" for _ in obligations),
        )
        stream = c.stream_id(county, period)
        text = c.LECTURES_RULE_TEXT if c.rule_of(period) == c.LECTURES else r.HOURS_RULE_TEXT

        async def respond(conn: Connection, outcome: Outcome) -> dict[str, Any]:
            stored = await self.rt.store.read_stream(stream, conn)
            found = [
                s.event.model_dump(mode="json") for s in stored if isinstance(s.event, ComplianceBreached)
            ]
            return {
                **outcome.summary(),
                "county": county,
                "period": period,
                "rule": {
                    "name": c.rule_of(period),
                    **rule_label(rules),
                    "minimum": minimum,
                    "counting_rule": text,
                    "share_rule": c.SHARE_RULE_TEXT,
                },
                "evaluated": len(obligations),
                "breaches": found,
            }

        outcome = await self.commands.run(
            c.breaches, stream, command, actor=who.subject, tenant=county, idempotency=idem, respond=respond
        )
        answer = outcome.answer
        metrics.RULE_BREACHES.labels(c.rule_of(period)).inc(len(answer["events"]))  # a replay never gets here
        return answer

    async def year(self, advisor_id: str, year: int) -> tuple[a.Year, list[Served]]:
        state = await self.commands.state(a.assessments, a.stream_id(advisor_id, year))
        served = await overlapping(self.rt.pool, self.schema, *c.bounds(str(year)), advisor_id=advisor_id)
        return state, served

    async def sheet(
        self, who: Principal, advisor_id: str, year: int
    ) -> tuple[a.Year, list[Served], dict[str, Any]]:
        # no figures yet: 422, not empty ones; begun by a phone's clock up to MAX_CLOCK_AHEAD ahead
        require_started(str(year), phone_today_cst(), field="year")
        state, served = await self.year(advisor_id, year)
        require_sees(who, advisor_id, served)
        return state, served, await figure_sheet(self.rt.pool, self.schema, advisor_id, year, state.feedback)

    async def submit_feedback(
        self, who: Principal, command: a.SubmitFeedback, idem: Idempotency
    ) -> dict[str, Any]:
        who.require_division(command.village_code, "village_code")
        require_started(str(command.year), today_cst(), field="year", then="不能评价")
        _, served = await self.year(command.advisor_id, command.year)
        command = a.SubmitFeedback(
            **{**vars(command), "served": any(s.village_code == command.village_code for s in served)}
        )
        stream = a.stream_id(command.advisor_id, command.year)
        outcome = await self.commands.run(
            a.assessments, stream, command, actor=who.subject, tenant=command.village_code, idempotency=idem
        )
        return outcome.answer

    async def run_on_year(
        self,
        who: Principal,
        advisor_id: str,
        year: int,
        command: Any,
        idem: Idempotency,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Run `command` on the advisor's year; the answer is the outcome's summary and `extra`."""
        _, served = await self.year(advisor_id, year)
        tenant = served[0].village_code[:6] if served else who.scope

        stream = a.stream_id(advisor_id, year)
        outcome = await self.commands.run(
            a.assessments, stream, command, actor=who.subject, tenant=tenant, idempotency=idem,
            respond=answer_with(**(extra or {})),
        )  # fmt: skip
        return outcome.answer


def require_sees(who: Principal, advisor_id: str, served: list[Served]) -> None:
    """County/city/province: an advisor serving a village in scope; a unit: its own; an advisor: itself."""
    if not served:
        raise NotFoundError(f"该年度没有顾问 {advisor_id} 的服务记录", field="advisor_id")
    if who.role == Role.advisor:
        ok = who.subject == advisor_id
    elif who.role in UNITS:  # its own unit, inside its own scope
        ok = any(s.unit_id == who.unit_id and who.can_see(s.village_code) for s in served)
    elif who.role == Role.village_committee:
        ok = False
    else:
        ok = any(who.can_see(s.village_code) for s in served)
    if not ok:
        raise ForbiddenError(f"无权查看顾问 {advisor_id} 的考核数据", field="advisor_id")
