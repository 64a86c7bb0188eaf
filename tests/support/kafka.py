"""Plain aiokafka helpers: read a whole topic without a consumer group, produce raw records, and
whether a consumer group has caught up with a topic's end offsets."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from eventkit.lag import ConsumerLagMonitor


async def partitions_of(consumer: AIOKafkaConsumer, topic: str, within: float = 10.0) -> list[TopicPartition]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        await consumer._client.force_metadata_update()
        parts = consumer.partitions_for_topic(topic)
        if parts:
            return [TopicPartition(topic, p) for p in sorted(parts)]
        if loop.time() > deadline:
            raise AssertionError(f"topic {topic} has no partitions after {within}s")
        await asyncio.sleep(0.2)


async def partition_count(bootstrap: str, topic: str) -> int:
    """How many partitions `topic` has now (a consumer of its own, started and stopped)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        return len(await partitions_of(consumer, topic))
    finally:
        await consumer.stop()


async def read_topic(bootstrap: str, topic: str, within: float = 30.0) -> list[ConsumerRecord[Any, Any]]:
    """Every record of `topic` from the beginning to its end, partition by partition in offset order.

    The end is each partition's high watermark as a fetch reports it, not ListOffsets: Tansu 0.6
    answers ListOffsets(latest) with the base offset of the last record batch + 1.
    """
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = await partitions_of(consumer, topic)
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        got: dict[TopicPartition, list[ConsumerRecord[Any, Any]]] = {tp: [] for tp in partitions}
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within

        async def behind() -> list[TopicPartition]:
            return [
                tp
                for tp in partitions
                if consumer.highwater(tp) is None or await consumer.position(tp) < consumer.highwater(tp)
            ]

        while await behind():
            if loop.time() > deadline:
                raise AssertionError(f"reading {topic} timed out: {sum(map(len, got.values()))} records")
            for tp, records in (await consumer.getmany(timeout_ms=200, max_records=5000)).items():
                got[tp] += records
        return [r for tp in partitions for r in got[tp]]
    finally:
        await consumer.stop()


async def message_count(bootstrap: str, topic: str) -> int:
    """How many records `topic` holds (0 if it does not exist), counted by reading them."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        exists = bool(consumer.partitions_for_topic(topic))
    finally:
        await consumer.stop()
    return len(await read_topic(bootstrap, topic)) if exists else 0


async def produce(
    bootstrap: str,
    topic: str,
    records: Sequence[tuple[bytes | None, bytes | None]],
    headers: Sequence[tuple[str, bytes]] = (),
) -> None:
    """Send (key, value) records, each with `headers`, in order and wait for every acknowledgement."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=False)
    await producer.start()
    try:
        for key, value in records:
            await producer.send_and_wait(topic, value=value, key=key, headers=list(headers) or None)
    finally:
        await producer.stop()


async def group_caught_up(bootstrap: str, group: str, topics: list[str]) -> bool:
    """Whether consumer group `group` has committed up to the end offset of every partition of
    `topics`: every record there was handed to it and its work committed (lag 0 everywhere)."""
    lags = await ConsumerLagMonitor(bootstrap, {group: topics}).measure()
    return bool(lags) and not any(lags.values())
