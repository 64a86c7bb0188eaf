"""The rectifications the county asked of units after failed yearly assessments, as a read model of
the service's own events: one row per request (R12), with its completion once the unit reports it.

A unit's page lists them in one request (`GET /rectifications`) instead of asking every advisor's
figure sheet of every year, most of which do not exist (a 404 each). Fed from the service's store in
the transaction of the command that decides them (eventkit.own_views), so the page sees a
conclusion or a completion at once; generation-versioned and rebuilt like every read model
(`python -m eventkit.own_views assessment rectifications`). A new installation fills it from the
store's history at start-up.
"""

from __future__ import annotations

import json
from typing import Any

import asyncpg
from eventkit.db import Connection
from eventkit.paging import PageParams, page_of
from eventkit.projection import Projection
from eventkit.scoping import within
from vc_contracts import Envelope, Event
from vc_contracts.catalogue.assessment import RectificationCompleted, RectificationRequested

DDL = """
CREATE TABLE {t}rectifications (
    assessment_id text PRIMARY KEY, county text, unit_id text NOT NULL, advisor_id text NOT NULL,
    year integer NOT NULL, items jsonb NOT NULL, due_on date NOT NULL, completed_on date,
    summary text NOT NULL DEFAULT ''
);
CREATE INDEX ON {t}rectifications (unit_id, year);
"""


class RectificationsView(Projection):
    name = "rectifications"
    topics = ()  # fed from the store, not from Kafka
    tables = ("rectifications",)
    ddl = DDL

    async def apply(self, conn: Connection, t: str, env: Envelope, event: Event) -> None:
        match event:
            case RectificationRequested():
                await conn.execute(
                    f"INSERT INTO {t}rectifications (assessment_id, county, unit_id, advisor_id, year, items,"
                    " due_on) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) ON CONFLICT DO NOTHING",
                    event.assessment_id, env.tenant.county, event.unit_id, event.advisor_id, event.year,
                    json.dumps(event.items, ensure_ascii=False), event.due_on,
                )  # fmt: skip
            case RectificationCompleted():
                await conn.execute(
                    f"UPDATE {t}rectifications SET completed_on = $2, summary = $3 WHERE assessment_id = $1",
                    event.assessment_id, event.completed_on, event.summary,
                )  # fmt: skip


async def unit_page(
    pool: asyncpg.Pool, schema: str, paging: PageParams, unit_id: str, prefix: str, from_year: int | None
) -> dict[str, Any]:
    """A page of the rectifications asked of `unit_id` in counties inside `prefix` (a scope prefix,
    `eventkit.scoping`), of `from_year` and later (None: every year); newest year first, then by
    advisor id. Items: assessment_id, advisor_id, unit_id, year, items (texts), due_on and
    completed_on (ISO dates; completed_on null while open), completed (bool), summary."""
    where = (
        f"FROM {schema}.rectifications WHERE unit_id = $1 AND {within('county', '$2')}"
        " AND ($3::integer IS NULL OR year >= $3)"
    )
    args = (unit_id, prefix, from_year)
    total = await pool.fetchval(f"SELECT count(*) {where}", *args)
    rows = await pool.fetch(
        "SELECT assessment_id, advisor_id, unit_id, year, items::text AS items,"
        " to_char(due_on, 'YYYY-MM-DD') AS due_on, to_char(completed_on, 'YYYY-MM-DD') AS completed_on,"
        f" summary {where} ORDER BY year DESC, advisor_id, assessment_id LIMIT $4 OFFSET $5",
        *args,
        paging.page_size,
        paging.offset,
    )
    items = [
        {**dict(r), "items": json.loads(r["items"]), "completed": r["completed_on"] is not None} for r in rows
    ]
    return page_of(items, int(total), paging)
