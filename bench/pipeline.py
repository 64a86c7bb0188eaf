"""Events flowing out of the store: outbox relay to Kafka, projection catch-up and rebuild, and
end-to-end latency."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

from aiokafka import ConsumerRecord
from eventkit.consumer import start_broker, subscribe
from eventkit.db import Connection
from eventkit.projection import BatchOutcome, ProjectionRunner
from eventkit.rebuild import rebuild
from eventkit.relay import OutboxRelay, ensure_topic
from eventkit.set_apply import Decoded
from eventkit.store import EventStore, NewStream
from faststream.kafka import KafkaBroker
from reporting.application.stats_view import StatsView
from vc_contracts import Tenant
from vc_contracts.catalogue.ledger import VisitLogged

from bench import raw
from bench import replicas as bench_replicas
from bench.store import prepared
from bench.timing import percentile, rate
from bench.workload import ACTOR, VillageHours

PARTITIONS = 4
"""Partitions of the bench's topics: an even share for each of two replicas (`replicas_catch_up`)."""


@dataclass
class DeadLetters:
    """The projection's dead-letter sink: a benchmark expects none, and fails if any arrive."""

    errors: list[str] = field(default_factory=list)

    async def __call__(self, value: bytes, key: bytes | None, topic: str, error: str) -> None:
        self.errors.append(error)


def records(batch: list[ConsumerRecord]) -> list[tuple[bytes, bytes | None, str]]:
    return [(r.value, r.key, r.topic) for r in batch]


@contextlib.asynccontextmanager
async def running(relay: OutboxRelay) -> AsyncIterator[asyncio.Task[None]]:
    """The relay as a task; a caller waiting on it checks `alive(task)` so a crash surfaces at once."""
    task = asyncio.create_task(relay.run())
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def alive(task: asyncio.Task[None]) -> None:
    if task.done():
        task.result()  # raises what the relay died of
        raise RuntimeError("the relay stopped")


async def fill(store: EventStore, count: int, per_transaction: int = 1000) -> None:
    """`count` one-entry streams through `EventStore.append_many`, untimed (`--only projections`
    needs a topic to read, not an import figure)."""
    todo = prepared(count)
    for first in range(0, count, per_transaction):
        chunk = todo[first : first + per_transaction]
        batch = [NewStream(stream, [e], tenant, e.occurred_at) for stream, tenant, e in chunk]
        async with store.pool.acquire() as conn, conn.transaction():
            await store.append_many(batch, metadata=ACTOR, conn=conn)


async def relay_drain(store: EventStore, bootstrap: str, topic: str, total: int, within: float) -> float:
    """Start a relay on `total` stored events; time it from its first acknowledged batch to the last.

    Events/s. The checkpoint (published count) is what the relay itself commits after each batch.
    """
    relay = OutboxRelay(store, bootstrap, topic, partitions=PARTITIONS)
    async with running(relay) as task:
        deadline = time.perf_counter() + within
        first: tuple[float, int] | None = None
        while True:
            published = await _published(store, topic)
            if first is None and published:
                first = (time.perf_counter(), published)
            if published >= total:
                break
            alive(task)
            if time.perf_counter() > deadline:
                raise TimeoutError(f"relay published {published} of {total} events in {within:.0f} s")
            await asyncio.sleep(0.01)
        assert first is not None
        return rate(total - first[1], time.perf_counter() - first[0])


async def _published(store: EventStore, topic: str) -> int:
    value = await store.pool.fetchval(
        f"SELECT published FROM {store.schema}.relay_checkpoint WHERE topic = $1", topic
    )
    return int(value or 0)


class EventByEvent:
    """The bench read model without `apply_batch`: the runner applies it one event at a time (what
    every read model did before issue 12), for a comparison in the same run."""

    def __init__(self, topic: str) -> None:
        self.inner = VillageHours(topic)
        self.name, self.topics, self.tables, self.ddl = (
            "village_hours",
            (topic,),
            ("village_hours",),
            self.inner.ddl,
        )
        self.entry_events, self.rebuild_defers_indexes, self.handles = None, False, None
        self.apply = self.inner.apply


