"""Quarterly on-site hours per village and advisor, projected from the ledger's visits."""

from __future__ import annotations

import asyncpg
from eventkit.periods import split_hours_by_quarter
from vc_contracts import Envelope, Event
from vc_contracts.catalogue.ledger import VisitLogged
from vc_contracts.topics import topic_for

DDL = """
CREATE TABLE {t}visit_hours (
    entry_id text NOT NULL, quarter text NOT NULL, village_code text NOT NULL, advisor_id text NOT NULL,
    county text, hours numeric(8, 2) NOT NULL, voided boolean NOT NULL DEFAULT false,
    PRIMARY KEY (entry_id, quarter)
);
CREATE INDEX ON {t}visit_hours (village_code, quarter);
"""


class QuarterHoursView:
    name = "quarter_hours"
    topics = (topic_for("ledger"),)
    tables = ("visit_hours",)
    ddl = DDL

    async def apply(self, conn: asyncpg.Connection, t: str, env: Envelope, event: Event) -> None:
        match event:
            case VisitLogged():
                rows = [
                    (event.entry_id, quarter, event.village_code, event.advisor_id, env.tenant.county, hours)
                    for quarter, hours in split_hours_by_quarter(event.started_at, event.ended_at).items()
                ]
                await conn.executemany(
                    f"INSERT INTO {t}visit_hours VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT DO NOTHING", rows
                )


async def village_quarters(pool: asyncpg.Pool, schema: str, village_code: str, year: int) -> dict[str, float]:
    rows = await pool.fetch(
        f"SELECT quarter, sum(hours)::float AS hours FROM {schema}.visit_hours"
        " WHERE village_code = $1 AND quarter LIKE $2 AND NOT voided GROUP BY quarter",
        village_code,
        f"{year}Q%",
    )
    return {r["quarter"]: r["hours"] for r in rows}
