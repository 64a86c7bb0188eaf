"""Ledger command handlers: authorise, gather the facts, decide, append (with the inline records)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Any
from uuid import uuid4

import asyncpg
from eventkit.auth import Principal, Role
from eventkit.command_runner import CommandRunner, Outcome
from eventkit.db import Connection
from eventkit.idempotency import Idempotency, answer_if_stored
from eventkit.store import EventStore, StoredEvent

from ledger.application import access, entries_model, questions, volume_chain
from ledger.application.facts_reader import facts_for
from ledger.application.queries import entry_or_404
from ledger.domain import entries
from ledger.domain.corrections import span_after
from ledger.domain.entries import Command, ConfirmEntry, CorrectEntry, LogEntry, QueryEntry, VoidEntry
from ledger.domain.kinds import Kind


def entry_id_for(advisor_id: str, client_entry_id: str | None) -> str:
    """Stable for a client entry id (a retried or re-imported row is the same entry), else random."""
    if client_entry_id is None:
        return f"E-{uuid4().hex[:20]}"
    return "E-" + hashlib.sha256(f"{advisor_id}\x1f{client_entry_id}".encode()).hexdigest()[:20]


async def record(conn: Connection, schema: str, stored: list[StoredEvent]) -> None:
    """Inside the append's transaction: the entries read model, the overlap re-check, the chain."""
    touched = await entries_model.apply(conn, schema, stored)
    await entries_model.recheck_clashes(conn, schema, touched)
    await volume_chain.record_links(conn, schema, stored)


class LedgerCommands:
    def __init__(self, store: EventStore, pool: asyncpg.Pool) -> None:
        self.store, self.pool, self.schema = store, pool, store.schema
        self.commands = CommandRunner(store, after_append=self._record)

    async def _record(self, conn: Connection, stored: list[StoredEvent]) -> None:
        await record(conn, self.schema, stored)

    async def _on_entry(
        self,
        who: Principal,
        entry_id: str,
        village_code: str,
        command: Command,
        idem: Idempotency,
        occurred_at: datetime | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Run `command` on the entry's stream; the answer: `entry_id`, the outcome's summary, then
        `extra` (stored with the events)."""

        async def respond(_: Connection, outcome: Outcome) -> dict[str, Any]:
            return {"entry_id": entry_id, **outcome.summary(), **(extra or {})}

        outcome = await self.commands.run(
            entries.entries,
            entries.stream_id(entry_id),
            command,
            actor=who.subject,
            tenant=village_code,
            idempotency=idem,
            respond=respond,
            occurred_at=(lambda _: occurred_at) if occurred_at else None,
        )
        return outcome.answer

    async def log(
        self,
        who: Principal,
        kind: Kind,
        village_code: str,
        occurred_at: datetime,
        ended_at: datetime | None,
        details: Mapping[str, Any],
        note: str,
        client_entry_id: str | None,
        idem: Idempotency,
    ) -> dict[str, Any]:
        if client_entry_id:  # the entry's identity is its idempotency key, whatever header came along
            idem = idem.identified_by(
                f"ledger:{who.subject}:{client_entry_id}",
                field="client_entry_id",
                shown=f"客户端编号“{client_entry_id}”",
            )
        await answer_if_stored(self.pool, idem)  # as every command route: before any check or read
        who.require_role(Role.advisor)
        who.require_division(village_code, "village_code")
        facts = await facts_for(
            self.pool, self.schema, who.subject, village_code, occurred_at, ended_at or occurred_at
        )
        entry_id = entry_id_for(who.subject, client_entry_id)
        if question_id := details.get("question_id"):
            entry_id = await questions.answering_entry_id(
                self.pool, self.schema, question_id, village_code, details
            )
        command = LogEntry(
            entry_id,
            kind,
            who.subject,
            village_code,
            occurred_at,
            details,
            facts,
            ended_at,
            client_entry_id,
            note,
        )
        found = facts.assignment
        assignment = {**asdict(found), "basis": f"依据{found.describe()}"} if found else None
        return await self._on_entry(
            who, entry_id, village_code, command, idem, occurred_at, {"assignment": assignment}
        )

    async def confirm(self, who: Principal, entry_id: str, idem: Idempotency) -> dict[str, Any]:
        who.require_role(Role.village_committee)
        entry = await entry_or_404(self.pool, self.schema, entry_id)
        who.require_division(entry["village_code"], "entry_id")
        command = ConfirmEntry(who.subject, who.scope)
        return await self._on_entry(who, entry_id, entry["village_code"], command, idem)

    async def query(self, who: Principal, entry_id: str, reason: str, idem: Idempotency) -> dict[str, Any]:
        """The committee queries (质疑) an entry of its village; 403 for another village's entry."""
        who.require_role(Role.village_committee)
        entry = await entry_or_404(self.pool, self.schema, entry_id)
        who.require_division(entry["village_code"], "entry_id")
        command = QueryEntry(reason, who.subject, who.scope)
        return await self._on_entry(who, entry_id, entry["village_code"], command, idem)

    async def correct(
        self, who: Principal, entry_id: str, changes: Mapping[str, Any], reason: str, idem: Idempotency
    ) -> dict[str, Any]:
        entry = await entry_or_404(self.pool, self.schema, entry_id)
        access.require_changer(who, entry)
        start, end = span_after(Kind(entry["kind"]), entry["data"], changes)
        facts = await facts_for(
            self.pool, self.schema, entry["advisor_id"], entry["village_code"], start, end
        )
        # the domain names the correction's own paths (`changes.summary`, `reason`): as the body's
        # validation names them (README "Error format": one name per input)
        command = CorrectEntry(changes, reason, facts)
        return await self._on_entry(who, entry_id, entry["village_code"], command, idem)

    async def void(self, who: Principal, entry_id: str, reason: str, idem: Idempotency) -> dict[str, Any]:
        entry = await entry_or_404(self.pool, self.schema, entry_id)
        access.require_changer(who, entry)
        return await self._on_entry(who, entry_id, entry["village_code"], VoidEntry(reason), idem)
