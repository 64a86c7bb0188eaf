"""Gatherings (the lectures and publicity events the R6 minimum counts) per village, advisor and CST
year, projected from the ledger.

Each LectureHeld or PublicityEventHeld counts once, for the entry's advisor, in the CST year it
started; a corrected start moves it to its new year; a voided entry keeps its row, marked, and stops
counting.
"""

from __future__ import annotations

from datetime import datetime

import asyncpg
from eventkit.db import Connection
from eventkit.scoping import prefix_of
from vc_contracts import CST, Envelope, Event
from vc_contracts.catalogue.ledger import EntryCorrected, EntryVoided, LectureHeld, PublicityEventHeld
from vc_contracts.topics import topic_for

DDL = """
CREATE TABLE {t}gatherings (
    entry_id text PRIMARY KEY, kind text NOT NULL, village_code text NOT NULL, advisor_id text NOT NULL,
    county text, year integer NOT NULL, voided boolean NOT NULL DEFAULT false
);
CREATE INDEX ON {t}gatherings (village_code, year);
CREATE INDEX ON {t}gatherings (advisor_id, year);
"""


class GatheringsView:
    name = "gatherings"
    topics = (topic_for("ledger"),)
    tables = ("gatherings",)
    ddl = DDL

    async def apply(self, conn: Connection, t: str, env: Envelope, event: Event) -> None:
        match event:
            case LectureHeld() | PublicityEventHeld():
                await conn.execute(
                    f"INSERT INTO {t}gatherings VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT DO NOTHING",
                    event.entry_id,
                    "lecture" if isinstance(event, LectureHeld) else "publicity",
                    event.village_code,
                    event.advisor_id,
                    env.tenant.county,
                    event.occurred_at.astimezone(CST).year,
                )
            case EntryCorrected() if "occurred_at" in event.changes:
                year = datetime.fromisoformat(event.changes["occurred_at"]).astimezone(CST).year
                await conn.execute(
                    f"UPDATE {t}gatherings SET year = $2 WHERE entry_id = $1", event.entry_id, year
                )
            case EntryVoided():
                await conn.execute(
                    f"UPDATE {t}gatherings SET voided = true WHERE entry_id = $1", event.entry_id
                )


async def counts(pool: asyncpg.Pool, schema: str, advisor_id: str, year: int) -> dict[str, int]:
    """village -> lectures and publicity events the advisor held there in `year` (voids excluded)."""
    rows = await pool.fetch(
        f"SELECT village_code, count(*) AS n FROM {schema}.gatherings"
        " WHERE advisor_id = $1 AND year = $2 AND NOT voided GROUP BY village_code",
        advisor_id,
        year,
    )
    return {r["village_code"]: int(r["n"]) for r in rows}


async def county_counts(
    pool: asyncpg.Pool, schema: str, county: str, year: int
) -> dict[tuple[str, str], int]:
    """(village, advisor) -> lectures and publicity events in the county's villages in `year`."""
    rows = await pool.fetch(
        f"SELECT village_code, advisor_id, count(*) AS n FROM {schema}.gatherings"
        " WHERE starts_with(village_code, $1) AND year = $2 AND NOT voided"
        " GROUP BY village_code, advisor_id",
        prefix_of(county, "county"),
        year,
    )
    return {(r["village_code"], r["advisor_id"]): int(r["n"]) for r in rows}
