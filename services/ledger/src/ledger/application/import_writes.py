"""Writing a backfill file: every new entry in ONE transaction, chunk by chunk, as the chunks are
checked (`Slices`: the importer checks chunk k+1 while this writes chunk k, and aborts the write,
rolling it back, when a row has a problem).

Per chunk of CHUNK entries: one INSERT of the events (`EventStore.append_rows`, which takes the
store's ordering lock; it is then held to commit), one of the entries read model, one of the volume
links, and the overlap re-check when another writer appended after the file was checked (the
checks saw every other row of the file and the ledger up to a known position: `_appended_since`).
Each volume head is read once, by the first chunk reaching it (under the ordering lock,
`FOR UPDATE`), and written once at the end. The rows are built from the
values appended, never read back: the entries' data is the event's JSON as stored, and the links
hash the JSON sent (`volume_chain.import_bytes`, else `appended_bytes`; the rare events whose
numbers jsonb might write back in another form are read back and hashed as stored).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable
from typing import Any, cast
from uuid import UUID

from eventkit.db import Connection
from eventkit.imports import ImportProgress
from eventkit.store import Appended, BulkRows, EventStore, Metadata, NewStream
from pydantic_core import from_json
from vc_contracts import CST, Tenant
from vc_contracts.catalogue.ledger import LedgerEntryEvent

from ledger.application.entries_model import entry_values, insert_entries, recheck_clashes
from ledger.application.volume_chain import (
    ToLink,
    VolumeHeads,
    appended_bytes,
    import_bytes,
    plain_json,
    stored_bodies,
)
from ledger.domain.chain import volumes_of
from ledger.domain.entries import stream_id

CHUNK = 1000  # rows per INSERT inside the one transaction


class Aborted(Exception):
    """The file's rows had a problem after some slices went to the writer: it rolls back."""


_ABORT: list[LedgerEntryEvent] = []


