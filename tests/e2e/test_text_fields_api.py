"""Text hazards and full-width digits at the edge of the registry, assessment and reporting services
(each in-process on a database of its own, real PostgreSQL and broker): NUL or another control
character in any text answers 422 in the error format naming the field, caps hold per kind, and
full-width digits in a phone, licence or division code are stored as ASCII (the ledger's side:
tests/integration/test_ledger_text_fields.py)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest
from assessment.main import SPEC as ASSESSMENT
from registry.main import SPEC as REGISTRY
from registry.main import build_app as build_registry
from reporting.main import SPEC as REPORTING
from support.inprocess import bearer, new_secret, own_database, running_app

COUNTY = "621025"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass
class Service:
    http: httpx.AsyncClient
    pool: asyncpg.Pool
    secret: str

    def admin(self) -> dict[str, str]:
        return bearer(self.secret, "county_admin", COUNTY, "county-staff")

    async def post(self, path: str, body: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
        """JSON with \\u escapes, so a lone surrogate travels the way JSON allows it to."""
        return await self.http.post(
            path, content=json.dumps(body), headers={**headers, "Content-Type": "application/json"}
        )

    async def events(self, schema: str) -> int:
        return int(await self.pool.fetchval(f"SELECT count(*) FROM {schema}.events"))


@pytest.fixture(scope="module")
async def services(devstack) -> AsyncIterator[dict[str, Service]]:  # type: ignore[no-untyped-def]
    tag = uuid4().hex[:8]
    started: dict[str, Service] = {}
    async with (
        own_database(devstack.dsn, f"vc_registry_{tag}") as registry_db,
        own_database(devstack.dsn, f"vc_assessment_{tag}") as assessment_db,
        own_database(devstack.dsn, f"vc_reporting_{tag}") as reporting_db,
    ):
        for name, spec, database, build in [
            ("registry", REGISTRY, registry_db, lambda spec: build_registry()),
            ("assessment", ASSESSMENT, assessment_db, None),
            ("reporting", REPORTING, reporting_db, None),
        ]:
            secret = new_secret()
            kwargs = {"build": build} if build else {}
            context = running_app(spec, tag, database=database, bootstrap=devstack.bootstrap, secret=secret,
                                  **kwargs)  # fmt: skip
            app, http = await context.__aenter__()
            started[name] = Service(http, app.state.runtime.pool, secret)
            started[name].context = context  # type: ignore[attr-defined]
        registry = started["registry"]
        province = bearer(registry.secret, "province_admin", "620000", "province-staff")
        for code, name, level, parent in [("620000", "甘肃省", "province", None),
                                          ("621000", "庆阳市", "city", "620000"),
                                          ("621025", "正宁县", "county", "621000")]:  # fmt: skip
            division = {"code": code, "name": name, "level": level, "parent_code": parent}
            assert (await registry.post("/divisions", division, province)).status_code == 201
        try:
            yield started
        finally:
            for service in reversed(started.values()):
                await service.context.__aexit__(None, None, None)  # type: ignore[attr-defined]


def refused(r: httpx.Response, field: str) -> None:
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["code"] == "validation_failed" and body["field"] == field, body
    assert body["correlation_id"] and any(e["field"] == field for e in body["errors"]), body


UNIT = {"kind": "law_firm", "name": "甘肃川源律师事务所", "division_code": COUNTY}
ADVISOR = {"name": "李川", "kind": "lawyer", "phone": "13900001111"}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/divisions", {"code": "621025100299", "name": "上川\u0000村", "level": "village",
                        "parent_code": "621025100000"}, "name"),
        ("/units", UNIT | {"name": "甘肃\u0000律所"}, "name"),
        ("/units", UNIT | {"name": "甘肃\n律所"}, "name"),  # a name is one line
        ("/units", UNIT | {"licence_no": "3162\u00000001"}, "licence_no"),
        ("/units", UNIT | {"unit_id": "U\u0000"}, "unit_id"),
        ("/units", UNIT | {"name": "所" * 201}, "name"),
        ("/advisors", ADVISOR | {"unit_id": "U-1", "name": "李\ud800川"}, "name"),
        ("/advisors", ADVISOR | {"unit_id": "U-1", "phone": "139\u00000001111"}, "phone"),
        ("/agreements/AG-1/filing", {"filing_no": "备\u0000", "filed_on": "2025-03-01",
                                     "signed_and_stamped": True}, "filing_no"),
        ("/agreements/AG-1/termination", {"terminated_on": "2025-03-01", "reason": "到期\u0000"},
         "reason"),
        ("/villages/621025100201/service-group", {"advisor_id": "A-1", "name": "群\u0000",
                                                  "member_count": 3, "established_on": "2025-03-01"},
         "name"),
    ],
)  # fmt: skip
async def test_registry_refuses_bad_text_in_any_field(
    services: dict[str, Service], path: str, body: dict[str, Any], field: str
) -> None:
    registry = services["registry"]
    before = await registry.events("registry")
    refused(await registry.post(path, body, registry.admin()), field)
    assert await registry.events("registry") == before


async def test_registry_stores_full_width_digits_of_codes_phones_and_licences_as_ascii(
    services: dict[str, Service],
) -> None:
    registry, tag = services["registry"], uuid4().hex[:6]
    township = {"code": "621025101000".translate(FULL_WIDTH), "name": "山河镇", "level": "township",
                "parent_code": COUNTY.translate(FULL_WIDTH)}  # fmt: skip
    r = await registry.post("/divisions", township, registry.admin())
    assert r.status_code == 201, r.text
    unit = UNIT | {"unit_id": f"U-{tag}", "division_code": COUNTY.translate(FULL_WIDTH),
                   "credit_code": "９１６２１０２５ｍａ７２３４５６７８"}  # fmt: skip
    r = await registry.post("/units", unit, registry.admin())
    assert r.status_code == 201, r.text
    advisor = ADVISOR | {"advisor_id": f"A-{tag}", "unit_id": f"U-{tag}", "phone": "１３９０９３４１２３４",
                         "licence_no": "16210201234567890".translate(FULL_WIDTH)}  # fmt: skip
    r = await registry.post("/advisors", advisor, registry.admin())
    assert r.status_code == 201, r.text
    stored = {
        row["event_type"]: json.loads(row["data"])
        for row in await registry.pool.fetch(
            "SELECT event_type, data::text AS data FROM registry.events WHERE stream_id LIKE $1", f"%{tag}%"
        )
    }
    divisions = await registry.pool.fetch("SELECT data->>'code' AS code FROM registry.events"
                                          " WHERE event_type = 'DivisionRegistered'")  # fmt: skip
    assert {d["code"] for d in divisions} == {"620000", "621000", COUNTY, "621025101000"}
    assert stored["UnitRegistered"]["division_code"] == COUNTY
    assert stored["UnitRegistered"]["credit_code"] == "91621025MA72345678"
    assert stored["AdvisorRegistered"]["phone"] == "13909341234"  # dials: tel:13909341234
    assert stored["AdvisorRegistered"]["licence_no"] == "16210201234567890"


async def test_a_division_list_with_nul_in_a_name_is_a_row_error_and_nothing_is_written(
    services: dict[str, Service],
) -> None:
    registry = services["registry"]
    before = await registry.events("registry")
    content = "代码,名称\n621025102000,川口镇\n621025102201,上川\x00村\n621025102202,下川\x1f村\n".encode()
    r = await registry.http.post(
        "/divisions/import", content=content, headers={**registry.admin(), "Content-Type": "text/csv"}
    )
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "import_rejected"
    assert [(e["row"], e["column"]) for e in r.json()["errors"]] == [(3, "名称"), (4, "名称")]
    assert await registry.events("registry") == before


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/feedback", {"advisor_id": "A-1", "village_code": "621025100201", "year": 2025, "rating": 4,
                       "comment": "服务很好\u0000"}, "comment"),
        ("/feedback", {"advisor_id": "A-1", "village_code": "621025100201", "year": 2025, "rating": 4,
                       "comment": "好" * 2001}, "comment"),
        ("/feedback", {"advisor_id": "A\u0000", "village_code": "621025100201", "year": 2025, "rating": 4},
         "advisor_id"),
        ("/advisors/A-1/assessments/2025/conclusion", {"result": "failed", "items": ["补足驻村\u0000时长"]},
         "items.0"),
        ("/advisors/A-1/assessments/2025/rectification-completed",
         {"completed_on": "2025-06-01", "summary": "已整改\x1b"}, "summary"),
    ],
)  # fmt: skip
async def test_assessment_refuses_bad_text_in_any_field(
    services: dict[str, Service], path: str, body: dict[str, Any], field: str
) -> None:
    assessment = services["assessment"]
    before = await assessment.events("assessment")
    # the unit asked to rectify reports it (the role is checked before the body, eventkit.writes)
    unit = bearer(assessment.secret, "law_firm", COUNTY, "firm-head", "U-firm")
    who = unit if path.endswith("rectification-completed") else assessment.admin()
    refused(await assessment.post(path, body, who), field)
    assert await assessment.events("assessment") == before


async def test_assessment_reads_full_width_digits_in_a_division_code_and_period(
    services: dict[str, Service],
) -> None:
    assessment = services["assessment"]
    body = {"division_code": COUNTY.translate(FULL_WIDTH), "effective_from": "2025-01-01",
            "min_quarter_onsite_hours": 10}  # fmt: skip
    r = await assessment.post("/rules", body, bearer(assessment.secret, "county_admin", COUNTY, "staff"))
    assert r.status_code == 201, r.text
    data = await assessment.pool.fetchval(
        "SELECT data->>'division_code' FROM assessment.events WHERE event_type = 'ComplianceRulesSet'"
    )
    assert data == COUNTY


@pytest.mark.parametrize(
    ("reason", "field"),
    [("数字有误\u0000", "reason"), ("误" * 501, "reason"), ("\ud800", "reason")],
    ids=["nul", "over-cap", "lone-surrogate"],
)
async def test_reporting_refuses_bad_text_in_a_return_reason(
    services: dict[str, Service], reason: str, field: str
) -> None:
    reporting = services["reporting"]
    city = bearer(reporting.secret, "city_admin", "621000", "city-staff")
    refused(await reporting.post("/reports/R-1/return", {"reason": reason}, city), field)
    assert await reporting.events("reporting") == 0


@pytest.mark.parametrize(
    ("service", "url", "named"),
    [("registry", "/advisors/A%00", "advisor_id"), ("registry", "/units?division=6210%0025", "division"),
     ("assessment", "/advisors/A%00/assessments/2025", "advisor_id"),
     ("reporting", "/reports?period=2025%00H1", "period")],
)  # fmt: skip
async def test_nul_in_a_path_or_query_is_refused_in_every_service(
    services: dict[str, Service], service: str, url: str, named: str
) -> None:
    s = services[service]
    r = await s.http.get(url, headers=s.admin())
    assert r.status_code == 422, r.text
    # named as every refusal names an input (README "Error format"), not `path.advisor_id`
    assert r.json()["code"] == "validation_failed" and r.json()["field"] == named, r.text
