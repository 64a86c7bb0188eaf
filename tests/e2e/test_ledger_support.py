"""Shared set-up of the ledger end-to-end tests (no tests here): a township of the demo county with
villages, a law firm, a justice office and their advisors, registered over the registry's HTTP API
with idempotency keys, so every ledger test module can call `ensure_world` again safely."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import httpx
from support.waiting import eventually
from vc_contracts import CST

TOWNSHIP = "621025290000"
V1, V2, V3, V4 = "621025290201", "621025290202", "621025290203", "621025290204"
FIRM, OFFICE = "U-led-firm", "U-led-office"
LI, WANG, ZHAO = "A-led-li", "A-led-wang", "A-led-zhao"  # LI serves V1, V2, V4 (firm); ZHAO V3 (office)
SINCE = date(datetime.now(CST).year - 2, 1, 1)
LAST_YEAR = datetime.now(CST).year - 1


@dataclass
class World:
    http: httpx.AsyncClient
    stack: Any

    @property
    def ledger(self) -> str:
        return str(self.stack.urls["ledger"])

    def advisor(self, advisor_id: str = LI, unit: str = FIRM) -> dict[str, str]:
        return dict(self.stack.headers("advisor", "621025", subject=advisor_id, unit=unit))

    def committee(self, village: str) -> dict[str, str]:
        return dict(self.stack.headers("village_committee", village, subject=f"committee-{village}"))

    def unit(self, unit_id: str = FIRM) -> dict[str, str]:
        role = "law_firm" if unit_id == FIRM else "justice_office"
        return dict(self.stack.headers(role, "621025", subject=f"staff-{unit_id}", unit=unit_id))

    def county(self, code: str = "621025") -> dict[str, str]:
        return dict(self.stack.headers("county_admin", code))

    async def post(self, path: str, body: Any, headers: dict[str, str], **kw: Any) -> httpx.Response:
        return await self.http.post(f"{self.ledger}{path}", json=body, headers=headers, **kw)

    async def get(self, path: str, headers: dict[str, str], **params: Any) -> httpx.Response:
        return await self.http.get(f"{self.ledger}{path}", headers=headers, params=params)


def at(day: date, hour: int, minute: int = 0) -> str:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CST).isoformat()


async def _registry(w: World, path: str, body: dict[str, Any], who: dict[str, str], key: str) -> None:
    r = await w.http.post(
        f"{w.stack.urls['registry']}{path}", json=body, headers={**who, "Idempotency-Key": key}
    )
    assert r.status_code in (200, 201, 409), r.text


async def ensure_world(w: World) -> None:
    province, county = w.stack.headers("province_admin", "620000"), w.county()
    for code, name, level, parent in [
        ("620000", "甘肃省", "province", None),
        ("621000", "庆阳市", "city", "620000"),
        ("621025", "正宁县", "county", "621000"),
    ]:
        body = {"code": code, "name": name, "level": level, "parent_code": parent}
        await _registry(w, "/divisions", body, province, f"led:div:{code}")
    villages = [(TOWNSHIP, "测试镇", "township", "621025"), (V1, "东台村", "village", TOWNSHIP),
                (V2, "西台村", "village", TOWNSHIP), (V3, "南台村", "village", TOWNSHIP),
                (V4, "北台社区", "community", TOWNSHIP)]  # fmt: skip
    for code, name, level, parent in villages:
        body = {"code": code, "name": name, "level": level, "parent_code": parent}
        await _registry(w, "/divisions", body, county, f"led:div:{code}")
    for unit_id, kind, name in [
        (FIRM, "law_firm", "甘肃台账律师事务所"),
        (OFFICE, "justice_office", "测试镇司法所"),
    ]:
        body = {"unit_id": unit_id, "kind": kind, "name": name, "division_code": "621025",
                "credit_code": "91621025MA71L0029X" if kind == "law_firm" else None}  # fmt: skip
        await _registry(w, "/units", body, county, f"led:unit:{unit_id}")
    for n, (advisor_id, unit_id, kind, name) in enumerate(
        [
            (LI, FIRM, "lawyer", "李台账"),
            (WANG, FIRM, "lawyer", "王台账"),
            (ZHAO, OFFICE, "judicial_assistant", "赵台账"),
        ]
    ):
        body = {"advisor_id": advisor_id, "name": name, "kind": kind, "unit_id": unit_id,
                "phone": f"1390000{n:04d}",
                "licence_no": f"1621020123456{n:04d}" if kind == "lawyer" else None}  # fmt: skip
        await _registry(w, "/advisors", body, county, f"led:adv:{advisor_id}")
    for village, advisor_id in [(V1, LI), (V2, LI), (V4, LI), (V3, ZHAO)]:
        body = {
            "village_code": village,
            "advisor_id": advisor_id,
            "valid_from": str(SINCE),
            "schedule": "每周三",
        }
        await _registry(w, "/assignments", body, county, f"led:assign:{village}")

    async def learnt() -> bool:  # a lecture is accepted in every village once the ledger knows its advisor
        for village, advisor_id, unit_id in [
            (V1, LI, FIRM),
            (V2, LI, FIRM),
            (V4, LI, FIRM),
            (V3, ZHAO, OFFICE),
        ]:
            when = at(SINCE + timedelta(days=1), 10)
            body = {"village_code": village, "occurred_at": when, "topic": "普法", "audience": 30,
                    "client_entry_id": f"world-probe-{village}"}  # fmt: skip
            r = await w.post("/lectures", body, w.advisor(advisor_id, unit_id))
            if r.status_code not in (200, 201):
                return False
        return True

    await eventually(learnt, what="the ledger learns the registry's assignments")
