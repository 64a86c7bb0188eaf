"""Helpers of the registry API tests (no tests here): a client speaking as one principal, polling
for the eventually consistent read model, and counting what the registry's event store holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import asyncpg
import httpx
from eventkit.clock import today_cst
from support.waiting import eventually

TODAY = today_cst()
COUNTY, OTHER_COUNTY = "621025", "621026"


def days_ago(n: int) -> str:
    return (TODAY - timedelta(days=n)).isoformat()


@dataclass
class Api:
    """The registry's HTTP API as one principal."""

    http: httpx.AsyncClient
    url: str
    headers: dict[str, str]

    async def post(self, path: str, body: dict[str, Any], key: str | None = None) -> httpx.Response:
        headers = {**self.headers, **({"Idempotency-Key": key} if key else {})}
        return await self.http.post(f"{self.url}{path}", json=body, headers=headers)

    async def upload(self, path: str, content: bytes, key: str | None = None) -> httpx.Response:
        headers = {**self.headers, "Content-Type": "text/csv", **({"Idempotency-Key": key} if key else {})}
        return await self.http.post(f"{self.url}{path}", content=content, headers=headers)

    async def get(self, path: str, **params: Any) -> httpx.Response:
        return await self.http.get(f"{self.url}{path}", params=params, headers=self.headers)

    async def ok(self, path: str, body: dict[str, Any], key: str | None = None) -> dict[str, Any]:
        response = await self.post(path, body, key)
        assert response.status_code == 201, f"{path}: {response.status_code} {response.text}"
        return response.json()  # type: ignore[no-any-return]


async def until_listed(api: Api, path: str, key: str, value: Any, **params: Any) -> dict[str, Any]:
    """Poll a list endpoint until an item with item[key] == value appears; return that item."""

    async def find() -> dict[str, Any] | None:
        response = await api.get(path, page_size=500, **params)
        assert response.status_code == 200, response.text
        return next((i for i in response.json()["items"] if i[key] == value), None)

    return await eventually(find, what=f"{path} lists {key}={value}")  # type: ignore[no-any-return]


async def event_count(dsn: str) -> int:
    """Events in the registry's store: a refused command must leave it unchanged."""
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM registry.events"))
    finally:
        await conn.close()


async def register_divisions(api: Api, province: Api, codes: list[tuple[str, str, str]]) -> list[str]:
    """(code, name, level) below the county; the province, city and both counties come first.

    Returns the ids of the events appended (none for divisions registered before)."""
    upper = [
        ("620000", "甘肃省", "province", None),
        ("621000", "庆阳市", "city", "620000"),
        (COUNTY, "正宁县", "county", "621000"),
        (OTHER_COUNTY, "宁县", "county", "621000"),
    ]
    bodies = [(province, {"code": c, "name": n, "level": lv, "parent_code": p}) for c, n, lv, p in upper]
    for code, name, level in codes:
        parent = code[:6] if level == "township" else code[:9] + "000"
        who = province if code.startswith(OTHER_COUNTY) else api
        bodies.append((who, {"code": code, "name": name, "level": level, "parent_code": parent}))
    return [e["event_id"] for who, body in bodies for e in (await who.ok("/divisions", body))["events"]]


def unit_body(unit_id: str, division: str = COUNTY, n: int = 1) -> dict[str, Any]:
    return {
        "unit_id": unit_id,
        "kind": "law_firm",
        "name": f"甘肃测试{unit_id}律师事务所",
        "division_code": division,
        "credit_code": f"91{division}MA71B{n:04d}X",
    }


def advisor_body(advisor_id: str, unit_id: str, n: int) -> dict[str, Any]:
    return {
        "advisor_id": advisor_id,
        "name": f"测试顾问{n}",
        "kind": "lawyer",
        "unit_id": unit_id,
        "phone": f"137{n:08d}",
        "licence_no": f"16210{n:012d}",
    }


def iso(day: date) -> str:
    return day.isoformat()
