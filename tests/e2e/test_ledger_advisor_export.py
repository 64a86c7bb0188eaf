"""An advisor's work of a period as XLSX, over HTTP against the services as real processes: the
entries across the villages served, numbered in their village's volume, and every volume they sit
in with its chain head and verification result; who may export it and who is refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime
from io import BytesIO
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from test_ledger_support import FIRM, LAST_YEAR, LI, OFFICE, V1, V2, WANG, World, at, ensure_world

PERIOD = f"{LAST_YEAR}Q2"
PATH = f"/advisors/{LI}/export.xlsx"


@pytest.fixture(scope="module")
async def world(stack) -> AsyncIterator[World]:  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(timeout=30, trust_env=False) as http:
        w = World(http, stack)
        await ensure_world(w)
        me = w.advisor(LI, FIRM)
        day = date(LAST_YEAR, 5, 13)
        visit = {"village_code": V1, "started_at": at(day, 9), "ended_at": at(day, 11, 30), "place": "村委会",
                 "summary": "驻点坐班", "client_entry_id": "advisor-export-visit"}  # fmt: skip
        wechat = {"village_code": V2, "occurred_at": at(day, 20), "channel": "wechat", "category": "land",
                  "outcome": "resolved", "summary": "微信群答复土地承包问题",
                  "client_entry_id": "advisor-export-wechat"}  # fmt: skip
        outside = {"village_code": V2, "occurred_at": at(date(LAST_YEAR, 7, 2), 10), "topic": "普法",
                   "audience": 20, "client_entry_id": "advisor-export-q3"}  # fmt: skip
        for path, body in [("/visits", visit), ("/consultations", wechat), ("/lectures", outside)]:
            r = await w.post(path, body, me)
            assert r.status_code in (200, 201), r.text
        yield w


def _sheets(content: bytes) -> tuple[list[list[Any]], list[list[Any]]]:
    book = load_workbook(BytesIO(content))
    assert book.sheetnames == ["工作记录", "卷册校验"]
    return [[list(row) for row in book[name].iter_rows(values_only=True)] for name in book.sheetnames]  # type: ignore[return-value]


async def test_the_county_exports_an_advisors_quarter_across_villages_with_each_volume_verified(
    world: World,
) -> None:
    r = await world.get(PATH, world.county(), period=PERIOD)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in r.headers["content-disposition"] and r.headers["X-Volumes-Verified"] == "true"
    work, checks = _sheets(r.content)
    assert "李台账" in work[0][0] and f"{LAST_YEAR} 年第二季度" in work[0][0]
    headings = next(row for row in work if row[0] == "卷内序号")
    table = work[work.index(headings) + 1 :]
    rows = [dict(zip(headings, row, strict=True)) for row in table if isinstance(row[0], int)]
    ids = {row["记录编号"] for row in rows}
    by_village = {row["村（社区）"]: row for row in rows}
    assert {"东台村", "西台村"} <= set(by_village)  # across the villages served
    assert not any(row["日期"].month == 7 for row in rows)  # Q3 is left out (dates are date cells)
    started = by_village["东台村"]["开始时间"]  # a Beijing-time date cell, naive as Excel holds it
    assert isinstance(started, datetime) and started.tzinfo is None
    assert (started.hour, started.minute) == (9, 0)
    assert by_village["东台村"]["时长（小时）"] == 2.5
    assert by_village["东台村"]["服务单位"] == "甘肃台账律师事务所"
    # the number is the entry's number in its village's volume
    v1 = (await world.get(f"/volumes/village/{V1}/{LAST_YEAR}", world.county())).json()
    numbers = {e["entry_id"]: e["number"] for e in v1["entries"]}
    visit_id = by_village["东台村"]["记录编号"]
    assert by_village["东台村"]["卷内序号"] == numbers[visit_id]

    volumes = {row[0]: row for row in checks if str(row[0]).startswith(("village:", "unit:"))}
    expected = {f"village:{V1}:{LAST_YEAR}", f"village:{V2}:{LAST_YEAR}", f"unit:{FIRM}:{LAST_YEAR}"}
    assert set(volumes) == expected
    assert volumes[f"village:{V1}:{LAST_YEAR}"][4] == v1["chain"]["head"]
    assert all(row[5] == "通过" and len(row[4]) == 64 for row in volumes.values())
    assert volumes[f"unit:{FIRM}:{LAST_YEAR}"][2] == "甘肃台账律师事务所"
    assert len(ids) == len(rows)


async def test_the_advisor_and_their_unit_may_export_it(world: World) -> None:
    for who in (world.advisor(LI, FIRM), world.unit(FIRM)):
        r = await world.get(PATH, who, period=f"{LAST_YEAR}H1")
        assert r.status_code == 200, r.text
        assert any(row[0] == "卷内序号" for row in _sheets(r.content)[0])


@pytest.mark.parametrize(
    "who",
    ["another advisor", "another unit", "a village committee", "another county"],
)
async def test_out_of_scope_is_refused_with_403_naming_the_advisor(world: World, who: str) -> None:
    headers = {
        "another advisor": world.advisor(WANG, FIRM),
        "another unit": world.unit(OFFICE),
        "a village committee": world.committee(V1),
        "another county": world.county("621026"),
    }[who]
    r = await world.get(PATH, headers, period=PERIOD)
    assert r.status_code == 403, r.text
    body = r.json()
    # a committee's role reads no advisor's work at all (eventkit.reads): the refusal names the role
    field = "role" if who == "a village committee" else "advisor_id"
    assert body["code"] == "forbidden" and body["field"] == field and body["correlation_id"]


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({}, 422, "validation_failed"),  # the period is required
        ({"period": f"{LAST_YEAR}Q5"}, 422, "validation_failed"),
        ({"period": "1999"}, 422, "validation_failed"),
    ],
)
async def test_a_missing_or_malformed_period_is_422(
    world: World, params: dict[str, str], status: int, code: str
) -> None:
    r = await world.get(PATH, world.county(), **params)
    assert (r.status_code, r.json()["code"]) == (status, code)
    assert r.json()["field"].endswith("period")


async def test_an_unknown_advisor_is_404(world: World) -> None:
    r = await world.get("/advisors/A-nobody/export.xlsx", world.county(), period=PERIOD)
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (404, "not_found", "advisor_id")
