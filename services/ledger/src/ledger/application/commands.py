"""Ledger command handlers: gather the facts (assignment on that day), decide, append."""

from __future__ import annotations

from datetime import datetime
from uuid import uuid4

import asyncpg
from eventkit.auth import Principal, Role
from eventkit.decider import Outcome, execute
from eventkit.store import EventStore, Metadata
from vc_contracts import Tenant

from ledger.application.assignments_view import assignment_on
from ledger.domain import entries


class LedgerCommands:
    def __init__(self, store: EventStore, pool: asyncpg.Pool) -> None:
        self.store, self.pool = store, pool

    async def log_visit(
        self,
        who: Principal,
        village_code: str,
        started_at: datetime,
        ended_at: datetime,
        place: str,
        summary: str,
        note: str,
        client_entry_id: str | None,
        key: str | None,
    ) -> Outcome:
        who.require_role(Role.advisor)
        who.require_division(village_code, "village_code")
        assignment = await assignment_on(
            self.pool, self.store.schema, who.subject, village_code, started_at.date()
        )
        entry_id = f"E-{uuid4().hex[:16]}"
        command = entries.LogVisit(
            entry_id,
            who.subject,
            village_code,
            started_at,
            ended_at,
            place,
            summary,
            assignment,
            client_entry_id,
            note,
        )
        return await execute(
            self.store,
            entries.entries,
            entries.stream_id(entry_id),
            command,
            tenant=Tenant.of(village_code),
            metadata=Metadata(who.subject),
            idempotency_key=key or client_entry_id,
            occurred_at=lambda e: started_at,
        )
