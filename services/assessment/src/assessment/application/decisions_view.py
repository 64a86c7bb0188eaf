"""What the assessment service decided, as a read model of its own events: rule sets, breaches
found, assessments concluded.

Fed from the service's own store (eventkit.own_views), in the transaction of the command that
decides them, so the next command and request see them at once; generation-versioned and rebuilt
like every read model (`python -m eventkit.own_views assessment decisions`). Events arrive decoded
through their envelope: stored old versions are read upcast to the latest one. Order follows the
store's (`recorded_at`, then the stream version: positions are handed out in commit order and
`recorded_at` is taken under the same lock).
"""

from __future__ import annotations

import json
from typing import Any

import asyncpg
from eventkit.db import Connection
from eventkit.paging import PageParams, page_of
from eventkit.projection import Projection
from vc_contracts import CST, Envelope, Event
from vc_contracts.catalogue.assessment import AssessmentConcluded, ComplianceBreached, ComplianceRulesSet
from vc_contracts.text import STORED

DDL = """
CREATE TABLE {t}rule_sets (
    division_code text NOT NULL, version integer NOT NULL, recorded_at timestamptz NOT NULL,
    data jsonb NOT NULL, PRIMARY KEY (division_code, version)
);
CREATE TABLE {t}breaches (
    breach_id text PRIMARY KEY, county text, period text NOT NULL, rule text NOT NULL,
    village_code text NOT NULL, advisor_id text NOT NULL, recorded_at timestamptz NOT NULL,
    stream_version integer NOT NULL, data jsonb NOT NULL
);
CREATE INDEX ON {t}breaches (county, period);
CREATE INDEX ON {t}breaches (advisor_id, period);
CREATE TABLE {t}conclusions (
    assessment_id text PRIMARY KEY, county text, advisor_id text NOT NULL, year integer NOT NULL,
    result text NOT NULL, rule_version integer NOT NULL, concluded_on date NOT NULL
);
CREATE INDEX ON {t}conclusions (county, year, advisor_id);
"""


class DecisionsView(Projection):
    name = "decisions"
    topics = ()  # fed from the store, not from Kafka
    tables = ("rule_sets", "breaches", "conclusions")
    ddl = DDL

    async def apply(self, conn: Connection, t: str, env: Envelope, event: Event) -> None:
        match event:
            case ComplianceRulesSet():
                await conn.execute(
                    f"INSERT INTO {t}rule_sets VALUES ($1, $2, $3, $4::jsonb) ON CONFLICT DO NOTHING",
                    event.division_code, event.version, env.recorded_at, event.model_dump_json(),
                )  # fmt: skip
            case ComplianceBreached():
                await conn.execute(
                    f"INSERT INTO {t}breaches VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)"
                    " ON CONFLICT DO NOTHING",
                    event.breach_id, env.tenant.county, event.period, event.rule, event.village_code,
                    event.advisor_id, env.recorded_at, env.stream_version, event.model_dump_json(),
                )  # fmt: skip
            case AssessmentConcluded():
                await conn.execute(
                    f"INSERT INTO {t}conclusions VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                    event.assessment_id, env.tenant.county, event.advisor_id, event.year,
                    event.result.value, event.rule_version, env.occurred_at.astimezone(CST).date(),
                )  # fmt: skip


async def rule_sets(pool: asyncpg.Pool, schema: str) -> list[ComplianceRulesSet]:
    """Every rule set ever set (a handful per division), oldest first."""
    rows = await pool.fetch(
        f"SELECT data::text AS data FROM {schema}.rule_sets ORDER BY recorded_at, division_code, version"
    )
    return [ComplianceRulesSet.model_validate_json(r["data"], context=STORED) for r in rows]


async def breaches_of(pool: asyncpg.Pool, schema: str, advisor_id: str, year: int) -> list[dict[str, Any]]:
    """The advisor's breaches over `year` (its quarters and the year itself), as their events' JSON."""
    rows = await pool.fetch(
        f"SELECT data::text AS data FROM {schema}.breaches WHERE advisor_id = $1"
        " AND starts_with(period, $2) ORDER BY recorded_at, stream_version",
        advisor_id,
        str(year),
    )
    return [json.loads(r["data"]) for r in rows]


async def breaches_page(
    pool: asyncpg.Pool,
    schema: str,
    paging: PageParams,
    county: str,
    period: str | None,
    rule: str | None,
    advisor_id: str | None,
) -> dict[str, Any]:
    """A page of the county's breaches, by period, village and advisor; filters None = any."""
    where = (
        f"FROM {schema}.breaches WHERE county = $1 AND ($2::text IS NULL OR starts_with(period, $2))"
        " AND ($3::text IS NULL OR rule = $3) AND ($4::text IS NULL OR advisor_id = $4)"
    )
    args = (county, period, rule, advisor_id)
    total = await pool.fetchval(f"SELECT count(*) {where}", *args)
    rows = await pool.fetch(
        f"SELECT data::text AS data {where} ORDER BY period, village_code, advisor_id LIMIT $5 OFFSET $6",
        *args,
        paging.page_size,
        paging.offset,
    )
    return page_of([json.loads(r["data"]) for r in rows], int(total), paging)


async def conclusions_page(
    pool: asyncpg.Pool, schema: str, paging: PageParams, county: str, year: int, result: str | None
) -> dict[str, Any]:
    """A page of the county's concluded assessments of `year`, by advisor id (never ranked)."""
    where = f"FROM {schema}.conclusions WHERE county = $1 AND year = $2 AND ($3::text IS NULL OR result = $3)"
    args = (county, year, result)
    total = await pool.fetchval(f"SELECT count(*) {where}", *args)
    rows = await pool.fetch(
        "SELECT assessment_id, advisor_id, result, rule_version, to_char(concluded_on, 'YYYY-MM-DD')"
        f" AS concluded_on {where} ORDER BY advisor_id LIMIT $4 OFFSET $5",
        *args,
        paging.page_size,
        paging.offset,
    )
    return page_of([dict(r) for r in rows], int(total), paging)
