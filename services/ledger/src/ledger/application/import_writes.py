"""Writing a backfill file: every new entry in ONE transaction, chunk by chunk, each chunk as soon
as it is decided (`importing`); the caller's chunks raise, rolling it all back, when any row of the
file has a problem.

Per chunk of CHUNK entries: one INSERT of the events (`EventStore.append_rows`, which takes the
store's ordering lock; it is then held to commit), one of the entries read model, a COPY of the
volume links, and the overlap re-check when another writer appended after the file was checked (the
checks saw every other row of the file and the ledger up to a known position: `_appended_since`).
Each volume head is read once, by the first chunk reaching it (under the ordering lock,
`FOR UPDATE`), and written once at the end. The rows are built from the
values appended, never read back: the entries' data is the event's JSON as stored, and the links
hash the JSON sent (`volume_chain.import_bytes`, else `appended_bytes`; the rare events whose
numbers jsonb might write back in another form are read back and hashed as stored).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any, cast
from uuid import UUID

from eventkit.db import Connection
from eventkit.imports import ImportProgress
from eventkit.store import Appended, BulkRows, EventStore, Metadata, NewStream
from vc_contracts import CST, Tenant
from vc_contracts.catalogue.ledger import LedgerEntryEvent

from ledger.application.entries_model import insert_appended_entries, recheck_clashes
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
_Rows = tuple[list[NewStream], dict[str, tuple[str, str]], BulkRows]  # a chunk's streams, volumes, rows


async def write_entries(
    store: EventStore,
    chunks: AsyncIterable[list[LedgerEntryEvent]] | list[LedgerEntryEvent],
    metadata: Metadata,
    progress: ImportProgress,
    *,
    checked_at: int | None = None,
) -> None:
    """Append the events of `chunks` (each the first of a new entry stream; a list: CHUNK at a
    time) with their entries and chain links; all or nothing: an error raised by `chunks` rolls
    everything back. The transaction begins with the first event: no event, no lock taken.
    `checked_at`: the last event position the events' overlap checks saw (None: unknown); the
    overlap rule runs again under the ordering lock only when events were appended after it.
    Raises ConcurrencyError when an entry's stream exists already, ConflictError (409) when an
    entry now overlaps the advisor's other on-site time."""
    pending = aiter(_chunked(chunks) if isinstance(chunks, list) else chunks)
    first = await _next_nonempty(pending)
    if first is None:
        return
    tenants: dict[str, Tenant] = {}
    ready: dict[str, Any] = {}  # tenants' and the metadata's JSON, parsed once (`import_bytes`)
    parsed: dict[str, Any] = {}  # the same for the general path (`appended_bytes`)

    def batch_of(chunk: list[LedgerEntryEvent]) -> tuple[list[NewStream], dict[str, tuple[str, str]]]:
        for code in {e.village_code for e in chunk} - tenants.keys():
            tenants[code] = Tenant.of(code)
        volumes = {e.entry_id: volumes_of(e.village_code, e.unit_id, e.occurred_at.astimezone(CST).year)
                   for e in chunk}  # fmt: skip
        batch = [NewStream(stream_id(e.entry_id), [e], tenants[e.village_code], e.occurred_at) for e in chunk]
        return batch, volumes

    async def next_rows() -> _Rows | None:
        """The next chunk's streams, volumes and insert rows (built in a worker thread)."""
        chunk = await _next_nonempty(pending)
        if chunk is None:
            return None
        batch, volumes = batch_of(chunk)
        return batch, volumes, await asyncio.to_thread(store.bulk_rows, batch, metadata)

    batch, volumes = batch_of(first)
    following: _Rows | None = (batch, volumes, store.bulk_rows(batch, metadata))
    async with store.pool.acquire() as conn, conn.transaction():
        heads = VolumeHeads()
        recheck = checked_at is None
        k = 0
        while following is not None:
            batch, volumes, rows = following
            appended = await store.append_rows(batch, metadata=metadata, conn=conn, rows=rows)
            # the ordering lock is held from the first insert on: heads read now stay current
            if k == 0 and not recheck:
                recheck = await _appended_since(conn, store.schema, checked_at or 0, appended[0].position)
            await heads.lock(conn, store.schema, (v for vs in volumes.values() for v in vs))
            # The database writes the entries while a worker thread computes the chunk's canonical
            # bodies, then the links while the next chunk is decided and its event rows built: the
            # two cores work at once instead of in turn.
            _, (bodies, unsure) = await asyncio.gather(
                _insert_entries(conn, store.schema, appended, recheck),
                asyncio.to_thread(_bodies, appended, ready, parsed),
            )
            if unsure:
                bodies |= await stored_bodies(conn, store.schema, unsure)
            linking = heads.link(conn, store.schema, [
                ToLink(a.event_id, a.event_type, entry_id, bodies[a.event_id], volumes[entry_id], a.county)
                for a in appended
                for entry_id in (a.event.entry_id,)  # type: ignore[attr-defined]  # a LedgerEntryEvent
            ])  # fmt: skip
            # Both to their end before any error goes on (the rollback needs the connection idle).
            linked, after = await asyncio.gather(linking, next_rows(), return_exceptions=True)
            for outcome in (linked, after):
                if isinstance(outcome, BaseException):
                    raise outcome
            following = cast(_Rows | None, after)
            progress.step("written", len(batch))
            k += 1
        await heads.save(conn, store.schema)


async def _chunked(events: list[LedgerEntryEvent]) -> AsyncIterator[list[LedgerEntryEvent]]:
    for first in range(0, len(events), CHUNK):
        yield events[first : first + CHUNK]


async def _next_nonempty(chunks: AsyncIterator[list[LedgerEntryEvent]]) -> list[LedgerEntryEvent] | None:
    """The next chunk with an event (None: no more)."""
    async for chunk in chunks:
        if chunk:
            return chunk
    return None


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


async def _insert_entries(conn: Connection, schema: str, appended: list[Appended], recheck: bool) -> None:
    """The entries of `appended` (in position order), derived by PostgreSQL from the stored events."""
    await insert_appended_entries(conn, schema, appended[0].position, appended[-1].position, len(appended))
    if recheck:  # another writer's on-site time may have arrived since the rows were checked
        await recheck_clashes(conn, schema, [cast(LedgerEntryEvent, a.event).entry_id for a in appended])


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
