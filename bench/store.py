"""Writing through the event store: single-command appends, commands through the decider, batched import."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from uuid import uuid4

import asyncpg
from eventkit.decider import execute
from eventkit.idempotency import Idempotency
from eventkit.migrations import EVENT_STORE, PROJECTIONS, migrate
from eventkit.store import EventStore
from ledger.domain import entries
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
    """WRITERS concurrent callers of `execute` with the ledger's LogVisit decider and an idempotency key:
    load the (new) entry stream, decide, append, remember the key, in one transaction. Commands/s."""
    todo = prepared(int(seconds * 4000))

    async def command(_worker: int) -> int:
        _, tenant, e = todo.pop()
        assignment = entries.Assignment("AS-bench", e.advisor_id, e.unit_id, e.village_code)
        log_visit = entries.LogVisit(
            e.entry_id, e.advisor_id, e.village_code, e.started_at, e.ended_at, e.place, e.summary, assignment
        )
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


async def batched_import(store: EventStore, count: int, per_transaction: int = 500) -> float:
    """Import `count` entries (one stream each, as the ledger keeps them) with `per_transaction`
    appends sharing one transaction. Events/s, events built outside the clock."""
    todo = prepared(count)
    started = time.perf_counter()
    for first in range(0, count, per_transaction):
        async with store.pool.acquire() as conn, conn.transaction():
            for stream_id, tenant, event in todo[first : first + per_transaction]:
                await store.append(stream_id, 0, [event], tenant=tenant, metadata=ACTOR, conn=conn)
    return rate(count, time.perf_counter() - started)
