"""The ledger's figures: logging one entry over HTTP and bulk import, next to raw inserts of this run.

(a) POST /visits to the ledger service running as it does in `make run` (uvicorn, its own process,
    relay and consumers live), open loop at a fixed offered load; p50/p99 against single-row insert
    transactions at the same load. Every visit passes the real rules (assignment, overlap, chains).
(b) POST /imports of a 50,000-row CSV backfill (visits, lectures, WeChat consultations of 100 advisors):
    every row checked, then written with the inline read model and the volume chains; entries/s
    against `executemany`. FIRST_TRIALS first imports, each into an empty ledger and against
    `executemany` measured just before it; the median ratio is the figure. Then the last file again
    (changes nothing), right away (the relay is still publishing it in the same process) and once
    the relay has caught up.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import os
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import uuid4

import asyncpg
import httpx
import psutil
from devstack import procs
from devstack.paths import repo_root
from devstack.services import RunningService, Service, start_service
from eventkit.keep_alive import CLIENT_KEEP_ALIVE_SECONDS
from eventkit.tokens import issue
from vc_contracts import CST

from bench import raw
from bench.report import Figure, Row, median_trial, ratios
from bench.servers import bench_dir
from bench.timing import percentile, rate
from bench.workload import VILLAGES

# Advisors and units act inside one county (their token's scope): every bench village used here
# (the first 700) lies in county 621001.
SCOPE, UNIT = VILLAGES[0][:6], "U-bench-firm"
HTTP_ADVISORS, IMPORT_ADVISORS = 500, 100
HEADINGS = ["类型", "顾问编号", "村（社区）代码", "开始时间", "结束时间", "地点", "内容摘要",
            "主题", "参加人数", "渠道", "类别", "结果", "客户端编号"]  # fmt: skip


async def _assign(dsn: str) -> None:
    """The ledger's read model of assignments, filled directly (the registry is not under test)."""
    rows = [(f"AS-h{n}", VILLAGES[n], f"A-h{n}", f"U-bench-{n % 20}") for n in range(HTTP_ADVISORS)]
    rows += [(f"AS-i{n}-{k}", VILLAGES[HTTP_ADVISORS + 2 * n + k], f"A-i{n}", UNIT)
             for n in range(IMPORT_ADVISORS) for k in range(2)]  # fmt: skip
    conn = await asyncpg.connect(dsn)
    try:
        await conn.executemany(
            "INSERT INTO ledger.known_assignments VALUES ($1, $2, $3, $4, $5, NULL)",
            [(*r, date(2018, 1, 1)) for r in rows],
        )
    finally:
        await conn.close()


async def open_loop(per_second: float, total: int, op: object) -> list[float]:
    """Start op(i) at i / per_second (never waiting for earlier ones); latencies in ms."""
    latencies: list[float] = []

    async def timed(i: int) -> None:
        started = time.perf_counter()
        await op(i)  # type: ignore[operator]
        latencies.append((time.perf_counter() - started) * 1000)

    begin, tasks = time.perf_counter(), []
    for i in range(total):
        await asyncio.sleep(max(0.0, begin + i / per_second - time.perf_counter()))
        tasks.append(asyncio.create_task(timed(i)))
    await asyncio.gather(*tasks)
    return latencies


async def raw_insert_latency(dsn: str, per_second: float, total: int) -> list[float]:
    pool = await asyncpg.create_pool(dsn, min_size=8, max_size=8)
    try:
        await pool.execute(
            "CREATE TABLE IF NOT EXISTS public.bench_ledger_raw (id uuid PRIMARY KEY, data jsonb)"
        )

        async def insert(_: int) -> None:
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute(
                    "INSERT INTO public.bench_ledger_raw VALUES ($1, $2::jsonb)", uuid4(), raw.PAYLOAD
                )

        return await open_loop(per_second, total, insert)
    finally:
        await pool.execute("DROP TABLE IF EXISTS public.bench_ledger_raw")
        await pool.close()


KEEPALIVE = CLIENT_KEEP_ALIVE_SECONDS
"""Seconds a client keeps an idle connection: below the services' keep-alive, so a request never
goes out on a connection the server is closing (eventkit.keep_alive: a run of `make bench` failed on
a ReadError from that race, and httpx does not retry a POST)."""


async def http_latency(url: str, secret: str, per_second: float, total: int) -> list[float]:
    tokens = [
        {"Authorization": "Bearer " + issue(secret, role="advisor", scope=VILLAGES[n][:6], subject=f"A-h{n}",
                                            unit=f"U-bench-{n % 20}")}
        for n in range(HTTP_ADVISORS)
    ]  # fmt: skip
    base = datetime.now(CST).replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=1)

    async def post(client: httpx.AsyncClient, i: int) -> None:
        n, start = i % HTTP_ADVISORS, base - timedelta(days=i // HTTP_ADVISORS)
        end = start + timedelta(hours=2)
        body = {"village_code": VILLAGES[n], "started_at": start.isoformat(), "ended_at": end.isoformat(),
                "place": "村委会", "summary": "坐班"}  # fmt: skip
        r = await client.post(f"{url}/visits", json=body, headers=tokens[n])
        if r.status_code != 201:
            raise RuntimeError(f"ledger refused a visit: {r.status_code} {r.text[:300]}")

    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64, keepalive_expiry=KEEPALIVE)
    async with httpx.AsyncClient(timeout=60, trust_env=False, limits=limits) as client:
        warm = HTTP_ADVISORS * 400  # far in the past: connections, statements, caches
        await asyncio.gather(*(post(client, warm + i) for i in range(20)))
        return await open_loop(per_second, total, lambda i: post(client, i))


