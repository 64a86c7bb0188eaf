"""The event-size bound at append, on a real PostgreSQL: an event whose envelope would exceed the
store's bound is refused (413 event_too_large) and nothing of its append is written, so no record
the broker would refuse can ever reach the outbox."""

from __future__ import annotations

import asyncpg
import pytest
from eventkit.store import EventStore, EventTooLargeError, NewStream
from support.events import META, TENANT, visit
from vc_contracts.catalogue.ledger import EntryCorrected

pytestmark = pytest.mark.timeout(60)
BOUND = 8 * 1024


def correction(changes: dict[str, object]) -> EntryCorrected:
    return EntryCorrected(entry_id="E1", village_code="621025100201", changes=changes, reason="复核")


async def test_an_event_over_the_bound_is_refused_and_nothing_is_written(
    pool: asyncpg.Pool, schema: str
) -> None:
    store = EventStore(pool, schema, max_event_bytes=BOUND)
    small, large = visit(1), correction({"summary": "驻" * 2000, "note": "记" * 2000})  # 12 KB of UTF-8
    with pytest.raises(EventTooLargeError) as refused:
        await store.append("entry-E1", None, [small, large], tenant=TENANT, metadata=META)
    assert (refused.value.status, refused.value.code) == (413, "event_too_large")
    assert refused.value.details["event_type"] == "EntryCorrected"
    assert "上限" in refused.value.body("c-1").message
    assert await store.read_stream("entry-E1") == []


async def test_a_bulk_append_with_one_event_over_the_bound_writes_nothing(
    pool: asyncpg.Pool, schema: str
) -> None:
    store = EventStore(pool, schema, max_event_bytes=BOUND)
    batch = [NewStream(f"entry-{i}", [visit(i)], TENANT, visit(i).occurred_at) for i in range(3)]
    batch.append(NewStream("entry-big", [correction({"summary": "驻" * 2000, "note": "记" * 2000})],
                           TENANT, visit(9).occurred_at))  # fmt: skip
    async with pool.acquire() as conn:
        with pytest.raises(EventTooLargeError):
            async with conn.transaction():
                await store.append_many(batch, metadata=META, conn=conn)
    assert await store.head() == 0


async def test_an_event_under_the_bound_is_appended(pool: asyncpg.Pool, schema: str) -> None:
    store = EventStore(pool, schema, max_event_bytes=BOUND)
    stored = await store.append(
        "entry-E2", 0, [correction({"summary": "驻" * 2000})], tenant=TENANT, metadata=META
    )
    assert len(stored) == 1  # 6 KB of text: under the bound
