"""The one idempotency mechanism on the other services (in-process apps, real PostgreSQL and broker):
a registry command and import, assessment feedback and a reporting submission each replay their
first answer byte for byte, refuse a different request under a used key, keep keys per caller and
resolve two identical requests at once to one write."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date, datetime
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest
from eventkit.runtime import ServiceSpec, create_app
from fastapi import FastAPI
from registry.main import SPEC as REGISTRY
from support.inprocess import bearer, new_secret, own_database, running_app
from support.waiting import eventually
from test_assessment_harness import Assessment, assessment_service
from test_reporting_harness import reporting_service
from vc_contracts import CST
from vc_contracts.catalogue.registry import AdvisorAssigned

YEAR = datetime.now(CST).year
VILLAGE = "621025490209"


def replayed(r: httpx.Response) -> bool:
    return r.headers.get("Idempotency-Replayed") == "true"


def refused_as_reused(r: httpx.Response, key: str) -> bool:
    return (
        r.status_code == 422 and r.json()["code"] == "idempotency_key_reused" and key in r.json()["message"]
    )


def registry_app(spec: ServiceSpec) -> FastAPI:
    return create_app(spec)  # the registry's format hints come with its spec


DATABASE: dict[str, str] = {}  # the module's registry's own database (its DSN under "registry")


@pytest.fixture(scope="module")
async def registry(devstack) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:  # type: ignore[no-untyped-def]
    tag, secret = uuid4().hex[:8], new_secret()
    async with (
        own_database(devstack.dsn, f"vc_registry_{tag}") as database,
        # a name of its own: its topic, not the one every registry on this broker writes (宁县 621026,
        # written by an earlier test on the same xdist worker, once showed up in its list)
        running_app(replace(REGISTRY, name=f"idemregistry{tag}"), tag, database=database,
                    bootstrap=devstack.bootstrap, secret=secret, build=registry_app) as (_, http),
    ):  # fmt: skip
        DATABASE["registry"] = database
        yield http, secret


async def events_naming(code: str) -> int:
    """How many events of the module's registry (its own event store) carry division `code`."""
    conn = await asyncpg.connect(DATABASE["registry"])
    try:
        schema = await conn.fetchval(
            "SELECT table_schema FROM information_schema.tables WHERE table_name = 'events'"
        )
        return int(
            await conn.fetchval(f"SELECT count(*) FROM \"{schema}\".events WHERE data->>'code' = $1", code)
        )
    finally:
        await conn.close()


def province(secret: str, subject: str, key: str) -> dict[str, str]:
    return {**bearer(secret, "province_admin", "620000", subject), "Idempotency-Key": key}


async def test_a_registry_command_replays_refuses_another_body_and_keeps_keys_per_caller(registry) -> None:  # type: ignore[no-untyped-def]
    http, secret = registry
    gansu = {"code": "620000", "name": "甘肃省", "level": "province"}
    me = province(secret, "prov-1", "div-1")
    first = await http.post("/divisions", json=gansu, headers=me)
    again = await http.post("/divisions", json=gansu, headers=me)
    assert first.status_code == again.status_code == 201, first.text
    assert again.content == first.content and replayed(again)
    city = {"code": "621000", "name": "庆阳市", "level": "city", "parent_code": "620000"}
    assert refused_as_reused(await http.post("/divisions", json=city, headers=me), "div-1")
    unit = {"kind": "law_firm", "name": "甘肃川源律师事务所", "division_code": "620000"}
    assert refused_as_reused(await http.post("/units", json=unit, headers=me), "div-1")
    theirs = await http.post("/divisions", json=city, headers=province(secret, "prov-2", "div-1"))
    assert theirs.status_code == 201 and not replayed(theirs), theirs.text


async def test_two_identical_registry_commands_at_once_register_once(registry) -> None:  # type: ignore[no-untyped-def]
    http, secret = registry
    me = province(secret, "prov-1", "unit-race")
    unit = {"kind": "justice_office", "name": "并发司法所", "division_code": "620000"}
    a, b = await asyncio.gather(
        http.post("/units", json=unit, headers=me), http.post("/units", json=unit, headers=me)
    )
    assert a.status_code == b.status_code == 201, (a.text, b.text)
    assert a.content == b.content and sorted([replayed(a), replayed(b)]) == [False, True]


