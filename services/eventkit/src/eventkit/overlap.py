"""Apply a stream of batches with the parsing of later batches overlapping the database work.

A batch costs the client CPU (fetching, parsing and validating every envelope and event: most of
the time, see issue 12's profile) and the database round trips of its one transaction, during which
the client idles. `apply_overlapped` keeps both busy: a writer task applies the parsed batches one
after the other while the loop fetches and parses the next ones (in slices, yielding so the
writer's statements keep flowing), up to `AHEAD` parsed batches waiting for the writer. It is the
one loop that applies batches from Kafka: the services' projection subscriber runs it
(`eventkit.consumer.consume`, which the bench's catch-up rows measure), and so does a rebuild.

What stays as it was, batch by batch: batches reach the database one at a time and in order (n+1's
transaction starts after n's committed, so its tracking rows see n's); `committed(token, outcome)`
runs after its batch's commit, so a caller that commits Kafka offsets there never commits past what
the database holds, and the calls run one at a time in batch order (n's ends before n+1's starts).
A `committed` runs beside the next batch's transaction (a Kafka offset commit is a round trip the
database need not wait for); a redelivery after a crash between the two is recognised by the
tracking rows. A failure stops the loop with that batch's error; nothing after it is applied, and
the batches parsed after it are dropped (a caller reading Kafka seeks back to the first batch whose
`committed` did not end: `eventkit.consumer.consume`).

Session 11 (issue 12): the client's CPU is the catch-up's limit, so the client must never wait.
Before, the loop parsed batch n+1 and then waited for n's commit before starting n+1's transaction
and fetching n+2: whenever n's transaction ran longer than n+1's parse, the client idled (~4 µs an
event of ~37 in a quiet run). Now the loop parses on while a parsed batch waits for the writer
(`AHEAD`). And nothing holds the event loop long between two transactions, since each round trip
waits for the client's next turn: freeing a written batch (some 60 objects an event, ~3 µs an event
when its task ended, ~6 ms a batch of 2,000) held up the next transaction's start; the writer
starts the next transaction first, then frees the written batch a slice at a time
(`RELEASE_SLICE`), a turn between slices.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import TypeVar

from eventkit.db import Connection
from eventkit.projection import BatchOutcome, DeadLetterSink, ProjectionRunner
from eventkit.set_apply import Decoded

Token = TypeVar("Token")

Records = Sequence[tuple[bytes, bytes | None, str]]
"""(value, key, topic) of each record of a batch, in order."""

RELEASE_SLICE = 128
"""Decoded records of a written batch freed between two turns of the event loop (~0.4 ms)."""

AHEAD = 1
"""Parsed batches waiting for the writer while the loop parses the next one: at most one being
written, AHEAD waiting and one being parsed are held (~10 MB a batch of 2,000 visits)."""


async def _release(items: list[Decoded]) -> None:
    """Empty `items` (the last reference to a written batch) a slice at a time, a turn before each
    slice (at least one: the transaction just started sends its first statement)."""
    await asyncio.sleep(0)
    while items:
        del items[-RELEASE_SLICE:]
        await asyncio.sleep(0)


Parsed = tuple[list[Decoded], list[str], Token]
"""A parsed batch: its decoded records, its dead letters' errors and its token."""


async def _write(
    runner: ProjectionRunner,
    parsed: asyncio.Queue[Parsed[Token] | None],
    total: BatchOutcome,
    committed: Callable[[Token, BatchOutcome], Awaitable[None]] | None,
    generation: int | None,
    conn: Connection | None,
) -> None:
    """The writer: each parsed batch in its transaction, in order, until None; its outcome added
    to `total`, then `committed`, beside the next batch (in order: n-1's ends before n's starts)."""
    acking: asyncio.Future[None] | None = None
    written: list[Decoded] = []  # freed by `_release` once the next transaction started
    try:
        while (batch := await parsed.get()) is not None:
            decoded, dead, token = batch
            del batch
            applying = asyncio.create_task(runner.apply_decoded(decoded, dead, generation, conn))
            await _release(written)
            outcome = await applying
            written = decoded
            del decoded
            total.applied += outcome.applied
            total.duplicates += outcome.duplicates
            total.parked += outcome.parked
            total.dead += outcome.dead
            if acking is not None:
                await acking
                acking = None
            if committed is not None:
                acking = asyncio.ensure_future(committed(token, outcome))
        if acking is not None:
            await acking
    finally:
        if acking is not None and not acking.done():  # failed: let the started ack end
            with contextlib.suppress(Exception):
                await acking


async def apply_overlapped(
    runner: ProjectionRunner,
    batches: AsyncIterator[tuple[Records, Token]],
    dead_letter: DeadLetterSink,
    committed: Callable[[Token, BatchOutcome], Awaitable[None]] | None = None,
    *,
    generation: int | None = None,
    conn: Connection | None = None,
) -> BatchOutcome:
    """Apply every (records, token) `batches` yields, as `runner.apply_batch` would one after the
    other; return the outcomes summed. `committed` gets each batch's token and outcome after its
    commit. `generation` and `conn` as for `ProjectionRunner.apply_batch` (one transaction at a
    time runs on `conn`). Raises the first failure (of a batch's parse, its transaction or its
    `committed`) once what was started has ended."""
    total = BatchOutcome()
    parsed: asyncio.Queue[Parsed[Token] | None] = asyncio.Queue(AHEAD)
    writer = asyncio.create_task(_write(runner, parsed, total, committed, generation, conn))

    async def hand_over(item: Parsed[Token] | None) -> None:
        """Queue `item` for the writer; raise the writer's error if it stopped first."""
        putting = asyncio.ensure_future(parsed.put(item))
        try:
            await asyncio.wait((putting, writer), return_when=asyncio.FIRST_COMPLETED)
        finally:
            # cancelled meanwhile (a stopped rebuild), the put must not outlive the loop: once the
            # writer is gone nobody reads the queue, and the put would wait forever
            if not putting.done():
                putting.cancel()
        if not putting.done() or putting.cancelled():
            writer.result()  # raises what the writer died of
            raise RuntimeError("the projection's writer stopped")

    try:
        async for records, token in batches:
            if writer.done():
                break
            decoded, dead = await runner.decode_batch(records, dead_letter)
            await hand_over((decoded, dead, token))
            del decoded
        if not writer.done():
            await hand_over(None)
        await writer
    finally:
        if not writer.done():  # the batches failed: let the batch being written (and acked) end
            while not parsed.empty():
                parsed.get_nowait()  # parsed, never started: redelivered, as after a crash
            parsed.put_nowait(None)
            with contextlib.suppress(Exception):
                await writer
    return total
