"""Outbox relay: publishes a service's events to its Kafka topic in global-position order.

The event table is the outbox. The relay reads events after its checkpoint, sends them (key =
stream id, value = envelope JSON, headers = type and version), waits for every acknowledgement
(acks=all) and only then advances the checkpoint, so a crash republishes rather than loses.
Appends serialise on an advisory lock (see store.py), so "after the checkpoint" never skips a
late-committing transaction. One relay per service is active: a session advisory lock elects it.

Broker amnesia: the checkpoint also counts what was published; when the topic holds fewer
messages than that (the dev broker lost its memory, a topic was recreated), the relay starts over
from position 0. Consumers deduplicate, so republishing is safe.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from eventkit import metrics
from eventkit.db import Connection
from eventkit.store import EventStore, StoredEvent

log = logging.getLogger(__name__)


def encode(stored: StoredEvent) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """Kafka key, value and headers of one stored event (the model path; the relay uses wire_event)."""
    env = stored.envelope
    headers = [
        ("event_type", env.event_type.encode()),
        ("schema_version", str(env.schema_version).encode()),
        ("content-type", b"application/json"),
    ]
    return env.stream_id.encode(), env.model_dump_json().encode(), headers


async def ensure_topic(bootstrap: str, topic: str, partitions: int, replication: int = 1) -> None:
    """Create the topic if missing: unlimited retention (these are public records)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        with contextlib.suppress(TopicAlreadyExistsError):
            new = NewTopic(
                topic,
                num_partitions=partitions,
                replication_factor=replication,
                topic_configs={"retention.ms": "-1", "retention.bytes": "-1"},
            )
            await admin.create_topics([new])
    except Exception as exc:  # a broker that auto-creates topics is fine too
        log.info("create topic %s: %s", topic, exc)
    finally:
        await admin.close()


async def log_end_offsets(
    consumer: AIOKafkaConsumer, partitions: list[TopicPartition], wait_seconds: float = 5.0
) -> dict[TopicPartition, int]:
    """Each partition's end offset (high watermark), as a fetch reports it.

    ListOffsets alone undercounts on Tansu 0.6: it answers with the base offset of the partition's
    last record batch + 1. A fetch from there returns that batch and the true high watermark.
    Uses, then clears, the consumer's assignment (give it a consumer of its own).
    """
    listed = await consumer.end_offsets(partitions)
    filled = [tp for tp in partitions if listed[tp] > 0]
    if not filled:
        return listed
    consumer.assign(filled)
    try:
        for tp in filled:
            consumer.seek(tp, listed[tp] - 1)
        deadline = asyncio.get_running_loop().time() + wait_seconds
        while any(consumer.highwater(tp) is None for tp in filled):
            if asyncio.get_running_loop().time() > deadline:
                break  # keep what ListOffsets said for a partition that did not answer
            await consumer.getmany(*filled, timeout_ms=100)
        highwater = {tp: consumer.highwater(tp) or 0 for tp in filled}
        return {tp: max(listed[tp], highwater.get(tp, 0)) for tp in partitions}
    finally:
        consumer.unsubscribe()


