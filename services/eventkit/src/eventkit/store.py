"""The per-service event store (asyncpg): append with expected version, read a stream, read all.

Global order: appends take a transaction-level advisory lock (one per service: `append_lock`) in
the statement that inserts, so positions are handed out in commit order and a reader that remembers
"last position seen" never skips an event that commits late (the outbox gap; see DESIGN.md).

Group commit: appends made without a caller's transaction (`conn=None`) are merged. One flush per
store at a time takes every append queued meanwhile and writes them with one version read and one
INSERT that takes the lock, notifies and commits in a single statement (autocommit), so the lock is
held for that statement's execution and its commit only, with no client round trip inside it, and
one commit (one WAL flush) serves the whole group. Each caller still gets its own answer: its own
ConcurrencyError (versions are checked per caller, in queue order, as if appended one by one), its
own EventTooLargeError (checked before it queues), and, when the merged INSERT fails for one row
(a constraint or data error), every caller is retried alone so one bad append sinks no other.
Callers passing `after_append` are written in one transaction with a savepoint each (the lock taken
once, before the first): one whose hook raises is rolled back alone.

Bulk imports: `take_order` takes the lock at the start of the caller's transaction and answers the
database's clock, the `recorded_at` of every event `copy_new_streams` then appends by COPY in that
transaction. An importer knows each envelope before writing it, so it can hash and prepare the
next chunk while the database writes this one.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast
from uuid import UUID, uuid4

import asyncpg
from asyncpg.pgproto.pgproto import UUID as PgUUID
from pydantic_core import from_json
from vc_contracts import CST, Envelope, Event, Tenant

from eventkit import metrics
from eventkit.clock import now_cst
from eventkit.copy_text import event_rows_text
from eventkit.db import Connection
from eventkit.errors import AppError


def append_lock(schema: str) -> int:
    """The advisory-lock key ordering `schema`'s appends (a signed 64-bit int): one per service, so
    services sharing a database never wait on each other's commits."""
    digest = hashlib.blake2b(f"eventkit.append:{schema}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


MAX_EVENT_BYTES = 256 * 1024
"""Default bound on one event's envelope as published (UTF-8 bytes): a quarter of the broker's
default 1 MB message limit, so headers, batching and a larger envelope never reach it."""
ENVELOPE_HEAD_BYTES = 512
"""Upper estimate of the envelope's fixed part (ids, times, type, version, key names, metadata)."""


class EventTooLargeError(AppError):
    """An event whose envelope would exceed the store's bound (HTTP 413): nothing is appended, since
    a record the broker refuses would stop the relay for every later event."""

    status, code = 413, "event_too_large"

    def __init__(self, event_type: str, size: int, bound: int) -> None:
        super().__init__(
            f"记录内容过大（{event_type} 约 {size} 字节，上限 {bound} 字节），请精简文字或分多条登记",
            details={"event_type": event_type, "size": size, "bound": bound},
        )


class ConcurrencyError(Exception):
    """The stream moved on since it was read (HTTP 409)."""

    def __init__(self, stream_id: str, expected: int, actual: int) -> None:
        super().__init__(f"stream {stream_id} is at version {actual}, expected {expected}")
        self.stream_id, self.expected, self.actual = stream_id, expected, actual


@dataclass(frozen=True)
class Metadata:
    """Who caused an append and why: written once per event, carried on the envelope."""

    actor: str
    correlation_id: UUID = field(default_factory=uuid4)
    causation_id: UUID | None = None


@dataclass(frozen=True)
class NewStream:
    """Events for one stream of a multi-stream append (`EventStore.append_many`)."""

    stream_id: str
    events: Sequence[Event]
    tenant: Tenant
    occurred_at: datetime
    expected_version: int = 0


@dataclass(frozen=True)
class StoredEvent:
    position: int
    envelope: Envelope
    typed: Event | None = field(default=None, compare=False, repr=False)
    """The event as appended (set by `append`): `event` then needs no second validation."""

    @property
    def event(self) -> Event:
        return self.typed if self.typed is not None else self.envelope.event()


def _row_to_stored(row: asyncpg.Record) -> StoredEvent:
    meta = json.loads(row["metadata"])
    envelope = Envelope(
        event_id=row["event_id"],
        event_type=row["event_type"],
        schema_version=row["schema_version"],
        stream_id=row["stream_id"],
        stream_version=row["stream_version"],
        occurred_at=row["occurred_at"],
        recorded_at=row["recorded_at"],
        tenant=Tenant.model_validate_json(row["tenant"]),
        actor=meta["actor"],
        correlation_id=meta["correlation_id"],
        causation_id=meta.get("causation_id"),
        data=json.loads(row["data"]),
    )
    return StoredEvent(position=row["position"], envelope=envelope)


@dataclass(frozen=True)
class WireEvent:
    """One stored event as Kafka carries it: key = stream id, value = envelope JSON, type headers;
    `partition_key` (the county code, else city or province) chooses the partition (topics.py)."""

    position: int
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]
    error: str | None = None  # set when the row cannot be encoded: the relay records it, never sends it
    partition_key: bytes | None = None


