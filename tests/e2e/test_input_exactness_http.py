"""The tester's HTTP examples of session 22, on the four services: a period not begun in the ledger,
a JWS `crit` header, URL bytes that are no UTF-8, another script's digits in a page number, and a
visit of half a second. Each was answered 200/201/404 before; now a 4xx in the documented format.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import jwt
import pytest
from devstack.pytest_plugin import DevStack
from support.fuzzing import COUNTY, SERVICES, Started, four_services, refusal

pytestmark = [pytest.mark.timeout(300)]

VILLAGE = f"{COUNTY}100200"


@pytest.fixture(scope="module")
async def apps(devstack: DevStack) -> AsyncIterator[dict[str, Started]]:
    async with four_services(devstack.dsn, devstack.bootstrap) as started:
        yield started


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (f"/volumes/village/{VILLAGE}/2027", "year"),
        (f"/volumes/village/{VILLAGE}/2100", "year"),
        (f"/volumes/village/{VILLAGE}/2026?period=2027Q1", "period"),
        (f"/volumes/village/{VILLAGE}/2027/export.xlsx", "year"),
        (f"/volumes/village/{VILLAGE}/2027/export.json", "year"),
        ("/advisors/A-zhengda-3/export.xlsx?period=2027Q1", "period"),
        ("/entries?period=2027Q1", "period"),
        ("/entries?period=2027", "period"),
        ("/typical-cases?year=2099", "year"),  # an empty list before
        ("/typical-cases?year=2027", "year"),
    ],
)
async def test_a_ledger_period_not_begun_is_422_as_in_reporting(
    apps: dict[str, Started], path: str, field: str
) -> None:
    svc = apps["ledger"]
    body = refusal(await svc.http.get(path, headers=svc.headers("county_admin")), 422)
    assert body["code"] == "rule_violated"
    assert body["field"] == field
    assert "尚未开始" in body["message"]


async def test_the_current_years_volume_is_still_answered(apps: dict[str, Started]) -> None:
    svc = apps["ledger"]
    year = time.gmtime(time.time() + 8 * 3600).tm_year
    response = await svc.http.get(f"/volumes/village/{VILLAGE}/{year}", headers=svc.headers("county_admin"))
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("service", list(SERVICES))
async def test_a_token_with_a_crit_header_is_401(apps: dict[str, Started], service: str) -> None:
    svc = apps[service]
    now = int(time.time())
    claims = {"sub": "edge-county", "role": "county_admin", "scope": COUNTY, "iss": "villagecounsel-dev",
              "iat": now, "exp": now + 600}  # fmt: skip
    token = jwt.encode(claims, svc.secret, algorithm="HS256", headers={"crit": ["exp"], "exp": now + 600})
    plain = jwt.encode(claims, svc.secret, algorithm="HS256")
    path = {"registry": "/divisions", "ledger": "/entries", "assessment": f"/breaches?county={COUNTY}",
            "reporting": "/reports"}[service]  # fmt: skip
    accepted = await svc.http.get(path, headers={"Authorization": f"Bearer {plain}"})
    assert accepted.status_code == 200, accepted.text
    body = refusal(await svc.http.get(path, headers={"Authorization": f"Bearer {token}"}), 401)
    assert body["field"] == "crit"


@pytest.mark.parametrize(
    ("service", "path", "field"),
    [
        ("ledger", "/entries/%ff%fe", "path"),
        ("registry", "/advisors/%C0%AF", "path"),
        ("ledger", "/entries?advisor_id=%ff", "query"),
        ("registry", "/divisions?name=%E6%9D%8E%ff", "query"),
    ],
)
async def test_url_bytes_that_are_no_utf8_are_422_never_echoed(
    apps: dict[str, Started], service: str, path: str, field: str
) -> None:
    svc = apps[service]
    response = await svc.http.get(path, headers=svc.headers())
    body = refusal(response, 422)
    assert body["field"] == field
    assert "\ufffd" not in response.text


@pytest.mark.parametrize("query", ["page=%D9%A1", "page_size=%D9%A1%D9%A0", "period=202%D9%A6Q1"])
async def test_another_scripts_digits_in_a_ledger_query_are_refused(
    apps: dict[str, Started], query: str
) -> None:
    svc = apps["ledger"]
    body = refusal(await svc.http.get(f"/entries?{query}", headers=svc.headers()), 422)
    assert body["code"] == "validation_failed"
    assert body["field"] == query.split("=")[0]


async def test_a_visit_of_half_a_second_is_refused(apps: dict[str, Started]) -> None:
    svc = apps["ledger"]
    visit = {"village_code": VILLAGE, "summary": "驻点值班", "started_at": "2026-11-11T01:00:00.0+08:00",
             "ended_at": "2026-11-11T01:00:00.5+08:00"}  # fmt: skip
    headers = {**svc.headers("advisor"), "Idempotency-Key": "half-a-second"}
    body = refusal(await svc.http.post("/visits", json=visit, headers=headers), 422)
    assert body["field"] == "ended_at"
    assert "时间精确到秒" in body["message"] + str(body["errors"])