class OutboxRelay:
    def __init__(
        self,
        store: EventStore,
        bootstrap: str,
        topic: str,
        *,
        partitions: int = 3,
        replication: int = 1,
        batch_size: int = 2000,
        poll_seconds: float = 1.0,
        amnesia_check_seconds: float = 5.0,
    ) -> None:
        self.store, self.bootstrap, self.topic = store, bootstrap, topic
        self.partitions, self.replication, self.batch_size = partitions, replication, batch_size
        self.poll_seconds, self.amnesia_check_seconds = poll_seconds, amnesia_check_seconds
        self._wake = asyncio.Event()
        self._producer: AIOKafkaProducer | None = None
        self._offsets: AIOKafkaConsumer | None = None

    @property
    def _schema(self) -> str:
        return self.store.schema

    async def run(self) -> None:
        """Run until cancelled: become leader, then drain on every NOTIFY (or poll tick)."""
        listener = await self.store.pool.acquire()
        try:
            await self._become_leader(listener)
            await listener.add_listener(self.store.channel, self._on_notify)
            await self._start_clients()
            await self._loop()
        finally:
            await self._stop_clients()
            with contextlib.suppress(Exception):
                await listener.remove_listener(self.store.channel, self._on_notify)
                await listener.execute("SELECT pg_advisory_unlock_all()")
            await self.store.pool.release(listener)

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    async def _become_leader(self, listener: Connection) -> None:
        """Wait for the session lock that makes this process the service's one active relay."""
        lock = "SELECT pg_try_advisory_lock(hashtext($1))"
        while not await listener.fetchval(lock, self._lock_name):  # noqa: ASYNC110 (another process)
            await asyncio.sleep(self.poll_seconds)

    @property
    def _lock_name(self) -> str:
        return f"relay:{self._schema}:{self.topic}"

    async def _start_clients(self) -> None:
        await ensure_topic(self.bootstrap, self.topic, self.partitions, self.replication)
        # Tansu refuses idempotent producers; acks=all plus consumer dedupe gives the guarantee.
        self._producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap, acks="all", linger_ms=5, enable_idempotence=False
        )
        await self._producer.start()
        self._offsets = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False)
        await self._offsets.start()
        await self.store.pool.execute(
            f"INSERT INTO {self._schema}.relay_checkpoint (topic) VALUES ($1) ON CONFLICT DO NOTHING",
            self.topic,
        )

    async def _stop_clients(self) -> None:
        for client in (self._producer, self._offsets):
            if client is not None:
                with contextlib.suppress(Exception):
                    await client.stop()

    async def _loop(self) -> None:
        loop = asyncio.get_running_loop()
        next_check = 0.0
        while True:
            if loop.time() >= next_check:
                await self.check_amnesia()
                next_check = loop.time() + self.amnesia_check_seconds
            # Cleared before draining: a NOTIFY that arrives during the drain must wake the next wait.
            self._wake.clear()
            while await self.drain_once():
                pass
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)

    async def checkpoint(self) -> tuple[int, int]:
        row = await self.store.pool.fetchrow(
            f"SELECT position, published FROM {self._schema}.relay_checkpoint WHERE topic = $1", self.topic
        )
        return (row["position"], row["published"]) if row else (0, 0)

    async def drain_once(self) -> int:
        """Publish the next batch after the checkpoint; return how many were published."""
        assert self._producer is not None
        position, _ = await self.checkpoint()
        batch = await self.store.read_all_wire(after=position, limit=self.batch_size)
        if not batch:
            metrics.RELAY_LAG.labels(self._schema).set(0)
            return 0
        sends = []
        for wire in batch:
            sends.append(
                await self._producer.send(self.topic, value=wire.value, key=wire.key, headers=wire.headers)
            )
        await asyncio.gather(*sends)  # every acknowledgement, or raise and retry from the checkpoint
        await self.store.pool.execute(
            f"UPDATE {self._schema}.relay_checkpoint SET position = $2, published = published + $3,"
            " updated_at = now() WHERE topic = $1",
            self.topic,
            batch[-1].position,
            len(batch),
        )
        metrics.RELAY_PUBLISHED.labels(self._schema).inc(len(batch))
        # Positions can have holes (rolled-back appends), so this slightly overstates; it is O(1).
        metrics.RELAY_LAG.labels(self._schema).set(max(await self.store.head() - batch[-1].position, 0))
        return len(batch)

    async def check_amnesia(self) -> bool:
        """Start over from position 0 when the topic holds fewer messages than were published."""
        assert self._offsets is not None
        _, published = await self.checkpoint()
        if published == 0:
            return False
        held = await self._messages_on_topic()
        if held >= published:
            return False
        log.warning("topic %s holds %d of %d published events: republishing", self.topic, held, published)
        await ensure_topic(self.bootstrap, self.topic, self.partitions, self.replication)
        await self.store.pool.execute(
            f"UPDATE {self._schema}.relay_checkpoint SET position = 0, published = 0 WHERE topic = $1",
            self.topic,
        )
        metrics.RELAY_RESETS.labels(self._schema).inc()
        return True

    async def _messages_on_topic(self) -> int:
        assert self._offsets is not None
        await self._offsets._client.force_metadata_update()
        parts = self._offsets.partitions_for_topic(self.topic) or set()
        if not parts:
            return 0
        tps = [TopicPartition(self.topic, p) for p in parts]
        ends = await log_end_offsets(self._offsets, tps)
        return sum(ends.values())
