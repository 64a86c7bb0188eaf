"""Report commands: submit (figures derived and confirmed), approve, return; record missed deadlines."""

from __future__ import annotations

from typing import Any

import asyncpg
from eventkit.auth import Principal, Role
from eventkit.command_runner import CommandRunner, Outcome
from eventkit.db import Connection
from eventkit.errors import ConflictError, ForbiddenError, NotFoundError
from eventkit.idempotency import Idempotency, claim, remember
from eventkit.store import EventStore, StoredEvent
from vc_contracts.catalogue.enums import DeadlineKind, Level, ReportKind
from vc_contracts.divisions import county_of

from reporting.application import seals_view
from reporting.application.report_model import record
from reporting.domain import deadlines, reports

LEVEL_OF_ROLE = {
    Role.county_admin: Level.county,
    Role.city_admin: Level.city,
    Role.province_admin: Level.province,
}


def command_runner(store: EventStore) -> CommandRunner:
    """Reporting's runner: every append also updates the report read model in its transaction."""

    async def records(conn: Connection, stored: list[StoredEvent]) -> None:
        await record(conn, store.schema, stored)

    return CommandRunner(store, after_append=records)


class ReportHandler:
    def __init__(self, store: EventStore, pool: asyncpg.Pool) -> None:
        self.store, self.pool, self.commands = store, pool, command_runner(store)

    async def submit(
        self, who: Principal, kind: ReportKind, period: str, submitter: str, county: str,
        table: dict[str, Any], confirm_digest: str, idem: Idempotency,
    ) -> Outcome:  # fmt: skip
        if confirm_digest != table["digest"]:
            raise ConflictError("台账数据在预览后已有变化，请重新预览并确认后再提交", field="confirm_digest")
        stream = reports.stream_id(kind, period, submitter)
        year = int(period[:4])
        heads = await seals_view.frozen_heads(self.pool, self.store.schema, county_of(county), year)
        command = reports.SubmitReport(stream, kind, period, submitter, county, table, [who.subject], heads)
        return await self.commands.run(
            reports.reports, stream, command, actor=who.subject, tenant=county, idempotency=idem
        )

    async def review(
        self, who: Principal, report_id: str, approve: bool, reason: str | None, idem: Idempotency
    ) -> Outcome:
        level = LEVEL_OF_ROLE.get(who.role)
        if level is None:
            raise ForbiddenError("只有县、市、省级管理员可以审核报告")
        row = await self.pool.fetchrow(
            f"SELECT county, heads::text FROM {self.store.schema}.reports WHERE report_id = $1", report_id
        )
        if row is None:
            raise NotFoundError(f"报告 {report_id} 不存在", field="report_id")
        who.require_division(row["county"], "report_id")
        if approve:  # every level checks the heads the report froze against the chains as last sealed
            heads = seals_view.heads_of(row["heads"])  # frozen in the row by the submission
            if (bad := await seals_view.first_mismatch(self.pool, self.store.schema, heads)) is not None:
                raise seals_view.ChainMismatchError(bad)
        command = reports.ApproveReport(level) if approve else reports.ReturnReport(level, reason or "")
        return await self.commands.run(
            reports.reports, report_id, command, actor=who.subject, tenant=row["county"], idempotency=idem
        )

    async def record_misses(
        self, who: Principal, overdue: list[dict[str, Any]], idem: Idempotency | None
    ) -> dict[str, Any]:
        """DeadlineMissed once per (owner, kind, period) of the overdue list, all in one transaction
        with the idempotency key; the answer `{recorded: [new stream ids], overdue: n}`."""
        recorded: list[str] = []
        async with self.pool.acquire() as conn, conn.transaction():
            await claim(conn, idem)
            for item in overdue:
                owner = item["unit_id"] or item["county"]
                stream = deadlines.stream_id(item["kind"], item["period"], owner)
                command = deadlines.RecordMiss(
                    DeadlineKind(item["kind"]), item["period"], item["unit_id"], county_of(item["county"]),
                    item["due_at"], submitted=False,
                )  # fmt: skip
                outcome = await self.commands.run(
                    deadlines.misses, stream, command, actor=who.subject, tenant=item["county"], conn=conn
                )
                if outcome.events:
                    recorded.append(stream)
            answer: dict[str, Any] = await remember(
                conn, idem, {"recorded": recorded, "overdue": len(overdue)}
            )
        return answer
