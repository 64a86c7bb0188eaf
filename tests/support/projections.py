"""A read model defined by the tests: how many events each stream has, and the last version seen.

It is set-based (`apply_batch`: one aggregating upsert per batch), so every runner test drives the
set-based path and, when an event is made to fail, the per-event fallback that parks it."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg
from eventkit.set_apply import Decoded
from vc_contracts import Envelope, Event


class HandlerBug(RuntimeError):
    """What the counting projection raises for the events it was told to fail on."""


class StreamCounts:
    """`stream_counts(stream_id, events, last_version)`; `events` would double on a double apply."""

    tables: Sequence[str] = ("stream_counts",)
    entry_events = None  # Projection's optional members, as their defaults
    rebuild_defers_indexes = False
    handles = None
    ddl = """
        CREATE TABLE {t}stream_counts (
            stream_id    text PRIMARY KEY,
            events       integer NOT NULL,
            last_version integer NOT NULL
        )
    """

    def __init__(self, topics: Sequence[str], name: str = "counts") -> None:
        self.name, self.topics = name, tuple(topics)
        self.fail_on: set[tuple[str, int]] = set()  # (stream_id, stream_version) whose handler fails
        self.batches = 0  # apply_batch calls, failed ones included

    async def apply(self, conn: asyncpg.Connection, t: str, envelope: Envelope, event: Event) -> None:
        if (envelope.stream_id, envelope.stream_version) in self.fail_on:
            raise HandlerBug(f"bug on {envelope.stream_id} v{envelope.stream_version}")
        await conn.execute(
            f"INSERT INTO {t}stream_counts AS c (stream_id, events, last_version) VALUES ($1, 1, $2)"
            " ON CONFLICT (stream_id)"
            " DO UPDATE SET events = c.events + 1, last_version = excluded.last_version",
            envelope.stream_id,
            envelope.stream_version,
        )

    async def apply_batch(self, conn: asyncpg.Connection, t: str, items: Sequence[Decoded]) -> None:
        self.batches += 1
        for item in items:
            if (item.envelope.stream_id, item.envelope.stream_version) in self.fail_on:
                raise HandlerBug(
                    f"bug in a batch holding {item.envelope.stream_id} v{item.envelope.stream_version}"
                )
        await conn.execute(
            f"INSERT INTO {t}stream_counts AS c (stream_id, events, last_version)"
            " SELECT s, count(*), (array_agg(v ORDER BY n DESC))[1]"
            " FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS u(s, v, n) GROUP BY s"
            " ON CONFLICT (stream_id)"
            " DO UPDATE SET events = c.events + excluded.events, last_version = excluded.last_version",
            [i.envelope.stream_id for i in items],
            [i.envelope.stream_version for i in items],
        )


async def counts(pool: asyncpg.Pool, schema: str) -> dict[str, tuple[int, int]]:
    """The view's rows: stream id -> (events, last version)."""
    rows = await pool.fetch(f"SELECT stream_id, events, last_version FROM {schema}.stream_counts")
    return {r["stream_id"]: (r["events"], r["last_version"]) for r in rows}


async def total(pool: asyncpg.Pool, schema: str) -> int:
    return int(await pool.fetchval(f"SELECT coalesce(sum(events), 0) FROM {schema}.stream_counts"))