async def projection_catch_up(
    store: EventStore,
    bootstrap: str,
    topic: str,
    total: int,
    within: float,
    *,
    set_based: bool = True,
    overlap: bool = True,
    group: str | None = None,
) -> float:
    """A ProjectionRunner catching up `topic` from its beginning until `total` events are applied.
    Events/s after the first batch.

    With `overlap`, the services' own subscriber does it (`eventkit.consumer.subscribe` on a
    FastStream KafkaBroker: batch n+1 fetched and parsed while batch n is written, each batch's
    offsets committed after its transaction, `eventkit.consumer.consume`). Without it, a plain
    group consumer runs `apply_batch` then commits, batch after batch (what the services' subscriber
    did before session 12). Without `set_based`, the read model is applied event by event. Each
    variant wants a schema of its own for its tables (and a consumer `group` of its own when the
    same variant runs twice on one topic)."""
    projection = VillageHours(topic) if set_based else EventByEvent(topic)
    variant = ("" if set_based else ".one") + ("" if overlap else ".sequential")
    group = group or f"{topic}.projection{variant}"
    dead = DeadLetters()
    outcome = BatchOutcome()
    if overlap:
        counting = bench_replicas.CountingRunner(store.pool, store.schema, projection)  # type: ignore[arg-type]
        await counting.install()
        consumed = await subscribed_catch_up(counting, bootstrap, group, total, within)
        outcome.parked, outcome.dead = counting.parked, counting.dead
    else:
        runner = ProjectionRunner(store.pool, store.schema, projection)  # type: ignore[arg-type]
        await runner.install()

        async def apply(batch: list[ConsumerRecord]) -> None:
            result = await runner.apply_batch(records(batch), dead)
            outcome.parked += result.parked

        consumed = (await raw.consume(bootstrap, topic, group, total, apply, within)).rate
    applied = await store.pool.fetchval(f"SELECT sum(entries) FROM {store.schema}.village_hours")
    if dead.errors or outcome.dead or outcome.parked or applied != total:
        problem = f"{applied} of {total} applied, {outcome}, dead letters {dead.errors[:3]}"
        raise RuntimeError(f"projection catch-up: {problem}")
    return consumed


async def subscribed_catch_up(
    runner: bench_replicas.CountingRunner, bootstrap: str, group: str, total: int, within: float
) -> float:
    """`runner` subscribed as a service subscribes its read models (`eventkit.consumer.subscribe` on a
    FastStream KafkaBroker, the groups joined by `start_broker`) until it has applied `total`
    events. Events/s after the first batch (the group join left out, as `raw.consume` leaves it)."""
    broker = KafkaBroker(bootstrap, acks="all", enable_idempotence=False)
    subscribe(broker, runner, bootstrap=bootstrap, group_prefix=group, max_records=raw.CONSUMER_MAX_RECORDS)
    await start_broker(broker)
    try:
        deadline = time.perf_counter() + within
        while runner.applied() < total:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"the subscriber applied {runner.applied()} of {total} events")
            await asyncio.sleep(0.01)
    finally:
        await broker.stop()
    return runner.rate()


async def replicas_catch_up(
    store: EventStore, dsn: str, bootstrap: str, topic: str, total: int, replicas: int = 2
) -> float:
    """`projection_catch_up`, through `eventkit.consumer.consume`, by `replicas` processes sharing
    `topic`'s partitions (see bench/replicas.py); `store` gives the schema, fresh. Events/s from
    `go` to the last transaction."""
    seconds = await bench_replicas.catch_up(dsn, store.schema, bootstrap, topic, PARTITIONS, replicas)
    applied = await store.pool.fetchval(f"SELECT sum(entries) FROM {store.schema}.village_hours")
    if applied != total:
        raise RuntimeError(f"replicas' catch-up: {applied} of {total} applied")
    return rate(total, seconds)


async def projection_rebuild(store: EventStore, bootstrap: str, topic: str, total: int) -> float:
    """`eventkit.rebuild.rebuild` of the catch-up's read model (installed by `projection_catch_up`):
    a new generation filled from the earliest offsets, the swap, the old generation dropped. The
    clock covers all of it. Events/s. Run again, it rebuilds the generation the last run made live."""
    runner = ProjectionRunner(store.pool, store.schema, VillageHours(topic))
    status = f"SELECT generation FROM {store.schema}.projection_status WHERE projection = $1"
    live = await store.pool.fetchval(status, runner.projection.name)
    started = time.perf_counter()
    generation = await rebuild(runner, bootstrap)
    elapsed = time.perf_counter() - started
    applied = await store.pool.fetchval(f"SELECT sum(entries) FROM {store.schema}.village_hours")
    if applied != total or generation != live + 1:
        raise RuntimeError(f"rebuild: {applied} of {total} applied into generation {generation}")
    return rate(total, elapsed)


async def statistics_rebuild(store: EventStore, bootstrap: str, topic: str, total: int) -> float:
    """The same rebuild of the reporting service's statistics read model (one row per entry with
    its JSON data, exact seconds per half-year), reading `topic` instead of the ledger's. Events/s."""
    view = StatsView()
    view.topics = (topic,)  # type: ignore[misc,assignment,unused-ignore]
    runner = ProjectionRunner(store.pool, store.schema, view)
    await runner.install()
    started = time.perf_counter()
    await rebuild(runner, bootstrap)
    elapsed = time.perf_counter() - started
    applied = await store.pool.fetchval(f"SELECT count(*) FROM {store.schema}.st_entries")
    if applied != total:
        raise RuntimeError(f"statistics rebuild: {applied} of {total} entries")
    return rate(total, elapsed)