def wire_event(row: asyncpg.Record) -> WireEvent:
    """Encode a row as the Envelope would serialise, without building and re-validating the model.

    The stored JSON (tenant, data) is spliced in as text: it was validated when it was appended.
    """
    meta = json.loads(row["metadata"])
    head = {
        "event_id": str(row["event_id"]),
        "event_type": row["event_type"],
        "schema_version": row["schema_version"],
        "stream_id": row["stream_id"],
        "stream_version": row["stream_version"],
        "occurred_at": row["occurred_at"].astimezone(CST).isoformat(),
        "recorded_at": row["recorded_at"].astimezone(CST).isoformat(),
        "actor": meta["actor"],
        "correlation_id": meta["correlation_id"],
        "causation_id": meta.get("causation_id"),
    }
    body = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
    value = f'{body},"tenant":{row["tenant"]},"data":{row["data"]}}}'.encode()
    headers = [
        ("event_type", row["event_type"].encode()),
        ("schema_version", str(row["schema_version"]).encode()),
        ("content-type", b"application/json"),
    ]
    key = row.get("partition_key")  # absent when a caller selected its own columns
    return WireEvent(row["position"], row["stream_id"].encode(), value, headers, None, key and key.encode())


def _wire_or_error(row: asyncpg.Record) -> WireEvent:
    """One row for the relay; a row that cannot be encoded (written behind the store's back) comes
    back with its error instead of failing the whole read, so it cannot stop the relay."""
    try:
        return wire_event(row)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return WireEvent(
            row["position"], str(row["stream_id"]).encode(), b"", [], f"{type(exc).__name__}: {exc}"
        )


_COLUMNS = (
    "position, event_id, stream_id, stream_version, event_type, schema_version, tenant::text AS tenant,"
    " occurred_at, recorded_at, data::text AS data, metadata::text AS metadata,"
    " coalesce(county, tenant->>'county', tenant->>'city', tenant->>'province') AS partition_key"
)


