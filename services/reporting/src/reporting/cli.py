"""Periodic deadline check (cron or a Kubernetes CronJob): `python -m reporting.cli misses`.

For every county known to the reporting read models and every recent period (this year and the
last), records DeadlineMissed once per owner who had nothing in by the county's deadline. Running it
again records nothing new: each miss is its own stream, decided once.
"""

from __future__ import annotations

import argparse
import asyncio
from uuid import uuid4

import asyncpg
from eventkit.auth import Principal, Role
from eventkit.clock import now_cst
from eventkit.db import create_pool
from eventkit.logs import correlation_id
from eventkit.settings import Settings
from eventkit.store import EventStore
from vc_contracts.divisions import real_province

from reporting.application.report_commands import ReportHandler
from reporting.application.report_queries import overdue


def recent_periods(year: int) -> list[tuple[str, str]]:
    periods = []
    for y in (year - 1, year):
        periods += [
            ("half_year_ledger", f"{y}H1"),
            ("half_year_ledger", f"{y}H2"),
            ("annual_results", str(y)),
        ]
    return periods


async def record_all_misses(pool: asyncpg.Pool, schema: str) -> int:
    handler, now, recorded = ReportHandler(EventStore(pool, schema), pool), now_cst(), 0
    counties = [r["id"] for r in await pool.fetch(f"SELECT id FROM {schema}.st_names WHERE kind = 'county'")]
    # a county of no GB/T 2260 province (stored before tokens were held to real provinces) is one no
    # token can act in, and no Principal can name: skipped rather than stopping every other county
    for county in filter(real_province, counties):
        task = Principal(subject="deadline-task", role=Role.county_admin, scope=county)
        for kind, period in recent_periods(now.year):
            items = await overdue(pool, schema, county, kind, period, now)
            recorded += len((await handler.record_misses(task, items, None))["recorded"])
    return recorded


async def _main() -> None:
    correlation_id.set(str(uuid4()))  # one run, one correlation id on every miss it records
    settings = Settings()
    pool = await create_pool(settings.database_url, min_size=1, max_size=2)
    try:
        print(f"recorded {await record_all_misses(pool, settings.schema)} missed deadlines")
    finally:
        await pool.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m reporting.cli")
    parser.add_argument("command", choices=["misses"], help="record DeadlineMissed for every overdue report")
    parser.parse_args()
    asyncio.run(_main())


if __name__ == "__main__":
    main()
