"""The thin slice across all four services, over HTTP, with the services as real processes:
register divisions → unit → advisor → assignment → AgreementSigned (registry) → VisitLogged (ledger,
validated against its own read model of registry events) → quarter hours (assessment) → the village
in the compliance view (reporting)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
from support.waiting import eventually
from vc_contracts import CST

VILLAGE = "621025100201"


async def test_a_visit_flows_from_registry_to_the_compliance_view(stack) -> None:  # type: ignore[no-untyped-def]
    province = stack.headers("province_admin", "620000")
    county = stack.headers("county_admin", "621025")
    reg = stack.urls["registry"]
    async with httpx.AsyncClient(timeout=10, trust_env=False) as http:
        for body, who in [
            ({"code": "620000", "name": "甘肃省", "level": "province"}, province),
            ({"code": "621000", "name": "庆阳市", "level": "city", "parent_code": "620000"}, province),
            ({"code": "621025", "name": "正宁县", "level": "county", "parent_code": "621000"}, province),
            (
                {"code": "621025100000", "name": "山河镇", "level": "township", "parent_code": "621025"},
                county,
            ),
            ({"code": VILLAGE, "name": "西头村", "level": "village", "parent_code": "621025100000"}, county),
        ]:
            response = await http.post(f"{reg}/divisions", json=body, headers=who)
            assert response.status_code == 201, response.text
        unit = {
            "unit_id": "U-e2e-firm",
            "kind": "law_firm",
            "name": "甘肃正大律师事务所",
            "division_code": "621025",
            "credit_code": "91621025MA71A0001X",
        }
        assert (await http.post(f"{reg}/units", json=unit, headers=county)).status_code == 201
        advisor = {
            "advisor_id": "A-e2e-li",
            "name": "李建国",
            "kind": "lawyer",
            "unit_id": "U-e2e-firm",
            "phone": "13900000001",
            "licence_no": "16210201234567890",
        }
        assert (await http.post(f"{reg}/advisors", json=advisor, headers=county)).status_code == 201
        today = datetime.now(CST).date()
        assignment = {
            "village_code": VILLAGE,
            "advisor_id": "A-e2e-li",
            "valid_from": str(today - timedelta(days=30)),
            "schedule": "每周三 9:00-12:00",
        }
        assert (await http.post(f"{reg}/assignments", json=assignment, headers=county)).status_code == 201
        agreement = {
            "unit_id": "U-e2e-firm",
            "village_code": VILLAGE,
            "advisor_ids": ["A-e2e-li"],
            "term_start": str(today - timedelta(days=30)),
            "term_end": str(today + timedelta(days=300)),
            "signed_on": str(today - timedelta(days=29)),
        }
        signed = await http.post(f"{reg}/agreements", json=agreement, headers=county)
        assert signed.status_code == 201 and signed.json()["events"][0]["event_type"] == "AgreementSigned"

        advisor_token = stack.headers("advisor", "621025", subject="A-e2e-li", unit="U-e2e-firm")
        start = datetime.now(CST).replace(microsecond=0) - timedelta(hours=5)
        if (start + timedelta(hours=3)).date() != start.date():
            # 02:00-05:00 +08:00: the 3 h would end after midnight, on a quarter's first day split
            # between two quarters (the hours asked for below are the start's quarter's)
            start = start.replace(hour=20, minute=0, second=0)
        visit = {
            "village_code": VILLAGE,
            "started_at": start.isoformat(),
            "ended_at": (start + timedelta(hours=3)).isoformat(),
            "place": "村委会",
            "summary": "坐班咨询",
        }

        async def log_visit() -> httpx.Response | None:
            response = await http.post(f"{stack.urls['ledger']}/visits", json=visit, headers=advisor_token)
            if (
                response.status_code == 422
            ):  # the ledger has not yet learnt the assignment from registry events
                return None
            return response

        logged = await eventually(log_visit)
        assert logged.status_code == 201 and logged.json()["events"][0]["event_type"] == "VisitLogged"

        quarter = f"{start.year}Q{(start.month - 1) // 3 + 1}"

        async def hours_in_assessment() -> float:
            r = await http.get(
                f"{stack.urls['assessment']}/villages/{VILLAGE}/quarter-hours?year={start.year}",
                headers=county,
            )
            return next(q["hours"] for q in r.json()["quarters"] if q["quarter"] == quarter)

        assert await eventually(hours_in_assessment) == 3.0

        async def row_in_compliance() -> dict[str, Any] | None:
            # other tests add villages to the county: ask for the township, not page 1 of the county
            query = {"quarter": quarter, "division": "621025100000", "page_size": 500}
            r = await http.get(f"{stack.urls['reporting']}/compliance", params=query, headers=county)
            rows = [row for row in r.json()["items"] if row["village_code"] == VILLAGE]
            # registry and ledger are two topics: their events reach the view in no fixed order
            done = rows and rows[0]["hours"] and rows[0]["advisor_id"] and rows[0]["agreement_id"]
            return rows[0] if done else None

        row = await eventually(row_in_compliance)
        assert row["hours"] == 3.0 and row["advisor_id"] == "A-e2e-li" and row["covered"] is True
        assert row["meets_onsite_minimum"] is False  # 3 h < 8 h
        assert row["agreement_id"] == signed.json()["stream_id"].removeprefix("agreement-")


async def test_another_county_cannot_read_this_village(stack) -> None:  # type: ignore[no-untyped-def]
    outsider = stack.headers("county_admin", "621026")
    async with httpx.AsyncClient(timeout=10, trust_env=False) as http:
        response = await http.get(f"{stack.urls['registry']}/villages/{VILLAGE}", headers=outsider)
        assert response.status_code == 403
        body = response.json()
        assert body["code"] == "forbidden" and body["field"] == "code" and body["correlation_id"]