class EventStore:
    """One service's append-only event table; also its outbox (the relay reads it)."""

    def __init__(self, pool: asyncpg.Pool, schema: str, *, max_event_bytes: int = MAX_EVENT_BYTES) -> None:
        self.pool, self.schema = pool, schema
        self.channel = f"{schema}_events"
        self.max_event_bytes = max_event_bytes
        self.append_lock = append_lock(schema)
        self._insert_sql = _insert_sql(schema, lock=True)
        self._insert_locked_sql = _insert_sql(schema, lock=False)
        self._copied_sql = f"""
            WITH ours AS MATERIALIZED (SELECT position, event_id FROM {schema}.events WHERE position > $1)
            SELECT (SELECT count(*) FROM ours) AS n, (SELECT min(position) FROM ours) AS lo,
                   (SELECT max(position) FROM ours) AS hi,
                   (SELECT event_id FROM ours ORDER BY position LIMIT 1) AS first_id,
                   (SELECT event_id FROM ours ORDER BY position DESC LIMIT 1) AS last_id"""
        self._order_sql = (  # the clock read once the lock is held (a materialised CTE runs first)
            "WITH ordered AS MATERIALIZED (SELECT pg_notify($1, ''), pg_advisory_xact_lock($2))"
            " SELECT clock_timestamp() FROM ordered"
        )
        self._queue: list[_Pending] = []
        self._flushers: set[asyncio.Task[None]] = set()

    async def version(self, stream_id: str, conn: Connection | None = None) -> int:
        query = f"SELECT coalesce(max(stream_version), 0) FROM {self.schema}.events WHERE stream_id = $1"
        if conn is not None:
            return int(await conn.fetchval(query, stream_id))
        return int(await self.pool.fetchval(query, stream_id))

    async def read_stream(self, stream_id: str, conn: Connection | None = None) -> list[StoredEvent]:
        query = f"SELECT {_COLUMNS} FROM {self.schema}.events WHERE stream_id = $1 ORDER BY stream_version"
        rows = await (conn or self.pool).fetch(query, stream_id)
        return [_row_to_stored(r) for r in rows]

    async def read_streams(
        self, stream_ids: Sequence[str], conn: Connection | None = None
    ) -> dict[str, list[StoredEvent]]:
        """Several streams in one query (bulk imports): stream id -> its events in version order."""
        query = (
            f"SELECT {_COLUMNS} FROM {self.schema}.events WHERE stream_id = ANY($1::text[])"
            " ORDER BY stream_id, stream_version"
        )
        found: dict[str, list[StoredEvent]] = {s: [] for s in stream_ids}
        for row in await (conn or self.pool).fetch(query, list(stream_ids)):
            found[row["stream_id"]].append(_row_to_stored(row))
        return found

    async def read_all_wire(self, after: int = 0, limit: int = 1000) -> list[WireEvent]:
        """Events after `after` already encoded for the wire: what the relay publishes, no re-validation."""
        query = f"SELECT {_COLUMNS} FROM {self.schema}.events WHERE position > $1 ORDER BY position LIMIT $2"
        return [_wire_or_error(r) for r in await self.pool.fetch(query, after, limit)]

    async def head(self) -> int:
        """The highest position stored (for lag metrics; cheap on the primary key)."""
        return int(await self.pool.fetchval(f"SELECT coalesce(max(position), 0) FROM {self.schema}.events"))

    async def read_all(
        self, after: int = 0, limit: int = 1000, conn: Connection | None = None
    ) -> list[StoredEvent]:
        query = f"SELECT {_COLUMNS} FROM {self.schema}.events WHERE position > $1 ORDER BY position LIMIT $2"
        return [_row_to_stored(r) for r in await (conn or self.pool).fetch(query, after, limit)]

    async def append(
        self,
        stream_id: str,
        expected_version: int | None,
        events: Sequence[Event],
        *,
        tenant: Tenant,
        metadata: Metadata,
        occurred_at: Sequence[datetime] | datetime | None = None,
        conn: Connection | None = None,
        after_append: AfterInsert | None = None,
    ) -> list[StoredEvent]:
        """Append `events` to `stream_id` if it is at `expected_version` (None: any version).

        Pass `conn` to append inside a caller's transaction (e.g. with an idempotency record).
        Without it the append joins the store's group commit (see the module docstring) and has
        committed when this returns. `after_append(conn, stored)` runs in the same transaction, after
        the insert and under the ordering lock; when it raises, this append is rolled back alone and
        the exception is raised here. Raises ConcurrencyError (HTTP 409), EventTooLargeError (413).
        """
        if not events:
            return []
        started = time.perf_counter()
        rows = _rows(stream_id, events, tenant, metadata, occurred_at)
        self._check_sizes(rows)
        if conn is None:
            stored = await self._grouped(_Pending(stream_id, expected_version, rows, after_append))
        else:
            stored = await self._append_in(conn, stream_id, expected_version, rows)
            if after_append is not None:
                await after_append(conn, stored)
        metrics.APPEND_SECONDS.labels(self.schema).observe(time.perf_counter() - started)
        return stored

    async def _append_in(
        self, conn: Connection, stream_id: str, expected: int | None, rows: list[tuple[Any, ...]]
    ) -> list[StoredEvent]:
        """One append on `conn` (in the caller's transaction, or a statement of its own)."""
        current = await self.version(stream_id, conn)
        if expected is not None and current != expected:
            raise ConcurrencyError(stream_id, expected, current)
        try:
            return await self._insert(conn, _at(rows, current))
        except asyncpg.UniqueViolationError:
            raise ConcurrencyError(stream_id, current, await self.version(stream_id)) from None

    # -- group commit -------------------------------------------------------------------------------

    async def _grouped(self, pending: _Pending) -> list[StoredEvent]:
        loop = asyncio.get_running_loop()
        pending.future = loop.create_future()
        if any(f.get_loop() is not loop for f in self._flushers):
            self._queue, self._flushers = [], set()  # the store moved to another event loop (tests)
        self._queue.append(pending)
        self._flushers = {f for f in self._flushers if not f.done()}
        if len(self._flushers) < FLUSHES:
            self._flushers.add(loop.create_task(self._flush(), name=f"{self.schema} append group commit"))
        # A cancelled caller cancels only its future: dropped if its group has not started,
        # otherwise its events commit (or not) with the group, as a commit in flight would.
        return await pending.future

    async def _flush(self) -> None:
        """Write groups while appends are queued (up to FLUSHES groups in flight per store)."""
        while self._queue:
            group: list[_Pending] = []
            size = 0
            while self._queue and (not group or size + len(self._queue[0].rows) <= GROUP_EVENTS):
                pending = self._queue.pop(0)
                if not pending.future.done():  # a cancelled caller is dropped before it is written
                    group.append(pending)
                    size += len(pending.rows)
            try:
                if any(p.after is not None for p in group):
                    await self._write_with_hooks(group)
                elif group:
                    await self._write_at_once(group)
            except asyncio.CancelledError:
                for p in group:
                    p.future.cancel()
                raise
            except Exception as exc:  # the connection or the commit failed: nothing of the group is known
                for p in group:
                    _settle(p, exc)

    async def _write_at_once(self, group: list[_Pending]) -> None:
        """The whole group in one INSERT statement (autocommit: lock, insert, notify, commit)."""
        async with self.pool.acquire() as conn:
            accepted = await self._check_versions(conn, group)
            if not accepted:
                return
            try:
                inserted = await self._insert(conn, [r for p in accepted for r in _at(p.rows, p.base)])
            except (asyncpg.IntegrityConstraintViolationError, asyncpg.DataError) as exc:
                # The statement failed as a whole and wrote nothing: each caller again, alone.
                if len(accepted) == 1:
                    _settle(accepted[0], await self._refusal(exc, accepted[0]))
                    return
                for p in accepted:
                    try:
                        _settle(p, await self._append_in(conn, p.stream_id, p.expected, p.rows))
                    except (
                        ConcurrencyError,
                        asyncpg.IntegrityConstraintViolationError,
                        asyncpg.DataError,
                    ) as e:
                        _settle(p, e)
                return
        owner = {r[0]: p for p in accepted for r in p.rows}
        mine: dict[int, list[StoredEvent]] = {id(p): [] for p in accepted}
        for s in inserted:
            mine[id(owner[s.envelope.event_id])].append(s)
        for p in accepted:
            _settle(p, mine[id(p)])

    async def _write_with_hooks(self, group: list[_Pending]) -> None:
        """The group in one transaction, each caller in a savepoint with its `after_append`."""
        done: list[tuple[_Pending, list[StoredEvent]]] = []
        async with self.pool.acquire() as conn, conn.transaction():
            accepted = await self._check_versions(conn, group)
            # At the top level: a lock taken inside a savepoint would go with its rollback.
            await conn.execute("SELECT pg_advisory_xact_lock($1)", self.append_lock)
            for p in accepted:
                try:
                    async with conn.transaction():
                        stored = await self._insert(conn, _at(p.rows, p.base), lock=False)
                        if p.after is not None:
                            await p.after(conn, stored)
                except Exception as exc:  # this caller's refusal; the others go on
                    _settle(p, await self._refusal(exc, p))
                    continue
                done.append((p, stored))
        for p, stored in done:  # committed
            _settle(p, stored)

    async def _check_versions(self, conn: Connection, group: list[_Pending]) -> list[_Pending]:
        """Refuse the callers whose expected version is not the stream's (in queue order, as if each
        appended alone); give the others the version their events follow.

        A caller expecting a new stream (version 0) needs no read: its version 1 is refused by the
        stream's unique version if the stream exists (the group is then written caller by caller).
        A group of new streams, the usual case, is one statement."""
        streams = list({p.stream_id for p in group if p.expected != 0})
        found = await conn.fetch(
            f"SELECT stream_id, max(stream_version) AS version FROM {self.schema}.events"
            " WHERE stream_id = ANY($1::text[]) GROUP BY stream_id",
            streams,
        ) if streams else []  # fmt: skip
        current = {r["stream_id"]: r["version"] for r in found}
        accepted = []
        for p in group:
            at = current.get(p.stream_id, 0)
            if p.expected is not None and p.expected != at:
                _settle(p, ConcurrencyError(p.stream_id, p.expected, at))
                continue
            p.base, current[p.stream_id] = at, at + len(p.rows)
            accepted.append(p)
        return accepted

    async def _refusal(self, exc: Exception, p: _Pending) -> Exception:
        if isinstance(exc, asyncpg.UniqueViolationError):
            return ConcurrencyError(p.stream_id, p.base, await self.version(p.stream_id))
        return exc

    async def append_many(
        self, batch: Sequence[NewStream], *, metadata: Metadata, conn: Connection
    ) -> list[StoredEvent]:
        """Append to many streams with one INSERT, inside the caller's transaction (bulk imports).

        Every stream must be at its `expected_version`, else ConcurrencyError and nothing is appended
        (a concurrent writer that wins the race aborts the transaction with the same error).
        """
        rows, drawn = await self._append_many(batch, metadata, conn)
        return _answers(rows, drawn)

    async def append_rows(
        self,
        batch: Sequence[NewStream],
        *,
        metadata: Metadata,
        conn: Connection,
        rows: BulkRows | None = None,
    ) -> list[Appended]:
        """`append_many` answering the values inserted (no `Envelope` built, no JSON parsed): for bulk
        writers that project and hash tens of thousands of events from what they appended.
        In position order; the same checks and errors as `append_many`. `rows`: `bulk_rows(batch,
        metadata)` built beforehand (a bulk writer builds the next batch's while this one is
        written)."""
        rows_, drawn = await self._append_many(batch, metadata, conn, rows)
        return sorted((Appended(*drawn[row[0]], *row) for row in rows_), key=lambda a: a.position)

    def bulk_rows(self, batch: Sequence[NewStream], metadata: Metadata) -> BulkRows:
        """The insert rows of `batch` (event ids drawn, JSON encoded, sizes checked): no I/O, so it
        may run in a worker thread. Raises EventTooLargeError."""
        meta = _metadata_json(metadata)
        tenants: dict[int, str] = {}
        for b in batch:  # once per tenant object (a village's streams share one), not per stream
            if id(b.tenant) not in tenants:
                tenants[id(b.tenant)] = b.tenant.model_dump_json()
        ids = _event_ids(sum(len(b.events) for b in batch))
        rows = [
            (next(ids), b.stream_id, b.expected_version + i + 1, e.event_type, e.schema_version,
             tenants[id(b.tenant)], b.tenant.county, b.occurred_at, e.model_dump_json(), meta,
             e, b.tenant, metadata)
            for b in batch
            for i, e in enumerate(b.events)
        ]  # fmt: skip
        self._check_sizes(rows)
        return BulkRows(rows)

    async def _append_many(
        self,
        batch: Sequence[NewStream],
        metadata: Metadata,
        conn: Connection,
        prepared: BulkRows | None = None,
    ) -> tuple[list[tuple[Any, ...]], dict[UUID, tuple[int, datetime]]]:
        if not batch:
            return [], {}
        started = time.perf_counter()
        # A new stream (expected version 0) needs no read: its version 1 is refused by the
        # stream's unique version if the stream exists (a bulk import is all new streams).
        streams = [b.stream_id for b in batch if b.expected_version != 0]
        found = await conn.fetch(
            f"SELECT stream_id, max(stream_version) AS version FROM {self.schema}.events"
            " WHERE stream_id = ANY($1::text[]) GROUP BY stream_id",
            streams,
        ) if streams else []  # fmt: skip
        current = {r["stream_id"]: r["version"] for r in found}
        for b in batch:
            if b.expected_version != 0 and current.get(b.stream_id, 0) != b.expected_version:
                raise ConcurrencyError(b.stream_id, b.expected_version, current.get(b.stream_id, 0))
        rows = (prepared or self.bulk_rows(batch, metadata)).rows
        try:
            drawn = await self._insert_rows(conn, rows)
        except asyncpg.UniqueViolationError as exc:
            raise ConcurrencyError(_stream_of(exc), 0, 1) from None
        metrics.APPEND_SECONDS.labels(self.schema).observe(time.perf_counter() - started)
        return rows, drawn

    def _check_sizes(self, rows: list[tuple[Any, ...]]) -> None:
        """Refuse the whole append if one envelope (as `wire_event` encodes it) would be too large."""
        for row in rows:
            stream_id, event_type, tenant, data, meta = row[1], row[3], row[5], row[8], row[9]
            parts = (stream_id, tenant, data, meta)
            if ENVELOPE_HEAD_BYTES + 4 * sum(map(len, parts)) <= self.max_event_bytes:
                continue  # a character is at most 4 bytes of UTF-8: small enough without encoding
            size = ENVELOPE_HEAD_BYTES + sum(len(part.encode()) for part in parts)
            if size > self.max_event_bytes:
                raise EventTooLargeError(event_type, size, self.max_event_bytes)

    async def _insert(
        self, conn: Connection, rows: list[tuple[Any, ...]], *, lock: bool = True
    ) -> list[StoredEvent]:
        """Insert `rows` (versions set) in one statement that first takes the ordering lock and
        notifies the relay. In autocommit the lock is held for this statement and its commit only;
        in a caller's transaction, until that commits. `lock=False`: the caller holds it already."""
        return _answers(rows, await self._insert_rows(conn, rows, lock=lock))

    async def take_order(self, conn: Connection) -> datetime:
        """Take the store's ordering lock for the rest of the caller's transaction (and notify the
        relay at its commit); answer the database's clock once the lock is held: the `recorded_at`
        of what `copy_new_streams` appends in this transaction. Raises RuntimeError outside a
        transaction (the lock would go with the statement)."""
        if not conn.is_in_transaction():
            raise RuntimeError("take_order needs a transaction")
        return cast(datetime, await conn.fetchval(self._order_sql, self.channel, self.append_lock))

    async def copy_new_streams(
        self, conn: Connection, rows: BulkRows, recorded_at: datetime, text: bytes | None = None
    ) -> range:
        """Append `rows` (`bulk_rows` of new streams: each at expected version 0) by COPY, in the
        caller's transaction that holds the ordering lock (`take_order`), all recorded at
        `recorded_at`; answer their positions, in row order. For a bulk import: no arrays encoded,
        no values answered per row (the lock held, nobody else draws a position: the rows take
        the next ones, one after another in the order COPY reads them, after any drawn by a
        transaction rolled back; their count, span and ends are checked). Raises
        ConcurrencyError when a stream exists already, EventTooLargeError (in `bulk_rows`).
        `text`: `rows.copy_text(recorded_at)` (or `copy_text.event_rows_text` of the same values),
        when the caller built it beforehand (in a thread or a worker process: then the event loop
        only sends it)."""
        started = time.perf_counter()
        events = f"{self.schema}.events"
        before = await conn.fetchval(f"SELECT coalesce(max(position), 0) FROM {events}")
        try:
            await conn.copy_to_table(
                "events", schema_name=self.schema, columns=_COPY_COLUMNS, format="text",
                # a buffer is a documented source (not bytes: asyncpg would take it for a path); the
                # type stubs know only files and iterables
                source=cast(Any, memoryview(rows.copy_text(recorded_at) if text is None else text)),
            )  # fmt: skip
        except asyncpg.UniqueViolationError as exc:
            raise ConcurrencyError(_stream_of(exc), 0, 1) from None
        ours = cast(asyncpg.Record, await conn.fetchrow(self._copied_sql, before))  # one row: aggregates
        drawn = range(ours["lo"] or 0, (ours["hi"] or -1) + 1)
        if ours["n"] != len(rows.rows) or len(drawn) != len(rows.rows) or (
            ours["first_id"], ours["last_id"]) != (rows.rows[0][0], rows.rows[-1][0]
        ):  # fmt: skip  # never, under the lock
            raise RuntimeError(f"the {len(rows.rows)} events copied did not take positions one after another")
        metrics.APPEND_SECONDS.labels(self.schema).observe(time.perf_counter() - started)
        return drawn

    async def _insert_rows(
        self, conn: Connection, rows: list[tuple[Any, ...]], *, lock: bool = True
    ) -> dict[UUID, tuple[int, datetime]]:
        """`_insert` answering each event id's position and recorded_at."""
        inserted = await conn.fetch(self._insert_sql if lock else self._insert_locked_sql,
                                    *[list(col) for col in zip(*rows, strict=True)][:SQL_COLUMNS],
                                    self.channel, *([self.append_lock] if lock else []))  # fmt: skip
        return {r["event_id"]: (r["position"], r["recorded_at"]) for r in inserted}


