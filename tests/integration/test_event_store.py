"""The event store on a real PostgreSQL: optimistic concurrency, append-only table, stream reads."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from eventkit.store import ConcurrencyError, EventStore
from support.events import META, TENANT, division, visit, visits
from support.waiting import eventually

pytestmark = pytest.mark.timeout(60)


async def _waiting_for_a_lock(pool: asyncpg.Pool, pid: int) -> bool:
    return bool(
        await pool.fetchval("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = $1 AND NOT granted)", pid)
    )


async def test_only_one_of_two_racing_appends_at_the_same_version_wins(
    store: EventStore, pool: asyncpg.Pool
) -> None:
    """Both writers read version 0 before either commits: the later commit gets ConcurrencyError."""
    first, second = await pool.acquire(), await pool.acquire()
    try:
        tx1, tx2 = first.transaction(), second.transaction()
        await tx1.start()
        await tx2.start()
        won = await store.append("village-1", 0, [division()], tenant=TENANT, metadata=META, conn=first)
        # The second writer sees version 0 too (the first has not committed) and then queues
        # behind the first one's append lock.
        loser = asyncio.create_task(
            store.append("village-1", 0, [division()], tenant=TENANT, metadata=META, conn=second)
        )
        await eventually(
            lambda: _waiting_for_a_lock(pool, second.get_server_pid()), within=10, what="second writer waits"
        )
        assert not loser.done()
        await tx1.commit()
        with pytest.raises(ConcurrencyError) as raised:
            await loser
        await tx2.rollback()
    finally:
        await pool.release(first)
        await pool.release(second)
    assert (raised.value.expected, raised.value.actual) == (0, 1)
    stored = await store.read_stream("village-1")
    assert [s.envelope.event_id for s in stored] == [won[0].envelope.event_id]


async def test_concurrent_appends_at_the_same_version_let_exactly_one_through(store: EventStore) -> None:
    for round_ in range(10):
        stream = f"village-race-{round_}"
        results = await asyncio.gather(
            *[store.append(stream, 0, [visit(i)], tenant=TENANT, metadata=META) for i in range(5)],
            return_exceptions=True,
        )
        winners = [r for r in results if isinstance(r, list)]
        losers = [r for r in results if isinstance(r, ConcurrencyError)]
        assert (len(winners), len(losers)) == (1, 4), results
        assert await store.version(stream) == 1


async def test_a_stale_expected_version_is_refused_with_the_actual_version(store: EventStore) -> None:
    await store.append("village-2", 0, visits(3), tenant=TENANT, metadata=META)
    with pytest.raises(ConcurrencyError) as raised:
        await store.append("village-2", 2, [visit()], tenant=TENANT, metadata=META)
    assert (raised.value.expected, raised.value.actual) == (2, 3)
    # None means "any version": appended after the last one
    appended = await store.append("village-2", None, [visit()], tenant=TENANT, metadata=META)
    assert appended[0].envelope.stream_version == 4


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE {schema}.events SET data = '{{}}'::jsonb",
        "UPDATE {schema}.events SET stream_version = stream_version + 100 WHERE stream_id = 'village-3'",
        "DELETE FROM {schema}.events",
        "DELETE FROM {schema}.events WHERE stream_id = 'village-3'",
        "TRUNCATE {schema}.events",
    ],
)
async def test_the_events_table_refuses_updates_and_deletes(
    store: EventStore, pool: asyncpg.Pool, schema: str, statement: str
) -> None:
    before = await store.append("village-3", 0, visits(2), tenant=TENANT, metadata=META)
    with pytest.raises(asyncpg.RaiseError, match="append-only"):
        await pool.execute(statement.format(schema=schema))
    after = await store.read_stream("village-3")
    assert [s.envelope for s in after] == [s.envelope for s in before]


async def test_read_stream_returns_the_stream_in_version_order(store: EventStore) -> None:
    appended = []
    # interleave two streams and several batch sizes so positions and versions differ
    for size in (1, 3, 2, 4):
        appended += await store.append("village-4", None, visits(size), tenant=TENANT, metadata=META)
        await store.append("village-5", None, visits(size), tenant=TENANT, metadata=META)
    stored = await store.read_stream("village-4")
    assert [s.envelope.stream_version for s in stored] == list(range(1, 11))
    assert [s.envelope.event_id for s in stored] == [a.envelope.event_id for a in appended]
    positions = [s.position for s in stored]
    assert positions == sorted(positions)
    # the typed event round-trips through JSONB unchanged
    assert [s.event for s in stored] == [a.event for a in appended]
    assert {s.envelope.tenant for s in stored} == {TENANT}
    assert {s.envelope.actor for s in stored} == {META.actor}
    assert await store.version("village-4") == 10
    assert await store.read_stream("village-unknown") == []
