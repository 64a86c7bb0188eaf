"""The outbox relay on a real PostgreSQL and a real broker: nothing skipped, nothing twice, in order."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections import defaultdict
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from conftest import unique
from eventkit.relay import OutboxRelay
from eventkit.runtime import ServiceSpec, open_runtime
from eventkit.settings import Settings
from eventkit.store import EventStore
from support.events import META, TENANT, visit, visits
from support.kafka import message_count, read_topic
from support.waiting import Calls, background, eventually

pytestmark = pytest.mark.timeout(180)

WRITERS, EVENTS_PER_WRITER, STREAMS_PER_WRITER = 20, 500, 5


async def _relay_done(relay: OutboxRelay, store: EventStore) -> bool:
    last = await store.pool.fetchval(f"SELECT coalesce(max(position), 0) FROM {store.schema}.events")
    position, _ = await relay.checkpoint()
    return last > 0 and position == last


async def _store_ids(store: EventStore) -> dict[UUID, tuple[str, int]]:
    rows = await store.pool.fetch(f"SELECT event_id, stream_id, stream_version FROM {store.schema}.events")
    return {r["event_id"]: (r["stream_id"], r["stream_version"]) for r in rows}


async def _writer(store: EventStore, writer: int) -> None:
    """500 events over this writer's own streams, in appends of 1 to 4 events.

    Odd writers pass an `after_append` hook (their groups go through savepoints), and it refuses
    every fifth append once: that append is rolled back inside its merged group and made again.
    """
    versions = dict.fromkeys((f"writer-{writer}-stream-{s}" for s in range(STREAMS_PER_WRITER)), 0)
    written, turn = 0, 0
    while written < EVENTS_PER_WRITER:
        stream = f"writer-{writer}-stream-{turn % STREAMS_PER_WRITER}"
        size = min(turn % 4 + 1, EVENTS_PER_WRITER - written)
        events = [visit(written + i) for i in range(size)]
        if writer % 2 and turn % 5 == 0:
            with pytest.raises(_Refused):
                await store.append(
                    stream, versions[stream], events, tenant=TENANT, metadata=META, after_append=_refuse
                )
        hook = _accept if writer % 2 else None
        await store.append(stream, versions[stream], events, tenant=TENANT, metadata=META, after_append=hook)
        versions[stream] += size
        written += size
        turn += 1


class _Refused(Exception):
    pass


async def _refuse(conn: Any, stored: Any) -> None:
    raise _Refused


async def _accept(conn: Any, stored: Any) -> None:
    await conn.execute("SELECT 1")


async def test_relay_publishes_every_event_once_in_stream_order_while_twenty_writers_append(
    store: EventStore, bootstrap: str, topic: str
) -> None:
    relay = OutboxRelay(store, bootstrap, topic, poll_seconds=0.2)
    started = time.perf_counter()
    async with background(relay.run(), "relay") as relay_task:
        await asyncio.gather(*[_writer(store, w) for w in range(WRITERS)])
        appended = time.perf_counter() - started
        await eventually(
            lambda: _relay_done(relay, store), within=60, what="relay caught up", tasks=(relay_task,)
        )
    in_store = await _store_ids(store)
    assert len(in_store) == WRITERS * EVENTS_PER_WRITER

    records = await read_topic(bootstrap, topic)
    on_topic = [UUID(json.loads(r.value)["event_id"]) for r in records]
    assert len(on_topic) == len(set(on_topic)), "an event was published twice"
    assert set(on_topic) == set(in_store), "the topic and the store disagree"
    assert await relay.checkpoint() == (
        await store.pool.fetchval(f"SELECT max(position) FROM {store.schema}.events"),
        len(in_store),
    )

    per_stream: dict[str, list[int]] = defaultdict(list)
    partition_of: dict[str, set[int]] = defaultdict(set)
    for record in records:  # partition by partition, each in offset order
        envelope = json.loads(record.value)
        assert record.key.decode() == envelope["stream_id"]
        per_stream[envelope["stream_id"]].append(envelope["stream_version"])
        partition_of[envelope["stream_id"]].add(record.partition)
    assert len(per_stream) == WRITERS * STREAMS_PER_WRITER
    for stream, versions in per_stream.items():
        assert versions == list(range(1, len(versions) + 1)), f"{stream} out of order or with a gap"
        assert len(partition_of[stream]) == 1
    published = time.perf_counter() - started
    print(f"\n{len(in_store)} events appended in {appended:.1f}s, all published after {published:.1f}s")


async def test_relay_publishes_a_late_committing_append(
    store: EventStore, pool: asyncpg.Pool, bootstrap: str, topic: str
) -> None:
    """The classic outbox gap: an append whose transaction commits after a later one started.

    The first append takes its position and stays uncommitted; a second append starts meanwhile.
    A store handing out positions at INSERT without serialising would let the second commit a
    higher position first, the relay would publish it and move its checkpoint past the first,
    which then commits below the checkpoint and is never published.
    """
    relay = OutboxRelay(store, bootstrap, topic, poll_seconds=0.1)
    passes = Calls(relay, "drain_once")
    async with background(relay.run(), "relay") as relay_task:
        await store.append("warm-up", 0, [visit()], tenant=TENANT, metadata=META)
        await eventually(
            lambda: _relay_done(relay, store), within=30, what="warm-up published", tasks=(relay_task,)
        )

        slow = await pool.acquire()
        try:
            tx = slow.transaction()
            await tx.start()
            await store.append("slow", 0, visits(2), tenant=TENANT, metadata=META, conn=slow)
            # a merged group queues behind it: three callers, one whose hook refuses its append
            late = [
                asyncio.create_task(store.append("fast", 0, visits(3), tenant=TENANT, metadata=META)),
                asyncio.create_task(
                    store.append("fast-2", 0, visits(2), tenant=TENANT, metadata=META, after_append=_accept)
                ),
                asyncio.create_task(
                    store.append("refused", 0, visits(2), tenant=TENANT, metadata=META, after_append=_refuse)
                ),
            ]
            # "fast" reached the append lock (or, were appends not serialised, committed), and the
            # relay looked three more times since: it would have published "fast" if it could
            await eventually(
                lambda: _appender_waits_or_done(pool, late[0]), within=30, what='"fast" at the lock'
            )
            await passes.more(3, what="three relay passes after it", tasks=(relay_task,))
            _, published = await relay.checkpoint()
            assert published == 1, "nothing may be published past an uncommitted append"
            await tx.commit()
        finally:
            await pool.release(slow)
        results = await asyncio.gather(*late, return_exceptions=True)
        assert isinstance(results[2], _Refused) and all(isinstance(r, list) for r in results[:2])
        stored = await _store_ids(store)
        assert len(stored) == 8
        await eventually(
            lambda: _on_topic_are(bootstrap, topic, set(stored)),
            within=15,
            what="every committed event on the topic",
            tasks=(relay_task,),
        )
        await passes.more(2, what="two relay passes after all was published", tasks=(relay_task,))

    records = await read_topic(bootstrap, topic)
    on_topic = [UUID(json.loads(r.value)["event_id"]) for r in records]
    assert sorted(on_topic) == sorted(stored), "published twice"
    assert len(on_topic) == 8
    assert await relay.checkpoint() == (max(await _positions(store)), 8)


async def _appender_waits_or_done(pool: asyncpg.Pool, append: asyncio.Task[Any]) -> bool:
    waits = "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted)"
    return append.done() or bool(await pool.fetchval(waits))


async def _on_topic_are(bootstrap: str, topic: str, expected: set[UUID]) -> bool:
    return {UUID(json.loads(r.value)["event_id"]) for r in await read_topic(bootstrap, topic)} == expected


async def _positions(store: EventStore) -> list[int]:
    return [r["position"] for r in await store.pool.fetch(f"SELECT position FROM {store.schema}.events")]


async def test_relay_is_woken_by_notify_without_waiting_for_its_poll(
    store: EventStore, bootstrap: str, topic: str
) -> None:
    """With a 60 s poll, only LISTEN/NOTIFY can make an append show up on the topic within seconds."""
    relay = OutboxRelay(store, bootstrap, topic, poll_seconds=60)
    async with background(relay.run(), "relay") as relay_task:
        await eventually(lambda: _started(relay), within=60, what="the relay started", tasks=(relay_task,))
        for n in range(1, 4):
            await store.append("notified", None, [visit(n)], tenant=TENANT, metadata=META)
            await eventually(
                lambda: _relay_done(relay, store),
                within=10,
                what=f"append {n} published",
                tasks=(relay_task,),
            )
        # one stream fills one partition of three: the amnesia check copes with empty partitions
        assert not await relay.check_amnesia()
    assert await message_count(bootstrap, topic) == 3


async def test_relay_does_not_lose_a_wakeup_that_arrives_while_it_drains(
    store: EventStore, bootstrap: str, topic: str
) -> None:
    """An append committed while the relay reads an empty batch must still wake it (60 s poll).

    The test waits for the racing append to have COMMITTED before it waits for the relay: "the
    checkpoint is at the last position" holds trivially while that append is still in flight (the
    last position is then the first event's), and leaving the block would cancel the append.
    """
    relay = OutboxRelay(store, bootstrap, topic, poll_seconds=60)
    real_read_all = store.read_all_wire
    injecting, committed = asyncio.Event(), asyncio.Event()

    async def read_then_append(after: int = 0, limit: int = 1000):  # type: ignore[no-untyped-def]
        batch = await real_read_all(after, limit)
        if not batch and after > 0 and not injecting.is_set():
            injecting.set()  # once only: the append commits (and notifies) after the read saw nothing
            await store.append("racing", None, [visit()], tenant=TENANT, metadata=META)
            committed.set()
            await eventually(lambda: _is_set(relay._wake), within=10, what="the notification")
        return batch

    store.read_all_wire = read_then_append  # type: ignore[method-assign]
    async with background(relay.run(), "relay") as relay_task:
        await eventually(lambda: _started(relay), within=60, what="the relay started", tasks=(relay_task,))
        # published, then the next (empty) read lets the racing append in
        await store.append("racing", 0, [visit()], tenant=TENANT, metadata=META)
        await eventually(lambda: _is_set(committed), within=10, what="the racing append", tasks=(relay_task,))
        assert len(await _store_ids(store)) == 2
        await eventually(
            lambda: _relay_done(relay, store), within=10, what="racing append published", tasks=(relay_task,)
        )
    assert await message_count(bootstrap, topic) == 2


async def _started(relay: OutboxRelay) -> bool:
    """Producer and offsets consumer up, checkpoint row written: the relay is in its loop (or about to be)."""
    return (
        relay._offsets is not None
        and await relay.checkpoint() == (0, 0)
        and bool(
            await relay.store.pool.fetchval(
                f"SELECT count(*) FROM {relay.store.schema}.relay_checkpoint WHERE topic = $1", relay.topic
            )
        )
    )


async def _is_set(event: asyncio.Event) -> bool:
    return event.is_set()


async def test_relay_does_not_republish_while_the_broker_keeps_its_messages(
    store: EventStore, bootstrap: str, topic: str
) -> None:
    """The amnesia check (held vs published) must not mistake a healthy topic for an empty one."""
    for n in range(10):  # stored before the relay starts: it sends them in multi-record batches
        await store.append(f"batch-{n}", 0, visits(20), tenant=TENANT, metadata=META)
    relay = OutboxRelay(store, bootstrap, topic, poll_seconds=0.2, amnesia_check_seconds=0.3)
    async with background(relay.run(), "relay") as relay_task:
        await eventually(lambda: _relay_done(relay, store), within=30, what="published", tasks=(relay_task,))
        for _ in range(5):  # a few amnesia checks on the healthy topic
            assert not await relay.check_amnesia(), "a healthy topic was taken for a forgotten one"
        # and several at once, beside the loop's own: they share the relay's offsets consumer (CI
        # once saw the loop's checks stop for a minute after checks made beside it)
        found = await asyncio.gather(*(relay.check_amnesia() for _ in range(4)))
        assert found == [False] * 4
        checks, passes = Calls(relay, "check_amnesia"), Calls(relay, "drain_once")
        await checks.more(2, what="two amnesia checks of the relay's own", tasks=(relay_task,))
        await passes.more(1, what="a pass after them (a republish would be done)", tasks=(relay_task,))
        assert await relay.checkpoint() == (200, 200)
    assert await message_count(bootstrap, topic) == 200


async def test_service_shutdown_stops_a_relay_cancelled_while_it_closes_a_kafka_client(
    database: str, bootstrap: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """aiokafka's client close() suppresses CancelledError around an await, so a shutdown landing
    there is swallowed and the relay would loop on: the runtime must still stop it."""
    service = unique("shutdown")
    settings = Settings(
        VC_SERVICE=service,
        DATABASE_URL=database,
        KAFKA_BOOTSTRAP_SERVERS=bootstrap,
        VC_JWT_SECRET=secrets.token_urlsafe(48),
    )
    runtime = open_runtime(ServiceSpec(name=service, title="shutdown", description="test"), settings)
    shutdown: list[asyncio.Task[Any]] = []
    real_close = AIOKafkaAdminClient.close

    async def close_during_shutdown(self: AIOKafkaAdminClient) -> None:
        # The relay's ensure_topic closes its admin client: shut the service down right then, so
        # the relay is cancelled while the real aiokafka close() awaits its metadata task.
        if not shutdown:
            shutdown.append(asyncio.create_task(runtime.__aexit__(None, None, None)))
        await real_close(self)

    await runtime.__aenter__()
    monkeypatch.setattr(AIOKafkaAdminClient, "close", close_during_shutdown)
    await eventually(lambda: _has(shutdown), within=20, what="the relay closing its admin client")
    done, _ = await asyncio.wait(shutdown, timeout=20)
    assert done, "the runtime did not stop: the relay swallowed its cancellation"
    shutdown[0].result()


async def _has(items: list[Any]) -> bool:
    return bool(items)
