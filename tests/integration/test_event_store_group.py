"""Group commit in the event store: appends made without a caller's transaction are merged into one
transaction, and each caller still gets its own answer (refusal, version conflict, hook failure),
its own cancellation, and nothing of a group that died."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from eventkit.db import Connection
from eventkit.migrations import EVENT_STORE, migrate
from eventkit.store import ConcurrencyError, EventStore, StoredEvent
from support.events import META, TENANT, visit, visits
from support.waiting import eventually

pytestmark = pytest.mark.timeout(60)


class Refused(Exception):
    """What a caller's hook raises to refuse its append."""


async def _side_table(pool: asyncpg.Pool, schema: str) -> str:
    """A table the hooks write to: a hook's writes commit with its events or not at all."""
    await pool.execute(f"CREATE TABLE {schema}.side (stream_id text, tx bigint)")
    return f"{schema}.side"


async def _waiting_for_an_advisory_lock(pool: asyncpg.Pool) -> bool:
    return bool(
        await pool.fetchval(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))"
        )
    )


async def test_a_caller_whose_after_append_raises_is_rolled_back_alone_in_its_merged_group(
    store: EventStore, pool: asyncpg.Pool, schema: str
) -> None:
    side = await _side_table(pool, schema)

    async def record(conn: Connection, stored: list[StoredEvent]) -> None:
        await conn.execute(f"INSERT INTO {side} VALUES ($1, txid_current())", stored[0].envelope.stream_id)

    async def refuse(conn: Connection, stored: list[StoredEvent]) -> None:
        await record(conn, stored)  # written, then rolled back with the events
        raise Refused("the caller's own rule refuses it")

    results = await asyncio.gather(
        *[
            store.append(f"group-{i}", 0, visits(2), tenant=TENANT, metadata=META,
                         after_append=refuse if i == 2 else record)
            for i in range(5)
        ],
        return_exceptions=True,
    )  # fmt: skip
    assert isinstance(results[2], Refused)
    assert await store.read_stream("group-2") == []
    for i in (0, 1, 3, 4):
        stored = results[i]
        assert isinstance(stored, list) and [s.envelope.stream_version for s in stored] == [1, 2]
        assert [s.envelope.event_id for s in await store.read_stream(f"group-{i}")] == [
            s.envelope.event_id for s in stored
        ]
    rows = await pool.fetch(f"SELECT stream_id, tx FROM {side}")
    assert sorted(r["stream_id"] for r in rows) == ["group-0", "group-1", "group-3", "group-4"]
    assert len({r["tx"] for r in rows}) == 1, "the four appends were not merged into one transaction"
    # the group's positions follow the queue order
    firsts = [results[i][0].position for i in (0, 1, 3, 4)]  # type: ignore[index]
    assert firsts == sorted(firsts)


async def test_version_conflicts_and_a_bad_row_refuse_only_their_callers(store: EventStore) -> None:
    """Versions are checked per caller in queue order; a row PostgreSQL refuses (a NUL character
    jsonb cannot hold) fails the merged INSERT, so each caller is written alone."""
    await store.append("taken", 0, [visit()], tenant=TENANT, metadata=META)
    bad = visit().model_copy(update={"summary": "NUL \x00 inside"})
    results = await asyncio.gather(
        store.append("taken", 0, [visit()], tenant=TENANT, metadata=META),
        store.append("fresh-1", 0, [visit()], tenant=TENANT, metadata=META),
        store.append("fresh-1", 1, visits(2), tenant=TENANT, metadata=META),  # after the one before it
        store.append("fresh-1", 1, [visit()], tenant=TENANT, metadata=META),  # that version is taken now
        store.append("bad", 0, [bad], tenant=TENANT, metadata=META),
        store.append("fresh-2", None, visits(3), tenant=TENANT, metadata=META),
        return_exceptions=True,
    )
    taken, first, second, stale, refused, fresh = results
    assert isinstance(taken, ConcurrencyError) and (taken.expected, taken.actual) == (0, 1)
    assert isinstance(stale, ConcurrencyError) and (stale.expected, stale.actual) == (1, 3)
    assert isinstance(refused, asyncpg.DataError)
    assert isinstance(first, list) and isinstance(second, list) and isinstance(fresh, list)
    assert [s.envelope.stream_version for s in await store.read_stream("fresh-1")] == [1, 2, 3]
    assert [s.envelope.event_id for s in await store.read_stream("fresh-1")] == [
        s.envelope.event_id for s in first + second
    ]
    assert await store.read_stream("bad") == []
    assert await store.version("fresh-2") == 3
    assert await store.version("taken") == 1


