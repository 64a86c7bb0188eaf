"""Gatherings (the lectures and publicity events the R6 minimum counts) per village, advisor and CST
year, projected from the ledger.

Each LectureHeld or PublicityEventHeld counts once, for the entry's advisor, in the CST year it
started; a corrected start moves it to its new year; a voided entry keeps its row, marked, and stops
counting. An entry's events reach it only when newer than the version applied (the runner admits
them: eventkit.entry_versions): an older correction delivered after a newer one changes nothing. A
batch is one insert per run of gatherings and one update per run of voids.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import asyncpg
from eventkit.db import Connection
from eventkit.entry_versions import EntryEvents, versions_ddl
from eventkit.projection import Projection
from eventkit.scoping import prefix_of
from eventkit.set_apply import (
    ONE_BY_ONE,
    Decoded,
    insert_rows,
    keyed,
    mark_voided,
    one_by_one,
    runs,
)
from vc_contracts import CST, Envelope, Event
from vc_contracts.catalogue.ledger import EntryCorrected, EntryVoided, LectureHeld, PublicityEventHeld
from vc_contracts.topics import topic_for

COLUMNS = (("entry_id", "text"), ("kind", "text"), ("village_code", "text"), ("advisor_id", "text"),
           ("county", "text"), ("year", "integer"))  # fmt: skip
_KEY = keyed({LectureHeld: "entry_id", PublicityEventHeld: "entry_id"})


def _group(item: Decoded) -> str | None:
    match item.event:
        case LectureHeld() | PublicityEventHeld():
            return "gatherings"
        case EntryCorrected() if "occurred_at" in item.event.changes:
            return ONE_BY_ONE
        case EntryVoided():
            return "voids"
    return None


def _row(env: Envelope, event: LectureHeld | PublicityEventHeld) -> tuple[object, ...]:
    return (
        event.entry_id,
        "lecture" if isinstance(event, LectureHeld) else "publicity",
        event.village_code,
        event.advisor_id,
        env.tenant.county,
        event.occurred_at.astimezone(CST).year,
    )


DDL = """
CREATE TABLE {t}gatherings (
    entry_id text PRIMARY KEY, kind text NOT NULL, village_code text NOT NULL, advisor_id text NOT NULL,
    county text, year integer NOT NULL, voided boolean NOT NULL DEFAULT false
);
CREATE INDEX ON {t}gatherings (village_code, year);
CREATE INDEX ON {t}gatherings (advisor_id, year);
""" + versions_ddl("gathering_versions")
VERSIONS = "gathering_versions"


class GatheringsView(Projection):
    name = "gatherings_v2"  # v2: entry versions (events of an entry in any order)
    topics = (topic_for("ledger"),)
    tables = ("gatherings", VERSIONS)
    ddl = DDL
    entry_events = EntryEvents(VERSIONS, _group, frozenset({"gatherings", ONE_BY_ONE}), frozenset({"voids"}))

    async def apply(self, conn: Connection, t: str, env: Envelope, event: Event) -> None:
        match event:
            case LectureHeld() | PublicityEventHeld():
                await conn.execute(
                    f"INSERT INTO {t}gatherings VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT DO NOTHING",
                    *_row(env, event),
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

    async def apply_batch(self, conn: Connection, t: str, items: Sequence[Decoded]) -> None:
        for group, run in runs(items, _group, _KEY):
            if group == "gatherings":
                rows = [
                    _row(d.envelope, d.event)
                    for d in run
                    if isinstance(d.event, LectureHeld | PublicityEventHeld)
                ]
                await insert_rows(conn, f"{t}gatherings", COLUMNS, rows, "ON CONFLICT DO NOTHING")
            elif group == "voids":
                await mark_voided(conn, f"{t}gatherings", run)
            else:
                await one_by_one(self, conn, t, run)


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
