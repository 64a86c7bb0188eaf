"""The statistics table: per unit and village, figures derived from the statistics read model."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import asyncpg
from vc_contracts.divisions import significant_prefix
from vc_contracts.durations import display_hours

from reporting.domain.statistics import CATEGORIES, CHANNELS, MEDIATIONS, METRICS, RULES, totals


def _count(where: str) -> str:
    return f"count(*) FILTER (WHERE {where})"


AGGREGATES: dict[str, str] = {
    "visits": _count("e.kind = 'visit'"),
    "lectures": _count("e.kind = 'lecture'"),
    "publicity_events": _count("e.kind = 'publicity'"),
    "audience": "coalesce(sum(e.audience) FILTER (WHERE e.kind IN ('lecture', 'publicity')), 0)",
    "consultations": _count("e.kind = 'consultation'"),
    **{f"consultations_{k}": _count(f"e.kind = 'consultation' AND e.channel = '{k}'") for k in CHANNELS},
    **{f"consultations_{k}": _count(f"e.kind = 'consultation' AND e.category = '{k}'") for k in CATEGORIES},
    "mediations": _count("e.kind = 'mediation'"),
    **{f"mediations_{k}": _count(f"e.kind = 'mediation' AND e.outcome = '{k}'") for k in MEDIATIONS},
    "document_reviews": _count("e.kind = 'document'"),
}
"""Each counted figure as an aggregate over the statistics entries (alias e); the visit hours come
from the hours table instead."""
_COUNTED = [m.key for m in METRICS if m.key in AGGREGATES]


def _aggregate_sql(schema: str, unit_filter: str, hours_filter: str) -> str:
    columns = ", ".join(f"{AGGREGATES[key]} AS {key}" for key in _COUNTED)
    return f"""
        WITH counted AS (
            SELECT e.unit_id, e.village_code, {columns} FROM {schema}.st_entries e
            WHERE e.half = ANY($1::text[]) AND NOT e.voided AND starts_with(e.village_code, $2) {unit_filter}
            GROUP BY e.unit_id, e.village_code
        ), hours AS (
            SELECT h.unit_id, h.village_code, sum(h.seconds)::bigint AS visit_seconds FROM {schema}.st_hours h
            WHERE h.half = ANY($1::text[]) AND starts_with(h.village_code, $2)
                  {hours_filter}
            GROUP BY h.unit_id, h.village_code
        )
        SELECT coalesce(c.unit_id, hr.unit_id) AS unit_id,
               coalesce(c.village_code, hr.village_code) AS village_code,
               u.name AS unit_name, v.name AS village_name, coalesce(hr.visit_seconds, 0) AS visit_seconds,
               {", ".join(f"coalesce(c.{key}, 0) AS {key}" for key in _COUNTED)}
        FROM counted c FULL JOIN hours hr ON hr.unit_id = c.unit_id AND hr.village_code = c.village_code
        LEFT JOIN {schema}.st_names u ON u.id = coalesce(c.unit_id, hr.unit_id)
        LEFT JOIN {schema}.st_names v ON v.id = coalesce(c.village_code, hr.village_code)
        ORDER BY 2, 1"""  # village code order (a county-wide table is not grouped by unit)


async def statistics_table(
    pool: asyncpg.Pool, schema: str, period: str, scope_prefix: str, unit_id: str | None = None,
    advisor_id: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The table for a half-year (2025H1) or a year (2025: both halves) inside a division prefix,
    optionally of one unit and/or of one advisor's entries only."""
    halves = [period] if "H" in period else [f"{period}H1", f"{period}H2"]
    args: list[Any] = [halves, scope_prefix]
    unit_filter = hours_filter = ""
    if unit_id is not None:
        args.append(unit_id)
        unit_filter, hours_filter = f"AND e.unit_id = ${len(args)}", f"AND h.unit_id = ${len(args)}"
    if advisor_id is not None:
        args.append(advisor_id)
        unit_filter += f" AND e.data->>'advisor_id' = ${len(args)}"
        # st_hours rows carry no advisor: they are taken through their entry
        hours_filter += (
            f" AND h.entry_id IN (SELECT entry_id FROM {schema}.st_entries"
            f" WHERE data->>'advisor_id' = ${len(args)})"
        )
    rows = [dict(r) for r in await pool.fetch(_aggregate_sql(schema, unit_filter, hours_filter), *args)]
    seconds = [int(row["visit_seconds"]) for row in rows]
    for row, s in zip(rows, seconds, strict=True):
        row["visit_hours"] = display_hours(s)  # the exact visit_seconds stay: the workbook writes them
    table = {
        "period": period,
        "unit_id": unit_id,
        **({"advisor_id": advisor_id} if advisor_id else {}),
        "rows": rows,
        "totals": totals(rows),
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


async def advisors_with_figures(
    pool: asyncpg.Pool, schema: str, period: str, scope_prefix: str, unit_id: str
) -> list[dict[str, Any]]:
    """Advisors with counted (not voided) entries of the unit in the half-year: `[{advisor_id, name}]`."""
    rows = await pool.fetch(
        f"""SELECT DISTINCT e.data->>'advisor_id' AS advisor_id, n.name FROM {schema}.st_entries e
            LEFT JOIN {schema}.st_names n ON n.id = e.data->>'advisor_id'
            WHERE e.half = $1 AND NOT e.voided AND starts_with(e.village_code, $2) AND e.unit_id = $3
            ORDER BY 1""",
        period, scope_prefix, unit_id,
    )  # fmt: skip
    return [dict(r) for r in rows]


async def advisors_in_year(pool: asyncpg.Pool, schema: str, year: int, county: str) -> list[str]:
    """Advisors with counted (not voided) entries in the county's villages in `year`: those whose
    year the county assesses (the annual report says how many of them have a conclusion yet)."""
    rows = await pool.fetch(
        f"""SELECT DISTINCT e.data->>'advisor_id' AS advisor_id FROM {schema}.st_entries e
            WHERE e.half = ANY($1::text[]) AND NOT e.voided AND starts_with(e.village_code, $2)
            ORDER BY 1""",
        [f"{year}H1", f"{year}H2"], significant_prefix(county),
    )  # fmt: skip
    return [str(r["advisor_id"]) for r in rows if r["advisor_id"]]
