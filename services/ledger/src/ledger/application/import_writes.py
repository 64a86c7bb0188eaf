"""Writing a backfill file: every new entry in ONE transaction, chunk by chunk, each chunk as soon
as it is decided (`importing`); the caller's chunks raise, rolling it all back, when any row of the
file has a problem.

The transaction first takes the store's ordering lock (`EventStore.take_order`), whose clock is the
`recorded_at` of every event of the file: so each event's canonical bytes (`volume_chain`) are
known before it is written, and the work is a pipeline. It then reads (`FOR UPDATE`) the heads of
every volume the file may reach (`reach`). One task prepares the chunks ahead: the event rows in a
thread (`EventStore.bulk_rows`), then, in the worker process while that thread goes on to the next
chunk, the events' COPY text and the chunk's chain links, from the heads the first chunk brought and
the worker keeps (`chain_worker.import_work`): the service's event loop only sends bytes. The
writer sends each chunk's statements back to back: any volume heads not read yet, a COPY of the
events (`copy_new_streams`), the entries read model derived by PostgreSQL from them, a COPY of the
links, after checking the heads the worker started from against its own. A chunk the worker could
not link comes with its bodies, and a thread hashes its links from the heads here while PostgreSQL
writes its events (`link_bodies`); so do all later chunks. The overlap rule runs again under the
lock only when another writer appended after the file was checked (`_appended_since`). Each volume
head is written once, at the end. The entries' data is the event's JSON as stored; the links hash
the JSON sent (`volume_chain.import_bodies`, else `appended_bytes`; the rare events whose numbers
jsonb might write back in another form are read back and hashed as stored).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast
from uuid import UUID, uuid4

from eventkit.db import Connection
from eventkit.imports import ImportProgress
from eventkit.store import Appended, BulkRows, EventStore, Metadata, NewStream
from eventkit.workers import THREADS, CpuWorkers
from vc_contracts import CST, Tenant
from vc_contracts.catalogue.ledger import LedgerEntryEvent
from vc_contracts.chain import GENESIS

from ledger.application.chain_worker import ChunkWork, Linked, import_work
from ledger.application.entries_model import insert_appended_entries, recheck_clashes
from ledger.application.volume_chain import (
    BodyParts,
    Chained,
    LinksCopy,
    ToLink,
    VolumeHeads,
    appended_bytes,
    envelope_time,
    link_bodies,
    plain_json,
    row_parts,
    stored_bodies,
    write_links,
)
from ledger.domain.chain import volumes_of
from ledger.domain.entries import stream_id

FIRST_CHUNK = 1000  # rows of the first chunk: small, so the database starts while the rest is decided
CHUNK = 5000  # rows per chunk at most: per chunk, a round of statements and of hand-overs
AHEAD = 2  # chunks prepared ahead of the writer


def chunk_spans(count: int) -> Iterator[range]:
    """Where `count` rows (or events) are cut into chunks, in order: FIRST_CHUNK, then each chunk
    twice the one before, up to CHUNK (so the pipeline fills: the writer starts on a small chunk
    while the next, larger ones are decided and prepared). Issue 12's measurements (50,000 rows):
    chunks of 1,000 throughout spent ~1 s more of wall in hand-overs between the writer, the threads
    and the worker than chunks of 5,000; 10,000 were slower again."""
    start, size = 0, FIRST_CHUNK
    while start < count:
        yield range(start, min(start + size, count))
        start, size = start + size, min(CHUNK, size * 2)


@dataclass
class _Prepared:
    """A chunk ready to write: its event rows, each entry's volumes, what the chain needs of each
    row (`link_bodies`' rows and places), and the worker's part in flight (`made`: the events'
    COPY text and the chunk's links, else its bodies, `chain_worker.import_work`)."""

    rows: BulkRows
    volumes: dict[str, tuple[str, str]]
    parts: list[BodyParts]
    places: list[tuple[str, tuple[str, ...], str | None]]
    made: asyncio.Future[ChunkWork]


async def write_entries(
    store: EventStore,
    chunks: AsyncIterable[list[LedgerEntryEvent]] | list[LedgerEntryEvent],
    metadata: Metadata,
    progress: ImportProgress,
    *,
    checked_at: int | None = None,
    workers: CpuWorkers = THREADS,
    reach: Collection[str] = (),
    first_step: Callable[[Connection], Awaitable[None]] | None = None,
    last_step: Callable[[Connection], Awaitable[None]] | None = None,
) -> None:
    """Append the events of `chunks` (each the first of a new entry stream; a list: cut as
    `chunk_spans`) with their entries and chain links; all or nothing: an error raised by `chunks` rolls
    everything back. The transaction begins with the first event: no event, no lock taken.
    `checked_at`: the last event position the events' overlap checks saw (None: unknown); the
    overlap rule runs again under the ordering lock only when events were appended after it.
    `workers`: where the chain bodies are computed, ahead of the writer (a worker process: on the
    other core). `reach`: the volumes the events may link into (their heads are read when the
    transaction begins, and the worker links the chunks from them, `chain_worker`); the chunks
    of an event beyond them, and all after it, are linked here. `first_step` and `last_step`: run in the
    transaction before anything else and after every chunk is written, before it commits (an
    idempotency key claimed, then answered: `importing._KeyAnswer`).
    Raises ConcurrencyError when an entry's stream exists already, ConflictError (409) when an
    entry now overlaps the advisor's other on-site time."""
    pending = aiter(_chunked(chunks) if isinstance(chunks, list) else chunks)
    first = await _next_nonempty(pending)
    if first is None:
        return
    maker = _ChunkMaker(store, metadata)
    async with store.pool.acquire() as conn, conn.transaction():
        if first_step is not None:
            await first_step(conn)
        recorded_at = await store.take_order(conn)
        recheck = checked_at is None or await _appended_since(conn, store.schema, checked_at)
        recorded = envelope_time(recorded_at)
        ready: asyncio.Queue[_Prepared | BaseException | None] = asyncio.Queue(AHEAD)
        heads = VolumeHeads()
        await heads.lock(conn, store.schema, reach)
        start = {v: heads.heads.get(v, (0, GENESIS)) for v in reach}
        token = uuid4().hex if reach else ""  # no heads read: the worker links nothing

        async def prepare() -> None:
            """Chunks in order, ready to write; then None (or the error that ended them)."""
            try:
                chunk: list[LedgerEntryEvent] | None = first
                index = 0
                while chunk is not None:
                    made = await asyncio.to_thread(maker.prepare, chunk, recorded)
                    rows, volumes, parts, places, values = made
                    # the worker's part runs on while this thread prepares the next chunk
                    working = asyncio.ensure_future(
                        workers.run(import_work, values, places, token, index, None if index else start)
                    )
                    await ready.put(_Prepared(rows, volumes, parts, places, working))
                    chunk, index = await _next_nonempty(pending), index + 1
            except Exception as exc:  # the writer raises it, inside the transaction: all rolled back
                await ready.put(exc)
            else:
                await ready.put(None)

        preparing = asyncio.create_task(prepare())
        try:
            while (prepared := await ready.get()) is not None:
                if isinstance(prepared, BaseException):
                    raise prepared
                await _write(conn, store, prepared, heads, recorded_at, recheck)
                progress.step("written", len(prepared.rows.rows))
            await heads.save(conn, store.schema)
            if last_step is not None:
                await last_step(conn)
        finally:  # the writer's error: stop preparing (the connection is idle: the rollback may run)
            preparing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await preparing
            while not ready.empty():  # chunks never written: their worker calls are not wanted
                if isinstance(left := ready.get_nowait(), _Prepared):
                    _forget(left.made)


@dataclass
class _ChunkMaker:
    """The chunks of one write made ready in turn (in a thread, one chunk at a time): their new
    streams and event rows, each entry's volumes, and what the worker is sent."""

    store: EventStore
    metadata: Metadata
    tenants: dict[str, Tenant] = field(default_factory=dict)
    volumes: dict[tuple[str, str, int], tuple[str, str]] = field(default_factory=dict)  # few, many rows

    def prepare(self, chunk: list[LedgerEntryEvent], recorded: str) -> tuple[Any, ...]:
        """`_prepare_chunk` of a chunk, and its rows' values as `import_work` is sent them."""
        batch, volumes = self.batch(chunk)
        rows, parts, places = _prepare_chunk(self.store, batch, self.metadata, volumes, recorded)
        return rows, volumes, parts, places, [tuple(p) for p in parts]

    def batch(self, chunk: list[LedgerEntryEvent]) -> tuple[list[NewStream], dict[str, tuple[str, str]]]:
        """A chunk's new streams and each entry's volumes (by (village, unit, year), made once)."""
        tenants = self.tenants
        for code in {e.village_code for e in chunk} - tenants.keys():
            tenants[code] = Tenant.of(code)
        volumes: dict[str, tuple[str, str]] = {}
        for e in chunk:
            at = e.occurred_at
            key = (e.village_code, e.unit_id, (at if at.tzinfo is CST else at.astimezone(CST)).year)
            if (found := self.volumes.get(key)) is None:
                found = self.volumes[key] = volumes_of(*key)
            volumes[e.entry_id] = found
        batch = [NewStream(stream_id(e.entry_id), [e], tenants[e.village_code], e.occurred_at) for e in chunk]
        return batch, volumes


async def _write(
    conn: Connection,
    store: EventStore,
    prepared: _Prepared,
    heads: VolumeHeads,
    recorded_at: datetime,
    recheck: bool,
) -> None:
    """One chunk's statements, back to back: its heads, events, entries and links (the worker's,
    checked against the heads here; else hashed by a thread from the heads and the bodies made
    ahead while PostgreSQL writes the events and entries)."""
    rows, volumes, schema = prepared.rows.rows, prepared.volumes, store.schema
    try:
        made = await prepared.made
    finally:
        _forget(prepared.made)
    await heads.lock(conn, schema, (v for vs in volumes.values() for v in vs))
    linking: asyncio.Task[Chained] | None = None
    if made.linked is None:
        start = {v: heads.heads[v] for _, vs, _ in prepared.places for v in vs if v in heads.heads}
        bodies = cast(list[bytes | None], made.bodies)
        linking = asyncio.create_task(
            asyncio.to_thread(link_bodies, bodies, prepared.parts, prepared.places, start)
        )
    elif {v: heads.heads.get(v, (0, GENESIS)) for v in made.linked.started} != made.linked.started:
        # never: the worker's heads are those read here, moved on by the chunks before
        raise RuntimeError("the worker linked a chunk from other heads than the service's")
    try:
        positions = await store.copy_new_streams(conn, prepared.rows, recorded_at, made.events_text)
        await insert_appended_entries(conn, schema, positions[0], positions[-1], len(positions))
        if recheck:  # another writer's on-site time may have arrived since the rows were checked
            await recheck_clashes(conn, schema, [cast(LedgerEntryEvent, r[10]).entry_id for r in rows])
        chained = await linking if linking is not None else None
    finally:
        if linking is not None:
            _forget(linking)  # the writer's error: the chunk's links are not wanted; that error is raised
    if chained is None:  # the worker's links
        linked = cast(Linked, made.linked)
        if linked.links != sum(len(vs) for _, vs, _ in prepared.places):
            # never: a link missing from the COPY would be a silent gap in a volume's chain
            raise RuntimeError(f"the worker linked {linked.links} links for a chunk of {len(rows)} events")
        heads.chained(Chained([], linked.moved, linked.counties))
        await write_links(conn, schema, [], linked.text)
        return
    copied: LinksCopy | None = None  # the links' COPY text, built with them (`link_bodies`)
    if chained.bodies is None:
        heads.chained(chained)
        links, copied = chained.links, chained.text
    else:  # rare: some bodies are taken by the general path, or read back as stored
        known, unsure = _bodies(rows, chained.bodies, recorded_at)
        if unsure:
            known |= await stored_bodies(conn, schema, unsure)
        links = heads.links(_to_link(rows, known, volumes))
    await write_links(conn, schema, links, copied)


def _prepare_chunk(
    store: EventStore, batch: list[NewStream], metadata: Metadata, volumes: dict[str, tuple[str, str]],
    recorded: str,
) -> tuple[BulkRows, list[BodyParts], list[tuple[str, tuple[str, ...], str | None]]]:  # fmt: skip
    """A chunk's event rows and the chain's input (`_chain_input`); no I/O: in a thread."""
    rows = store.bulk_rows(batch, metadata)
    return rows, *_chain_input(rows.rows, volumes, recorded)


def _forget(future: asyncio.Future[Any] | asyncio.Task[Any]) -> None:
    """Cancel `future` if it still runs; a result or error it has is not wanted (nor logged)."""
    if not future.done():
        future.cancel()
    elif not future.cancelled():
        future.exception()


def _chain_input(
    rows: list[tuple[Any, ...]], volumes: dict[str, tuple[str, str]], recorded: str
) -> tuple[list[BodyParts], list[tuple[str, tuple[str, ...], str | None]]]:
    """`link_bodies`' rows and places of a chunk's event rows (`bulk_rows`)."""
    parts = [row_parts(r, recorded) for r in rows]
    places: list[tuple[str, tuple[str, ...], str | None]] = []
    for r in rows:
        entry_id = cast(LedgerEntryEvent, r[10]).entry_id
        places.append((entry_id, volumes[entry_id], r[6]))
    return parts, places


def _to_link(
    rows: list[tuple[Any, ...]], bodies: dict[UUID, bytes], volumes: dict[str, tuple[str, str]]
) -> list[ToLink]:
    return [
        ToLink(r[0], r[3], entry_id, bodies[r[0]], volumes[entry_id], r[6])
        for r in rows
        for entry_id in (cast(LedgerEntryEvent, r[10]).entry_id,)
    ]


async def _chunked(events: list[LedgerEntryEvent]) -> AsyncIterator[list[LedgerEntryEvent]]:
    for span in chunk_spans(len(events)):
        yield events[span.start : span.stop]


async def _next_nonempty(chunks: AsyncIterator[list[LedgerEntryEvent]]) -> list[LedgerEntryEvent] | None:
    """The next chunk with an event (None: no more)."""
    async for chunk in chunks:
        if chunk:
            return chunk
    return None


async def _appended_since(conn: Connection, schema: str, checked_at: int) -> bool:
    """Whether another writer appended after the checks' snapshot (call with the ordering lock
    taken, before this write's first event). Positions are drawn under that lock and it is held to
    commit, so an event the snapshot did not see has a position above `checked_at`. None: the file
    was checked against the ledger as it is."""
    return bool(
        await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {schema}.events WHERE position > $1)", checked_at)
    )


def _bodies(
    rows: list[tuple[Any, ...]], computed: list[bytes | None], recorded_at: datetime
) -> tuple[dict[UUID, bytes], list[UUID]]:
    """The chain's canonical bytes of the event rows, from the values sent (`computed`:
    `import_bodies`, else the general path here); and the events whose JSON jsonb may give back in
    another form (their bodies are read back as stored)."""
    bodies, unsure = {}, []
    parsed: dict[str, Any] = {}
    for row, fast in zip(rows, computed, strict=True):
        body = fast
        if body is None:  # rare: the general path, then the row as stored
            a = Appended(0, recorded_at, *row)
            data, plain = plain_json(a.data_json)
            body = appended_bytes(a, data, parsed) if plain else None
        if body is None:
            unsure.append(row[0])
        else:
            bodies[row[0]] = body
    return bodies, unsure
