"""Compliance view: every village in scope with the advisor in force in the quarter, its agreement,
the quarter's on-site time and the year's lectures and publicity events, each against the rule in
force for its period (named by division, version and effective day).

Built from registry events (villages, advisor names, agreements; assignments live in
assignments_view) and ledger events (visits split by CST quarter as exact seconds, lectures and
publicity events by CST year; a corrected entry is re-split or moved, a voided one stops counting).
An entry's events reach it only when newer than the version applied (the runner admits them:
eventkit.entry_versions, `cv_entry_versions`): a create delivered again after its void or its
correction changes nothing.
A batch is one or two statements per run of villages, advisors, agreements, entries or voids; a
correction reads the entry's rows, so it is applied on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import asyncpg
from eventkit.db import Connection
from eventkit.entry_versions import EntryEvents, versions_ddl
from eventkit.periods import split_seconds_by_quarter
from eventkit.projection import Projection
from eventkit.readmodels import in_force_sql
from eventkit.set_apply import (
    ONE_BY_ONE,
    Decoded,
    events_of,
    insert_rows,
    keyed,
    one_by_one,
    pairs_of,
    runs,
    update_rows,
)
from vc_contracts import CST, Envelope, Event
from vc_contracts.catalogue.enums import DivisionLevel
from vc_contracts.catalogue.ledger import (
    EntryCorrected,
    EntryVoided,
    LectureHeld,
    PublicityEventHeld,
    VisitLogged,
)
from vc_contracts.catalogue.registry import AdvisorRegistered, AgreementSigned, DivisionRegistered
from vc_contracts.topics import topic_for

DDL = """
CREATE TABLE {t}cv_villages (
    village_code text PRIMARY KEY, name text NOT NULL, township_code text, county text, agreement_id text
);
CREATE INDEX ON {t}cv_villages (county);
CREATE TABLE {t}cv_advisor_names (advisor_id text PRIMARY KEY, name text NOT NULL);
CREATE TABLE {t}cv_hours (
    entry_id text NOT NULL, quarter text NOT NULL, village_code text NOT NULL, seconds integer NOT NULL,
    PRIMARY KEY (entry_id, quarter)
);
CREATE INDEX ON {t}cv_hours (village_code, quarter);
CREATE TABLE {t}cv_gatherings (
    entry_id text PRIMARY KEY, village_code text NOT NULL, year integer NOT NULL, kind text NOT NULL
);
CREATE INDEX ON {t}cv_gatherings (village_code, year);
""" + versions_ddl("cv_entry_versions")
VERSIONS = "cv_entry_versions"

VILLAGE_LEVELS = {DivisionLevel.village, DivisionLevel.community}
_KEY = keyed({
    DivisionRegistered: "code", AdvisorRegistered: "advisor_id", AgreementSigned: "village_code",
    VisitLogged: "entry_id", LectureHeld: "entry_id", PublicityEventHeld: "entry_id",
})  # fmt: skip


def _group(item: Decoded) -> str | None:
    match item.event:
        case DivisionRegistered() if item.event.level in VILLAGE_LEVELS:
            return "villages"
        case AdvisorRegistered():
            return "advisors"
        case AgreementSigned():
            return "agreements"
        case VisitLogged() | LectureHeld() | PublicityEventHeld():
            return "entries"
        case EntryCorrected() if "started_at" in item.event.changes or "occurred_at" in item.event.changes:
            return ONE_BY_ONE
        case EntryVoided():
            return "voids"
    return None


def _quarters(entry_id: str, village: str, start: datetime, end: datetime) -> list[tuple[str, str, str, int]]:
    return [(entry_id, q, village, s) for q, s in split_seconds_by_quarter(start, end).items()]


def _gathering(event: LectureHeld | PublicityEventHeld) -> tuple[str, str, int, str]:
    kind = "lecture" if isinstance(event, LectureHeld) else "publicity"
    return event.entry_id, event.village_code, event.occurred_at.astimezone(CST).year, kind


class ComplianceView(Projection):
    # v2: exact seconds, lectures per year, assignments by period; v3: entry versions (any order)
    name = "compliance_v3"
    topics = (topic_for("registry"), topic_for("ledger"))
    tables = ("cv_villages", "cv_advisor_names", "cv_hours", "cv_gatherings", VERSIONS)
    ddl = DDL
    entry_events = EntryEvents(VERSIONS, _group, frozenset({"entries", ONE_BY_ONE}), frozenset({"voids"}))

    async def apply(self, conn: Connection, t: str, env: Envelope, event: Event) -> None:
        match event:
            case DivisionRegistered() if event.level in VILLAGE_LEVELS:
                await conn.execute(
                    f"INSERT INTO {t}cv_villages (village_code, name, township_code, county)"
                    " VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING",
                    event.code, event.name, event.parent_code, env.tenant.county,
                )  # fmt: skip
            case AdvisorRegistered():
                await conn.execute(
                    f"INSERT INTO {t}cv_advisor_names VALUES ($1,$2) ON CONFLICT DO NOTHING",
                    event.advisor_id, event.name,
                )  # fmt: skip
            case AgreementSigned():
                await conn.execute(
                    f"UPDATE {t}cv_villages SET agreement_id = $2 WHERE village_code = $1",
                    event.village_code, event.agreement_id,
                )  # fmt: skip
            case VisitLogged():
                await _split(conn, t, event.entry_id, event.village_code, event.started_at, event.ended_at)
            case LectureHeld() | PublicityEventHeld():
                await conn.execute(
                    f"INSERT INTO {t}cv_gatherings VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING",
                    *_gathering(event),
                )
            case EntryCorrected() if "started_at" in event.changes:
                village = await conn.fetchval(
                    f"SELECT village_code FROM {t}cv_hours WHERE entry_id = $1 LIMIT 1", event.entry_id
                )
                if village is not None:
                    start = datetime.fromisoformat(event.changes["started_at"])
                    end = datetime.fromisoformat(event.changes["ended_at"])
                    await conn.execute(f"DELETE FROM {t}cv_hours WHERE entry_id = $1", event.entry_id)
                    await _split(conn, t, event.entry_id, village, start, end)
            case EntryCorrected() if "occurred_at" in event.changes:
                year = datetime.fromisoformat(event.changes["occurred_at"]).astimezone(CST).year
                await conn.execute(
                    f"UPDATE {t}cv_gatherings SET year = $2 WHERE entry_id = $1", event.entry_id, year
                )
            case EntryVoided():
                await conn.execute(f"DELETE FROM {t}cv_hours WHERE entry_id = $1", event.entry_id)
                await conn.execute(f"DELETE FROM {t}cv_gatherings WHERE entry_id = $1", event.entry_id)

    async def apply_batch(self, conn: Connection, t: str, items: Sequence[Decoded]) -> None:
        nothing = "ON CONFLICT DO NOTHING"
        for group, run in runs(items, _group, _KEY):
            if group == "villages":
                rows = [
                    (e.code, e.name, e.parent_code, env.tenant.county)
                    for env, e in pairs_of(run, DivisionRegistered)
                ]
                await insert_rows(conn, f"{t}cv_villages", VILLAGE_COLUMNS, rows, nothing)
            elif group == "advisors":
                names = [(e.advisor_id, e.name) for e in events_of(run, AdvisorRegistered)]
                await insert_rows(
                    conn, f"{t}cv_advisor_names", (("advisor_id", "text"), ("name", "text")), names, nothing
                )
            elif group == "agreements":
                signed = [(e.village_code, e.agreement_id) for e in events_of(run, AgreementSigned)]
                await update_rows(
                    conn, f"{t}cv_villages", (("village_code", "text"), ("agreement_id", "text")), signed
                )
            elif group == "entries":
                hours = [
                    q
                    for e in events_of(run, VisitLogged)
                    for q in _quarters(e.entry_id, e.village_code, e.started_at, e.ended_at)
                ]
                await insert_rows(conn, f"{t}cv_hours", HOURS_COLUMNS, hours, nothing)
                gatherings = [
                    _gathering(d.event) for d in run if isinstance(d.event, LectureHeld | PublicityEventHeld)
                ]
                await insert_rows(conn, f"{t}cv_gatherings", GATHERING_COLUMNS, gatherings, nothing)
            elif group == "voids":
                voided = [e.entry_id for e in events_of(run, EntryVoided)]
                await conn.execute(f"DELETE FROM {t}cv_hours WHERE entry_id = ANY($1::text[])", voided)
                await conn.execute(f"DELETE FROM {t}cv_gatherings WHERE entry_id = ANY($1::text[])", voided)
            else:
                await one_by_one(self, conn, t, run)


VILLAGE_COLUMNS = (("village_code", "text"), ("name", "text"), ("township_code", "text"), ("county", "text"))
HOURS_COLUMNS = (("entry_id", "text"), ("quarter", "text"), ("village_code", "text"), ("seconds", "integer"))
GATHERING_COLUMNS = (("entry_id", "text"), ("village_code", "text"), ("year", "integer"), ("kind", "text"))


async def _split(
    conn: Connection, t: str, entry_id: str, village: str, start: datetime, end: datetime
) -> None:
    await conn.executemany(
        f"INSERT INTO {t}cv_hours VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING",
        _quarters(entry_id, village, start, end),
    )


async def compliance_rows(
    pool: asyncpg.Pool,
    schema: str,
    scope_prefix: str,
    quarter: str,
    first: date,
    last: date,
    on: date,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    """Villages in scope, a page: the quarter's exact on-site seconds, the year's lectures and
    publicity events, the assignment in force on `on` (a day of the quarter [first, last]) and
    every assignment that served during the quarter."""
    total = await pool.fetchval(
        f"SELECT count(*) FROM {schema}.cv_villages v WHERE starts_with(v.village_code, $1)", scope_prefix
    )
    rows = await pool.fetch(
        f"""WITH page AS (
                SELECT * FROM {schema}.cv_villages WHERE starts_with(village_code, $1)
                ORDER BY village_code LIMIT $3 OFFSET $4
            ), now_serving AS ({in_force_sql(f"{schema}.rp_assignments", "$5::date", "$1")})
            SELECT v.village_code, v.name, v.county, v.agreement_id, a.advisor_id, n.name AS advisor_name,
                   coalesce((SELECT sum(h.seconds) FROM {schema}.cv_hours h
                             WHERE h.village_code = v.village_code AND h.quarter = $2), 0)::bigint AS seconds,
                   (SELECT count(*) FROM {schema}.cv_gatherings g
                    WHERE g.village_code = v.village_code AND g.year = $8) AS lectures,
                   (SELECT coalesce(json_agg(json_build_object(
                        'advisor_id', s.advisor_id, 'advisor_name', sn.name, 'unit_id', s.unit_id,
                        'from', s.valid_from, 'to', s.valid_to) ORDER BY s.valid_from), '[]')::text
                    FROM {schema}.rp_assignments s
                    LEFT JOIN {schema}.cv_advisor_names sn ON sn.advisor_id = s.advisor_id
                    WHERE s.village_code = v.village_code AND s.valid_from <= $7
                      AND (s.valid_to IS NULL OR s.valid_to >= $6)) AS served
            FROM page v
            LEFT JOIN now_serving a USING (village_code)
            LEFT JOIN {schema}.cv_advisor_names n ON n.advisor_id = a.advisor_id
            ORDER BY v.village_code""",
        scope_prefix, quarter, limit, offset, on, first, last, first.year,
    )  # fmt: skip
    return [dict(r) for r in rows], int(total)
