"""Two replicas of one read model applying batches at the same time (issue 12: replicas in one
consumer group): each event is applied once and neither batch fails.

During a rebalance the replica that is losing a partition may still be applying a batch of it while
the replica that gained it applies the same records again (from the last committed offset); and
between rebalances the two apply batches of different partitions side by side. Each batch used to
take a share lock on the read model's status row, read its tracking rows, apply, then update that
row: two batches in flight deadlocked on the update (PostgreSQL aborted one, the consumer retried it
a second later; 25 times in one catch-up of test_replicas.py), and only that abort kept the second
batch of the same records from being applied twice, having read the tracking rows before the first
committed. A batch now takes the row's update lock first, so the second waits, then reads tracking.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import asyncpg
import pytest
from eventkit.projection import BatchOutcome, ProjectionRunner
from eventkit.relay import encode
from eventkit.set_apply import Decoded
from eventkit.store import EventStore
from support.events import META, TENANT, visits
from support.projections import StreamCounts, counts
from support.waiting import eventually

pytestmark = pytest.mark.timeout(60)


class Held(StreamCounts):
    """Counts, holding the first batch inside its transaction until `release` is set."""

    def __init__(self, topics: Sequence[str]) -> None:
        super().__init__(topics, name="held_counts")
        self.entered = 0
        self.release = asyncio.Event()

    async def apply_batch(self, conn: asyncpg.Connection, t: str, items: Sequence[Decoded]) -> None:
        self.entered += 1
        if self.entered == 1:
            await self.release.wait()
        await super().apply_batch(conn, t, items)


async def _records(store: EventStore, streams: Sequence[str]) -> list[tuple[bytes, bytes | None, str]]:
    out = []
    for stream in streams:
        for stored in await store.append(stream, 0, visits(3), tenant=TENANT, metadata=META):
            key, value, _ = encode(stored)
            out.append((value, key, "t"))
    return out


async def _no_dead_letter(*args: Any) -> None:
    raise AssertionError(f"unexpected dead letter: {args}")


@pytest.mark.parametrize("overlap", ["the same records (a rebalance)", "other streams (two partitions)"])
async def test_two_replicas_applying_batches_at_once_apply_each_event_once_and_neither_fails(
    pool: asyncpg.Pool, store: EventStore, schema: str, overlap: str
) -> None:
    projection = Held(["t"])
    first, second = ProjectionRunner(pool, schema, projection), ProjectionRunner(pool, schema, projection)
    await first.install()
    mine = await _records(store, [f"village-{n}" for n in range(4)])
    theirs = (
        mine if overlap.startswith("the same") else await _records(store, [f"village-x{n}" for n in range(4)])
    )

    losing = asyncio.create_task(first.apply_batch(mine, _no_dead_letter))
    await eventually(lambda: asyncio.sleep(0, projection.entered == 1), what="the first batch applying")
    gaining = asyncio.create_task(second.apply_batch(theirs, _no_dead_letter))

    async def second_reached_the_database() -> bool:  # waiting for the first's lock, or applying beside it
        waiting = await pool.fetchval(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return bool(waiting) or projection.entered == 2

    await eventually(second_reached_the_database, what="the second batch at the database")
    projection.release.set()
    outcomes: list[BatchOutcome] = await asyncio.gather(losing, gaining)

    streams = {(value, key) for value, key, _ in mine + theirs}
    assert sum(o.applied for o in outcomes) == len(streams)
    assert sum(o.duplicates for o in outcomes) == len(mine) + len(theirs) - len(streams)
    assert set((await counts(pool, schema)).values()) == {(3, 3)}  # every stream's 3 events, once
    applied = await pool.fetchval(
        f"SELECT applied FROM {schema}.projection_status WHERE projection = $1", projection.name
    )
    assert applied == len(streams)