_VERSION_4 = bytes((b & 0x0F) | 0x40 for b in range(256))  # byte 6: the version nibble
_VARIANT = bytes((b & 0x3F) | 0x80 for b in range(256))  # byte 8: the RFC 4122 variant bits


def _event_ids(count: int) -> Iterator[UUID]:
    """`count` random (version 4) UUIDs, as `uuid4` makes them, from one read of the OS's random
    source instead of one system call each (a bulk append draws tens of thousands), each made by
    asyncpg's C `UUID` (a `uuid.UUID`, as asyncpg returns uuid columns: 0.1 µs against 1.2 µs for
    `uuid.UUID(bytes=…, version=4)`), the version and variant bits set on all at once."""
    raw = bytearray(os.urandom(16 * count))
    raw[6::16] = raw[6::16].translate(_VERSION_4)
    raw[8::16] = raw[8::16].translate(_VARIANT)
    data = bytes(raw)
    return (PgUUID(data[at : at + 16]) for at in range(0, 16 * count, 16))


def _stream_of(exc: asyncpg.UniqueViolationError) -> str:
    """The stream a refused bulk insert names: `Key (stream_id, stream_version)=(entry-x, 1) …`."""
    detail = str(exc.detail or "")
    if detail.startswith("Key (stream_id, stream_version)=("):
        return detail.split("=(", 1)[1].rsplit(", ", 1)[0]
    return detail or "batch"


