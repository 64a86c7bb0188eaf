"""Read models of a service's own events, fed from its store (eventkit.own_views): in the append's
transaction, from the history at start-up, rebuilt into a new generation; never twice, never ahead
of a refused append."""

from __future__ import annotations

import asyncpg
import pytest
from eventkit import own_views
from eventkit.db import Connection
from eventkit.projection import ProjectionRunner
from eventkit.store import EventStore, StoredEvent
from support.events import META, TENANT, visits
from support.projections import StreamCounts, counts

pytestmark = pytest.mark.timeout(60)


class RefusedError(Exception):
    pass


async def test_a_command_sees_its_events_in_the_read_model_when_it_commits_and_a_refused_one_leaves_none(
    store: EventStore, pool: asyncpg.Pool, schema: str
) -> None:
    await store.append("village-a", 0, visits(2), tenant=TENANT, metadata=META)  # before the view existed
    runner = ProjectionRunner(pool, schema, StreamCounts(topics=()))
    assert await own_views.install(runner, store) == 1  # filled from the history at start-up
    assert await counts(pool, schema) == {"village-a": (2, 2)}

    async def caught_up(conn: Connection, _: list[StoredEvent]) -> None:
        await own_views.catch_up(runner, store, conn)

    async def refused(conn: Connection, stored: list[StoredEvent]) -> None:
        await caught_up(conn, stored)
        raise RefusedError  # e.g. a later inline record refuses the command

    async with pool.acquire() as conn, conn.transaction():
        stored = await store.append("village-b", 0, visits(1), tenant=TENANT, metadata=META, conn=conn)
        await caught_up(conn, stored)
    assert await counts(pool, schema) == {"village-a": (2, 2), "village-b": (1, 1)}
    with pytest.raises(RefusedError):
        async with pool.acquire() as conn, conn.transaction():
            stored = await store.append("village-b", 1, visits(1), tenant=TENANT, metadata=META, conn=conn)
            await refused(conn, stored)
    assert await counts(pool, schema) == {"village-a": (2, 2), "village-b": (1, 1)}
    assert await own_views.install(runner, store) == 1  # a restart applies nothing twice
    assert await counts(pool, schema) == {"village-a": (2, 2), "village-b": (1, 1)}


async def test_a_rebuild_fills_the_next_generation_from_the_store_and_drops_the_old(
    store: EventStore, pool: asyncpg.Pool, schema: str
) -> None:
    runner = ProjectionRunner(pool, schema, StreamCounts(topics=()))
    await own_views.install(runner, store)
    for n in range(3):
        async with pool.acquire() as conn, conn.transaction():
            await store.append(f"village-{n}", 0, visits(n + 1), tenant=TENANT, metadata=META, conn=conn)
            await own_views.catch_up(runner, store, conn)
    before = await counts(pool, schema)
    assert await own_views.rebuild(runner, store) == 2
    assert (
        await counts(pool, schema)
        == before
        == {"village-0": (1, 1), "village-1": (2, 2), "village-2": (3, 3)}
    )
    assert not await pool.fetchval("SELECT to_regclass($1)", f"{runner.prefix(1)}stream_counts")
    async with pool.acquire() as conn, conn.transaction():  # commands now feed generation 2
        await store.append("village-0", 1, visits(1), tenant=TENANT, metadata=META, conn=conn)
        await own_views.catch_up(runner, store, conn)
    assert (await counts(pool, schema))["village-0"] == (2, 2)
