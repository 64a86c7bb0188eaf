"""Getting events from a store onto a topic with the real relay, and a projection subscriber."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from eventkit.projection import ProjectionRunner
from eventkit.relay import OutboxRelay
from eventkit.runtime import ServiceSpec, build_broker
from eventkit.store import EventStore
from faststream.kafka import KafkaBroker

from support.waiting import background, eventually


async def relay_caught_up(relay: OutboxRelay) -> bool:
    store = relay.store
    last = await store.pool.fetchval(f"SELECT coalesce(max(position), 0) FROM {store.schema}.events")
    position, _ = await relay.checkpoint()
    return last > 0 and position == last


async def publish_store(store: EventStore, bootstrap: str, topic: str, within: float = 60) -> None:
    """Run a relay until everything in `store` is on `topic`, then stop it."""
    relay = OutboxRelay(store, bootstrap, topic, poll_seconds=0.1, amnesia_check_seconds=3600)
    async with background(relay.run(), f"relay {topic}") as task:
        await eventually(lambda: relay_caught_up(relay), within=within, what="relay caught up", tasks=(task,))


@contextlib.asynccontextmanager
async def subscribed(
    runner: ProjectionRunner, bootstrap: str, group_prefix: str, session_timeout_ms: int = 6000
) -> AsyncIterator[KafkaBroker]:
    """A started FastStream broker with `runner`'s projection subscribed (eventkit.consumer.subscribe)."""
    spec = ServiceSpec(name=group_prefix, title=group_prefix, description="integration test")
    broker = build_broker(spec, bootstrap, [runner], session_timeout_ms)
    await broker.start()
    try:
        yield broker
    finally:
        await broker.stop()