def _answers(rows: list[tuple[Any, ...]], drawn: dict[UUID, tuple[int, datetime]]) -> list[StoredEvent]:
    return sorted((_stored(row, *drawn[row[0]]) for row in rows), key=lambda s: s.position)


@dataclass(frozen=True)
class BulkRows:
    """`EventStore.bulk_rows`: a batch's insert rows, ready for `append_rows`."""

    rows: list[tuple[Any, ...]]

    def copy_text(self, recorded_at: datetime) -> bytes:
        """The rows as `copy_new_streams` sends them (`copy_text.event_rows_text`), every row
        recorded at `recorded_at`. No I/O: for a worker thread."""
        return event_rows_text(self.rows, recorded_at)


@dataclass(frozen=True, slots=True)
class Appended:
    """One event of `EventStore.append_rows`: what the insert drew, then the values it inserted
    (the JSON texts exactly as sent; PostgreSQL stores them as jsonb)."""

    position: int
    recorded_at: datetime
    event_id: UUID
    stream_id: str
    stream_version: int
    event_type: str
    schema_version: int
    tenant_json: str
    county: str | None
    occurred_at: datetime
    data_json: str
    metadata_json: str
    event: Event
    tenant: Tenant
    metadata: Metadata


def _stored(row: tuple[Any, ...], position: int, recorded_at: datetime) -> StoredEvent:
    """The answer for an inserted row, built from what was appended: no re-validation (the event
    was validated when it was made; its JSON is the stored `data`, parsed by pydantic-core)."""
    event, tenant, metadata = row[SQL_COLUMNS:]
    envelope = Envelope.model_construct(
        event_id=row[0],
        event_type=row[3],
        schema_version=row[4],
        stream_id=row[1],
        stream_version=row[2],
        occurred_at=row[7].astimezone(CST),
        recorded_at=recorded_at,
        tenant=tenant,
        actor=metadata.actor,
        correlation_id=metadata.correlation_id,
        causation_id=metadata.causation_id,
        data=from_json(row[8]),
    )
    return StoredEvent(position, envelope, event)