FIRST_TRIALS = 5
"""First imports timed, each into an empty ledger (a service started for it), each against
`executemany` measured just before it; the median ratio counts. The machine's speed moves by a
third between minutes, and single trials fell either side of the goal: three trials' medians moved
by 0.05× between two runs of the same code (session 26), so five (about 25 s more)."""


def backfill_csv(rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADINGS)
    base = datetime(2018, 3, 1, tzinfo=CST)
    for i in range(rows):
        n, j = i % IMPORT_ADVISORS, i // IMPORT_ADVISORS  # advisor n's j-th day: never two places at once
        day, village = base + timedelta(days=j), VILLAGES[HTTP_ADVISORS + 2 * n + j % 2]
        cells = {0: "驻点服务", 3: day.replace(hour=9), 4: day.replace(hour=12), 5: "村委会", 6: "坐班接待"}
        if j % 5 == 3:
            cells = {0: "法治讲座", 3: day.replace(hour=14), 7: "民法典", 8: 30 + j % 50}
        elif j % 5 == 4:
            cells = {
                0: "法律咨询",
                3: day.replace(hour=20),
                6: "宅基地确权",
                9: "微信群",
                10: "土地",
                11: "已解决",
            }
        row = [cells.get(c, "") for c in range(len(HEADINGS))]
        row[1], row[2], row[12] = f"A-i{n}", village, f"paper-{i}"
        writer.writerow([v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime) else v for v in row])
    return out.getvalue().encode()


async def relay_caught_up(dsn: str, within: float = 300.0) -> None:
    """Wait until the ledger's relay has published every stored event (checkpoint at the head)."""
    conn = await asyncpg.connect(dsn)
    try:
        deadline = time.perf_counter() + within
        while time.perf_counter() < deadline:
            behind = await conn.fetchval(
                "SELECT (SELECT coalesce(max(position), 0) FROM ledger.events)"
                " - (SELECT coalesce(max(position), 0) FROM ledger.relay_checkpoint)"
            )
            if behind <= 0:
                return
            await asyncio.sleep(0.2)
        raise RuntimeError(f"the ledger's relay is still {behind} events behind after {within:g} s")
    finally:
        await conn.close()


def tree_cpu(pid: int) -> float:
    """CPU seconds used by process `pid` and its descendants (the live ones, and the children it
    has reaped: PostgreSQL's postmaster reaps its backends)."""
    root = psutil.Process(pid)
    own = root.cpu_times()
    total = own.user + own.system + own.children_user + own.children_system
    for child in root.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            times = child.cpu_times()
            total += times.user + times.system
    return total


async def postgres_pid(dsn: str) -> int:
    """The postmaster serving `dsn` (the parent of a backend)."""
    conn = await asyncpg.connect(dsn)
    try:
        return int(psutil.Process(await conn.fetchval("SELECT pg_backend_pid()")).ppid())
    finally:
        await conn.close()


async def executemany_cpu(dsn: str, rows: int = 50_000) -> tuple[Figure, Figure]:
    """`raw.executemany`: rows/s, and rows per CPU second of this process and PostgreSQL together
    (CPU time does not grow with the machine's load as wall time does)."""
    server = await postgres_pid(dsn)
    before = time.process_time() + tree_cpu(server)
    per_second = await raw.executemany(dsn, rows)
    used = time.process_time() + tree_cpu(server) - before
    return Figure(per_second, "rows/s"), Figure(rows / used, "rows/CPU-s")


@dataclass
class ImportTimes:
    """A ledger's imports: the first (entries/s, the executemany rows/s measured just before it, rows
    per CPU second), then, when asked, the same file again, right away and once the relay has caught
    up (rows/s, rows per CPU second)."""

    first: tuple[float, float, float]
    again: tuple[float, float] | None = None
    settled: tuple[float, float] | None = None


