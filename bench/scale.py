"""`python -m bench.scale [--sizes 1000,4000,17000,60000] [--seed 7]`: how cost grows with the province.

For each size (villages; whole counties of Gansu in code order, then its neighbours) on a fresh
stack (PostgreSQL, Tansu, the four services as `make run` starts them):
- generation: the province written through the services (bench/province), events appended per
  second of the whole generation (every phase: imports, commands, waits);
- relay: how long after the last append the relays had published everything;
- projection catch-up: how long after the last append every projection had applied everything
  (the last change of any projection's status), and the events applied per second over the run;
- rebuild: `python -m eventkit.rebuild` of reporting's statistics and compliance read models;
- queries, p50/p99 of 20 answers each: the province-wide dashboard overview (the year) and
  compliance list (Q4, first page of 50), the same for the first county (620102, the same county
  at every size), the county statistics table (H2) and the county's annual report preview.
Writes docs/scale-figures.json and docs/scale-growth.png (bench/scale_plot.py) and prints a table.
A size stops the series when it fails or when the time budget (--budget minutes) would be exceeded
by the next size (estimated from the last one, linear in villages).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from devstack.paths import repo_root, var_dir
from eventkit.tokens import issue
from vc_contracts.cli_args import decimal, whole, wholes

from bench.province import divisions
from bench.province.plan import make_plan
from bench.province.stack import Stack, province_stack
from bench.province.writer import Writer, say
from bench.scale_plot import plot
from bench.timing import percentile

FIGURES = repo_root() / "docs" / "scale-figures.json"
PLOT = repo_root() / "docs" / "scale-growth.png"
REPEAT = 20
SERVICES_WITH_EVENTS = ("registry", "ledger", "assessment", "reporting")
PROJECTED = ("registry", "ledger", "assessment", "reporting")
REBUILT = ("statistics_v4", "compliance_v3")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    parser.add_argument(
        "--sizes",
        type=wholes(1, 10**7),
        default="1000,4000,17000,60000",
        help="villages per run, in this order",
    )
    parser.add_argument("--seed", type=whole(0, 2**32), default=7)
    parser.add_argument("--year", type=whole(2000, 2100), default=datetime.now(UTC).year - 1)
    parser.add_argument(
        "--agreements",
        type=decimal(0, 1),
        default=0.25,
        help="share of villages whose agreement is signed and filed over the API (0.25)",
    )
    parser.add_argument(
        "--budget",
        type=decimal(0, 10**5, above=True),
        default=240.0,
        help="minutes for the whole series (240)",
    )
    parser.add_argument("--out", type=Path, default=FIGURES, help="figures JSON (docs/scale-figures.json)")
    parser.add_argument("--state", default="run", help="folder under .var/bench-scale/ for the servers (run)")
    parser.add_argument("--merge", nargs="+", type=Path, help="only merge these figure files into --out")
    return parser.parse_args(argv)


async def _scalar(conn: asyncpg.Connection, sql: str) -> int:
    try:
        return int(await conn.fetchval(sql) or 0)
    except asyncpg.UndefinedTableError:
        return 0


async def stored_events(dsn: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return sum([await _scalar(conn, f"SELECT count(*) FROM {s}.events") for s in SERVICES_WITH_EVENTS])
    finally:
        await conn.close()


async def relay_behind(conn: asyncpg.Connection) -> int:
    behind = 0
    for s in SERVICES_WITH_EVENTS:
        head = await _scalar(conn, f"SELECT coalesce(max(position), 0) FROM {s}.events")
        done = await _scalar(conn, f"SELECT coalesce(max(position), 0) FROM {s}.relay_checkpoint")
        behind += max(head - done, 0)
    return behind


async def projections_state(conn: asyncpg.Connection) -> tuple[int, datetime | None]:
    applied, last = 0, None
    for s in PROJECTED:
        try:
            row = await conn.fetchrow(
                f"SELECT sum(applied) AS n, max(updated_at) AS at FROM {s}.projection_status"
            )
        except asyncpg.UndefinedTableError:
            continue
        if row is None:  # never: an aggregate answers one row
            continue
        applied += int(row["n"] or 0)
        if row["at"] is not None and (last is None or row["at"] > last):
            last = row["at"]
    return applied, last


async def settle(dsn: str, ended: datetime, quiet: float = 8.0, within: float = 3600) -> dict[str, float]:
    """Seconds after the last append (`ended`) until the relays had published everything and until
    the projections' status last changed (nothing applied for `quiet` seconds since)."""
    conn = await asyncpg.connect(dsn)
    try:
        started = time.perf_counter()
        relay_done: float | None = None
        seen: tuple[int, datetime | None] = (-1, None)
        stable_since = time.perf_counter()
        while time.perf_counter() - started < within:
            if relay_done is None and await relay_behind(conn) == 0:
                relay_done = (datetime.now(UTC) - ended).total_seconds()
            state = await projections_state(conn)
            if state != seen:
                seen, stable_since = state, time.perf_counter()
            elif relay_done is not None and time.perf_counter() - stable_since >= quiet:
                break
            await asyncio.sleep(0.5)
        last = seen[1]
        caught_up = max((last - ended).total_seconds(), 0.0) if last else 0.0
        return {"relay_after_s": relay_done or 0.0, "catch_up_after_s": caught_up, "applied": float(seen[0])}
    finally:
        await conn.close()


