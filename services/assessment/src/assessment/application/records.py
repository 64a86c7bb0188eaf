"""Reads of the assessment service's own facts and of the ledger's hours, shared by handlers and queries."""

from __future__ import annotations

import json
from typing import Any

import asyncpg
from eventkit.scoping import prefix_of
from vc_contracts.catalogue.assessment import ComplianceRulesSet


async def rule_sets(pool: asyncpg.Pool, schema: str) -> list[ComplianceRulesSet]:
    """Every rule set ever set (a handful per division): the store is their record."""
    rows = await pool.fetch(
        f"SELECT data::text AS data FROM {schema}.events"
        " WHERE event_type = 'ComplianceRulesSet' ORDER BY position"
    )
    return [ComplianceRulesSet.model_validate_json(r["data"]) for r in rows]


async def breaches_of(pool: asyncpg.Pool, schema: str, advisor_id: str, year: int) -> list[dict[str, Any]]:
    rows = await pool.fetch(
        f"SELECT data::text AS data FROM {schema}.events WHERE event_type = 'ComplianceBreached'"
        " AND data->>'advisor_id' = $1 AND starts_with(data->>'period', $2) ORDER BY position",
        advisor_id,
        str(year),
    )
    return [json.loads(r["data"]) for r in rows]


async def advisor_seconds(
    pool: asyncpg.Pool, schema: str, advisor_id: str, year: int
) -> dict[tuple[str, str], int]:
    """(village, quarter) -> exact on-site seconds the advisor served (voids excluded)."""
    rows = await pool.fetch(
        f"SELECT village_code, quarter, sum(seconds)::bigint AS s FROM {schema}.visit_hours"
        " WHERE advisor_id = $1 AND starts_with(quarter, $2) AND NOT voided GROUP BY village_code, quarter",
        advisor_id,
        f"{year}Q",
    )
    return {(r["village_code"], r["quarter"]): int(r["s"]) for r in rows}


async def county_seconds(
    pool: asyncpg.Pool, schema: str, county: str, quarter: str
) -> dict[tuple[str, str], int]:
    """(village, advisor) -> exact on-site seconds in the county's villages over `quarter` (no voids)."""
    rows = await pool.fetch(
        f"SELECT village_code, advisor_id, sum(seconds)::bigint AS s FROM {schema}.visit_hours"
        " WHERE starts_with(village_code, $1) AND quarter = $2 AND NOT voided"
        " GROUP BY village_code, advisor_id",
        prefix_of(county, "county"),
        quarter,
    )
    return {(r["village_code"], r["advisor_id"]): int(r["s"]) for r in rows}
