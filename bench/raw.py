"""The raw limits: what asyncpg and aiokafka do on these servers with no runtime of ours in between.

Rows and messages are shaped like the runtime's (an envelope-sized JSON payload, stream-id keys, the
relay's headers), so a ratio measures our code, not a difference in payload.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from uuid import uuid4

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from eventkit.consumer import MAX_RECORDS
from eventkit.relay import ensure_topic

from bench.timing import closed_loop, percentile, rate
from bench.workload import visit

SCHEMA = "bench_raw"
BATCH = 1000
CONSUMER_MAX_RECORDS = MAX_RECORDS  # eventkit.consumer.subscribe asks for it; so does the projection loop
HEADERS = [("event_type", b"VisitLogged"), ("schema_version", b"1"), ("content-type", b"application/json")]


def sample_payload() -> str:
    """An envelope-sized JSON document (the `data` of a visit plus envelope fields)."""
    stream_id, tenant, event = visit()
    envelope = {
        "event_id": str(uuid4()),
        "stream_id": stream_id,
        "stream_version": 1,
        "tenant": tenant.model_dump(),
        "actor": "bench",
        "correlation_id": str(uuid4()),
        "data": json.loads(event.model_dump_json()),
    }
    return json.dumps(envelope, ensure_ascii=False)


PAYLOAD = sample_payload()
VALUE = PAYLOAD.encode()


def producer(bootstrap: str) -> AIOKafkaProducer:
    """The relay's producer settings: acks=all, linger 5 ms, no idempotence (Tansu refuses it)."""
    return AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5, enable_idempotence=False)


def consumer(bootstrap: str, topic: str, group: str) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=100,  # as eventkit's subscribers: Tansu never answers a fetch early
    )


# -- PostgreSQL -------------------------------------------------------------------------------------


async def prepare(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}")
        await conn.execute(
            f"CREATE TABLE {SCHEMA}.rows (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
            " event_id uuid NOT NULL UNIQUE, stream_id text NOT NULL, data jsonb NOT NULL)"
        )
    finally:
        await conn.close()


INSERT = f"INSERT INTO {SCHEMA}.rows (event_id, stream_id, data) VALUES ($1, $2, $3::jsonb)"


async def one_row_per_transaction(dsn: str, connections: int, seconds: float, *, lock: bool = False) -> float:
    """BEGIN; INSERT one row; COMMIT, in a loop on each connection. Rows/s.

    With `lock`, each transaction first takes the transaction-level advisory lock the event store
    takes (the ceiling its global ordering sets).
    """
    conns = [await asyncpg.connect(dsn) for _ in range(connections)]

    async def insert(n: int) -> int:
        conn = conns[n]
        async with conn.transaction():
            if lock:
                await conn.execute("SELECT pg_advisory_xact_lock($1)", 7_391_999)
            await conn.execute(INSERT, uuid4(), "raw", PAYLOAD)
        return 1

    try:
        return await closed_loop(connections, seconds, insert)
    finally:
        for conn in conns:
            await conn.close()


