"""A second process for a service's CPU-bound pure work (the bulk import's per-row hashing).

Why a process: the GIL lets one thread run Python at a time, so work handed to a thread
(`asyncio.to_thread`) still takes the event loop's core, and a 50,000-row import spends most of its
wall time in Python. A worker process runs on the machine's other core while the loop goes on
with the database I/O.

The pool is one `forkserver` worker (a fresh interpreter, never a fork of the running service with
its threads and sockets), its modules imported once when the service starts (`preload`), so the
first import pays no start-up. Functions sent must be module-level and their arguments and results
small plain values (tuples of str/int/bytes): pickling is the price of every call.

Without a started pool (tests of the application layer, CLIs), and after the worker died (killed
by the OOM killer), `run` falls back to a thread: the same answer, slower; a broken pool is replaced
for the next call.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from eventkit.collector import batch_friendly_gc

log = logging.getLogger(__name__)
T = TypeVar("T")


def _ready() -> bool:
    return True


WORKER_NICENESS = 5
"""How much lower than the service a worker process runs (`os.nice`): the worker's work is a bulk
import's batch work, ahead of the writer; the service's event loop (other requests, the import's
own statements) and PostgreSQL come first when the cores are busy. Issue 12's paired runs of the
50,000-row first import: 3.76–3.79 s with it against 3.88–3.93 s without, and again (after the
worker took the chain links) 3.63–3.77 s against 3.77–3.97 s."""


def _start_worker() -> None:
    """In a new worker process: run at WORKER_NICENESS below the service (best effort), with the
    collector's batch threshold (`collector.batch_friendly_gc`): a chunk of a bulk import lives as
    tens of thousands of containers until it is answered, which the default threshold walked every
    700 allocations (the worker's CPU for a 50,000-row import: 1.04–1.12 s with it, 0.97–1.03 s
    without, issue 12's paired runs)."""
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    batch_friendly_gc()


PIPE_BYTES = 1 << 20
"""The capacity asked for the pipes between the service and its workers (Linux's default is 64 KiB;
1 MiB is the most an unprivileged process may ask, /proc/sys/fs/pipe-max-size). A bulk import's
chunk goes over them as ~2 MB of arguments and ~4 MB of answer, written and read by the pool's own
threads in the service, each write or read of a full pipe a wait for the interpreter lock, which
the thread deciding the import's rows holds: 16 times fewer of them with 1 MiB."""


def _widen_pipes(pool: ProcessPoolExecutor) -> None:
    """Ask `PIPE_BYTES` for the pool's call and result pipes (best effort: Linux only, and the
    queues are the pool's private attributes; without them the pipes keep their default size)."""
    setting = getattr(fcntl, "F_SETPIPE_SZ", None)
    for name in ("_call_queue", "_result_queue"):
        queue = getattr(pool, name, None)
        for end in (getattr(queue, "_reader", None), getattr(queue, "_writer", None)):
            if setting is None or end is None:
                continue
            with contextlib.suppress(OSError, ValueError, AttributeError):
                fcntl.fcntl(end.fileno(), setting, PIPE_BYTES)


class CpuWorkers:
    """A pool of `size` worker processes for pure functions (see the module docstring).

    `preload`: modules the workers import before the first call (the functions' modules). `size`
    0: no process ever (`start` does nothing), every call in a thread."""

    def __init__(self, preload: Sequence[str] = (), size: int = 1) -> None:
        self.preload = list(preload)
        self.size = size
        self._pool: ProcessPoolExecutor | None = None

    @property
    def started(self) -> bool:
        return self._pool is not None

    def start(self) -> None:
        """Start the worker process(es) without waiting for them (`warm` waits)."""
        if self._pool is not None or self.size == 0:
            return
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(self.preload)
        self._pool = ProcessPoolExecutor(self.size, mp_context=context, initializer=_start_worker)
        _widen_pipes(self._pool)

    async def warm(self) -> None:
        """Wait until a worker answers (its modules imported): call in the background at start-up.
        A pool that cannot start is logged and left: `run` then uses threads."""
        if self._pool is not None:
            try:
                await self.run(_ready)
            except Exception:  # a failure here is the pool's, already logged by `run`
                log.warning("the CPU worker process did not start; imports hash in a thread")

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` in a worker process; in a thread when no pool is started or it broke. An
        error raised by `fn` itself is raised here as it is."""
        pool = self._pool
        if pool is None:
            return await asyncio.to_thread(fn, *args)
        try:
            future = asyncio.get_running_loop().run_in_executor(pool, fn, *args)
        except BrokenProcessPool:  # it knew already that its worker had died
            return await self._replaced(pool, fn, *args)
        except Exception:  # the pool cannot take work (it could not start its process): threads from now on
            log.exception("the CPU worker pool refused work; running in threads from now on")
            self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            return await asyncio.to_thread(fn, *args)
        try:
            return await future
        except BrokenProcessPool:
            return await self._replaced(pool, fn, *args)

    async def _replaced(self, pool: ProcessPoolExecutor, fn: Callable[..., T], *args: Any) -> T:
        """After `pool` broke (its worker died): a new pool for the next call, this one in a thread."""
        log.warning("the CPU worker process died; this call runs in a thread, the next in a new worker")
        if self._pool is pool:
            self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            self.start()
        return await asyncio.to_thread(fn, *args)

    def stop(self) -> None:
        """Stop the workers (pending calls are cancelled)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


THREADS = CpuWorkers(size=0)
"""No process, ever: `run` is `asyncio.to_thread` (the default where no pool is given, and a service's
without `ServiceSpec.cpu_work`, which starts and stops it like a pool)."""
