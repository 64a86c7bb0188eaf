"""Report lists, overdue reports per county, and the dashboard's one aggregate query."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import asyncpg

from reporting.domain.deadlines import due_at

PROVIDERS = ["law_firm", "justice_office", "legal_aid_center"]


async def list_reports(
    pool: asyncpg.Pool, schema: str, prefix: str, filters: dict[str, str | None], limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    where, args = ["county LIKE $1"], [prefix + "%"]
    for column, value in filters.items():
        if value is not None:
            args.append(value)
            where.append(f"{column} = ${len(args)}")
    clause = " AND ".join(where)
    total = await pool.fetchval(f"SELECT count(*) FROM {schema}.reports WHERE {clause}", *args)
    rows = await pool.fetch(
        f"SELECT report_id, kind, period, submitter, county, city, status, at_level, reason,"
        f" confirmed_by::text, figures::text, first_submitted_at, updated_at FROM {schema}.reports"
        f" WHERE {clause} ORDER BY county, kind, period, submitter LIMIT {int(limit)} OFFSET {int(offset)}",
        *args,
    )
    items = []
    for r in rows:
        item = dict(r)
        item["confirmed_by"], item["figures"] = json.loads(r["confirmed_by"]), json.loads(r["figures"])
        items.append(item)
    return items, int(total)


async def overdue(
    pool: asyncpg.Pool, schema: str, prefix: str, kind: str, period: str, now: datetime
) -> list[dict[str, Any]]:
    """Who owed `kind` for `period` inside the prefix and had nothing in by the deadline."""
    deadline = due_at(kind, period)
    if now < deadline:
        return []
    if kind == "half_year_ledger":
        owners = await pool.fetch(
            f"SELECT id AS unit_id, name, substr(division_code, 1, 6) AS county FROM {schema}.st_names"
            " WHERE kind = ANY($1::text[]) AND division_code LIKE $2 ORDER BY id",
            PROVIDERS, prefix + "%",
        )  # fmt: skip
    else:
        owners = await pool.fetch(
            f"SELECT NULL AS unit_id, name, id AS county FROM {schema}.st_names"
            " WHERE kind = 'county' AND id LIKE $1 ORDER BY id",
            prefix + "%",
        )
    on_time = {
        r["submitter"]
        for r in await pool.fetch(
            f"SELECT submitter FROM {schema}.reports"
            " WHERE kind = $1 AND period = $2 AND first_submitted_at < $3",
            kind,
            period,
            deadline,
        )
    }
    recorded = {
        r["owner"]
        for r in await pool.fetch(
            f"SELECT owner FROM {schema}.deadline_misses WHERE kind = $1 AND period = $2", kind, period
        )
    }
    result = []
    for o in owners:
        owner = o["unit_id"] or o["county"]
        submitter = o["unit_id"] or f"county-{o['county']}"
        if submitter in on_time:
            continue
        result.append({**dict(o), "kind": kind, "period": period, "due_at": deadline,
                       "miss_recorded": owner in recorded})  # fmt: skip
    return result
