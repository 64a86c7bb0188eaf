"""The command runner: load a decider's stream, decide, append, with idempotency and event metadata.

Every command of every service goes through `CommandRunner.run` (or `execute`, its function form):
one transaction that claims the idempotency key first (eventkit.idempotency), folds the stream,
decides, appends (with the service's inline records, `after_append`) and stores the answer last.

Event metadata comes from the request: its correlation id (the `x-correlation-id` header, or the one
the service assigned; see eventkit.web) becomes every appended event's `correlation_id`, so logs
and events join on it. The envelope's id is a UUID: a header value that is a UUID is kept as is,
any other accepted value maps to the same name-based UUID every time (`correlation_uuid`). An event
appended because of another event carries that event's correlation id and `causation_id` = its id
(`caused_by`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID, uuid4, uuid5

from vc_contracts import Envelope, Event, Tenant

from eventkit.clock import now_cst
from eventkit.db import Connection
from eventkit.decider import Decider
from eventkit.errors import VersionConflictError
from eventkit.idempotency import Idempotency, claim, remember
from eventkit.logs import correlation_id
from eventkit.store import ConcurrencyError, EventStore, Metadata, StoredEvent

S = TypeVar("S")
C = TypeVar("C")

AfterAppend = Callable[[Connection, list[StoredEvent]], Awaitable[None]]
"""Runs in the append's transaction (after the insert, under the store's ordering lock): inline read
models and records that must commit with the events or not at all. Raising refuses the command."""

CORRELATION_NAMESPACE = UUID("0f6e4f5c-3c1e-5b8e-9a57-7c1c0a4d2e11")
"""Namespace of the name-based UUIDs that stand for correlation ids which are not UUIDs."""


def correlation_uuid(value: str | None) -> UUID:
    """The events' correlation id for a request's: the UUID itself, else uuid5 of the text (the same
    text always gives the same id), else (no request, e.g. a CLI task) a fresh random one."""
    if not value:
        return uuid4()
    try:
        return UUID(value)
    except ValueError:
        return uuid5(CORRELATION_NAMESPACE, value)


def request_metadata(actor: str) -> Metadata:
    """Metadata of events a request causes: `actor` and the request's correlation id (eventkit.logs)."""
    return Metadata(actor, correlation_id=correlation_uuid(correlation_id.get()))


def caused_by(cause: Envelope | StoredEvent, actor: str) -> Metadata:
    """Metadata of events appended because of `cause` (a process manager, a consumer): its
    correlation id, and its event id as the causation id."""
    envelope = cause.envelope if isinstance(cause, StoredEvent) else cause
    return Metadata(actor, correlation_id=envelope.correlation_id, causation_id=envelope.event_id)


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
        """`{stream_id, version, events: [{event_id, event_type, stream_version, position}]}`."""
        return {"stream_id": self.stream_id, "version": self.version, "events": self.events}

    def as_json(self) -> dict[str, Any]:
        return self.answer


Respond = Callable[[Connection, Outcome], Awaitable[dict[str, Any]]]
"""Builds the answer inside the command's transaction (so it is stored with the events)."""


async def summary(_: Connection, outcome: Outcome) -> dict[str, Any]:
    """The default answer: the stream, its new version and the events appended."""
    return outcome.summary()


def answer_with(**extra: Any) -> Respond:
    """A `respond` that answers the outcome's summary followed by `extra` (e.g. the new entity's id)."""

    async def respond(_: Connection, outcome: Outcome) -> dict[str, Any]:
        return {**outcome.summary(), **extra}

    return respond


