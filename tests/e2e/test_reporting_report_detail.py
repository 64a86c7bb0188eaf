"""One report with its escalation path (GET /reports/{id}) and the written annual report (DOCX),
against the real PostgreSQL and broker: the timeline lists every step in order, scope and role are
enforced, and the document's figures are the API's own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from io import BytesIO
from urllib.parse import quote

import pytest
from docx import Document
from test_reporting_harness import Reporting, reporting_service
from test_reporting_scene import Scene, advisors_confirm, build


@pytest.fixture(scope="module")
async def world(devstack) -> AsyncIterator[tuple[Reporting, Scene]]:  # type: ignore[no-untyped-def]
    async with reporting_service(devstack.dsn, devstack.bootstrap) as reporting:
        yield reporting, await build(reporting)


async def test_a_half_year_report_shows_its_path_and_only_to_its_unit_and_reviewers(world) -> None:  # type: ignore[no-untyped-def]
    reporting, scene = world
    http = reporting.http
    firm = reporting.headers("law_firm", scene.county, unit=scene.firm, subject="firm-head")
    admin = reporting.headers("county_admin", scene.county)
    await advisors_confirm(reporting, scene, "2025H1")
    preview = (await http.get("/reports/half-year/2025H1/preview", headers=firm)).json()
    body = {"confirm_digest": preview["digest"]}
    report_id = (await http.post("/reports/half-year/2025H1", json=body, headers=firm)).json()["stream_id"]
    path = f"/reports/{quote(report_id, safe='')}"
    await http.post(f"{path}/return", json={"reason": "请补充调解情况"}, headers=admin)
    await http.post("/reports/half-year/2025H1", json=body, headers=firm)
    await http.post(f"{path}/approve", headers=admin)

    detail = (await http.get(path, headers=admin)).json()
    assert [e["step"] for e in detail["events"]] == ["submitted", "returned", "submitted", "approved"]
    assert [e["title"] for e in detail["events"]][1:] == ["县级退回", "重新报送（第2次）", "县级审核通过"]
    assert detail["events"][1]["detail"] == "请补充调解情况"
    # people by name and office, never by sign-in id (the id stays in `actor`, for a tooltip)
    firm_name, county_office = "甘肃川源律师事务所（报送单位）", "川源县司法局（县级管理员）"
    assert [e["actor_name"] for e in detail["events"]] == [firm_name, county_office, firm_name, county_office]
    assert detail["events"][0]["actor"] == "firm-head" and detail["confirmed_by_names"] == [firm_name]
    assert (
        f"确认人 {firm_name}" in detail["events"][0]["detail"]
        and "firm-head" not in detail["events"][0]["detail"]
    )
    assert all(e["at"].endswith("+08:00") for e in detail["events"])
    assert (detail["status_name"], detail["version"], detail["submitter_name"]) == (
        "已通过",
        2,
        "甘肃川源律师事务所",
    )
    assert detail["figures"]["counting_rules"]["visits"]
    assert (await http.get(path, headers=firm)).status_code == 200
    [listed] = (await http.get("/reports", params={"kind": "half_year_ledger"}, headers=admin)).json()[
        "items"
    ]
    assert (listed["submitter_name"], listed["county_name"]) == ("甘肃川源律师事务所", "川源县")

    office = reporting.headers("justice_office", scene.county, unit=scene.office)
    advisor = reporting.headers("advisor", scene.county, unit=scene.firm, subject=scene.li)
    elsewhere = reporting.headers("county_admin", "621025")
    for who in (office, advisor, elsewhere):
        refused = await http.get(path, headers=who)
        assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    missing = await http.get("/reports/report%3Anone", headers=admin)
    assert (missing.status_code, missing.json()["field"]) == (404, "report_id")
    half_year_document = await http.get(f"{path}/document", headers=admin)
    assert (half_year_document.status_code, half_year_document.json()["code"]) == (409, "conflict")


def _cells(document) -> list[list[list[str]]]:  # type: ignore[no-untyped-def]
    return [[[c.text for c in row.cells] for row in table.rows] for table in document.tables]


async def test_the_written_annual_report_carries_the_submitted_figures_and_its_path(world) -> None:  # type: ignore[no-untyped-def]
    reporting, scene = world
    http = reporting.http
    county = reporting.headers("county_admin", scene.county)
    city = reporting.headers("city_admin", scene.city)
    province = reporting.headers("province_admin", scene.county[:2] + "0000")
    preview = (await http.get("/reports/annual/2025/preview", headers=county)).json()
    draft = await http.get("/reports/annual/2025/document", headers=county)
    assert draft.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert (await http.get("/reports/annual/2025/document", headers=city)).status_code == 403

    submitted = await http.post(
        "/reports/annual/2025", json={"confirm_digest": preview["digest"]}, headers=county
    )
    path = f"/reports/{quote(submitted.json()['stream_id'], safe='')}"
    for who in (county, city, province):
        assert (await http.post(f"{path}/approve", headers=who)).status_code == 200
    detail = (await http.get(path, headers=province)).json()
    assert [e["title"] for e in detail["events"]] == [
        "报送", "县级审核通过", "上报市级", "市级审核通过", "上报省级", "省级审核通过"]  # fmt: skip
    # the city and province are named only if another test registered them: the office either way
    actors = [e["actor_name"] for e in detail["events"]]
    assert actors[:3] == ["川源县司法局（县级管理员）"] * 3
    assert all(a.endswith("司法局（市级管理员）") for a in actors[3:5]) and actors[3] == actors[4]
    assert actors[5].endswith("司法厅（省级管理员）") and scene.city not in "".join(actors)

    written = await http.get(f"{path}/document", headers=city)
    assert written.status_code == 200
    document = Document(BytesIO(written.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "川源县2025年度“一村（居）一法律顾问”工作报告" in text
    assert f"数据指纹：{preview['digest']}" in text
    assert "统计口径" in text and preview["counting_rules"]["visits"] in text
    villages, _breakdown, results, path_table = _cells(document)
    head, *rows, total = villages
    assert head[:3] == ["服务单位", "村（社区）", "驻村服务次数"]
    totals = preview["totals"]
    assert total[2:] == [
        f"{float(totals[k]):.2f}" if k == "visit_hours" else f"{float(totals[k]):g}"  # hours: two decimals
        for k in (
            "visits",
            "visit_hours",
            "lectures",
            "publicity_events",
            "audience",
            "consultations",
            "mediations",
            "document_reviews",
        )
    ]
    assert len(rows) == len(preview["rows"])
    assert [r[1] for r in path_table[1:]] == [e["title"] for e in detail["events"]]
    assert results[0] == ["考核结论", "人数"]
