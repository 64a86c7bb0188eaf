"""Publishing events on a service's topic exactly as its outbox relay would (key, value, headers).

For harnesses that feed one service with another service's events without running that service.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import uuid4

from aiokafka import AIOKafkaProducer
from eventkit.relay import encode
from eventkit.store import StoredEvent
from vc_contracts import CST, Envelope, Event, Tenant
from vc_contracts.topics import topic_for


async def publish_as(
    bootstrap: str,
    service: str,
    events: Sequence[tuple[str, Event]],
    *,
    tenant: Tenant,
    versions: dict[str, int] | None = None,
    occurred_at: datetime | None = None,
) -> None:
    """Publish (stream id, event) pairs on `service`'s topic; stream versions count on in `versions`;
    `occurred_at` backdates the envelopes (default: now; recorded_at is always now)."""
    versions = {} if versions is None else versions
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=False)
    await producer.start()
    try:
        for stream, event in events:
            versions[stream] = versions.get(stream, 0) + 1
            now = datetime.now(CST)
            envelope = Envelope(
                event_id=uuid4(), event_type=event.event_type, schema_version=event.schema_version,
                stream_id=stream, stream_version=versions[stream], occurred_at=occurred_at or now,
                recorded_at=now,
                tenant=tenant, actor=f"{service}-test", correlation_id=uuid4(),
                data=event.model_dump(mode="json"),
            )  # fmt: skip
            key, value, headers = encode(StoredEvent(position=0, envelope=envelope))
            await producer.send_and_wait(topic_for(service), value, key=key, headers=headers)
    finally:
        await producer.stop()
