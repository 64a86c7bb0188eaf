"""`python -m bench.import_profile [--rows N] [--cprofile FILE]`: where a first backfill import's time
goes, in one process (no HTTP, no relay): the ledger's `import_file` on the benchmark's CSV, its
phases timed by wall clock, this process's CPU and PostgreSQL's CPU, then the same file again.

A tool for finding the cost, not a figure of `make bench` (`--only import` is the figure).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from eventkit.auth import Principal, Role
from eventkit.db import create_pool
from eventkit.imports import ImportProgress
from eventkit.migrations import EVENT_STORE, PROJECTIONS, migrate
from eventkit.projection import ProjectionRunner
from eventkit.store import EventStore
from eventkit.workers import THREADS, CpuWorkers
from ledger.application import import_writes, importing, volume_chain
from ledger.main import SPEC
from vc_contracts import CST
from vc_contracts.cli_args import whole

from bench.ledger import SCOPE, UNIT, _assign, backfill_csv, postgres_pid, tree_cpu
from bench.servers import servers
from bench.timing import profiled

Totals = dict[str, list[float]]  # name -> [wall s, own CPU s, PostgreSQL CPU s, calls]


@contextmanager
def timed(
    totals: Totals, name: str, server: int | None, cpu: Callable[[], float] = time.process_time
) -> Iterator[None]:
    """Add the block's wall, own CPU (`cpu`: the process's, or the thread's for a function run in
    one thread) and (with `server`) PostgreSQL CPU to `totals[name]`."""
    wall, own, pg = time.perf_counter(), cpu(), tree_cpu(server) if server else 0.0
    try:
        yield
    finally:
        spent = totals.setdefault(name, [0.0, 0.0, 0.0, 0])
        spent[0] += time.perf_counter() - wall
        spent[1] += cpu() - own
        spent[2] += tree_cpu(server) - pg if server else 0.0
        spent[3] += 1


def _wrap(totals: Totals, server: int | None, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    if asyncio.iscoroutinefunction(fn):

        async def run_async(*args: Any, **kwargs: Any) -> Any:
            with timed(totals, name, server):
                return await fn(*args, **kwargs)

        return run_async

    def run(*args: Any, **kwargs: Any) -> Any:  # its own thread's CPU: it may run in a worker thread
        with timed(totals, name, server, time.thread_time):
            return fn(*args, **kwargs)

    return run


_PER_ROW = {"volumes_of", "stream_id", "cast", "row_parts", "appended_bytes", "plain_json", "aiter"}
"""Functions the write calls once a row: timing each call would cost more than they do (their
chunk's `_bodies` and batch are timed instead)."""
_PER_CHUNK = {"_bodies", "_write", "_to_link"}
_IN_WORKER = {"import_work"}
"""Functions the write hands to the worker process (`CpuWorkers.run`): a wrapper of ours cannot be
pickled to it, and its time is the worker's, not this process's."""


def _instrument(totals: Totals, server: int, store: EventStore, parts: bool) -> None:
    """Time the import's phases and the write's parts (PostgreSQL CPU only for awaited ones)."""
    for name in ("read_upload", "parse_all", "load_facts", "decide_all", "write_entries"):
        setattr(importing, name, _wrap(totals, server, name, getattr(importing, name)))
    if not parts:
        return
    for name in dir(import_writes):
        fn = getattr(import_writes, name)
        if (
            (name.startswith("_") and name not in _PER_CHUNK)
            or name in _PER_ROW | _IN_WORKER
            or not callable(fn)
            or isinstance(fn, type)
            or name == "write_entries"
        ):
            continue
        setattr(import_writes, name, _wrap(totals, server if asyncio.iscoroutinefunction(fn) else None,
                                           f"  write: {name}", fn))  # fmt: skip
    for cls in (volume_chain.VolumeHeads,):
        for name in ("lock", "links", "save"):
            setattr(cls, name, _wrap(totals, server, f"  write: {cls.__name__}.{name}", getattr(cls, name)))
    store.copy_new_streams = _wrap(totals, server, "  write: copy_new_streams", store.copy_new_streams)  # type: ignore[method-assign]
    store.bulk_rows = _wrap(totals, None, "  write: bulk_rows", store.bulk_rows)  # type: ignore[method-assign]


class _InThread:
    """`asyncio` as `importing` uses it, with `to_thread` running its function in this thread."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def to_thread(fn: Callable[..., Any], *args: Any) -> Any:
        return fn(*args)


async def profile(dsn: str, rows: int, out: str | None, explain: bool, parts: bool) -> None:
    pool = await create_pool(dsn, min_size=2, max_size=4)  # the services' codecs and settings
    await migrate(pool, "ledger", EVENT_STORE, PROJECTIONS, SPEC.migrations)
    for p in SPEC.projections:
        await ProjectionRunner(pool, "ledger", p).install()
    await _assign(dsn)
    store = EventStore(pool, "ledger")
    server = await postgres_pid(dsn)
    who = Principal(subject="bench-staff", role=Role.law_firm, scope=SCOPE, unit_id=UNIT)
    content = backfill_csv(rows)
    totals: Totals = {}
    if out:  # cProfile sees the main thread only: run the worker-thread phases in it
        importing.asyncio = _InThread()  # type: ignore[assignment]
        import_writes.asyncio = _InThread()  # type: ignore[assignment]
    else:
        _instrument(totals, server, store, parts)
    first_insert: list[float] = []  # when the import's transaction took the ordering lock
    take_order = store.take_order

    async def first_timed(*args: Any, **kwargs: Any) -> Any:
        if not first_insert:
            first_insert.append(time.perf_counter())
        return await take_order(*args, **kwargs)

    store.take_order = first_timed  # type: ignore[method-assign]
    workers = CpuWorkers(SPEC.cpu_work) if not out and not os.environ.get("VC_THREADS") else THREADS
    workers.start()
    await workers.warm()
    for run in ("first", "again"):
        totals.clear()
        first_insert.clear()
        progress = ImportProgress("p", "ledger", "bench", datetime.now(CST))
        with timed(totals, f"{run} import, in all", server), profiled(out if run == "first" else None):
            await importing.import_file(store, who, content, progress, workers)
        done = time.perf_counter()
        print(f"{run} import of {rows:,} rows:{'wall s':>20}{'own CPU s':>12}{'PG CPU s':>12}{'calls':>9}")
        for name, (wall, own, pg, calls) in totals.items():
            print(f"  {name:<34}{wall:10.2f}{own:12.2f}{pg:12.2f}{calls:9.0f}")
        if first_insert:  # what other appenders wait for at most: the first insert to the commit
            print(f"  {'ordering lock held':<34}{done - first_insert[0]:10.2f}")
    workers.stop()
    if explain:
        await _explain(pool)
    await pool.close()


_LINK_READS = {
    "verify: a volume's links": "SELECT l.seq, l.hash, e.data FROM ledger.chain_links l"
    " LEFT JOIN ledger.events e ON e.event_id = l.event_id WHERE l.volume_id = $1 ORDER BY l.seq",
    "verify: a volume's linked event ids": "SELECT event_id FROM ledger.chain_links WHERE volume_id = $1",
    "verify: a volume's events": "WITH mine AS MATERIALIZED (SELECT n.entry_id, e.event_id, e.event_type,"
    " e.position FROM ledger.entries n JOIN ledger.events e ON e.stream_id = n.stream_id"
    " WHERE n.village_code = $1 AND n.year = $2) SELECT entry_id, event_id, event_type FROM mine"
    " ORDER BY position",
}


async def _explain(pool: Any) -> None:
    """The plans of the queries that read the links (`chain_links`: which indexes they use)."""
    volume = await pool.fetchval(
        "SELECT volume_id FROM ledger.volume_heads WHERE kind = 'village' ORDER BY length DESC LIMIT 1"
    )
    _, owner, year = volume.split(":")
    indexes = await pool.fetch("SELECT indexname FROM pg_indexes WHERE tablename = 'volume_links'")
    print("volume_links indexes:", ", ".join(sorted(r["indexname"] for r in indexes)))
    for name, sql in _LINK_READS.items():
        args = [volume] if "$2" not in sql else [owner, int(year)]
        plan = await pool.fetch(f"EXPLAIN {sql}", *args)
        print(f"{name}:")
        for r in plan:
            print("   ", r[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=whole(1, 10**8), default=50_000)
    parser.add_argument("--cprofile", help="write the first import's cProfile stats to this file")
    parser.add_argument("--parts", action="store_true", help="also time the write's parts (slower)")
    parser.add_argument("--explain", action="store_true", help="then EXPLAIN the reads of volume_links")
    parser.add_argument("--switch", type=float, help="sys.setswitchinterval (seconds) for the run")
    args = parser.parse_args()
    if args.switch:
        sys.setswitchinterval(args.switch)
    with servers() as infra:
        asyncio.run(profile(infra.dsn, args.rows, args.cprofile, args.explain, args.parts))


if __name__ == "__main__":
    main()
