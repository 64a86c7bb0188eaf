"""The `entries` read model, written inline (in the append's transaction) from the ledger's own events.

Also the race guard of the overlap rule: after the insert, still inside the transaction and under
the store's ordering lock (appends are serial from insert to commit), the advisor's on-site time is
read again and the same pure rule runs; a clash raises and nothing is committed.

Many events at once (imports, `rebuild-entries`) are set-based: one insert for the new entries, then
one update per run of confirmations, queries or voids (a run never names an entry twice, so each
entry's history grows in event order); a correction reads its entry, so it is applied on its own.
"""

from __future__ import annotations

import contextlib
import json
from collections import defaultdict
from collections.abc import AsyncIterator, Hashable, Sequence
from datetime import datetime, timedelta
from typing import Any

import asyncpg
from eventkit.db import Connection
from eventkit.errors import ConflictError
from eventkit.set_apply import runs, update_rows
from eventkit.store import StoredEvent
from pydantic_core import to_json
from vc_contracts import CST
from vc_contracts.catalogue.ledger import (
    EntryConfirmed,
    EntryCorrected,
    EntryQueried,
    EntryVoided,
    LedgerEntryEvent,
    VisitLogged,
)

from ledger.application.directory_view import names
from ledger.domain import rules
from ledger.domain.facts import Busy
from ledger.domain.kinds import KIND_OF, Kind, is_on_site

_INSERT = """INSERT INTO {s}.entries (entry_id, stream_id, kind, village_code, county, advisor_id, unit_id,
    client_entry_id, year, occurred_at, started_at, ended_at, hours, on_site, data, original, logged_at,
    logged_by)
    SELECT r->>0, r->>1, r->>2, r->>3, r->>4, r->>5, r->>6, r->>7, (r->>8)::int, (r->>9)::timestamptz,
        (r->>10)::timestamptz, (r->>11)::timestamptz, (r->>12)::numeric, (r->>13)::bool, r->14, NULL,
        (r->>15)::timestamptz, r->>16
    FROM jsonb_array_elements($1::jsonb) AS r"""
"""One statement for a whole batch (a backfill chunk is 1,000 rows), its rows one JSON document:
encoded by pydantic-core (a data dict is embedded as it is), where arrays of 17 columns cost asyncpg
a type check per value and a Python call per timestamp."""


_KINDS = ", ".join(
    f"('{event_type}', '{kind.value}', {'true' if is_on_site(kind, {}) else 'false'})"
    for event_type, kind in KIND_OF.items()
)
_CHANNEL = (
    f"CASE WHEN k.kind = '{Kind.consultation.value}' THEN e.data->>'channel' = 'on_site' ELSE k.on_site END"
)

_FROM_EVENTS = f"""INSERT INTO {{s}}.entries (entry_id, stream_id, kind, village_code, county, advisor_id,
    unit_id, client_entry_id, year, occurred_at, started_at, ended_at, hours, on_site, data, original,
    logged_at, logged_by)
    SELECT e.data->>'entry_id', e.stream_id, k.kind, e.data->>'village_code', e.county, e.data->>'advisor_id',
        e.data->>'unit_id', e.data->>'client_entry_id', substr(e.data->>'occurred_at', 1, 4)::int,
        (e.data->>'occurred_at')::timestamptz,
        coalesce(e.data->>'started_at', e.data->>'occurred_at')::timestamptz,
        coalesce(e.data->>'ended_at', e.data->>'occurred_at')::timestamptz,
        (e.data->>'hours')::numeric, {_CHANNEL}, e.data, NULL, e.recorded_at, e.metadata->>'actor'
    FROM {{s}}.events e JOIN (VALUES {_KINDS}) AS k(event_type, kind, on_site) ON k.event_type = e.event_type
    WHERE e.position BETWEEN $1 AND $2"""
"""`entry_values` of each new entry's event in a range of positions, computed by PostgreSQL from the
row it has just stored: `data` is the event's JSON (+08:00 instants, so its first four characters
are the CST year); a visit's span is its times, any other entry's its moment; `on_site` is
`kinds.is_on_site` (a consultation by its channel). Other event types in the range are left out."""


CLIENT_ID_KEY = "entries_advisor_id_client_entry_id_key"  # tables.py: UNIQUE (advisor_id, client_entry_id)


