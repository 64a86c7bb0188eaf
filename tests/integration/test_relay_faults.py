"""The outbox relay under faults, on the real servers: a record the broker can never take, a crash in
the middle of a republish, PostgreSQL restarted under two running relays."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from devstack.pytest_plugin import DevStack
from eventkit import metrics
from eventkit.parked import unpublishable_rows
from eventkit.relay import OutboxRelay
from eventkit.runtime import _supervise
from eventkit.store import EventStore
from support.events import META, TENANT, visit, visits
from support.kafka import read_topic
from support.waiting import Calls, background, eventually

pytestmark = pytest.mark.timeout(120)

DATABASE_DOWN = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
)


async def _caught_up(relay: OutboxRelay, store: EventStore) -> bool:
    try:
        position, _ = await relay.checkpoint()
        return position > 0 and position == await store.head()
    except DATABASE_DOWN:  # while PostgreSQL restarts
        return False


async def _topic_ids(bootstrap: str, topic: str) -> list[UUID]:
    return [UUID(json.loads(r.value)["event_id"]) for r in await read_topic(bootstrap, topic)]


async def _ids_by_position(store: EventStore) -> dict[int, UUID]:
    rows = await store.pool.fetch(f"SELECT position, event_id FROM {store.schema}.events ORDER BY position")
    return {r["position"]: r["event_id"] for r in rows}


async def _insert_behind_the_store(store: EventStore, stream: str, data: str, metadata: str | None) -> int:
    """A row the store's append would refuse (size bound, validation), written with plain SQL."""
    return int(
        await store.pool.fetchval(
            f"INSERT INTO {store.schema}.events (event_id, stream_id, stream_version, event_type,"
            " schema_version, tenant, county, occurred_at, data, metadata)"
            " SELECT gen_random_uuid(), $1, 1, event_type, schema_version, tenant, county, occurred_at,"
            f" data || $2::jsonb, coalesce($3::jsonb, metadata) FROM {store.schema}.events"
            " ORDER BY position DESC LIMIT 1 RETURNING position",
            stream,
            data,
            metadata,
        )
    )


async def test_an_event_the_broker_can_never_take_is_recorded_and_later_events_still_flow(
    store: EventStore, bootstrap: str, topic: str
) -> None:
    """An event larger than the broker's message limit used to fail every attempt and stop the topic."""
    await store.append("before", 0, visits(3), tenant=TENANT, metadata=META)
    huge = json.dumps({"summary": "长" * 600_000}, ensure_ascii=False)  # 1.8 MB > the 1 MB request limit
    oversized = await _insert_behind_the_store(store, "oversized", huge, None)
    unencodable = await _insert_behind_the_store(store, "no-actor", "{}", "{}")  # metadata without actor
    await store.append("after", 0, visits(3), tenant=TENANT, metadata=META)
    refused = metrics.RELAY_UNPUBLISHABLE.labels(store.schema)
    refused_before = refused._value.get()

    relay = OutboxRelay(store, bootstrap, topic, poll_seconds=0.2)
    async with background(relay.run(), "relay") as relay_task:
        await eventually(
            lambda: _caught_up(relay, store), within=30, what="relay passed", tasks=(relay_task,)
        )
        await store.append("after", 3, [visit(9)], tenant=TENANT, metadata=META)
        await eventually(lambda: _caught_up(relay, store), within=30, what="next event", tasks=(relay_task,))

    stored = await _ids_by_position(store)
    expected = {i for p, i in stored.items() if p not in (oversized, unencodable)}
    on_topic = await _topic_ids(bootstrap, topic)
    assert sorted(on_topic) == sorted(expected), "every other event is published, once"
    assert await relay.checkpoint() == (max(stored), len(expected))
    rows = await unpublishable_rows(store.pool, store.schema)
    assert [(r["position"], r["stream_id"], r["event_id"]) for r in rows] == [
        (oversized, "oversized", stored[oversized]),
        (unencodable, "no-actor", stored[unencodable]),
    ]
    assert "MessageSizeTooLarge" in rows[0]["error"]
    assert "actor" in rows[1]["error"]
    assert refused._value.get() - refused_before == 2


class CrashingRelay(OutboxRelay):
    """Dies (like a killed process: no clean-up of its own) after handing `crash_after` records to Kafka."""

    crash_after = 10**9
    sent = 0

    async def _start_clients(self) -> None:
        await super()._start_clients()
        assert self._producer is not None
        real_send = self._producer.send

        async def send(*args: Any, **kwargs: Any) -> Any:
            self.sent += 1
            if self.sent > self.crash_after:
                raise RuntimeError("relay killed mid-republish")
            return await real_send(*args, **kwargs)

        self._producer.send = send  # type: ignore[method-assign]


