"""Quarterly on-site hours per village and advisor, projected from the ledger's visits.

Hours count for the advisor who served them (the entry's advisor), in the CST quarter they were
served (split at a quarter boundary, see eventkit.periods), as exact seconds: sums are exact and
hours are rounded for display only. A correction of a visit's times carries
the whole new span, so its hours are taken out of the old quarters and put in the new ones; a void
keeps the rows, marked voided, and they stop counting. An entry's events reach it only when newer
than the version applied (the runner admits them: eventkit.entry_versions): a visit delivered again
after its correction or void changes nothing. A batch is one insert per run of visits and
one update per run of voids; a corrected span is re-split event by event (it reads the old rows).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import asyncpg
from eventkit.db import Connection
from eventkit.entry_versions import EntryEvents, versions_ddl
from eventkit.periods import split_seconds_by_quarter
from eventkit.projection import Projection
from eventkit.scoping import prefix_of
from eventkit.set_apply import (
    ONE_BY_ONE,
    Decoded,
    insert_rows,
    keyed,
    mark_voided,
    one_by_one,
    pairs_of,
    runs,
)
from vc_contracts import Envelope, Event
from vc_contracts.catalogue.ledger import EntryCorrected, EntryVoided, VisitLogged
from vc_contracts.topics import topic_for

COLUMNS = (("entry_id", "text"), ("quarter", "text"), ("village_code", "text"), ("advisor_id", "text"),
           ("county", "text"), ("seconds", "integer"))  # fmt: skip
_KEY = keyed({VisitLogged: "entry_id"})


def _group(item: Decoded) -> str | None:
    match item.event:
        case VisitLogged():
            return "visits"
        case EntryCorrected() if "started_at" in item.event.changes:
            return ONE_BY_ONE
        case EntryVoided():
            return "voids"
    return None


def _rows(env: Envelope, event: VisitLogged) -> list[tuple[str, str, str, str, str | None, int]]:
    return [
        (event.entry_id, q, event.village_code, event.advisor_id, env.tenant.county, seconds)
        for q, seconds in split_seconds_by_quarter(event.started_at, event.ended_at).items()
    ]


DDL = """
CREATE TABLE {t}visit_hours (
    entry_id text NOT NULL, quarter text NOT NULL, village_code text NOT NULL, advisor_id text NOT NULL,
    county text, seconds integer NOT NULL, voided boolean NOT NULL DEFAULT false,
    PRIMARY KEY (entry_id, quarter)
);
CREATE INDEX ON {t}visit_hours (village_code, quarter);
""" + versions_ddl("visit_versions")
VERSIONS = "visit_versions"


class QuarterHoursView(Projection):
    # v2: exact seconds instead of hours rounded per entry; v3: entry versions (any order)
    name = "quarter_hours_v3"
    topics = (topic_for("ledger"),)
    tables = ("visit_hours", VERSIONS)
    ddl = DDL
    entry_events = EntryEvents(VERSIONS, _group, frozenset({"visits", ONE_BY_ONE}), frozenset({"voids"}))

    async def apply(self, conn: Connection, t: str, env: Envelope, event: Event) -> None:
        match event:
            case VisitLogged():
                await conn.executemany(
                    f"INSERT INTO {t}visit_hours VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT DO NOTHING",
                    _rows(env, event),
                )
            case EntryCorrected() if "started_at" in event.changes:
                await _move(conn, t, event)
            case EntryVoided():
                await conn.execute(
                    f"UPDATE {t}visit_hours SET voided = true WHERE entry_id = $1", event.entry_id
                )

    async def apply_batch(self, conn: Connection, t: str, items: Sequence[Decoded]) -> None:
        for group, run in runs(items, _group, _KEY):
            if group == "visits":
                rows = [row for env, event in pairs_of(run, VisitLogged) for row in _rows(env, event)]
                await insert_rows(conn, f"{t}visit_hours", COLUMNS, rows, "ON CONFLICT DO NOTHING")
            elif group == "voids":
                await mark_voided(conn, f"{t}visit_hours", run)
            else:
                await one_by_one(self, conn, t, run)


async def _move(conn: Connection, t: str, event: EntryCorrected) -> None:
    """Re-split a visit whose times were corrected (the hours may move to another quarter)."""
    old = await conn.fetchrow(
        f"SELECT village_code, advisor_id, county, voided FROM {t}visit_hours WHERE entry_id = $1 LIMIT 1",
        event.entry_id,
    )
    if old is None:
        return
    start = datetime.fromisoformat(event.changes["started_at"])
    end = datetime.fromisoformat(event.changes["ended_at"])
    await conn.execute(f"DELETE FROM {t}visit_hours WHERE entry_id = $1", event.entry_id)
    await conn.executemany(
        f"INSERT INTO {t}visit_hours VALUES ($1,$2,$3,$4,$5,$6,$7)",
        [
            (event.entry_id, q, old["village_code"], old["advisor_id"], old["county"], h, old["voided"])
            for q, h in split_seconds_by_quarter(start, end).items()
        ],
    )


async def village_quarters(pool: asyncpg.Pool, schema: str, village_code: str, year: int) -> dict[str, int]:
    """quarter -> exact on-site seconds in the village over `year` (voids excluded)."""
    rows = await pool.fetch(
        f"SELECT quarter, sum(seconds)::bigint AS seconds FROM {schema}.visit_hours"
        " WHERE village_code = $1 AND starts_with(quarter, $2) AND NOT voided GROUP BY quarter",
        village_code,
        f"{year}Q",
    )
    return {r["quarter"]: int(r["seconds"]) for r in rows}


async def advisor_seconds(
    pool: asyncpg.Pool, schema: str, advisor_id: str, year: int
) -> dict[tuple[str, str], int]:
    """(village, quarter) -> exact on-site seconds the advisor served (voids excluded)."""
    rows = await pool.fetch(
        f"SELECT village_code, quarter, sum(seconds)::bigint AS s FROM {schema}.visit_hours"
        " WHERE advisor_id = $1 AND starts_with(quarter, $2) AND NOT voided GROUP BY village_code, quarter",
        advisor_id,
        f"{year}Q",
    )
    return {(r["village_code"], r["quarter"]): int(r["s"]) for r in rows}


async def county_seconds(
    pool: asyncpg.Pool, schema: str, county: str, quarter: str
) -> dict[tuple[str, str], int]:
    """(village, advisor) -> exact on-site seconds in the county's villages over `quarter` (no voids)."""
    rows = await pool.fetch(
        f"SELECT village_code, advisor_id, sum(seconds)::bigint AS s FROM {schema}.visit_hours"
        " WHERE starts_with(village_code, $1) AND quarter = $2 AND NOT voided"
        " GROUP BY village_code, advisor_id",
        prefix_of(county, "county"),
        quarter,
    )
    return {(r["village_code"], r["advisor_id"]): int(r["s"]) for r in rows}