class TimedRunner(ProjectionRunner):
    """A ProjectionRunner that notes when each event's batch committed (apply_decoded returned: the
    second half of apply_batch, and what the services' overlapped loop calls)."""

    def __init__(self, store: EventStore, topic: str) -> None:
        super().__init__(store.pool, store.schema, VillageHours(topic))
        self.projected: dict[str, float] = {}

    async def apply_decoded(
        self,
        decoded: list[Decoded],
        dead: Sequence[str] = (),
        generation: int | None = None,
        conn: Connection | None = None,
    ) -> BatchOutcome:
        ids = [str(item.envelope.event_id) for item in decoded]  # emptied after its transaction
        outcome = await super().apply_decoded(decoded, dead, generation, conn)
        now = time.perf_counter()
        self.projected.update((event_id, now) for event_id in ids)
        return outcome


@contextlib.asynccontextmanager
async def plain_consumer(runner: TimedRunner, bootstrap: str, topic: str) -> AsyncIterator[None]:
    """The catch-up loop: group consumer, getmany, apply_batch, commit."""
    dead = DeadLetters()
    sink = raw.consumer(bootstrap, topic, f"{topic}.projection")

    async def project() -> None:
        while True:
            fetched = await sink.getmany(timeout_ms=1000, max_records=raw.CONSUMER_MAX_RECORDS)
            batch = [r for part in fetched.values() for r in part]
            if batch:
                await runner.apply_batch(records(batch), dead)
                await sink.commit()

    await sink.start()
    reader = asyncio.create_task(project())
    try:
        yield
    finally:
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
        await sink.stop()
    if dead.errors:
        raise RuntimeError(f"end-to-end: dead letters {dead.errors[:3]}")


@contextlib.asynccontextmanager
async def faststream_consumer(runner: TimedRunner, bootstrap: str, topic: str) -> AsyncIterator[None]:
    """The services' wiring: `eventkit.consumer.subscribe` on a FastStream KafkaBroker."""
    broker = KafkaBroker(bootstrap, acks="all", enable_idempotence=False)
    subscribe(broker, runner, bootstrap=bootstrap, group_prefix=topic)
    await broker.start()
    try:
        yield
    finally:
        await broker.stop()


CONSUMERS = {"plain": plain_consumer, "faststream": faststream_consumer}


async def end_to_end(
    store: EventStore, bootstrap: str, topic: str, per_second: float, seconds: float, consumer: str
) -> tuple[float, float]:
    """Open-loop commands at `per_second` for `seconds`, with a relay and a projection running.

    Each latency runs from `EventStore.append` returning (committed) to `apply_batch` returning with
    that event (read model committed), on one clock. p50/p99 ms.
    """
    runner = TimedRunner(store, topic)
    await runner.install()
    await ensure_topic(bootstrap, topic, PARTITIONS)
    todo = prepared(int(per_second * seconds) + 1)
    committed: dict[str, float] = {}

    async def command(stream_id: str, tenant: Tenant, event: VisitLogged) -> None:
        stored = await store.append(stream_id, 0, [event], tenant=tenant, metadata=ACTOR)
        committed[str(stored[0].envelope.event_id)] = time.perf_counter()

    async def all_projected(relay: asyncio.Task[None], within: float) -> None:
        deadline = time.perf_counter() + within
        while not committed.keys() <= runner.projected.keys():
            alive(relay)
            if time.perf_counter() > deadline:
                missing = len(committed.keys() - runner.projected.keys())
                raise TimeoutError(f"end-to-end: {missing} of {len(committed)} events never projected")
            await asyncio.sleep(0.01)

    relay = OutboxRelay(store, bootstrap, topic, partitions=PARTITIONS)
    async with CONSUMERS[consumer](runner, bootstrap, topic), running(relay) as task:
        await command(*todo.pop())  # warm-up: topic metadata, group join, first fetch
        await all_projected(task, 60)
        committed.clear()
        started = time.perf_counter()
        tasks = []
        for i, (stream_id, tenant, event) in enumerate(todo):
            await asyncio.sleep(max(0.0, started + i / per_second - time.perf_counter()))
            tasks.append(asyncio.create_task(command(stream_id, tenant, event)))
        await asyncio.gather(*tasks)
        await all_projected(task, 60)
    latencies = [(runner.projected[e] - committed[e]) * 1000 for e in committed]
    return percentile(latencies, 50), percentile(latencies, 99)
