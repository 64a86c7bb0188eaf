"""Projection runner: applies events from Kafka to a read model, exactly once in effect.

Each batch is applied in one database transaction together with the per-stream version it
reached (`projection_tracking`), and the Kafka offset is committed only after that commit; a
redelivered event is recognised by its stream version and changes nothing.

Bad input never blocks the topic:
- a message that is not a valid envelope of a known event goes to the dead-letter topic;
- an event whose handler fails is parked with its error (and so is every later event of the same
  stream, which waits behind it); other streams flow on. `replay_parked` retries them in order.

A read model that reads a ledger entry's events declares them (`Projection.entry_events`): the
runner admits them before the read model sees them (entry_versions.py), so an entry's earlier
event delivered again changes nothing whatever the path (a batch, one event, a rebuild, a replay).

A read model may apply a whole batch set-based (`apply_batch`, a few statements per batch; see
set_apply.py) and keeps `apply` (one event) as the fallback: when the set-based apply of a batch
fails, the batch is applied again one event at a time to find and park the culprit.

Read models are generation-versioned tables (`<schema>.<projection>_g<N>_<table>`) behind plain
views (`<schema>.<table>`), so a rebuild fills generation N+1 while N keeps serving; see rebuild.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import asyncpg
from pydantic import ValidationError
from vc_contracts import Envelope, Event, batch_decoding
from vc_contracts.base import UnknownEventError, event_class

from eventkit import changes, metrics
from eventkit.clock import now_cst
from eventkit.db import Connection
from eventkit.entry_versions import EntryEvents, admit
from eventkit.set_apply import IGNORED, Decoded
from eventkit.text_arrays import text_array

log = logging.getLogger(__name__)

DECODE_SLICE = 32
"""Records validated in one call, between two yields to the event loop (under 1 ms of CPU). While
batch n's transaction runs (overlap.py), each of its round trips waits for the slice being decoded
to end before its next statement is sent: a short slice keeps PostgreSQL busy (128 records, about
3 ms, left it idle for a third of a catch-up); a pydantic-core call of 32 records costs the same
per record as one of 128."""

DeadLetterSink = Callable[[bytes, bytes | None, str, str], Awaitable[None]]
"""(value, key, source topic, error) -> publish it to the dead-letter topic."""


class Projection(Protocol):
    """A read model. `ddl` creates its tables, written with `{t}` before each table name.

    It may also name the event classes it reads in `handles`: the runner then validates only those events'
    payloads and hands the others to it as the IGNORED stand-in (they still advance the tracking). The
    equivalence test checks the list is complete.

    A read model subclasses this protocol (`class View(Projection)`) to inherit the defaults of the
    optional members below and declares only those it changes."""

    @property
    def entry_events(self) -> EntryEvents | None:
        """Which of its events are a ledger entry's (entry_versions.EntryEvents), or None (the
        default: none). The runner admits them in the batch's transaction before the read model
        sees any (`entry_versions.admit`: one statement a batch, one an event applied one by one)
        and hands it only the newer ones, a void final: the read model applies its entries' events
        as they come, in any order, without reading its versions table itself."""
        return None

    @property
    def handles(self) -> Collection[type[Event]] | None:
        """The event classes it reads (a class attribute in a read model: `handles = (A, B)`), or
        None (the default: every event is validated and handed to it)."""
        return None

    @property
    def rebuild_defers_indexes(self) -> bool:
        """True: none of its statements needs a secondary index to find its rows (the primary keys
        only), so a rebuild drops them for its bulk phase and builds them once after it
        (rebuild._bulk_mode). The default, False: a rebuild keeps them."""
        return False

    @property
    def name(self) -> str: ...
    @property
    def topics(self) -> Sequence[str]: ...
    @property
    def tables(self) -> Sequence[str]: ...
    @property
    def ddl(self) -> str: ...

    async def apply(self, conn: Connection, t: str, envelope: Envelope, event: Event) -> None:
        """Apply one event; `t` is the table prefix of the generation being written."""


class BatchProjection(Projection, Protocol):
    """A read model that also applies a batch set-based (a few statements, whatever its length)."""

    async def apply_batch(self, conn: Connection, t: str, items: Sequence[Decoded]) -> None:
        """Apply `items` in order, leaving the tables exactly as `apply` of each in turn would (an
        entry's events among them already admitted: see `Projection.entry_events`).

        Raise on any failure: the runner undoes the batch and falls back to `apply` per event."""


def set_based(projection: Projection) -> BatchProjection | None:
    """The projection if it offers `apply_batch`, else None."""
    return projection if callable(getattr(projection, "apply_batch", None)) else None  # type: ignore[return-value]


@dataclass
class BatchOutcome:
    applied: int = 0
    duplicates: int = 0
    parked: int = 0
    dead: list[str] = field(default_factory=list)


def decode(value: bytes, handles: frozenset[str] | None = None) -> Decoded:
    """The record parsed: its envelope, and its typed (upcast) event if `handles` is None or names
    its type; else the IGNORED stand-in, once the type is known to the catalogue (not validating a
    payload the read model never reads). Raises what pydantic or the catalogue raise."""
    envelope = Envelope.model_validate_json(value)
    if handles is None or envelope.event_type in handles:
        return Decoded(envelope, envelope.event())
    event_class(envelope.event_type, envelope.schema_version)  # UnknownEventError if unknown
    return Decoded(envelope, IGNORED)


def handled_types(projection: Projection) -> frozenset[str] | None:
    """The event types (names) `projection` reads, from its optional `handles` (event classes);
    None (every type) without it."""
    handles = projection.handles
    return None if handles is None else frozenset(kind.event_type for kind in handles)


class _SetBasedFailedError(Exception):
    """The batch's fast path failed; its transaction must be undone before the per-event retry."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class ProjectionRunner:
    """Applies batches to one read model. With `feed`, each batch that applied events also appends
    the divisions it touched to the service's change feed, in the same transaction (changes.py)."""

    def __init__(self, pool: asyncpg.Pool, schema: str, projection: Projection, feed: bool = False) -> None:
        self.pool, self.schema, self.projection, self.feed = pool, schema, projection, feed
        self.handles = handled_types(projection)

    # -- generations ------------------------------------------------------------------------

    def prefix(self, generation: int) -> str:
        return f"{self.schema}.{self.projection.name}_g{generation}_"

    def tracking_key(self, generation: int) -> str:
        return f"{self.projection.name}#g{generation}"

    async def install(self) -> int:
        """Create generation 1 and its views if the projection is new; return the live generation."""
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"install:{self.schema}")
            generation = await conn.fetchval(
                f"SELECT generation FROM {self.schema}.projection_status WHERE projection = $1",
                self.projection.name,
            )
            if generation is None:
                generation = 1
                await self.create_generation(conn, generation)
                await self.point_views(conn, generation)
                await conn.execute(
                    f"INSERT INTO {self.schema}.projection_status (projection, generation) VALUES ($1, $2)",
                    self.projection.name,
                    generation,
                )
            return int(generation)

    async def create_generation(self, conn: Connection, generation: int) -> None:
        await conn.execute(self.projection.ddl.replace("{t}", self.prefix(generation)))

    async def point_views(self, conn: Connection, generation: int) -> None:
        for table in self.projection.tables:
            await conn.execute(f"DROP VIEW IF EXISTS {self.schema}.{table}")
            await conn.execute(
                f"CREATE VIEW {self.schema}.{table} AS SELECT * FROM {self.prefix(generation)}{table}"
            )

    async def live_generation(self, conn: Connection, *, writer: bool = False) -> int:
        """The live generation, its status row locked to the transaction's end (a swap waits for it).

        `writer`: a batch that will update the row (its counters) takes the update lock now. Two
        replicas' batches holding share locks both waited for the other's to update it (a deadlock),
        and one that read its tracking rows before the other's commit would apply the same records
        again; the update lock makes the second wait, then read what the first committed (its
        tracking read is a later statement: under READ COMMITTED, a later snapshot)."""
        lock = "FOR NO KEY UPDATE" if writer else "FOR SHARE"
        return int(
            await conn.fetchval(
                f"SELECT generation FROM {self.schema}.projection_status WHERE projection = $1 {lock}",
                self.projection.name,
            )
        )

    # -- applying ---------------------------------------------------------------------------

    async def apply_batch(
        self,
        values: Sequence[tuple[bytes, bytes | None, str]],
        dead_letter: DeadLetterSink,
        generation: int | None = None,
        conn: Connection | None = None,
    ) -> BatchOutcome:
        """Apply (value, key, topic) records in one transaction. Dead letters are sent first.

        With `conn`, on that connection: nested in the caller's transaction if one is open (a rebuild
        finishing under its lock), else a transaction of its own (a rebuild's bulk phase).
        `decode_batch` then `apply_decoded`; overlap.py runs the two halves of consecutive batches
        side by side.
        """
        decoded, dead = await self.decode_batch(values, dead_letter)
        return await self.apply_decoded(decoded, dead, generation, conn)

    async def decode_batch(
        self, values: Sequence[tuple[bytes, bytes | None, str]], dead_letter: DeadLetterSink
    ) -> tuple[list[Decoded], list[str]]:
        """The records parsed (CPU only, no database), and the errors of those sent to `dead_letter`.

        A slice of DECODE_SLICE records at a time is validated in one pydantic-core call
        (vc_contracts.batch_decoding); a slice that fails is decoded again record by record, which
        finds the poison and its error. Yields to the event loop between slices, so a batch being
        written meanwhile (overlap.py) keeps its statements flowing while this one is parsed."""
        decoded: list[Decoded] = []
        dead: list[str] = []
        for first in range(0, len(values), DECODE_SLICE):
            if first:
                await asyncio.sleep(0)
            chunk = values[first : first + DECODE_SLICE]
            fast = batch_decoding.decode_batch([value for value, _, _ in chunk], self.handles)
            if fast is not None:
                decoded += [Decoded(env, IGNORED if event is None else event) for env, event in fast]
                continue
            for value, key, topic in chunk:
                try:
                    decoded.append(decode(value, self.handles))
                except (ValidationError, UnknownEventError, ValueError, UnicodeDecodeError) as exc:
                    error = f"{type(exc).__name__}: {exc}"[:2000]
                    await dead_letter(value, key, topic, error)
                    metrics.DEAD_LETTERS.labels(self.projection.name).inc()
                    dead.append(error)
        return decoded, dead

    async def apply_decoded(
        self,
        decoded: list[Decoded],
        dead: Sequence[str] = (),
        generation: int | None = None,
        conn: Connection | None = None,
    ) -> BatchOutcome:
        """The database half of `apply_batch`: `decoded` in one transaction (see there)."""
        outcome = BatchOutcome(dead=list(dead))
        if not decoded:
            return outcome
        if conn is not None:
            await self._apply_in(conn, generation, decoded, outcome)
        else:
            async with self.pool.acquire() as own:
                await self._apply_in(own, generation, decoded, outcome)
        metrics.PROJECTION_APPLIED.labels(self.projection.name).inc(outcome.applied)
        if outcome.applied:
            age = (now_cst() - decoded[-1].envelope.recorded_at).total_seconds()
            metrics.PROJECTION_LAG_SECONDS.labels(self.projection.name).set(max(age, 0.0))
        return outcome

    async def _apply_in(
        self, conn: Connection, generation: int | None, batch: list[Decoded], outcome: BatchOutcome
    ) -> None:
        """The batch in one transaction (nested in the caller's with `conn`): set-based first, with
        no savepoint of its own; if that fails the transaction is undone and the batch applied again
        event by event, each under a savepoint, parking what fails."""
        for one_by_one in (False, True):
            attempt = BatchOutcome()
            try:
                async with conn.transaction():
                    # the update lock in a statement of its own, BEFORE the tracking read (see
                    # live_generation): reading both in one statement would see tracking rows
                    # from before a rival replica's commit and apply its records a second time
                    gen = (
                        generation
                        if generation is not None
                        else await self.live_generation(conn, writer=True)
                    )
                    await self._apply(conn, gen, batch, attempt, one_by_one)
            except _SetBasedFailedError as failed:
                log.warning("projection %s: batch of %d failed set-based (%s), applying it event by event",
                            self.projection.name, len(batch), failed.error)  # fmt: skip
                continue
            outcome.applied, outcome.duplicates, outcome.parked = (
                attempt.applied,
                attempt.duplicates,
                attempt.parked,
            )
            return

    async def _apply(
        self,
        conn: Connection,
        generation: int | None,
        batch: list[Decoded],
        outcome: BatchOutcome,
        one_by_one: bool,
    ) -> None:
        streams = list({d.envelope.stream_id: None for d in batch})
        gen, rows = await self._positions(conn, generation, streams)
        key, prefix, schema = self.tracking_key(gen), self.prefix(gen), self.schema
        reached = {r["stream_id"]: r["stream_version"] for r in rows if not r["parked"]}
        parked = {r["stream_id"] for r in rows if r["parked"]}
        advanced: dict[str, int] = {}
        fresh: list[Decoded] = []
        seen = reached.get
        for item in batch:  # a redelivered (or republished) event is recognised by its stream version
            env = item.envelope
            stream, version = env.stream_id, env.stream_version
            if version <= seen(stream, 0):
                outcome.duplicates += 1
                continue
            reached[stream] = advanced[stream] = version
            fresh.append(item)
        if parked:
            flowing = [d for d in fresh if d.envelope.stream_id not in parked]
            waiting = [d for d in fresh if d.envelope.stream_id in parked]
        else:  # the usual batch: one pass less
            flowing, waiting = fresh, []
        if one_by_one:
            await self._apply_one_by_one(conn, key, prefix, flowing, parked, outcome)
        else:
            await self._apply_all(conn, prefix, flowing)
            outcome.applied += len(flowing)
        for item in waiting:  # a parked stream's later events wait behind it; the others flowed on
            await self._park(conn, key, item, "waits behind an earlier parked event")
            outcome.parked += 1
        if self.feed and fresh:
            # an ignored event changed nothing here
            codes = (
                c for d in fresh if d.event is not IGNORED for c in changes.divisions_of(d.envelope, d.event)
            )
            await changes.record_changes(conn, schema, codes)
        ids_sql, ids = text_array("$2", list(advanced))
        await conn.execute(  # one round trip: the versions reached and the projection's status
            f"WITH tracked AS (INSERT INTO {schema}.projection_tracking AS t (projection, stream_id,"
            f" stream_version) SELECT $1, s, v FROM unnest({ids_sql},"
            " string_to_array($3::text, ',')::int[]) AS u(s, v)"
            " ON CONFLICT (projection, stream_id) DO UPDATE SET stream_version = excluded.stream_version)"
            f" UPDATE {schema}.projection_status SET applied = applied + $5, last_event_at = $6,"
            " updated_at = now() WHERE projection = $4",
            key,
            ids,
            ",".join(map(str, advanced.values())),
            self.projection.name,
            outcome.applied,
            batch[-1].envelope.recorded_at,
        )

    async def _positions(
        self, conn: Connection, generation: int | None, streams: list[str]
    ) -> tuple[int, list[asyncpg.Record]]:
        """One round trip: the generation to write (the live one, under a share lock the swap waits
        for, unless given), the versions its tracking reached for `streams`, and which of them wait
        behind a parked event (rows with `parked`)."""
        schema = self.schema
        wanted, ids = text_array("$2", streams)
        positions = (
            f"SELECT stream_id, stream_version, false AS parked FROM {schema}.projection_tracking"
            f" WHERE projection = k.key AND stream_id = ANY({wanted})"
            f" UNION ALL SELECT DISTINCT stream_id, 0, true FROM {schema}.parked_events"
            f" WHERE projection = k.key AND stream_id = ANY({wanted})"
        )
        if generation is None:
            live = f"SELECT generation FROM {schema}.projection_status WHERE projection = $1 FOR SHARE"
        else:
            live = "SELECT $3::int AS generation"
        rows = await conn.fetch(
            f"WITH g AS MATERIALIZED ({live}),"
            " k AS (SELECT generation, $1::text || '#g' || generation AS key FROM g)"
            " SELECT k.generation, p.stream_id, p.stream_version, p.parked"
            f" FROM k LEFT JOIN LATERAL ({positions}) AS p ON true",
            self.projection.name,
            ids,
            *(() if generation is None else (generation,)),
        )
        if not rows:
            raise LookupError(f"projection {self.projection.name} is not installed in {schema}")
        return int(rows[0]["generation"]), [r for r in rows if r["stream_id"] is not None]

    async def _apply_all(self, conn: Connection, prefix: str, items: list[Decoded]) -> None:
        """The fast path: the whole batch, set-based where the read model offers it. Raises
        _SetBasedFailedError if anything fails (the caller undoes the transaction and falls back)."""
        if not items:
            return
        try:
            await self.hand_over(conn, prefix, items)
        except (asyncpg.PostgresConnectionError, ConnectionError, OSError):
            raise  # transient: the whole batch is retried
        except Exception as exc:
            raise _SetBasedFailedError(f"{type(exc).__name__}: {exc}"[:200]) from exc

    async def hand_over(self, conn: Connection, prefix: str, items: Sequence[Decoded]) -> None:
        """Give `items` (fresh by the tracking, in order) to the read model's tables at `prefix`:
        its entry's events admitted first (`Projection.entry_events`, one statement), then the
        admitted batch to `apply_batch`, or to `apply` one event after the other without it. In the
        caller's transaction; raises what the read model raises."""
        admitted = await self._admitted(conn, prefix, items)
        if not admitted:
            return
        batch = set_based(self.projection)
        if batch is not None:
            await batch.apply_batch(conn, prefix, admitted)
        else:
            for item in admitted:
                await self.projection.apply(conn, prefix, item.envelope, item.event)

    async def hand_over_one(self, conn: Connection, prefix: str, item: Decoded) -> None:
        """Give one event to the read model's `apply`, admitted first like `hand_over`'s (the path
        of a batch applied event by event and of `replay_parked`)."""
        if await self._admitted(conn, prefix, [item]):
            await self.projection.apply(conn, prefix, item.envelope, item.event)

    async def _apply_one_by_one(
        self,
        conn: Connection,
        key: str,
        prefix: str,
        items: list[Decoded],
        parked: set[str],
        outcome: BatchOutcome,
    ) -> None:
        """Each event under its own savepoint; a failure parks its stream (later events wait behind it)."""
        for item in items:
            stream = item.envelope.stream_id
            error = "waits behind an earlier parked event" if stream in parked else None
            error = error or await self._try_apply(conn, prefix, item)
            if error:
                await self._park(conn, key, item, error)
                parked.add(stream)
                outcome.parked += 1
            else:
                outcome.applied += 1

    async def _try_apply(self, conn: Connection, prefix: str, item: Decoded) -> str | None:
        """Apply one event in a savepoint; return the error if its handler failed."""
        try:
            async with conn.transaction():  # a failing handler undoes only itself (and its admission)
                await self.hand_over_one(conn, prefix, item)
            return None
        except (asyncpg.PostgresConnectionError, ConnectionError, OSError):
            raise  # transient: the whole batch is retried
        except Exception as exc:
            log.exception("projection %s failed on %s", self.projection.name, item.envelope.event_id)
            return f"{type(exc).__name__}: {exc}"[:2000]

    async def _admitted(self, conn: Connection, prefix: str, items: Sequence[Decoded]) -> Sequence[Decoded]:
        """`items` without the entry's events the read model must not see (entry_versions.admit)."""
        spec = self.projection.entry_events
        return items if spec is None else await admit(conn, prefix, spec, items)

    async def _park(self, conn: Connection, key: str, item: Decoded, error: str) -> None:
        env = item.envelope
        await conn.execute(
            f"INSERT INTO {self.schema}.parked_events (projection, event_id, stream_id, stream_version,"
            " envelope, error) VALUES ($1, $2, $3, $4, $5::jsonb, $6) ON CONFLICT DO NOTHING",
            key,
            env.event_id,
            env.stream_id,
            env.stream_version,
            env.model_dump_json(),
            error,
        )
        metrics.PARKED.labels(self.projection.name).inc()

    async def replay_parked(self) -> tuple[int, int]:
        """Retry parked events stream by stream in version order; return (applied, still parked)."""
        applied = still = 0
        async with self.pool.acquire() as conn, conn.transaction():
            gen = await self.live_generation(conn)
            key, prefix = self.tracking_key(gen), self.prefix(gen)
            rows = await conn.fetch(
                f"SELECT stream_id, event_id, envelope::text AS envelope FROM {self.schema}.parked_events"
                " WHERE projection = $1 ORDER BY stream_id, stream_version",
                key,
            )
            blocked: set[str] = set()
            for row in rows:
                item = decode(row["envelope"].encode())
                if row["stream_id"] in blocked or await self._try_apply(conn, prefix, item):
                    blocked.add(row["stream_id"])
                    still += 1
                    continue
                await conn.execute(
                    f"DELETE FROM {self.schema}.parked_events WHERE projection = $1 AND event_id = $2",
                    key,
                    row["event_id"],
                )
                applied += 1
        metrics.PARKED.labels(self.projection.name).set(still)
        return applied, still
