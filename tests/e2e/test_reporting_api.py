# ruff: noqa: E501
"""Reporting API against the real PostgreSQL and broker: statistics derived from the ledger, XLSX
export, the report flow up to the province, deadlines, the dashboard and the public notice board."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime
from io import BytesIO
from urllib.parse import quote

import pytest
from eventkit import clock
from eventkit.clock import now_cst
from openpyxl import load_workbook
from reporting.adapters import http_reports
from reporting.application import overview
from support.waiting import eventually
from test_reporting_harness import Reporting, reporting_service
from test_reporting_scene import Scene, advisors_confirm, at, build
from vc_contracts import CST
from vc_contracts.catalogue import ledger as lg
from vc_contracts.catalogue import registry as rg
from vc_contracts.catalogue.assessment import AssessmentConcluded, ComplianceRulesSet
from vc_contracts.catalogue.enums import UnitKind


@pytest.fixture(scope="module")
async def world(devstack) -> AsyncIterator[tuple[Reporting, Scene]]:  # type: ignore[no-untyped-def]
    async with reporting_service(devstack.dsn, devstack.bootstrap) as reporting:
        yield reporting, await build(reporting)


async def test_statistics_are_derived_from_the_ledger_with_corrections_voids_and_counting_rules(
    world,
) -> None:  # type: ignore[no-untyped-def]
    reporting, scene = world
    firm = reporting.headers("law_firm", scene.county, unit=scene.firm)
    table = (await reporting.http.get("/statistics", params={"period": "2025H1"}, headers=firm)).json()
    [row] = table["rows"]
    assert (row["unit_id"], row["village_code"], row["village_name"]) == (scene.firm, scene.v1, "上川村")
    expected = {"visits": 2, "visit_hours": 7.0, "lectures": 2, "publicity_events": 1, "audience": 120,
                "consultations": 1, "consultations_wechat": 1, "consultations_phone": 0, "consultations_land": 1,
                "mediations": 1, "mediations_agreed": 1, "document_reviews": 1}  # fmt: skip
    assert {k: row[k] for k in expected} == expected
    assert "作废" in table["counting_rules"]["consultations"]
    h2 = (await reporting.http.get("/statistics", params={"period": "2025H2"}, headers=firm)).json()
    assert h2["totals"]["visit_hours"] == 3.0 and h2["totals"]["visits"] == 0


async def test_another_county_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    reporting, scene = world
    other = reporting.headers("county_admin", "621025")
    refused = await reporting.http.get(
        "/statistics", params={"period": "2025H1", "division": scene.county}, headers=other
    )
    assert refused.status_code == 403
    assert refused.json()["field"] == "division"
    assert (
        await reporting.http.get("/reports", params={"division": scene.county}, headers=other)
    ).status_code == 403


async def test_the_statistics_table_exports_as_a_workbook_with_chinese_headings(world) -> None:  # type: ignore[no-untyped-def]
    reporting, scene = world
    admin = reporting.headers("county_admin", scene.county)
    response = await reporting.http.get(
        "/statistics", params={"period": "2025H1", "format": "xlsx"}, headers=admin
    )
    assert response.status_code == 200
    # a Chinese file name, as the volume's export (RFC 6266 filename*), naming the county
    disposition = response.headers["content-disposition"]
    assert disposition == "attachment; filename*=UTF-8''" + quote("法律顾问工作统计表-川源县-2025H1.xlsx")
    book = load_workbook(BytesIO(response.content))
    sheet = book["统计表"]
    assert sheet["A1"].value == "川源县 2025年上半年 法律顾问工作统计表"  # the name, never "62xxxx 2025H1"
    heading_row = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "单位")
    headings = [c.value for c in sheet[heading_row]]
    assert headings[:4] == ["单位", "村（社区）代码", "村（社区）", "驻村服务次数"]
    assert sheet.cell(heading_row + 1, 1).value == "甘肃川源律师事务所"
    # the shared layout: headings frozen, columns wide enough for a name and a 12-digit code
    assert sheet.freeze_panes == f"A{heading_row + 1}"
    assert sheet.column_dimensions["A"].width >= 24 and sheet.column_dimensions["B"].width >= 14
    rules = book["统计口径"]
    assert rules.freeze_panes == "A2" and rules.cell(2, 1).value == "驻村服务次数"
    document = await reporting.http.get("/reports/annual/2025/document", headers=admin)
    assert document.status_code == 200, document.text
    expected = quote("年度工作报告-川源县-2025-预览.docx")  # Chinese, as every export; was annual-report-…
    assert document.headers["content-disposition"] == f"attachment; filename*=UTF-8''{expected}"


async def test_a_unit_confirms_its_figures_and_the_county_reviews_them(world) -> None:  # type: ignore[no-untyped-def]
    reporting, scene = world
    http, firm = (
        reporting.http,
        reporting.headers("law_firm", scene.county, unit=scene.firm, subject="firm-head"),
    )
    refused = await http.post("/reports/half-year/2025H1", json={"confirm_digest": "0" * 16}, headers=firm)
    assert refused.status_code == 422 and refused.json()["field"] == "confirmations"
    assert "李川" in refused.json()["message"]
    await advisors_confirm(reporting, scene, "2025H1")
    preview = (await http.get("/reports/half-year/2025H1/preview", headers=firm)).json()
    assert [(a["advisor_name"], a["state"]) for a in preview["advisors"]] == [("李川", "confirmed")]
    stale = await http.post("/reports/half-year/2025H1", json={"confirm_digest": "0" * 16}, headers=firm)
    assert stale.status_code == 409 and stale.json()["field"] == "confirm_digest"
    body = {"confirm_digest": preview["digest"]}
    keyed = {**firm, "Idempotency-Key": f"submit-{scene.county}"}
    first = await http.post("/reports/half-year/2025H1", json=body, headers=keyed)
    again = await http.post("/reports/half-year/2025H1", json=body, headers=keyed)
    assert first.status_code == again.status_code == 201 and again.content == first.content
    assert again.headers["Idempotency-Replayed"] == "true"
    assert (await http.post("/reports/half-year/2025H1", json=body, headers=firm)).status_code == 409
    report_id = first.json()["stream_id"]
    city = reporting.headers("city_admin", scene.city)
    wrong_level = await http.post(f"/reports/{report_id}/approve", headers=city)
    assert wrong_level.status_code == 409 and wrong_level.json()["field"] == "level"
    admin = reporting.headers("county_admin", scene.county)
    returned = await http.post(
        f"/reports/{report_id}/return", json={"reason": "请补充调解情况"}, headers=admin
    )
    assert returned.status_code == 200
    assert (await http.post("/reports/half-year/2025H1", json=body, headers=firm)).status_code == 201
    assert (await http.post(f"/reports/{report_id}/approve", headers=admin)).status_code == 200
    listed = (await http.get("/reports", params={"kind": "half_year_ledger"}, headers=admin)).json()
    [item] = listed["items"]
    assert (item["status"], item["confirmed_by"], item["figures"]["totals"]["audience"]) == (
        "approved",
        ["firm-head"],
        120,
    )
    paged = (await http.get("/reports", params={"page_size": 1, "page": 2}, headers=admin)).json()
    assert (paged["page"], paged["page_size"], paged["items"]) == (2, 1, [])


async def test_annual_results_escalate_county_city_province(world) -> None:  # type: ignore[no-untyped-def]
    reporting, scene = world
    http = reporting.http
    county, city = (
        reporting.headers("county_admin", scene.county),
        reporting.headers("city_admin", scene.city),
    )
    province = reporting.headers("province_admin", scene.county[:2] + "0000")
    concluded = AssessmentConcluded(assessment_id=f"AS-{scene.li}-2025", advisor_id=scene.li, year=2025,
                                    result="passed", basis={}, rule_version=1)  # fmt: skip
    await reporting.publish("assessment", [(f"assess-{scene.li}", concluded)])

    async def with_results() -> dict | None:  # type: ignore[type-arg]
        preview = (await http.get("/reports/annual/2025/preview", headers=county)).json()
        return preview if preview["assessment_results"]["counts"]["passed"] == 1 else None

    preview = await eventually(with_results, within=20, what="the assessment result reached reporting")
    assert preview["totals"]["visit_hours"] == 10.0  # both halves of 2025
    submitted = await http.post(
        "/reports/annual/2025", json={"confirm_digest": preview["digest"]}, headers=county
    )
    report_id = submitted.json()["stream_id"]
    early = await http.post(f"/reports/{report_id}/approve", headers=province)
    assert early.status_code == 409
    elsewhere = reporting.headers("county_admin", "621025")
    assert (await http.post(f"/reports/{report_id}/approve", headers=elsewhere)).status_code == 403
    approved = (await http.post(f"/reports/{report_id}/approve", headers=county)).json()
    assert [e["event_type"] for e in approved["events"]] == ["ReportApproved", "ReportEscalated"]
    assert (await http.post(f"/reports/{report_id}/approve", headers=city)).status_code == 200
    final = (await http.post(f"/reports/{report_id}/approve", headers=province)).json()
    assert [e["event_type"] for e in final["events"]] == ["ReportApproved"]
    overview = (await http.get("/dashboard/overview", params={"period": "2025"}, headers=province)).json()
    assert overview["tiles"]["reports"]["approved"] >= 1


async def test_missed_deadlines_are_listed_and_recorded_once(world) -> None:  # type: ignore[no-untyped-def]
    reporting, scene = world
    admin = reporting.headers("county_admin", scene.county)
    # a firm registered now, long after 2025H2's deadline (2026-01-15), never owed that report
    late = f"U-{scene.county}-late"
    registered = rg.UnitRegistered(unit_id=late, kind=UnitKind.law_firm, name="甘肃新立律师事务所",
                                   division_code=scene.county)  # fmt: skip
    await reporting.publish("registry", [(f"unit-{late}", registered)])
    await eventually(lambda: _known(reporting, late), within=20, what="the late firm reached reporting")
    listed = (await reporting.http.get("/deadlines/overdue", params={"kind": "half_year_ledger", "period": "2025H2"},
                                       headers=admin)).json()  # fmt: skip
    assert {i["unit_id"] for i in listed["items"]} == {scene.firm, scene.office}
    assert listed["items"][0]["due_at"].endswith("+08:00")
    body = {"kind": "half_year_ledger", "period": "2025H2"}
    first = (await reporting.http.post("/deadlines/misses", json=body, headers=admin)).json()
    second = (await reporting.http.post("/deadlines/misses", json=body, headers=admin)).json()
    assert len(first["recorded"]) == 2 and second["recorded"] == []
    wrong = await reporting.http.get(
        "/deadlines/overdue", params={"kind": "annual_results", "period": "2025H1"}, headers=admin
    )
    assert wrong.status_code == 422 and wrong.json()["field"] == "period"
    annual = (
        await reporting.http.get(
            "/deadlines/overdue", params={"kind": "annual_results", "period": "2024"}, headers=admin
        )
    ).json()
    assert [i["county"] for i in annual["items"]] == [scene.county]


async def _known(reporting: Reporting, unit_id: str) -> bool:
    schema = reporting.app.state.runtime.settings.schema
    found = await reporting.pool.fetchval(
        f"SELECT count(*) FROM {schema}.st_names WHERE id = $1 AND registered_at IS NOT NULL", unit_id
    )
    return bool(found)


async def test_a_deadline_miss_before_the_deadline_passed_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    reporting, scene = world
    admin = reporting.headers("county_admin", scene.county)
    year = now_cst().year  # the year in Beijing: it turns 8 hours before UTC's
    for kind, period in [
        ("half_year_ledger", f"{year + 1}H1"),  # a future period
        ("annual_results", str(year)),  # the year still runs
        ("annual_results", str(year + 5)),
    ]:
        refused = await reporting.http.post(
            "/deadlines/misses", json={"kind": kind, "period": period}, headers=admin
        )
        assert refused.status_code == 422, (period, refused.text)
        assert (refused.json()["code"], refused.json()["field"]) == ("rule_violated", "period")
        assert "尚未到" in refused.json()["message"]
    listed = await reporting.http.get(
        "/deadlines/overdue", params={"kind": "annual_results", "period": str(year)}, headers=admin
    )
    assert listed.json()["items"] == []  # nothing recorded by the refused attempts


async def test_dashboard_is_scoped_and_never_takes_a_token_in_its_url(world) -> None:  # type: ignore[no-untyped-def]
    reporting, scene = world
    view = (
        await reporting.http.get(
            "/dashboard/overview",
            params={"period": "2025"},
            headers=reporting.headers("county_admin", scene.county),
        )
    ).json()
    coverage = view["tiles"]["coverage"]
    assert (view["division"]["code"], coverage["total"], coverage["value"], coverage["pct"]) == (
        scene.county,
        2,
        1,
        50.0,
    )
    token = reporting.headers("city_admin", scene.city)["Authorization"].split()[1]
    in_url = await reporting.http.get("/dashboard/overview", params={"token": token})
    assert in_url.status_code == 400 and in_url.json()["code"] == "token_in_url"
    assert in_url.json()["field"] == "token"
    assert (await reporting.http.get("/dashboard/stream", params={"token": token})).status_code == 400


async def test_a_resident_reaches_the_village_advisor_without_a_token(world) -> None:  # type: ignore[no-untyped-def]
    reporting, scene = world
    board = (await reporting.http.get(f"/public/villages/{scene.v1}.json")).json()
    assert {k: board[k] for k in ("village_name", "township_name", "county_name", "advisor_name", "phone",
                                  "schedule", "unit_name", "group_name")} == {
        "village_name": "上川村", "township_name": "川源镇", "county_name": "川源县", "advisor_name": "李川",
        "phone": "13900001111", "schedule": "每周三 9:00-12:00", "unit_name": "甘肃川源律师事务所",
        "group_name": "上川村法律服务群",
    }  # fmt: skip
    missing = await reporting.http.get(f"/public/villages/{scene.county}100299")
    assert missing.status_code == 404  # the HTML page moved to the web service (vc_web.public)
    missing = await reporting.http.get(f"/public/villages/{scene.county}100299.json")
    assert missing.status_code == 404 and "未找到" in missing.json()["message"]


async def test_a_county_s_boards_come_in_one_answer_by_village_code(world) -> None:  # type: ignore[no-untyped-def]
    reporting, scene = world
    county = (await reporting.http.get(f"/public/counties/{scene.county}/villages.json")).json()
    assert county["county_name"] == "川源县"
    assert [v["village_code"] for v in county["villages"]] == [scene.v1, scene.v2]
    assert county["villages"][0] == (await reporting.http.get(f"/public/villages/{scene.v1}.json")).json()
    unknown = await reporting.http.get("/public/counties/629999/villages.json")
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"


async def test_a_county_s_stricter_due_day_applies_and_names_its_rule(world) -> None:  # type: ignore[no-untyped-def]
    reporting, scene = world
    stricter = ComplianceRulesSet(division_code=scene.county, version=1, effective_from=date(2025, 1, 1),
                                  half_year_report_due=["07-10", "01-15"])  # fmt: skip
    await reporting.publish("assessment", [(f"rules-{scene.county}", stricter)])
    admin = reporting.headers("county_admin", scene.county)

    async def applied() -> dict | None:  # type: ignore[type-arg]
        params = {"kind": "half_year_ledger", "period": "2025H1"}
        items = (await reporting.http.get("/deadlines/overdue", params=params, headers=admin)).json()["items"]
        return next((i for i in items if i["unit_id"] == scene.office and i["rule"] != "default"), None)

    office = await eventually(applied, within=20, what="the county's rule set reached reporting")
    assert (office["due_at"], office["rule"]) == ("2025-07-11T00:00:00+08:00", f"{scene.county}#v1")


async def test_the_periodic_task_records_each_remaining_miss_once(world) -> None:  # type: ignore[no-untyped-def]
    reporting, _ = world
    from reporting.cli import record_all_misses  # noqa: PLC0415

    # a county of no GB/T 2260 province (99), stored before tokens were held to real provinces: no
    # Principal can name it, and it must not stop the task for every other county
    await reporting.pool.execute(
        "INSERT INTO reporting.st_names (id, name, kind, division_code) VALUES ('991025', '旧数据', 'county',"
        " '991025') ON CONFLICT DO NOTHING"
    )
    first = await record_all_misses(reporting.pool, "reporting")
    assert first >= 1  # 2025H1 and 2025 annual at least (2025H2 may be recorded by another test)
    assert await record_all_misses(reporting.pool, "reporting") == 0


async def test_a_unit_filter_naming_another_unit_is_403_not_the_callers_rows(world) -> None:  # type: ignore[no-untyped-def]
    reporting, scene = world
    firm = reporting.headers("law_firm", scene.county, unit=scene.firm)
    params = {"period": "2025H1", "unit_id": scene.office}
    refused = await reporting.http.get("/statistics", params=params, headers=firm)
    assert refused.status_code == 403, refused.text
    assert refused.json()["field"] == "unit_id"
    own = await reporting.http.get("/statistics", params={**params, "unit_id": scene.firm}, headers=firm)
    assert own.status_code == 200 and own.json()["rows"]


async def test_a_unit_token_whose_scope_does_not_hold_its_unit_is_403_naming_unit(world) -> None:  # type: ignore[no-untyped-def]
    # given a firm registered in scene.county, signed in with a neighbouring county's scope (the
    # newcomer: 200 and an empty table, and a half-year report of nothing could be submitted)
    reporting, scene = world
    elsewhere = scene.county[:4] + ("97" if scene.county[4:] != "97" else "98")
    firm = reporting.headers("law_firm", elsewhere, unit=scene.firm)
    for method, path, body in [
        ("GET", "/statistics?period=2025H1", None),
        ("GET", "/reports/half-year/2025H1/preview", None),
        ("POST", "/reports/half-year/2025H2", {"confirm_digest": "0" * 16}),
    ]:
        refused = await reporting.http.request(method, path, json=body, headers=firm)
        assert refused.status_code == 403, (path, refused.text)
        assert refused.json()["field"] == "unit" and "unit" in refused.json()["message"]


_READS = {"/statistics": ("division", "period"), "/compliance": ("division",)}
"""The query parameters a route reads, where it reads fewer than the test's (an unread one is refused)."""


