"""Reading the facts a decision needs from the ledger's read models (assignments, entries)."""

from __future__ import annotations

from datetime import datetime, timedelta

import asyncpg
from eventkit.db import Connection
from vc_contracts import CST

from ledger.application.assignments_view import assignment_facts
from ledger.application.directory_view import names
from ledger.domain.facts import Busy, Facts
from ledger.domain.rules import MAX_VISIT_HOURS

LONGEST = timedelta(hours=MAX_VISIT_HOURS)  # nothing on site lasts longer: bounds the index scan


async def busy_near(
    conn: asyncpg.Pool | Connection, schema: str, advisor_id: str, start: datetime, end: datetime
) -> tuple[Busy, ...]:
    """The advisor's live on-site time touching [start, end] (the decider picks the real clashes)."""
    rows = await conn.fetch(
        f"SELECT entry_id, village_code, started_at, ended_at, kind FROM {schema}.entries"
        " WHERE advisor_id = $1 AND on_site AND NOT voided"
        " AND started_at <= $3 AND started_at >= $2::timestamptz - $4::interval AND ended_at >= $2",
        advisor_id,
        start,
        end,
        LONGEST,
    )
    return tuple(
        Busy(r["entry_id"], r["village_code"], r["started_at"], r["ended_at"], r["kind"]) for r in rows
    )


async def facts_for(
    pool: asyncpg.Pool, schema: str, advisor_id: str, village_code: str, start: datetime, end: datetime
) -> Facts:
    own, holder = await assignment_facts(pool, schema, advisor_id, village_code, start.astimezone(CST).date())
    busy = await busy_near(pool, schema, advisor_id, start, end)
    if own is not None:
        return Facts(own, holder, busy)
    # refused: the refusal names the people and the village (read only then, off the usual path)
    keys = [f"advisor:{advisor_id}", f"division:{village_code}"] + (
        [f"advisor:{holder.advisor_id}"] if holder else []
    )
    return Facts(own, holder, busy, await names(pool, schema, keys))
