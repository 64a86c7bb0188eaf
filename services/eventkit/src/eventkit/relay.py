"""Outbox relay: publishes a service's events to its Kafka topic in global-position order.

The event table is the outbox. The relay reads events after its checkpoint, sends them (key =
stream id, value = envelope JSON, headers = type and version; the partition chosen by the event's
county, so a county's events stay in store order: topics.partition_for), waits for every acknowledgement
(acks=all) and only then advances the checkpoint, so a crash republishes rather than loses.
Appends serialise on an advisory lock (see store.py), so "after the checkpoint" never skips a
late-committing transaction. One relay per service is active: a session advisory lock elects it.

Leadership lives on one connection (the "leader connection"): it holds the session lock, LISTENs,
and writes the checkpoint, so a relay whose session died can no longer move the checkpoint. When
that connection is lost (PostgreSQL restarted, network cut) the relay stops publishing, then runs
the election again and listens again on a new connection.

The checkpoint advances every `checkpoint_every` acknowledged events, not only at the end of a
batch: a relay that crashes in the middle of a long (re)publish resumes close to where it stopped.

One record can never stop the relay: a record the broker can never take (larger than its message
limit) or that cannot be encoded is recorded in `relay_unpublishable` (with a metric and an error
log; `python -m eventkit.parked SERVICE --unpublishable` lists them) and the relay carries on.

Broker amnesia: the checkpoint also counts what was published; when the topic holds fewer
messages than that (the dev broker lost its memory, a topic was recreated), twice in a row, the
relay starts over from position 0. Consumers deduplicate, so republishing is safe.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import MessageSizeTooLargeError, RecordTooLargeError

from eventkit import metrics
from eventkit.db import Connection
from eventkit.store import EventStore, StoredEvent, WireEvent
from eventkit.topics import ensure_topic, partition_for

__all__ = ["OutboxRelay", "encode", "ensure_topic", "log_end_offsets"]

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


PERMANENT_SEND_ERRORS = (MessageSizeTooLargeError, RecordTooLargeError)
"""Errors that the same record will raise on every attempt: recorded as unpublishable, never retried."""

CONNECTION_LOST = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.OperatorInterventionError,  # admin shutdown, "the database system is starting up"
    ConnectionError,
    OSError,
)


Sent = tuple[WireEvent, "asyncio.Future[object] | None", str | None]
"""A record handed to the producer (its acknowledgement) or refused before sending (its error)."""


class LeadershipLost(Exception):
    """The leader connection (session lock, LISTEN) is gone: stop publishing and elect again."""


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


def _closed(conn: Connection) -> bool:
    """True once the connection is gone (the pool detaches a proxy whose connection died)."""
    try:
        return conn.is_closed()
    except asyncpg.InterfaceError:
        return True


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
        checkpoint_every: int = 500,
        election_seconds: float = 1.0,
    ) -> None:
        self.store, self.bootstrap, self.topic = store, bootstrap, topic
        self.partitions, self.replication, self.batch_size = partitions, replication, batch_size
        self.poll_seconds, self.amnesia_check_seconds = poll_seconds, amnesia_check_seconds
        self.checkpoint_every, self.election_seconds = checkpoint_every, election_seconds
        self.leading = False  # True while this relay holds the lock and publishes
        self._wake = asyncio.Event()
        self._lost = asyncio.Event()
        self._leader: Connection | None = None
        self._producer: AIOKafkaProducer | None = None
        self._offsets: AIOKafkaConsumer | None = None
        # `log_end_offsets` assigns, reads and clears the offsets consumer: two counts at once (the
        # loop's amnesia check and another caller's) would undo each other's assignment
        self._counting = asyncio.Lock()

    @property
    def _schema(self) -> str:
        return self.store.schema

    async def run(self) -> None:
        """Run until cancelled: become leader, then drain on every NOTIFY (or poll tick).

        A lost database connection ends the term, not the relay: it elects and listens again.
        Broker errors propagate (the runtime's supervisor restarts the relay).
        """
        while True:
            try:
                await self._term()
            except (LeadershipLost, *CONNECTION_LOST) as exc:
                log.warning("relay %s lost its database connection (%s): electing again", self.topic, exc)
                metrics.RELAY_ELECTIONS.labels(self._schema).inc()
                await asyncio.sleep(self.election_seconds)

    async def _term(self) -> None:
        """One term: a fresh leader connection, the election, LISTEN, publishing until the connection dies."""
        self._lost.clear()
        listener = await self.store.pool.acquire()
        try:
            listener.add_termination_listener(self._on_terminated)
            await self._become_leader(listener)
            self._leader = listener
            await listener.add_listener(self.store.channel, self._on_notify)
            await self._start_clients()
            self.leading = True
            log.info("relay %s is the publisher", self.topic)
            await self._loop()
        finally:
            self.leading = False
            self._leader = None
            await self._stop_clients()
            with contextlib.suppress(Exception):
                listener.remove_termination_listener(self._on_terminated)
            if not _closed(listener):
                with contextlib.suppress(Exception):
                    await listener.remove_listener(self.store.channel, self._on_notify)
                    await listener.execute("SELECT pg_advisory_unlock_all()")
            with contextlib.suppress(Exception):
                await self.store.pool.release(listener)

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    def _on_terminated(self, *_: object) -> None:
        self._lost.set()
        self._wake.set()

    async def _become_leader(self, listener: Connection) -> None:
        """Wait for the session lock that makes this process the service's one active relay."""
        lock = "SELECT pg_try_advisory_lock(hashtext($1))"
        while not await listener.fetchval(lock, self._lock_name):  # noqa: ASYNC110 (another process)
            await asyncio.sleep(self.election_seconds)

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
        await self._leading_connection().execute(
            f"INSERT INTO {self._schema}.relay_checkpoint (topic) VALUES ($1) ON CONFLICT DO NOTHING",
            self.topic,
        )

    async def _stop_clients(self) -> None:
        for client in (self._producer, self._offsets):
            if client is not None:
                with contextlib.suppress(Exception):
                    await client.stop()
        self._producer = self._offsets = None

    def _leading_connection(self) -> Connection:
        if self._leader is None or self._lost.is_set() or _closed(self._leader):
            raise LeadershipLost(self.topic)
        return self._leader

    async def _still_leading(self) -> None:
        """A round trip on the leader connection: a silently dead session shows up here."""
        await self._leading_connection().fetchval("SELECT 1")

    async def _loop(self) -> None:
        loop = asyncio.get_running_loop()
        next_check = 0.0
        while True:
            await self._still_leading()
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
        """Publish the next batch after the checkpoint; return how many records were handled.

        The batch goes out in chunks of `checkpoint_every`: while one chunk is on the wire the
        previous one's acknowledgements are awaited in position order and the checkpoint moves past
        it. A permanent per-record error is recorded and passed; any other error propagates with
        the acknowledged chunks already checkpointed (the next attempt resumes from there).
        """
        position, _ = await self.checkpoint()
        batch = await self.store.read_all_wire(after=position, limit=self.batch_size)
        if not batch:
            metrics.RELAY_LAG.labels(self._schema).set(0)
            return 0
        in_flight: list[Sent] = []
        for start in range(0, len(batch), self.checkpoint_every):
            chunk = await self._send(batch[start : start + self.checkpoint_every])
            await self._settle(in_flight)
            in_flight = chunk
        await self._settle(in_flight)
        # Positions can have holes (rolled-back appends), so this slightly overstates; it is O(1).
        metrics.RELAY_LAG.labels(self._schema).set(max(await self.store.head() - batch[-1].position, 0))
        return len(batch)

    async def _send(self, chunk: list[WireEvent]) -> list[Sent]:
        """Hand a chunk to the producer; a record refused before sending carries its error."""
        assert self._producer is not None
        sent: list[Sent] = []
        partitions = len(await self._producer.partitions_for(self.topic))
        for wire in chunk:
            if wire.error is not None:
                sent.append((wire, None, wire.error))
                continue
            # by county (topics.py); an event without one goes by its key, the stream id
            partition = None if wire.partition_key is None else partition_for(wire.partition_key, partitions)
            try:
                future = await self._producer.send(
                    self.topic, value=wire.value, key=wire.key, headers=wire.headers, partition=partition
                )
            except PERMANENT_SEND_ERRORS as exc:
                sent.append((wire, None, f"{type(exc).__name__}: {exc}"))
                continue
            sent.append((wire, future, None))
        return sent

    async def _settle(self, sent: list[Sent]) -> None:
        """Await a chunk's acknowledgements in order, then move the checkpoint past it."""
        if not sent:
            return
        published, refused = 0, []
        for wire, future, not_sent in sent:
            error = not_sent
            if future is not None:
                try:
                    await future
                    published += 1
                except PERMANENT_SEND_ERRORS as exc:
                    error = f"{type(exc).__name__}: {exc}"
            if error is not None:
                refused.append((wire, error))
        await self._advance(sent[-1][0].position, published, refused)
        metrics.RELAY_PUBLISHED.labels(self._schema).inc(published)

    async def _advance(self, position: int, published: int, refused: list[tuple[WireEvent, str]]) -> None:
        """Move the checkpoint (and record refused records) on the leader connection: a relay that
        lost its session cannot move it any more."""
        conn = self._leading_connection()
        async with conn.transaction():
            for wire, error in refused:
                await conn.execute(
                    f"INSERT INTO {self._schema}.relay_unpublishable (topic, position, stream_id, error)"
                    " VALUES ($1, $2, $3, $4)"
                    " ON CONFLICT (topic, position) DO UPDATE SET error = excluded.error",
                    self.topic,
                    wire.position,
                    wire.key.decode(errors="replace"),
                    error[:2000],
                )
            await conn.execute(
                f"UPDATE {self._schema}.relay_checkpoint SET position = $2, published = published + $3,"
                " updated_at = now() WHERE topic = $1",
                self.topic,
                position,
                published,
            )
        for wire, error in refused:
            metrics.RELAY_UNPUBLISHABLE.labels(self._schema).inc()
            log.error(
                "relay %s: event at position %d (stream %s) can never be published, recorded in"
                " relay_unpublishable and passed: %s",
                self.topic,
                wire.position,
                wire.key.decode(errors="replace"),
                error,
            )

    async def check_amnesia(self) -> bool:
        """Start over from position 0 when the topic holds fewer messages than were published.

        Counted twice: one count that came back short (a partition that did not answer in time)
        must not set off a needless republish.
        """
        assert self._offsets is not None
        _, published = await self.checkpoint()
        if published == 0:
            return False
        held = await self._messages_on_topic()
        if held >= published:
            return False
        held = max(held, await self._messages_on_topic())
        _, published = await self.checkpoint()
        if held >= published:
            return False
        log.warning("topic %s holds %d of %d published events: republishing", self.topic, held, published)
        await ensure_topic(self.bootstrap, self.topic, self.partitions, self.replication)
        # The producer still knows the partitions of the topic that is gone (1 if a consumer had
        # auto-created it): it would republish everything on partition 0 and spread only new events,
        # minutes later, putting one stream's events on two partitions that are read independently.
        assert self._producer is not None
        await self._producer.client.force_metadata_update()
        await self._leading_connection().execute(
            f"UPDATE {self._schema}.relay_checkpoint SET position = 0, published = 0 WHERE topic = $1",
            self.topic,
        )
        metrics.RELAY_RESETS.labels(self._schema).inc()
        return True

    async def _messages_on_topic(self) -> int:
        assert self._offsets is not None
        async with self._counting:
            await self._offsets._client.force_metadata_update()
            parts = self._offsets.partitions_for_topic(self.topic) or set()
            if not parts:
                return 0
            tps = [TopicPartition(self.topic, p) for p in parts]
            ends = await log_end_offsets(self._offsets, tps)
            return sum(ends.values())
