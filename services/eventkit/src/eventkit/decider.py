"""Running a pure decider against the store: load, fold, decide, append (with idempotency keys).

A decider is three pure things: an initial state, `evolve(state, event) -> state`, and
`decide(state, command, now) -> list[Event]` which raises an AppError subclass to refuse.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from vc_contracts import Event, Tenant

from eventkit.clock import now_cst
from eventkit.db import Connection
from eventkit.store import ConcurrencyError, EventStore, Metadata, StoredEvent

S = TypeVar("S")
C = TypeVar("C")

AfterAppend = Callable[[Connection, list[StoredEvent]], Awaitable[None]]
"""Runs in the append's transaction (after the insert, under the store's ordering lock): inline read
models and records that must commit with the events or not at all. Raising refuses the command."""


@dataclass(frozen=True)
class Decider(Generic[S, C]):
    initial: S
    evolve: Callable[[S, Event], S]
    decide: Callable[[S, C, datetime], Sequence[Event]]

    def fold(self, events: Sequence[Event]) -> S:
        state = self.initial
        for event in events:
            state = self.evolve(state, event)
        return state


@dataclass(frozen=True)
class Outcome:
    stream_id: str
    version: int
    events: list[dict[str, Any]]
    replayed: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "stream_id": self.stream_id,
            "version": self.version,
            "events": self.events,
            "replayed": self.replayed,
        }


async def load(
    store: EventStore, decider: Decider[S, Any], stream_id: str, conn: Connection | None = None
) -> tuple[S, int]:
    stored = await store.read_stream(stream_id, conn)
    return decider.fold([s.event for s in stored]), len(stored)


def _summary(stored: Sequence[StoredEvent]) -> list[dict[str, Any]]:
    return [
        {
            "event_id": str(s.envelope.event_id),
            "event_type": s.envelope.event_type,
            "stream_version": s.envelope.stream_version,
            "position": s.position,
        }
        for s in stored
    ]


async def execute(
    store: EventStore,
    decider: Decider[S, C],
    stream_id: str,
    command: C,
    *,
    tenant: Tenant,
    metadata: Metadata,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
    now: datetime | None = None,
    occurred_at: Callable[[Event], datetime | None] | None = None,
    after_append: AfterAppend | None = None,
    retries: int = 3,
) -> Outcome:
    """Decide `command` on the current state of `stream_id` and append the result.

    With `expected_version` the caller's view must still be current (else 409); without it a
    concurrent append is retried on fresh state. A repeated `idempotency_key` of the same actor
    returns the first outcome and appends nothing.
    """
    for attempt in range(retries):
        try:
            return await _attempt(
                store,
                decider,
                stream_id,
                command,
                tenant,
                metadata,
                expected_version,
                idempotency_key,
                now or now_cst(),
                occurred_at,
                after_append,
            )
        except ConcurrencyError:
            if expected_version is not None or attempt == retries - 1:
                raise
    raise AssertionError("unreachable")


async def _attempt(
    store: EventStore,
    decider: Decider[S, C],
    stream_id: str,
    command: C,
    tenant: Tenant,
    metadata: Metadata,
    expected_version: int | None,
    idempotency_key: str | None,
    now: datetime,
    occurred_at: Callable[[Event], datetime | None] | None,
    after_append: AfterAppend | None = None,
) -> Outcome:
    async with store.pool.acquire() as conn, conn.transaction():
        if idempotency_key:
            previous = await _remembered(store, conn, idempotency_key, metadata.actor)
            if previous is not None:
                return Outcome(**{**previous, "replayed": True})
        state, version = await load(store, decider, stream_id, conn)
        if expected_version is not None and expected_version != version:
            raise ConcurrencyError(stream_id, expected_version, version)
        events = list(decider.decide(state, command, now))
        times = [(occurred_at(e) if occurred_at else None) or now for e in events]
        stored = await store.append(
            stream_id, version, events, tenant=tenant, metadata=metadata, occurred_at=times, conn=conn
        )
        if after_append is not None and stored:
            await after_append(conn, stored)
        outcome = Outcome(stream_id, version + len(events), _summary(stored))
        if idempotency_key:
            await conn.execute(
                f"INSERT INTO {store.schema}.idempotency_keys (key, actor, response) VALUES ($1, $2, $3)",
                idempotency_key,
                metadata.actor,
                json.dumps(outcome.as_json()),
            )
        return outcome


async def _remembered(store: EventStore, conn: Connection, key: str, actor: str) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        f"SELECT response::text AS response FROM {store.schema}.idempotency_keys"
        " WHERE key = $1 AND actor = $2",
        key,
        actor,
    )
    if row is None:
        return None
    data: dict[str, Any] = json.loads(row["response"])
    data.pop("replayed", None)
    return data
