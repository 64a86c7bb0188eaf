"""Statistics read model: one row per ledger entry (its countable fields), exact seconds by half-year,
and the names of units and villages. Corrections re-derive the row from the corrected entry;
voids mark it voided (it stays, uncounted). Built from ledger and registry events only. A batch
is a few statements per run of names, entries or voids; a correction reads its entry, so it is
applied on its own.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from eventkit.db import Connection
from eventkit.periods import half_of, quarter_of, split_seconds_by_quarter
from eventkit.set_apply import ONE_BY_ONE, Decoded, events_of, insert_rows, keyed, one_by_one, runs
from vc_contracts import Envelope, Event
from vc_contracts.catalogue import ledger as lg
from vc_contracts.catalogue.registry import AdvisorRegistered, DivisionRegistered, UnitRegistered
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
CREATE TABLE {t}st_names (id text PRIMARY KEY, name text NOT NULL, kind text, division_code text);
"""

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
ENTRY_COLUMNS = (
    ("entry_id", "text"), ("kind", "text"), ("unit_id", "text"), ("village_code", "text"),
    ("half", "text"), ("audience", "integer"), ("channel", "text"), ("category", "text"),
    ("outcome", "text"), ("data", "jsonb"),
)  # fmt: skip
HOURS_COLUMNS = (("entry_id", "text"), ("half", "text"), ("unit_id", "text"), ("village_code", "text"),
                 ("seconds", "integer"))  # fmt: skip
NAME_COLUMNS = (("id", "text"), ("name", "text"), ("kind", "text"), ("division_code", "text"))
UPSERT_ENTRY = (
    "ON CONFLICT (entry_id) DO UPDATE SET unit_id = excluded.unit_id, village_code = excluded.village_code,"
    " half = excluded.half, audience = excluded.audience, channel = excluded.channel,"
    " category = excluded.category, outcome = excluded.outcome, data = excluded.data"
)
UPSERT_NAME = (
    "ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,"
    " division_code = excluded.division_code"
)


def _group(item: Decoded) -> str | None:
    kind = type(item.event)
    if kind in NAMED:
        return "names"
    if kind in KINDS:
        return "entries"
    if kind is lg.EntryVoided:
        return "voids"
    return ONE_BY_ONE if kind is lg.EntryCorrected else None


def _name_row(event: Event) -> tuple[str | None, ...]:
    match event:
        case DivisionRegistered():
            return event.code, event.name, event.level.value, event.code
        case UnitRegistered():
            return event.unit_id, event.name, event.kind.value, event.division_code
        case AdvisorRegistered():  # named on the unit's half-year confirmations
            return event.advisor_id, event.name, "advisor", None
    raise TypeError(type(event).__name__)


def _row(entry_id: str, kind: str, data: dict[str, Any]) -> tuple[Any, ...]:
    half = half_of(quarter_of(datetime.fromisoformat(data["occurred_at"])))
    return (
        entry_id, kind, data["unit_id"], data["village_code"], half, data.get("audience"),
        data.get("channel"), data.get("category"), data.get("outcome"), json.dumps(data),
    )  # fmt: skip


def _hours(entry_id: str, data: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Exact seconds of a visit per CST half-year (rounded to hours only when shown)."""
    start, end = datetime.fromisoformat(data["started_at"]), datetime.fromisoformat(data["ended_at"])
    halves: dict[str, int] = {}
    for quarter, seconds in split_seconds_by_quarter(start, end).items():
        halves[half_of(quarter)] = halves.get(half_of(quarter), 0) + seconds
    return [(entry_id, h, data["unit_id"], data["village_code"], v) for h, v in halves.items()]


class StatsView:
    name = "statistics_v3"  # v2: exact seconds, not hours rounded per entry; v3: advisor names
    topics = (topic_for("registry"), topic_for("ledger"))
    tables = ("st_entries", "st_hours", "st_names")
    ddl = DDL
    handles = (*NAMED, *KINDS, lg.EntryCorrected, lg.EntryVoided)

    async def apply(self, conn: Connection, t: str, env: Envelope, event: Event) -> None:
        match event:
            case DivisionRegistered() | UnitRegistered() | AdvisorRegistered():
                await self._name(conn, t, *_name_row(event))
            case lg.EntryCorrected():
                await self._correct(conn, t, event)
            case lg.EntryVoided():
                await conn.execute(
                    f"UPDATE {t}st_entries SET voided = true WHERE entry_id = $1", event.entry_id
                )
                await conn.execute(f"DELETE FROM {t}st_hours WHERE entry_id = $1", event.entry_id)
            case lg.LedgerEntryEvent() if type(event) in KINDS:
                await self._write(conn, t, event.entry_id, KINDS[type(event)], event.model_dump(mode="json"))

    async def apply_batch(self, conn: Connection, t: str, items: Sequence[Decoded]) -> None:
        for group, run in runs(items, _group, _KEY):
            if group == "names":
                rows = [_name_row(d.event) for d in run]
                await insert_rows(conn, f"{t}st_names", NAME_COLUMNS, rows, UPSERT_NAME)
            elif group == "entries":
                await self._write_all(conn, t, events_of(run, lg.LedgerEntryEvent))
            elif group == "voids":
                voided = [e.entry_id for e in events_of(run, lg.EntryVoided)]
                await conn.execute(
                    f"UPDATE {t}st_entries SET voided = true WHERE entry_id = ANY($1::text[])", voided
                )
                await conn.execute(f"DELETE FROM {t}st_hours WHERE entry_id = ANY($1::text[])", voided)
            else:
                await one_by_one(self, conn, t, run)

    async def _write_all(self, conn: Connection, t: str, events: list[lg.LedgerEntryEvent]) -> None:
        """`_write` of each entry (one per entry id), as three statements."""
        entries = [(e.entry_id, KINDS[type(e)], e.model_dump(mode="json")) for e in events]
        await insert_rows(conn, f"{t}st_entries", ENTRY_COLUMNS, [_row(*e) for e in entries], UPSERT_ENTRY)
        ids = [entry_id for entry_id, _, _ in entries]
        await conn.execute(f"DELETE FROM {t}st_hours WHERE entry_id = ANY($1::text[])", ids)
        hours = [h for entry_id, kind, data in entries if kind == "visit" for h in _hours(entry_id, data)]
        await insert_rows(conn, f"{t}st_hours", HOURS_COLUMNS, hours)

    async def _name(self, conn: Connection, t: str, *row: str | None) -> None:
        await conn.execute(f"INSERT INTO {t}st_names VALUES ($1,$2,$3,$4) {UPSERT_NAME}", *row)

    async def _write(self, conn: Connection, t: str, entry_id: str, kind: str, data: dict[str, Any]) -> None:
        await conn.execute(
            f"INSERT INTO {t}st_entries VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,false,$10::jsonb) {UPSERT_ENTRY}",
            *_row(entry_id, kind, data),
        )
        await conn.execute(f"DELETE FROM {t}st_hours WHERE entry_id = $1", entry_id)
        if kind == "visit":
            await conn.executemany(f"INSERT INTO {t}st_hours VALUES ($1,$2,$3,$4,$5)", _hours(entry_id, data))

    async def _correct(self, conn: Connection, t: str, event: lg.EntryCorrected) -> None:
        row = await conn.fetchrow(
            f"SELECT kind, voided, data::text AS data FROM {t}st_entries WHERE entry_id = $1", event.entry_id
        )
        if row is None or row["voided"]:
            return
        await self._write(conn, t, event.entry_id, row["kind"], {**json.loads(row["data"]), **event.changes})
