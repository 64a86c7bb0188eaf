"""Wires a ProjectionRunner to Kafka as a FastStream batch subscriber with manual acknowledgement.

Order of effects per batch: read model and tracking committed in one transaction → dead letters
published → offsets committed. A crash anywhere before the offset commit redelivers the batch,
which then changes nothing (tracking) and dead-letters the poison again (it is never tracked). A
transient failure (database down) rewinds and retries.

A dead letter is the record as received: the same value bytes, key and headers, with why it failed
(`error`), where it came from (`source_topic`, `source_partition`, `source_offset`), `projection`
and `failed_at` added as headers. It is sent with a plain producer: FastStream's publish would
add and rewrite headers.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, cast

from aiokafka import AIOKafkaProducer, ConsumerRecord, TopicPartition
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.message import StreamMessage
from vc_contracts.topics import DEAD_LETTER_TOPIC

from eventkit.assignor import PartitionCountAssignor
from eventkit.clock import now_cst
from eventkit.projection import ProjectionRunner

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
) -> None:
    """Subscribe `runner` to its topics. A short fetch wait keeps end-to-end latency low on brokers
    (Tansu) that do not answer a fetch early when data arrives."""
    projection = runner.projection
    seen_generation: dict[str, int] = {}
    assignor = PartitionCountAssignor()

    subscriber = broker.subscriber(
        *projection.topics,
        group_id=f"{group_prefix}.{projection.name}",
        batch=True,
        max_records=MAX_RECORDS,
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
    )
    assignor.follow(
        lambda topic: None if subscriber.consumer is None else subscriber.consumer.partitions_for_topic(topic)
    )

    @subscriber
    async def handle(body: list[bytes | None], msg: KafkaMessage) -> None:  # None: a tombstone
        raw: list[ConsumerRecord[Any, Any]] = list(msg.raw_message)
        records = [(r.value, r.key, r.topic) for r in raw]
        letters: list[DeadLetter] = []
        cursor = 0

        async def collect(value: bytes | None, key: bytes | None, topic: str, error: str) -> None:
            # apply_batch reports poison in record order: the next record holding this very value
            nonlocal cursor
            while raw[cursor].value is not value:
                cursor += 1
            letters.append(dead_letter(raw[cursor], projection.name, error))
            cursor += 1

        try:
            if await _rewound_for_rebuild(runner, msg, seen_generation):
                return
            await runner.apply_batch(records, collect)
            if letters:
                await publish_dead_letters(bootstrap, letters)
        except Exception:
            log.exception("projection %s: batch failed, will retry", projection.name)
            await asyncio.sleep(1.0)
            await msg.nack()
            return
        await msg.ack()


async def _rewound_for_rebuild(runner: ProjectionRunner, msg: KafkaMessage, seen: dict[str, int]) -> bool:
    """After a rebuild swapped generations, re-read from where the rebuild stopped (see rebuild.py)."""
    row = await runner.pool.fetchrow(
        f"SELECT generation, rebuild_offsets::text AS offsets FROM {runner.schema}.projection_status"
        " WHERE projection = $1",
        runner.projection.name,
    )
    if row is None:
        return False
    previous = seen.setdefault("generation", row["generation"])
    if row["generation"] == previous:
        return False
    seen["generation"] = row["generation"]
    offsets: dict[str, int] = json.loads(row["offsets"] or "{}")
    for name, offset in offsets.items():
        topic, partition = name.rsplit(":", 1)
        tp = TopicPartition(topic, int(partition))
        if tp in msg.consumer.assignment():  # type: ignore[attr-defined]
            msg.consumer.seek(tp, offset)
    log.info(
        "projection %s: generation %s is live, re-reading from the rebuild's end",
        runner.projection.name,
        row["generation"],
    )
    return True


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
