"""A bulk write's chain links come from the worker process chunk after chunk, from the heads read
when the write began (`reach`); a chunk the worker cannot link (an event the fast path cannot write,
a character beyond U+FFFF; a volume whose head was not read ahead) is linked by the service itself,
and so are the chunks after it, from the heads the chunks before left: every volume verifies (real
PostgreSQL, a real worker process)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import asyncpg
import pytest
from eventkit.imports import ImportProgress
from eventkit.store import EventStore, Metadata
from eventkit.workers import CpuWorkers
from ledger.application import import_writes
from ledger.application.import_writes import write_entries
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


REACH = [*(f"village:{v}:2024" for v in VILLAGES), "unit:U-firm:2024"]
FIRST, CHUNK = 20, 100
"""The write's chunk sizes here (`import_writes.FIRST_CHUNK`, `CHUNK`, patched): the same cuts as a
file of 12,500 rows (1,000, 2,000, 4,000, 5,000, 500) at a fiftieth of the rows; the worker never
reads them (the service cuts the chunks), so the chunks and their hand-overs are those of a real
import. At full size the four cases took two minutes of the suite."""


@pytest.mark.parametrize(
    ("odd", "reach", "by_service"),
    [
        (CHUNK + 7, [], 5),  # no heads read ahead: the service links every chunk (of 5)
        (CHUNK + 7, REACH, 3),  # the worker links the chunks before the emoji's, the service the rest
        (None, REACH, 0),  # the worker links every chunk
        (None, REACH[1:], 5),  # the first village's volume not read ahead: the service links every chunk
    ],
)
async def test_chunks_linked_by_the_worker_and_by_the_service_make_one_chain(
    devstack, monkeypatch: pytest.MonkeyPatch, odd: int | None, reach: list[str], by_service: int
) -> None:  # type: ignore[no-untyped-def]
    # given 2.5 chunks of lectures in three villages, maybe one event of the third chunk with an emoji
    monkeypatch.setattr(import_writes, "FIRST_CHUNK", FIRST)
    monkeypatch.setattr(import_writes, "CHUNK", CHUNK)
    count = CHUNK * 5 // 2
    assert [len(s) for s in import_writes.chunk_spans(count)] == [20, 40, 80, 100, 10]
    events = [_lecture(i, "😀 普法" if i == odd else "民法典") for i in range(count)]
    workers = CpuWorkers(["ledger.application.chain_worker"])
    linked_here: list[int] = []
    link_bodies = import_writes.link_bodies

    def counted(*args: Any) -> Any:
        linked_here.append(1)
        return link_bodies(*args)

    monkeypatch.setattr(import_writes, "link_bodies", counted)
    workers.start()
    try:
        async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
            # when they are written in one import
            progress = ImportProgress("chain", "ledger", "test", datetime.now(CST))
            store = EventStore(ledger.pool, "ledger")
            await write_entries(store, events, Metadata("test"), progress, workers=workers, reach=reach)
            # then every volume verifies, each link in its place
            for volume in [*(f"village:{v}:2024" for v in VILLAGES), "unit:U-firm:2024"]:
                verdict = await verify_volume(ledger.pool, "ledger", volume)
                assert verdict.ok, (volume, verdict)
            heads = await ledger.pool.fetch("SELECT volume_id, length FROM ledger.volume_heads")
            lengths = {r["volume_id"]: r["length"] for r in heads}
            assert lengths["unit:U-firm:2024"] == count
            assert sum(lengths[f"village:{v}:2024"] for v in VILLAGES) == count
            assert len(linked_here) == by_service
    finally:
        workers.stop()


async def test_a_chunk_whose_worker_links_fall_short_is_refused_and_nothing_is_written(
    devstack, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    # given a worker that loses one link of the chunk (in a thread here: the patched function runs)
    real = import_writes.import_work

    def short(*args: Any) -> Any:
        made = real(*args)
        linked = made.linked
        assert linked is not None
        return made._replace(linked=linked._replace(links=linked.links - 1))

    monkeypatch.setattr(import_writes, "import_work", short)
    events = [_lecture(i) for i in range(10)]
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        store = EventStore(ledger.pool, "ledger")
        before = await ledger.pool.fetchval("SELECT count(*) FROM ledger.events")
        # when they are written
        progress = ImportProgress("short", "ledger", "test", datetime.now(CST))
        with pytest.raises(RuntimeError, match="linked 19 links"):
            await write_entries(store, events, Metadata("test"), progress, reach=REACH)
        # then the whole write rolled back: no event, entry or link of it
        assert await ledger.pool.fetchval("SELECT count(*) FROM ledger.events") == before
        mine = "SELECT count(*) FROM ledger.entries WHERE entry_id LIKE 'E-chain-%'"
        assert await ledger.pool.fetchval(mine) == 0
        assert await ledger.pool.fetchval("SELECT count(*) FROM ledger.chain_links") == 0


async def test_a_bulk_writes_links_are_runs_that_refuse_changes_and_verify_names_an_altered_link(
    devstack,
) -> None:  # type: ignore[no-untyped-def]
    # given 150 lectures written in one chunk (300 links: past COPY_LINKS, so runs)
    events = [_lecture(i) for i in range(150)]
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        progress = ImportProgress("runs", "ledger", "test", datetime.now(CST))
        await write_entries(
            EventStore(ledger.pool, "ledger"), events, Metadata("test"), progress, reach=REACH
        )
        runs = await ledger.pool.fetch(
            "SELECT volume_id, first_seq, links FROM ledger.volume_link_runs ORDER BY volume_id"
        )
        # then one run a volume holds every link, none is a row of its own, and each volume verifies
        assert [(r["volume_id"], r["first_seq"], r["links"]) for r in runs] == [
            ("unit:U-firm:2024", 1, 150),
            *((f"village:{v}:2024", 1, 50) for v in VILLAGES),
        ]
        assert await ledger.pool.fetchval("SELECT count(*) FROM ledger.volume_links") == 0
        assert await ledger.pool.fetchval("SELECT count(*) FROM ledger.chain_links") == 300
        volume = f"village:{VILLAGES[1]}:2024"
        assert (await verify_volume(ledger.pool, "ledger", volume)).ok
        # when a run is changed or deleted, it is refused (links are append-only)
        for change in (
            "UPDATE ledger.volume_link_runs SET links = links",
            "DELETE FROM ledger.volume_link_runs",
        ):
            with pytest.raises(asyncpg.RaiseError, match="append-only"):
                await ledger.pool.execute(change)
        # and when one link's recorded hash is altered behind the service's back
        async with ledger.pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "ALTER TABLE ledger.volume_link_runs DISABLE TRIGGER volume_link_runs_append_only"
            )
            run = "SELECT hashes FROM ledger.volume_link_runs WHERE volume_id = $1"
            hashes = (await conn.fetchval(run, volume)).split("\n")
            hashes[16] = "f" * 64
            await conn.execute(
                "UPDATE ledger.volume_link_runs SET hashes = $2 WHERE volume_id = $1",
                volume,
                "\n".join(hashes),
            )
            await conn.execute(
                "ALTER TABLE ledger.volume_link_runs ENABLE TRIGGER volume_link_runs_append_only"
            )
        # then verify names that link (seq 17) and its entry
        verdict = await verify_volume(ledger.pool, "ledger", volume)
        assert verdict.first_mismatch is not None
        assert (verdict.first_mismatch.seq, verdict.first_mismatch.entry_id) == (17, f"E-chain-{16 * 3 + 1}")
