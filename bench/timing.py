"""Small timing helpers shared by the phases."""

from __future__ import annotations

import asyncio
import cProfile
import math
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager


async def closed_loop(workers: int, seconds: float, op: Callable[[int], Awaitable[int]]) -> float:
    """Run `workers` loops of `op(worker)` (returns items done) for `seconds`; return items per second.

    Each worker starts as soon as it can; the clock starts when all were created, and only work that
    finished before the deadline counts.
    """
    done = [0] * workers
    started = time.perf_counter()
    deadline = started + seconds

    async def worker(n: int) -> None:
        while time.perf_counter() < deadline:
            items = await op(n)
            if time.perf_counter() <= deadline:
                done[n] += items

    await asyncio.gather(*(worker(n) for n in range(workers)))
    return sum(done) / seconds


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("nan")


@contextmanager
def profiled(out: str | None) -> Iterator[None]:
    """cProfile the block and write its stats to the file `out`; with None, just run it."""
    if out is None:
        yield
        return
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        profiler.dump_stats(out)
