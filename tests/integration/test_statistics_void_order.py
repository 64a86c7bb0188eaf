"""A voided entry stays uncounted in reporting's statistics whatever order its events arrive in.

The review found the hours half of the statistics read model wrote a visit's hours back when its
`VisitLogged` came again after its `EntryVoided` (a republish): the upsert kept `voided`, but the
hours were replaced unconditionally, and the county's table counted them. Checked on the real
PostgreSQL, as the runner hands events to the read model's `apply` / `apply_batch` (an entry's
events admitted first, `Projection.entry_events`) and through the whole runner (which also drops an
event older than its stream's version as a duplicate)."""

from __future__ import annotations

from typing import Any, cast

import asyncpg
import pytest
from eventkit.projection import ProjectionRunner
from eventkit.relay import encode
from eventkit.set_apply import Decoded
from eventkit.store import EventStore, StoredEvent
from ledger.domain.entries import stream_id
from reporting.application.stats_view import StatsView
from support.events import META, TENANT, visit
from vc_contracts.catalogue import ledger as lg

pytestmark = pytest.mark.timeout(120)


async def _logged_and_voided(store: EventStore) -> list[StoredEvent]:
    logged = visit(1)
    void = lg.EntryVoided(entry_id=logged.entry_id, village_code=logged.village_code, reason="重复登记")
    return await store.append(stream_id(logged.entry_id), 0, [logged, void], tenant=TENANT, metadata=META)


async def _counted(conn: asyncpg.Connection, t: str, entry_id: str) -> tuple[int, bool | None]:
    """(seconds in the hours table, the entry's voided flag) of `entry_id`."""
    seconds = await conn.fetchval(
        f"SELECT coalesce(sum(seconds), 0) FROM {t}st_hours WHERE entry_id = $1", entry_id
    )
    voided = await conn.fetchval(f"SELECT voided FROM {t}st_entries WHERE entry_id = $1", entry_id)
    return int(seconds), voided


def _decoded(stored: StoredEvent) -> Decoded:
    return Decoded(stored.envelope, stored.event)


@pytest.mark.parametrize("path", ["apply", "apply_batch", "one_batch"])
async def test_a_visit_delivered_again_after_its_void_does_not_count_again(
    store: EventStore, pool: asyncpg.Pool, schema: str, path: str
) -> None:
    logged, void = await _logged_and_voided(store)
    view = StatsView()
    runner = ProjectionRunner(pool, schema, view)
    await runner.install()
    t = runner.prefix(1)
    order = [logged, void, logged]  # the create republished after the void
    async with pool.acquire() as conn, conn.transaction():  # as the runner hands them over, untracked
        if path == "apply":
            for s in order:
                await runner.hand_over_one(conn, t, _decoded(s))
        elif path == "apply_batch":
            for s in order:
                await runner.hand_over(conn, t, [_decoded(s)])
        else:
            await runner.hand_over(conn, t, [_decoded(s) for s in order])
        assert await _counted(conn, t, cast(lg.VisitLogged, logged.event).entry_id) == (0, True)


async def test_through_the_runner_a_void_wins_in_either_order(
    store: EventStore, pool: asyncpg.Pool, schema: str
) -> None:
    logged, void = await _logged_and_voided(store)
    runner = ProjectionRunner(pool, schema, StatsView())
    await runner.install()
    t = runner.prefix(1)
    record = {s.envelope.event_id: (encode(s)[1], encode(s)[0], "ledger") for s in (logged, void)}

    async def dead_letter(*_: Any) -> None:
        raise AssertionError("nothing here is poison")

    entry_id = cast(lg.VisitLogged, logged.event).entry_id
    for batches in ([[logged, void], [logged]], [[void], [logged]], [[void, logged]]):
        # each order from an empty read model and no versions reached
        await pool.execute(f"TRUNCATE {t}st_entries, {t}st_hours")
        await pool.execute(f"DELETE FROM {schema}.projection_tracking")
        for batch in batches:
            await runner.apply_batch([record[s.envelope.event_id] for s in batch], dead_letter)
        async with pool.acquire() as conn:
            seconds, _ = await _counted(conn, t, entry_id)
        assert seconds == 0, [[s.envelope.event_type for s in b] for b in batches]
