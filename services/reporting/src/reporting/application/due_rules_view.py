"""Rules are data: the assessment service's rule sets (ComplianceRulesSet: the province's defaults, a
county's stricter ones), by version and effective day: the whole rule sets for the figures and the
report due days (`rule_sets`, judged with vc_contracts.rules like assessment does: a due day by the
rule in force on it, `reporting.domain.deadlines.due_rule`). Without any rule set the built-in
province defaults apply (rule "default")."""

from __future__ import annotations

import asyncpg
from eventkit.db import Connection
from eventkit.projection import Projection
from vc_contracts import Envelope, Event
from vc_contracts.catalogue.assessment import ComplianceRulesSet
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


async def rule_sets(pool: asyncpg.Pool, schema: str) -> list[ComplianceRulesSet]:
    """Every rule set (a handful per division; the province has about a hundred counties):
    `vc_contracts.rules` picks the one in force for a division and period."""
    rows = await pool.fetch(
        f"SELECT data::text AS data FROM {schema}.dr_rules ORDER BY division_code, version"
    )
    return [ComplianceRulesSet.model_validate_json(r["data"]) for r in rows]
