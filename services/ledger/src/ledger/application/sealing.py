"""Sealing: publishing each volume's links as `VolumeSealed` events, so that the heads live outside
the ledger's database (issue 14).

Why the links are recomputed from the stored events rather than copied from `volume_links`: a seal
is a statement about what the events say now. Someone who rewrote an event and its links
consistently leaves `verify` satisfied, but the next audit seal (`--audit`, from seq 1) publishes
links that differ from those a subscriber kept from the first seal, and reporting refuses to
approve a report whose frozen heads no longer hold.

`volume_seals` remembers how far each volume was sealed: a periodic seal publishes only links
beyond it (sealing twice with nothing new writes nothing). Each volume is sealed in a transaction
of its own, under an advisory lock, so two sealers never publish the same range twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import asyncpg
from eventkit.clock import now_cst
from eventkit.db import Connection
from eventkit.migrations import Migration
from eventkit.store import EventStore, Metadata
from pydantic import ValidationError
from vc_contracts import CST, Tenant
from vc_contracts.catalogue.ledger import SEAL_MAX_LINKS, SealedLink, VolumeSealed
from vc_contracts.chain import GENESIS, link

from ledger.application.volume_chain import RAW_COLUMNS, linked_body

log = logging.getLogger(__name__)

SEAL_TABLES: list[Migration] = [
    (
        "ledger_seal_0001_volume_seals",
        """
        CREATE TABLE {schema}.volume_seals (
            volume_id text PRIMARY KEY,
            sealed_to integer NOT NULL,
            head      text NOT NULL,
            sealed_at timestamptz NOT NULL DEFAULT clock_timestamp()
        );
        """,
    ),
]

SEAL_ACTOR = "ledger-seal"
_SEAL_LOCK = int.from_bytes(hashlib.blake2b(b"ledger.seal", digest_size=8).digest(), "big", signed=True)


def seal_stream(volume_id: str) -> str:
    return f"volume-seal-{volume_id}"


async def recompute_links(conn: Connection, schema: str, volume: str, from_seq: int = 1) -> list[SealedLink]:
    """`volume`'s links from `from_seq` on, recomputed from the stored events (each with its link's
    canonical version) in the order the links record (`chain_links`); the chain is always recomputed from seq
    1. Stops before the first link that cannot be recomputed or said: its event row is gone, its
    link claims a canonical version this ledger does not know, or its event (altered behind the
    service's back) has no canonical form or names no entry a seal can carry (`linked_body`);
    `verify` names that link. Each link's entry and event type are its stored event's, as its hash:
    a link whose own were altered behind the service's back (a run's line dropped: none) is named
    by `verify`, and does not stop the seal."""
    rows = await conn.fetch(
        f"""SELECT l.seq, e.data->>'entry_id' AS entry_id, l.event_id AS linked_id, l.canonical_version,
                   {RAW_COLUMNS}
            FROM {schema}.chain_links l LEFT JOIN {schema}.events e ON e.event_id = l.event_id
            WHERE l.volume_id = $1 ORDER BY l.seq""",
        volume,
    )
    previous, links = GENESIS, []
    for r in rows:
        body = linked_body(r)
        if body is None:
            why = "is gone" if r["event_id"] is None else f"has no canonical form v{r['canonical_version']}"
            log.warning("volume %s: event %s of seq %d %s; sealed up to seq %d only",
                        volume, r["linked_id"], r["seq"], why, r["seq"] - 1)  # fmt: skip
            break
        previous = link(previous, body)  # each link is recomputed in the form it was written in
        if r["seq"] >= from_seq:
            try:
                sealed = SealedLink(seq=r["seq"], entry_id=r["entry_id"], event_id=r["event_id"],
                                    event_type=r["event_type"], canonical_version=r["canonical_version"],
                                    link=previous)  # fmt: skip
            except ValidationError:
                log.warning("volume %s: event %s of seq %d names no entry a seal can carry (%r);"
                            " sealed up to seq %d only",
                            volume, r["event_id"], r["seq"], r["entry_id"], r["seq"] - 1)  # fmt: skip
                break
            links.append(sealed)
    return links


@dataclass(frozen=True)
class SealSummary:
    """What one run sealed: volumes, links and events published; and the volumes it could not seal
    to their end (`damaged`: a link that cannot be recomputed, `recompute_links`, or a volume whose
    seal failed), whose seal stopped there while the others went on. Verify names what is wrong."""

    volumes: int = 0
    links: int = 0
    events: int = 0
    damaged: tuple[str, ...] = ()

    def __add__(self, other: SealSummary) -> SealSummary:
        return SealSummary(
            self.volumes + other.volumes, self.links + other.links, self.events + other.events,
            self.damaged + other.damaged,
        )  # fmt: skip


def _events(volume: asyncpg.Record, links: list[SealedLink], audit: bool) -> list[VolumeSealed]:
    chunks = [links[i : i + SEAL_MAX_LINKS] for i in range(0, len(links), SEAL_MAX_LINKS)]
    common: dict[str, Any] = {
        "volume_id": volume["volume_id"], "kind": volume["kind"], "owner": volume["owner"],
        "year": volume["year"], "county": volume["county"], "length": links[-1].seq, "audit": audit,
    }  # fmt: skip
    return [
        VolumeSealed(**common, from_seq=c[0].seq, to_seq=c[-1].seq, head=c[-1].link, links=c) for c in chunks
    ]


def _tenant(volume: asyncpg.Record) -> Tenant:
    county = volume["county"] or (volume["owner"][:6] if volume["kind"] == "village" else None)
    if county is None:
        raise ValueError(f"volume {volume['volume_id']} has no county")
    return Tenant.of(county)


async def _seal_volume(store: EventStore, volume_id: str, audit: bool) -> SealSummary:
    schema = store.schema
    async with store.pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _SEAL_LOCK)
        volume = await conn.fetchrow(
            f"""SELECT h.volume_id, h.kind, h.owner, h.year, h.county, h.length,
                       coalesce(s.sealed_to, 0) AS sealed_to
                FROM {schema}.volume_heads h LEFT JOIN {schema}.volume_seals s USING (volume_id)
                WHERE h.volume_id = $1""",
            volume_id,
        )
        if volume is None or (not audit and volume["length"] <= volume["sealed_to"]):
            return SealSummary()  # another sealer was first
        from_seq = 1 if audit else volume["sealed_to"] + 1
        links = await recompute_links(conn, schema, volume_id, from_seq)
        links = [x for x in links if x.seq <= volume["length"]]
        short = (volume_id,) if (links[-1].seq if links else from_seq - 1) < volume["length"] else ()
        if not links:
            return SealSummary(damaged=short)
        events = _events(volume, links, audit)
        await store.append(seal_stream(volume_id), None, events, tenant=_tenant(volume),
                           metadata=Metadata(actor=SEAL_ACTOR), conn=conn)  # fmt: skip
        await conn.execute(
            f"""INSERT INTO {schema}.volume_seals (volume_id, sealed_to, head) VALUES ($1, $2, $3)
                ON CONFLICT (volume_id) DO UPDATE SET sealed_to = greatest(volume_seals.sealed_to,
                    excluded.sealed_to), head = excluded.head, sealed_at = clock_timestamp()""",
            volume_id,
            links[-1].seq,
            links[-1].link,
        )
    return SealSummary(1, len(links), len(events), short)


async def seal(store: EventStore, *, audit: bool = False, county: str | None = None) -> SealSummary:
    """Seal every volume with links beyond its last seal (`audit`: every volume, from seq 1), only
    those of `county` when given. Returns what was published; nothing when nothing is new."""
    rows = await store.pool.fetch(
        f"""SELECT h.volume_id FROM {store.schema}.volume_heads h
            LEFT JOIN {store.schema}.volume_seals s USING (volume_id)
            WHERE ($1 OR h.length > coalesce(s.sealed_to, 0)) AND ($2::text IS NULL OR h.county = $2)
            ORDER BY h.volume_id""",
        audit,
        county,
    )
    total = SealSummary()
    for row in rows:
        try:
            total += await _seal_volume(store, row["volume_id"], audit)
        except (asyncpg.PostgresConnectionError, OSError):
            raise  # the database is gone: no later volume would seal either
        except Exception:  # evidence no one foresaw: this volume only, nothing of it half-sealed
            log.exception("volume %s: seal failed; the other volumes are sealed", row["volume_id"])
            total += SealSummary(damaged=(row["volume_id"],))
    if total.events:
        log.info("sealed %d volumes: %d links in %d events", total.volumes, total.links, total.events)
    if total.damaged:
        log.warning("volumes not sealed to their end (verify names why): %s", ", ".join(total.damaged))
    return total


SEAL_AT_DEFAULT = "00:30"


def seal_time(setting: str | None) -> time | None:
    """`VC_SEAL_AT` ("HH:MM", China Standard Time; default 00:30) as a time, or None for "off".
    Raises ValueError for anything else (the service then refuses to start)."""
    value = (setting or SEAL_AT_DEFAULT).strip()
    if value.lower() == "off":
        return None
    try:
        return time.fromisoformat(value).replace(tzinfo=CST)
    except ValueError:
        raise ValueError(f"VC_SEAL_AT must be HH:MM (+08:00) or off, not {value!r}") from None


def next_seal(now: datetime, at: time) -> datetime:
    """The first `at` (a CST time of day) strictly after `now` (tz-aware)."""
    today = now.astimezone(CST).date()
    candidate = datetime.combine(today, at.replace(tzinfo=None), tzinfo=CST)
    return candidate if candidate > now else candidate + timedelta(days=1)


async def seal_daily(store: EventStore, at: time) -> None:
    """Seal the volumes with new links every day at `at`, until cancelled. A failed run is logged
    and retried the next day (nothing half-sealed: each volume is its own transaction)."""
    while True:
        now = now_cst()
        await asyncio.sleep((next_seal(now, at) - now).total_seconds())
        try:
            await seal(store)
        except Exception:
            log.exception("daily seal failed; retried tomorrow")
