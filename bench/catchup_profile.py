"""`python -m bench.catchup_profile [--events N] [--rounds R] [--parts] [--cprofile FILE]`: where a
projection catch-up's cost goes, in one process: `--events` events stored and relayed once, then
`--rounds` catch-ups of them (each into a schema of its own, overlapped and batch after batch
alternating) next to `executemany`, each as CPU µs per event of this process and of PostgreSQL
(CPU time does not grow with the machine's load as wall time does), and events/s.

`--parts` also splits the batch-after-batch catch-up's time into Kafka fetch, decoding and the
database statements (wall, own CPU, PostgreSQL CPU; the probes cost a few ms each, `--own-parts`
leaves PostgreSQL's out and costs nothing). `--consume` also times a bare consume of the topic (the
Kafka client's own share). Every catch-up line gives the cyclic collector's share. Without py-spy:
`--sample FILE` samples the Python stacks every few ms of CPU (no per-call slowdown, unlike
`--cprofile`; collapsed stacks for a flame graph into FILE.<mode>), `--perf FILE` runs `perf record`
on the process (C level: pydantic-core, asyncpg, the interpreter's allocator).

A tool for finding the cost, not a figure of `make bench` (`--only projections` is the figure).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from typing import Any
from uuid import uuid4

import asyncpg
from aiokafka import AIOKafkaConsumer
from eventkit.collector import batch_friendly_gc
from eventkit.projection import ProjectionRunner
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


def _perf(out: str) -> subprocess.Popen[bytes]:
    """`perf record` of this process (C-level samples: pydantic-core, asyncpg, the interpreter)
    until SIGINT; `perf report -i OUT` reads it."""
    sampler = subprocess.Popen(
        ["perf", "record", "-F", "1000", "--call-graph", "dwarf,16384", "-o", out, "-p", str(os.getpid())]
    )
    time.sleep(0.5)  # perf attaches
    return sampler


class GcClock:
    """CPU seconds spent in CPython's cyclic collector, and its runs per generation (gc.callbacks)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.runs = [0, 0, 0]
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.process_time()
        else:
            self.seconds += time.process_time() - self._started
            self.runs[info["generation"]] += 1

    def __enter__(self) -> GcClock:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


class Sampler:
    """A statistical profiler in the process: every `interval` s of CPU (ITIMER_PROF) the main
    thread's Python stack is noted. The handler runs at the next bytecode boundary, so time spent
    in a C call (pydantic-core, asyncpg's codecs) is charged to the line that made it; unlike
    cProfile, the Python code is not slowed down function by function."""

    def __init__(self, interval: float = 0.0005) -> None:
        self.interval = interval
        self.stacks: Counter[tuple[str, ...]] = Counter()

    def _sample(self, signum: int, frame: Any) -> None:
        stack = []
        while frame is not None:
            code = frame.f_code
            stack.append(f"{code.co_filename.rsplit('/', 2)[-1]}:{code.co_name}:{frame.f_lineno}")
            frame = frame.f_back
        self.stacks[tuple(reversed(stack))] += 1

    def __enter__(self) -> Sampler:
        signal.signal(signal.SIGPROF, self._sample)
        signal.setitimer(signal.ITIMER_PROF, self.interval, self.interval)
        return self

    def __exit__(self, *exc: object) -> None:
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        signal.signal(signal.SIGPROF, signal.SIG_DFL)

    def report(self, out: str, top: int = 40) -> None:
        """Collapsed stacks into `out` (for flame graphs); the heaviest functions printed, inclusive
        (on the stack) and exclusive (at its top), in % of samples."""
        total = sum(self.stacks.values()) or 1
        inclusive: Counter[str] = Counter()
        exclusive: Counter[str] = Counter()
        lines: Counter[str] = Counter()
        with open(out, "w") as collapsed:
            for stack, count in self.stacks.items():
                collapsed.write(";".join(stack) + f" {count}\n")
                functions = {frame.rsplit(":", 1)[0] for frame in stack}
                for function in functions:
                    inclusive[function] += count
                exclusive[stack[-1].rsplit(":", 1)[0]] += count
                lines[stack[-1]] += count
        print(f"  {total} samples; function: inclusive % / exclusive %")
        for function, count in inclusive.most_common(top):
            print(f"  {count / total * 100:6.1f} {exclusive[function] / total * 100:6.1f}  {function}")
        print("  hottest lines (exclusive %)")
        for line, count in lines.most_common(top):
            print(f"  {count / total * 100:6.1f}  {line}")


