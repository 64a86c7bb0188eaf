"""Rebuild a read model from the beginning while the live one keeps serving, then swap.

1. Create generation N+1's tables next to the live generation N.
2. Read every topic of the projection from the earliest offset up to the end offsets taken at
   the start, applying into N+1 (its own tracking rows, so it deduplicates like the live one), in
   batches of up to BATCH events, set-based where the read model offers it, without waiting for
   each batch's WAL flush (the swap's commit flushes them all), parsing batch n+1 while batch n is
   written (overlap.py). A read model that sets `Projection.rebuild_defers_indexes` has its secondary
   indexes built once after this bulk phase instead of maintained entry by entry during it, and
   every new table skips autovacuum until then (see `_bulk_mode`).
3. In one transaction: point the views at N+1, make it live, store the offsets reached.
   The live subscriber notices the new generation and seeks back to those offsets, so whatever
   it applied to N after the rebuild's end is applied to N+1 too (dedupe drops the overlap).
4. Drop generation N.

CLI: `python -m eventkit.rebuild SERVICE PROJECTION` with the service's environment.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from collections.abc import AsyncIterator
from importlib import import_module

from aiokafka import AIOKafkaConsumer, TopicPartition

from eventkit.cli_projections import projection_named
from eventkit.collector import batch_friendly_gc
from eventkit.db import Connection, create_pool
from eventkit.overlap import Records, apply_overlapped
from eventkit.projection import ProjectionRunner
from eventkit.relay import log_end_offsets
from eventkit.settings import Settings

log = logging.getLogger(__name__)

BATCH = 2000
"""Events per transaction while rebuilding, as a catch-up's (`consumer.MAX_RECORDS`): a few
statements each, so a batch spreads its transaction's round trips over many events, but two
batches are alive at once (one decoded while the other is written, overlap.py), some 20 tracked
containers an event, and they must stay under `runtime.GC_YOUNG_THRESHOLD` (50,000). Batches of
5,000 crossed it: CPython's cyclic collector then ran a dozen times per 50,000 events over objects
it could not free, 6-9 µs an event, a sixth of the client's CPU (session 11: 2,000 events a batch,
0-2 young collections per 50,000 events; 2,500 already 3-4; 3,000 and 5,000 10-12)."""


async def _ignore_dead_letter(value: bytes, key: bytes | None, topic: str, error: str) -> None:
    log.info("rebuild skips an invalid message on %s: %s", topic, error)  # the live run already sent it


async def rebuild(runner: ProjectionRunner, bootstrap: str) -> int:
    """Rebuild `runner`'s projection into a new generation and make it live; return its number."""
    pool, schema, name = runner.pool, runner.schema, runner.projection.name
    live = int(
        await pool.fetchval(f"SELECT generation FROM {schema}.projection_status WHERE projection = $1", name)
    )
    new = live + 1
    async with pool.acquire() as conn, conn.transaction():
        for table in runner.projection.tables:
            await conn.execute(f"DROP TABLE IF EXISTS {runner.prefix(new)}{table} CASCADE")
        await conn.execute(
            f"DELETE FROM {schema}.projection_tracking WHERE projection = $1", runner.tracking_key(new)
        )
        await runner.create_generation(conn, new)
        deferred = await _bulk_mode(conn, runner, new)
    async with pool.acquire() as bulk:
        # Generation N+1 serves nobody until the swap, whose commit flushes the WAL up to itself (all
        # of these batches too); a crash before it fails the rebuild, which starts over. So these
        # batches need not wait for their own WAL flush (an fsync each).
        await bulk.execute("SET synchronous_commit = off")
        reached = await _catch_up(runner, bootstrap, new, conn=bulk)
    await _end_bulk_mode(runner, new, deferred)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(f"SELECT 1 FROM {schema}.projection_status WHERE projection = $1 FOR UPDATE", name)
        # The live subscriber waits from here on. What it applied to generation N meanwhile lies
        # past `reached` on the topics: apply it to N+1 too, or N+1 would miss it after the swap.
        reached = await _catch_up(runner, bootstrap, new, start=reached, conn=conn)
        await runner.point_views(conn, new)
        await conn.execute(
            f"UPDATE {schema}.projection_status SET generation = $2, rebuild_offsets = $3::jsonb"
            " WHERE projection = $1",
            name,
            new,
            json.dumps(reached),
        )
    async with pool.acquire() as conn, conn.transaction():
        for table in runner.projection.tables:
            await conn.execute(f"DROP TABLE IF EXISTS {runner.prefix(live)}{table} CASCADE")
        await conn.execute(
            f"DELETE FROM {schema}.projection_tracking WHERE projection = $1", runner.tracking_key(live)
        )
    return new


