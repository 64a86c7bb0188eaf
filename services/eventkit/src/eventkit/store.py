"""The per-service event store (asyncpg): append with expected version, read a stream, read all.

Global order: appends take a transaction-level advisory lock just before inserting, so positions
are handed out in commit order and a reader that remembers "last position seen" never skips an
event that commits late (the outbox gap; see DESIGN.md). The lock is held only from the insert
to the commit; the version check and everything else happen before it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import asyncpg
from vc_contracts import CST, Envelope, Event, Tenant

from eventkit import metrics
from eventkit.clock import now_cst
from eventkit.db import Connection
from eventkit.errors import AppError

APPEND_LOCK = 7_391_001  # advisory-lock key; one per database is enough: schemas never share it
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

    @property
    def event(self) -> Event:
        return self.envelope.event()


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
    """One stored event as Kafka carries it: key = stream id, value = envelope JSON, type headers."""

    position: int
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]
    error: str | None = None  # set when the row cannot be encoded: the relay records it, never sends it


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
    return WireEvent(row["position"], row["stream_id"].encode(), value, headers)


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
    " occurred_at, recorded_at, data::text AS data, metadata::text AS metadata"
)


class EventStore:
    """One service's append-only event table; also its outbox (the relay reads it)."""

    def __init__(self, pool: asyncpg.Pool, schema: str, *, max_event_bytes: int = MAX_EVENT_BYTES) -> None:
        self.pool, self.schema = pool, schema
        self.channel = f"{schema}_events"
        self.max_event_bytes = max_event_bytes

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
    ) -> list[StoredEvent]:
        """Append `events` to `stream_id` if it is at `expected_version` (None: any version).

        Pass `conn` to append inside a caller's transaction (e.g. with an idempotency record).
        """
        if not events:
            return []
        if conn is None:
            async with self.pool.acquire() as own, own.transaction():
                return await self._append(
                    own, stream_id, expected_version, events, tenant, metadata, occurred_at
                )
        return await self._append(conn, stream_id, expected_version, events, tenant, metadata, occurred_at)

    async def _append(
        self,
        conn: Connection,
        stream_id: str,
        expected: int | None,
        events: Sequence[Event],
        tenant: Tenant,
        metadata: Metadata,
        occurred_at: Sequence[datetime] | datetime | None,
    ) -> list[StoredEvent]:
        started = time.perf_counter()
        current = await self.version(stream_id, conn)
        if expected is not None and current != expected:
            raise ConcurrencyError(stream_id, expected, current)
        now = now_cst()
        if occurred_at is None or isinstance(occurred_at, datetime):
            occurred = [occurred_at or now] * len(events)
        else:
            occurred = list(occurred_at)
        meta = _metadata_json(metadata)
        tenant_json = tenant.model_dump_json()
        rows = [
            (
                uuid4(),
                stream_id,
                current + i + 1,
                e.event_type,
                e.schema_version,
                tenant_json,
                tenant.county,
                occurred[i],
                e.model_dump_json(),
                meta,
            )
            for i, e in enumerate(events)
        ]
        try:
            inserted = await self._insert(conn, rows)
        except asyncpg.UniqueViolationError:
            raise ConcurrencyError(stream_id, current, await self.version(stream_id)) from None
        metrics.APPEND_SECONDS.labels(self.schema).observe(time.perf_counter() - started)
        return inserted

    async def append_many(
        self, batch: Sequence[NewStream], *, metadata: Metadata, conn: Connection
    ) -> list[StoredEvent]:
        """Append to many streams with one INSERT, inside the caller's transaction (bulk imports).

        Every stream must be at its `expected_version`, else ConcurrencyError and nothing is appended
        (a concurrent writer that wins the race aborts the transaction with the same error).
        """
        if not batch:
            return []
        started = time.perf_counter()
        found = await conn.fetch(
            f"SELECT stream_id, max(stream_version) AS version FROM {self.schema}.events"
            " WHERE stream_id = ANY($1::text[]) GROUP BY stream_id",
            [b.stream_id for b in batch],
        )
        current = {r["stream_id"]: r["version"] for r in found}
        for b in batch:
            if current.get(b.stream_id, 0) != b.expected_version:
                raise ConcurrencyError(b.stream_id, b.expected_version, current.get(b.stream_id, 0))
        meta = _metadata_json(metadata)
        rows = [
            (uuid4(), b.stream_id, b.expected_version + i + 1, e.event_type, e.schema_version,
             b.tenant.model_dump_json(), b.tenant.county, b.occurred_at, e.model_dump_json(), meta)
            for b in batch
            for i, e in enumerate(b.events)
        ]  # fmt: skip
        try:
            inserted = await self._insert(conn, rows)
        except asyncpg.UniqueViolationError as exc:
            raise ConcurrencyError(str(exc.detail or "batch"), 0, 1) from None
        metrics.APPEND_SECONDS.labels(self.schema).observe(time.perf_counter() - started)
        return inserted

    def _check_sizes(self, rows: list[tuple[Any, ...]]) -> None:
        """Refuse the whole append if one envelope (as `wire_event` encodes it) would be too large."""
        for row in rows:
            stream_id, event_type, tenant, data, meta = row[1], row[3], row[5], row[8], row[9]
            size = ENVELOPE_HEAD_BYTES + sum(len(part.encode()) for part in (stream_id, tenant, data, meta))
            if size > self.max_event_bytes:
                raise EventTooLargeError(event_type, size, self.max_event_bytes)

    async def _insert(self, conn: Connection, rows: list[tuple[Any, ...]]) -> list[StoredEvent]:
        self._check_sizes(rows)
        # Taken as late as possible: from here to COMMIT, appends of this database are serial.
        await conn.execute("SELECT pg_advisory_xact_lock($1)", APPEND_LOCK)
        inserted = await conn.fetch(
            f"""
            INSERT INTO {self.schema}.events (event_id, stream_id, stream_version, event_type,
                schema_version, tenant, county, occurred_at, data, metadata)
            SELECT u.event_id, u.stream_id, u.stream_version, u.event_type, u.schema_version,
                   u.tenant::jsonb, u.county, u.occurred_at, u.data::jsonb, u.metadata::jsonb
            FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::int[], $6::text[],
                        $7::text[], $8::timestamptz[], $9::text[], $10::text[])
                AS u(event_id, stream_id, stream_version, event_type, schema_version, tenant,
                     county, occurred_at, data, metadata)
            RETURNING {_COLUMNS}
            """,
            *[list(col) for col in zip(*rows, strict=True)],
        )
        await conn.execute("SELECT pg_notify($1, '')", self.channel)
        return [_row_to_stored(r) for r in sorted(inserted, key=lambda r: r["position"])]


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