@contextlib.asynccontextmanager
async def client_ids_unique(client_ids: Sequence[str] = ()) -> AsyncIterator[None]:
    """Around an insert of new entries with `client_ids`: a client entry id the advisor's other
    entry holds already is 409 `conflict` naming `client_entry_id`, not a 500; the message names
    the id when the insert had one (an entry over the API). Usually refused before any write (an
    entry's id is the hash of advisor and client id, so the same pair meets the same stream), but an
    answer to a resident's question takes the question's entry id (`questions.answering_entry_id`):
    its client id and a row's, or a later entry's, only meet here, at the table's unique key. (The
    id is not read from PostgreSQL's detail text: that is a message, not an interface.)"""
    try:
        yield
    except asyncpg.UniqueViolationError as exc:
        if exc.constraint_name != CLIENT_ID_KEY:
            raise
        shown = next(iter(client_ids)) if len(set(client_ids)) == 1 else None
        raise ConflictError(
            f"客户端编号{f'“{shown}”' if shown else ''}已用于该顾问的另一条台账记录"
            "（如居民问题的答复、导入的记录），请换一个客户端编号",
            field="client_entry_id",
        ) from None


async def insert_appended_entries(conn: Connection, schema: str, first: int, last: int, count: int) -> None:
    """The entries of the `count` new-entry events just appended at positions `first`..`last` in
    this transaction (the ordering lock held: no other writer's event lies between), in one
    statement that reads them back instead of sending their values again (a bulk import: ~8 µs of
    Python a row less). Raises RuntimeError if the range holds another number of entry events,
    ConflictError (409) if an entry's client id is the advisor's other entry's (`client_ids_unique`)."""
    async with client_ids_unique():
        status = await conn.execute(_FROM_EVENTS.format(s=schema), first, last)
    if int(status.rsplit(" ", 1)[1]) != count:
        raise RuntimeError(f"{status} for {count} events at positions {first}..{last}")


def entry_row(stored: StoredEvent, event: LedgerEntryEvent) -> tuple[Any, ...]:
    env = stored.envelope
    data = event.model_dump(mode="json")
    return entry_values(event, data, env.stream_id, env.tenant.county, env.recorded_at, env.actor)


_CLIENT_ID = 7  # the client entry id's place in `entry_values`


def entry_values(
    event: LedgerEntryEvent, data: dict[str, Any], stream_id: str, county: str | None, logged_at: datetime,
    logged_by: str,
) -> tuple[Any, ...]:  # fmt: skip
    """The `_INSERT` values of a new entry; `data` is the event's JSON form (a dict)."""
    kind = KIND_OF[event.event_type]
    start, end, hours = event.occurred_at, event.occurred_at, None
    if isinstance(event, VisitLogged):
        start, end, hours = event.started_at, event.ended_at, event.hours
    return (
        event.entry_id,
        stream_id,
        kind.value,
        event.village_code,
        county,
        event.advisor_id,
        event.unit_id,
        event.client_entry_id,
        event.occurred_at.astimezone(CST).year,
        event.occurred_at,
        start,
        end,
        hours,
        is_on_site(kind, data),
        data,
        logged_at,
        logged_by,
    )


async def insert_entries(conn: Connection, schema: str, rows: list[tuple[Any, ...]]) -> None:
    """New entries (rows of `entry_values`) in one statement; ConflictError (409) if an entry's
    client id is the advisor's other entry's (`client_ids_unique`)."""
    if rows:
        async with client_ids_unique([row[_CLIENT_ID] for row in rows]):
            await conn.execute(_INSERT.format(s=schema), to_json(rows).decode())


def _history(stored: StoredEvent, **extra: Any) -> str:
    env = stored.envelope
    item = {
        "event_type": env.event_type,
        "event_id": str(env.event_id),
        "at": env.recorded_at.isoformat(),
        "by": env.actor,
        **extra,
    }
    return json.dumps([item], ensure_ascii=False, default=str)


ENTRY_UPDATES: dict[type, tuple[tuple[tuple[str, str], ...], str]] = {
    EntryConfirmed: (
        (("entry_id", "text"), ("confirmed_by", "text"), ("confirmed_on", "date"), ("item", "jsonb")),
        "confirmed = true, confirmed_by = u.confirmed_by, confirmed_on = u.confirmed_on, queried = false,"
        " history = r.history || u.item",
    ),
    EntryQueried: (
        (("entry_id", "text"), ("query_reason", "text"), ("queried_by", "text"),
         ("queried_at", "timestamptz"), ("item", "jsonb")),
        "queried = true, query_reason = u.query_reason, queried_by = u.queried_by, queried_at = u.queried_at,"
        " history = r.history || u.item",
    ),
    EntryVoided: (
        (("entry_id", "text"), ("void_reason", "text"), ("item", "jsonb")),
        "voided = true, void_reason = u.void_reason, history = r.history || u.item",
    ),
}  # fmt: skip


