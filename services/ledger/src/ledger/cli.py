"""Operator commands, with the service's environment (DATABASE_URL, ...):

    python -m ledger.cli verify village 621025100201 2025   # exit 1 and name the entry if it fails
    python -m ledger.cli verify unit U-firm-1 2025
    python -m ledger.cli rebuild-entries                     # the entries read model from the events
    python -m ledger.cli seal [--audit] [--county 621025]    # publish VolumeSealed for new links (exit 1:
                                                             # a volume sealed short of its end)
    python -m ledger.cli rebuild-typical-cases               # typical_cases (after entries: it reads them)

Rebuilding never touches the volume chains: they are the evidence `verify` compares against.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from eventkit.db import create_pool
from eventkit.store import EventStore, StoredEvent
from vc_contracts.chain import parse_volume_id
from vc_contracts.cli_args import digits

from ledger.application import entries_model, typical_cases
from ledger.application.sealing import seal as seal_volumes
from ledger.application.volume_chain import verify_volume
from ledger.domain.chain import volume_id

SCHEMA = "ledger"
Apply = Callable[[Any, str, list[StoredEvent]], Awaitable[Any]]


async def verify(dsn: str, kind: str, owner: str, year: int) -> int:
    pool = await create_pool(dsn, min_size=1, max_size=2)
    try:
        verdict = await verify_volume(pool, SCHEMA, volume_id(kind, owner, year))
    finally:
        await pool.close()
    bad = verdict.first_mismatch
    answer = {"ok": verdict.ok, "length": verdict.length, "head": verdict.head,
              "first_mismatch": bad.__dict__ if bad else None}  # fmt: skip
    print(json.dumps(answer, ensure_ascii=False, indent=2))
    return 0 if verdict.ok else 1


async def rebuild_entries(dsn: str, batch: int = 2000) -> int:
    """Refill `entries` from every event, in one transaction (readers see the old rows until it commits)."""
    return await _rebuild(dsn, "entries", entries_model.apply, batch)


async def rebuild_typical_cases(dsn: str, batch: int = 2000) -> int:
    """Refill `typical_cases` (R16) from every event, as rebuild_entries; it reads each case's advisor
    and unit from `entries`, so rebuild that first when both are rebuilt."""
    return await _rebuild(dsn, "typical_cases", typical_cases.record, batch)


async def _rebuild(dsn: str, table: str, apply: Apply, batch: int) -> int:
    """The read model `table`, written inline by the append transaction (so not through the generic
    eventkit.rebuild, which reads topics), emptied and fed the store's events in position order."""
    pool = await create_pool(dsn, min_size=1, max_size=2)
    store, applied, position = EventStore(pool, SCHEMA), 0, 0
    try:
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(f"TRUNCATE {SCHEMA}.{table}")
            while events := await store.read_all(after=position, limit=batch, conn=conn):
                await apply(conn, SCHEMA, events)
                applied, position = applied + len(events), events[-1].position
    finally:
        await pool.close()
    print(f"{table} rebuilt from {applied} events")
    return 0


async def seal(dsn: str, audit: bool, county: str | None) -> int:
    pool = await create_pool(dsn, min_size=1, max_size=2)
    try:
        done = await seal_volumes(EventStore(pool, SCHEMA), audit=audit, county=county)
    finally:
        await pool.close()
    print(f"sealed {done.volumes} volumes: {done.links} links in {done.events} VolumeSealed events")
    if done.damaged:  # sealed up to a link that cannot be recomputed: `verify` names it
        print(f"not sealed to their end (run verify on each): {' '.join(done.damaged)}")
        return 1
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m ledger.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("verify", help="recompute a volume's hash chain from the event store")
    check.add_argument("kind", choices=["village", "unit"])
    check.add_argument("owner", help="village code or unit id")
    check.add_argument("year", help="four ASCII digits, 2000-2100")
    sub.add_parser("rebuild-entries", help="rebuild the entries read model from the events")
    sealing = sub.add_parser("seal", help="publish the links of volumes with new links (VolumeSealed)")
    sealing.add_argument("--audit", action="store_true", help="every volume, every link from seq 1")
    sealing.add_argument("--county", type=digits(6), help="only the volumes of this county (6-digit code)")
    sub.add_parser("rebuild-typical-cases", help="rebuild the typical_cases read model from the events")
    args = parser.parse_args()
    # the one rule for volume ids: int() would take "٢٠٢٥", "+2025" or "2_025" for a year, and a
    # volume nobody has (year -1, 25 digits, a township's code) would verify as an empty "ok"
    volume = parse_volume_id(f"{args.kind}:{args.owner}:{args.year}") if args.command == "verify" else None
    if args.command == "verify" and volume is None:
        parser.error("no such volume: owner a village's 12-digit code or a unit id, year 2000-2100 (ASCII)")
    dsn = os.environ.get("DATABASE_URL") or sys.exit("DATABASE_URL is not set")
    if volume is not None:
        sys.exit(asyncio.run(verify(dsn, *volume)))
    if args.command == "seal":
        sys.exit(asyncio.run(seal(dsn, args.audit, args.county)))
    if args.command == "rebuild-typical-cases":
        sys.exit(asyncio.run(rebuild_typical_cases(dsn)))
    sys.exit(asyncio.run(rebuild_entries(dsn)))


if __name__ == "__main__":
    main()