SQL_COLUMNS = 10
"""Values of an insert row sent to PostgreSQL; the row's last three items are its event, tenant and
metadata."""
_COPY_COLUMNS = ("event_id", "stream_id", "stream_version", "event_type", "schema_version", "tenant",
                 "county", "occurred_at", "data", "metadata", "recorded_at")  # fmt: skip


def _insert_sql(schema: str, *, lock: bool) -> str:
    # The lock is in a materialised CTE joined to the rows: it is taken before the first row reaches
    # the insert (where its position is drawn), so positions are drawn in lock order.
    take = ", pg_advisory_xact_lock($12)" if lock else ""
    return f"""
        WITH ordered AS MATERIALIZED (SELECT pg_notify($11, ''){take})
        INSERT INTO {schema}.events (event_id, stream_id, stream_version, event_type,
            schema_version, tenant, county, occurred_at, data, metadata)
        SELECT u.event_id, u.stream_id, u.stream_version, u.event_type, u.schema_version,
               u.tenant::jsonb, u.county, u.occurred_at, u.data::jsonb, u.metadata::jsonb
        FROM ordered, unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::int[], $6::text[],
                             $7::text[], $8::timestamptz[], $9::text[], $10::text[])
            AS u(event_id, stream_id, stream_version, event_type, schema_version, tenant,
                 county, occurred_at, data, metadata)
        RETURNING position, event_id, recorded_at
        """