# Full-width digits are not in this list: URLs are read with ASCII digits (eventkit.input_rules), so
# "６２００００" is the province code 620000 itself.
@pytest.mark.parametrize("division", ["62%", "6210_5", "%", "621025 ", "6"])
@pytest.mark.parametrize("path", ["/statistics", "/compliance", "/reports", "/deadlines/overdue"])
async def test_a_division_filter_that_is_not_a_code_is_refused(world, path: str, division: str) -> None:  # type: ignore[no-untyped-def]
    reporting, scene = world
    province = reporting.headers("province_admin", scene.county[:2] + "0000")
    given = {"division": division, "period": "2025H1", "kind": "half_year_ledger"}
    params = {k: v for k, v in given.items() if k in _READS.get(path, given)}  # others: 422 of their own
    response = await reporting.http.get(path, params=params, headers=province)
    assert response.status_code in (403, 422), response.text
    assert response.json()["field"] == "division"


async def test_a_county_s_annual_table_lists_villages_in_code_order_not_grouped_by_unit(world) -> None:  # type: ignore[no-untyped-def]
    reporting, scene = world
    county = reporting.headers("county_admin", scene.county)

    def lecture(n: int, unit: str, village: str) -> tuple[str, lg.LectureHeld]:
        entry = f"E{scene.county}-order-{n}"
        return (f"e-{scene.county}-order-{n}", lg.LectureHeld(entry_id=entry, occurred_at=at(3, n, 9, year=2024), topic="普法",
                                                              audience=10, advisor_id=scene.li, unit_id=unit, village_code=village))  # fmt: skip

    await reporting.publish("ledger", [lecture(1, scene.firm, scene.v2), lecture(2, scene.office, scene.v1),
                                       lecture(3, scene.firm, scene.v1)])  # fmt: skip

    async def all_three() -> list | None:  # type: ignore[type-arg]
        preview = (await reporting.http.get("/reports/annual/2024/preview", headers=county)).json()
        return preview["rows"] if len(preview.get("rows", [])) == 3 else None

    rows = await eventually(all_three, within=20, what="the 2024 lectures reached reporting")
    assert [(r["village_code"], r["unit_id"]) for r in rows] == [
        (scene.v1, scene.firm),
        (scene.v1, scene.office),
        (scene.v2, scene.firm),
    ]