async def load(
    store: EventStore, decider: Decider[S, Any], stream_id: str, conn: Connection | None = None
) -> tuple[S, int]:
    """The stream's state and version (0: no events yet)."""
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
    unchanged_status: int | None = None,
) -> Outcome:
    """Decide `command` on the current state of `stream_id` and append the result.

    With `expected_version` the caller's view must still be current (else 409 ConcurrencyError,
    naming `expected_version`); without it a concurrent append is retried on fresh state, `retries`
    times in all, then 409 VersionConflictError (no field: the request sent no version). With a
    keyed `idempotency` the key is claimed first in the transaction and the answer (`respond`)
    stored last (see eventkit.idempotency): a retry raises `Replayed` with the first answer, a
    different request under the key 422.
    With `conn` (a caller's open transaction) each attempt runs in a savepoint of it.
    With `unchanged_status` a command that decides nothing (it is in force already) is answered with
    that status instead of the route's (e.g. 200 for a route that answers 201 when it creates), and a
    keyed retry replays that status; the caller's route sends it when `Outcome.events` is empty.
    """
    call = _Call(
        store, decider, stream_id, command, tenant, metadata, expected_version, idempotency, respond,
        now or now_cst(), occurred_at, after_append, unchanged_status,
    )  # fmt: skip
    for attempt in range(retries):
        try:
            if conn is not None:
                async with conn.transaction():
                    return await _attempt(call, conn)
            async with store.pool.acquire() as own, own.transaction():
                return await _attempt(call, own)
        except ConcurrencyError as exc:
            if expected_version is not None:
                raise  # the caller's view was stale: 409 naming its expected_version
            if attempt == retries - 1:
                raise VersionConflictError(
                    f"数据正被他人同时修改（已重试 {retries} 次仍未成功），请稍后重试"
                ) from exc
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class _Call:
    """One `execute` call's arguments, for each of its attempts."""

    store: EventStore
    decider: Decider[Any, Any]
    stream_id: str
    command: Any
    tenant: Tenant
    metadata: Metadata
    expected_version: int | None
    idempotency: Idempotency | None
    respond: Respond
    now: datetime
    occurred_at: Callable[[Event], datetime | None] | None
    after_append: AfterAppend | None
    unchanged_status: int | None


async def _attempt(c: _Call, conn: Connection) -> Outcome:
    await claim(conn, c.idempotency)  # first: a concurrent duplicate waits here, then replays
    state, version = await load(c.store, c.decider, c.stream_id, conn)
    if c.expected_version is not None and c.expected_version != version:
        raise ConcurrencyError(c.stream_id, c.expected_version, version)
    events = list(c.decider.decide(state, c.command, c.now))
    times = [(c.occurred_at(e) if c.occurred_at else None) or c.now for e in events]
    stored = await c.store.append(
        c.stream_id, version, events, tenant=c.tenant, metadata=c.metadata, occurred_at=times, conn=conn
    )
    if c.after_append is not None and stored:
        await c.after_append(conn, stored)
    outcome = Outcome(c.stream_id, version + len(events), _summary(stored))
    idem = c.idempotency
    if not events and c.unchanged_status is not None and idem is not None:
        idem = replace(idem, status=c.unchanged_status)  # a keyed retry replays what was sent
    answer = await remember(conn, idem, await c.respond(conn, outcome))
    return replace(outcome, answer=answer)


class CommandRunner:
    """A service's command runner: its store and the records every append of it keeps inline.

    `after_append` (e.g. the ledger's entries table) runs in the transaction of every command of
    the service; a call may add its own (e.g. a private table of one command), run after it.
    """

    def __init__(self, store: EventStore, after_append: AfterAppend | None = None) -> None:
        self.store, self.after_append = store, after_append

    async def state(self, decider: Decider[S, Any], stream_id: str, conn: Connection | None = None) -> S:
        """The stream's current state (the initial state for a stream with no events)."""
        return (await load(self.store, decider, stream_id, conn))[0]

    async def run(
        self,
        decider: Decider[S, C],
        stream_id: str,
        command: C,
        *,
        actor: str,
        tenant: str,
        idempotency: Idempotency | None = None,
        respond: Respond = summary,
        occurred_at: Callable[[Event], datetime | None] | None = None,
        after_append: AfterAppend | None = None,
        cause: Envelope | StoredEvent | None = None,
        expected_version: int | None = None,
        conn: Connection | None = None,
        unchanged_status: int | None = None,
    ) -> Outcome:
        """Run `command` on `stream_id` for `actor`, the events' tenant the division code `tenant`.

        Metadata: `caused_by(cause)` for an event-caused command, else the request's correlation
        id (`request_metadata`). Errors: the decider's AppError, `ConcurrencyError` /
        `VersionConflictError` (409),
        `Replayed` / `IdempotencyKeyReusedError` (see `execute`, also for `unchanged_status`).
        """
        return await execute(
            self.store,
            decider,
            stream_id,
            command,
            tenant=Tenant.of(tenant),
            metadata=caused_by(cause, actor) if cause is not None else request_metadata(actor),
            expected_version=expected_version,
            idempotency=idempotency,
            respond=respond,
            occurred_at=occurred_at,
            after_append=self._records(after_append),
            conn=conn,
            unchanged_status=unchanged_status,
        )

    def _records(self, extra: AfterAppend | None) -> AfterAppend | None:
        own = self.after_append
        if own is None or extra is None:
            return own or extra

        async def both(conn: Connection, stored: list[StoredEvent]) -> None:
            await own(conn, stored)
            await extra(conn, stored)

        return both