FLUSHES = 1
"""Groups in flight per store. One merges best: appends queued while a group commits form the next
group. (With more, two groups appending to one stream at once cannot both win: the loser's statement
fails on the stream's unique version and its callers are written alone. 2 and 3 measured no better
on this machine.)"""

GROUP_EVENTS = 2000
"""Most events one group commit writes in its statement; appends queued beyond wait for the next."""

AfterInsert = Callable[[Connection, list[StoredEvent]], Awaitable[None]]
"""A hook run in the append's transaction after its insert (see `EventStore.append`)."""


@dataclass(eq=False)
class _Pending:
    """One caller's append waiting in the group commit queue; rows carry versions 1..n until `base`."""

    stream_id: str
    expected: int | None
    rows: list[tuple[Any, ...]]
    after: AfterInsert | None
    base: int = 0
    future: asyncio.Future[list[StoredEvent]] = field(init=False)


def _settle(pending: _Pending, outcome: list[StoredEvent] | BaseException) -> None:
    if pending.future.done():  # its caller was cancelled
        return
    if isinstance(outcome, BaseException):
        pending.future.set_exception(outcome)
    else:
        pending.future.set_result(outcome)


def _rows(
    stream_id: str,
    events: Sequence[Event],
    tenant: Tenant,
    metadata: Metadata,
    occurred_at: Sequence[datetime] | datetime | None,
) -> list[tuple[Any, ...]]:
    """The insert's rows for one append, with stream versions 1..n (`_at` moves them on): the
    `SQL_COLUMNS` values inserted, then the event, tenant and metadata the answer is built from."""
    if occurred_at is None or isinstance(occurred_at, datetime):
        occurred = [occurred_at or now_cst()] * len(events)
    else:
        occurred = list(occurred_at)
    meta, tenant_json = _metadata_json(metadata), tenant.model_dump_json()
    return [
        (uuid4(), stream_id, i + 1, e.event_type, e.schema_version, tenant_json, tenant.county,
         occurred[i], e.model_dump_json(), meta, e, tenant, metadata)
        for i, e in enumerate(events)
    ]  # fmt: skip


def _at(rows: list[tuple[Any, ...]], base: int) -> list[tuple[Any, ...]]:
    """`rows` following version `base` of their stream."""
    return [(r[0], r[1], base + r[2], *r[3:]) for r in rows]


def _metadata_json(metadata: Metadata) -> str:
    return json.dumps(
        {
            "actor": metadata.actor,
            "correlation_id": str(metadata.correlation_id),
            "causation_id": str(metadata.causation_id) if metadata.causation_id else None,
        }
    )


def jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))
