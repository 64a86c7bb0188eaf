"""The registry's read model, projected from its own topic: what the query API serves."""

from __future__ import annotations

import asyncpg
from vc_contracts import Envelope, Event
from vc_contracts.catalogue.registry import (
    AdvisorAssigned,
    AdvisorRegistered,
    AgreementFiled,
    AgreementSigned,
    AssignmentEnded,
    DivisionRegistered,
    UnitRegistered,
)
from vc_contracts.topics import topic_for

DDL = """
CREATE TABLE {t}divisions (
    code text PRIMARY KEY, name text NOT NULL, level text NOT NULL, parent_code text,
    county text, registered_at timestamptz NOT NULL
);
CREATE INDEX ON {t}divisions (parent_code);
CREATE INDEX ON {t}divisions (county, level);
CREATE TABLE {t}units (
    unit_id text PRIMARY KEY, kind text NOT NULL, name text NOT NULL, division_code text NOT NULL,
    county text, credit_code text, licence_no text
);
CREATE TABLE {t}advisors (
    advisor_id text PRIMARY KEY, name text NOT NULL, kind text NOT NULL, unit_id text NOT NULL,
    county text, licence_no text, phone text NOT NULL
);
CREATE TABLE {t}assignments (
    assignment_id text PRIMARY KEY, village_code text NOT NULL, advisor_id text NOT NULL,
    unit_id text NOT NULL, county text, valid_from date NOT NULL, valid_to date, schedule text NOT NULL
);
CREATE INDEX ON {t}assignments (village_code, valid_from);
CREATE INDEX ON {t}assignments (advisor_id);
CREATE TABLE {t}agreements (
    agreement_id text PRIMARY KEY, village_code text NOT NULL, unit_id text NOT NULL, county text,
    advisor_ids text[] NOT NULL, term_start date NOT NULL, term_end date NOT NULL, signed_on date NOT NULL,
    filing_no text, filed_on date, signed_and_stamped boolean
);
CREATE INDEX ON {t}agreements (village_code);
"""


class RegistryViews:
    name = "registry_views"
    topics = (topic_for("registry"),)
    tables = ("divisions", "units", "advisors", "assignments", "agreements")
    ddl = DDL

    async def apply(self, conn: asyncpg.Connection, t: str, env: Envelope, event: Event) -> None:
        county = env.tenant.county
        match event:
            case DivisionRegistered():
                await conn.execute(
                    f"INSERT INTO {t}divisions VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (code) DO NOTHING",
                    event.code,
                    event.name,
                    event.level.value,
                    event.parent_code,
                    county,
                    env.occurred_at,
                )
            case UnitRegistered():
                await conn.execute(
                    f"INSERT INTO {t}units VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT DO NOTHING",
                    event.unit_id,
                    event.kind.value,
                    event.name,
                    event.division_code,
                    county,
                    event.credit_code,
                    event.licence_no,
                )
            case AdvisorRegistered():
                await conn.execute(
                    f"INSERT INTO {t}advisors VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT DO NOTHING",
                    event.advisor_id,
                    event.name,
                    event.kind.value,
                    event.unit_id,
                    county,
                    event.licence_no,
                    event.phone,
                )
            case AdvisorAssigned():
                await conn.execute(
                    f"INSERT INTO {t}assignments VALUES ($1,$2,$3,$4,$5,$6,NULL,$7) ON CONFLICT DO NOTHING",
                    event.assignment_id,
                    event.village_code,
                    event.advisor_id,
                    event.unit_id,
                    county,
                    event.valid_from,
                    event.schedule,
                )
            case AssignmentEnded():
                await conn.execute(
                    f"UPDATE {t}assignments SET valid_to = $2 WHERE assignment_id = $1",
                    event.assignment_id,
                    event.valid_to,
                )
            case AgreementSigned():
                await conn.execute(
                    f"INSERT INTO {t}agreements VALUES ($1,$2,$3,$4,$5,$6,$7,$8,NULL,NULL,NULL)"
                    " ON CONFLICT DO NOTHING",
                    event.agreement_id,
                    event.village_code,
                    event.unit_id,
                    county,
                    event.advisor_ids,
                    event.term_start,
                    event.term_end,
                    event.signed_on,
                )
            case AgreementFiled():
                await conn.execute(
                    f"UPDATE {t}agreements SET filing_no = $2, filed_on = $3, signed_and_stamped = $4"
                    " WHERE agreement_id = $1",
                    event.agreement_id,
                    event.filing_no,
                    event.filed_on,
                    event.signed_and_stamped,
                )
