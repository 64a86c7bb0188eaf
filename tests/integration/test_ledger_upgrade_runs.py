"""Start-up sealing of a long pre-chain history (`upgrade.seal_history`): its batches' links are
written as runs (past `COPY_LINKS`), one run a volume and batch; the volumes verify in the ledger and
in their check files (`vc_contracts.verify`), and an event forged later is still named."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

import asyncpg
import pytest
from eventkit.migrations import EVENT_STORE, migrate
from eventkit.store import EventStore, Metadata
from ledger.application import upgrade
from test_ledger_harness import ledger_service
from vc_contracts import CST, Tenant
from vc_contracts.catalogue.ledger import EntryConfirmed, EntryVoided, LectureHeld
from vc_contracts.verify import load_volume, verify_volume

VILLAGE, YEAR, UNIT = "621025390212", 2025, "U-old"
START = datetime(YEAR, 2, 1, 9, 0, tzinfo=CST)
ENTRIES = 130  # and every third voided: 174 events, 348 links


async def _old_ledger(dsn: str) -> None:
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    try:
        await migrate(pool, "ledger", EVENT_STORE)  # the ledger as it was before it kept chains
        store = EventStore(pool, "ledger")
        for n in range(ENTRIES):
            entry = f"E-old-{n}"
            at = START + timedelta(hours=3 * n)
            lecture = LectureHeld(entry_id=entry, occurred_at=at, topic="普法", audience=9,
                                  advisor_id="A-old", unit_id=UNIT, village_code=VILLAGE)  # fmt: skip
            events: list[Any] = [lecture]
            if n % 3 == 0:
                events.append(EntryVoided(entry_id=entry, village_code=VILLAGE, reason="重复登记"))
            await store.append(
                f"entry-{entry}", 0, events, tenant=Tenant.of(VILLAGE), metadata=Metadata("A-old")
            )
    finally:
        await pool.close()


async def test_a_long_history_is_sealed_in_runs_that_verify_here_and_outside(
    devstack, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(upgrade, "BATCH", 120)  # two batches: 240 and 108 links
    tag = uuid4().hex[:8]
    dsn = urlunsplit(urlsplit(devstack.dsn)._replace(path=f"/vc_ledger_{tag}"))
    admin = await asyncpg.connect(devstack.dsn)
    await admin.execute(f'CREATE DATABASE "vc_ledger_{tag}"')
    await admin.close()
    await _old_ledger(dsn)
    async with ledger_service(devstack.dsn, devstack.bootstrap, tag=tag) as ledger:
        county = ledger.headers("county_admin", "621025")
        runs = await ledger.pool.fetch(
            "SELECT volume_id, first_seq, links FROM ledger.volume_link_runs ORDER BY volume_id, first_seq"
        )
        rows = await ledger.pool.fetch(
            "SELECT volume_id, seq FROM ledger.volume_links ORDER BY volume_id, seq"
        )
        assert [(r["volume_id"], r["first_seq"], r["links"]) for r in runs] == [
            (f"unit:{UNIT}:{YEAR}", 1, 120),
            (f"village:{VILLAGE}:{YEAR}", 1, 120),
        ]
        assert [r["seq"] for r in rows] == [*range(121, 175), *range(121, 175)]  # the second batch: rows
        for kind, owner in (("village", VILLAGE), ("unit", UNIT)):
            verdict = (
                await ledger.http.post(f"/volumes/{kind}/{owner}/{YEAR}/verify", headers=county)
            ).json()
            assert verdict["ok"] is True and verdict["length"] == 174, verdict
            check = await ledger.http.get(f"/volumes/{kind}:{owner}:{YEAR}/export.json", headers=county)
            path = tmp_path / f"{kind}.json"
            path.write_bytes(check.content)
            outside = verify_volume(load_volume(path))
            assert outside.ok and outside.length == 174, outside
        forged = EntryConfirmed(entry_id="E-old-5", village_code=VILLAGE, confirmed_by="nobody",
                                confirmed_on=START.date())  # fmt: skip
        await EventStore(ledger.pool, "ledger").append(
            "entry-E-old-5", 1, [forged], tenant=Tenant.of(VILLAGE), metadata=Metadata("nobody")
        )  # behind the service's back: no link is recorded
        verdict = (await ledger.http.post(f"/volumes/village/{VILLAGE}/{YEAR}/verify", headers=county)).json()
        assert verdict["ok"] is False and verdict["first_mismatch"]["entry_id"] == "E-old-5"
