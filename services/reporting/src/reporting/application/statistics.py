"""The statistics table: per unit and village, figures derived from the statistics read model."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import asyncpg
from vc_contracts.durations import display_total_hours, total_seconds

from reporting.domain.statistics import METRICS, RULES, totals

_COUNTED = [m for m in METRICS if m.sql]


def _aggregate_sql(schema: str, unit_filter: str) -> str:
    columns = ", ".join(f"{m.sql} AS {m.key}" for m in _COUNTED)
    return f"""
        WITH counted AS (
            SELECT e.unit_id, e.village_code, {columns} FROM {schema}.st_entries e
            WHERE e.half = ANY($1::text[]) AND NOT e.voided AND starts_with(e.village_code, $2) {unit_filter}
            GROUP BY e.unit_id, e.village_code
        ), hours AS (
            SELECT h.unit_id, h.village_code, sum(h.seconds)::bigint AS visit_seconds FROM {schema}.st_hours h
            WHERE h.half = ANY($1::text[]) AND starts_with(h.village_code, $2)
                  {unit_filter.replace("e.", "h.")}
            GROUP BY h.unit_id, h.village_code
        )
        SELECT coalesce(c.unit_id, hr.unit_id) AS unit_id,
               coalesce(c.village_code, hr.village_code) AS village_code,
               u.name AS unit_name, v.name AS village_name, coalesce(hr.visit_seconds, 0) AS visit_seconds,
               {", ".join(f"coalesce(c.{m.key}, 0) AS {m.key}" for m in _COUNTED)}
        FROM counted c FULL JOIN hours hr ON hr.unit_id = c.unit_id AND hr.village_code = c.village_code
        LEFT JOIN {schema}.st_names u ON u.id = coalesce(c.unit_id, hr.unit_id)
        LEFT JOIN {schema}.st_names v ON v.id = coalesce(c.village_code, hr.village_code)
        ORDER BY 1, 2"""


async def statistics_table(
    pool: asyncpg.Pool, schema: str, period: str, scope_prefix: str, unit_id: str | None = None
) -> dict[str, Any]:
    """The table for a half-year (2025H1) or a year (2025: both halves) inside a division prefix."""
    halves = [period] if "H" in period else [f"{period}H1", f"{period}H2"]
    args: list[Any] = [halves, scope_prefix]
    unit_filter = ""
    if unit_id is not None:
        args.append(unit_id)
        unit_filter = "AND e.unit_id = $3"
    rows = [dict(r) for r in await pool.fetch(_aggregate_sql(schema, unit_filter), *args)]
    seconds = [int(row.pop("visit_seconds")) for row in rows]
    for row, s in zip(rows, seconds, strict=True):
        row["visit_hours"] = display_total_hours(s)
    table = {
        "period": period,
        "unit_id": unit_id,
        "rows": rows,
        "totals": {**totals(rows), "visit_hours": display_total_hours(total_seconds(seconds))},
        "columns": [{"key": m.key, "heading": m.heading} for m in METRICS],
        "counting_rules": RULES,
    }
    table["digest"] = digest(table)
    return table


def digest(table: dict[str, Any]) -> str:
    """What the unit confirms: a fingerprint of its rows; any ledger change since preview alters it."""
    parts = {"rows": table["rows"], "assessment_results": table.get("assessment_results")}
    body = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(body.encode()).hexdigest()[:16]
