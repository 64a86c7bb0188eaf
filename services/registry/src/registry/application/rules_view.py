"""The assessment service's rule sets (ComplianceRulesSet), kept by the registry for one purpose:
the filing deadline each year's agreements are judged by (`vc_contracts.filing_rules`, the choice
the dashboard makes too). Without any rule set the built-in province defaults apply."""

from __future__ import annotations

from eventkit.db import Connection
from eventkit.projection import Projection
from vc_contracts import Envelope, Event
from vc_contracts.catalogue.assessment import ComplianceRulesSet
from vc_contracts.topics import topic_for

from registry.application.sql_queries import ReadModel

DDL = """
CREATE TABLE {t}filing_rules (
    division_code text NOT NULL, version int NOT NULL, data jsonb NOT NULL,
    PRIMARY KEY (division_code, version)
);
"""


class FilingRulesView(Projection):
    name = "filing_rules_v1"
    topics = (topic_for("assessment"),)
    tables = ("filing_rules",)
    ddl = DDL
    handles = (ComplianceRulesSet,)

    async def apply(self, conn: Connection, t: str, env: Envelope, event: Event) -> None:
        if isinstance(event, ComplianceRulesSet):
            await conn.execute(
                f"INSERT INTO {t}filing_rules VALUES ($1, $2, $3::jsonb) ON CONFLICT DO NOTHING",
                event.division_code,
                event.version,
                event.model_dump_json(),
            )


async def rule_sets(db: ReadModel) -> list[ComplianceRulesSet]:
    """Every rule set (a handful per division): `vc_contracts.filing_rules` picks per county and year."""
    rows = await db.rows("SELECT data::text AS data FROM {s}.filing_rules ORDER BY division_code, version")
    return [ComplianceRulesSet.model_validate_json(r["data"]) for r in rows]
