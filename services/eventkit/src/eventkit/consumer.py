"""Wires a ProjectionRunner to Kafka as a FastStream batch subscriber with manual acknowledgement.

Order of effects per batch: dead letters published → read model and tracking committed in one
transaction → offsets committed. A crash anywhere before the offset commit redelivers the batch,
which then changes nothing (tracking). A transient failure (database down) rewinds and retries.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from aiokafka import TopicPartition
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.message import StreamMessage
from vc_contracts.topics import DEAD_LETTER_TOPIC

from eventkit.projection import ProjectionRunner, encode_dead_letter

log = logging.getLogger(__name__)


async def _raw_values(msg: StreamMessage[Any], original: Any = None) -> Any:
    # FastStream would json-decode the bodies and fail on a poison message before our code runs.
    return [record.value for record in msg.raw_message]


def subscribe(
    broker: KafkaBroker,
    runner: ProjectionRunner,
    *,
    group_prefix: str,
    session_timeout_ms: int = 6000,
    fetch_max_wait_ms: int = 100,
) -> None:
    """Subscribe `runner` to its topics. A short fetch wait keeps end-to-end latency low on brokers
    (Tansu) that do not answer a fetch early when data arrives."""
    projection = runner.projection
    seen_generation: dict[str, int] = {}

    async def dead_letter(value: bytes, key: bytes | None, topic: str, error: str) -> None:
        await broker.publish(
            encode_dead_letter(value, topic, error),
            topic=DEAD_LETTER_TOPIC,
            key=key,
            headers={"source_topic": topic, "projection": projection.name, "error": error[:500]},
        )

    @broker.subscriber(
        *projection.topics,
        group_id=f"{group_prefix}.{projection.name}",
        batch=True,
        max_records=500,
        ack_policy=AckPolicy.MANUAL,
        auto_offset_reset="earliest",
        decoder=_raw_values,
        session_timeout_ms=session_timeout_ms,
        heartbeat_interval_ms=max(session_timeout_ms // 3, 100),
        fetch_max_wait_ms=fetch_max_wait_ms,
        title=f"{group_prefix}.{projection.name}",
        description=f"Read model `{projection.name}` of the {group_prefix} service",
    )
    async def handle(body: list[bytes | None], msg: KafkaMessage) -> None:  # None: a tombstone
        records = [(r.value, r.key, r.topic) for r in msg.raw_message]
        try:
            if await _rewound_for_rebuild(runner, msg, seen_generation):
                return
            await runner.apply_batch(records, dead_letter)
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
            msg.consumer.seek(tp, offset)  # type: ignore[attr-defined]
    log.info(
        "projection %s: generation %s is live, re-reading from the rebuild's end",
        runner.projection.name,
        row["generation"],
    )
    return True
