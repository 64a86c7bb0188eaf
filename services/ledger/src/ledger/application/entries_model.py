"""The `entries` read model, written inline (in the append's transaction) from the ledger's own events.

Also the race guard of the overlap rule: after the insert, still inside the transaction and under
the store's ordering lock (appends are serial from insert to commit), the advisor's on-site time is
read again and the same pure rule runs; a clash raises and nothing is committed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import timedelta
from typing import Any

from eventkit.db import Connection
from eventkit.store import StoredEvent
from vc_contracts import CST
from vc_contracts.catalogue.ledger import (
    EntryConfirmed,
    EntryCorrected,
    EntryQueried,
    EntryVoided,
    LedgerEntryEvent,
    VisitLogged,
)

from ledger.domain import rules
from ledger.domain.facts import Busy
from ledger.domain.kinds import KIND_OF, Kind, is_on_site

_INSERT = """INSERT INTO {s}.entries (entry_id, stream_id, kind, village_code, county, advisor_id, unit_id,
    client_entry_id, year, occurred_at, started_at, ended_at, hours, on_site, data, original, logged_at,
    logged_by)
    SELECT u.entry_id, u.stream_id, u.kind, u.village_code, u.county, u.advisor_id, u.unit_id,
        u.client_entry_id, u.year, u.occurred_at, u.started_at, u.ended_at, u.hours, u.on_site,
        u.data::jsonb, u.data::jsonb, u.logged_at, u.logged_by
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
        $8::text[], $9::int[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[], $13::numeric[],
        $14::bool[], $15::text[], $16::timestamptz[], $17::text[])
    AS u(entry_id, stream_id, kind, village_code, county, advisor_id, unit_id, client_entry_id, year,
        occurred_at, started_at, ended_at, hours, on_site, data, logged_at, logged_by)"""
"""One statement for a whole batch (a backfill chunk is 1,000 rows): columns as arrays, not a row
per execution."""


def entry_row(stored: StoredEvent, event: LedgerEntryEvent) -> tuple[Any, ...]:
    env, kind = stored.envelope, KIND_OF[event.event_type]
    data = event.model_dump(mode="json")
    start, end, hours = event.occurred_at, event.occurred_at, None
    if isinstance(event, VisitLogged):
        start, end, hours = event.started_at, event.ended_at, event.hours
    return (
        event.entry_id,
        env.stream_id,
        kind.value,
        event.village_code,
        env.tenant.county,
        event.advisor_id,
        event.unit_id,
        event.client_entry_id,
        event.occurred_at.astimezone(CST).year,
        event.occurred_at,
        start,
        end,
        hours,
        is_on_site(kind, data),
        json.dumps(data, ensure_ascii=False),
        env.recorded_at,
        env.actor,
    )


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


async def apply(conn: Connection, schema: str, stored: list[StoredEvent]) -> list[str]:
    """Apply the events; return the entries whose on-site time is new or changed (to re-check)."""
    parsed = [(s, s.event) for s in stored]  # `StoredEvent.event` validates on every access: once here
    new = [(s, e) for s, e in parsed if isinstance(e, LedgerEntryEvent)]
    if new:
        rows = [entry_row(s, e) for s, e in new]
        await conn.execute(_INSERT.format(s=schema), *[list(column) for column in zip(*rows, strict=True)])
    touched = [e.entry_id for _, e in new]
    for s, event in parsed:
        match event:
            case EntryConfirmed() as e:
                await conn.execute(
                    f"UPDATE {schema}.entries SET confirmed = true, confirmed_by = $2, confirmed_on = $3,"
                    " queried = false, history = history || $4::jsonb WHERE entry_id = $1",
                    e.entry_id,
                    e.confirmed_by,
                    e.confirmed_on,
                    _history(s, confirmed_on=e.confirmed_on),
                )
            case EntryQueried() as e:
                await conn.execute(
                    f"UPDATE {schema}.entries SET queried = true, query_reason = $2, queried_by = $3,"
                    " queried_at = $4, history = history || $5::jsonb WHERE entry_id = $1",
                    e.entry_id,
                    e.reason,
                    e.queried_by,
                    e.queried_at,
                    _history(s, reason=e.reason),
                )
            case EntryCorrected() as e:
                if await _correct(conn, schema, s, e):
                    touched.append(e.entry_id)
            case EntryVoided() as e:
                await conn.execute(
                    f"UPDATE {schema}.entries SET voided = true, void_reason = $2,"
                    " history = history || $3::jsonb WHERE entry_id = $1",
                    e.entry_id,
                    e.reason,
                    _history(s, reason=e.reason),
                )
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
        " on_site = $7, confirmed = false, queried = false, corrections = corrections + 1,"
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
    for new, old in near.items():
        rules.check_clashes(new, old)