def rebuild(stack: Stack, projection: str) -> float:
    env = {**stack.env, "VC_SERVICE": "reporting"}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "eventkit.rebuild", "reporting", projection],
        env=env,
        check=True,
        cwd=repo_root(),
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


async def timed_get(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> dict[str, float]:
    times = []
    for n in range(REPEAT + 1):
        started = time.perf_counter()
        r = await client.get(url, headers=headers)
        took = (time.perf_counter() - started) * 1000
        if r.status_code != 200:
            raise RuntimeError(f"GET {url}: {r.status_code} {r.text[:500]}")
        if n:  # the first answer warms caches and prepared statements
            times.append(took)
    return {"p50_ms": percentile(times, 50), "p99_ms": percentile(times, 99)}


async def queries(stack: Stack, year: int, county: str) -> dict[str, dict[str, float]]:
    def token(role: str, scope: str) -> dict[str, str]:
        return {
            "Authorization": "Bearer " + issue(stack.secret, role=role, scope=scope, subject=f"scale-{role}")
        }

    province, admin = token("province_admin", "620000"), token("county_admin", county)
    rep = stack.urls["reporting"]
    out: dict[str, dict[str, float]] = {}
    async with httpx.AsyncClient(timeout=600, trust_env=False) as client:
        for name, url, headers in [
            ("dashboard_province", f"{rep}/dashboard/overview?division=620000&period={year}", province),
            (
                "compliance_province",
                f"{rep}/compliance?quarter={year}Q4&division=620000&page_size=50",
                province,
            ),
            ("dashboard_county", f"{rep}/dashboard/overview?division={county}&period={year}", admin),
            ("compliance_county", f"{rep}/compliance?quarter={year}Q4&division={county}&page_size=50", admin),
            ("statistics_county", f"{rep}/statistics?period={year}H2&division={county}", admin),
            ("annual_preview_county", f"{rep}/reports/annual/{year}/preview", admin),
        ]:
            say(f"queries: {name}")
            out[name] = await timed_get(client, url, headers)
    return out


def one_size(villages: int, seed: int, year: int, share: float, state: str) -> dict[str, Any]:
    province = divisions.load(villages)
    plan = make_plan(province, seed, year, share)
    summary = plan.summary()
    say(f"size {villages:,}: " + ", ".join(f"{k} {v:,}" for k, v in summary.items()))
    with province_stack(var_dir("bench-scale") / state) as stack:
        writer = Writer(stack.urls, stack.secret, stack.dsn)
        started = time.perf_counter()
        asyncio.run(writer.write(plan))
        generation = time.perf_counter() - started
        ended = datetime.now(UTC)
        events = asyncio.run(stored_events(stack.dsn))
        say(f"generated {events:,} events in {generation:.0f} s; waiting for relays and projections")
        settled = asyncio.run(settle(stack.dsn, ended))
        rebuilds = {}
        for projection in REBUILT:
            say(f"rebuild reporting {projection}")
            rebuilds[projection] = rebuild(stack, projection)
        county = province.counties[0].division.code
        answers = asyncio.run(queries(stack, year, county))
    return {
        "villages": len(province.villages),
        "asked": villages,
        "plan": summary,
        "events": events,
        "generation_s": generation,
        "generation_events_per_s": events / generation,
        "phases": [{"name": p.name, "requests": p.requests, "seconds": p.seconds} for p in writer.phases],
        **settled,
        "rebuild_s": rebuilds,
        "queries": answers,
        "load_after": os.getloadavg(),
    }


def merge(args: argparse.Namespace) -> None:
    """Runs of several series (e.g. sizes run at different times) in one figures file and plot."""
    docs = [json.loads(p.read_text()) for p in args.merge]
    runs = {r["villages"]: r for d in docs for r in d["runs"]}
    stopped = "; ".join(d["stopped"] for d in docs if d.get("stopped"))
    args.seed, args.year, args.agreements = docs[0]["seed"], docs[0]["year"], docs[0]["agreement_share"]
    write(args, list(runs.values()), stopped, [])
    print(text(sorted(runs.values(), key=lambda r: r["villages"]), stopped))


def main() -> None:
    args = parse_args()
    if args.merge:
        merge(args)
        return
    sizes: list[int] = args.sizes
    deadline = time.monotonic() + args.budget * 60
    runs: list[dict[str, Any]] = []
    stopped = ""
    for i, size in enumerate(sizes):
        if runs:
            last = runs[-1]
            estimate = last["wall_s"] * size / last["villages"]
            if time.monotonic() + estimate > deadline:
                stopped = (
                    f"stopped before {size:,} villages: the last run took {last['wall_s']:.0f} s for"
                    f" {last['villages']:,}, so this one would take about {estimate / 60:.0f} min, past the"
                    f" {args.budget:g}-minute budget"
                )
                break
        started = time.perf_counter()
        try:
            run = one_size(size, args.seed, args.year, args.agreements, args.state)
        except Exception as exc:  # a size that fails ends the series; its reason is reported
            stopped = f"stopped at {size:,} villages: {type(exc).__name__}: {exc}"[:600]
            say(stopped)
            break
        run["wall_s"] = time.perf_counter() - started
        runs.append(run)
        write(args, runs, stopped, sizes[i + 1 :])
    write(args, runs, stopped, [])
    print(text(runs, stopped))


def write(args: argparse.Namespace, runs: list[dict[str, Any]], stopped: str, pending: list[int]) -> None:
    doc = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, shared with other work",
        "seed": args.seed,
        "agreement_share": args.agreements,
        "year": args.year,
        "runs": runs,
        "stopped": stopped or (f"still to run: {pending}" if pending else ""),
    }
    runs = sorted(runs, key=lambda r: r["villages"])
    doc["runs"] = runs
    args.out.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    if runs:
        plot(doc, PLOT)


def text(runs: list[dict[str, Any]], stopped: str) -> str:
    lines = [
        f"{'villages':>9} {'events':>9} {'gen ev/s':>9} {'relay s':>8} {'catch s':>8} "
        f"{'rb stat s':>9} {'rb comp s':>9}  queries p50/p99 ms"
    ]
    for r in runs:
        q = "  ".join(f"{k} {v['p50_ms']:.0f}/{v['p99_ms']:.0f}" for k, v in r["queries"].items())
        lines.append(
            f"{r['villages']:>9,} {r['events']:>9,} {r['generation_events_per_s']:>9,.0f}"
            f" {r['relay_after_s']:>8.1f} {r['catch_up_after_s']:>8.1f}"
            f" {r['rebuild_s']['statistics_v4']:>9.1f} {r['rebuild_s']['compliance_v3']:>9.1f}  {q}"
        )
    if stopped:
        lines.append(stopped)
    return "\n".join(lines)


if __name__ == "__main__":
    main()
