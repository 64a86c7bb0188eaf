"""One county's statistics read that county's rows, not the province's (issue 12, found by
`make bench-scale`: the county table's hours were a sequential scan of every village's visits, so
its p99 grew with the province). Checked on the plan PostgreSQL makes for the real query over a
province of 60 counties: no sequential scan of the hours or entries tables."""

from __future__ import annotations

import asyncpg
from eventkit.projection import ProjectionRunner
from reporting.application.statistics import _aggregate_sql
from reporting.application.stats_view import StatsView

COUNTIES, VILLAGES, VISITS = 60, 20, 12


async def test_a_county_statistics_table_reads_by_index(pool: asyncpg.Pool, schema: str) -> None:
    runner = ProjectionRunner(pool, schema, StatsView())
    await runner.install()
    t = runner.prefix(1)
    rows = [
        (f"E-{c}-{v}-{n}", f"62{c // 10 + 1:02d}{21 + c % 10:02d}100{v:03d}", f"2025H{1 + n % 2}")
        for c in range(COUNTIES) for v in range(VILLAGES) for n in range(VISITS)
    ]  # fmt: skip
    async with pool.acquire() as conn:
        await conn.executemany(f"INSERT INTO {t}st_hours VALUES ($1, $3, 'U-1', $2, 7200)", rows)
        await conn.executemany(
            f"INSERT INTO {t}st_entries (entry_id, kind, unit_id, village_code, half, data)"
            " VALUES ($1, 'visit', 'U-1', $2, $3, '{}')",
            rows,
        )
        await conn.execute(f"ANALYZE {t}st_hours")
        await conn.execute(f"ANALYZE {t}st_entries")
        county = rows[0][1][:6]
        plan = "\n".join(
            r[0]
            for r in await conn.fetch(
                "EXPLAIN " + _aggregate_sql(schema, "", ""), ["2025H1", "2025H2"], county
            )
        )
    scans = [line.strip() for line in plan.splitlines() if "Seq Scan" in line]
    assert not [s for s in scans if "st_hours" in s or "st_entries" in s], plan
