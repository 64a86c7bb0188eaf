"""`eventkit.workers.CpuWorkers`: a function runs in another process when the pool is started, in
a thread when it is not, and a worker killed mid-import (the OOM killer) costs one call a thread,
not the import: the next call has a new worker."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest
from eventkit.workers import THREADS, WORKER_NICENESS, CpuWorkers


def _pid_and_sum(values: list[int]) -> tuple[int, int]:
    return os.getpid(), sum(values)


def _niceness() -> int:
    return os.nice(0)


async def test_a_worker_runs_below_the_service_so_its_batch_work_comes_after_requests() -> None:
    workers = CpuWorkers([__name__])
    workers.start()
    try:
        assert await workers.run(_niceness) == min(19, os.nice(0) + WORKER_NICENESS)
    finally:
        workers.stop()


async def test_a_started_pool_runs_the_function_in_another_process() -> None:
    workers = CpuWorkers([__name__])
    workers.start()
    try:
        await workers.warm()
        pid, total = await workers.run(_pid_and_sum, [1, 2, 3])
        assert (pid != os.getpid(), total) == (True, 6)
    finally:
        workers.stop()
    assert not workers.started


async def test_without_a_pool_the_function_runs_in_this_process() -> None:
    THREADS.start()  # as a service without CPU work does: no process is started
    pid, total = await THREADS.run(_pid_and_sum, [4, 5])
    assert (pid, total) == (os.getpid(), 9)
    assert not THREADS.started


async def test_a_killed_worker_costs_one_call_a_thread_and_the_next_call_has_a_new_worker() -> None:
    workers = CpuWorkers([__name__])
    workers.start()
    try:
        first, _ = await workers.run(_pid_and_sum, [])
        os.kill(first, signal.SIGKILL)
        await asyncio.sleep(0.2)  # the pool notices its worker gone
        pid, total = await workers.run(_pid_and_sum, [1])
        assert (pid, total) == (os.getpid(), 1)  # the broken pool's call: in a thread
        again, _ = await workers.run(_pid_and_sum, [])
        assert again not in (first, os.getpid())  # a new worker process
    finally:
        workers.stop()


async def test_a_pool_that_cannot_start_its_process_runs_in_threads_from_then_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    workers = CpuWorkers([__name__])
    workers.start()
    assert workers._pool is not None

    def refuse(*args: object, **kwargs: object) -> object:
        raise OSError("no forkserver here (a read-only /tmp)")

    monkeypatch.setattr(workers._pool, "submit", refuse)
    await workers.warm()  # logged, not raised: start-up goes on
    assert not workers.started
    assert await workers.run(_pid_and_sum, [2]) == (os.getpid(), 2)
