"""Volumes over HTTP (in-process app, real PostgreSQL and broker): numbering by occurrence with
corrections and voids in place, XLSX and printable exports with Chinese headings and the chain head,
and tamper evidence: `verify` names the entry whose stored event was altered behind the service's back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime
from io import BytesIO

import pytest
from ledger.cli import verify
from openpyxl import load_workbook
from test_ledger_harness import Cast, Ledger, ledger_service, set_the_scene
from vc_contracts import CST

YEAR = datetime.now(CST).year - 1  # a paper ledger of last year, logged late


def at(month: int, day: int, hour: int, minute: int = 0) -> str:
    return datetime(YEAR, month, day, hour, minute, tzinfo=CST).isoformat()


@pytest.fixture(scope="module")
async def scene(devstack) -> AsyncIterator[tuple[Ledger, Cast, dict[str, str]]]:  # type: ignore[no-untyped-def]
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        cast = await set_the_scene(ledger, date(YEAR, 1, 1))
        yield ledger, cast, await _log_the_year(ledger, cast)


async def _log_the_year(ledger: Ledger, cast: Cast) -> dict[str, str]:
    """Logged out of order (late logging): numbers follow occurrence, not logging."""
    v1 = cast.villages[0]
    me = ledger.headers("advisor", "621025", cast.advisor("li"), cast.firm)
    entries = [
        ("may", "/visits", {"started_at": at(5, 6, 9), "ended_at": at(5, 6, 12), "place": "村委会",
                            "summary": "坐班接待"}),
        ("march", "/visits", {"started_at": at(3, 31, 20), "ended_at": at(3, 31, 23), "place": "村委会",
                              "summary": "夜间调解"}),
        ("lecture", "/lectures", {"occurred_at": at(4, 2, 14), "topic": "民法典", "audience": 30}),
        ("wechat", "/consultations", {"occurred_at": at(4, 3, 20), "channel": "wechat", "category": "labour",
                                      "outcome": "resolved", "summary": "欠薪维权"}),
    ]  # fmt: skip
    ids = {}
    for name, path, body in entries:
        r = await ledger.http.post(path, json={"village_code": v1, **body}, headers=me)
        assert r.status_code == 201, r.text
        ids[name] = r.json()["entry_id"]
    committee = ledger.headers("village_committee", v1, "committee-v1")
    assert (
        await ledger.http.post(f"/entries/{ids['may']}/confirmation", headers=committee)
    ).status_code == 201
    fix = {"changes": {"started_at": at(4, 1, 9), "ended_at": at(4, 1, 12)}, "reason": "日期记错，应为4月1日"}
    assert (
        await ledger.http.post(f"/entries/{ids['march']}/corrections", json=fix, headers=me)
    ).status_code == 201
    void = {"reason": "重复登记"}
    assert (
        await ledger.http.post(f"/entries/{ids['wechat']}/void", json=void, headers=me)
    ).status_code == 201
    return ids


async def test_the_village_volume_numbers_by_occurrence_and_shows_changes_in_place(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast, ids = scene
    county = ledger.headers("county_admin", "621025")
    volume = (await ledger.http.get(f"/volumes/village/{cast.villages[0]}/{YEAR}", headers=county)).json()
    order = [e["entry_id"] for e in volume["entries"]]
    assert order == [ids["march"], ids["lecture"], ids["wechat"], ids["may"]]  # 4-1, 4-2, 4-3, 5-6
    assert [e["number"] for e in volume["entries"]] == [1, 2, 3, 4]
    by_id = {e["entry_id"]: e for e in volume["entries"]}
    assert any("日期记错" in n and "→" in n for n in by_id[ids["march"]]["notes"])
    assert by_id[ids["wechat"]]["status"] == "已作废" and by_id[ids["may"]]["status"] == "已确认"
    assert volume["title"].startswith("上川村") and by_id[ids["may"]]["advisor_name"] == "李川"
    assert volume["totals"]["visit_hours"] == 6.0 and volume["totals"]["voided"] == 1
    q2 = (await ledger.http.get(f"/volumes/village/{cast.villages[0]}/{YEAR}", headers=county,
                                params={"period": f"{YEAR}Q2"})).json()  # fmt: skip
    assert [e["number"] for e in q2["entries"]] == [1, 2, 3, 4]  # all in Q2 after the correction


async def test_the_xlsx_export_opens_with_chinese_headings_and_carries_the_chain_head(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast, _ = scene
    unit = ledger.headers("law_firm", "621025", "staff", cast.firm)
    r = await ledger.http.get(f"/volumes/unit/{cast.firm}/{YEAR}/export.xlsx", headers=unit,
                              params={"period": f"{YEAR}H1"})  # fmt: skip
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    rows = [list(row) for row in load_workbook(BytesIO(r.content)).active.iter_rows(values_only=True)]
    assert "甘肃川源律师事务所" in rows[0][0]
    assert r.headers["x-chain-head"] in rows[2][0] and "防篡改链头" in rows[2][0]
    headings = next(row for row in rows if row[0] == "序号")
    assert headings == [
        "序号", "类型", "日期", "开始时间", "结束时间", "时长（小时）", "村（社区）",
        "法律顾问", "服务单位", "工作内容", "备注", "状态", "确认、更正、作废记录", "记录编号",
    ]  # fmt: skip
    kinds = [row[1] for row in rows[rows.index(headings) + 1 :] if row and isinstance(row[0], int)]
    assert kinds == ["驻点服务", "法治讲座", "法律咨询", "驻点服务"]
    page = await ledger.http.get(f"/volumes/unit/{cast.firm}/{YEAR}/export.html", headers=unit)
    assert "<th>确认、更正、作废记录</th>" in page.text and r.headers["x-chain-head"] in page.text


async def test_verify_passes_then_names_the_entry_altered_behind_the_services_back(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast, ids = scene
    committee = ledger.headers("village_committee", cast.villages[0], "committee-v1")
    path = f"/volumes/village/{cast.villages[0]}/{YEAR}/verify"
    before = (await ledger.http.post(path, headers=committee)).json()
    assert (
        before["ok"] is True and before["length"] == 7 and before["computed_head"] == before["recorded_head"]
    )
    async with ledger.pool.acquire() as conn, conn.transaction():
        await conn.execute("ALTER TABLE ledger.events DISABLE TRIGGER events_append_only")
        changed = await conn.execute(
            "UPDATE ledger.events SET data = jsonb_set(data, '{audience}', '300')"
            " WHERE stream_id = $1 AND event_type = 'LectureHeld'",
            f"entry-{ids['lecture']}",
        )
        await conn.execute("ALTER TABLE ledger.events ENABLE TRIGGER events_append_only")
    assert changed == "UPDATE 1"
    after = (await ledger.http.post(path, headers=committee)).json()
    assert after["ok"] is False
    assert after["first_mismatch"]["entry_id"] == ids["lecture"] and after["first_mismatch"]["number"] == 2
    assert after["first_mismatch"]["event_type"] == "LectureHeld"
    assert f"第 2 号记录 {ids['lecture']}" in after["message"]
    assert await verify(ledger.dsn, "village", cast.villages[0], YEAR) == 1  # the operator's command agrees


async def test_an_entry_keeps_its_first_data_as_original_through_corrections_without_a_copy(scene) -> None:  # type: ignore[no-untyped-def]
    """`original` is the data as first logged: stored only from the first correction on (NULL
    before: no second copy of every row), kept by later corrections, shown the same either way."""
    ledger, cast, _ = scene
    me = ledger.headers("advisor", "621025", cast.advisor("li"), cast.firm)
    first = {"village_code": cast.villages[1], "started_at": at(6, 1, 9), "ended_at": at(6, 1, 11),
             "place": "村委会", "summary": "坐班接待"}  # fmt: skip
    r = await ledger.http.post("/visits", json=first, headers=me)
    assert r.status_code == 201, r.text
    entry_id = r.json()["entry_id"]

    async def stored() -> tuple[str | None, dict, dict]:  # type: ignore[type-arg]
        raw = await ledger.pool.fetchval(
            "SELECT original::text FROM ledger.entries WHERE entry_id = $1", entry_id
        )
        shown = (await ledger.http.get(f"/entries/{entry_id}", headers=me)).json()
        return raw, shown["original"], shown["data"]

    raw, original, data = await stored()
    assert raw is None and original == data and original["summary"] == "坐班接待"
    for summary, reason in (("坐班接待并调解", "补充内容"), ("坐班调解", "再次更正")):
        fix = {"changes": {"summary": summary}, "reason": reason}
        r = await ledger.http.post(f"/entries/{entry_id}/corrections", json=fix, headers=me)
        assert r.status_code == 201, r.text
        raw, original, data = await stored()
        assert raw is not None and original["summary"] == "坐班接待" and data["summary"] == summary
