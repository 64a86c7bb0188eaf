"""Change feed: which divisions a projection commit touched, for live pages (server-sent events).

Write side: inside the projection's own transaction, `record_changes` appends one row to
`<schema>.change_feed` (position, divisions) and calls `pg_notify`, so a change is announced
exactly when (and only if) its read-model rows commit. The notification carries the position only
(a payload is limited to 8000 bytes; a division import touches thousands of villages).

Read side: one `ChangeHub` per service process holds ONE dedicated LISTEN connection; on each
notification it reads the rows after the last position it saw and fans them out to in-process
subscribers (one bounded queue per client; no per-client database connection, no polling loop).
A subscriber that falls behind (queue full) gets a reset. Resuming after a reconnect
(`Last-Event-ID`) replays the rows still kept; older positions answer "reset" (the table keeps
the newest `KEEP` rows).

Positions come from an identity column: increasing, but assigned at insert, so two concurrent
commits may become visible out of order; the hub forwards each row once, in the order it reads
them, and a client only uses an event as "reload these figures", never as a delta.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from vc_contracts import Envelope, Event
from vc_contracts.divisions import significant_prefix

from eventkit.db import Connection
from eventkit.migrations import Migration

log = logging.getLogger(__name__)

KEEP = 10_000
"""Rows kept for replay; older positions are answered with a reset."""
MAX_CODES = 200
"""A commit touching more divisions is recorded by their counties (the scope check still works)."""
QUEUE_SIZE = 256

MIGRATIONS: list[Migration] = [
    (
        "changes_0001_feed",
        """
        CREATE TABLE {schema}.change_feed (
            position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            divisions text[] NOT NULL
        );
        """,
    )
]


def channel(schema: str) -> str:
    """The LISTEN/NOTIFY channel of `schema`'s change feed."""
    return f"{schema}_changes"


def divisions_of(envelope: Envelope, event: Event) -> set[str]:
    """The divisions an event is about: its village (or division) code, else its tenant's narrowest."""
    for name in ("village_code", "code", "division_code"):
        value = getattr(event, name, None)
        if isinstance(value, str) and value:
            return {value}
    return {envelope.tenant.narrowest}


def compact(codes: Iterable[str]) -> list[str]:
    """Sorted codes; more than MAX_CODES are replaced by their 6-digit (county and above) codes."""
    unique = sorted(set(codes))
    if len(unique) > MAX_CODES:
        unique = sorted({c[:6] for c in unique})
    return unique


async def record_changes(conn: Connection, schema: str, codes: Iterable[str]) -> None:
    """Append a change row and notify, inside the caller's (the projection's) transaction."""
    divisions = compact(codes)
    if not divisions:
        return
    position = await conn.fetchval(
        f"INSERT INTO {schema}.change_feed (divisions) VALUES ($1) RETURNING position", divisions
    )
    await conn.execute("SELECT pg_notify($1, $2)", channel(schema), str(position))


def in_view(scope_prefix: str, divisions: Sequence[str]) -> list[str]:
    """The touched divisions a viewer may hear about: those inside the scope or enclosing it (a
    county-wide or province-wide change). A batch mixing counties is cut down per viewer, so no
    code from outside the scope ever reaches a client."""
    found = []
    for code in divisions:
        digits = significant_prefix(code)
        if digits.startswith(scope_prefix) or scope_prefix.startswith(digits):
            found.append(code)
    return found


@dataclass(frozen=True)
class Change:
    """One committed change: its position in the feed and the divisions it touched."""

    position: int
    divisions: list[str]


@dataclass(eq=False)  # compared (and hashed) by identity: one per client
class Subscription:
    """One live client: the changes inside its scope prefix, queued until it reads them."""

    scope_prefix: str
    queue: asyncio.Queue[Change | None] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    overflowed: bool = False

    def offer(self, change: Change) -> None:
        seen = in_view(self.scope_prefix, change.divisions)
        if self.overflowed or not seen:
            return
        try:
            self.queue.put_nowait(Change(change.position, seen))
        except asyncio.QueueFull:
            self.overflowed = True  # the stream sends a reset and the client reloads
            with contextlib.suppress(asyncio.QueueFull):
                self.queue.put_nowait(None)


