"""Statistics read model: one row per ledger entry (its countable fields), exact seconds by half-year,
and the names of units and villages. Corrections re-derive the row from the corrected entry;
voids mark it voided (it stays, uncounted). Built from ledger and registry events only. A batch
is a few statements per run of names, entries or voids; a correction reads its entry, so it is
applied on its own.

An entry is written the same way whether it comes alone or in a batch (issue 12: a 1 M-event
rebuild in under a minute): Python sends a run's entries as one JSON array (pydantic-core, one
call, no dict round trip) with their kinds and half-years, and PostgreSQL takes the id and the
countable columns out of that JSON (`->>`), so no column is derived twice in two languages.
Half-years and seconds per half-year come from eventkit.periods' per-CST-day cache
(`half_containing`, `seconds_by_half`), not from parsing period names per entry.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from eventkit.db import Connection
from eventkit.entry_versions import EntryEvents, versions_ddl
from eventkit.periods import day_periods, half_containing, seconds_by_half
from eventkit.projection import Projection
from eventkit.set_apply import ONE_BY_ONE, Decoded, events_of, insert_rows, keyed, one_by_one, runs
from pydantic import SerializeAsAny, TypeAdapter
from pydantic_core import to_json
from vc_contracts import Envelope, Event
from vc_contracts.catalogue import ledger as lg
from vc_contracts.catalogue.registry import AdvisorRegistered, DivisionRegistered, UnitRegistered
from vc_contracts.durations import seconds_between
from vc_contracts.topics import topic_for

DDL = """
CREATE TABLE {t}st_entries (
    entry_id text PRIMARY KEY, kind text NOT NULL, unit_id text NOT NULL, village_code text NOT NULL,
    half text NOT NULL, audience int, channel text, category text, outcome text,
    voided boolean NOT NULL DEFAULT false, data jsonb NOT NULL
);
CREATE INDEX ON {t}st_entries (half, village_code);
CREATE TABLE {t}st_hours (
    entry_id text NOT NULL, half text NOT NULL, unit_id text NOT NULL, village_code text NOT NULL,
    seconds integer NOT NULL, PRIMARY KEY (entry_id, half)
);
-- a division's table reads its own villages' hours (issue 12: without it every county's table
-- scanned the province's hours, growing with the province)
CREATE INDEX ON {t}st_hours (half, village_code);
-- registered_at: when a unit was registered (its event's occurred_at), so a unit registered after
-- a half-year's deadline is not listed as overdue for it (report_queries.overdue)
CREATE TABLE {t}st_names (
    id text PRIMARY KEY, name text NOT NULL, kind text, division_code text, registered_at timestamptz
);
""" + versions_ddl("st_versions")
VERSIONS = "st_versions"
"""Per entry, the version applied (eventkit.entry_versions): an entry's earlier event delivered
again (a create after its correction) changes nothing."""

KINDS: dict[type[Event], str] = {
    lg.VisitLogged: "visit", lg.LectureHeld: "lecture", lg.PublicityEventHeld: "publicity",
    lg.ConsultationGiven: "consultation", lg.DisputeMediated: "mediation", lg.DocumentReviewed: "document",
}  # fmt: skip


NAMED: dict[type[Event], str] = {
    DivisionRegistered: "code",
    UnitRegistered: "unit_id",
    AdvisorRegistered: "advisor_id",
}
_KEY = keyed({**NAMED, **dict.fromkeys(KINDS, "entry_id")})
NAME_COLUMNS = (
    ("id", "text"),
    ("name", "text"),
    ("kind", "text"),
    ("division_code", "text"),
    ("registered_at", "timestamptz"),
)
WRITE_ENTRIES = (
    "WITH c AS (SELECT convert_from($2::bytea, 'UTF8')::jsonb AS c),"
    " src AS MATERIALIZED (SELECT u.d->>'entry_id' AS entry_id, u.kind, u.half, u.d FROM c, ROWS FROM"
    " (jsonb_array_elements(convert_from($1::bytea, 'UTF8')::jsonb), jsonb_array_elements_text(c.c->0),"
    " jsonb_array_elements_text(c.c->1)) AS u(d, kind, half)),"
    " written AS (INSERT INTO {t}st_entries (entry_id, kind, unit_id, village_code, half, audience,"
    " channel, category, outcome, data) SELECT entry_id, kind, d->>'unit_id', d->>'village_code', half,"
    " (d->>'audience')::integer, d->>'channel', d->>'category', d->>'outcome', d FROM src "
)
"""Entries from a JSON array of their data ($1) and the columns [kinds, half-years] ($2, JSON),
zipped: the id and the countable columns are read out of the data as its JSON form gives them (an
absent field is NULL; `entry_id` cannot be corrected). Both go as UTF-8 bytes (bytea): asyncpg
encodes a text[] parameter element by element, two ABC isinstance checks each, while bytes are one
copy, and the client neither decodes nor re-encodes the megabytes of a batch. Completed by
`UPSERT_ENTRY`."""
WRITE_HOURS = (
    "INSERT INTO {t}st_hours (entry_id, half, unit_id, village_code, seconds)"
    " SELECT h.entry_id, h.half, h.unit_id, h.village_code, h.seconds::integer"
    " FROM (SELECT convert_from($1::bytea, 'UTF8')::jsonb AS c) AS j, ROWS FROM"
    " (jsonb_array_elements_text(j.c->0), jsonb_array_elements_text(j.c->1),"
    " jsonb_array_elements_text(j.c->2), jsonb_array_elements_text(j.c->3),"
    " jsonb_array_elements_text(j.c->4))"
    " AS h(entry_id, half, unit_id, village_code, seconds)"
)
"""Hours from their columns [entry ids, half-years, units, villages, seconds] as one JSON array."""
_AS_JSON: TypeAdapter[list[lg.LedgerEntryEvent]] = TypeAdapter(list[SerializeAsAny[lg.LedgerEntryEvent]])
"""Events of any entry kind to one JSON array, each with its own class's fields (as its
`model_dump_json`), in one pydantic-core call."""
UPSERT_ENTRY = (
    "ON CONFLICT (entry_id) DO UPDATE SET unit_id = excluded.unit_id, village_code = excluded.village_code,"
    " half = excluded.half, audience = excluded.audience, channel = excluded.channel,"
    " category = excluded.category, outcome = excluded.outcome, data = excluded.data"
    " RETURNING entry_id, voided, old.entry_id IS NOT NULL AS existed),"
    # the old hours of the entries that existed go in this statement too (another table: one
    # snapshot is enough); an entry written for the first time has none (hours are written after
    # their entry only), so a rebuild's fresh entries cost no probe of st_hours
    " gone AS (DELETE FROM {t}st_hours"
    " WHERE entry_id = ANY (ARRAY(SELECT entry_id FROM written WHERE existed))),"
    " voided AS (SELECT array_agg(entry_id) AS ids FROM written WHERE voided)"
    " SELECT ids FROM voided"
)
"""The upsert keeps `voided`: an entry whose void was recorded stays voided when its create comes
again (a republish), and the statement answers those ids (NULL: none) so their hours are not
written back. RETURNING, not a probe of st_entries per visit: the upsert touches the row anyway;
`old` (PostgreSQL 18) tells an update from an insert."""
UPSERT_NAME = (
    "ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,"
    " division_code = excluded.division_code,"
    " registered_at = least(n.registered_at, excluded.registered_at)"
)
"""A name delivered again keeps the first registration instant (least ignores NULL); the table is
`AS n` in both statements that use it."""


def _group(item: Decoded) -> str | None:
    kind = type(item.event)
    if kind in NAMED:
        return "names"
    if kind in KINDS:
        return "entries"
    if kind is lg.EntryVoided:
        return "voids"
    return ONE_BY_ONE if kind is lg.EntryCorrected else None


def _name_row(env: Envelope, event: Event) -> tuple[str | datetime | None, ...]:
    match event:
        case DivisionRegistered():
            return event.code, event.name, event.level.value, event.code, None
        case UnitRegistered():  # since when it owes reports: its registration
            return event.unit_id, event.name, event.kind.value, event.division_code, env.occurred_at
        case AdvisorRegistered():  # named on the unit's half-year confirmations
            return event.advisor_id, event.name, "advisor", None, None
    raise TypeError(type(event).__name__)


# the half-year of an instant and a span's seconds per half-year: eventkit.periods, cached per CST day
_half = half_containing
_seconds_by_half = seconds_by_half
_CST_OFFSET = timedelta(hours=8)


class Rows:
    """What a run of entry writes sends: the entries' JSON form as one JSON array (UTF-8), their kinds
    and half-years, and the visits' seconds per half-year as columns [entry ids, half-years, units,
    villages, seconds]. Either `of_events` (one per entry id: see `runs`) or one entry's JSON form
    (`of_data`)."""

    def __init__(self, kinds: list[str], halves: list[str], data: bytes) -> None:
        self.kinds, self.halves, self.data = kinds, halves, data
        self.hours: tuple[list[str], list[str], list[str], list[str], list[int]] = ([], [], [], [], [])

    @classmethod
    def of_events(cls, entries: list[lg.LedgerEntryEvent]) -> Rows:
        """Entries from their events (each of a type in KINDS)."""
        kinds: list[str] = []
        halves: list[str] = []
        rows = cls(kinds, halves, _AS_JSON.dump_json(entries))
        ids, hour_halves, units, villages, seconds = rows.hours
        for e in entries:
            kinds.append(KINDS[type(e)])
            if type(e) is not lg.VisitLogged:
                halves.append(_half(e.occurred_at))
                continue
            start, end = e.started_at, e.ended_at
            periods = day_periods(start.date()) if start.utcoffset() == _CST_OFFSET else None
            if periods and end.utcoffset() == _CST_OFFSET and start < end <= periods.quarter_end:
                # a visit inside one quarter (nearly all), as `_hours` would write it: its entry's
                # half-year (occurred_at is started_at: VisitLogged's rule) and one piece of hours,
                # from one look-up of its day (a rebuild writes a million of these)
                halves.append(periods.half)
                ids.append(e.entry_id)
                hour_halves.append(periods.half)
                units.append(e.unit_id)
                villages.append(e.village_code)
                seconds.append(seconds_between(start, end))
            else:
                halves.append(_half(e.occurred_at))
                rows._hours(e.entry_id, e.unit_id, e.village_code, start, end)
        return rows

    @classmethod
    def of_data(cls, entry_id: str, kind: str, data: dict[str, Any]) -> Rows:
        """One entry from its JSON form (a correction merged into the stored data)."""
        half = _half(datetime.fromisoformat(data["occurred_at"]))
        rows = cls([kind], [half], json.dumps([data]).encode())
        if kind == "visit":
            start, end = datetime.fromisoformat(data["started_at"]), datetime.fromisoformat(data["ended_at"])
            rows._hours(entry_id, data["unit_id"], data["village_code"], start, end)
        return rows

    def _hours(self, entry_id: str, unit_id: str, village: str, start: datetime, end: datetime) -> None:
        """Exact seconds of a visit per CST half-year (rounded to hours only when shown)."""
        ids, halves, units, villages, seconds = self.hours
        for half, spent in _seconds_by_half(start, end).items():
            ids.append(entry_id)
            halves.append(half)
            units.append(unit_id)
            villages.append(village)
            seconds.append(spent)

    async def write(self, conn: Connection, t: str) -> None:
        """Upsert the entries and replace their hours: two statements whatever the count. An entry
        already voided keeps no hours (the void wins whatever order its events come in)."""
        if not self.kinds:
            return
        columns = to_json([self.kinds, self.halves])
        voided = await conn.fetchval((WRITE_ENTRIES + UPSERT_ENTRY).format(t=t), self.data, columns)
        hours = self.hours if not voided else self._without(set(voided))
        if hours[0]:
            await conn.execute(WRITE_HOURS.format(t=t), to_json(hours))

    def _without(self, voided: set[str]) -> tuple[list[Any], ...]:
        """The hours' columns without the rows of `voided` entries."""
        kept = [n for n, entry_id in enumerate(self.hours[0]) if entry_id not in voided]
        return tuple([column[n] for n in kept] for column in self.hours)


