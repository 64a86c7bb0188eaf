"""A rebuild of reporting's statistics read model (`eventkit.rebuild`, with its bulk mode: secondary
indexes built after the load, autovacuum off until then) leaves exactly the rows the live path
wrote from the same records, and the same indexes and table options.

The records are random event mixes (tests/support/event_mix.py: every type, colliding ids,
corrections before their entry, voids of voided entries, visits across quarter ends) on one
single-partition topic; the live path is the runner's `apply_batch` in batches of random sizes.
"""

from __future__ import annotations

import random
from typing import Any

import asyncpg
import pytest
from conftest import unique
from eventkit.projection import ProjectionRunner
from eventkit.rebuild import rebuild
from eventkit.relay import encode
from eventkit.store import StoredEvent
from eventkit.topics import ensure_topic
from reporting.application.stats_view import StatsView
from support.event_mix import event_mix
from support.kafka import produce

pytestmark = pytest.mark.timeout(300)


class _DeadLetters:
    async def __call__(self, value: bytes, key: bytes | None, topic: str, error: str) -> None:
        raise AssertionError(f"a valid event was dead-lettered: {error}")


async def _rows(pool: asyncpg.Pool, schema: str, view: StatsView) -> dict[str, list[Any]]:
    """Every table through its view (the live generation), rows in a fixed order."""
    return {
        table: [tuple(r) for r in await pool.fetch(f"SELECT * FROM {schema}.{table} t ORDER BY t::text")]
        for table in view.tables
    }


async def _shape(pool: asyncpg.Pool, schema: str, prefix: str) -> list[tuple[str, Any]]:
    """The live generation's index definitions and table options, its prefix left out."""
    rows = await pool.fetch(
        "SELECT c.relname, c.relkind, c.reloptions, pg_get_indexdef(c.oid) AS ddl FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname LIKE $2"
        " AND c.relkind IN ('r', 'i')",
        schema,
        f"{prefix}%",
    )
    return sorted(
        (
            r["relname"].removeprefix(prefix),
            r["ddl"].replace(prefix, "") if r["relkind"] == "i" else r["reloptions"],
        )
        for r in rows
    )


@pytest.mark.parametrize("seed", [0, 3, 4, 7])
async def test_a_rebuild_leaves_the_rows_indexes_and_options_the_live_path_left(
    pool: asyncpg.Pool, schema: str, bootstrap: str, seed: int
) -> None:
    rng = random.Random(seed)
    items = event_mix(rng, rng.randrange(150, 400))
    topic = unique("test.stats-rebuild").replace("_", "-")
    await ensure_topic(bootstrap, topic, partitions=1)  # one total order: ids collide across streams
    records = [encode(StoredEvent(position=0, envelope=item.envelope))[:2] for item in items]
    await produce(bootstrap, topic, records)

    view = StatsView()
    view.topics = (topic,)  # type: ignore[misc]
    runner = ProjectionRunner(pool, schema, view)
    assert await runner.install() == 1
    values = [(value, key, topic) for key, value in records]
    first = 0
    while first < len(values):  # the live path: the runner's batches, of any size
        size = rng.choice((1, 3, 40, 500))
        await runner.apply_batch(values[first : first + size], _DeadLetters())
        first += size
    live = await _rows(pool, schema, view)
    live_shape = await _shape(pool, schema, f"{view.name}_g1_")
    assert all(live.values()), "the seed should fill every table"

    assert await rebuild(runner, bootstrap) == 2

    assert await _rows(pool, schema, view) == live, f"seed {seed}"
    assert await _shape(pool, schema, f"{view.name}_g2_") == live_shape
    indexes = [name for name, _ in live_shape if "half" in name]
    assert len(indexes) == 2  # the (half, village_code) indexes, dropped for the load, are back
