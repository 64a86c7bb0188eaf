"""The dashboard: per county, coverage, villages meeting the quarter's on-site minimum, reports
submitted and approved; one aggregate query over the read models, scoped by division prefix.
Rows are ordered by division code: there is no ranking."""

from __future__ import annotations

from typing import Any

import asyncpg

MIN_QUARTER_HOURS = 8.0


async def dashboard(pool: asyncpg.Pool, schema: str, prefix: str, quarter: str) -> dict[str, Any]:
    rows = await pool.fetch(
        f"""
        WITH hours AS (
            SELECT village_code, sum(hours) AS hours FROM {schema}.cv_hours
            WHERE quarter = $2 AND starts_with(village_code, $1) GROUP BY village_code
        ), villages AS (
            SELECT substr(v.village_code, 1, 6) AS county, count(*) AS villages,
                   count(*) FILTER (WHERE v.advisor_id IS NOT NULL) AS covered,
                   count(*) FILTER (WHERE coalesce(h.hours, 0) >= $3) AS meeting_onsite_minimum
            FROM {schema}.cv_villages v LEFT JOIN hours h USING (village_code)
            WHERE starts_with(v.village_code, $1) GROUP BY 1
        ), reps AS (
            SELECT county, count(*) AS reports_submitted,
                   count(*) FILTER (WHERE status = 'approved') AS reports_approved,
                   count(*) FILTER (WHERE status = 'returned') AS reports_returned
            FROM {schema}.reports WHERE starts_with(county, $1) GROUP BY county
        )
        SELECT coalesce(v.county, r.county) AS county, coalesce(v.villages, 0) AS villages,
               coalesce(v.covered, 0) AS covered,
               coalesce(v.meeting_onsite_minimum, 0) AS meeting_onsite_minimum,
               coalesce(r.reports_submitted, 0) AS reports_submitted,
               coalesce(r.reports_approved, 0) AS reports_approved,
               coalesce(r.reports_returned, 0) AS reports_returned
        FROM villages v FULL JOIN reps r ON r.county = v.county ORDER BY 1""",
        prefix,
        quarter,
        MIN_QUARTER_HOURS,
    )
    counties = [_with_share(dict(r)) for r in rows]
    cities: dict[str, dict[str, Any]] = {}
    for county in counties:
        city = cities.setdefault(county["county"][:4] + "00", {"city": county["county"][:4] + "00"})
        for key, value in county.items():
            if key not in ("county", "coverage_pct"):
                city[key] = city.get(key, 0) + value
    total: dict[str, Any] = {}
    for city in cities.values():
        _with_share(city)
        for key, value in city.items():
            if key not in ("city", "coverage_pct"):
                total[key] = total.get(key, 0) + value
    return {
        "quarter": quarter,
        "total": _with_share(total),
        "cities": list(cities.values()),
        "counties": counties,
    }


def _with_share(row: dict[str, Any]) -> dict[str, Any]:
    villages = row.get("villages", 0)
    row["coverage_pct"] = round(100.0 * row.get("covered", 0) / villages, 1) if villages else 0.0
    return row
