"""Advisors confirm their half-year figures before the unit head submits, against the real
PostgreSQL and broker: the advisor's own preview, the unit's view of who confirmed, the refusal while
anyone has not, and a ledger change after confirmation that voids it until confirmed again."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from support.waiting import eventually
from test_reporting_harness import Reporting, reporting_service
from test_reporting_scene import Scene, at, build
from vc_contracts.catalogue import ledger as lg


@pytest.fixture(scope="module")
async def world(devstack) -> AsyncIterator[tuple[Reporting, Scene]]:  # type: ignore[no-untyped-def]
    async with reporting_service(devstack.dsn, devstack.bootstrap) as reporting:
        yield reporting, await build(reporting)


async def test_a_change_after_confirmation_blocks_the_submission_until_confirmed_again(world) -> None:  # type: ignore[no-untyped-def]
    reporting, scene = world
    http = reporting.http
    firm = reporting.headers("law_firm", scene.county, unit=scene.firm, subject="firm-head")
    li = reporting.headers("advisor", scene.county, subject=scene.li)
    path = "/reports/half-year/2025H1"

    async def states() -> list[tuple[str, str]]:
        preview = (await http.get(f"{path}/preview", headers=firm)).json()
        return [(a["advisor_name"], a["state"]) for a in preview["advisors"]]

    assert await states() == [("李川", "pending")]
    mine = (await http.get(f"{path}/my-figures", headers=li)).json()
    assert (mine["unit_id"], mine["state"], mine["totals"]["audience"]) == (scene.firm, "pending", 120)
    stale = await http.post(f"{path}/confirmations", json={"confirm_digest": "0" * 16}, headers=li)
    assert stale.status_code == 409 and stale.json()["field"] == "confirm_digest"
    done = await http.post(f"{path}/confirmations", json={"confirm_digest": mine["digest"]}, headers=li)
    assert done.status_code == 201, done.text
    again = await http.post(f"{path}/confirmations", json={"confirm_digest": mine["digest"]}, headers=li)
    assert again.status_code == 201 and again.json()["events"] == []  # nothing new to record
    assert await states() == [("李川", "confirmed")]
    # only advisors confirm, and a unit cannot confirm for them
    as_unit = await http.post(f"{path}/confirmations", json={"confirm_digest": mine["digest"]}, headers=firm)
    assert as_unit.status_code == 403

    who = {"advisor_id": scene.li, "unit_id": scene.firm, "village_code": scene.v1}
    entry = f"E{scene.county}-late"
    late = lg.LectureHeld(entry_id=entry, occurred_at=at(6, 20, 9), topic="补录讲座", audience=5, **who)
    await reporting.publish("ledger", [(f"e-{scene.county}-late", late)])

    async def changed() -> bool:
        return await states() == [("李川", "changed")]

    await eventually(changed, within=30, what="the late lecture reached the statistics")
    preview = (await http.get(f"{path}/preview", headers=firm)).json()
    refused = await http.post(path, json={"confirm_digest": preview["digest"]}, headers=firm)
    assert refused.status_code == 422 and refused.json()["field"] == "confirmations"
    mine = (await http.get(f"{path}/my-figures", headers=li)).json()
    assert (mine["state"], mine["totals"]["audience"]) == ("changed", 125)
    await http.post(f"{path}/confirmations", json={"confirm_digest": mine["digest"]}, headers=li)
    submitted = await http.post(path, json={"confirm_digest": preview["digest"]}, headers=firm)
    assert submitted.status_code == 201, submitted.text


async def test_an_advisor_is_refused_another_unit_s_figures_by_name_not_by_a_stale_digest(world) -> None:  # type: ignore[no-untyped-def]
    """Confirming another unit's table was 409 "您的数据在预览后已有变化": the figures were never
    the advisor's to confirm, whatever the digest. 403 naming `unit_id`, reading and confirming."""
    reporting, scene = world
    http = reporting.http
    li = reporting.headers("advisor", scene.county, subject=scene.li)
    path = "/reports/half-year/2025H1"
    mine = (await http.get(f"{path}/my-figures", headers=li)).json()
    for digest in (mine["digest"], "0" * 16):
        body = {"confirm_digest": digest, "unit_id": "U-firm-luyuan"}
        refused = await http.post(f"{path}/confirmations", json=body, headers=li)
        assert refused.status_code == 403, refused.text
        assert (refused.json()["code"], refused.json()["field"]) == ("forbidden", "unit_id")
    read = await http.get(f"{path}/my-figures", params={"unit_id": "U-firm-luyuan"}, headers=li)
    assert read.status_code == 403 and read.json()["field"] == "unit_id", read.text
    own = await http.get(f"{path}/my-figures", params={"unit_id": scene.firm}, headers=li)
    assert own.status_code == 200 and own.json()["unit_id"] == scene.firm
