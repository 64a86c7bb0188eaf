"""Rules are data: the assessment service's rule sets (ComplianceRulesSet: the province's defaults, a
county's stricter ones), by version and effective day: the report due days (`due_rule`), and the
whole rule sets for the figures (`rule_sets`, judged with vc_contracts.rules like assessment does).
Without any rule set the built-in province defaults apply (rule "default")."""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg
from eventkit.db import Connection
from eventkit.projection import Projection
from vc_contracts import Envelope, Event
from vc_contracts.catalogue.assessment import ComplianceRulesSet
from vc_contracts.divisions import city_of, province_of
from vc_contracts.topics import topic_for

DDL = """
CREATE TABLE {t}dr_rules (
    division_code text NOT NULL, version int NOT NULL, effective_from date NOT NULL,
    h1 text NOT NULL, h2 text NOT NULL, annual text NOT NULL, data jsonb NOT NULL,
    PRIMARY KEY (division_code, version)
);
"""


class DueRulesView(Projection):
    name = "due_rules_v2"  # v2: keeps the whole rule set (the figures' minimums)
    topics = (topic_for("assessment"),)
    tables = ("dr_rules",)
    ddl = DDL

    async def apply(self, conn: Connection, t: str, env: Envelope, event: Event) -> None:
        if isinstance(event, ComplianceRulesSet):
            h1, h2 = event.half_year_report_due
            await conn.execute(
                f"INSERT INTO {t}dr_rules VALUES ($1,$2,$3,$4,$5,$6,$7::jsonb) ON CONFLICT DO NOTHING",
                event.division_code, event.version, event.effective_from, h1, h2, event.annual_report_due,
                event.model_dump_json(),
            )  # fmt: skip


async def due_rule(pool: asyncpg.Pool, schema: str, county: str, on: date) -> dict[str, Any]:
    """The rule in force on `on` for the county: its own, else its city's, else the province's."""
    row = await pool.fetchrow(
        f"SELECT division_code, version, h1 AS \"H1\", h2 AS \"H2\", annual FROM {schema}.dr_rules"
        " WHERE division_code = ANY($1::text[]) AND effective_from <= $2"
        " ORDER BY length(rtrim(division_code, '0')) DESC, version DESC LIMIT 1",
        [county, city_of(county), province_of(county)], on,
    )  # fmt: skip
    if row is None:
        return {"rule": "default"}
    return {**dict(row), "rule": f"{row['division_code']}#v{row['version']}"}


async def rule_sets(pool: asyncpg.Pool, schema: str) -> list[ComplianceRulesSet]:
    """Every rule set (a handful per division; the province has about a hundred counties):
    `vc_contracts.rules` picks the one in force for a division and period."""
    rows = await pool.fetch(
        f"SELECT data::text AS data FROM {schema}.dr_rules ORDER BY division_code, version"
    )
    return [ComplianceRulesSet.model_validate_json(r["data"]) for r in rows]