DEFERRABLE_INDEXES = (
    "SELECT pg_get_indexdef(i.indexrelid) AS ddl, i.indexrelid::regclass::text AS name"
    " FROM pg_index i WHERE i.indrelid = ANY($1::regclass[]) AND NOT i.indisunique"
    " AND NOT i.indisprimary AND NOT i.indisexclusion"
    " AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
    " ORDER BY i.indexrelid"
)
"""A read model's secondary indexes: neither unique (an upsert's arbiter) nor behind a constraint,
so dropping one changes what its statements find only in speed."""


async def _bulk_mode(conn: Connection, runner: ProjectionRunner, generation: int) -> list[str]:
    """Make generation `generation`'s new tables cheaper to fill; return the CREATE INDEX statements
    `_end_bulk_mode` runs once the bulk phase is over.

    - Autovacuum skips them (`autovacuum_enabled = false`): a table filled by inserts alone has
      nothing to vacuum, yet insert-triggered autovacuum scans it again each time it grows by a
      fifth, against the rebuild's two cores.
    - With the read model's `rebuild_defers_indexes` (it promises that none of its statements
      needs a secondary index to find its rows, so a batch is not slowed to a scan), its secondary
      indexes are dropped: one sorted build after the load costs PostgreSQL less than an index
      insertion per row during it, and the rows go in faster while the client waits on them (the
      bulk phase is bound by one batch's statements at a time). Nothing reads the new generation
      before the swap, and a rebuild that fails drops it when it starts again.
    """
    tables = [f"{runner.prefix(generation)}{table}" for table in runner.projection.tables]
    for table in tables:
        await conn.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")
    if not runner.projection.rebuild_defers_indexes:
        return []
    indexes = await conn.fetch(DEFERRABLE_INDEXES, tables)
    for index in indexes:
        await conn.execute(f"DROP INDEX {index['name']}")
    return [index["ddl"] for index in indexes]


async def _end_bulk_mode(runner: ProjectionRunner, generation: int, indexes: list[str]) -> None:
    """Build the deferred `indexes` (side by side, a connection each: the client has nothing else
    to do meanwhile) and let autovacuum see the tables again, before the swap makes them live."""

    async def build(ddl: str) -> None:
        async with runner.pool.acquire() as conn:
            await conn.execute(ddl)

    await asyncio.gather(*(build(ddl) for ddl in indexes))
    async with runner.pool.acquire() as conn:
        for table in runner.projection.tables:
            await conn.execute(f"ALTER TABLE {runner.prefix(generation)}{table} RESET (autovacuum_enabled)")


async def _catch_up(
    runner: ProjectionRunner,
    bootstrap: str,
    generation: int,
    start: dict[str, int] | None = None,
    conn: Connection | None = None,
) -> dict[str, int]:
    """Apply every topic from the earliest offset (or from `start`) to its end; return the ends."""
    # A topic the relays filled holds many small record batches. Tansu answers a fetch only after
    # fetch_max_wait_ms (aiokafka's default 500 ms) with about one batch per partition, so the
    # default paced a rebuild at tens of events per second (bench-scale, issue 12).
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=10)
    await consumer.start()
    try:
        partitions = []
        for topic in runner.projection.topics:
            await consumer._client.force_metadata_update()
            parts = consumer.partitions_for_topic(topic) or set()
            partitions += [TopicPartition(topic, p) for p in sorted(parts)]
        if not partitions:
            return {}
        ends = await log_end_offsets(consumer, partitions)
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        for tp in partitions:
            if (offset := (start or {}).get(f"{tp.topic}:{tp.partition}")) is not None:
                consumer.seek(tp, offset)

        async def batches() -> AsyncIterator[tuple[Records, None]]:
            while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
                fetched = await consumer.getmany(timeout_ms=1000, max_records=BATCH)
                records = [(r.value, r.key, r.topic) for batch in fetched.values() for r in batch]
                if records:
                    yield records, None

        await apply_overlapped(runner, batches(), _ignore_dead_letter, generation=generation, conn=conn)
        return {f"{tp.topic}:{tp.partition}": ends[tp] for tp in partitions}
    finally:
        await consumer.stop()


async def _main(service: str, projection: str) -> None:
    settings = Settings(VC_SERVICE=service)
    spec = import_module(f"{service}.main").SPEC
    chosen = next(p for p in spec.projections if p.name == projection)
    pool = await create_pool(settings.database_url)
    try:
        generation = await rebuild(
            ProjectionRunner(pool, settings.schema, chosen), settings.kafka_bootstrap_servers
        )
        print(f"{service}.{projection}: generation {generation} is live")
    finally:
        await pool.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m eventkit.rebuild")
    parser.add_argument("service")
    parser.add_argument("projection")
    args = parser.parse_args()
    projection_named(parser, args.service, args.projection)  # a usage error, not a traceback
    batch_friendly_gc()
    asyncio.run(_main(args.service, args.projection))


if __name__ == "__main__":
    main()
