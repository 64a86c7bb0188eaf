"""The broker forgets everything (Tansu restarted empty): a whole service runtime recovers.

The relay notices the topic holds fewer messages than it published and republishes from its store;
the projection's consumer group lost its offsets, so it re-reads from the earliest offset and its
per-stream tracking drops what it already applied. The read model ends exact, nothing twice.
A topic recreated with more partitions than it had is republished over all of them, and consumer
groups come to read all of them.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from conftest import unique
from devstack.pytest_plugin import DevStack
from eventkit import metrics
from eventkit.projection import BatchOutcome
from eventkit.relay import OutboxRelay
from eventkit.runtime import Runtime, ServiceSpec, open_runtime
from eventkit.settings import Settings
from eventkit.store import EventStore
from eventkit.topics import ensure_topics
from support.backlog import COUNTIES
from support.events import META, TENANT, visit, visits
from support.kafka import group_caught_up, partition_count, read_topic
from support.projections import StreamCounts, counts
from support.publishing import publish_as
from support.waiting import background, eventually
from vc_contracts import Event, Tenant
from vc_contracts.topics import topic_for

pytestmark = pytest.mark.timeout(240)


async def _append(runtime: Runtime, streams: range, per_stream: int) -> None:
    for s in streams:
        stream = f"village-{s}"
        await runtime.store.append(
            stream, await runtime.store.version(stream), visits(per_stream), tenant=TENANT, metadata=META
        )


async def _exact(pool: asyncpg.Pool, schema: str, expected: dict[str, tuple[int, int]]) -> bool:
    return await counts(pool, schema) == expected


async def test_after_broker_amnesia_the_relay_republishes_and_the_read_model_stays_exact(
    devstack: DevStack, database: str
) -> None:
    service = unique("amnesia")
    settings = Settings(
        VC_SERVICE=service,
        DATABASE_URL=database,
        KAFKA_BOOTSTRAP_SERVERS=devstack.bootstrap,
        VC_JWT_SECRET=secrets.token_urlsafe(48),
        VC_CONSUMER_SESSION_TIMEOUT_MS=6000,
    )
    topic = topic_for(service)
    spec = ServiceSpec(name=service, title="amnesia", description="test", projections=[StreamCounts([topic])])
    resets = metrics.RELAY_RESETS.labels(service)
    async with open_runtime(spec, settings) as runtime:
        pool, schema = runtime.pool, service
        await _append(runtime, range(10), 30)
        expected = {f"village-{s}": (30, 30) for s in range(10)}
        await eventually(lambda: _exact(pool, schema, expected), within=60, what="the read model before")
        resets_before = resets._value.get()
        runner = runtime.runners["counts"]
        real_apply, duplicates = runner.apply_decoded, []  # the subscriber's loop (overlap.py)

        async def recording(*args: Any, **kwargs: Any) -> BatchOutcome:
            outcome = await real_apply(*args, **kwargs)
            duplicates.append(outcome.duplicates)
            return outcome

        runner.apply_decoded = recording  # type: ignore[method-assign]

        await asyncio.to_thread(devstack.restart_broker)

        await _append(runtime, range(5, 15), 20)  # traffic goes on while the broker is empty
        expected.update({f"village-{s}": (50, 50) for s in range(5, 10)})
        expected.update({f"village-{s}": (20, 20) for s in range(10, 15)})
        await eventually(lambda: _exact(pool, schema, expected), within=120, what="the read model after")

        assert resets._value.get() > resets_before, "the relay never noticed the broker forgot"
        # the consumer re-read the republished events (its group's offsets were lost) and skipped them
        await eventually(lambda: _at_least(sum(duplicates), 300), within=60, what="redelivered events")
        stored = {r["event_id"] for r in await pool.fetch(f"SELECT event_id FROM {schema}.events")}
        await eventually(
            lambda: _topic_has(devstack.bootstrap, topic, stored), within=30, what="every event republished"
        )
        # the group committed up to the end offsets: every redelivery was handed over and applied
        await eventually(
            lambda: group_caught_up(devstack.bootstrap, f"{service}.{runner.projection.name}", [topic]),
            within=60,
            what="the consumer group at the end of the topic",
        )
        assert await counts(pool, schema) == expected
        applied = await pool.fetchval(f"SELECT applied FROM {schema}.projection_status")
        assert applied == len(stored) == 500, "an event was applied twice"


async def _at_least(value: int, minimum: int) -> bool:
    return value >= minimum


async def _topic_has(bootstrap: str, topic: str, event_ids: set[UUID]) -> bool:
    on_topic = {UUID(json.loads(r.value)["event_id"]) for r in await read_topic(bootstrap, topic)}
    return event_ids <= on_topic


async def test_consumers_follow_a_topic_recreated_with_more_partitions_after_broker_amnesia(
    devstack: DevStack, database: str
) -> None:
    """Issue 8 §7: a downstream service reads an upstream topic that had 1 partition (a consumer
    auto-created it). The broker restarts empty, the upstream relay recreates the topic with the
    configured 3 partitions and publishes on all of them. The downstream group rejoins with the
    partition count it had cached (1) and must still come to read partitions 1 and 2.

    The upstream side publishes with fresh producers, so the events are on partitions 1 and 2
    whatever a relay's producer believes (a stale producer putting everything on partition 0 made an
    earlier form of this test pass without the consumers following anything).
    """
    upstream, service = unique("upstream"), unique("repartition")
    topic = topic_for(upstream)
    settings = Settings(
        VC_SERVICE=service,
        DATABASE_URL=database,
        KAFKA_BOOTSTRAP_SERVERS=devstack.bootstrap,
        VC_JWT_SECRET=secrets.token_urlsafe(48),
        VC_CONSUMER_SESSION_TIMEOUT_MS=6000,
    )
    await ensure_topics(devstack.bootstrap, [topic], partitions=1)  # as a consumer auto-created it
    spec = ServiceSpec(
        name=service, title="repartition", description="test", projections=[StreamCounts([topic])]
    )
    async with open_runtime(spec, settings) as runtime:
        pool, schema = runtime.pool, service
        versions: dict[str, int] = {}
        await publish_as(devstack.bootstrap, upstream, _visits(range(6)), tenant=TENANT, versions=versions)
        expected = {f"village-{s}": (1, 1) for s in range(6)}
        await eventually(lambda: _exact(pool, schema, expected), within=60, what="the read model before")

        await asyncio.to_thread(devstack.restart_broker)
        await ensure_topics(devstack.bootstrap, [topic], partitions=settings.topic_partitions)  # the relay
        assert await partition_count(devstack.bootstrap, topic) >= 3

        await publish_as(
            devstack.bootstrap, upstream, _visits(range(6, 30)), tenant=TENANT, versions=versions
        )
        on_topic = await read_topic(devstack.bootstrap, topic)
        assert {r.partition for r in on_topic} >= {0, 1, 2}, "the upstream events did not spread"
        expected.update({f"village-{s}": (1, 1) for s in range(6, 30)})
        await eventually(lambda: _exact(pool, schema, expected), within=30, what="events on every partition")


def _visits(streams: range) -> list[tuple[str, Event]]:
    return [(f"village-{s}", visit(s)) for s in streams]


async def test_after_broker_amnesia_the_relay_republishes_over_every_partition_of_the_recreated_topic(
    devstack: DevStack, store: EventStore, topic: str
) -> None:
    """The relay's topic had 1 partition; recreated with 3 after the broker lost its data, the
    republished events must spread over all of them by key, not stay where the relay's producer
    last saw partitions (partition 0): a stream whose later events land elsewhere could have them
    applied before its earlier ones, which tracking would then take for duplicates."""
    await ensure_topics(devstack.bootstrap, [topic], partitions=1)
    relay = OutboxRelay(store, devstack.bootstrap, topic, poll_seconds=0.2, amnesia_check_seconds=0.5)
    async with background(relay.run(), "relay"):
        for s in range(12):
            # twelve counties: the relay spreads counties (not streams) over the partitions
            tenant = Tenant.of(COUNTIES[s])
            await store.append(f"village-{s}", 0, visits(2), tenant=tenant, metadata=META)
        stored = {
            r["event_id"] for r in await store.pool.fetch(f"SELECT event_id FROM {store.schema}.events")
        }
        await eventually(lambda: _topic_has(devstack.bootstrap, topic, stored), within=30, what="published")

        await asyncio.to_thread(devstack.restart_broker)
        await eventually(lambda: _topic_has(devstack.bootstrap, topic, stored), within=30, what="republished")
        partitions = await partition_count(devstack.bootstrap, topic)
        assert partitions >= 3
        spread = {r.partition for r in await read_topic(devstack.bootstrap, topic)}
        assert spread == set(range(partitions)), f"republished on partitions {spread} of {partitions}"
