"""The broker forgets everything (Tansu restarted empty): a whole service runtime recovers.

The relay notices the topic holds fewer messages than it published and republishes from its store;
the projection's consumer group lost its offsets, so it re-reads from the earliest offset and its
per-stream tracking drops what it already applied. The read model ends exact, nothing twice.
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
from eventkit.runtime import Runtime, ServiceSpec, open_runtime
from eventkit.settings import Settings
from eventkit.topics import ensure_topics
from support.events import META, TENANT, visits
from support.kafka import partition_count, read_topic
from support.projections import StreamCounts, counts
from support.waiting import eventually
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
        real_apply, duplicates = runner.apply_batch, []

        async def recording(*args: Any, **kwargs: Any) -> BatchOutcome:
            outcome = await real_apply(*args, **kwargs)
            duplicates.append(outcome.duplicates)
            return outcome

        runner.apply_batch = recording  # type: ignore[method-assign]

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
        await asyncio.sleep(2.0)  # late redeliveries would show up now
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
    """The topic had 1 partition (a consumer auto-created it); the broker restarts empty and the relay
    recreates it with the configured 3: the consumer group must read partitions 1 and 2 too."""
    service = unique("repartition")
    settings = Settings(
        VC_SERVICE=service,
        DATABASE_URL=database,
        KAFKA_BOOTSTRAP_SERVERS=devstack.bootstrap,
        VC_JWT_SECRET=secrets.token_urlsafe(48),
        VC_CONSUMER_SESSION_TIMEOUT_MS=6000,
    )
    topic = topic_for(service)
    await ensure_topics(devstack.bootstrap, [topic], partitions=1)  # as it was before the fix
    spec = ServiceSpec(
        name=service, title="repartition", description="test", projections=[StreamCounts([topic])]
    )
    async with open_runtime(spec, settings) as runtime:
        pool, schema = runtime.pool, service
        await _append(runtime, range(6), 5)
        expected = {f"village-{s}": (5, 5) for s in range(6)}
        await eventually(lambda: _exact(pool, schema, expected), within=60, what="the read model before")
        assert await partition_count(devstack.bootstrap, topic) == 1

        await asyncio.to_thread(devstack.restart_broker)
        await eventually(lambda: _republished(runtime), within=30, what="the relay republished")

        await _append(runtime, range(6, 30), 5)  # 24 streams: every partition gets some
        expected.update({f"village-{s}": (5, 5) for s in range(6, 30)})
        await eventually(lambda: _exact(pool, schema, expected), within=45, what="events on every partition")
        assert await partition_count(devstack.bootstrap, topic) == settings.topic_partitions


async def _republished(runtime: Runtime) -> bool:
    position, published = await runtime.relay.checkpoint()
    return 0 < published == position
