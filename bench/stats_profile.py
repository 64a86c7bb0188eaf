"""`python -m bench.stats_profile serve|run`: where the rebuild of reporting's statistics read model
spends its CPU, and old-against-new comparisons of it on one server.

`serve [--events N]` starts the bench's PostgreSQL and Tansu, stores and relays N visits once (as
`--only projections` does) and writes what a run needs (DSN, bootstrap, topic, count) to
`.var/bench/stats_profile.json`; it keeps the servers up until Ctrl-C or SIGTERM.

`run [--info FILE] [--rounds R] [--cprofile FILE]` rebuilds the statistics read model from that
topic R times, each into a fresh schema after a CHECKPOINT, and prints each rebuild's wall time and
CPU µs per event of this process and of PostgreSQL (the postmaster and its children: CPU time does
not grow with the machine's load as wall time does). It uses only `bench.pipeline.statistics_rebuild`,
so a copy of this file in a worktree of an older tree runs that tree's rebuild against the same
server and topic: interleave the two (old, new, old, new).

A tool for finding the cost, not a figure of `make bench` (`--only projections` is the figure).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path
from typing import Any
from uuid import uuid4

from eventkit.collector import batch_friendly_gc
from eventkit.projection import ProjectionRunner
from reporting.application import stats_view
from vc_contracts import batch_decoding

from bench import pipeline, store
from bench.import_profile import Totals, _wrap
from bench.ledger import postgres_pid, tree_cpu
from bench.servers import bench_dir, servers
from bench.timing import profiled


def _instrument(totals: Totals, server: int) -> None:
    """Time the rebuild's parts: the CPU-only ones by this process's CPU (decoding, the read
    model's rows in Python), the awaited statements by PostgreSQL's CPU too (their own-CPU figure
    includes the next batch's decoding, which runs meanwhile)."""

    def wrap(owner: Any, name: str, label: str, pg: bool) -> None:
        fn = getattr(owner, name)
        if isinstance(owner, type) and isinstance(owner.__dict__.get(name), classmethod):
            inner = _wrap(totals, None, label, fn.__func__)
            setattr(owner, name, classmethod(inner))
            return
        setattr(owner, name, _wrap(totals, server if pg else None, label, fn))

    wrap(batch_decoding, "decode_batch", "decode (pydantic-core)", pg=False)
    wrap(stats_view.Rows, "of_events", "rows in Python", pg=False)
    wrap(stats_view.Rows, "write", "statements: entries+hours", pg=True)
    wrap(ProjectionRunner, "_positions", "statement: positions", pg=True)
    wrap(ProjectionRunner, "_apply", "_apply (all statements)", pg=True)


def _per_event(totals: Totals, n: int) -> None:
    print(f"  {'part':<30}{'wall µs/ev':>12}{'own µs/ev':>11}{'PG µs/ev':>10}{'calls':>8}")
    for name, (wall, own, pg, calls) in totals.items():
        print(f"  {name:<30}{wall / n * 1e6:12.1f}{own / n * 1e6:11.1f}{pg / n * 1e6:10.1f}{calls:8.0f}")


def _info_path() -> Path:
    return bench_dir() / "stats_profile.json"


async def _fill(dsn: str, bootstrap: str, n: int) -> str:
    topic = f"bench.stats.{uuid4().hex[:8]}"
    async with store.event_store(dsn, "bench_stats_source") as events:
        await pipeline.fill(events, n)
        await pipeline.relay_drain(events, bootstrap, topic, n, 900)
    return topic


def serve(n: int) -> None:
    with servers() as infra:
        topic = asyncio.run(_fill(infra.dsn, infra.bootstrap, n))
        info = {"dsn": infra.dsn, "bootstrap": infra.bootstrap, "topic": topic, "events": n}
        _info_path().write_text(json.dumps(info))
        print(f"serving {n:,} events on {topic}: {_info_path()}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


async def run(info: dict[str, object], rounds: int, out: str | None, label: str, parts: bool) -> None:
    dsn, bootstrap, topic = str(info["dsn"]), str(info["bootstrap"]), str(info["topic"])
    n = int(str(info["events"]))
    server = await postgres_pid(dsn)
    totals: Totals = {}
    if parts:
        _instrument(totals, server)
    for r in range(rounds):
        schema = f"bench_stats_{uuid4().hex[:8]}"
        async with store.event_store(dsn, schema) as events:
            await events.pool.execute("CHECKPOINT")
            await asyncio.sleep(0.5)
            before = time.perf_counter(), time.process_time(), tree_cpu(server)
            with profiled(out if r == 0 else None):
                await pipeline.statistics_rebuild(events, bootstrap, topic, n)
            wall = time.perf_counter() - before[0]
            own, pg = time.process_time() - before[1], tree_cpu(server) - before[2]
            await events.pool.execute(f"DROP SCHEMA {schema} CASCADE")
        print(
            f"{label} round {r}: {n / wall:,.0f} ev/s ({wall:.2f} s), own {own / n * 1e6:.1f} µs/ev,"
            f" PG {pg / n * 1e6:.1f} µs/ev, sum {(own + pg) / n * 1e6:.1f}",
            flush=True,
        )
    if totals:
        _per_event(totals, n * rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    served = sub.add_parser("serve")
    served.add_argument("--events", type=int, default=50_000)
    ran = sub.add_parser("run")
    ran.add_argument("--info", help="the JSON `serve` wrote (default: this tree's .var/bench)")
    ran.add_argument("--rounds", type=int, default=1)
    ran.add_argument("--cprofile", help="write the first rebuild's cProfile stats here")
    ran.add_argument("--label", default="rebuild")
    ran.add_argument("--parts", action="store_true", help="split the CPU between the rebuild's parts")
    args = parser.parse_args()
    batch_friendly_gc()  # as every service's runtime
    if args.command == "serve":
        serve(args.events)
    else:
        info = json.loads(Path(args.info).read_text() if args.info else _info_path().read_text())
        asyncio.run(run(info, args.rounds, args.cprofile, args.label, args.parts))


if __name__ == "__main__":
    main()
