"""Read models of a service's own events, fed from its own event store instead of Kafka.

A read model fed from Kafka lags the service's own commands by the relay and the broker. Where the
next command or request must see what the last command decided (the rules in force, the breaches an
evaluation found), the read model is fed from the store: `catch_up` applies every event after the
generation's checkpoint, decoded through its envelope (so upcasters apply), in the caller's
transaction. A command calls it right after its append: the append holds the store's ordering lock
to its commit, so every earlier event is committed and the checkpoint moves in position order.
Start-up calls it to fill a new read model from the history; `rebuild` fills a new generation next
to the live one and swaps, like eventkit.rebuild does for Kafka-fed read models.

Same generation-versioned tables and views as every read model (eventkit.projection); each
generation's checkpoint is a row of `<schema>.own_view_checkpoints`.

CLI: `python -m eventkit.own_views SERVICE PROJECTION` rebuilds one, with the service's environment.
"""

from __future__ import annotations

import argparse
import asyncio
from importlib import import_module

from eventkit.cli_projections import projection_named
from eventkit.db import Connection, create_pool
from eventkit.projection import ProjectionRunner
from eventkit.settings import Settings
from eventkit.store import EventStore

BATCH = 1000


async def install(runner: ProjectionRunner, store: EventStore) -> int:
    """Create the read model if new (generation 1 and its views), catch it up; return its generation."""
    async with runner.pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"install:{runner.schema}")
        await conn.execute(
            f"CREATE TABLE IF NOT EXISTS {runner.schema}.own_view_checkpoints"
            " (projection text PRIMARY KEY, position bigint NOT NULL DEFAULT 0)"
        )
    generation = await runner.install()
    async with runner.pool.acquire() as conn, conn.transaction():
        await catch_up(runner, store, conn)
    return generation


async def catch_up(
    runner: ProjectionRunner, store: EventStore, conn: Connection, generation: int | None = None
) -> int:
    """Apply the store's events after the checkpoint of `generation` (default: the live one) on
    `conn`, inside its transaction; return how many were applied. Concurrent catch-ups of one
    generation take turns on its checkpoint row."""
    gen = generation if generation is not None else await runner.live_generation(conn)
    key, prefix = runner.tracking_key(gen), runner.prefix(gen)
    table = f"{runner.schema}.own_view_checkpoints"
    await conn.execute(f"INSERT INTO {table} (projection) VALUES ($1) ON CONFLICT DO NOTHING", key)
    after = int(await conn.fetchval(f"SELECT position FROM {table} WHERE projection = $1 FOR UPDATE", key))
    applied = 0
    while batch := await store.read_all(after, BATCH, conn=conn):
        for item in batch:
            await runner.projection.apply(conn, prefix, item.envelope, item.event)
        applied += len(batch)
        after = batch[-1].position
    await conn.execute(f"UPDATE {table} SET position = $2 WHERE projection = $1", key, after)
    return applied


async def rebuild(runner: ProjectionRunner, store: EventStore) -> int:
    """Rebuild the read model into a new generation from the store and make it live; return its number.

    The live generation keeps serving (and commands keep feeding it) until the swap, which holds its
    status row so that no command feeds the old generation after the new one caught up."""
    pool, schema, name = runner.pool, runner.schema, runner.projection.name
    status = f"SELECT generation FROM {schema}.projection_status WHERE projection = $1"
    live = int(await pool.fetchval(status, name))
    new = live + 1
    async with pool.acquire() as conn, conn.transaction():
        await _drop(conn, runner, new)
        await runner.create_generation(conn, new)
    async with pool.acquire() as conn, conn.transaction():
        await catch_up(runner, store, conn, new)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(f"{status} FOR UPDATE", name)
        await catch_up(runner, store, conn, new)
        await runner.point_views(conn, new)
        await conn.execute(
            f"UPDATE {schema}.projection_status SET generation = $2 WHERE projection = $1", name, new
        )
    async with pool.acquire() as conn, conn.transaction():
        await _drop(conn, runner, live)
    return new


async def _drop(conn: Connection, runner: ProjectionRunner, generation: int) -> None:
    for table in runner.projection.tables:
        await conn.execute(f"DROP TABLE IF EXISTS {runner.prefix(generation)}{table} CASCADE")
    await conn.execute(
        f"DELETE FROM {runner.schema}.own_view_checkpoints WHERE projection = $1",
        runner.tracking_key(generation),
    )


async def _main(service: str, projection: str) -> None:
    settings = Settings(VC_SERVICE=service)
    spec = import_module(f"{service}.main").SPEC
    chosen = next(p for p in spec.own_views if p.name == projection)
    pool = await create_pool(settings.database_url)
    try:
        runner = ProjectionRunner(pool, settings.schema, chosen)
        generation = await rebuild(runner, EventStore(pool, settings.schema))
        print(f"{service}.{projection}: generation {generation} is live")
    finally:
        await pool.close()


def main() -> None:
    """The CLI: rebuild one read model of a service's own events."""
    parser = argparse.ArgumentParser(prog="python -m eventkit.own_views")
    parser.add_argument("service")
    parser.add_argument("projection")
    args = parser.parse_args()
    projection_named(parser, args.service, args.projection, among="own_views")
    asyncio.run(_main(args.service, args.projection))


if __name__ == "__main__":
    main()
