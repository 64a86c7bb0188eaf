"""Wires a ProjectionRunner to Kafka as a FastStream batch subscriber with manual acknowledgement,
applying what it reads through `eventkit.overlap` (issue 12): the next batch is fetched and parsed
while the last one's transaction runs. The bench's catch-up figures measure this very loop
(`consume`).

Order of effects per batch: read model and tracking committed in one transaction → dead letters
published → that batch's own offsets committed (never the consumer's position, which is ahead: the
batches fetched after it are not in the database yet). A crash anywhere before the offset commit
redelivers the batch, which then changes nothing (tracking) and dead-letters the poison again (it
is never tracked). A transient failure (database down) is logged, and after 1 s the partitions are
sought back to the first batch not committed; what was fetched or parsed after it is read again.

A dead letter is the record as received: the same value bytes, key and headers, with why it failed
(`error`), where it came from (`source_topic`, `source_partition`, `source_offset`), `projection`
and `failed_at` added as headers. It is sent with a plain producer: FastStream's publish would
add and rewrite headers.

Session 12: until then the handler applied its one batch (`apply_batch`) and acknowledged it,
batch after batch, so production's catch-up ran at 0.37-0.41x of the raw consume limit while the
bench's own overlapped loop measured 0.54-0.61x; now both run `consume`.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import dataclasses
import json
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from typing import Any, cast

from aiokafka import (
    AIOKafkaConsumer,
    AIOKafkaProducer,
    ConsumerRebalanceListener,
    ConsumerRecord,
    TopicPartition,
)
from aiokafka.errors import ConsumerStoppedError, IllegalStateError, KafkaError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.message import StreamMessage
from vc_contracts.topics import DEAD_LETTER_TOPIC

from eventkit.assignor import PartitionCountAssignor
from eventkit.clock import now_cst
from eventkit.overlap import apply_overlapped
from eventkit.projection import BatchOutcome, DeadLetterSink, ProjectionRunner

MAX_RECORDS = 2000
"""Records a projection's subscriber takes at most per batch (one transaction). A live subscriber
gets what has arrived, a few at a time; a catch-up gets full batches, and each transaction's fixed
round trips and statements are then shared by 2,000 events instead of 500 (about 8 µs of CPU per
event less, client and PostgreSQL together, issue 12)."""

log = logging.getLogger(__name__)


async def _raw_values(msg: StreamMessage[Any], original: Any = None) -> Any:
    # FastStream would json-decode the bodies and fail on a poison message before our code runs.
    return [record.value for record in msg.raw_message]


DeadLetter = tuple[bytes | None, bytes | None, list[tuple[str, bytes]]]
"""(value, key, headers) of one dead-letter record."""


def dead_letter(record: ConsumerRecord[Any, Any], projection: str, error: str) -> DeadLetter:
    """The record as received, with the failure and its origin added as headers."""
    added = {
        "error": error[:2000],
        "source_topic": record.topic,
        "source_partition": str(record.partition),
        "source_offset": str(record.offset),
        "projection": projection,
        "failed_at": now_cst().isoformat(),
    }
    headers = [(k, v) for k, v in (record.headers or ()) if k not in added]
    return record.value, record.key, headers + [(k, v.encode()) for k, v in added.items()]


async def publish_dead_letters(bootstrap: str, letters: Sequence[DeadLetter]) -> None:
    """Send dead letters and wait for every acknowledgement (rare: a producer per poisoned batch)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=False)
    await producer.start()
    try:
        sends = [
            await producer.send(DEAD_LETTER_TOPIC, value=value, key=key, headers=headers)
            for value, key, headers in letters
        ]
        await asyncio.gather(*sends)
    finally:
        await producer.stop()


async def _tolerant_parser(
    records: tuple[ConsumerRecord[Any, Any], ...],
    original: Callable[[tuple[ConsumerRecord[Any, Any], ...]], Awaitable[StreamMessage[Any]]],
) -> StreamMessage[Any]:
    """FastStream decodes every header as UTF-8 and fails the whole batch on one that is not, so a
    single record with binary header bytes would stop the subscriber for good. Parse a copy with
    those headers made readable; the handler still gets the records exactly as received."""
    try:
        return await original(records)
    except UnicodeDecodeError:
        readable = tuple(
            dataclasses.replace(r, headers=[(k, v.decode(errors="replace").encode()) for k, v in r.headers])
            for r in records
        )
        parsed = await original(readable)
        parsed.raw_message = records
        return parsed


