"""The ledger's own copy of registry assignments: who may log work for which village, when."""

from __future__ import annotations

from datetime import date

import asyncpg
from vc_contracts import Envelope, Event
from vc_contracts.catalogue.registry import AdvisorAssigned, AssignmentEnded
from vc_contracts.topics import topic_for

from ledger.domain.entries import Assignment

DDL = """
CREATE TABLE {t}known_assignments (
    assignment_id text PRIMARY KEY, village_code text NOT NULL, advisor_id text NOT NULL,
    unit_id text NOT NULL, valid_from date NOT NULL, valid_to date
);
CREATE INDEX ON {t}known_assignments (advisor_id, village_code);
"""


class AssignmentsView:
    name = "known_assignments"
    topics = (topic_for("registry"),)
    tables = ("known_assignments",)
    ddl = DDL

    async def apply(self, conn: asyncpg.Connection, t: str, env: Envelope, event: Event) -> None:
        match event:
            case AdvisorAssigned():
                await conn.execute(
                    f"INSERT INTO {t}known_assignments VALUES ($1,$2,$3,$4,$5,NULL) ON CONFLICT DO NOTHING",
                    event.assignment_id,
                    event.village_code,
                    event.advisor_id,
                    event.unit_id,
                    event.valid_from,
                )
            case AssignmentEnded():
                await conn.execute(
                    f"UPDATE {t}known_assignments SET valid_to = $2 WHERE assignment_id = $1",
                    event.assignment_id,
                    event.valid_to,
                )


async def assignment_on(
    pool: asyncpg.Pool, schema: str, advisor_id: str, village_code: str, day: date
) -> Assignment | None:
    row = await pool.fetchrow(
        f"SELECT assignment_id, advisor_id, unit_id, village_code FROM {schema}.known_assignments"
        " WHERE advisor_id = $1 AND village_code = $2"
        " AND valid_from <= $3 AND (valid_to IS NULL OR valid_to >= $3)",
        advisor_id,
        village_code,
        day,
    )
    return Assignment(**dict(row)) if row else None
