"""Apply a stream of batches with the parsing of batch n+1 overlapping the database work of batch n.

A batch costs the client CPU (fetching, parsing and validating every envelope and event: most of
the time, see issue 12's profile) and the database round trips of its one transaction, during which
the client idles. `apply_overlapped` keeps both busy: while batch n's transaction runs in a task,
the loop fetches and parses batch n+1 (in slices, yielding so n's statements keep flowing).

What stays as it was, batch by batch: batches reach the database one at a time and in order (n+1's
transaction starts after n's committed, so its tracking rows see n's); `committed(token, outcome)`
runs after its batch's commit, so a caller that commits Kafka offsets there never commits past what
the database holds, and the calls run one at a time in batch order (n's ends before n+1's starts).
A `committed` runs beside the next batch's transaction (a Kafka offset commit is a round trip the
database need not wait for); a redelivery after a crash between the two is recognised by the
tracking rows. A failure stops the loop with that batch's error; nothing after it is applied.

Between two batches nothing may hold the event loop for long: each of a transaction's round trips
waits for the client's next turn. Freeing a written batch (some 60 objects an event, ~3 µs an event
in one piece when its task ended) kept the next transaction from starting for ~6 ms a batch of
2,000, and the fetch after it (aiokafka parses the records it hands over, without a turn) for as
long again: PostgreSQL idled ~12 ms a batch. The loop now starts the next transaction first and
frees the written batch a slice at a time (`RELEASE_SLICE`), giving a turn between slices.
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


async def _release(items: list[Decoded]) -> None:
    """Empty `items` (the last reference to a written batch) a slice at a time, a turn before each
    slice (at least one: the transaction just started sends its first statement)."""
    await asyncio.sleep(0)
    while items:
        del items[-RELEASE_SLICE:]
        await asyncio.sleep(0)


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
    time runs on `conn`)."""
    total = BatchOutcome()
    writing: asyncio.Task[BatchOutcome] | None = None
    written: Token | None = None
    acking: asyncio.Task[None] | None = None  # the last `committed`, running beside the next batch
    held: list[Decoded] = []  # the batch being written: freed by `_release`, not when its task ends

    async def finish() -> None:
        nonlocal acking
        assert writing is not None
        outcome = await writing
        total.applied += outcome.applied
        total.duplicates += outcome.duplicates
        total.parked += outcome.parked
        total.dead += outcome.dead
        if acking is not None:  # in order: n-1's offsets before n's
            await acking
            acking = None
        if committed is not None:
            acking = asyncio.create_task(committed(written, outcome))  # type: ignore[arg-type]

    try:
        async for records, token in batches:
            decoded, dead = await runner.decode_batch(records, dead_letter)
            if writing is not None:
                await finish()
            writing = asyncio.create_task(runner.apply_decoded(decoded, dead, generation, conn))
            written = token
            await _release(held)  # the batch written before: its transaction's turns come first
            held = decoded
        if writing is not None:
            await finish()
            writing = None
        if acking is not None:
            await acking
            acking = None
    finally:
        for task in (writing, acking):  # the batches failed: let what was started end
            if task is not None and not task.done():
                with contextlib.suppress(Exception):
                    await task
    return total
