"""Verifying a volume reads that volume's events, not the whole ledger's: the check for an event
missing from the volume's chain (a row inserted behind the service's back) once walked every event of
the ledger by position (`ORDER BY position LIMIT 1` over an anti-join: 0.4–0.9 s a volume at 50,000
events, growing with the province's ledger). Counted with PostgreSQL's own per-transaction table
statistics (`pg_stat_xact_user_tables`), so the test holds whatever the machine's speed."""

from __future__ import annotations

from datetime import datetime, timedelta

from eventkit.imports import ImportProgress
from eventkit.store import EventStore, Metadata, NewStream
from ledger.application.entries_model import insert_appended_entries
from ledger.application.import_writes import write_entries
from ledger.application.volume_chain import first_stray, verify_volume
from test_ledger_harness import ledger_service
from vc_contracts import CST, Tenant
from vc_contracts.catalogue.ledger import LectureHeld

OURS, OTHERS = 400, 20_000  # one village's lectures of a year; the other villages' entries
VILLAGE = "621025390201"


def _lecture(i: int, village: str) -> LectureHeld:
    at = datetime(2024, 1, 1, 8, tzinfo=CST) + timedelta(days=i % 365, minutes=i // 365 * 7)
    return LectureHeld(entry_id=f"E-{village}-{i}", occurred_at=at, topic="民法典", audience=30,
                       advisor_id=f"A-{i % 50}", unit_id="U-firm", village_code=village)  # fmt: skip


async def test_the_stray_event_check_reads_only_the_volumes_own_events(devstack) -> None:  # type: ignore[no-untyped-def]
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        store = EventStore(ledger.pool, "ledger")
        events = [_lecture(i, VILLAGE) for i in range(OURS)]
        events += [
            _lecture(i, f"6210{1 + i % 9:02d}{100 + i % 7:03d}{1 + i % 97:03d}") for i in range(OTHERS)
        ]
        progress = ImportProgress("verify-reads", "ledger", "test", datetime.now(CST))
        await write_entries(store, events, Metadata("test"), progress)
        volume = f"village:{VILLAGE}:2024"
        assert (await verify_volume(ledger.pool, "ledger", volume)).ok
        async with ledger.pool.acquire() as conn:
            await conn.execute("ANALYZE ledger.events; ANALYZE ledger.entries; ANALYZE ledger.volume_links")
            async with conn.transaction():
                # a province's ledger is too big to read whole: priced as there (20,000 rows are not)
                await conn.execute("SET LOCAL enable_seqscan = off")
                assert await first_stray(conn, "ledger", volume) is None
                read = await conn.fetchval(
                    "SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0)"
                    " FROM pg_stat_xact_user_tables WHERE schemaname = 'ledger' AND relname = 'events'"
                )
        # and it still finds an event inserted without a link (here: appended, entry and all, unlinked)
        stray = _lecture(OURS, VILLAGE)
        async with ledger.pool.acquire() as conn, conn.transaction():
            batch = [NewStream(f"entry-{stray.entry_id}", [stray], Tenant.of(VILLAGE), stray.occurred_at)]
            done = await store.append_rows(batch, metadata=Metadata("intruder"), conn=conn)
            await insert_appended_entries(conn, "ledger", done[0].position, done[0].position, 1)
        async with ledger.pool.acquire() as conn:
            found = await first_stray(conn, "ledger", volume)
            # every append pays for each index on the links: the primary key is the only one read
            indexes = await conn.fetch("SELECT indexname FROM pg_indexes WHERE tablename = 'volume_links'")
    assert found is not None and found["entry_id"] == stray.entry_id
    assert [r["indexname"] for r in indexes] == ["volume_links_pkey"]
    # The volume's own events, not the ledger's: depending on the plan PostgreSQL picks after ANALYZE
    # (it varies between runs), a join fetches each of the volume's events several times (1,202
    # reads for 400 were seen, and 2,402 in a CI run of session 35): a small multiple of the volume,
    # never a walk of the 20,400 events (a bound of 4x failed on the plan that read 2,402).
    assert read <= 10 * OURS, f"the check read {read} rows of the ledger's events for a volume of {OURS}"
