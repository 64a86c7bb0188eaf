"""Writing through the event store: single-command appends, commands through the decider, bulk import."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from uuid import uuid4

import asyncpg
from eventkit.command_runner import execute
from eventkit.idempotency import Idempotency
from eventkit.migrations import EVENT_STORE, PROJECTIONS, migrate
from eventkit.store import EventStore, NewStream
from ledger.domain import entries
from ledger.domain.kinds import Kind
from pydantic import TypeAdapter
from vc_contracts import Tenant
from vc_contracts.catalogue.ledger import VisitLogged

from bench.timing import closed_loop, rate
from bench.workload import ACTOR, visit

WRITERS = 8


@contextlib.asynccontextmanager
async def event_store(dsn: str, schema: str, pool_size: int = WRITERS + 2) -> AsyncIterator[EventStore]:
    """A fresh schema with the event store and projection tables, and a pool on it."""
    pool = await asyncpg.create_pool(dsn, min_size=pool_size, max_size=pool_size)
    try:
        await pool.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await migrate(pool, schema, EVENT_STORE, PROJECTIONS)
        yield EventStore(pool, schema)
    finally:
        await pool.close()


def prepared(count: int) -> list[tuple[str, Tenant, VisitLogged]]:
    """Events built before the clock starts: building the models is the caller's cost, not the store's."""
    return [visit() for _ in range(count)]


async def single_appends(store: EventStore, seconds: float) -> float:
    """WRITERS concurrent callers, each appending one event to a new entry stream per call. Events/s."""
    todo = prepared(int(seconds * 12_000))

    async def append(_worker: int) -> int:
        stream_id, tenant, event = todo.pop()
        await store.append(stream_id, 0, [event], tenant=tenant, metadata=ACTOR)
        return 1

    return await closed_loop(WRITERS, seconds, append)


async def decided_commands(store: EventStore, seconds: float) -> float:
    """WRITERS concurrent callers of `execute` with the ledger's entry decider (visits) and a key:
    load the (new) entry stream, decide, append, remember the idempotency key, in one transaction.
    Commands/s."""
    todo = prepared(int(seconds * 4000))

    async def command(_worker: int) -> int:
        _, tenant, e = todo.pop()
        assignment = entries.Assignment("AS-bench", e.advisor_id, e.unit_id, e.village_code)
        details = {"place": e.place, "summary": e.summary}
        log_visit = entries.LogEntry(
            e.entry_id, Kind.visit, e.advisor_id, e.village_code, e.started_at, details,
            entries.Facts(assignment), e.ended_at,
        )  # fmt: skip
        await execute(
            store,
            entries.entries,
            entries.stream_id(e.entry_id),
            log_visit,
            tenant=tenant,
            metadata=ACTOR,
            idempotency=Idempotency(store.schema, ACTOR.actor, str(uuid4()), "POST /visits#bench", 201),
        )
        return 1

    return await closed_loop(WRITERS, seconds, command)


async def bulk_import(store: EventStore, count: int, per_statement: int = 1000) -> float:
    """Import `count` entries (one new stream each) from plain data, as a bulk writer receives it:
    inside the clock every event is validated (one pydantic-core call for the whole list, the
    contract's field rules included), JSON-encoded and appended with `append_rows` (the bulk path),
    `per_statement` streams per INSERT, all in ONE transaction (all or nothing). Events/s; the data is made
    outside the clock. The store-level half of an import, without the ledger's row checks, read
    model and chain (the ledger's backfill figure has those)."""
    todo = [(stream_id, tenant, e.model_dump(mode="json")) for stream_id, tenant, e in prepared(count)]
    started = time.perf_counter()
    events = _VISITS.validate_python([data for _, _, data in todo])
    batch = [NewStream(stream_id, [event], tenant, event.occurred_at)
             for (stream_id, tenant, _), event in zip(todo, events, strict=True)]  # fmt: skip
    async with store.pool.acquire() as conn, conn.transaction():
        for first in range(0, count, per_statement):
            await store.append_rows(batch[first : first + per_statement], metadata=ACTOR, conn=conn)
    return rate(count, time.perf_counter() - started)


_VISITS: TypeAdapter[list[VisitLogged]] = TypeAdapter(list[VisitLogged])
