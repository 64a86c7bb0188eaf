"""A volume whose links are rows and runs in turn (in-process app, real PostgreSQL and broker):
entries over HTTP (rows), an import (runs), more entries, a correction and a void of imported
entries, a second import. The ledger's verify, the check file's outside verifier
(`vc_contracts.verify`) and the seals agree link by link; an imported event altered behind the
service's back is named at the same seq by all three."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from eventkit.store import EventStore
from ledger.application.sealing import seal, seal_stream
from test_ledger_harness import Ledger, ledger_service, set_the_scene
from vc_contracts import CST
from vc_contracts.verify import load_volume, verify_volume

YEAR = datetime.now(CST).year - 1
HEADINGS = ["类型", "顾问编号", "村（社区）代码", "开始时间", "结束时间", "地点", "内容摘要", "客户端编号"]


def _csv(advisor: str, village: str, first: date, count: int, tag: str) -> bytes:
    out = io.StringIO()
    rows: list[list[Any]] = [HEADINGS]
    for n in range(count):
        day = first + timedelta(days=n)
        rows.append(["驻点服务", advisor, village, f"{day} 09:00", f"{day} 11:00", "村委会",
                     f"补录第{n}次坐班", f"{tag}-{n}"])  # fmt: skip
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


async def _outside(ledger: Ledger, volume: str, tmp_path: Path) -> Any:
    """The outside verifier's verdict on the volume's check file: JSON and XLSX (the same)."""
    county = ledger.headers("county_admin", "621025")
    kind, owner, year = volume.split(":")
    verdicts = []
    for path in (f"/volumes/{volume}/export.json", f"/volumes/{kind}/{owner}/{year}/export.xlsx"):
        r = await ledger.http.get(path, headers=county)
        assert r.status_code == 200, r.text
        file = tmp_path / f"volume{Path(path).suffix}"
        file.write_bytes(r.content)
        verdicts.append(verify_volume(load_volume(file)))
    json_file, xlsx_file = verdicts
    assert xlsx_file == json_file
    return json_file


async def _rows_and_runs(ledger: Ledger) -> str:
    """Village 1's volume of last year: 3 visits, an import of 120, 2 visits, a correction and a
    void of imported entries, an import of 110, a visit (238 links). Returns the village."""
    cast = await set_the_scene(ledger, date(YEAR, 1, 1))
    village, advisor = cast.villages[0], cast.advisor("li")
    me = ledger.headers("advisor", "621025", advisor, cast.firm)
    unit = ledger.headers("law_firm", "621025", "staff", cast.firm)
    csv_type = {**unit, "Content-Type": "text/csv"}

    async def visit(month: int, day: int) -> str:
        start = datetime(YEAR, month, day, 15, tzinfo=CST)
        end = start + timedelta(hours=1)
        body = {"village_code": village, "started_at": start.isoformat(), "ended_at": end.isoformat(),
                "place": "村委会", "summary": "坐班"}  # fmt: skip
        r = await ledger.http.post("/visits", json=body, headers=me)
        assert r.status_code == 201, r.text
        return str(r.json()["entry_id"])

    for day in (1, 2, 3):
        await visit(12, day)
    r = await ledger.http.post("/imports", content=_csv(advisor, village, date(YEAR, 1, 2), 120, "a"),
                               headers=csv_type)  # fmt: skip
    assert r.status_code == 201 and r.json()["imported"] == 120, r.text
    for day in (4, 5):
        await visit(12, day)
    imported = [
        r["entry_id"]
        for r in await ledger.pool.fetch(
            "SELECT entry_id FROM ledger.entries WHERE village_code = $1 ORDER BY occurred_at LIMIT 2",
            village,
        )
    ]
    fix = {"changes": {"summary": "补录坐班（更正）"}, "reason": "摘要笔误"}
    r = await ledger.http.post(f"/entries/{imported[0]}/corrections", json=fix, headers=me)
    assert r.status_code == 201, r.text
    r = await ledger.http.post(f"/entries/{imported[1]}/void", json={"reason": "重复登记"}, headers=me)
    assert r.status_code == 201, r.text
    r = await ledger.http.post("/imports", content=_csv(advisor, village, date(YEAR, 6, 1), 110, "b"),
                               headers=csv_type)  # fmt: skip
    assert r.status_code == 201 and r.json()["imported"] == 110, r.text
    await visit(12, 6)
    return village


async def test_rows_and_runs_in_one_volume_verify_alike_here_outside_and_in_the_seals(
    devstack, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        # given entries over HTTP, an import, entries again, a correction and a void of imported
        # entries, and a second import
        village = await _rows_and_runs(ledger)
        volume = f"village:{village}:{YEAR}"
        count = "SELECT count(*) FROM ledger.{} WHERE volume_id = $1"
        runs = await ledger.pool.fetchval(count.format("volume_link_runs"), volume)
        rows = await ledger.pool.fetchval(count.format("volume_links"), volume)
        length = 3 + 120 + 2 + 2 + 110 + 1
        assert runs >= 2 and rows >= 8, (runs, rows)
        # then the ledger's verify, the outside verifier and the seals agree
        county = ledger.headers("county_admin", "621025")
        path = f"/volumes/village/{village}/{YEAR}/verify"
        verdict = (await ledger.http.post(path, headers=county)).json()
        assert verdict["ok"] is True and verdict["length"] == length, verdict
        outside = await _outside(ledger, volume, tmp_path)
        assert outside.ok and outside.length == length and outside.head == verdict["recorded_head"]
        store = EventStore(ledger.pool, "ledger")
        await seal(store)
        sealed = await ledger.pool.fetchval(
            "SELECT data::text FROM ledger.events WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 1",
            seal_stream(volume),
        )
        recorded = await ledger.pool.fetch(
            "SELECT seq, entry_id, hash FROM ledger.chain_links WHERE volume_id = $1 ORDER BY seq", volume
        )
        assert [r["seq"] for r in recorded] == list(range(1, length + 1))
        assert [(x["seq"], x["entry_id"], x["link"]) for x in json.loads(sealed)["links"]] == [
            (r["seq"], r["entry_id"], r["hash"]) for r in recorded
        ]

        # when an imported event inside the first import's run is altered behind the service's back
        target = recorded[40]
        async with ledger.pool.acquire() as conn, conn.transaction():
            await conn.execute("ALTER TABLE ledger.events DISABLE TRIGGER events_append_only")
            await conn.execute(
                "UPDATE ledger.events SET data = jsonb_set(data, '{summary}', '\"篡改\"') WHERE event_id ="
                " (SELECT event_id FROM ledger.chain_links WHERE volume_id = $1 AND seq = $2)",
                volume,
                target["seq"],
            )
            await conn.execute("ALTER TABLE ledger.events ENABLE TRIGGER events_append_only")
        # then all three name it
        bad = (await ledger.http.post(path, headers=county)).json()["first_mismatch"]
        assert (bad["seq"], bad["entry_id"]) == (target["seq"], target["entry_id"])
        outside = await _outside(ledger, volume, tmp_path)
        assert outside.first_mismatch is not None and outside.first_mismatch.seq == target["seq"]
        await seal(store, audit=True)
        audited = await ledger.pool.fetchval(
            "SELECT data::text FROM ledger.events WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 1",
            seal_stream(volume),
        )
        audit = json.loads(audited)["links"]
        changed = [x["seq"] for x in audit if x["link"] != recorded[x["seq"] - 1]["hash"]]
        assert changed[0] == target["seq"] and len(changed) == length - target["seq"] + 1