async def test_a_period_not_begun_is_refused_by_every_figure_endpoint_as_by_the_dashboard(world) -> None:  # type: ignore[no-untyped-def]
    reporting, scene = world
    # not begun in Beijing, whatever the hour, and still not when the run crosses midnight of 31
    # December +08:00 before a request (next year would have begun then)
    next_year = now_cst().year + 2
    firm = reporting.headers("law_firm", scene.county, unit=scene.firm)
    county = reporting.headers("county_admin", scene.county)
    li = reporting.headers("advisor", scene.county, subject=scene.li)
    half = f"{next_year}年上半年（{next_year}H1）尚未开始"
    for method, path, params, who, field, said in [
        (
            "GET",
            "/dashboard/overview",
            {"period": f"{next_year}Q1"},
            county,
            "period",
            f"{next_year}年第一季度（{next_year}Q1）尚未开始",
        ),
        ("GET", f"/reports/half-year/{next_year}H1/preview", None, firm, "period", half),
        ("GET", f"/reports/half-year/{next_year}H1/my-figures", None, li, "period", half),
        ("POST", f"/reports/half-year/{next_year}H1/confirmations", None, li, "period", half),
        ("POST", f"/reports/half-year/{next_year}H1", None, firm, "period", half),
        ("GET", f"/reports/annual/{next_year}/preview", None, county, "year", f"{next_year}年尚未开始"),
        ("POST", f"/reports/annual/{next_year}", None, county, "year", f"{next_year}年尚未开始"),
        ("GET", "/statistics", {"period": f"{next_year}H1"}, county, "period", half),
        (
            "GET",
            "/compliance",
            {"quarter": f"{next_year}Q1"},
            county,
            "quarter",
            f"{next_year}年第一季度（{next_year}Q1）尚未开始",
        ),
    ]:
        body = {"confirm_digest": "0" * 16} if method == "POST" else None
        headers = {**who, "Idempotency-Key": f"not-begun-{path}"}
        answer = await reporting.http.request(method, path, params=params, json=body, headers=headers)
        assert answer.status_code == 422, (path, answer.text)
        assert answer.json()["field"] == field and answer.json()["message"].startswith(said), (
            path,
            answer.text,
        )