async def test_a_relay_that_crashes_mid_republish_resumes_from_its_checkpoint(
    devstack: DevStack, store: EventStore, topic: str
) -> None:
    """The registry topic once held 1,867 records for 945 events: a crash mid-republish restarted at 0."""
    for s in range(20):
        await store.append(f"village-{s}", 0, visits(60), tenant=TENANT, metadata=META)
    total = await store.head()
    first = OutboxRelay(store, devstack.bootstrap, topic, poll_seconds=0.2)
    async with background(first.run(), "first relay") as task:
        await eventually(lambda: _caught_up(first, store), within=60, what="first publish", tasks=(task,))
    assert await first.checkpoint() == (total, total)

    await asyncio.to_thread(devstack.restart_broker)  # the broker forgets: the next relay republishes

    crashing = CrashingRelay(store, devstack.bootstrap, topic, poll_seconds=0.2, checkpoint_every=100)
    crashing.crash_after = 700  # of 1,200, all in one batch of the default 2,000
    with pytest.raises(RuntimeError, match="mid-republish"):
        await asyncio.wait_for(crashing.run(), timeout=60)
    resumed_at, published_before = await crashing.checkpoint()
    assert 0 < resumed_at < total, "the checkpoint did not advance during the republish"

    resets = metrics.RELAY_RESETS.labels(store.schema)
    resets_before = resets._value.get()
    after = OutboxRelay(store, devstack.bootstrap, topic, poll_seconds=0.2, amnesia_check_seconds=0.5)
    checks, passes = Calls(after, "check_amnesia"), Calls(after, "drain_once")
    async with background(after.run(), "restarted relay") as task:
        await eventually(
            lambda: _caught_up(after, store), within=60, what="republish finished", tasks=(task,)
        )
        # amnesia checks on the partly republished topic, each followed by a pass that would republish
        await checks.more(2, what="two amnesia checks after the republish", tasks=(task,))
        await passes.more(1, what="a pass after them", tasks=(task,))
        assert await after.checkpoint() == (total, published_before + total - resumed_at)
    assert resets._value.get() == resets_before, "a partly republished topic was taken for a forgotten one"

    stored = await _ids_by_position(store)
    counts = Counter(await _topic_ids(devstack.bootstrap, topic))
    assert set(counts) == set(stored.values()), "an event is missing after the republish"
    twice = {p for p, i in stored.items() if counts[i] > 1}
    # only records in flight at the crash (past the checkpoint, before the crash point) may repeat
    assert all(resumed_at < p <= 700 for p in twice), sorted(twice)[:10]
    assert all(counts[i] == 1 for p, i in stored.items() if p <= resumed_at or p > 700)


async def _leaders(relays: list[OutboxRelay]) -> list[OutboxRelay]:
    return [r for r in relays if r.leading]


async def _lock_holders(pool: asyncpg.Pool, relay: OutboxRelay) -> int:
    """Sessions holding the relay's leader lock (a bigint key: low 32 bits in objid, objsubid 1)."""
    return int(
        await pool.fetchval(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1"
            " AND objid::bigint = (hashtext($1)::bigint & 4294967295)",
            relay._lock_name,
        )
    )


async def _append_when_up(store: EventStore, stream: str, n: int) -> bool:
    try:
        await store.append(stream, await store.version(stream), visits(n), tenant=TENANT, metadata=META)
    except DATABASE_DOWN:
        return False
    return True


async def test_after_postgres_restarts_exactly_one_relay_publishes_and_listens_again(
    devstack: DevStack, database: str, schema: str, topic: str
) -> None:
    """Two replicas' relays, PostgreSQL restarted (`pg_ctl restart -m fast`): the election runs again,
    one relay publishes, woken by NOTIFY (the 60 s poll would be too slow), nothing twice."""
    pools = [await asyncpg.create_pool(database, min_size=1, max_size=4) for _ in range(2)]
    stores = [EventStore(p, schema) for p in pools]
    relays = [
        OutboxRelay(
            s, devstack.bootstrap, topic, poll_seconds=60, election_seconds=0.3, amnesia_check_seconds=60
        )
        for s in stores
    ]
    tasks = [asyncio.create_task(_supervise(f"relay {n}", r.run)) for n, r in enumerate(relays)]
    try:
        await eventually(lambda: _leaders(relays), within=30, what="a leader", tasks=tuple(tasks))
        await stores[0].append("before", 0, visits(5), tenant=TENANT, metadata=META)
        await eventually(lambda: _caught_up(relays[0], stores[0]), within=20, what="published before")

        await asyncio.to_thread(devstack.restart_postgres)

        await eventually(lambda: _append_when_up(stores[1], "after", 5), within=20, what="appends work again")
        await eventually(
            lambda: _caught_up(relays[0], stores[0]), within=20, what="published after the restart"
        )
        for n in range(5):  # every append is woken by NOTIFY and published once
            await stores[n % 2].append("after", 5 + n, [visit(n)], tenant=TENANT, metadata=META)
            await eventually(
                lambda: _caught_up(relays[0], stores[0]), within=20, what=f"append {n} published"
            )
        leaders = await _leaders(relays)
        assert len(leaders) == 1, "exactly one relay publishes"
        assert await _lock_holders(pools[0], relays[0]) == 1
        stored = await _ids_by_position(stores[0])
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for p in pools:
            await p.close()

    counts = Counter(await _topic_ids(devstack.bootstrap, topic))
    assert set(counts) == set(stored.values())
    assert [i for i, c in counts.items() if c > 1] == [], "an event was published twice"