async def test_a_cancelled_caller_is_dropped_while_queued_and_commits_whole_once_written(
    store: EventStore, pool: asyncpg.Pool
) -> None:
    """The first group waits for the ordering lock (held here); two callers queue behind it. One
    queued caller and the in-flight caller are cancelled: the queued one is never written, the
    in-flight one commits all its events with its group, and the other queued caller is unaffected."""
    blocker = await pool.acquire()
    try:
        tx = blocker.transaction()
        await tx.start()
        await blocker.execute("SELECT pg_advisory_xact_lock($1)", store.append_lock)
        in_flight = asyncio.create_task(store.append("in-flight", 0, visits(2), tenant=TENANT, metadata=META))
        await eventually(lambda: _waiting_for_an_advisory_lock(pool), within=10, what="the group waits")
        dropped = asyncio.create_task(store.append("dropped", 0, visits(2), tenant=TENANT, metadata=META))
        kept = asyncio.create_task(store.append("kept", 0, visits(1), tenant=TENANT, metadata=META))
        await asyncio.sleep(0.1)  # both queued behind the group in flight
        assert not (in_flight.done() or dropped.done() or kept.done())
        dropped.cancel()
        in_flight.cancel()
        await tx.commit()
    finally:
        await pool.release(blocker)
    for task in (dropped, in_flight):
        with pytest.raises(asyncio.CancelledError):
            await task
    assert len(await kept) == 1
    assert await store.read_stream("dropped") == []
    assert [s.envelope.stream_version for s in await store.read_stream("in-flight")] == [1, 2]
    assert await store.append("after", 0, [visit()], tenant=TENANT, metadata=META)


async def test_a_group_whose_connection_dies_mid_group_commits_nothing_and_the_next_group_runs(
    store: EventStore, pool: asyncpg.Pool, schema: str
) -> None:
    side = await _side_table(pool, schema)

    async def record(conn: Connection, stored: list[StoredEvent]) -> None:
        await conn.execute(f"INSERT INTO {side} VALUES ($1, 0)", stored[0].envelope.stream_id)

    async def crash(conn: Connection, stored: list[StoredEvent]) -> None:
        pid = conn.get_server_pid()
        await pool.execute("SELECT pg_terminate_backend($1)", pid)
        await eventually(
            lambda: _gone(pool, pid), within=10, what="the group's backend terminated", interval=0.02
        )

    results = await asyncio.gather(
        *[
            store.append(f"crash-{i}", 0, visits(2), tenant=TENANT, metadata=META,
                         after_append=crash if i == 1 else record)
            for i in range(3)
        ],
        return_exceptions=True,
    )  # fmt: skip
    assert all(isinstance(r, Exception) for r in results), results
    assert not [r for r in results if isinstance(r, ConcurrencyError | Refused)]
    assert await pool.fetchval(f"SELECT count(*) FROM {side}") == 0
    assert await pool.fetchval(f"SELECT count(*) FROM {store.schema}.events") == 0
    again = await asyncio.gather(
        *[store.append(f"crash-{i}", 0, visits(2), tenant=TENANT, metadata=META) for i in range(3)]
    )
    assert [[s.envelope.stream_version for s in stored] for stored in again] == [[1, 2]] * 3


async def _gone(pool: asyncpg.Pool, pid: int) -> bool:
    return not await pool.fetchval("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1)", pid)


async def test_two_services_in_one_database_do_not_share_the_ordering_lock(
    pool: asyncpg.Pool, schema: str
) -> None:
    """One service's open append transaction holds its own lock, not its neighbour's."""
    other_schema = f"{schema}_other"
    await migrate(pool, other_schema, EVENT_STORE)
    mine, other = EventStore(pool, schema), EventStore(pool, other_schema)
    assert mine.append_lock != other.append_lock
    async with pool.acquire() as conn, conn.transaction():
        await mine.append("held", 0, [visit()], tenant=TENANT, metadata=META, conn=conn)
        done = await asyncio.wait_for(other.append("free", 0, [visit()], tenant=TENANT, metadata=META), 10)
    assert len(done) == 1
