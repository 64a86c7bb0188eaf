"""A bulk write's chain links come from the worker process chunk after chunk; a chunk with an event
the fast path cannot write (a character beyond U+FFFF) is linked by the service itself, and the
chunks after it go on from the heads it left: every volume verifies (real PostgreSQL, a real
worker process)."""

from __future__ import annotations

from datetime import datetime, timedelta

from eventkit.imports import ImportProgress
from eventkit.store import EventStore, Metadata
from eventkit.workers import CpuWorkers
from ledger.application.import_writes import CHUNK, write_entries
from ledger.application.volume_chain import verify_volume
from test_ledger_harness import ledger_service
from vc_contracts import CST
from vc_contracts.catalogue.ledger import LectureHeld

VILLAGES = ("621025100201", "621025100202", "621025100203")


def _lecture(i: int, topic: str = "民法典") -> LectureHeld:
    # two advisors, each one's lectures 80 minutes apart: 2.5 chunks stay within 2024
    at = datetime(2024, 1, 1, 8, tzinfo=CST) + timedelta(minutes=40 * i)
    return LectureHeld(entry_id=f"E-chain-{i}", occurred_at=at, topic=topic, audience=30,
                       advisor_id=f"A-{i % 2}", unit_id="U-firm", village_code=VILLAGES[i % 3])  # fmt: skip


async def test_chunks_linked_by_the_worker_and_by_the_service_make_one_chain(devstack) -> None:  # type: ignore[no-untyped-def]
    # given 2.5 chunks of lectures in three villages, one event of the second chunk with an emoji
    count, odd = CHUNK * 5 // 2, CHUNK + 7
    events = [_lecture(i, "😀 普法" if i == odd else "民法典") for i in range(count)]
    workers = CpuWorkers(["ledger.application.volume_chain"])
    workers.start()
    try:
        async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
            # when they are written in one import
            progress = ImportProgress("chain", "ledger", "test", datetime.now(CST))
            store = EventStore(ledger.pool, "ledger")
            await write_entries(store, events, Metadata("test"), progress, workers=workers)
            # then every volume verifies, each link in its place
            for volume in [*(f"village:{v}:2024" for v in VILLAGES), "unit:U-firm:2024"]:
                verdict = await verify_volume(ledger.pool, "ledger", volume)
                assert verdict.ok, (volume, verdict)
            heads = await ledger.pool.fetch("SELECT volume_id, length FROM ledger.volume_heads")
            lengths = {r["volume_id"]: r["length"] for r in heads}
            assert lengths["unit:U-firm:2024"] == count
            assert sum(lengths[f"village:{v}:2024"] for v in VILLAGES) == count
    finally:
        workers.stop()
