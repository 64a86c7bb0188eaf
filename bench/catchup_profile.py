"""`python -m bench.catchup_profile [--events N] [--rounds R] [--parts] [--cprofile FILE]`: where a
projection catch-up's cost goes, in one process: `--events` events stored and relayed once, then
`--rounds` catch-ups of them (each into a schema of its own, overlapped and batch after batch
alternating) next to `executemany`, each as CPU µs per event of this process and of PostgreSQL
(CPU time does not grow with the machine's load as wall time does), and events/s.

`--parts` also splits the batch-after-batch catch-up's time into Kafka fetch, decoding and the
database statements (wall, own CPU, PostgreSQL CPU; the probes cost a little themselves).

A tool for finding the cost, not a figure of `make bench` (`--only projections` is the figure).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import time
from collections.abc import Callable
from typing import Any
from uuid import uuid4

from aiokafka import AIOKafkaConsumer
from eventkit.projection import ProjectionRunner
from eventkit.runtime import batch_friendly_gc
from vc_contracts.cli_args import whole, wholes

from bench import pipeline, raw, store
from bench.import_profile import Totals, _wrap
from bench.ledger import postgres_pid, tree_cpu
from bench.servers import servers
from bench.workload import VillageHours


def _per_event(totals: Totals, n: int) -> None:
    print(f"  {'part':<28}{'wall µs/ev':>12}{'own µs/ev':>11}{'PG µs/ev':>10}{'calls':>8}")
    for name, (wall, own, pg, calls) in totals.items():
        print(f"  {name:<28}{wall / n * 1e6:12.1f}{own / n * 1e6:11.1f}{pg / n * 1e6:10.1f}{calls:8.0f}")


def _instrument(totals: Totals, server: int) -> Callable[[], None]:
    """Time the catch-up's parts; returns the undo."""
    saved: list[tuple[Any, str, Any]] = []

    def wrap(owner: Any, name: str, label: str, pg: bool = True) -> None:
        fn = getattr(owner, name)
        saved.append((owner, name, fn))
        setattr(owner, name, _wrap(totals, server if pg else None, label, fn))

    wrap(AIOKafkaConsumer, "getmany", "kafka getmany", pg=False)
    wrap(AIOKafkaConsumer, "commit", "kafka commit", pg=False)
    wrap(ProjectionRunner, "decode_batch", "decode_batch", pg=False)
    wrap(ProjectionRunner, "apply_decoded", "apply_decoded (all)")
    wrap(ProjectionRunner, "_positions", "  positions read")
    wrap(ProjectionRunner, "live_generation", "  status lock")
    wrap(VillageHours, "apply_batch", "  read model upsert")

    def undo() -> None:
        for owner, name, fn in saved:
            setattr(owner, name, fn)

    return undo


async def profile(
    dsn: str,
    bootstrap: str,
    n: int,
    rounds: int,
    parts: bool,
    out: str | None,
    caps: list[int],
    modes: list[bool],
) -> None:
    server = await postgres_pid(dsn)
    await raw.prepare(dsn)
    topic = f"bench.{uuid4().hex[:8]}"
    async with store.event_store(dsn, "bench_profile") as events:
        await pipeline.fill(events, n)
        await pipeline.relay_drain(events, bootstrap, topic, n, 600)
    for r in range(rounds):
        before = time.process_time(), tree_cpu(server)
        many = await raw.executemany(dsn, 50_000)
        await asyncio.sleep(0.5)  # the postmaster reaps the closed connection's backend (its CPU)
        own, pg = time.process_time() - before[0], tree_cpu(server) - before[1]
        print(
            f"executemany: {many:,.0f} rows/s,"
            f" own {own / 50_000 * 1e6:.1f} µs/row, PG {pg / 50_000 * 1e6:.1f}"
        )
        for overlap, cap in [(o, c) for c in caps for o in modes]:
            raw.CONSUMER_MAX_RECORDS = cap
            totals: Totals = {}
            undo = _instrument(totals, server) if parts and not overlap else None
            profiler = cProfile.Profile() if out and not overlap and r == 0 else None
            async with store.event_store(dsn, f"bench_profile_{r}_{int(overlap)}_{cap}") as other:
                before = time.process_time(), tree_cpu(server)
                if profiler:
                    profiler.enable()
                rate = await pipeline.projection_catch_up(
                    other, bootstrap, topic, n, 3600, overlap=overlap, group=f"{topic}.{r}.{cap}.{overlap}"
                )
                if profiler:
                    profiler.disable()
                    profiler.dump_stats(out)  # type: ignore[arg-type]
                own, pg = time.process_time() - before[0], tree_cpu(server) - before[1]
            if undo:
                undo()
            kind = f"{'overlapped' if overlap else 'sequential'} ≤{cap}"
            print(f"catch-up {kind}: {rate:,.0f} ev/s = {rate / many:.2f}× executemany,"
                  f" own {own / n * 1e6:.1f} µs/ev, PG {pg / n * 1e6:.1f} µs/ev")  # fmt: skip
            if totals:
                _per_event(totals, n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=whole(1, 10**9), default=50_000)
    parser.add_argument("--rounds", type=whole(1, 1000), default=1)
    parser.add_argument("--parts", action="store_true")
    parser.add_argument(
        "--caps",
        type=wholes(1, 10**6),
        default=str(raw.CONSUMER_MAX_RECORDS),
        help="getmany max_records to compare, e.g. 500,2000",
    )
    parser.add_argument("--modes", default="overlapped,sequential")
    parser.add_argument("--cprofile", help="write the first sequential catch-up's cProfile stats here")
    args = parser.parse_args()
    batch_friendly_gc()  # as every service's runtime
    with servers() as infra:
        asyncio.run(
            profile(
                infra.dsn,
                infra.bootstrap,
                args.events,
                args.rounds,
                args.parts,
                args.cprofile,
                args.caps,
                [m == "overlapped" for m in args.modes.split(",")],
            )
        )


if __name__ == "__main__":
    main()
