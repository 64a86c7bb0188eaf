"""Sealing (issue 14) on the real PostgreSQL: VolumeSealed events carry every volume's links
recomputed from the stored events; a second seal with nothing new writes nothing; an audit seal
publishes the whole volume again, so a rewrite behind the service's back shows in its links."""

from __future__ import annotations

import json
from datetime import date

from eventkit.store import EventStore
from ledger.application.sealing import recompute_links, seal
from test_ledger_harness import at, ledger_scene


async def _seals(pool, volume: str) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    rows = await pool.fetch(
        "SELECT data::text AS data FROM ledger.events WHERE stream_id = $1 ORDER BY stream_version",
        f"volume-seal-{volume}",
    )
    return [json.loads(r["data"]) for r in rows]


async def test_seals_publish_new_links_once_and_an_audit_shows_a_rewrite(devstack) -> None:  # type: ignore[no-untyped-def]
    day = date(2026, 3, 2)
    async with ledger_scene(devstack, day) as (ledger, cast):
        village = cast.villages[0]
        me = ledger.headers("advisor", "621025", cast.advisor("li"), cast.firm)

        async def visit(hour: int) -> str:
            body = {"village_code": village, "started_at": at(day, hour), "ended_at": at(day, hour + 1),
                    "place": "村委会", "summary": "坐班接待"}  # fmt: skip
            r = await ledger.http.post("/visits", json=body, headers=me)
            assert r.status_code == 201, r.text
            return str(r.json()["entry_id"])

        first = await visit(9)
        await visit(11)
        store = EventStore(ledger.pool, "ledger")
        volume = f"village:{village}:2026"

        done = await seal(store)
        assert done.volumes == 2 and done.links == 4  # the village's and the firm's volume, 2 links each
        [sealed] = await _seals(ledger.pool, volume)
        recorded = await ledger.pool.fetch(
            "SELECT seq, hash FROM ledger.volume_links WHERE volume_id = $1 ORDER BY seq", volume
        )
        assert [(x["seq"], x["link"]) for x in sealed["links"]] == [(r["seq"], r["hash"]) for r in recorded]
        assert (sealed["from_seq"], sealed["to_seq"], sealed["length"]) == (1, 2, 2)
        assert sealed["head"] == recorded[-1]["hash"] and sealed["audit"] is False

        assert (await seal(store)).events == 0  # nothing new: nothing written
        assert len(await _seals(ledger.pool, volume)) == 1

        await visit(14)
        again = await seal(store)
        assert again.volumes == 2 and again.links == 2
        latest = (await _seals(ledger.pool, volume))[-1]
        assert (latest["from_seq"], latest["to_seq"]) == (3, 3)

        async with ledger.pool.acquire() as conn, conn.transaction():  # behind the service's back
            await conn.execute("ALTER TABLE ledger.events DISABLE TRIGGER events_append_only")
            await conn.execute(
                "UPDATE ledger.events SET data = jsonb_set(data, '{summary}', '\"改过的内容\"')"
                " WHERE stream_id = (SELECT stream_id FROM ledger.entries WHERE entry_id = $1)",
                first,
            )
            await conn.execute("ALTER TABLE ledger.events ENABLE TRIGGER events_append_only")
        audit = await seal(store, audit=True, county="621025")
        assert audit.volumes == 2 and audit.links == 6
        audited = (await _seals(ledger.pool, volume))[-1]
        assert audited["audit"] is True and audited["from_seq"] == 1
        assert audited["links"][0]["link"] != sealed["links"][0]["link"]  # seq 1 was rewritten
        async with ledger.pool.acquire() as conn:
            assert [x.link for x in await recompute_links(conn, "ledger", volume, 2)] == [
                x["link"] for x in audited["links"][1:]
            ]