class Slices:
    """A file's checked slices of new events, handed to `write_entries` as they are checked (an
    async iterator: the writer waits for the next slice; `end` says there is none, or that the
    file is refused and the transaction must roll back). `taken`: the events put."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[list[LedgerEntryEvent] | None] = asyncio.Queue()
        self.taken = 0

    def put(self, events: list[LedgerEntryEvent]) -> None:
        if events:
            self._queue.put_nowait(events)
            self.taken += len(events)

    def end(self, *, aborted: bool = False) -> None:
        self._queue.put_nowait(_ABORT if aborted else None)

    def __aiter__(self) -> Slices:
        return self

    async def __anext__(self) -> list[LedgerEntryEvent]:
        item = await self._queue.get()
        if item is None:
            raise StopAsyncIteration
        if item is _ABORT:
            raise Aborted
        return item


async def write_entries(
    store: EventStore,
    events: AsyncIterable[list[LedgerEntryEvent]],
    metadata: Metadata,
    progress: ImportProgress,
    *,
    checked_at: int | None = None,
) -> None:
    """Append `events` (each the first of a new entry stream; slices, as they are checked) with
    their entries and chain links; all or nothing. `checked_at`: the last event position the
    events' overlap checks saw (None: unknown); the overlap rule runs again under the ordering lock
    only when events were appended after it. Nothing is read or locked before the first slice.
    Raises ConcurrencyError when an entry's stream exists already, ConflictError (409) when an
    entry now overlaps the advisor's other on-site time, Aborted when the slices are ended so."""
    slices = aiter(events)
    tenants: dict[str, Tenant] = {}
    volumes: dict[str, tuple[str, ...]] = {}
    ready: dict[str, Any] = {}  # tenants' and the metadata's JSON, parsed once (`import_bytes`)
    parsed: dict[str, Any] = {}  # the same for the general path (`appended_bytes`)

    def batch_of(chunk: list[LedgerEntryEvent]) -> list[NewStream]:
        for e in chunk:
            if e.village_code not in tenants:
                tenants[e.village_code] = Tenant.of(e.village_code)
            volumes[e.entry_id] = volumes_of(e.village_code, e.unit_id, e.occurred_at.astimezone(CST).year)
        return [NewStream(stream_id(e.entry_id), [e], tenants[e.village_code], e.occurred_at) for e in chunk]

    async def following() -> tuple[list[LedgerEntryEvent], list[NewStream], BulkRows] | None:
        """The next slice, its streams and insert rows (built in a worker thread); None after the last."""
        chunk = await anext(slices, None)
        if not chunk:
            return None
        batch = await asyncio.to_thread(batch_of, chunk)
        return chunk, batch, await asyncio.to_thread(store.bulk_rows, batch, metadata)

    step = await following()
    if step is None:
        return
    async with store.pool.acquire() as conn, conn.transaction():
        heads = VolumeHeads()
        recheck, first = checked_at is None, True
        while step is not None:
            chunk, batch, rows = step
            appended = await store.append_rows(batch, metadata=metadata, conn=conn, rows=rows)
            # the ordering lock is held from the first insert on: heads read now stay current
            if first and not recheck:
                recheck = await _appended_since(conn, store.schema, checked_at or 0, appended[0].position)
            first = False
            await heads.lock(conn, store.schema, (v for e in chunk for v in volumes[e.entry_id]))
            # The database writes the entries while a worker thread computes the slice's canonical
            # bodies, then the links while the next slice's event rows are built: the two cores
            # work at once instead of in turn (and the next slice is checked meanwhile).
            entries = [entry_values(cast(LedgerEntryEvent, a.event), from_json(a.data_json), a.stream_id,
                                    a.county, a.recorded_at, a.metadata.actor) for a in appended]  # fmt: skip
            _, (bodies, unsure) = await asyncio.gather(
                _insert_entries(conn, store.schema, entries, recheck),
                asyncio.to_thread(_bodies, appended, ready, parsed),
            )
            if unsure:
                bodies |= await stored_bodies(conn, store.schema, unsure)
            linking = heads.link(conn, store.schema, [
                ToLink(a.event_id, a.event_type, cast(LedgerEntryEvent, a.event).entry_id, bodies[a.event_id],
                       volumes[cast(LedgerEntryEvent, a.event).entry_id], a.county)
                for a in appended
            ])  # fmt: skip
            upcoming = asyncio.ensure_future(following())
            try:
                await linking
            except BaseException:
                upcoming.cancel()  # it may wait for a slice that never comes
                raise
            step = await upcoming
            progress.step("written", len(appended))
        await heads.save(conn, store.schema)


async def _appended_since(conn: Connection, schema: str, checked_at: int, ours: int) -> bool:
    """Whether another writer appended between the checks' snapshot and this write (at `ours`, the
    ordering lock held). Positions are drawn under that lock and it is held to commit, so an event
    the snapshot did not see has a position above `checked_at`; none arrives after `ours` until
    this transaction ends. Nothing between: the file was checked against the ledger as it is."""
    return bool(
        await conn.fetchval(
            f"SELECT EXISTS (SELECT 1 FROM {schema}.events WHERE position > $1 AND position < $2)",
            checked_at,
            ours,
        )
    )


async def _insert_entries(conn: Connection, schema: str, rows: list[tuple[Any, ...]], recheck: bool) -> None:
    await insert_entries(conn, schema, rows)
    if recheck:  # another writer's on-site time may have arrived since the rows were checked
        await recheck_clashes(conn, schema, [row[0] for row in rows])


def _bodies(
    appended: list[Appended], ready: dict[str, Any], parsed: dict[str, Any]
) -> tuple[dict[UUID, bytes], list[UUID]]:
    """The chain's canonical bytes of the events appended, from the values sent; and the events
    whose JSON jsonb may give back in another form (their bodies are read back as stored)."""
    bodies, unsure = {}, []
    for a in appended:
        body = import_bytes(a, ready)
        if body is None:  # rare: the general path, then the row as stored
            data, plain = plain_json(a.data_json)
            body = appended_bytes(a, data, parsed) if plain else None
        if body is None:
            unsure.append(a.event_id)
        else:
            bodies[a.event_id] = body
    return bodies, unsure