async def import_rate(
    dsn: str, url: str, secret: str, content: bytes, rows: int, service_pid: int | None = None,
    agains: bool = False,
) -> ImportTimes:  # fmt: skip
    """Rows/s of the first import of `content` into the ledger at `url` (against `executemany`
    measured just before it); with `agains`, of the same file right after it (while the relay
    publishes it in the same process) and once more after the relay has caught up; and the rows per
    CPU second (the service's process tree and PostgreSQL) of each, when `service_pid`."""
    token = issue(secret, role="law_firm", scope=SCOPE, subject="bench-staff", unit=UNIT)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/csv"}
    server = await postgres_pid(dsn)

    def cpu() -> float:
        return tree_cpu(server) + (tree_cpu(service_pid) if service_pid else 0.0)

    limits = httpx.Limits(keepalive_expiry=KEEPALIVE)
    async with httpx.AsyncClient(timeout=1800, trust_env=False, limits=limits) as client:

        async def timed(expected: str) -> tuple[float, float]:
            started, used = time.perf_counter(), cpu()
            r = await client.post(f"{url}/imports", content=content, headers=headers)
            elapsed, used = time.perf_counter() - started, cpu() - used
            if r.status_code >= 300 or r.json()[expected] != rows:
                raise RuntimeError(f"import: {r.status_code} {r.text[:500]}")
            return rate(rows, elapsed), rows / used

        await raw.prepare(dsn)  # an empty table each time: the same limit each trial
        limit = await raw.executemany(dsn, 50_000)
        speed, per_cpu = await timed("imported")
        times = ImportTimes((speed, limit, per_cpu))
        if agains:
            times.again = await timed("unchanged")
            await relay_caught_up(dsn)
            times.settled = await timed("unchanged")
    return times


@contextlib.asynccontextmanager
async def ledger_running(dsn: str, bootstrap: str, secret: str) -> AsyncIterator[RunningService]:
    """The ledger service on the benchmark's servers, on an empty ledger schema with the bench's
    assignments; stopped and its schema dropped after."""
    state = bench_dir() / "ledger"
    (state / "run").mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": dsn, "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "VC_JWT_SECRET": secret}
    service = start_service(Service("ledger", procs.free_port()), env, state, repo_root())
    try:
        procs.wait_until(service.ready, what="ledger ready", timeout=60, proc=service.process,
                         log_path=service.log_path)  # fmt: skip
        await _assign(dsn)
        yield service
    finally:
        service.stop(state / "run")
        conn = await asyncpg.connect(dsn)
        await conn.execute("DROP SCHEMA IF EXISTS ledger CASCADE")
        await conn.close()


async def run_ledger_bench(
    dsn: str, bootstrap: str, *, rate: float = 100.0, seconds: float = 15.0, rows: int = 50_000,
    raw_bulk: Figure | None = None, latency: bool = True, raw_cpu: Figure | None = None,
) -> list[Row]:  # fmt: skip
    """Start the ledger service on the benchmark's servers, measure, stop it; rows for the report.
    Without `latency`, only the backfill import (first, then again) is measured. With `raw_cpu`
    (executemany's rows per CPU second), the imports' rows per CPU second are set against it."""
    total = int(rate * seconds)
    figures: list[Row] = []
    inserts = await raw_insert_latency(dsn, rate, total) if latency else []
    if raw_bulk is None:
        await raw.prepare(dsn)
        raw_bulk = Figure(await raw.executemany(dsn, 50_000), "rows/s")
    secret = secrets.token_urlsafe(48)
    if latency:
        async with ledger_running(dsn, bootstrap, secret) as service:
            latencies = await http_latency(service.service.url, secret, rate, total)
        what = f"POST /visits over HTTP (uvicorn), {rate:g} cmd/s"
        for p in (50, 99):
            raw_p = Figure(percentile(inserts, p), "ms")
            figures.append(Row(f"{what}, p{p}", Figure(percentile(latencies, p), "ms"), raw_p,
                               f"1-row insert tx p{p}"))  # fmt: skip
    content, trials = backfill_csv(rows), []
    for n in range(FIRST_TRIALS):  # each first import into an empty ledger of a service just started
        async with ledger_running(dsn, bootstrap, secret) as service:
            trials.append(await import_rate(dsn, service.service.url, secret, content, rows,
                                            service.process.pid, agains=n == FIRST_TRIALS - 1))  # fmt: skip
    times = trials[-1]
    assert times.again is not None and times.settled is not None
    pairs = [(t.first[0], t.first[1]) for t in trials]
    first, limit, first_cpu = trials[median_trial(pairs)].first
    return [
        *figures,
        Row(f"backfill import, {rows:,}-row CSV, first time (median of {len(trials)}: {ratios(pairs)})",
            Figure(first, "entries/s"), Figure(limit, "rows/s"), "executemany before it"),
        Row("  same file again (changes nothing)", Figure(times.again[0], "rows/s"), raw_bulk, "executemany"),
        Row("  same file again, the relay caught up", Figure(times.settled[0], "rows/s"), raw_bulk,
            "executemany"),
        *([
            Row("  first import, per CPU second (service and PostgreSQL)", Figure(first_cpu, "rows/CPU-s"),
                raw_cpu, "executemany"),
            Row("  same file again, per CPU second", Figure(times.again[1], "rows/CPU-s"), raw_cpu,
                "executemany"),
            Row("  again, the relay caught up, per CPU second", Figure(times.settled[1], "rows/CPU-s"),
                raw_cpu, "executemany"),
        ] if raw_cpu is not None else []),
    ]  # fmt: skip
