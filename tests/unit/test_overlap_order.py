"""eventkit.overlap: batches reach the database one at a time and in order; each batch's `committed`
runs after its own commit, in batch order, and may run beside the next batch's transaction."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from eventkit.overlap import apply_overlapped
from eventkit.projection import BatchOutcome


class Recording:
    """A ProjectionRunner's two halves, recording what happens when (no database: the order of the
    loop's own steps is what is under test)."""

    def __init__(self, fail_at: int | None = None) -> None:
        self.log: list[str] = []
        self.fail_at = fail_at

    async def decode_batch(self, records: Any, dead_letter: Any) -> tuple[list[Any], list[str]]:
        self.log.append(f"decode {records[0]}")
        return list(records), []

    async def apply_decoded(self, decoded: list[Any], dead: Any, generation: Any, conn: Any) -> BatchOutcome:
        self.log.append(f"begin {decoded[0]}")
        await asyncio.sleep(0.01)
        if decoded[0] == self.fail_at:
            raise RuntimeError("database gone")
        self.log.append(f"commit {decoded[0]}")
        return BatchOutcome(applied=len(decoded))


async def batches(n: int) -> AsyncIterator[tuple[list[int], int]]:
    for i in range(n):
        yield [i], i


async def test_each_batch_is_acknowledged_after_its_commit_in_order_beside_the_next() -> None:
    runner = Recording()

    async def committed(token: int, outcome: BatchOutcome) -> None:
        runner.log.append(f"ack start {token}")
        await asyncio.sleep(0.02)  # slower than a batch: the next one's transaction runs meanwhile
        runner.log.append(f"ack end {token}")

    total = await apply_overlapped(runner, batches(4), None, committed)  # type: ignore[arg-type]
    log = runner.log
    assert total.applied == 4
    for i in range(4):
        assert log.index(f"commit {i}") < log.index(f"ack start {i}")
        if i:
            assert log.index(f"commit {i - 1}") < log.index(f"begin {i}")  # one at a time, in order
            assert log.index(f"ack end {i - 1}") < log.index(f"ack start {i}")  # offsets in order
    assert log.index("begin 1") < log.index("ack end 0")  # the ack ran beside the next transaction
    assert log[-1] == "ack end 3"  # the loop returns after the last acknowledgement


async def test_a_failed_batch_stops_the_loop_and_is_never_acknowledged() -> None:
    runner = Recording(fail_at=2)
    acked: list[int] = []

    async def committed(token: int, outcome: BatchOutcome) -> None:
        acked.append(token)

    with pytest.raises(RuntimeError, match="database gone"):
        await apply_overlapped(runner, batches(5), None, committed)  # type: ignore[arg-type]
    assert acked == [0, 1]
    assert "begin 3" not in runner.log


class WaitsForLaterParses(Recording):
    """Batch 0's transaction ends only once batch 2 was parsed."""

    def __init__(self) -> None:
        super().__init__()
        self.second_parsed = asyncio.Event()

    async def decode_batch(self, records: Any, dead_letter: Any) -> tuple[list[Any], list[str]]:
        if records[0] == 2:
            self.second_parsed.set()
        return await super().decode_batch(records, dead_letter)

    async def apply_decoded(self, decoded: list[Any], dead: Any, generation: Any, conn: Any) -> BatchOutcome:
        if decoded[0] == 0:
            await asyncio.wait_for(self.second_parsed.wait(), 10)
        return await super().apply_decoded(decoded, dead, generation, conn)


async def test_the_loop_parses_on_while_a_parsed_batch_waits_for_the_writer() -> None:
    """The client (parsing) is a catch-up's limit: it never waits for a transaction while a batch
    can still be parsed ahead (batch 2 is parsed while batch 0 is being written)."""
    runner = WaitsForLaterParses()
    total = await apply_overlapped(runner, batches(5), None)  # type: ignore[arg-type]
    assert total.applied == 5
    log = runner.log
    assert log.index("decode 2") < log.index("commit 0")
    assert [e for e in log if e.startswith("commit")] == [f"commit {i}" for i in range(5)]


async def test_a_failing_fetch_lets_the_batch_being_written_commit_and_be_acknowledged() -> None:
    runner = Recording()
    acked: list[int] = []

    async def committed(token: int, outcome: BatchOutcome) -> None:
        acked.append(token)

    async def failing() -> AsyncIterator[tuple[list[int], int]]:
        yield [0], 0
        await asyncio.sleep(0)
        raise ConnectionError("broker gone")

    with pytest.raises(ConnectionError, match="broker gone"):
        await apply_overlapped(runner, failing(), None, committed)  # type: ignore[arg-type]
    assert runner.log[-1] == "commit 0"
    assert acked == [0]


class BeginsSecond(Recording):
    """Batch 1 fails; `second_begun` is set once its transaction began."""

    def __init__(self) -> None:
        super().__init__(fail_at=1)
        self.second_begun = asyncio.Event()

    async def apply_decoded(self, decoded: list[Any], dead: Any, generation: Any, conn: Any) -> BatchOutcome:
        if decoded[0] == 1:
            self.second_begun.set()
        return await super().apply_decoded(decoded, dead, generation, conn)


async def test_a_loop_cancelled_while_the_writer_fails_leaves_no_task_behind() -> None:
    """A rebuild stopped (cancelled) while a parsed batch waits for the writer, whose batch then
    fails: nothing is left running, not even the hand-over of the parsed batch that never started
    (it waited forever on a queue nobody reads: 'Task was destroyed but it is pending')."""
    runner = BeginsSecond()
    # tasks of earlier tests on this shared event loop (an SSE response's shutdown watcher, say) are
    # not this loop's: only tasks started from here on must be gone
    before = asyncio.all_tasks()
    loop = asyncio.ensure_future(apply_overlapped(runner, batches(6), None))  # type: ignore[arg-type]
    await asyncio.wait_for(runner.second_begun.wait(), 10)  # 1 written, 2 waits for the writer
    loop.cancel()
    with pytest.raises(asyncio.CancelledError):
        await loop
    await asyncio.sleep(0.05)
    left = [t for t in asyncio.all_tasks() - before if t is not asyncio.current_task()]
    assert not left, [t.get_coro() for t in left]
    assert "begin 2" not in runner.log
