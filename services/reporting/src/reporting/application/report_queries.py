"""Report lists (with the names of submitter and county), overdue reports per county, and the
dashboard's one aggregate query."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import asyncpg
from vc_contracts.catalogue.assessment import ComplianceRulesSet
from vc_contracts.rules import DEFAULT_RULES, rule_label

from reporting.application.due_rules_view import rule_sets
from reporting.domain.deadlines import due_at, due_days, due_rule, last_due_day, missed

PROVIDERS = ["law_firm", "justice_office", "legal_aid_center"]


async def list_reports(
    pool: asyncpg.Pool, schema: str, prefix: str, filters: dict[str, str | None], limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    where, args = ["starts_with(county, $1)"], [prefix]
    for column, value in filters.items():
        if value is not None:
            args.append(value)
            where.append(f"{column} = ${len(args)}")
    clause = " AND ".join(where)
    total = await pool.fetchval(f"SELECT count(*) FROM {schema}.reports WHERE {clause}", *args)
    rows = await pool.fetch(
        f"SELECT report_id, kind, period, submitter, county, city, status, at_level, reason,"
        f" confirmed_by::text, figures::text, first_submitted_at, updated_at,"
        f" (SELECT name FROM {schema}.st_names WHERE id = submitter) AS submitter_name,"
        f" (SELECT name FROM {schema}.st_names WHERE id = county) AS county_name FROM {schema}.reports"
        f" WHERE {clause} ORDER BY county, kind, period, submitter LIMIT {int(limit)} OFFSET {int(offset)}",
        *args,
    )
    items = []
    for r in rows:
        item = dict(r)
        item["confirmed_by"], item["figures"] = json.loads(r["confirmed_by"]), json.loads(r["figures"])
        if item["submitter_name"] is None and item["submitter"] == f"county-{item['county']}":
            item["submitter_name"] = f"{item['county_name'] or item['county']}司法局"
        items.append(item)
    return items, int(total)


async def unit_division(pool: asyncpg.Pool, schema: str, unit_id: str) -> str | None:
    """Where a providing unit is registered (its division code), or None when it is not known."""
    found = await pool.fetchval(f"SELECT division_code FROM {schema}.st_names WHERE id = $1", unit_id)
    return str(found) if found else None


async def unit_places(pool: asyncpg.Pool, schema: str, unit_id: str) -> list[str]:
    """`unit_division` as `ServiceSpec.unit_places` asks for it: [its code], or [] when unknown."""
    found = await unit_division(pool, schema, unit_id)
    return [found] if found else []


async def county_deadline(
    pool: asyncpg.Pool,
    schema: str,
    county: str,
    kind: str,
    period: str,
    sets: list[ComplianceRulesSet] | None = None,
) -> dict[str, Any]:
    """The due-date rule that sets the county's `kind` report of `period` (in force on the due day
    it sets, `deadlines.due_rule`), and its `due_at` instant; `sets`: every rule set, when loaded."""
    if sets is None:
        sets = await rule_sets(pool, schema)
    rule = due_rule(county, kind, period, sets)
    named = "default" if rule == DEFAULT_RULES else f"{rule.division_code}#v{rule.version}"
    return {**rule_label(rule), "rule": named, "due_at": due_at(kind, period, due_days(rule))}


async def overdue(
    pool: asyncpg.Pool, schema: str, prefix: str, kind: str, period: str, now: datetime
) -> list[dict[str, Any]]:
    """Who owed `kind` for `period` inside the prefix and had nothing in by their county's deadline."""
    if kind == "half_year_ledger":
        owners = await pool.fetch(
            f"SELECT id AS unit_id, name, substr(division_code, 1, 6) AS county, registered_at"
            f" FROM {schema}.st_names"
            " WHERE kind = ANY($1::text[]) AND starts_with(division_code, $2) ORDER BY id",
            PROVIDERS, prefix,
        )  # fmt: skip
    else:
        owners = await pool.fetch(
            "SELECT NULL AS unit_id, name, id AS county, NULL::timestamptz AS registered_at"
            f" FROM {schema}.st_names WHERE kind = 'county' AND starts_with(id, $1) ORDER BY id",
            prefix,
        )
    submitted = {
        r["submitter"]: r["first_submitted_at"]
        for r in await pool.fetch(
            f"SELECT submitter, first_submitted_at FROM {schema}.reports WHERE kind = $1 AND period = $2",
            kind,
            period,
        )
    }
    recorded = {
        r["owner"]
        for r in await pool.fetch(
            f"SELECT owner FROM {schema}.deadline_misses WHERE kind = $1 AND period = $2", kind, period
        )
    }
    rules: dict[str, dict[str, Any]] = {}
    sets = await rule_sets(pool, schema)
    result = []
    for o in owners:
        county = o["county"]
        if county not in rules:
            rules[county] = await county_deadline(pool, schema, county, kind, period, sets)
        deadline = rules[county]["due_at"]
        submitter = o["unit_id"] or f"county-{county}"
        if not missed(deadline, now, submitted_at=submitted.get(submitter), registered_at=o["registered_at"]):
            continue
        owner = o["unit_id"] or county
        row = {k: v for k, v in o.items() if k != "registered_at"}
        result.append({**row, "kind": kind, "period": period, "due_at": deadline,
                       "due_day": last_due_day(deadline),  # what people are shown: 07-15, not 07-16 00:00
                       "rule": rules[county]["rule"], "miss_recorded": owner in recorded})  # fmt: skip
    return result
