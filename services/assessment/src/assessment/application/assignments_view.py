"""Who served which village when, from the registry's assignments (accountability for the figures)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import asyncpg
from eventkit.db import Connection
from vc_contracts import Envelope, Event
from vc_contracts.catalogue.registry import AdvisorAssigned, AssignmentEnded
from vc_contracts.topics import topic_for

DDL = """
CREATE TABLE {t}served (
    assignment_id text PRIMARY KEY, village_code text NOT NULL, advisor_id text NOT NULL,
    unit_id text NOT NULL, valid_from date NOT NULL, valid_to date
);
CREATE INDEX ON {t}served (advisor_id);
CREATE INDEX ON {t}served (village_code);
"""


class AssignmentsView:
    name = "served"
    topics = (topic_for("registry"),)
    tables = ("served",)
    ddl = DDL

    async def apply(self, conn: Connection, t: str, env: Envelope, event: Event) -> None:
        match event:
            case AdvisorAssigned():
                await conn.execute(
                    f"INSERT INTO {t}served VALUES ($1,$2,$3,$4,$5) ON CONFLICT DO NOTHING",
                    event.assignment_id,
                    event.village_code,
                    event.advisor_id,
                    event.unit_id,
                    event.valid_from,
                )
            case AssignmentEnded():
                await conn.execute(
                    f"UPDATE {t}served SET valid_to = $2 WHERE assignment_id = $1",
                    event.assignment_id,
                    event.valid_to,
                )


@dataclass(frozen=True)
class Served:
    village_code: str
    advisor_id: str
    unit_id: str
    valid_from: date
    valid_to: date | None


_COLS = "village_code, advisor_id, unit_id, valid_from, valid_to"


async def overlapping(
    pool: asyncpg.Pool, schema: str, first: date, last: date, *, advisor_id: str = "", county: str = ""
) -> list[Served]:
    """Assignments overlapping [first, last], of one advisor or in one county's villages."""
    rows = await pool.fetch(
        f"SELECT {_COLS} FROM {schema}.served WHERE valid_from <= $2 AND (valid_to IS NULL OR valid_to >= $1)"
        " AND ($3 = '' OR advisor_id = $3) AND ($4 = '' OR village_code LIKE $4 || '%')"
        " ORDER BY village_code, valid_from",
        first,
        last,
        advisor_id,
        county,
    )
    return [Served(**dict(r)) for r in rows]
