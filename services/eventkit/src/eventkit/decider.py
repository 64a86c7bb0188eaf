"""Running a pure decider against the store: load, fold, decide, append (with idempotency keys).

A decider is three pure things: an initial state, `evolve(state, event) -> state`, and
`decide(state, command, now) -> list[Event]` which raises an AppError subclass to refuse.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Generic, TypeVar

from vc_contracts import Event, Tenant

from eventkit.clock import now_cst
from eventkit.db import Connection
from eventkit.idempotency import Idempotency, claim, remember
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
    """What a command did: the stream's new version, the events appended, and the answer sent.

    `answer` is the HTTP body exactly as the client gets it (and as a retry under the same
    idempotency key gets it again): `summary()` unless the caller's `respond` built another.
    """

    stream_id: str
    version: int
    events: list[dict[str, Any]]
    answer: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return {"stream_id": self.stream_id, "version": self.version, "events": self.events}

    def as_json(self) -> dict[str, Any]:
        return self.answer


Respond = Callable[[Connection, Outcome], Awaitable[dict[str, Any]]]
"""Builds the answer inside the command's transaction (so it is stored with the events)."""


async def summary(_: Connection, outcome: Outcome) -> dict[str, Any]:
    return outcome.summary()


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
    idempotency: Idempotency | None = None,
    respond: Respond = summary,
    now: datetime | None = None,
    occurred_at: Callable[[Event], datetime | None] | None = None,
    after_append: AfterAppend | None = None,
    retries: int = 3,
    conn: Connection | None = None,
) -> Outcome:
    """Decide `command` on the current state of `stream_id` and append the result.

    With `expected_version` the caller's view must still be current (else 409); without it a
    concurrent append is retried on fresh state. With a keyed `idempotency` the key is claimed first
    in the transaction and the answer (`respond`) stored last (see eventkit.idempotency): a retry
    raises `Replayed` with the first answer, a different request under the key 422.
    With `conn` (a caller's open transaction) each attempt runs in a savepoint of it.
    """
    for attempt in range(retries):
        try:
            if conn is not None:
                async with conn.transaction():
                    return await _attempt(
                        store, decider, stream_id, command, tenant, metadata, expected_version,
                        idempotency, respond, now or now_cst(), occurred_at, after_append, conn,
                    )  # fmt: skip
            async with store.pool.acquire() as own, own.transaction():
                return await _attempt(
                    store, decider, stream_id, command, tenant, metadata, expected_version,
                    idempotency, respond, now or now_cst(), occurred_at, after_append, own,
                )  # fmt: skip
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
    idempotency: Idempotency | None,
    respond: Respond,
    now: datetime,
    occurred_at: Callable[[Event], datetime | None] | None,
    after_append: AfterAppend | None,
    conn: Connection,
) -> Outcome:
    await claim(conn, idempotency)  # first: a concurrent duplicate waits here, then replays
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
    answer = await remember(conn, idempotency, await respond(conn, outcome))
    return replace(outcome, answer=answer)
