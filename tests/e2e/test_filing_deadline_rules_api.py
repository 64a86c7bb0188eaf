# ruff: noqa: E501  (events read best one per line)
"""A year's filing deadline is judged by the rule version in force at that deadline, the same way by
the dashboard's agreement tile, the registry's filing list (its tile's `entries` link) and village
card; and a yearly day written MM-DD is read once, in Chinese, by the assessment's rules and the
registry's `deadline` parameter.

A tester set a rule effective 2026-12-03 with deadline 02-29: the 2026 dashboard then judged the
filings of 2026-03-01..03-03 late (the rule in force at the year's end, 02-29 read as 02-28), its
tile still said 默认3月31日, /filings for 2027 still said 03-31, and 02-29 was accepted.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import date
from typing import Any
from uuid import uuid4

import httpx
import pytest
from registry.main import SPEC as REGISTRY
from support.inprocess import own_database, running_app
from support.waiting import eventually
from test_assessment_harness import Assessment, assessment_service
from test_reporting_harness import Reporting, reporting_service
from test_reporting_scene import Scene
from vc_contracts.catalogue import registry as rg
from vc_contracts.catalogue.assessment import ComplianceRulesSet


@pytest.fixture(scope="module")
async def world(devstack) -> AsyncIterator[tuple[Reporting, httpx.AsyncClient, Scene]]:  # type: ignore[no-untyped-def]
    async with contextlib.AsyncExitStack() as stack:
        reporting = await stack.enter_async_context(reporting_service(devstack.dsn, devstack.bootstrap))
        tag = uuid4().hex[:8]
        database = await stack.enter_async_context(own_database(devstack.dsn, f"vc_registry_{tag}"))
        _, registry = await stack.enter_async_context(
            running_app(
                REGISTRY, tag, database=database, bootstrap=devstack.bootstrap, secret=reporting.secret
            )
        )
        scene = Scene(reporting.county)
        v1, v2 = scene.v1, scene.v2
        await reporting.publish("registry", [*scene.registry(),
            # agreed in January, filed 03-02 under the 03-31 in force then: on time for 2026
            (f"ag-{v1}", rg.AgreementSigned(agreement_id=f"AG-{v1}", unit_id=scene.firm, village_code=v1, advisor_ids=[scene.li],
                                            term_start=date(2026, 1, 10), term_end=date(2027, 12, 31), signed_on=date(2026, 1, 10))),
            (f"ag-{v1}", rg.AgreementFiled(agreement_id=f"AG-{v1}", village_code=v1, filing_no="备2026-1",
                                           filed_on=date(2026, 3, 2), signed_and_stamped=True)),
            # agreed after 2026's deadline: due by 2027's, which the new rule sets to 02-28
            (f"ag-{v2}", rg.AgreementSigned(agreement_id=f"AG-{v2}", unit_id=scene.office, village_code=v2, advisor_ids=[scene.li],
                                            term_start=date(2026, 4, 10), term_end=date(2027, 12, 31), signed_on=date(2026, 4, 10))),
        ])  # fmt: skip
        # the county's own rule (a province rule would reach every other test's county on the topic)
        await reporting.publish("assessment", [(f"rules-{scene.county}", ComplianceRulesSet(
            division_code=scene.county, version=1, effective_from=date(2026, 12, 3), filing_deadline_month_day="02-28"))])  # fmt: skip
        yield reporting, registry, scene


async def _settled(get: Any, what: str, ready: Any) -> Any:
    async def poll() -> Any:
        answer = await get()
        return answer if answer.status_code == 200 and ready(answer.json()) else None

    return (await eventually(poll, within=60, what=what)).json()


async def test_a_rule_effective_in_december_does_not_re_judge_that_year_s_filings(world) -> None:  # type: ignore[no-untyped-def]
    reporting, registry, scene = world
    admin = reporting.headers("county_admin", scene.county)

    def filings(year: int) -> Any:
        params = {"county": scene.county, "year": year}
        return registry.get("/filings", params=params, headers=admin)

    # 2027's deadline is the first the new rule is in force at: both the list and its rule say so
    later = await _settled(
        lambda: filings(2027), "2027 filings", lambda b: b["total"] == 1 and b["rule"]["version"] == 1
    )
    assert later["deadline"] == "2027-02-28"
    assert (later["rule"]["division_code"], later["rule"]["effective_from"]) == (scene.county, "2026-12-03")
    assert [(i["agreement_id"], i["filing_due"], i["filing_status"]) for i in later["items"]] == [
        (f"AG-{scene.v2}", "2027-02-28", "pending")
    ]
    # v1's agreement travels under its own key (another partition than v2's): wait until its filing
    # is in (a judged filing is on time or late; "missing" is only an event not consumed yet)
    this = await _settled(
        lambda: filings(2026),
        "2026 filings",
        lambda b: [i["filing_status"] for i in b["items"]] not in ([], ["missing"]),
    )
    assert (this["deadline"], this["rule"]["division_code"]) == ("2026-03-31", "620000")
    assert [(i["agreement_id"], i["filing_status"]) for i in this["items"]] == [(f"AG-{scene.v1}", "on_time")]
    card = (await registry.get(f"/villages/{scene.v2}", headers=admin)).json()
    assert card["agreements"][0]["filing_due"] == "2027-02-28"

    def overview() -> Any:
        return reporting.http.get("/dashboard/overview", params={"period": "2026"}, headers=admin)

    tile = (
        await _settled(
            overview,
            "the 2026 agreement tile",
            lambda b: b["tiles"]["agreements"]["on_time"] + b["tiles"]["agreements"]["late"] >= 1,
        )
    )["tiles"]["agreements"]
    assert (tile["on_time"], tile["late"]) == (1, 0)
    assert tile["rule"]["deadlines"] == ["2026-03-31"]
    assert "2026年备案期限为3月31日" in tile["rule"]["text"] and "默认" not in tile["rule"]["text"]
    assert [v["division_code"] for v in tile["rule"]["versions"]] == ["620000"]  # the version used
    assert tile["entries"] == f"/api/registry/filings?year=2026&county={scene.county}"


async def test_the_registry_s_deadline_parameter_is_read_like_a_rule_s(world) -> None:  # type: ignore[no-untyped-def]
    reporting, registry, scene = world
    admin = reporting.headers("county_admin", scene.county)
    for value, reason in [("02-30", "2 月没有 30 日（2 月最多 29 日）"), ("02-29", "平年没有 2 月 29 日"),
                          ("00-10", "月份须在 01 至 12 之间，收到 00")]:  # fmt: skip
        answer = await registry.get(
            "/filings", params={"county": scene.county, "year": 2026, "deadline": value}, headers=admin
        )
        assert answer.status_code == 422, answer.text
        body = answer.json()
        assert body["field"] == "deadline" and reason in body["errors"][0]["reason"], body
    what_if = await registry.get(
        "/filings", params={"county": scene.county, "year": 2026, "deadline": "02-28"}, headers=admin
    )
    assert (what_if.json()["deadline"], what_if.json()["rule"]) == ("2026-02-28", None)


async def _nothing(_: Assessment) -> None:
    return None


@pytest.mark.parametrize(
    ("values", "field", "reason"),
    [
        ({"filing_deadline_month_day": "02-29"}, "filing_deadline_month_day", "平年没有 2 月 29 日"),
        ({"annual_report_due": "04-31"}, "annual_report_due", "4 月没有 31 日（4 月最多 30 日）"),
        (
            {"half_year_report_due": ["02-30", "01-15"]},
            "half_year_report_due.0",
            "2 月没有 30 日（2 月最多 29 日）",
        ),
        ({"annual_report_due": "00-10"}, "annual_report_due", "月份须在 01 至 12 之间，收到 00"),
        ({"half_year_report_due": ["07-15", "02-29"]}, "half_year_report_due.1", "平年没有 2 月 29 日"),
    ],
)
async def test_a_rule_s_month_day_is_refused_in_chinese_naming_the_field(
    devstack,
    values: dict[str, Any],
    field: str,
    reason: str,  # type: ignore[no-untyped-def]
) -> None:
    async with assessment_service(devstack.dsn, devstack.bootstrap, _nothing) as svc:
        # a county no test sets rules for: were the value taken, no other figure would move
        body = {"division_code": "629901", "effective_from": "2026-12-03", **values}
        answer = await svc.http.post("/rules", json=body, headers=svc.headers("county_admin", "629901"))
        assert answer.status_code == 422, answer.text
        error = answer.json()
        assert error["field"] == field and reason in error["errors"][0]["reason"], error
        assert not any(c.isascii() and c.isalpha() for c in error["errors"][0]["reason"].replace("MM-DD", ""))
