"""The dashboard: per county, coverage, villages meeting the quarter's on-site minimum, reports
submitted and approved; one aggregate query over the read models, scoped by division prefix.
Rows are ordered by division code: there is no ranking.

Coverage counts the assignments in force on the quarter's reference day (reporting.domain.compliance);
the on-site minimum is each county's rule in force for the quarter (named per county), compared with
the exact seconds served."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import asyncpg
from eventkit.readmodels import in_force_sql
from vc_contracts.catalogue.assessment import ComplianceRulesSet
from vc_contracts.durations import minimum_seconds
from vc_contracts.rules import rule_for_period, rule_label


async def dashboard(
    pool: asyncpg.Pool, schema: str, prefix: str, quarter: str, on: date, sets: Sequence[ComplianceRulesSet]
) -> dict[str, Any]:
    """Per county, city and in total; `on` is the day whose assignments count as coverage."""
    counties_in_scope = [
        r["county"]
        for r in await pool.fetch(
            f"SELECT DISTINCT substr(village_code, 1, 6) AS county FROM {schema}.cv_villages"
            " WHERE starts_with(village_code, $1)",
            prefix,
        )
    ]
    rules = {c: rule_for_period(c, quarter, sets) for c in counties_in_scope}
    rows = await pool.fetch(
        f"""
        WITH minimums AS (
            SELECT * FROM unnest($3::text[], $4::bigint[]) AS m(county, seconds)
        ), hours AS (
            SELECT village_code, sum(seconds) AS seconds FROM {schema}.cv_hours
            WHERE quarter = $2 AND starts_with(village_code, $1) GROUP BY village_code
        ), serving AS ({in_force_sql(f"{schema}.rp_assignments", "$5::date", "$1")}
        ), villages AS (
            SELECT substr(v.village_code, 1, 6) AS county, count(*) AS villages,
                   count(a.advisor_id) AS covered,
                   count(*) FILTER (WHERE coalesce(h.seconds, 0) >= m.seconds) AS meeting_onsite_minimum
            FROM {schema}.cv_villages v LEFT JOIN hours h USING (village_code)
            LEFT JOIN serving a USING (village_code)
            JOIN minimums m ON m.county = substr(v.village_code, 1, 6)
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
        list(rules),
        [minimum_seconds(r.min_quarter_onsite_hours) for r in rules.values()],
        on,
    )
    counties = [_with_share(dict(r)) for r in rows]
    cities: dict[str, dict[str, Any]] = {}
    for county in counties:
        city = cities.setdefault(county["county"][:4] + "00", {"city": county["county"][:4] + "00"})
        for key, value in county.items():
            if key not in ("county", "coverage_pct"):
                city[key] = city.get(key, 0) + value
        rule = rules.get(county["county"]) or rule_for_period(county["county"], quarter, sets)
        county["min_quarter_onsite_hours"] = rule.min_quarter_onsite_hours
        county["onsite_rule"] = rule_label(rule)
    total: dict[str, Any] = {}
    for city in cities.values():
        _with_share(city)
        for key, value in city.items():
            if key not in ("city", "coverage_pct"):
                total[key] = total.get(key, 0) + value
    return {
        "quarter": quarter,
        "assignments_as_of": on.isoformat(),
        "total": _with_share(total),
        "cities": list(cities.values()),
        "counties": counties,
    }


def _with_share(row: dict[str, Any]) -> dict[str, Any]:
    villages = row.get("villages", 0)
    row["coverage_pct"] = round(100.0 * row.get("covered", 0) / villages, 1) if villages else 0.0
    return row
