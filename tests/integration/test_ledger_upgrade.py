"""A ledger that already holds events from before volume chains were kept: they are sealed into the
chains once at start-up; an event inserted later behind the service's back is never sealed, not
even by a restart, and `verify` names it."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

import asyncpg
from eventkit.migrations import EVENT_STORE, migrate
from eventkit.store import EventStore, Metadata
from test_ledger_harness import ledger_service
from vc_contracts import CST, Tenant
from vc_contracts.catalogue.ledger import (
    EntryConfirmed,
    EntryCorrected,
    EntryVoided,
    LectureHeld,
    VisitLogged,
)

VILLAGE, YEAR = "621025390211", 2025
START = datetime(YEAR, 5, 6, 9, 0, tzinfo=CST)


def _old_events() -> list[tuple[str, list[object]]]:
    common = {"advisor_id": "A-old", "unit_id": "U-old", "village_code": VILLAGE}
    noon, eleven = START.replace(hour=12), START.replace(hour=11)
    visit = VisitLogged(entry_id="E-old-1", occurred_at=START, started_at=START, ended_at=noon, hours=3,
                        place="村委会", summary="坐班", **common)  # fmt: skip
    span = {"started_at": START.isoformat(), "ended_at": eleven.isoformat(), "occurred_at": START.isoformat()}
    fix = EntryCorrected(
        entry_id="E-old-1", village_code=VILLAGE, reason="提前离开", changes={**span, "hours": 2.0}
    )
    lecture = LectureHeld(
        entry_id="E-old-2", occurred_at=START.replace(hour=14), topic="普法", audience=9, **common
    )
    void = EntryVoided(entry_id="E-old-2", village_code=VILLAGE, reason="重复登记")
    return [("entry-E-old-1", [visit, fix]), ("entry-E-old-2", [lecture, void])]


async def test_history_is_sealed_once_and_a_later_forged_event_is_never_sealed(devstack) -> None:  # type: ignore[no-untyped-def]
    tag = uuid4().hex[:8]
    dsn = urlunsplit(urlsplit(devstack.dsn)._replace(path=f"/vc_ledger_{tag}"))
    admin = await asyncpg.connect(devstack.dsn)
    await admin.execute(f'CREATE DATABASE "vc_ledger_{tag}"')
    await admin.close()
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    await migrate(pool, "ledger", EVENT_STORE)  # the ledger as it was before it kept chains
    store = EventStore(pool, "ledger")
    for stream, events in _old_events():
        await store.append(stream, 0, events, tenant=Tenant.of(VILLAGE), metadata=Metadata("A-old"))  # type: ignore[arg-type]
    await pool.close()

    path = f"/volumes/village/{VILLAGE}/{YEAR}"
    async with ledger_service(devstack.dsn, devstack.bootstrap, tag=tag, keep=True) as ledger:
        county = ledger.headers("county_admin", "621025")
        verdict = (await ledger.http.post(f"{path}/verify", headers=county)).json()
        assert verdict["ok"] is True and verdict["length"] == 4
        volume = (await ledger.http.get(path, headers=county)).json()
        by_id = {e["entry_id"]: e for e in volume["entries"]}
        assert by_id["E-old-1"]["hours"] == 2.0 and by_id["E-old-2"]["status"] == "已作废"
        forged = EntryConfirmed(entry_id="E-old-1", village_code=VILLAGE, confirmed_by="nobody",
                                confirmed_on=START.date())  # fmt: skip
        await EventStore(ledger.pool, "ledger").append(
            "entry-E-old-1", 2, [forged], tenant=Tenant.of(VILLAGE), metadata=Metadata("nobody")
        )  # behind the service's back: no link is recorded
    async with ledger_service(devstack.dsn, devstack.bootstrap, tag=tag) as ledger:  # a restart
        verdict = (
            await ledger.http.post(f"{path}/verify", headers=ledger.headers("county_admin", "621025"))
        ).json()
        assert verdict["ok"] is False
        assert verdict["first_mismatch"]["entry_id"] == "E-old-1"
        assert verdict["first_mismatch"]["event_type"] == "EntryConfirmed"
        assert "未登记" in verdict["first_mismatch"]["reason"]
