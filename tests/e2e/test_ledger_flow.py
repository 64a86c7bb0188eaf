"""The ledger's "done when", over HTTP against the services as real processes: an advisor logs a
visit, a lecture and a WeChat consultation; the committee confirms one; a correction and a void
show in the village's volume; the volume exports to XLSX with Chinese headings; `verify` passes,
then names the entry whose stored event was altered behind the service's back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from io import BytesIO
from typing import Any

import asyncpg
import httpx
import pytest
from openpyxl import load_workbook
from support.waiting import eventually
from test_ledger_support import FIRM, LAST_YEAR, LI, V2, V4, World, at, ensure_world
from vc_contracts import CST

# The day of the three entries: two days ago, so on 1–2 January last year's. The volume, the export
# and verify read the year of that day: today's year holds none of them on 1–2 January.
DAY = (datetime.now(CST) - timedelta(days=2)).date()


@pytest.fixture(scope="module")
async def world(stack) -> AsyncIterator[World]:  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(timeout=30, trust_env=False) as http:
        w = World(http, stack)
        await ensure_world(w)
        yield w


async def _log_three(w: World) -> dict[str, str]:
    day = DAY
    me = w.advisor(LI, FIRM)
    visit = {"village_code": V4, "started_at": at(day, 9), "ended_at": at(day, 12), "place": "社区服务中心",
             "summary": "驻点坐班，接待居民咨询", "client_entry_id": "flow-visit"}  # fmt: skip
    lecture = {"village_code": V4, "occurred_at": at(day, 14), "topic": "民法典与婚姻家庭", "audience": 40,
               "co_organisers": ["县司法局普法与依法治理股"], "client_entry_id": "flow-lecture"}  # fmt: skip
    wechat = {"village_code": V4, "occurred_at": at(day, 20, 30), "channel": "wechat", "category": "labour",
              "outcome": "resolved", "summary": "微信群答复欠薪维权途径",
              "client_entry_id": "flow-wechat"}  # fmt: skip
    ids = {}
    for name, path, body in [("visit", "/visits", visit), ("lecture", "/lectures", lecture),
                             ("wechat", "/consultations", wechat)]:  # fmt: skip
        r = await w.post(path, body, me)
        assert r.status_code == 201, r.text
        ids[name] = r.json()["entry_id"]
        assert r.json()["assignment"]["village_code"] == V4  # the answer names the assignment found
    return ids


async def test_logged_confirmed_corrected_voided_entries_show_in_the_village_volume(world: World) -> None:
    w = world
    ids = await _log_three(w)
    confirmed = await w.post(f"/entries/{ids['visit']}/confirmation", None, w.committee(V4))
    assert confirmed.status_code == 201, confirmed.text
    again = await w.post(f"/entries/{ids['visit']}/confirmation", None, w.committee(V4))
    assert again.status_code == 409
    fix = {"changes": {"audience": 45}, "reason": "签到表复核后人数为45人"}
    assert (await w.post(f"/entries/{ids['lecture']}/corrections", fix, w.advisor())).status_code == 201
    void = {"reason": "与电话咨询重复登记"}
    assert (await w.post(f"/entries/{ids['wechat']}/void", void, w.unit(FIRM))).status_code == 201

    year = DAY.year
    r = await w.get(f"/volumes/village/{V4}/{year}", w.committee(V4))
    assert r.status_code == 200, r.text
    volume = r.json()
    mine = {e["entry_id"]: e for e in volume["entries"]}
    assert mine[ids["visit"]]["status"] == "已确认"
    assert mine[ids["lecture"]]["data"]["audience"] == 45
    assert any("参加人数：40 → 45" in line and "签到表复核" in line for line in mine[ids["lecture"]]["notes"])
    assert mine[ids["wechat"]]["status"] == "已作废" and "重复登记" in mine[ids["wechat"]]["notes"][-1]
    numbers = [e["number"] for e in volume["entries"]]
    assert numbers == sorted(numbers) and mine[ids["visit"]]["number"] < mine[ids["lecture"]]["number"]
    assert volume["chain"]["length"] >= 6 and len(volume["chain"]["head"]) == 64
    assert volume["chain"]["as_of"].endswith("+08:00")  # times in answers are +08:00, never Z
    assert all(e["logged_at"].endswith("+08:00") for e in volume["entries"])


async def test_the_volume_exports_to_xlsx_with_chinese_headings_and_the_chain_head(world: World) -> None:
    year = DAY.year
    r = await world.get(f"/volumes/village/{V4}/{year}/export.xlsx", world.county(), period=str(year))
    assert r.status_code == 200, r.text
    sheet = load_workbook(BytesIO(r.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert "北台社区" in rows[0][0] and "工作台账" in rows[0][0]
    assert any(
        str(row[0]).startswith("防篡改链头") and r.headers["X-Chain-Head"] in row[0] for row in rows[:4]
    )
    headings = next(row for row in rows if row[0] == "序号")
    assert headings[:6] == ["序号", "类型", "日期", "开始时间", "结束时间", "时长（小时）"]
    page = await world.get(f"/volumes/village/{V4}/{year}/export.html", world.county())
    assert page.status_code == 200 and "<th>序号</th>" in page.text and r.headers["X-Chain-Head"] in page.text


async def test_verify_names_the_entry_whose_stored_event_was_altered(world: World, devstack) -> None:  # type: ignore[no-untyped-def]
    w, year = world, DAY.year
    path = f"/volumes/village/{V4}/{year}/verify"
    before = await w.post(path, None, w.county())
    assert before.status_code == 200 and before.json()["ok"] is True, before.text
    listed = await w.get("/entries", w.county(), village_code=V4, kind="visit")
    visit = next(e for e in listed.json()["items"] if e["client_entry_id"] == "flow-visit")
    conn = await asyncpg.connect(devstack.dsn)
    try:
        async with conn.transaction():  # behind the service's back: the append-only trigger is bypassed
            await conn.execute("SET LOCAL session_replication_role = replica")
            changed = await conn.execute(
                "UPDATE ledger.events SET data = jsonb_set(data, '{summary}', '\"驻点坐班（篡改）\"')"
                " WHERE stream_id = $1 AND event_type = 'VisitLogged'",
                f"entry-{visit['entry_id']}",
            )
            assert changed == "UPDATE 1"
    finally:
        await conn.close()
    after = (await w.post(path, None, w.county())).json()
    assert after["ok"] is False
    assert after["first_mismatch"]["entry_id"] == visit["entry_id"]
    assert isinstance(after["first_mismatch"]["number"], int)
    assert visit["entry_id"] in after["message"] and "校验未通过" in after["message"]
    unit = (await w.post(f"/volumes/unit/{FIRM}/{year}/verify", None, w.unit(FIRM))).json()
    assert unit["ok"] is False and unit["first_mismatch"]["entry_id"] == visit["entry_id"]


async def test_assessment_and_reporting_follow_a_correction_across_quarters_and_a_void(world: World) -> None:
    w, me = world, world.advisor(LI, FIRM)
    year = LAST_YEAR
    body = {"village_code": V2, "started_at": f"{year}-03-31T20:00:00+08:00",
            "ended_at": f"{year}-03-31T23:00:00+08:00", "place": "村委会", "summary": "夜间坐班"}  # fmt: skip
    logged = await w.post("/visits", body, me)
    assert logged.status_code == 201, logged.text
    entry_id = logged.json()["entry_id"]
    county = w.county()

    async def hours() -> dict[str, float]:
        url = f"{w.stack.urls['assessment']}/villages/{V2}/quarter-hours"
        r = await w.http.get(url, params={"year": year}, headers=county)
        return {q["quarter"]: q["hours"] for q in r.json()["quarters"]}

    async def compliance(quarter: str) -> float:
        r = await w.http.get(f"{w.stack.urls['reporting']}/compliance", headers=county,
                             params={"division": V2, "quarter": quarter})  # fmt: skip
        return float(r.json()["items"][0]["hours"]) if r.json()["items"] else -1.0

    await eventually(lambda: _equals(hours, {f"{year}Q1": 3.0}), what="hours of the visit in Q1")
    april = {"started_at": f"{year}-04-01T09:00:00+08:00", "ended_at": f"{year}-04-01T12:00:00+08:00"}
    fix = {"changes": april, "reason": "日期记错"}
    assert (await w.post(f"/entries/{entry_id}/corrections", fix, me)).status_code == 201
    await eventually(lambda: _equals(hours, {f"{year}Q1": 0.0, f"{year}Q2": 3.0}), what="hours moved to Q2")
    assert await eventually(lambda: _is(compliance, f"{year}Q2", 3.0), what="compliance Q2")
    assert await compliance(f"{year}Q1") == 0.0
    assert (await w.post(f"/entries/{entry_id}/void", {"reason": "重复登记"}, me)).status_code == 201
    await eventually(lambda: _equals(hours, {f"{year}Q2": 0.0}), what="voided hours stop counting")
    assert await eventually(lambda: _is(compliance, f"{year}Q2", 0.0), what="compliance after the void")


async def _equals(read: Any, expected: dict[str, float]) -> bool:
    got = await read()
    return all(got.get(k) == v for k, v in expected.items())


async def _is(read: Any, quarter: str, expected: float) -> bool:
    return bool(await read(quarter) == expected)
