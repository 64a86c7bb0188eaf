"""`python -m bench.import_timeline [N]`: where the wall of a first backfill import goes, process by
process: the ledger service started as `make bench` starts it, then N first imports of the bench's
50,000-row CSV (each into an empty ledger, against `executemany` measured just before it), each with
the CPU of the service's process, its worker process and PostgreSQL sampled every 0.1 s.

Prints, per import, its wall and ratio, then one `service/worker/PostgreSQL` triple of percent of a
core per 0.1 s (eight to a line), then each one's CPU seconds. A tool for finding the cost, not a
figure of `make bench` (`--only import` is the figure).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import secrets
import time

import httpx
import psutil
from eventkit.tokens import issue
from vc_contracts.cli_args import whole

from bench import raw
from bench.ledger import SCOPE, UNIT, backfill_csv, ledger_running, postgres_pid, tree_cpu
from bench.servers import servers

ROWS = 50_000
Sample = tuple[float, float, float, float]  # perf_counter, service CPU, its workers' CPU, PostgreSQL CPU


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


async def _sampled(service: psutil.Process, server: int, samples: list[Sample], done: asyncio.Event) -> None:
    workers = service.children(recursive=True)  # the forkserver and its worker, started with the service
    while not done.is_set():
        total = 0.0
        for worker in workers:
            with contextlib.suppress(psutil.Error):
                total += _cpu(worker)
        samples.append((time.perf_counter(), _cpu(service), total, tree_cpu(server)))
        await asyncio.sleep(0.1)


async def one_import(dsn: str, bootstrap: str, secret: str, content: bytes) -> None:
    async with ledger_running(dsn, bootstrap, secret) as running:
        server = await postgres_pid(dsn)
        await raw.prepare(dsn)
        limit = await raw.executemany(dsn, ROWS)
        token = issue(secret, role="law_firm", scope=SCOPE, subject="bench-staff", unit=UNIT)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/csv"}
        samples: list[Sample] = []
        done = asyncio.Event()
        async with httpx.AsyncClient(timeout=600, trust_env=False) as client:
            sampling = asyncio.create_task(
                _sampled(psutil.Process(running.process.pid), server, samples, done)
            )
            await asyncio.sleep(0.25)
            started = time.perf_counter()
            answer = await client.post(f"{running.service.url}/imports", content=content, headers=headers)
            wall = time.perf_counter() - started
            await asyncio.sleep(0.15)
            done.set()
            await sampling
    if answer.status_code != 201:
        raise SystemExit(f"import: {answer.status_code} {answer.text[:300]}")
    rate = ROWS / wall
    print(f"wall {wall:.2f} s, {rate:,.0f} entries/s, executemany {limit:,.0f} rows/s: {rate / limit:.2f}×")
    cells = [
        "/".join(f"{(b[i] - a[i]) / (b[0] - a[0]) * 100:3.0f}" for i in (1, 2, 3))
        for a, b in itertools.pairwise(samples)
        if started - 0.05 <= b[0] and a[0] <= started + wall + 0.05
    ]
    for at in range(0, len(cells), 8):
        print(f"{at / 10:4.1f}s " + "  ".join(cells[at : at + 8]))
    first, last = samples[0], samples[-1]
    used = [f"{last[i] - first[i]:.2f}" for i in (1, 2, 3)]
    print(f"CPU s: service {used[0]}, worker {used[1]}, PostgreSQL {used[2]}")


async def main_async(trials: int) -> None:
    content, secret = backfill_csv(ROWS), secrets.token_urlsafe(48)
    with servers() as infra:
        for _ in range(trials):
            await one_import(infra.dsn, infra.bootstrap, secret, content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("trials", nargs="?", type=whole(1, 100), default=3)
    asyncio.run(main_async(parser.parse_args().trials))


if __name__ == "__main__":
    main()