async def test_a_registry_import_under_a_used_key_with_another_file_is_refused(registry) -> None:  # type: ignore[no-untyped-def]
    http, secret = registry
    me = {**province(secret, "prov-1", "import-1"), "Content-Type": "text/csv"}
    city = {"code": "621000", "name": "庆阳市", "level": "city", "parent_code": "620000"}
    await http.post("/divisions", json=city, headers=province(secret, "prov-1", "city"))
    file = "code,name,level,parent_code\n621025,正宁县,county,621000\n".encode()
    other = "code,name,level,parent_code\n621026,宁县,county,621000\n".encode()
    first = await http.post("/divisions/import", content=file, headers=me)
    assert first.status_code == 201, first.text
    assert refused_as_reused(await http.post("/divisions/import", content=other, headers=me), "import-1")
    again = await http.post("/divisions/import", content=file, headers=me)
    assert again.status_code == 201 and again.content == first.content and replayed(again)
    # the refused file wrote nothing: asked of this registry's own event store (its list, fed from
    # the broker's shared registry topic, may hold 宁县 621026 as another test's registry wrote it)
    assert await events_naming("621026") == 0 and await events_naming("621025") == 1


async def feed(s: Assessment) -> None:
    assigned = AdvisorAssigned(
        assignment_id=f"AS-{s.tag}-idem",
        village_code=VILLAGE,
        advisor_id=f"{s.tag}-li",
        unit_id=f"{s.tag}-firm",
        valid_from=date(YEAR - 1, 1, 1),
        schedule="每周五",
    )
    await s.publish("registry", [(f"as-{VILLAGE}", assigned)])


async def test_assessment_feedback_replays_and_a_second_rating_under_the_key_is_refused(devstack) -> None:  # type: ignore[no-untyped-def]
    async with assessment_service(devstack.dsn, devstack.bootstrap, feed) as s:
        committee = s.headers("village_committee", VILLAGE, f"committee-{s.tag}")
        fb: dict[str, Any] = {"advisor_id": f"{s.tag}-li", "village_code": VILLAGE, "year": YEAR - 1,
                              "source": "committee", "rating": 5, "comment": "很及时"}  # fmt: skip

        async def learnt() -> bool:  # the first (unkeyed) feedback goes in once the assignment is known
            return (await s.http.post("/feedback", json=fb, headers=committee)).status_code == 201

        await eventually(learnt, what="the assessment learns the assignment")
        keyed = {**committee, "Idempotency-Key": "fb-1"}
        first = await s.http.post("/feedback", json={**fb, "rating": 4}, headers=keyed)
        assert first.status_code == 201, first.text
        assert refused_as_reused(
            await s.http.post("/feedback", json={**fb, "rating": 2}, headers=keyed), "fb-1"
        )
        again = await s.http.post("/feedback", json={**fb, "rating": 4}, headers=keyed)
        assert again.status_code == 201 and again.content == first.content and replayed(again)


async def test_a_reporting_submission_under_a_used_key_for_another_period_is_refused(devstack) -> None:  # type: ignore[no-untyped-def]
    async with reporting_service(devstack.dsn, devstack.bootstrap) as reporting:
        firm = reporting.headers(
            "law_firm", reporting.county, unit=f"U-{reporting.county}-firm", subject="head"
        )
        keyed = {**firm, "Idempotency-Key": "submit-1"}

        async def submit(period: str) -> httpx.Response:
            preview = await reporting.http.get(f"/reports/half-year/{period}/preview", headers=firm)
            assert preview.status_code == 200, preview.text
            body = {"confirm_digest": preview.json()["digest"]}
            return await reporting.http.post(f"/reports/half-year/{period}", json=body, headers=keyed)

        first = await submit("2025H1")
        assert first.status_code == 201, first.text
        assert refused_as_reused(await submit("2025H2"), "submit-1")
        again = await submit("2025H1")
        assert again.status_code == 201 and again.content == first.content and replayed(again)