async def executemany(dsn: str, rows: int) -> float:
    """`executemany` of BATCH rows per transaction. Rows/s."""
    conn = await asyncpg.connect(dsn)
    try:
        started = time.perf_counter()
        for _ in range(rows // BATCH):
            async with conn.transaction():
                await conn.executemany(INSERT, [(uuid4(), "raw", PAYLOAD) for _ in range(BATCH)])
        return rate(rows // BATCH * BATCH, time.perf_counter() - started)
    finally:
        await conn.close()


async def notify_latency(dsn: str, samples: int) -> tuple[float, float]:
    """LISTEN/NOTIFY: from issuing `pg_notify` (autocommit) to the listener's callback. p50/p99 ms."""
    listener, notifier = await asyncpg.connect(dsn), await asyncpg.connect(dsn)
    woken: asyncio.Queue[float] = asyncio.Queue()
    await listener.add_listener("bench_raw", lambda *_: woken.put_nowait(time.perf_counter()))
    latencies = []
    try:
        for _ in range(samples):
            sent = time.perf_counter()
            await notifier.execute("SELECT pg_notify('bench_raw', '')")
            latencies.append((await woken.get() - sent) * 1000)
            await asyncio.sleep(0.002)
    finally:
        await listener.close()
        await notifier.close()
    return percentile(latencies, 50), percentile(latencies, 99)


# -- Kafka ------------------------------------------------------------------------------------------


async def produce(bootstrap: str, topic: str, messages: int, partitions: int = 3) -> float:
    """Send BATCH messages, gather their acknowledgements, repeat. Msgs/s (after one warm-up batch)."""
    await ensure_topic(bootstrap, topic, partitions)
    client = producer(bootstrap)
    await client.start()

    async def batch() -> None:
        futures = [
            await client.send(topic, value=VALUE, key=f"entry-{i}".encode(), headers=HEADERS)
            for i in range(BATCH)
        ]
        await asyncio.gather(*futures)

    try:
        await batch()  # connections and metadata
        started = time.perf_counter()
        for _ in range(messages // BATCH):
            await batch()
        return rate(messages // BATCH * BATCH, time.perf_counter() - started)
    finally:
        await client.stop()


@dataclass
class Consumed:
    rate: float
    messages: int


async def consume(
    bootstrap: str,
    topic: str,
    group: str,
    expected: int,
    handle: Callable[[list[ConsumerRecord]], object] | None = None,
    within: float = 120.0,
) -> Consumed:
    """A group consumer: `getmany`, (handle the batch), commit, until `expected` messages were read.

    The clock starts after the first batch, so the group join and the first fetch do not count.
    `handle` may be a coroutine function taking the batch's records.
    """
    client = consumer(bootstrap, topic, group)
    await client.start()
    try:
        seen, counted, started = 0, 0, 0.0
        deadline = time.perf_counter() + within
        while seen < expected:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"consumed {seen} of {expected} messages of {topic}")
            fetched = await client.getmany(timeout_ms=1000, max_records=CONSUMER_MAX_RECORDS)
            records = [r for batch in fetched.values() for r in batch]
            if not records:
                continue
            if handle is not None:
                result = handle(records)
                if asyncio.iscoroutine(result):
                    await result
            await client.commit()
            if seen == 0:
                started = time.perf_counter()
            else:
                counted += len(records)
            seen += len(records)
        return Consumed(rate(counted, time.perf_counter() - started), seen)
    finally:
        await client.stop()


async def round_trip(bootstrap: str, topic: str, per_second: float, seconds: float) -> tuple[float, float]:
    """Produce at a fixed rate (open loop) and time each message until a group consumer holds it.

    p50/p99 ms. The consumer has the projection loop's settings (defaults, `getmany`, commit per batch).
    """
    await ensure_topic(bootstrap, topic, 3)
    sink = consumer(bootstrap, topic, f"{topic}.rtt")
    source = producer(bootstrap)
    await sink.start()
    await source.start()
    latencies: list[float] = []
    total = int(per_second * seconds)
    try:
        while not sink.assignment():  # joined: nothing sent before this is lost or counted
            await sink.getmany(timeout_ms=100)

        async def read() -> None:
            while len(latencies) < total:
                fetched = await sink.getmany(timeout_ms=1000, max_records=CONSUMER_MAX_RECORDS)
                now = time.perf_counter()
                records = [r for batch in fetched.values() for r in batch]
                latencies.extend((now - float(r.value)) * 1000 for r in records)
                if records:
                    await sink.commit()

        reader = asyncio.create_task(read())
        started = time.perf_counter()
        sends = []
        for i in range(total):
            await asyncio.sleep(max(0.0, started + i / per_second - time.perf_counter()))
            value = repr(time.perf_counter()).encode()
            sends.append(await source.send(topic, value=value, key=f"entry-{i}".encode()))
        await asyncio.gather(*sends)
        await asyncio.wait_for(reader, 30)
    finally:
        await source.stop()
        await sink.stop()
    return percentile(latencies, 50), percentile(latencies, 99)
