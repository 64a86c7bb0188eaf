"""Recording each volume's hash chain at append time, and verifying it against the event store.

Where the evidence lives: the link hashes are written to `volume_links` in the same transaction
as the events, computed from the event rows as PostgreSQL stored them. `verify` reads the event
rows again (not the entries read model) and recomputes; an event row altered behind the service's
back (trigger disabled, replica role) no longer hashes to its recorded link.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import asyncpg
from eventkit.db import Connection
from eventkit.store import StoredEvent
from vc_contracts import CST

from ledger.domain.chain import GENESIS, Mismatch, Recorded, Verdict, canonical, link, verify, volumes_of

RAW_COLUMNS = (
    "e.position, e.event_id, e.event_type, e.schema_version, e.stream_id, e.stream_version, e.county,"
    " e.occurred_at, e.recorded_at, e.tenant::text AS tenant, e.data::text AS data,"
    " e.metadata::text AS metadata"
)


def _when(value: datetime) -> str:
    return value.astimezone(CST).isoformat()


def event_bytes(row: asyncpg.Record) -> bytes:
    """The canonical JSON of a stored event row: everything the store keeps about it."""
    fields: dict[str, Any] = {
        "position": row["position"],
        "event_id": str(row["event_id"]),
        "event_type": row["event_type"],
        "schema_version": row["schema_version"],
        "stream_id": row["stream_id"],
        "stream_version": row["stream_version"],
        "county": row["county"],
        "occurred_at": _when(row["occurred_at"]),
        "recorded_at": _when(row["recorded_at"]),
        "tenant": json.loads(row["tenant"]),
        "data": json.loads(row["data"]),
        "metadata": json.loads(row["metadata"]),
    }
    return canonical(fields)


async def record_links(conn: Connection, schema: str, stored: Iterable[StoredEvent]) -> None:
    """Link every event into its entry's village and unit volumes (call inside the append's transaction)."""
    events = sorted(stored, key=lambda s: s.position)
    rows = await conn.fetch(  # the rows as stored, and the volumes of their entries, in one round trip
        f"SELECT {RAW_COLUMNS}, n.entry_id, n.village_code, n.unit_id, n.year, n.county AS entry_county"
        f" FROM {schema}.events e JOIN {schema}.entries n ON n.stream_id = e.stream_id"
        " WHERE e.event_id = ANY($1::uuid[])",
        [s.envelope.event_id for s in events],
    )
    body = {r["event_id"]: event_bytes(r) for r in rows}
    owners = {
        r["entry_id"]: (volumes_of(r["village_code"], r["unit_id"], r["year"]), r["entry_county"])
        for r in rows
    }
    volumes = {v for vs, _ in owners.values() for v in vs}
    heads = {
        r["volume_id"]: (r["length"], r["head"])
        for r in await conn.fetch(
            f"SELECT volume_id, length, head FROM {schema}.volume_heads WHERE volume_id = ANY($1::text[])"
            " FOR UPDATE",
            list(volumes),
        )
    }
    links: list[tuple[Any, ...]] = []
    counties: dict[str, str | None] = {}
    for s in events:
        entry_id = s.envelope.data["entry_id"]
        targets, county = owners[entry_id]
        for volume in targets:
            length, head = heads.get(volume, (0, GENESIS))
            head = link(head, body[s.envelope.event_id])
            heads[volume] = (length + 1, head)
            counties[volume] = county
            links.append((volume, length + 1, s.envelope.event_id, entry_id, s.envelope.event_type, head))
    if not links:
        return
    await conn.execute(  # one statement per batch: columns as arrays
        f"INSERT INTO {schema}.volume_links (volume_id, seq, event_id, entry_id, event_type, hash)"
        " SELECT * FROM unnest($1::text[], $2::int[], $3::uuid[], $4::text[], $5::text[], $6::text[])",
        *[list(column) for column in zip(*links, strict=True)],
    )
    moved = [(v, counties[v], length, head) for v, (length, head) in heads.items() if v in counties]
    await conn.execute(
        f"""INSERT INTO {schema}.volume_heads (volume_id, kind, owner, year, county, length, head)
            SELECT u.v, split_part(u.v, ':', 1), split_part(u.v, ':', 2), split_part(u.v, ':', 3)::int,
                   u.county, u.length, u.head
            FROM unnest($1::text[], $2::text[], $3::int[], $4::text[]) AS u(v, county, length, head)
            ON CONFLICT (volume_id) DO UPDATE SET length = excluded.length, head = excluded.head,
                updated_at = clock_timestamp()""",
        *[list(column) for column in zip(*moved, strict=True)],
    )


async def verify_volume(pool: asyncpg.Pool, schema: str, volume: str) -> Verdict:
    """Recompute `volume`'s chain from the event store and compare it with the recorded links."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        rows = await conn.fetch(
            f"""SELECT l.seq, l.entry_id, l.event_id AS linked_id, l.event_type AS linked_type,
                       l.hash, {RAW_COLUMNS}
                FROM {schema}.volume_links l LEFT JOIN {schema}.events e ON e.event_id = l.event_id
                WHERE l.volume_id = $1 ORDER BY l.seq""",
            volume,
        )
        head = await conn.fetchval(f"SELECT head FROM {schema}.volume_heads WHERE volume_id = $1", volume)
        kind, owner, year = volume.split(":")
        stray = await conn.fetchrow(
            f"""SELECT n.entry_id, e.event_id, e.event_type FROM {schema}.events e
                JOIN {schema}.entries n ON n.stream_id = e.stream_id
                WHERE n.{"village_code" if kind == "village" else "unit_id"} = $2 AND n.year = $3
                  AND NOT EXISTS (SELECT 1 FROM {schema}.volume_links l
                                  WHERE l.volume_id = $1 AND l.event_id = e.event_id)
                ORDER BY e.position LIMIT 1""",
            volume,
            owner,
            int(year),
        )
    links = [
        Recorded(
            r["seq"],
            r["entry_id"],
            str(r["linked_id"]),
            r["linked_type"],
            r["hash"],
            event_bytes(r) if r["event_id"] is not None else None,
        )
        for r in rows
    ]
    verdict = verify(links, head or GENESIS)
    if verdict.ok and stray is not None:
        reason = "存在未登记在卷册哈希链中的事件（记录被插入）"
        extra = Mismatch(0, stray["entry_id"], str(stray["event_id"]), stray["event_type"], reason)
        return Verdict(verdict.length, verdict.head, extra)
    return verdict