class ChangeHub:
    """One LISTEN connection per process, fanned out to subscribers. `run` is supervised."""

    def __init__(self, pool: asyncpg.Pool, dsn: str, schema: str) -> None:
        self.pool, self.dsn, self.schema = pool, dsn, schema
        self.subscribers: set[Subscription] = set()
        self.last = 0
        self._wake = asyncio.Event()
        self.ready = asyncio.Event()

    async def head(self) -> int:
        """The newest position (0 when the feed is empty)."""
        value = await self.pool.fetchval(f"SELECT coalesce(max(position), 0) FROM {self.schema}.change_feed")
        return int(value)

    async def since(self, after: int) -> list[Change] | None:
        """Changes after `after`, or None when some were already pruned (or `after` is unknown)."""
        rows = await self.pool.fetch(
            f"SELECT position, divisions FROM {self.schema}.change_feed WHERE position > $1"
            " ORDER BY position LIMIT $2",
            after,
            KEEP,
        )
        oldest = await self.pool.fetchval(f"SELECT min(position) FROM {self.schema}.change_feed")
        head = rows[-1]["position"] if rows else await self.head()
        if after > head or (oldest is not None and after < oldest - 1) or len(rows) == KEEP:
            return None
        return [Change(r["position"], list(r["divisions"])) for r in rows]

    @contextlib.contextmanager
    def subscribe(self, scope_prefix: str) -> Any:
        sub = Subscription(scope_prefix)
        self.subscribers.add(sub)
        try:
            yield sub
        finally:
            self.subscribers.discard(sub)

    async def run(self) -> None:
        conn: asyncpg.Connection[Any] = await asyncpg.connect(self.dsn)
        try:
            await conn.add_listener(channel(self.schema), self._notified)
            if not self.last:
                self.last = await self.head()
            self._wake.set()  # read whatever committed while (re)connecting
            self.ready.set()
            while not conn.is_closed():
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=30)
                except TimeoutError:
                    continue  # only to notice a dropped connection: nothing is read without a NOTIFY
                self._wake.clear()
                await self._forward()
            raise ConnectionError("LISTEN connection closed")
        finally:
            self.ready.clear()
            with contextlib.suppress(Exception):
                await conn.close(timeout=2)

    def _notified(self, *_: Any) -> None:
        self._wake.set()

    async def _forward(self) -> None:
        rows = await self.pool.fetch(
            f"SELECT position, divisions FROM {self.schema}.change_feed"
            " WHERE position > $1 ORDER BY position",
            self.last,
        )
        for row in rows:
            change = Change(row["position"], list(row["divisions"]))
            self.last = change.position
            for sub in list(self.subscribers):
                sub.offer(change)
        if rows and rows[-1]["position"] % 1000 < len(rows):  # now and then, forget the oldest
            await self.pool.execute(
                f"DELETE FROM {self.schema}.change_feed WHERE position <= $1", self.last - KEEP
            )


async def stream_changes(
    hub: ChangeHub, scope_prefix: str, last_id: int | None
) -> AsyncIterator[dict[str, Any]]:
    """The events of one client: `ready` (fresh) or the replay since `last_id` (or `reset`), then
    `changed` as they commit; `reset` whenever it fell behind. Dicts for sse-starlette."""
    with hub.subscribe(scope_prefix) as sub:  # subscribe first: nothing falls between replay and live
        replayed: set[int] = set()
        if last_id is None:
            sent = await hub.head()
            yield {"event": "ready", "id": str(sent), "data": json.dumps({"position": sent})}
        else:
            missed = await hub.since(last_id)
            if missed is None:
                sent = await hub.head()
                yield _reset(sent, "missed")
            else:
                sent = last_id
                for change in missed:
                    replayed.add(change.position)
                    seen = in_view(scope_prefix, change.divisions)
                    if seen:
                        sent = max(sent, change.position)
                        yield _changed(Change(change.position, seen), sent)
        while True:
            change = await sub.queue.get()
            if change is None:
                sub.overflowed, sent = False, max(sent, await hub.head())
                yield _reset(sent, "behind")
                continue
            if change.position in replayed:
                continue
            # a commit that became visible after a later position keeps the ids from going back
            sent = max(sent, change.position)
            yield _changed(change, sent)


def _changed(change: Change, event_id: int) -> dict[str, Any]:
    data = {"divisions": change.divisions, "position": change.position}
    return {"event": "changed", "id": str(event_id), "data": json.dumps(data)}


def _reset(position: int, reason: str) -> dict[str, Any]:
    return {
        "event": "reset",
        "id": str(position),
        "data": json.dumps({"position": position, "reason": reason}),
    }
