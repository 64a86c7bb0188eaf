"""Compliance view: every village in scope with its advisor, agreement and quarter hours.

Built from registry events (villages, assignments, agreements) and ledger events (visits, and
their corrections and voids: a visit whose times are corrected is re-split by quarter, a voided
visit's hours are removed).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg
from eventkit.db import Connection
from eventkit.periods import split_hours_by_quarter
from vc_contracts import Envelope, Event
from vc_contracts.catalogue.enums import DivisionLevel
from vc_contracts.catalogue.ledger import EntryCorrected, EntryVoided, VisitLogged
from vc_contracts.catalogue.registry import (
    AdvisorAssigned,
    AdvisorRegistered,
    AgreementSigned,
    AssignmentEnded,
    DivisionRegistered,
)
from vc_contracts.topics import topic_for

DDL = """
CREATE TABLE {t}cv_villages (
    village_code text PRIMARY KEY, name text NOT NULL, township_code text, county text,
    advisor_id text, advisor_name text, agreement_id text
);
CREATE INDEX ON {t}cv_villages (county);
CREATE TABLE {t}cv_advisor_names (advisor_id text PRIMARY KEY, name text NOT NULL);
CREATE TABLE {t}cv_hours (
    entry_id text NOT NULL, quarter text NOT NULL, village_code text NOT NULL, hours numeric(8, 2) NOT NULL,
    PRIMARY KEY (entry_id, quarter)
);
CREATE INDEX ON {t}cv_hours (village_code, quarter);
"""

VILLAGE_LEVELS = {DivisionLevel.village, DivisionLevel.community}


class ComplianceView:
    name = "compliance"
    topics = (topic_for("registry"), topic_for("ledger"))
    tables = ("cv_villages", "cv_advisor_names", "cv_hours")
    ddl = DDL

    async def apply(self, conn: Connection, t: str, env: Envelope, event: Event) -> None:
        match event:
            case DivisionRegistered() if event.level in VILLAGE_LEVELS:
                await conn.execute(
                    f"INSERT INTO {t}cv_villages (village_code, name, township_code, county)"
                    " VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING",
                    event.code,
                    event.name,
                    event.parent_code,
                    env.tenant.county,
                )
            case AdvisorRegistered():
                await conn.execute(
                    f"INSERT INTO {t}cv_advisor_names VALUES ($1,$2) ON CONFLICT DO NOTHING",
                    event.advisor_id,
                    event.name,
                )
            case AdvisorAssigned():
                await conn.execute(
                    f"UPDATE {t}cv_villages SET advisor_id = $2,"
                    f" advisor_name = (SELECT name FROM {t}cv_advisor_names WHERE advisor_id = $2)"
                    " WHERE village_code = $1",
                    event.village_code,
                    event.advisor_id,
                )
            case AssignmentEnded():
                await conn.execute(
                    f"UPDATE {t}cv_villages SET advisor_id = NULL, advisor_name = NULL"
                    " WHERE village_code = $1 AND advisor_id = $2",
                    event.village_code,
                    event.advisor_id,
                )
            case AgreementSigned():
                await conn.execute(
                    f"UPDATE {t}cv_villages SET agreement_id = $2 WHERE village_code = $1",
                    event.village_code,
                    event.agreement_id,
                )
            case VisitLogged():
                await conn.executemany(
                    f"INSERT INTO {t}cv_hours VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING",
                    [
                        (event.entry_id, q, event.village_code, h)
                        for q, h in split_hours_by_quarter(event.started_at, event.ended_at).items()
                    ],
                )
            case EntryCorrected() if "started_at" in event.changes:
                await _resplit(conn, t, event)
            case EntryVoided():
                await conn.execute(f"DELETE FROM {t}cv_hours WHERE entry_id = $1", event.entry_id)


async def _resplit(conn: Connection, t: str, event: EntryCorrected) -> None:
    village = await conn.fetchval(
        f"SELECT village_code FROM {t}cv_hours WHERE entry_id = $1 LIMIT 1", event.entry_id
    )
    if village is None:
        return
    start = datetime.fromisoformat(event.changes["started_at"])
    end = datetime.fromisoformat(event.changes["ended_at"])
    await conn.execute(f"DELETE FROM {t}cv_hours WHERE entry_id = $1", event.entry_id)
    await conn.executemany(
        f"INSERT INTO {t}cv_hours VALUES ($1,$2,$3,$4)",
        [(event.entry_id, q, village, h) for q, h in split_hours_by_quarter(start, end).items()],
    )


async def compliance_rows(
    pool: asyncpg.Pool, schema: str, scope_prefix: str, quarter: str, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    where = "starts_with(v.village_code, $1)"
    total = await pool.fetchval(f"SELECT count(*) FROM {schema}.cv_villages v WHERE {where}", scope_prefix)
    rows = await pool.fetch(
        f"""SELECT v.village_code, v.name, v.county, v.advisor_id, v.advisor_name, v.agreement_id,
                   coalesce((SELECT sum(h.hours) FROM {schema}.cv_hours h
                             WHERE h.village_code = v.village_code AND h.quarter = $2), 0)::float AS hours
            FROM {schema}.cv_villages v
            WHERE {where}
            ORDER BY v.village_code LIMIT $3 OFFSET $4""",
        scope_prefix,
        quarter,
        limit,
        offset,
    )
    return [dict(r) for r in rows], int(total)
