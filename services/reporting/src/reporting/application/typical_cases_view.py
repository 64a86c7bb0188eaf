"""Typical cases and the county's responsible people (R16), as reporting publishes them: on the
county's public page (vc_web.public, through /public/counties/{code}/cases.json) and in the annual
report. From the ledger's typical-case events and the registry's `CountyResponsibilitiesSet`.

Every case is kept with its status, because the write-up travels in `TypicalCaseProposed` and the
approval comes later; only `approved` rows are ever read out. A case returned and proposed again
is hidden until it is approved again (an approved case is never proposed again: the ledger refuses).
Only the write-up (title, text) is kept, never the ledger entry's own summary or note.
"""

from __future__ import annotations

import json
from typing import Any

import asyncpg
from eventkit.db import Connection
from eventkit.projection import Projection
from vc_contracts import CST, Envelope, Event
from vc_contracts.catalogue.enums import ENTRY_KIND_LABELS, EntryKind
from vc_contracts.catalogue.ledger import TypicalCaseApproved, TypicalCaseProposed, TypicalCaseReturned
from vc_contracts.catalogue.registry import CountyResponsibilitiesSet
from vc_contracts.topics import topic_for

DDL = """
CREATE TABLE {t}rp_typical_cases (
    case_id text PRIMARY KEY, county text NOT NULL, village_code text NOT NULL, kind text NOT NULL,
    year integer NOT NULL, title text NOT NULL, text text NOT NULL, status text NOT NULL,
    approved_at timestamptz
);
CREATE INDEX ON {t}rp_typical_cases (county, status, year);
CREATE TABLE {t}rp_county_duties (
    county text PRIMARY KEY, head text NOT NULL, deputy text NOT NULL, sections jsonb NOT NULL,
    filing_place text NOT NULL, effective_on date NOT NULL
);
"""


class TypicalCasesView(Projection):
    name = "typical_cases_v1"
    topics = (topic_for("ledger"), topic_for("registry"))
    tables = ("rp_typical_cases", "rp_county_duties")
    ddl = DDL

    async def apply(self, conn: Connection, t: str, env: Envelope, event: Event) -> None:
        match event:
            case TypicalCaseProposed():
                await conn.execute(
                    f"INSERT INTO {t}rp_typical_cases VALUES ($1,$2,$3,$4,$5,$6,$7,'proposed',NULL)"
                    " ON CONFLICT (case_id) DO UPDATE SET title = excluded.title, text = excluded.text,"
                    " status = 'proposed', approved_at = NULL",
                    event.case_id, event.county_code, event.village_code, event.entry_kind.value,
                    event.year, event.title, event.text,
                )  # fmt: skip
            case TypicalCaseApproved():
                await conn.execute(
                    f"UPDATE {t}rp_typical_cases SET status = 'approved', approved_at = $2"
                    " WHERE case_id = $1",
                    event.case_id, env.recorded_at,
                )  # fmt: skip
            case TypicalCaseReturned():
                await conn.execute(
                    f"UPDATE {t}rp_typical_cases SET status = 'returned', approved_at = NULL"
                    " WHERE case_id = $1",
                    event.case_id,
                )
            case CountyResponsibilitiesSet():
                await conn.execute(
                    f"INSERT INTO {t}rp_county_duties VALUES ($1,$2,$3,$4::jsonb,$5,$6) ON CONFLICT (county)"
                    " DO UPDATE SET head = excluded.head, deputy = excluded.deputy,"
                    " sections = excluded.sections, filing_place = excluded.filing_place,"
                    " effective_on = excluded.effective_on",
                    event.county_code, event.head, event.deputy,
                    json.dumps(event.sections, ensure_ascii=False),
                    event.filing_place, event.effective_on,
                )  # fmt: skip


async def approved_cases(
    pool: asyncpg.Pool, schema: str, county: str, year: int | None = None
) -> list[dict[str, Any]]:
    """The county's approved cases, newest approval first (`year`: of the work, when given): each
    `{case_id, title, text, kind, kind_label, year, village_code, village_name, township_name,
    approved_at}`. Nothing of the ledger entry beyond its kind, year and village."""
    rows = await pool.fetch(
        f"""SELECT c.case_id, c.title, c.text, c.kind, c.year, c.village_code, v.name AS village_name,
                   tw.name AS township_name, c.approved_at
            FROM {schema}.rp_typical_cases c
            LEFT JOIN {schema}.nb_divisions v ON v.code = c.village_code
            LEFT JOIN {schema}.nb_divisions tw ON tw.code = v.parent_code
            WHERE c.county = $1 AND c.status = 'approved' AND ($2::int IS NULL OR c.year = $2)
            ORDER BY c.approved_at DESC, c.case_id""",
        county,
        year,
    )
    return [
        {**dict(r), "kind_label": ENTRY_KIND_LABELS[EntryKind(r["kind"])],
         "approved_at": r["approved_at"].astimezone(CST).isoformat()}
        for r in rows
    ]  # fmt: skip


async def county_duties(pool: asyncpg.Pool, schema: str, county: str) -> dict[str, Any] | None:
    """`{head, deputy, sections: [..], filing_place, effective_on}` or None when never recorded."""
    row = await pool.fetchrow(
        f"SELECT head, deputy, sections::text AS sections, filing_place, effective_on"
        f" FROM {schema}.rp_county_duties WHERE county = $1",
        county,
    )
    if row is None:
        return None
    return {**dict(row), "sections": json.loads(row["sections"]), "effective_on": str(row["effective_on"])}
