"""The registry's API against the real services: commands appear on the cards, retries append
nothing, and every kind of bad input is refused with the field and the reason, changing nothing."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
import pytest
from support.waiting import eventually
from test_registry_helpers import (
    COUNTY,
    OTHER_COUNTY,
    Api,
    advisor_body,
    days_ago,
    event_count,
    register_divisions,
    unit_body,
)

TOWN, V1, V2, V3 = "621025301000", "621025301201", "621025301202", "621025301203"
OTHER_TOWN, OTHER_VILLAGE = "621026301000", "621026301201"


@dataclass
class World:
    county: Api
    province: Api
    other: Api
    advisor: Api
    dsn: str
    stack: Any


@pytest.fixture(scope="module")
async def world(stack: Any, devstack: Any) -> AsyncIterator[World]:
    async with httpx.AsyncClient(timeout=15, trust_env=False) as http:
        url = stack.urls["registry"]
        w = World(
            Api(http, url, stack.headers("county_admin", COUNTY, "api-county-admin")),
            Api(http, url, stack.headers("province_admin", "620000", "api-province-admin")),
            Api(http, url, stack.headers("county_admin", OTHER_COUNTY, "api-other-admin")),
            Api(http, url, stack.headers("advisor", COUNTY, "A-api-3", "U-api-firm")),
            devstack.dsn,
            stack,
        )
        await register_divisions(
            w.county,
            w.province,
            [
                (TOWN, "测试镇", "township"),
                (V1, "一村", "village"),
                (V2, "二村", "village"),
                (V3, "三社区", "community"),
                (OTHER_TOWN, "外县镇", "township"),
                (OTHER_VILLAGE, "外县村", "village"),
            ],
        )
        await w.county.ok("/units", unit_body("U-api-firm", COUNTY, 101))
        await w.other.ok("/units", unit_body("U-api-other", OTHER_COUNTY, 102))
        for n in (1, 2, 3):
            await w.county.ok("/advisors", advisor_body(f"A-api-{n}", "U-api-firm", 100 + n))
        await w.other.ok("/advisors", advisor_body("A-api-other", "U-api-other", 109))
        await w.county.ok(
            "/assignments",
            {"village_code": V2, "advisor_id": "A-api-3", "valid_from": days_ago(30), "schedule": "周二"},
        )
        await w.other.ok(
            "/assignments",
            {
                "village_code": OTHER_VILLAGE,
                "advisor_id": "A-api-other",
                "valid_from": days_ago(30),
                "schedule": "周四",
            },
        )
        await w.other.ok(
            "/agreements", _agreement("AG-api-other", "U-api-other", OTHER_VILLAGE, ["A-api-other"])
        )
        await w.county.ok("/agreements", _agreement("AG-api-2", "U-api-firm", V2, ["A-api-3"]))
        yield w


def _agreement(agreement_id: str, unit: str, village: str, advisors: list[str]) -> dict[str, Any]:
    return {
        "agreement_id": agreement_id,
        "unit_id": unit,
        "village_code": village,
        "advisor_ids": advisors,
        "term_start": days_ago(100),
        "term_end": days_ago(-265),
        "signed_on": days_ago(95),
    }


async def test_commands_show_on_the_village_and_advisor_cards(world: World) -> None:
    api = world.county
    await api.ok(
        "/assignments",
        {
            "village_code": V1,
            "advisor_id": "A-api-1",
            "valid_from": days_ago(200),
            "schedule": "每周三 9:00-12:00",
        },
    )
    await api.ok(f"/villages/{V1}/notice-board", {"advisor_id": "A-api-1", "posted_on": days_ago(190)})
    await api.ok(
        "/assignments",
        {
            "village_code": V1,
            "advisor_id": "A-api-2",
            "valid_from": days_ago(100),
            "schedule": "每周五 14:30-17:30",
        },
    )
    await api.ok("/advisors/A-api-1/status", {"status": "left", "changed_on": days_ago(99), "reason": "调离"})
    await api.ok("/agreements", _agreement("AG-api-1", "U-api-firm", V1, ["A-api-2"]))
    await api.ok(
        "/agreements/AG-api-1/filing",
        {"filing_no": "正司备〔测〕1号", "filed_on": days_ago(90), "signed_and_stamped": True},
    )
    group = {
        "advisor_id": "A-api-2",
        "name": "一村法律服务群",
        "member_count": 50,
        "established_on": days_ago(80),
    }
    await api.ok(f"/villages/{V1}/service-group", group)
    await api.ok(f"/villages/{V1}/service-group/counts", {"member_count": 80, "counted_on": days_ago(10)})

    async def card() -> dict[str, Any] | None:
        body = (await api.get(f"/villages/{V1}")).json()
        group = body.get("service_group")
        done = group and len(group["member_counts"]) == 2 and body["agreements"] and body["notice_board"]
        return body if done and body["agreements"][0]["filed_on"] else None

    village = await eventually(card, what="village card complete")
    assert village["village"]["township_name"] == "测试镇"
    assert village["current_advisor"]["advisor_id"] == "A-api-2"
    assert village["current_advisor"]["schedule"] == "每周五 14:30-17:30"
    assert village["agreements"][0]["filing_status"] == "on_time"
    board = village["notice_board"]
    assert board["advisor_id"] == "A-api-1" and board["stale"] is True
    assert board["stale_reasons"] == ["former_advisor"] and board["stale_note"] == "公示栏仍显示原法律顾问"
    assert [c["member_count"] for c in village["service_group"]["member_counts"]] == [50, 80]

    for day, advisor in [(days_ago(300), None), (days_ago(150), "A-api-1"), (days_ago(50), "A-api-2")]:
        history = (await api.get(f"/villages/{V1}/assignments", as_of=day)).json()
        assert (history["serving"] or {}).get("advisor_id") == advisor, day
    advisor = (await api.get("/advisors/A-api-1")).json()
    assert advisor["advisor"]["status"] == "left" and advisor["villages_served"] == []
    assert [(h["village_code"], h["valid_to"]) for h in advisor["history"]] == [(V1, days_ago(101))]
    assert advisor["status_history"][0]["reason"] == "调离"


async def test_a_retry_with_the_same_idempotency_key_appends_nothing(world: World) -> None:
    body = {"village_code": V3, "advisor_id": "A-api-3", "valid_from": days_ago(20), "schedule": "周一"}
    first = await world.county.post("/assignments", body, key="retry-assign-v3")
    assert first.status_code == 201, first.text
    before = await event_count(world.dsn)
    again = await world.county.post("/assignments", body, key="retry-assign-v3")
    assert again.status_code == 201 and again.content == first.content  # the same ids, byte for byte
    assert again.headers["Idempotency-Replayed"] == "true"
    assert await event_count(world.dsn) == before


def _assign(village: str, advisor: str, valid_from: str) -> dict[str, Any]:
    return {"village_code": village, "advisor_id": advisor, "valid_from": valid_from, "schedule": "周三"}


LICENSED = {**advisor_body("A-api-bad", "U-api-firm", 150)}


def bad(case: str, request: str, body: Any, expected: str, who: str = "county") -> Any:
    """One refused request: "METHOD /path", body, and "status code field" of the expected error."""
    method, path = request.split(" ", 1)
    status, code, field = expected.split(" ")
    return pytest.param(
        who, method, path, body, int(status), code, None if field == "None" else field, id=case
    )


BAD_INPUT = [
    bad(
        "malformed-division-code",
        "POST /divisions",
        {"code": "62102", "name": "坏", "level": "county", "parent_code": "621000"},
        "422 validation_failed code",
    ),
    bad(
        "code-shape-contradicts-level",
        "POST /divisions",
        {"code": "621025301209", "name": "某镇", "level": "township", "parent_code": COUNTY},
        "422 rule_violated level",
    ),
    bad(
        "unknown-village",
        "POST /assignments",
        _assign("621025301299", "A-api-3", days_ago(5)),
        "422 rule_violated village_code",
    ),
    bad(
        "advisor-from-unit-out-of-scope",
        "POST /assignments",
        _assign(V3, "A-api-other", days_ago(5)),
        "422 rule_violated advisor_id",
    ),
    bad(
        "overlapping-assignment",
        "POST /assignments",
        _assign(V2, "A-api-2", days_ago(60)),
        "409 conflict valid_from",
    ),
    bad(
        "filing-an-unsigned-agreement",
        "POST /agreements/AG-never-signed/filing",
        {"filing_no": "X", "filed_on": days_ago(1), "signed_and_stamped": True},
        "422 rule_violated agreement_id",
    ),
    bad(
        "term-dates-in-wrong-order",
        "POST /agreements",
        {**_agreement("AG-api-bad", "U-api-firm", V2, ["A-api-3"]), "term_end": days_ago(200)},
        "422 rule_violated term_end",
    ),
    bad(
        "agreement-names-advisor-of-another-unit",
        "POST /agreements",
        _agreement("AG-api-bad", "U-api-firm", V2, ["A-api-other"]),
        "422 rule_violated advisor_id",
    ),
    bad(
        "assignment-ends-before-it-starts",
        f"POST /villages/{V2}/assignment/end",
        {"valid_to": days_ago(40), "reason": "离任"},
        "422 rule_violated valid_to",
    ),
    bad(
        "malformed-licence",
        "POST /advisors",
        {**LICENSED, "licence_no": "1621-ABC"},
        "422 validation_failed licence_no",
    ),
    bad(
        "lawyer-without-licence",
        "POST /advisors",
        {**LICENSED, "licence_no": None},
        "422 validation_failed licence_no",
    ),
    bad(
        "malformed-phone",
        "POST /advisors",
        {**LICENSED, "phone": "12345"},
        "422 validation_failed phone",
    ),
    bad(
        "board-for-advisor-not-serving",
        f"POST /villages/{V2}/notice-board",
        {"advisor_id": "A-api-2", "posted_on": days_ago(1)},
        "422 rule_violated advisor_id",
    ),
    bad(
        "count-without-group",
        f"POST /villages/{V2}/service-group/counts",
        {"member_count": 5, "counted_on": days_ago(1)},
        "422 rule_violated village_code",
    ),
    bad(
        "negative-member-count",
        f"POST /villages/{V2}/service-group",
        {"advisor_id": "A-api-3", "name": "群", "member_count": -1, "established_on": days_ago(1)},
        "422 validation_failed member_count",
    ),
    bad(
        "division-in-other-county",
        "POST /divisions",
        {"code": "621026301202", "name": "外县二村", "level": "village", "parent_code": OTHER_TOWN},
        "403 forbidden code",
    ),
    bad(
        "assign-in-other-county",
        "POST /assignments",
        _assign(OTHER_VILLAGE, "A-api-3", days_ago(5)),
        "403 forbidden village_code",
    ),
    bad(
        "file-other-countys-agreement",
        "POST /agreements/AG-api-other/filing",
        {"filing_no": "X", "filed_on": days_ago(1), "signed_and_stamped": True},
        "403 forbidden agreement_id",
    ),
    bad(
        "status-of-other-countys-advisor",
        "POST /advisors/A-api-other/status",
        {"status": "left", "changed_on": days_ago(1), "reason": "x"},
        "403 forbidden advisor_id",
    ),
    bad(
        "unit-in-other-county",
        "POST /units",
        unit_body("U-api-sneaky", OTHER_COUNTY, 103),
        "403 forbidden division_code",
    ),
    bad(
        "filed-in-the-future",
        "POST /agreements/AG-api-2/filing",
        {"filing_no": "X", "filed_on": days_ago(-5), "signed_and_stamped": True},
        "422 rule_violated filed_on",
    ),
    bad(
        "renewal-shortens-the-term",
        "POST /agreements/AG-api-2/renewal",
        {"new_term_end": days_ago(10), "renewed_on": days_ago(1)},
        "422 rule_violated new_term_end",
    ),
    bad(
        "terminated-before-signed",
        "POST /agreements/AG-api-2/termination",
        {"terminated_on": days_ago(200), "reason": "x"},
        "422 rule_violated terminated_on",
    ),
    bad(
        "status-unchanged",
        "POST /advisors/A-api-3/status",
        {"status": "active", "changed_on": days_ago(1), "reason": "x"},
        "409 conflict status",
    ),
    bad(
        "advisor-role-cannot-assign",
        "POST /assignments",
        _assign(V3, "A-api-3", days_ago(5)),
        "403 forbidden role",
        who="advisor",
    ),
    bad("read-other-countys-village", f"GET /villages/{OTHER_VILLAGE}", None, "403 forbidden code"),
    bad("read-other-countys-advisor", "GET /advisors/A-api-other", None, "403 forbidden advisor_id"),
    bad("coverage-of-other-county", f"GET /coverage?county={OTHER_COUNTY}", None, "403 forbidden county"),
    bad("malformed-county-filter", "GET /coverage?county=6210", None, "422 validation_failed county"),
    bad("malformed-village-path", "GET /villages/62102530120", None, "422 validation_failed code"),
    bad(
        "other-county-posts-our-board",
        f"POST /villages/{V1}/notice-board",
        {"advisor_id": "A-api-2", "posted_on": days_ago(1)},
        "403 forbidden village_code",
        who="other",
    ),
]


@pytest.mark.parametrize(
    ("who", "method", "path", "body", "status", "code", "field"),
    BAD_INPUT,
)
async def test_bad_input_is_refused_with_field_and_reason_and_changes_nothing(
    world: World, who: str, method: str, path: str, body: Any, status: int, code: str, field: str | None
) -> None:
    api: Api = getattr(world, who)
    before = await event_count(world.dsn)
    if method == "POST":
        response = await api.post(path, body)
    else:
        response = await api.http.get(f"{api.url}{path}", headers=api.headers)
    assert response.status_code == status, response.text
    error = response.json()
    assert (error["code"], error["field"]) == (code, field), error
    assert error["message"] and error["correlation_id"]
    assert field is None or any(e["field"] == field and e["reason"] for e in error["errors"]), error
    assert all(re.search("[\u4e00-\u9fff]", e["reason"]) for e in error["errors"]), "reasons in Chinese"
    assert await event_count(world.dsn) == before


async def test_a_request_without_a_token_is_refused(world: World) -> None:
    response = await world.county.http.get(f"{world.county.url}/coverage")
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


async def _roster(api: Api, **params: Any) -> httpx.Response:
    return await api.get("/advisors", page_size=500, **params)


async def test_a_filter_outside_the_callers_scope_is_403_naming_it(world: World) -> None:
    firm = Api(
        world.county.http, world.county.url, world.stack.headers("law_firm", COUNTY, "staff", "U-api-firm")
    )

    async def other_unit_known() -> bool:
        rows = (await _roster(world.other, unit_id="U-api-other")).json().get("items", [])
        return bool(rows)

    await eventually(other_unit_known, what="the other county's unit in the read model")
    cases = [
        (firm, "/advisors", {"unit_id": "U-api-other"}, "unit_id"),  # another firm: not swapped for its own
        (firm, "/advisors", {"unit_id": "U-api-firm-2"}, "unit_id"),
        (world.county, "/advisors", {"unit_id": "U-api-other"}, "unit_id"),  # a unit of another county
        (world.county, "/advisors", {"county": OTHER_COUNTY}, "county"),
        (world.county, "/units", {"county": OTHER_COUNTY}, "county"),
        (world.county, "/coverage", {"county": OTHER_COUNTY}, "county"),
        (world.county, "/filings", {"county": OTHER_COUNTY}, "county"),
        (world.county, "/notice-boards", {"county": OTHER_COUNTY}, "county"),
        (world.county, "/divisions", {"parent_code": OTHER_TOWN}, "parent_code"),
        (world.county, "/coverage", {"township": OTHER_TOWN}, "township"),
        (firm, "/units", {"county": OTHER_COUNTY}, "county"),
    ]
    for api, path, params, field in cases:
        response = await api.get(path, **params)
        assert response.status_code == 403, f"{path} {params}: {response.status_code} {response.text}"
        assert response.json()["field"] == field
    own = await firm.get("/advisors", unit_id="U-api-firm")
    assert own.status_code == 200
    assert {a["unit_id"] for a in own.json()["items"]} == {"U-api-firm"}
    ancestors = await world.county.get("/divisions", parent_code="621000")  # the county's own city
    assert ancestors.status_code == 200


async def test_a_name_search_takes_percent_and_underscore_literally(world: World) -> None:
    async def listed() -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = (await _roster(world.county, name="测试顾问10")).json()["items"]
        return rows if {r["advisor_id"] for r in rows} >= {"A-api-1", "A-api-2", "A-api-3"} else []

    await eventually(listed, what="the county's advisors in the roster")
    for pattern in ("%", "_", "测试顾问%", "测试顾问1_1", "%%", "\\"):
        response = await _roster(world.county, name=pattern)
        assert response.status_code == 200, response.text
        assert response.json()["items"] == [], pattern


async def test_a_token_whose_scope_is_a_pattern_or_a_prefix_is_401(world: World) -> None:
    for scope in ("62", "%", "", "6210_5", "621025 "):
        token = jwt.encode(
            {"sub": "probe", "role": "county_admin", "scope": scope, "iss": "villagecounsel-dev",
             "iat": int(time.time()), "exp": int(time.time()) + 300},
            world.stack.secret, algorithm="HS256",
        )  # fmt: skip
        response = await world.county.http.get(
            f"{world.county.url}/advisors", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 401, f"{scope!r}: {response.text}"
        assert response.json()["field"] == "scope"


async def test_an_overlapping_assignment_names_the_serving_advisor_by_name(world: World) -> None:
    response = await world.county.post("/assignments", _assign(V2, "A-api-2", days_ago(60)))
    assert response.status_code == 409, response.text
    assert re.search(r"已由顾问 [^\sA-Z（]+（A-api-\d+） 负责", response.json()["message"]), response.text