def subscribe(
    broker: KafkaBroker,
    runner: ProjectionRunner,
    *,
    bootstrap: str,
    group_prefix: str,
    session_timeout_ms: int = 6000,
    fetch_max_wait_ms: int = 100,
    max_records: int = MAX_RECORDS,
) -> None:
    """Subscribe `runner` to its topics, in batches of up to `max_records` records. A short fetch
    wait keeps end-to-end latency low on brokers (Tansu) that do not answer a fetch early when data
    arrives.

    FastStream fetches a batch and calls the handler; the handler runs `consume` on it and on all
    that follows (see there), and returns to FastStream once the topics are quiet."""
    projection = runner.projection
    seen_generation: dict[str, int] = {}
    assignor = PartitionCountAssignor()
    rebalances = Rebalances()

    subscriber = broker.subscriber(
        *projection.topics,
        group_id=f"{group_prefix}.{projection.name}",
        batch=True,
        max_records=max_records,
        ack_policy=AckPolicy.MANUAL,
        auto_offset_reset="earliest",
        decoder=_raw_values,
        parser=_tolerant_parser,
        session_timeout_ms=session_timeout_ms,
        heartbeat_interval_ms=max(session_timeout_ms // 3, 100),
        fetch_max_wait_ms=fetch_max_wait_ms,
        title=f"{group_prefix}.{projection.name}",
        description=f"Read model `{projection.name}` of the {group_prefix} service",
        # an instance, not a class: aiokafka takes any object with the assignor's methods
        partition_assignment_strategy=cast(Any, [assignor]),
        listener=rebalances,
    )
    assignor.follow(
        lambda topic: None if subscriber.consumer is None else subscriber.consumer.partitions_for_topic(topic)
    )

    @subscriber
    async def handle(body: list[bytes | None], msg: KafkaMessage) -> None:  # None: a tombstone
        # never msg.ack(): for a batch subscriber it commits the consumer's position, which `consume`
        # has moved past batches fetched but not yet applied
        consumer = cast(AIOKafkaConsumer, msg.consumer)
        await consume(
            runner,
            consumer,
            msg.raw_message,
            bootstrap=bootstrap,
            seen_generation=seen_generation,
            rebalances=rebalances,
            max_records=max_records,
        )


class Rebalances(ConsumerRebalanceListener):  # type: ignore[misc]
    """Counts the group's rebalances: `count` goes up when the partitions are revoked, before the
    group is joined again. aiokafka hands out no record between the two, so a batch fetched before
    `count` went up was fetched under an assignment that is gone: after the rebalance the consumer
    reads from the group's committed offsets again (which may be another topic's, after the broker
    lost its data), and committing such a batch's offsets could pass records nobody applied."""

    def __init__(self) -> None:
        self.count = 0

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        self.count += 1

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        return None


@dataclasses.dataclass(slots=True, eq=False)
class _Batch:
    """Records fetched together, handed to `apply_overlapped` as one batch (its token)."""

    raw: list[ConsumerRecord[Any, Any]]
    starts: dict[TopicPartition, int]
    """Each partition's first offset in the batch: where to re-read from if it is dropped."""
    ends: dict[TopicPartition, int]
    """Each partition's last offset + 1: what to commit once the batch is in the database."""
    assignment: int
    """`Rebalances.count` when the batch was fetched."""
    letters: list[DeadLetter] = dataclasses.field(default_factory=list)
    cursor: int = 0  # the dead-letter sink's place in `raw`


def _batch(parts: dict[TopicPartition, list[ConsumerRecord[Any, Any]]], assignment: int) -> _Batch:
    """The batch of what `getmany` returned (each partition's records in offset order)."""
    return _Batch(
        [r for part in parts.values() for r in part],
        {tp: part[0].offset for tp, part in parts.items() if part},
        {tp: part[-1].offset + 1 for tp, part in parts.items() if part},
        assignment,
    )


def _by_partition(
    records: Sequence[ConsumerRecord[Any, Any]],
) -> dict[TopicPartition, list[ConsumerRecord[Any, Any]]]:
    """FastStream's batch (getmany's partitions one after the other) split again."""
    parts: dict[TopicPartition, list[ConsumerRecord[Any, Any]]] = {}
    for record in records:
        parts.setdefault(TopicPartition(record.topic, record.partition), []).append(record)
    return parts


class _GenerationSwapped(Exception):
    """A rebuild made a new generation live: re-read from `offsets`, where the rebuild stopped."""

    def __init__(self, offsets: dict[TopicPartition, int]) -> None:
        super().__init__("generation swapped")
        self.offsets = offsets


IDLE_MS = 1000
"""A fetch inside `consume` that finds nothing for this long ends it (the topics are quiet): the
handler returns and FastStream's own loop polls on. A fetch returns as soon as records arrive, so
waiting longer delays nothing; it only keeps a catch-up from draining its overlap on a slow fetch."""


async def consume(
    runner: ProjectionRunner,
    consumer: AIOKafkaConsumer,
    first: Sequence[ConsumerRecord[Any, Any]],
    *,
    bootstrap: str,
    seen_generation: dict[str, int] | None = None,
    rebalances: Rebalances | None = None,
    idle_ms: int = IDLE_MS,
    max_records: int = MAX_RECORDS,
) -> None:
    """Apply `first` (records `consumer` fetched) and then what `consumer.getmany` fetches, through
    `eventkit.overlap.apply_overlapped`, until a fetch finds nothing for `idle_ms`. The services'
    subscriber (`subscribe`) runs it on each batch FastStream hands it; bench/replicas.py on a
    consumer of its own. `consumer` must be in a group with auto-commit off and be fetched from by
    nobody else meanwhile; `rebalances` must be its listener if it is subscribed to topics (not
    needed with partitions assigned by hand).

    Each batch, in order: its transaction (read model and tracking) → its dead letters published →
    its own offsets committed (per partition its last offset + 1, for the partitions `consumer`
    still holds, unless the group rebalanced since the batch was fetched), while the next batch's
    transaction runs. A commit left out or refused by the broker (the group rebalancing) is logged
    and skipped: the records are in the database, and whoever reads them again skips them
    (tracking).

    Returns after a failure too, having set the consumer back so that nothing is skipped: a failed
    transaction, dead-letter publish or fetch is logged, and after a pause of 1 s every partition
    with a batch not committed is sought back to that batch's first offset (batches parsed or
    fetched after it are dropped: read again; those fetched before a rebalance are read from the
    group's committed offsets anyway). After a rebuild's generation swap (see rebuild.py)
    the partitions are sought back to where the rebuild stopped. Raises only CancelledError (a
    shutdown: the batch being written ends first, and no offset past it is committed)."""
    name = runner.projection.name
    seen = {} if seen_generation is None else seen_generation
    group = rebalances or Rebalances()
    uncommitted: collections.deque[_Batch] = collections.deque()  # handed over, in order
    parsing: _Batch | None = None

    async def batches() -> AsyncGenerator[tuple[list[tuple[bytes, bytes | None, str]], _Batch]]:
        nonlocal parsing
        parts, assignment = _by_partition(first), group.count
        while parts:
            batch = _batch(parts, assignment)
            uncommitted.append(batch)
            swapped = await _rebuild_offsets(runner, seen)
            if swapped is not None:
                raise _GenerationSwapped(swapped)
            parsing = batch
            yield [(r.value, r.key, r.topic) for r in batch.raw], batch
            # parsed and handed over: its records (young objects, ~10 each) need not wait for the
            # commit, and holding them drew the cyclic collector more often (runs 3-5 against 2-3)
            batch.raw = []
            parts = await consumer.getmany(timeout_ms=idle_ms, max_records=max_records)
            assignment = group.count  # no turn of the event loop since the records were handed out

    async def collect(value: bytes | None, key: bytes | None, topic: str, error: str) -> None:
        # decode_batch reports poison in record order: the next record holding this very value
        assert parsing is not None
        while parsing.raw[parsing.cursor].value is not value:
            parsing.cursor += 1
        parsing.letters.append(dead_letter(parsing.raw[parsing.cursor], name, error))
        parsing.cursor += 1

    async def committed(batch: _Batch, outcome: BatchOutcome) -> None:
        if batch.letters:
            await publish_dead_letters(bootstrap, batch.letters)
        await _commit(consumer, batch, group.count, name)
        assert uncommitted[0] is batch
        uncommitted.popleft()

    source = batches()
    try:
        await apply_overlapped(runner, source, cast(DeadLetterSink, collect), committed)
        return
    except _GenerationSwapped as swap:
        log.info("projection %s: a new generation is live, re-reading from the rebuild's end", name)
        targets = swap.offsets
    except ConsumerStoppedError:
        return  # shutting down
    except Exception:
        log.exception("projection %s: batch failed, will retry", name)
        await asyncio.sleep(1.0)
        targets = {}
    finally:
        await source.aclose()
    for batch in uncommitted:
        if batch.assignment == group.count:  # else the rebalance set its partitions back already
            for tp, offset in batch.starts.items():
                targets[tp] = min(offset, targets.get(tp, offset))
    _seek(consumer, targets)


async def _commit(consumer: AIOKafkaConsumer, batch: _Batch, assignment: int, name: str) -> None:
    """Commit exactly `batch.ends` for the partitions `consumer` holds (a bare commit would commit
    its position: batches fetched, not yet applied); nothing if the group rebalanced since the
    batch was fetched (`assignment`: `Rebalances.count` now)."""
    if batch.assignment != assignment:
        log.info("projection %s: a batch fetched before a rebalance applied, its offsets left out", name)
        return
    held = consumer.assignment()
    offsets = {tp: offset for tp, offset in batch.ends.items() if tp in held}
    if not offsets:
        return
    try:
        await consumer.commit(offsets)
    except KafkaError as exc:  # revoked meanwhile, rebalancing, broker gone: read again later
        log.warning("projection %s: offsets %s not committed (%r), to be read again", name, offsets, exc)


def _seek(consumer: AIOKafkaConsumer, targets: dict[TopicPartition, int]) -> None:
    """Seek each partition `consumer` still holds to its target (the others' new owner reads them
    from the group's committed offsets)."""
    held = consumer.assignment()
    for tp, offset in targets.items():
        if tp in held:
            with contextlib.suppress(IllegalStateError):  # revoked since
                consumer.seek(tp, offset)


async def _rebuild_offsets(
    runner: ProjectionRunner, seen: dict[str, int]
) -> dict[TopicPartition, int] | None:
    """After a rebuild swapped generations, where the rebuild stopped (see rebuild.py); else None.
    `seen` keeps the generation last seen (the first call only notes it)."""
    row = await runner.pool.fetchrow(
        f"SELECT generation, rebuild_offsets::text AS offsets FROM {runner.schema}.projection_status"
        " WHERE projection = $1",
        runner.projection.name,
    )
    if row is None:
        return None
    previous = seen.setdefault("generation", row["generation"])
    if row["generation"] == previous:
        return None
    seen["generation"] = row["generation"]
    offsets: dict[str, int] = json.loads(row["offsets"] or "{}")
    found = {}
    for name, offset in offsets.items():
        topic, partition = name.rsplit(":", 1)
        found[TopicPartition(topic, int(partition))] = offset
    return found


async def start_broker(broker: KafkaBroker) -> None:
    """`broker.start()`, with the subscribers' consumer groups joined side by side.

    FastStream starts subscribers one after another, and each start waits for its group's join,
    about half the session timeout (a known limit: calfkit-sdk issue 361). Reporting's ten read
    models kept it from being ready for ~10 s at a 2 s session, ~30 s at 6 s. The groups are
    independent, so joining them at once changes nothing else. Raises what a subscriber's start
    raises (the broker is then left for the caller's `broker.stop()`)."""
    await broker.connect()
    await asyncio.gather(*(subscriber.start() for subscriber in broker.subscribers))
    for publisher in broker.publishers:
        await publisher.start()
    broker.running = True
