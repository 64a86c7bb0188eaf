"""Operators can see and recover: topics exist with their partitions before anyone consumes, and
consumer lag comes from offsets on a timer (a stalled consumer shows its lag)."""

from __future__ import annotations

import secrets

import pytest
from aiokafka import AIOKafkaConsumer
from conftest import unique
from devstack.pytest_plugin import DevStack
from eventkit import metrics
from eventkit.lag import ConsumerLagMonitor
from eventkit.runtime import ServiceSpec, open_runtime
from eventkit.settings import Settings
from eventkit.topics import ensure_topics
from support.kafka import partition_count, produce
from support.projections import StreamCounts
from support.waiting import eventually
from vc_contracts.topics import DEAD_LETTER_TOPIC, topic_for

pytestmark = pytest.mark.timeout(90)


async def test_a_service_creates_its_topics_and_the_ones_it_reads_with_the_configured_partitions(
    devstack: DevStack, database: str
) -> None:
    """A consumer starting before the owner's relay used to auto-create the topic with one partition."""
    service, upstream = unique("topics"), unique("upstream")
    settings = Settings(
        VC_SERVICE=service,
        DATABASE_URL=database,
        KAFKA_BOOTSTRAP_SERVERS=devstack.bootstrap,
        VC_JWT_SECRET=secrets.token_urlsafe(48),
        VC_TOPIC_PARTITIONS=2,  # the dev broker auto-creates with more
    )
    read = topic_for(upstream)  # nobody publishes it yet
    spec = ServiceSpec(name=service, title="topics", description="test", projections=[StreamCounts([read])])
    async with open_runtime(spec, settings):
        for topic in (read, topic_for(service)):
            assert await partition_count(devstack.bootstrap, topic) == 2, topic
        assert await partition_count(devstack.bootstrap, DEAD_LETTER_TOPIC) >= 1


async def test_consumer_lag_comes_from_offsets_and_shows_a_consumer_that_applies_nothing(
    bootstrap: str, topic: str
) -> None:
    await ensure_topics(bootstrap, [topic], partitions=3)
    await produce(bootstrap, topic, [(f"stream-{n % 7}".encode(), b"{}") for n in range(20)])
    group = unique("lagging")
    monitor = ConsumerLagMonitor(bootstrap, {group: [topic]}, interval_seconds=0.5)

    lags = await monitor.measure()  # the group exists in name only: it applied nothing
    assert sum(lags.values()) == 20
    assert {(g, t) for g, t, _ in lags} == {(group, topic)} and len(lags) == 3
    gauge = sum(metrics.CONSUMER_LAG.labels(group, topic, str(p))._value.get() for p in range(3))
    assert gauge == 20

    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        session_timeout_ms=6000,
        heartbeat_interval_ms=2000,
    )
    await consumer.start()
    try:
        seen = 0
        while seen < 15:  # a partial catch-up, committed
            batch = await consumer.getmany(timeout_ms=500, max_records=15 - seen)
            seen += sum(len(records) for records in batch.values())
            await consumer.commit()
        await eventually(lambda: _lag_is(monitor, 5), within=20, what="lag 5 after committing 15")
    finally:
        await consumer.stop()


async def _lag_is(monitor: ConsumerLagMonitor, expected: int) -> bool:
    return sum((await monitor.measure()).values()) == expected
