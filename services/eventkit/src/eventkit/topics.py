"""Topics exist with the configured partition count before anyone produces or consumes.

A broker that auto-creates topics (Tansu, or Kafka with auto.create.topics.enable) gives a topic
its default partition count to whoever touches it first: a consumer starting before the relay
would leave a service topic with one partition. Every service therefore creates its own topic and
the topics it reads, through the admin client, at start-up and whenever the broker forgot them.
An existing topic with fewer partitions is only reported: adding partitions moves keys to other
partitions and would break the per-stream order consumers rely on.

Partitions are chosen by county, not by stream (`partition_for`): the relay puts every event of a
county on one partition, in the order of the store. The record key stays the stream id. A read model
may therefore rely on the order of a county's events of one topic across streams (a village's
agreement comes after the village); keyed by stream, an agreement on one partition could be applied
before its village on another and be lost. A county is small against a partition's capacity (see
docs/scale.md), and counties, not streams, are what consumers are spread over.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from aiokafka.partitioner import murmur2

log = logging.getLogger(__name__)


async def ensure_topics(
    bootstrap: str, topics: Iterable[str], partitions: int, replication: int = 1
) -> dict[str, int]:
    """Create the missing `topics` (unlimited retention: public records); return each one's partitions.

    A topic that already exists keeps its partition count (logged when below `partitions`). A
    partition count of 0 in the answer means the broker did not describe the topic.
    """
    wanted = sorted(set(topics))
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        for topic in wanted:  # one by one: an "already exists" for one must not hide the others
            new = NewTopic(
                topic,
                num_partitions=partitions,
                replication_factor=replication,
                topic_configs={"retention.ms": "-1", "retention.bytes": "-1"},
            )
            try:
                await admin.create_topics([new])
            except TopicAlreadyExistsError:
                pass
            except Exception as exc:  # a broker that auto-creates topics still works, with its default
                log.warning("could not create topic %s: %s", topic, exc)
        counts = await _partition_counts(admin, wanted)
    finally:
        await admin.close()
    for topic, count in counts.items():
        if 0 < count < partitions:
            log.warning(
                "topic %s has %d partitions, %d configured: created earlier by another client",
                topic,
                count,
                partitions,
            )
    return counts


async def _partition_counts(admin: AIOKafkaAdminClient, topics: list[str]) -> dict[str, int]:
    counts = dict.fromkeys(topics, 0)
    with contextlib.suppress(Exception):  # describing is informative only
        for described in await admin.describe_topics(topics):
            if described.get("topic") in counts:
                counts[described["topic"]] = len(described.get("partitions") or [])
    return counts


async def ensure_topic(bootstrap: str, topic: str, partitions: int, replication: int = 1) -> None:
    """Create one topic if missing (see `ensure_topics`)."""
    await ensure_topics(bootstrap, [topic], partitions, replication)


def partition_for(partition_key: bytes, partitions: int) -> int:
    """The partition of a record whose partition key (county code) is `partition_key`, among
    `partitions`: murmur2 as Kafka's default partitioner hashes a key, so other clients can compute it."""
    return int(murmur2(partition_key) & 0x7FFFFFFF) % partitions
