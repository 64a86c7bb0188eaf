"""The gap views over the API: villages without an advisor (now and on a past day), late and missing
agreement filings per year under the 03-31 +08:00 deadline, and stale notice boards; all scoped."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from support.waiting import eventually
from test_registry_helpers import (
    COUNTY,
    OTHER_COUNTY,
    Api,
    advisor_body,
    days_ago,
    register_divisions,
    unit_body,
)

TOWN = "621025304000"
W1, W2, W3, W4 = (f"{TOWN[:9]}{n}" for n in ("201", "202", "203", "001"))


@pytest.fixture(scope="module")
async def views(stack: Any) -> AsyncIterator[tuple[Api, Api]]:
    async with httpx.AsyncClient(timeout=15, trust_env=False) as http:
        url = stack.urls["registry"]
        api = Api(http, url, stack.headers("county_admin", COUNTY, "views-county-admin"))
        province = Api(http, url, stack.headers("province_admin", "620000", "views-province"))
        other = Api(http, url, stack.headers("county_admin", OTHER_COUNTY, "views-other-admin"))
        villages = [(W1, "视图一村", "village"), (W2, "视图二村", "village"), (W3, "视图三村", "village")]
        await register_divisions(
            api, province, [(TOWN, "视图镇", "township"), *villages, (W4, "视图社区", "community")]
        )
        await _world(api)
        yield api, other


async def _world(api: Api) -> None:
    await api.ok("/units", unit_body("U-views-firm", COUNTY, 201))
    for n in (1, 2, 3):
        await api.ok("/advisors", advisor_body(f"A-views-{n}", "U-views-firm", 200 + n))
    for village, advisor, since, schedule in [
        (W1, "A-views-1", days_ago(300), "每周一"),
        (W3, "A-views-2", days_ago(300), "每周二"),
        (W4, "A-views-3", days_ago(100), "每周三"),
    ]:
        body = {"village_code": village, "advisor_id": advisor, "valid_from": since, "schedule": schedule}
        await api.ok("/assignments", body)
    await api.ok(
        "/advisors/A-views-2/status", {"status": "suspended", "changed_on": days_ago(50), "reason": "停职"}
    )
    await api.ok(f"/villages/{W1}/notice-board", {"advisor_id": "A-views-1", "posted_on": days_ago(250)})
    await api.ok(f"/villages/{W4}/notice-board", {"advisor_id": "A-views-3", "posted_on": days_ago(90)})
    await api.ok("/assignments", {"village_code": W4, "advisor_id": "A-views-3", "valid_from": days_ago(10),
                                  "schedule": "每周四 9:00-11:00", "reason": "驻点时间调整"})  # fmt: skip
    for n, (village, signed_on, filed_on, stamped) in enumerate(
        [
            # a filing day given as an instant is its China Standard Time day, not truncated
            (W1, "2024-01-10", "2024-03-31T15:59:59Z", True),  # 23:59:59 in Beijing: on time
            (W2, "2024-01-10", "2024-03-31T20:00:00-04:00", True),  # 2024-04-01 08:00 in Beijing: late
            (W3, "2024-01-10", None, True),
            (W4, "2024-01-10", "2024-03-01", False),
            (W1, "2024-06-01", None, True),
        ],
        start=1,
    ):
        body = {"agreement_id": f"AG-v-{n}", "unit_id": "U-views-firm", "village_code": village,
                "advisor_ids": ["A-views-1"], "term_start": "2024-01-01", "term_end": "2024-12-31",
                "signed_on": signed_on}  # fmt: skip
        await api.ok("/agreements", body)
        if filed_on:
            filing = {"filing_no": f"视备〔2024〕{n}号", "filed_on": filed_on, "signed_and_stamped": stamped}
            await api.ok(f"/agreements/AG-v-{n}/filing", filing)


async def _ours(api: Api, path: str, key: str, **params: Any) -> list[dict[str, Any]]:
    response = await api.get(path, page_size=500, **params)
    assert response.status_code == 200, response.text
    return [item for item in response.json()["items"] if str(item[key]).startswith(TOWN[:9]) or
            str(item[key]).startswith("AG-v-")]  # fmt: skip


async def test_coverage_lists_villages_without_an_active_advisor_now_and_on_a_past_day(
    views: tuple[Api, Api],
) -> None:
    api, _ = views

    async def gaps_now() -> list[tuple[str, str]] | None:
        rows = await _ours(api, "/coverage", "village_code", county=COUNTY, township=TOWN)
        found = [(r["village_code"], r["gap"]) for r in rows]
        return found if (W3, "advisor_inactive") in found else None

    assert await eventually(gaps_now, what="coverage now") == [(W2, "no_advisor"), (W3, "advisor_inactive")]
    past = await api.get("/coverage", township=TOWN, as_of=days_ago(200))
    assert [(r["village_code"], r["gap"]) for r in past.json()["items"]] == [
        (W4, "no_advisor"),
        (W2, "no_advisor"),
    ]
    assert (past.json()["villages"], past.json()["covered"]) == (4, 2)
    only = await api.get("/coverage", township=TOWN, gap="advisor_inactive")
    assert [r["village_code"] for r in only.json()["items"]] == [W3]
    assert only.json()["items"][0]["gap_note"] == "顾问已暂停或离任"


async def test_filing_status_per_year_shows_late_missing_and_unstamped_filings(
    views: tuple[Api, Api],
) -> None:
    api, _ = views

    async def statuses(year: int = 2024, **params: Any) -> dict[str, str]:
        rows = await _ours(api, "/filings", "agreement_id", county=COUNTY, year=year, **params)
        return {r["agreement_id"]: r["filing_status"] for r in rows}

    expected = {"AG-v-1": "on_time", "AG-v-2": "late", "AG-v-3": "missing", "AG-v-4": "unstamped"}

    async def settled() -> dict[str, str] | None:
        found = await statuses()
        return found if found == expected else None

    assert await eventually(settled, what="filings settled") == expected  # AG-v-5 is due in 2025
    assert await statuses(status=["late", "missing"]) == {"AG-v-2": "late", "AG-v-3": "missing"}
    stricter = await statuses(deadline="03-15")
    assert stricter["AG-v-1"] == "late" and stricter["AG-v-4"] == "unstamped"
    assert (await statuses(as_of="2024-03-31"))["AG-v-3"] == "pending"

    async def next_year() -> dict[str, str] | None:  # AG-v-5 was written last: it may still be in flight
        return await statuses(year=2025) or None

    assert await eventually(next_year, what="2025 filings") == {"AG-v-5": "missing"}
    page = (await api.get("/filings", county=COUNTY, year=2024, page_size=1)).json()
    assert len(page["items"]) == 1 and page["total"] >= 4 and page["deadline"] == "2024-03-31"
    assert page["summary"]["late"] >= 1


async def test_a_board_showing_an_outdated_schedule_is_listed_as_stale(views: tuple[Api, Api]) -> None:
    api, _ = views

    async def stale() -> list[dict[str, Any]] | None:
        rows = await _ours(api, "/notice-boards", "village_code", county=COUNTY, stale="true")
        return rows or None

    rows = await eventually(stale, what="stale board")
    assert [(r["village_code"], r["stale_reasons"]) for r in rows] == [(W4, ["schedule_changed"])]
    fresh = await _ours(api, "/notice-boards", "village_code", county=COUNTY, stale="false")
    assert [r["village_code"] for r in fresh] == [W1]


async def test_another_county_sees_none_of_it(views: tuple[Api, Api]) -> None:
    api, other = views
    await eventually(lambda: _ours(api, "/coverage", "village_code", township=TOWN), what="coverage")
    assert await _ours(other, "/coverage", "village_code") == []
    assert await _ours(other, "/filings", "agreement_id", year=2024) == []
    assert await _ours(other, "/notice-boards", "village_code") == []
    assert await _ours(other, "/advisors", "advisor_id") == []
    refused = await other.get("/filings", county=COUNTY, year=2024)
    assert refused.status_code == 403 and refused.json()["field"] == "county"