def _update_row(s: StoredEvent, event: Any) -> tuple[Any, ...]:
    """The values of one confirmation, query or void, as ENTRY_UPDATES names them."""
    match event:
        case EntryConfirmed():
            return (
                event.entry_id,
                event.confirmed_by,
                event.confirmed_on,
                _history(s, confirmed_on=event.confirmed_on),
            )
        case EntryQueried():
            return (
                event.entry_id,
                event.reason,
                event.queried_by,
                event.queried_at,
                _history(s, reason=event.reason),
            )
        case EntryVoided():
            return event.entry_id, event.reason, _history(s, reason=event.reason)
    raise TypeError(type(event).__name__)


def _group(item: tuple[StoredEvent, Any]) -> Hashable | None:
    kind: type = type(item[1])
    return kind if kind in ENTRY_UPDATES or kind is EntryCorrected else None


async def apply(conn: Connection, schema: str, stored: list[StoredEvent]) -> list[str]:
    """Apply the events; return the entries whose on-site time is new or changed (to re-check)."""
    parsed = [(s, s.event) for s in stored]  # `StoredEvent.event` validates on every access: once here
    new = [(s, e) for s, e in parsed if isinstance(e, LedgerEntryEvent)]
    if new:
        await insert_entries(conn, schema, [entry_row(s, e) for s, e in new])
    touched = [e.entry_id for _, e in new]
    for kind, run in runs(parsed, _group, key=lambda item: getattr(item[1], "entry_id", None)):
        if kind is EntryCorrected:
            for s, e in run:
                if isinstance(e, EntryCorrected) and await _correct(conn, schema, s, e):
                    touched.append(e.entry_id)
            continue
        columns, assignments = ENTRY_UPDATES[kind]  # type: ignore[index]
        rows = [_update_row(s, e) for s, e in run]
        await update_rows(conn, f"{schema}.entries", columns, rows, assignments)
    return touched


async def _correct(conn: Connection, schema: str, s: StoredEvent, e: EntryCorrected) -> bool:
    row = await conn.fetchrow(
        f"SELECT kind, data::text AS data FROM {schema}.entries WHERE entry_id = $1", e.entry_id
    )
    if row is None:
        return False
    before = json.loads(row["data"])
    data = {**before, **e.changes}
    kind = Kind(row["kind"])
    start = data["started_at"] if kind is Kind.visit else data["occurred_at"]
    end = data["ended_at"] if kind is Kind.visit else data["occurred_at"]
    was = {key: before.get(key) for key in e.changes}
    await conn.execute(
        f"UPDATE {schema}.entries SET data = $2::jsonb, occurred_at = $3::text::timestamptz,"
        " started_at = $4::text::timestamptz, ended_at = $5::text::timestamptz, hours = $6,"
        " on_site = $7, original = coalesce(original, data), confirmed = false, queried = false,"
        " corrections = corrections + 1,"
        " history = history || $8::jsonb WHERE entry_id = $1",
        e.entry_id,
        json.dumps(data, ensure_ascii=False),
        data["occurred_at"],
        start,
        end,
        data.get("hours"),
        is_on_site(kind, data),
        _history(s, changes=e.changes, before=was, reason=e.reason),
    )
    return True


async def recheck_clashes(conn: Connection, schema: str, entry_ids: list[str]) -> None:
    """Run the overlap rule again on committed-or-own data, under the store's ordering lock."""
    if not entry_ids:
        return
    rows = await conn.fetch(
        f"""SELECT n.entry_id AS n_id, n.village_code AS n_village, n.started_at AS n_start,
                   n.ended_at AS n_end, n.kind AS n_kind, o.entry_id, o.village_code, o.started_at,
                   o.ended_at, o.kind
            FROM {schema}.entries n
            JOIN {schema}.entries o ON o.advisor_id = n.advisor_id AND o.entry_id <> n.entry_id
                 AND o.on_site AND NOT o.voided AND o.started_at <= n.ended_at
                 AND o.started_at >= n.started_at - $2::interval AND o.ended_at >= n.started_at
            WHERE n.entry_id = ANY($1::text[]) AND n.on_site AND NOT n.voided""",
        entry_ids,
        timedelta(hours=rules.MAX_VISIT_HOURS),
    )
    near: dict[Busy, list[Busy]] = defaultdict(list)
    for r in rows:
        new = Busy(r["n_id"], r["n_village"], r["n_start"], r["n_end"], r["n_kind"])
        near[new].append(Busy(r["entry_id"], r["village_code"], r["started_at"], r["ended_at"], r["kind"]))
    if not near:
        return
    # a clash is refused naming the other work's village as the API's refusal does (`Facts.names`)
    known = await names(conn, schema, (f"division:{b.village_code}" for olds in near.values() for b in olds))
    for new, old in near.items():
        rules.check_clashes(new, old, known)