class StatsView(Projection):
    # v2: exact seconds, not hours rounded per entry; v3: advisor names; v4: entry versions;
    # v5: units' registered_at (who owes a half-year report)
    name = "statistics_v5"
    topics = (topic_for("registry"), topic_for("ledger"))
    tables = ("st_entries", "st_hours", "st_names", VERSIONS)
    ddl = DDL
    handles = (*NAMED, *KINDS, lg.EntryCorrected, lg.EntryVoided)
    rebuild_defers_indexes = True
    """Its statements find rows by entry id (the primary keys) only: the (half, village_code)
    indexes serve the reports, so a rebuild builds them after its bulk phase (eventkit.rebuild)."""
    entry_events = EntryEvents(VERSIONS, _group, frozenset({"entries", ONE_BY_ONE}), frozenset({"voids"}))
    """Entries, their corrections and voids reach it admitted (eventkit.entry_versions)."""

    async def apply(self, conn: Connection, t: str, env: Envelope, event: Event) -> None:
        match event:
            case DivisionRegistered() | UnitRegistered() | AdvisorRegistered():
                await self._name(conn, t, *_name_row(env, event))
            case lg.EntryCorrected():
                await self._correct(conn, t, event)
            case lg.EntryVoided():
                await conn.execute(
                    f"UPDATE {t}st_entries SET voided = true WHERE entry_id = $1", event.entry_id
                )
                await conn.execute(f"DELETE FROM {t}st_hours WHERE entry_id = $1", event.entry_id)
            case lg.LedgerEntryEvent() if type(event) in KINDS:
                await Rows.of_events([event]).write(conn, t)

    async def apply_batch(self, conn: Connection, t: str, items: Sequence[Decoded]) -> None:
        for group, run in runs(items, _group, _KEY):
            if group == "names":
                rows = [_name_row(d.envelope, d.event) for d in run]
                await insert_rows(conn, f"{t}st_names", NAME_COLUMNS, rows, UPSERT_NAME, "AS n")
            elif group == "entries":
                # every event of an "entries" run is of a type in KINDS (see _group)
                entries = cast(list[lg.LedgerEntryEvent], [item.event for item in run])
                await Rows.of_events(entries).write(conn, t)
            elif group == "voids":
                voided = [e.entry_id for e in events_of(run, lg.EntryVoided)]
                await conn.execute(
                    f"UPDATE {t}st_entries SET voided = true WHERE entry_id = ANY($1::text[])", voided
                )
                await conn.execute(f"DELETE FROM {t}st_hours WHERE entry_id = ANY($1::text[])", voided)
            else:
                await one_by_one(self, conn, t, run)

    async def _name(self, conn: Connection, t: str, *row: str | datetime | None) -> None:
        await conn.execute(f"INSERT INTO {t}st_names AS n VALUES ($1,$2,$3,$4,$5) {UPSERT_NAME}", *row)

    async def _correct(self, conn: Connection, t: str, event: lg.EntryCorrected) -> None:
        row = await conn.fetchrow(
            f"SELECT kind, voided, data::text AS data FROM {t}st_entries WHERE entry_id = $1", event.entry_id
        )
        if row is None or row["voided"]:
            return
        data = {**json.loads(row["data"]), **event.changes}
        await Rows.of_data(event.entry_id, row["kind"], data).write(conn, t)