def _server_at(monkeypatch: pytest.MonkeyPatch, server: datetime) -> None:
    """The server's clock (`eventkit.clock`, and the modules that took `now_cst` by name for the
    dashboard's day and the annual report's coverage)."""
    for module in (clock, overview, http_reports):
        monkeypatch.setattr(module, "now_cst", lambda: server)


async def test_in_the_server_s_last_minutes_of_a_year_the_reads_answer_the_next_as_of_its_first_day(  # type: ignore[no-untyped-def]
    world, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page whose clock runs a few minutes fast (within MAX_CLOCK_AHEAD) asks at 23:57 of 31 December
    on the server for the year it has entered: the ledger answers it, reporting's reads now too, as of
    1 January with nothing counted yet. At 23:54:59, beyond the skew, they still refuse it."""
    reporting, scene = world
    year = now_cst().year + 1  # a future 31 December: nothing of the scene is dated in the next year
    nxt = year + 1
    firm = reporting.headers("law_firm", scene.county, unit=scene.firm)
    county = reporting.headers("county_admin", scene.county)
    li = reporting.headers("advisor", scene.county, subject=scene.li)
    _server_at(monkeypatch, datetime(year, 12, 31, 23, 57, tzinfo=CST))

    for key in (f"{nxt}Q1", str(nxt)):
        answer = await reporting.http.get("/dashboard/overview", params={"period": key}, headers=county)
        assert answer.status_code == 200, (key, answer.text)
        period = answer.json()["period"]
        assert (period["as_of"], period["quarter"], period["current"]) == (f"{nxt}-01-01", f"{nxt}Q1", True)
    for path, params, who in [
        (f"/reports/half-year/{nxt}H1/preview", None, firm),
        (f"/reports/half-year/{nxt}H1/my-figures", None, li),
        ("/statistics", {"period": f"{nxt}H1"}, county),
    ]:
        answer = await reporting.http.get(path, params=params, headers=who)
        assert answer.status_code == 200 and answer.json()["rows"] == [], (path, answer.text)
    compliance = await reporting.http.get("/compliance", params={"quarter": f"{nxt}Q1"}, headers=county)
    assert compliance.status_code == 200 and compliance.json()["assignments_as_of"] == f"{nxt}-01-01"
    annual = await reporting.http.get(f"/reports/annual/{nxt}/preview", headers=county)
    assert annual.status_code == 200, annual.text
    assert annual.json()["coverage"]["through"] == f"{nxt}-01-01", annual.json()["coverage"]

    _server_at(monkeypatch, datetime(year, 12, 31, 23, 54, 59, tzinfo=CST))  # beyond the skew: not yet
    for path, params, who in [
        ("/dashboard/overview", {"period": f"{nxt}Q1"}, county),
        (f"/reports/half-year/{nxt}H1/preview", None, firm),
        ("/compliance", {"quarter": f"{nxt}Q1"}, county),
    ]:
        answer = await reporting.http.get(path, params=params, headers=who)
        assert answer.status_code == 422, (path, answer.text)
        assert "尚未开始，暂无数据" in answer.json()["message"], (path, answer.text)


async def test_in_the_server_s_last_minutes_of_a_year_a_submission_for_the_next_is_still_refused(  # type: ignore[no-untyped-def]
    world, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writes keep the server's day: nothing is submitted or confirmed for a period before it begins
    on the server, whatever the page's clock says (the same 422 rule_violated naming the field)."""
    reporting, scene = world
    year = now_cst().year + 1
    nxt = year + 1
    firm = reporting.headers("law_firm", scene.county, unit=scene.firm)
    county = reporting.headers("county_admin", scene.county)
    li = reporting.headers("advisor", scene.county, subject=scene.li)
    _server_at(monkeypatch, datetime(year, 12, 31, 23, 57, tzinfo=CST))
    half = f"{nxt}年上半年（{nxt}H1）尚未开始"
    for path, who, field, said in [
        (f"/reports/half-year/{nxt}H1", firm, "period", half),
        (f"/reports/half-year/{nxt}H1/confirmations", li, "period", half),
        (f"/reports/annual/{nxt}", county, "year", f"{nxt}年尚未开始"),
    ]:
        headers = {**who, "Idempotency-Key": f"phone-ahead-{path}"}
        answer = await reporting.http.post(path, json={"confirm_digest": "0" * 16}, headers=headers)
        assert answer.status_code == 422, (path, answer.text)
        assert (answer.json()["code"], answer.json()["field"]) == ("rule_violated", field), answer.text
        assert answer.json()["message"].startswith(said), answer.text
