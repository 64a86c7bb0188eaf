"""`python -m bench [--province] [--events N] [--only import|append|projections]`: every figure next
to its raw limit from the same run. `--only import` measures just the ledger's backfill import (first
and again) next to `executemany` of the same run (about a minute instead of three); `--only append`
just the appends (ours and the eventsourcing peer); `--only projections` just the projection catch-up
and rebuild next to `executemany` and raw consume."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from uuid import uuid4

import asyncpg
from eventkit.collector import batch_friendly_gc
from eventkit.store import EventStore
from vc_contracts.cli_args import decimal, whole

from bench import peer, pipeline, raw, store
from bench.dashboard import run_dashboard_bench
from bench.ledger import executemany_cpu, run_ledger_bench
from bench.report import Figure, Report, Row, median_trial, ratios, title
from bench.servers import bench_dir, servers
from bench.workload import PROVINCE_YEAR_EVENTS, REBUILD_GOAL_EVENTS

SCHEMAS = ("bench_raw", "bench_store", "bench_pipeline", "bench_e2e", peer.SCHEMA, "bench_one_by_one")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--events", type=whole(1, 10**9), default=50_000, help="events for relay and catch-up (50,000)"
    )
    parser.add_argument(
        "--province", action="store_true", help=f"a full province-year: {PROVINCE_YEAR_EVENTS:,} events"
    )
    parser.add_argument(
        "--seconds", type=decimal(0, 86400, above=True), default=4.0, help="length of each timed phase (4)"
    )
    parser.add_argument(
        "--rate", type=decimal(0, 1e6, above=True), default=100.0, help="offered load for latency, commands/s"
    )
    parser.add_argument(
        "--latency-seconds",
        type=decimal(0, 86400, above=True),
        default=15.0,
        help="length of the latency phase",
    )
    parser.add_argument(
        "--consumer",
        choices=sorted(pipeline.CONSUMERS),
        default="faststream",
        help="latency phase: a plain aiokafka loop, or eventkit.consumer.subscribe on FastStream",
    )
    parser.add_argument(
        "--dashboard", action="store_true", help="only the dashboard queries on a generated province"
    )
    parser.add_argument(
        "--only",
        choices=["import", "append", "projections"],
        help="import: only the ledger's 50,000-row backfill import (first, again) and executemany;"
        " append: only the event store's appends, the eventsourcing peer and their raw limits;"
        " projections: only the projection catch-up and rebuild, next to executemany and consume",
    )
    args = parser.parse_args(argv)
    if args.province:
        args.events = PROVINCE_YEAR_EVENTS
    return args


def step(message: str) -> None:
    print(f"… {message}", file=sys.stderr, flush=True)


async def dashboard_section(report: Report, dsn: str) -> None:
    step("dashboard: generating a province of 17,000 villages, then timing the overview")
    rows, notes = await run_dashboard_bench(dsn)
    report.section("dashboard queries (17,028 villages)").extend(rows)
    report.notes.extend(notes)


REBUILD_TRIALS = 3
"""Rebuilds of the same topic timed one after the other; the median counts (the goal is a time on
this machine, whose speed moved by half between runs: session 27's single rebuild gave 63.1 s
extrapolated where session 25's gave 31.1 s, the same code)."""

CATCH_UP_TRIALS = 3
"""Catch-ups timed, each against executemany measured just before it; the median ratio counts
(one run's single catch-up gave 0.86× and another's 35 minutes later 0.45×, the same code)."""

BULK_IMPORT = "bulk import: new streams validated from plain data, `append_rows` of 1,000, one transaction"


async def run_import(dsn: str, bootstrap: str) -> Report:
    """`--only import`: the raw bulk limit, then the ledger's backfill import against it."""
    report = Report(title("ledger backfill import only"))
    step("raw limits: executemany")
    await raw.prepare(dsn)
    many, many_cpu = await executemany_cpu(dsn)
    report.section("raw limits").extend(
        [
            Row("asyncpg executemany, 1,000 rows per transaction", many),
            Row("  same, per CPU second (this process and PostgreSQL)", many_cpu),
        ]
    )
    step("event store: 50,000 new streams validated and appended in one transaction")
    async with store.event_store(dsn, "bench_bulk") as events:
        bulk = Figure(await store.bulk_import(events, 50_000), "events/s")
    report.section("event store").append(Row(BULK_IMPORT, bulk, many, "executemany"))
    step("ledger service: a 50,000-row backfill import, then the same file again")
    report.section("ledger service").extend(
        await run_ledger_bench(dsn, bootstrap, raw_bulk=many, latency=False, raw_cpu=many_cpu)
    )
    return report


async def projection_rows(
    dsn: str,
    events: EventStore,
    bootstrap: str,
    topic: str,
    n: int,
    many: Figure,
    consumed: Figure,
    province: bool,
) -> list[Row]:
    """Catch-up (the services' own subscriber: eventkit.consumer.subscribe on a FastStream broker,
    feeding a ProjectionRunner through eventkit.overlap) and a rebuild (eventkit.rebuild) of the `n`
    events already on `topic`, each against the raw limits."""
    trials: list[tuple[float, float]] = []
    for k in range(CATCH_UP_TRIALS):  # each into empty tables, against executemany just before it
        step(f"pipeline: projection catch-up (the services' subscriber), trial {k + 1} of {CATCH_UP_TRIALS}")
        await raw.prepare(dsn)
        limit = await raw.executemany(dsn, 50_000)
        if k == 0:  # the first into `events`, whose read model the rebuild below starts from
            trials.append((await pipeline.projection_catch_up(events, bootstrap, topic, n, 3600), limit))
            continue
        async with store.event_store(dsn, f"bench_catch_up_{k}") as other:
            caught = await pipeline.projection_catch_up(other, bootstrap, topic, n, 3600,
                                                        group=f"{topic}.projection.trial{k}")  # fmt: skip
            trials.append((caught, limit))
    caught_up, catch_up_limit = trials[median_trial(trials)]
    step("pipeline: the same catch-up, batch after batch (no overlap: the subscriber before session 12)")
    async with store.event_store(dsn, "bench_one_by_one") as other:
        sequential = await pipeline.projection_catch_up(other, bootstrap, topic, n, 3600, overlap=False)
    step("pipeline: the same catch-up, event by event (the read model without apply_batch)")
    async with store.event_store(dsn, "bench_one_by_one") as other:
        one_by_one = await pipeline.projection_catch_up(
            other, bootstrap, topic, n, 3600, set_based=False, overlap=False
        )
    step("pipeline: the same catch-up by two replicas (processes) sharing the partitions, one group")
    async with store.event_store(dsn, "bench_replicas") as other:
        replicated = await pipeline.replicas_catch_up(other, dsn, bootstrap, topic, n)
    rebuilds: list[float] = []
    for k in range(REBUILD_TRIALS):
        step(f"pipeline: projection rebuild (eventkit.rebuild: new generation, swap, drop), trial {k + 1}"
             f" of {REBUILD_TRIALS}")  # fmt: skip
        rebuilds.append(await pipeline.projection_rebuild(events, bootstrap, topic, n))
    rebuilt = sorted(rebuilds)[len(rebuilds) // 2]
    each = "/".join(f"{REBUILD_GOAL_EVENTS / r:.1f}" for r in rebuilds)
    step("pipeline: rebuild of the reporting service's statistics read model")
    statistics = Figure(await pipeline.statistics_rebuild(events, bootstrap, topic, n), "events/s")
    projected, rebuilding = Figure(caught_up, "events/s"), Figure(rebuilt, "events/s")
    goal_raw = Figure(REBUILD_GOAL_EVENTS / many.value, "s")
    measured = "measured rate" if province else "extrapolated"
    return [
        Row(f"projection catch-up, {n:,} events (the services' subscriber; median of {len(trials)})",
            projected, consumed, "consume"),
        Row(f"  same, against the batched-insert limit (goal ≥ 0.5×; {ratios(trials)})", projected,
            Figure(catch_up_limit, "rows/s"), "executemany before it"),
        Row("  same, two replicas sharing the partitions (processes, one group)",
            Figure(replicated, "events/s"), many, "executemany"),
        Row("  same, batch after batch (no overlap: the subscriber before session 12)",
            Figure(sequential, "events/s"), many, "executemany"),
        Row("  same, event by event (before issue 12), against executemany", Figure(one_by_one, "events/s"),
            many, "executemany"),
        Row(f"projection rebuild, {n:,} events (eventkit.rebuild; median of {len(rebuilds)})", rebuilding,
            many, "executemany"),
        Row(f"  same, reporting's statistics read model, {n:,} events", statistics, many, "executemany"),
        Row(f"province-year catch-up, {PROVINCE_YEAR_EVENTS:,} events ({measured})",
            Figure(PROVINCE_YEAR_EVENTS / caught_up, "s"), Figure(PROVINCE_YEAR_EVENTS / consumed.value, "s"),
            "consume"),
        Row(f"province-year rebuild, {REBUILD_GOAL_EVENTS:,} events (extrapolated; goal < 60 s; {each} s)",
            Figure(REBUILD_GOAL_EVENTS / rebuilt, "s"), goal_raw, "executemany"),
        Row(f"  same, reporting's statistics read model ({REBUILD_GOAL_EVENTS:,} events, extrapolated)",
            Figure(REBUILD_GOAL_EVENTS / statistics.value, "s"), goal_raw, "executemany"),
    ]  # fmt: skip


async def run_projections(dsn: str, bootstrap: str, args: argparse.Namespace) -> Report:
    """`--only projections`: executemany and consume, then catch-up and rebuild of `--events` events."""
    n, topic = args.events, f"bench.{uuid4().hex[:8]}"
    report = Report(title(f"projection catch-up and rebuild only, {n:,} events"))
    step("raw limits: executemany, Kafka consume")
    await raw.prepare(dsn)
    many = Figure(await raw.executemany(dsn, 50_000), "rows/s")
    await raw.produce(bootstrap, f"{topic}.raw", 50_000)
    consumed = Figure((await raw.consume(bootstrap, f"{topic}.raw", f"{topic}.raw", 50_000)).rate, "msgs/s")
    report.section("raw limits").extend(
        [
            Row("asyncpg executemany, 1,000 rows per transaction", many),
            Row(f"aiokafka consume, group, getmany ≤{raw.CONSUMER_MAX_RECORDS:,}, commit a batch", consumed),
        ]
    )
    async with store.event_store(dsn, "bench_pipeline") as events:
        step(f"pipeline: storing {n:,} events (append_many, untimed), relaying them")
        await pipeline.fill(events, n)
        await pipeline.relay_drain(events, bootstrap, f"{topic}.pipeline", n, 600)
        rows = await projection_rows(
            dsn, events, bootstrap, f"{topic}.pipeline", n, many, consumed, args.province
        )
    report.section("relay and projections").extend(rows)
    return report


async def append_section(
    report: Report, raw_rows: list[Row], rows: list[Row], dsn: str, seconds: float
) -> Figure:
    """Appends from 8 writers (ours, then the peer's) between two runs of the raw 8-connection limit:
    the raw limits and the event store rows. Returns executemany of the same run."""
    fig = Figure
    step("raw limits: PostgreSQL")
    await raw.prepare(dsn)
    pg1 = fig(await raw.one_row_per_transaction(dsn, 1, seconds), "rows/s")
    before = await raw.one_row_per_transaction(dsn, 8, seconds)
    before_lock = await raw.one_row_per_transaction(dsn, 8, seconds, lock=True)
    step("event store: appends, then the eventsourcing peer")
    async with store.event_store(dsn, "bench_store") as events:
        appends = fig(await store.single_appends(events, seconds), "events/s")
        commands = fig(await store.decided_commands(events, seconds), "commands/s")
    peers = fig(await asyncio.to_thread(peer.single_appends, dsn, seconds), "events/s")
    # The one-row limits swing most between runs (fsync): measured on both sides of the appends.
    step("raw limits: PostgreSQL again")
    after = await raw.one_row_per_transaction(dsn, 8, seconds)
    after_lock = await raw.one_row_per_transaction(dsn, 8, seconds, lock=True)
    pg8, pg8_lock = fig((before + after) / 2, "rows/s"), fig((before_lock + after_lock) / 2, "rows/s")
    report.notes.append(
        f"8-connection one-row inserts before / after the appends: {before:,.0f} / {after:,.0f} rows/s"
        f" ({before_lock:,.0f} / {after_lock:,.0f} with the lock); the table shows the mean."
    )
    many = fig(await raw.executemany(dsn, 50_000), "rows/s")
    raw_rows.extend(
        [
            Row("asyncpg, 1 row per transaction, 1 connection", pg1),
            Row("asyncpg, 1 row per transaction, 8 connections", pg8),
            Row("  same + pg_advisory_xact_lock (the store's ordering lock)", pg8_lock),
            Row("asyncpg executemany, 1,000 rows per transaction", many),
        ]
    )
    rows.extend(
        [
            Row("EventStore.append, 1 event per call, 8 writers (group commit)", appends, pg8,
                "8-conn inserts"),
            Row("  same, against the ordering-lock ceiling", appends, pg8_lock, "8-conn + lock"),
            Row("eventsourcing PostgresApplicationRecorder, 1 event per call, 8 threads", peers, pg8,
                "8-conn inserts"),
            Row("command runner (a visit + idempotency key), 8 writers", commands, pg8, "8-conn inserts"),
        ]
    )  # fmt: skip
    return many


async def run_append(dsn: str, seconds: float) -> Report:
    """`--only append`: appends (ours and the peer's) between the raw limits."""
    report = Report(title(f"appends only, {seconds:g} s phases"))
    await append_section(report, report.section("raw limits"), report.section("event store"), dsn, seconds)
    return report


async def run(dsn: str, bootstrap: str, args: argparse.Namespace) -> Report:
    if args.dashboard:
        report = Report(title("dashboard queries only"))
        await dashboard_section(report, dsn)
        return report
    topic = f"bench.{uuid4().hex[:8]}"
    n, seconds = args.events, args.seconds
    load = f"{args.rate:g} cmd/s × {args.latency_seconds:g} s"
    report = Report(title(f"{n:,} events, {seconds:g} s phases, latency at {load}"))
    fig = Figure

    raw_rows, rows = report.section("raw limits"), report.section("event store")
    many = await append_section(report, raw_rows, rows, dsn, seconds)
    notify50, notify99 = (fig(v, "ms") for v in await raw.notify_latency(dsn, 300))

    step("raw limits: Kafka")
    produced = fig(await raw.produce(bootstrap, f"{topic}.raw", 50_000), "msgs/s")
    consumed = fig((await raw.consume(bootstrap, f"{topic}.raw", f"{topic}.raw", 51_000)).rate, "msgs/s")
    rtt50, rtt99 = (fig(v, "ms") for v in await raw.round_trip(bootstrap, f"{topic}.rtt", args.rate, 5))
    raw_rows += [
        Row("aiokafka produce, acks=all, linger 5 ms, gathered per 1,000", produced),
        Row(f"aiokafka consume, group, getmany ≤{raw.CONSUMER_MAX_RECORDS:,}, commit a batch", consumed),
        Row("LISTEN/NOTIFY wake-up p50", notify50),
        Row("LISTEN/NOTIFY wake-up p99", notify99),
        Row(f"produce → group consumer round trip p50 ({args.rate:g} msgs/s)", rtt50),
        Row(f"produce → group consumer round trip p99 ({args.rate:g} msgs/s)", rtt99),
    ]

    async with store.event_store(dsn, "bench_pipeline") as events:
        step(f"pipeline: importing {n:,} events")
        imported = fig(await store.bulk_import(events, n), "events/s")
        what = BULK_IMPORT
        rows.append(Row(what, imported, many, "executemany"))
        step("pipeline: outbox relay")
        relayed = fig(await pipeline.relay_drain(events, bootstrap, f"{topic}.pipeline", n, 600), "events/s")
        projections = await projection_rows(
            dsn, events, bootstrap, f"{topic}.pipeline", n, many, consumed, args.province
        )
    report.section("relay and projections").extend(
        [Row(f"OutboxRelay, {n:,} stored events to Kafka", relayed, produced, "produce"), *projections]
    )

    step(f"end-to-end latency: {args.rate:g} commands/s for {args.latency_seconds:g} s ({args.consumer})")
    async with store.event_store(dsn, "bench_e2e") as events:
        e2e = await pipeline.end_to_end(
            events, bootstrap, f"{topic}.e2e", args.rate, args.latency_seconds, args.consumer
        )
    e2e50, e2e99 = (fig(v, "ms") for v in e2e)
    what = f"append commit → read model commit, {args.rate:g} cmd/s"
    report.section("end-to-end latency").extend(
        [
            Row(f"{what}, p50", e2e50, rtt50, "round trip p50"),
            Row(f"{what}, p99", e2e99, rtt99, "round trip p99"),
        ]
    )
    step("ledger service: POST /visits over HTTP, then a 50,000-row backfill import")
    report.section("ledger service").extend(
        await run_ledger_bench(dsn, bootstrap, rate=args.rate, seconds=args.latency_seconds, raw_bulk=many)
    )
    await dashboard_section(report, dsn)
    report.notes[:0] = [
        "Throughput ratios are the share of the raw limit reached (higher is better); time and latency"
        " ratios are multiples of the raw figure (lower is better).",
        "One process drives everything (2 cores shared with PostgreSQL and Tansu); events are built"
        " before each clock starts. Consumers are timed after the group join.",
        f"End-to-end: relay (NOTIFY-driven) and projection ({args.consumer} consumer) running in the"
        " same process as the writers; the round trip uses the same consumer settings.",
    ]
    return report


async def drop_schemas(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        for schema in SCHEMAS:
            await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    finally:
        await conn.close()


async def main_async(dsn: str, bootstrap: str, args: argparse.Namespace) -> Report:
    try:
        if args.only == "import":
            return await run_import(dsn, bootstrap)
        if args.only == "append":
            return await run_append(dsn, args.seconds)
        if args.only == "projections":
            return await run_projections(dsn, bootstrap, args)
        return await run(dsn, bootstrap, args)
    finally:
        await drop_schemas(dsn)


def main() -> None:
    args = parse_args()
    started = time.perf_counter()
    step("starting PostgreSQL and Tansu under .var/bench/")
    with servers() as infra:
        batch_friendly_gc()  # as every service's runtime: the projections' batches are young objects
        report = asyncio.run(main_async(infra.dsn, infra.bootstrap, args))
    report.notes.append(f"Whole run: {time.perf_counter() - started:.0f} s.")
    print(report.text())
    path = bench_dir() / "last.md"
    report.write_markdown(path)
    print(f"\n(markdown in {path})")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted; servers stopped", file=sys.stderr)
        sys.exit(130)
