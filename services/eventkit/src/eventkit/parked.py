"""Operator CLI for parked events: list them, or replay them once the handler is fixed.

`python -m eventkit.parked SERVICE PROJECTION [--replay]` with the service's environment.
Replaying is idempotent: applied events leave the parked table, the rest stay in stream order.

`python -m eventkit.parked SERVICE --unpublishable` lists the events the service's relay could never
publish (larger than the broker's message limit, not encodable), recorded and passed by the relay.
"""

from __future__ import annotations

import argparse
import asyncio
from importlib import import_module

import asyncpg

from eventkit.cli_projections import projection_named, service_spec
from eventkit.db import create_pool
from eventkit.projection import ProjectionRunner
from eventkit.settings import Settings


async def parked_rows(runner: ProjectionRunner) -> list[asyncpg.Record]:
    """The parked events of `runner`'s read model, every generation, in stream order."""
    return await runner.pool.fetch(
        f"SELECT stream_id, stream_version, event_id, parked_at, error FROM {runner.schema}.parked_events"
        " WHERE projection LIKE $1 ORDER BY stream_id, stream_version",
        f"{runner.projection.name}#g%",
    )


async def unpublishable_rows(pool: asyncpg.Pool, schema: str) -> list[asyncpg.Record]:
    """What the relay recorded and passed, oldest first, with the event's id, type and size."""
    return await pool.fetch(
        f"SELECT u.topic, u.position, u.stream_id, u.error, u.recorded_at, e.event_id, e.event_type,"
        f" octet_length(e.data::text) AS data_bytes FROM {schema}.relay_unpublishable u"
        f" LEFT JOIN {schema}.events e ON e.position = u.position ORDER BY u.position"
    )


async def list_unpublishable(service: str) -> str:
    """The events `service`'s relay recorded as impossible to publish, as a printable table."""
    settings = Settings(VC_SERVICE=service)
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=2)
    try:
        rows = await unpublishable_rows(pool, settings.schema)
    finally:
        await pool.close()
    lines = [
        f"{r['topic']} #{r['position']} {r['stream_id']} {r['event_type']} {r['event_id']}"
        f" {r['data_bytes']} B {r['recorded_at']:%Y-%m-%d %H:%M} {r['error']}"
        for r in rows
    ]
    return "\n".join(lines) or f"{service}: every event was published"


async def run(service: str, projection: str, replay: bool) -> str:
    """List (or with `replay` retry) the parked events of one read model; the report as text."""
    settings = Settings(VC_SERVICE=service)
    spec = import_module(f"{service}.main").SPEC
    chosen = next((p for p in spec.projections if p.name == projection), None)
    if chosen is None:
        names = ", ".join(p.name for p in spec.projections)
        return f"{service} has no read model {projection!r} (it has: {names})"
    pool = await create_pool(settings.database_url, min_size=1, max_size=2)
    try:
        runner = ProjectionRunner(pool, settings.schema, chosen)
        if replay:
            applied, still = await runner.replay_parked()
            return f"{service}.{projection}: {applied} applied, {still} still parked"
        rows = await parked_rows(runner)
        lines = [
            f"{r['stream_id']} v{r['stream_version']} {r['parked_at']:%Y-%m-%d %H:%M} {r['error']}"
            for r in rows
        ]
        return "\n".join(lines) or f"{service}.{projection}: nothing parked"
    finally:
        await pool.close()


def main() -> None:
    """The CLI: `python -m eventkit.parked SERVICE [PROJECTION] [--replay | --unpublishable]`."""
    parser = argparse.ArgumentParser(prog="python -m eventkit.parked")
    parser.add_argument("service")
    parser.add_argument("projection", nargs="?")
    parser.add_argument("--replay", action="store_true", help="retry the parked events now")
    parser.add_argument(
        "--unpublishable", action="store_true", help="list the events the relay could never publish"
    )
    args = parser.parse_args()
    service_spec(parser, args.service)
    if args.projection is not None:
        projection_named(parser, args.service, args.projection)
    if args.unpublishable:
        print(asyncio.run(list_unpublishable(args.service)))
    elif args.projection is None:
        parser.error("name a projection, or pass --unpublishable")
    else:
        print(asyncio.run(run(args.service, args.projection, args.replay)))


if __name__ == "__main__":
    main()