def _instrument(totals: Totals, server: int | None) -> Callable[[], None]:
    """Time the catch-up's parts (PostgreSQL's CPU too with `server`: a probe of a few ms each);
    returns the undo."""
    saved: list[tuple[Any, str, Any]] = []

    def wrap(owner: Any, name: str, label: str, pg: bool = True) -> None:
        fn = getattr(owner, name)
        saved.append((owner, name, fn))
        setattr(owner, name, _wrap(totals, server if pg and server else None, label, fn))

    wrap(AIOKafkaConsumer, "getmany", "kafka getmany", pg=False)
    wrap(AIOKafkaConsumer, "commit", "kafka commit", pg=False)
    wrap(ProjectionRunner, "decode_batch", "decode_batch", pg=False)
    wrap(ProjectionRunner, "apply_decoded", "apply_decoded (all)")
    wrap(ProjectionRunner, "_positions", "  positions read")
    wrap(ProjectionRunner, "live_generation", "  status lock")
    wrap(VillageHours, "apply_batch", "  read model upsert")
    wrap(asyncpg.Connection, "execute", "  every execute (upsert, tracking)")
    wrap(pipeline, "records", "bench records()", pg=False)

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
    perf: str | None = None,
    sample: str | None = None,
    own_parts: bool = False,
    consume_only: bool = False,
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
        if consume_only:
            started = time.process_time()
            consumed = await raw.consume(bootstrap, topic, f"{topic}.{r}.raw", n, within=600)
            spent = (time.process_time() - started) / n * 1e6
            print(
                f"consume only (aiokafka getmany + commit): {consumed.rate:,.0f} ev/s, own {spent:.1f} µs/ev"
            )
        for overlap, cap in [(o, c) for c in caps for o in modes]:
            raw.CONSUMER_MAX_RECORDS = cap
            totals: Totals = {}
            undo = (
                _instrument(totals, None if own_parts else server)
                if (parts or own_parts) and not overlap
                else None
            )
            profiler = (
                cProfile.Profile() if out and overlap == modes[0] and cap == caps[0] and r == 0 else None
            )
            async with store.event_store(dsn, f"bench_profile_{r}_{int(overlap)}_{cap}") as other:
                before = time.process_time(), tree_cpu(server)
                if profiler:
                    profiler.enable()
                sampler = _perf(perf) if perf and profiler is None and r == 0 else None
                stacks = Sampler().__enter__() if sample and profiler is None and r == 0 else None
                with GcClock() as collector:
                    rate = await pipeline.projection_catch_up(
                        other,
                        bootstrap,
                        topic,
                        n,
                        3600,
                        overlap=overlap,
                        group=f"{topic}.{r}.{cap}.{overlap}",
                    )
                if stacks:
                    stacks.__exit__()
                if sampler:
                    sampler.send_signal(signal.SIGINT)
                    sampler.wait()
                if profiler:
                    profiler.disable()
                    profiler.dump_stats(out)  # type: ignore[arg-type]
                own, pg = time.process_time() - before[0], tree_cpu(server) - before[1]
            if undo:
                undo()
            kind = f"{'overlapped' if overlap else 'sequential'} ≤{cap}"
            print(f"catch-up {kind}: {rate:,.0f} ev/s = {rate / many:.2f}× executemany,"
                  f" own {own / n * 1e6:.1f} µs/ev, PG {pg / n * 1e6:.1f} µs/ev,"
                  f" of which the cyclic GC {collector.seconds / n * 1e6:.1f} µs/ev"
                  f" (runs {collector.runs})")  # fmt: skip
            if totals:
                _per_event(totals, n)
            if stacks:
                stacks.report(f"{sample}.{kind.split()[0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=whole(1, 10**9), default=50_000)
    parser.add_argument("--rounds", type=whole(1, 1000), default=1)
    parser.add_argument("--parts", action="store_true")
    parser.add_argument(
        "--consume", action="store_true", help="also time a bare consume of the topic (own CPU)"
    )
    parser.add_argument(
        "--own-parts", action="store_true", help="--parts without PostgreSQL's CPU (no probes)"
    )
    parser.add_argument(
        "--caps",
        type=wholes(1, 10**6),
        default=str(raw.CONSUMER_MAX_RECORDS),
        help="getmany max_records to compare, e.g. 500,2000",
    )
    parser.add_argument("--modes", default="overlapped,sequential")
    parser.add_argument("--sample", help="sample the first round's Python stacks; collapsed into FILE.<mode>")
    parser.add_argument("--perf", help="`perf record` the first round's catch-ups into this file")
    parser.add_argument(
        "--cprofile", help="write the first catch-up's cProfile stats here (the first of --modes)"
    )
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
                args.perf,
                args.sample,
                args.own_parts,
                args.consume,
            )
        )


if __name__ == "__main__":
    main()
