"""Assessment figures against real PostgreSQL and Kafka: exact hour sums and the rule version in force
for each period (the issue's examples: six visits of 1 h 20 min meet 8 h; 2025 is not judged by
today's rule; a rule changed mid-year applies from its quarter; breaches name the rule's division)."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from assessment.application import figures
from devstack.pytest_plugin import DevStack
from eventkit import clock
from eventkit.clock import today_cst
from support.days import days_since
from support.waiting import eventually
from test_assessment_harness import Assessment, assessment_service
from vc_contracts import CST
from vc_contracts.catalogue.ledger import VisitLogged
from vc_contracts.catalogue.registry import AdvisorAssigned

VILLAGE = f"621025{random.randint(700, 999)}{random.randint(100, 999)}"


def visit(s: Assessment, n: int, start: datetime, minutes: int) -> VisitLogged:
    end = start + timedelta(minutes=minutes)
    return VisitLogged(
        entry_id=f"E-{s.tag}-f{n}", advisor_id=f"{s.tag}-zhao", unit_id=f"{s.tag}-firm", village_code=VILLAGE,
        occurred_at=start, started_at=start, ended_at=end, hours=round(minutes / 60, 2), place="村委会",
        summary="坐班接待",
    )  # fmt: skip


async def feed(s: Assessment) -> None:
    assigned = AdvisorAssigned(
        assignment_id=f"AS-{s.tag}-f", village_code=VILLAGE, advisor_id=f"{s.tag}-zhao",
        unit_id=f"{s.tag}-firm", valid_from=date(2024, 1, 1), schedule="每周一",
    )  # fmt: skip
    await s.publish("registry", [(f"as-{VILLAGE}", assigned)])
    q1 = [
        visit(s, n, datetime(2025, 1, 6, 9, tzinfo=CST) + timedelta(weeks=n), 80) for n in range(6)
    ]  # 6 × 1 h 20 min
    # over the Q2/Q3 boundary: 1 h in Q2 and 40 min in Q3
    boundary = visit(s, 9, datetime(2025, 6, 30, 23, tzinfo=CST), 100)
    await s.publish("ledger", [(f"ef{n}", e) for n, e in enumerate([*q1, boundary])])


@pytest.fixture(scope="module")
async def svc(devstack: DevStack) -> AsyncIterator[Assessment]:
    async with assessment_service(devstack.dsn, devstack.bootstrap, feed) as service:
        county = service.headers("county_admin", "621025")
        for since, hours in (("2025-05-01", 10), ("2026-01-01", 12)):  # mid-2025, then stricter again
            body = {"division_code": "621025", "effective_from": since, "min_quarter_onsite_hours": hours}
            created = await service.http.post("/rules", json=body, headers=county)
            assert created.status_code == 201, created.text
        yield service


async def quarters(svc: Assessment) -> dict[str, Any]:
    headers = svc.headers("county_admin", "621025")

    async def ready() -> dict[str, Any] | None:
        r = await svc.http.get(f"/villages/{VILLAGE}/quarter-hours", params={"year": 2025}, headers=headers)
        body = r.json()
        return body if r.status_code == 200 and body["quarters"][2]["hours"] > 0 else None

    return await eventually(ready, what="the visits reach the hours read model")


async def test_six_visits_of_80_minutes_meet_the_8_hour_minimum(svc: Assessment) -> None:
    q1 = (await quarters(svc))["quarters"][0]
    assert (q1["quarter"], q1["hours"], q1["meets_minimum"]) == ("2025Q1", 8.0, True)


async def test_each_quarter_of_2025_is_judged_by_the_rule_in_force_then_and_names_it(svc: Assessment) -> None:
    body = await quarters(svc)
    shown = [(q["quarter"], q["hours"], q["min_quarter_onsite_hours"], q["rule"]["division_code"],
              q["rule"]["version"], q["meets_minimum"]) for q in body["quarters"]]  # fmt: skip
    assert shown == [
        ("2025Q1", 8.0, 8, "620000", 1, True),  # the province's default (the county's rule starts in May)
        ("2025Q2", 1.0, 10, "621025", 1, False),  # changed mid-year: Q2 is judged by the new version
        (
            "2025Q3",
            0.67,
            10,
            "621025",
            1,
            False,
        ),  # the visit over the boundary counts on both sides (40 min: 0.67, rounded half up)
        ("2025Q4", 0.0, 10, "621025", 1, False),  # not today's 12 h (version 2, from 2026)
    ]
    assert body["rule"]["version"] == 1 and body["rule"]["effective_from"] == "2025-05-01"


async def test_an_exact_total_is_no_breach_and_a_breach_names_the_rule_s_division(svc: Assessment) -> None:
    await quarters(svc)
    county = svc.headers("county_admin", "621025")
    mine = f"{svc.tag}-zhao"
    q1 = await svc.http.post("/evaluations", json={"county": "621025", "period": "2025Q1"}, headers=county)
    assert q1.status_code == 201, q1.text
    assert [b for b in q1.json()["breaches"] if b["advisor_id"] == mine] == []  # 8.00 h, not 7.98
    assert (q1.json()["rule"]["division_code"], q1.json()["rule"]["version"]) == ("620000", 1)
    q2 = await svc.http.post("/evaluations", json={"county": "621025", "period": "2025Q2"}, headers=county)
    [breach] = [b for b in q2.json()["breaches"] if b["advisor_id"] == mine]
    assert (breach["expected"], breach["actual"], breach["rule_version"], breach["rule_division_code"]) == (
        10.0, 1.0, 1, "621025",
    )  # fmt: skip
    listed = await svc.http.get("/breaches", params={"county": "621025", "period": "2025Q2"}, headers=county)
    assert {b["rule_division_code"] for b in listed.json()["items"] if b["advisor_id"] == mine} == {"621025"}


async def test_the_yearly_figure_sheet_adds_exact_durations_and_names_each_quarter_s_rule(
    svc: Assessment,
) -> None:
    await quarters(svc)
    county = svc.headers("county_admin", "621025")
    sheet = (await svc.http.get(f"/advisors/{svc.tag}-zhao/assessments/2025", headers=county)).json()
    [village] = sheet["villages"]
    shown = [(q["hours"], q["expected"], q["meets"], q["rule"]["division_code"]) for q in village["quarters"]]
    assert shown == [(8.0, 8.0, True, "620000"), (1.0, 10.0, False, "621025"), (0.67, 10.0, False, "621025"),
                     (0.0, 10.0, False, "621025")]  # fmt: skip
    assert sheet["rule"] == {"division_code": "621025", "version": 1, "effective_from": "2025-05-01"}


async def test_the_figure_sheet_says_where_each_quarter_stands_so_an_unfinished_one_is_not_short(
    svc: Assessment,
) -> None:
    """The sheet of this year: past quarters 达标/未达标, this quarter 进行中 (not 未达标 while it is
    under way), later ones 未开始; last year's are all judged."""
    await quarters(svc)
    county = svc.headers("county_admin", "621025")
    before = today_cst()  # the server judges by its own today: a run may cross midnight +08:00
    year = before.year
    sheet = (await svc.http.get(f"/advisors/{svc.tag}-zhao/assessments/{year}", headers=county)).json()
    [village] = sheet["villages"]

    def labels_on(day: date) -> list[str]:  # the quarters as judged on `day` (past 12-31: all four)
        current = (day.month - 1) // 3 + 1 if day.year == year else 5
        expected = ["达标" if q["meets"] else "未达标" for q in village["quarters"][: current - 1]]
        return expected + (["进行中"] + ["未开始"] * (4 - current) if current <= 4 else [])

    labels = [q["standing_label"] for q in village["quarters"]]
    assert labels in [labels_on(day) for day in days_since(before)], labels
    if today_cst().year == year:
        assert village["lectures"]["standing"] == "running"
    past = (await svc.http.get(f"/advisors/{svc.tag}-zhao/assessments/2025", headers=county)).json()
    assert [q["standing_label"] for q in past["villages"][0]["quarters"]] == [
        "达标",
        "未达标",
        "未达标",
        "未达标",
    ]


async def test_a_year_not_begun_is_refused_naming_it_as_the_dashboard_does(svc: Assessment) -> None:
    # the year after next: next year begins when the run crosses midnight of 31 December +08:00
    next_year = datetime.now(CST).year + 2
    county = svc.headers("county_admin", "621025")
    committee = svc.headers("village_committee", VILLAGE, subject=f"committee-{VILLAGE}")
    feedback = {"advisor_id": f"{svc.tag}-zhao", "village_code": VILLAGE, "year": next_year, "rating": 4}
    none = "尚未开始，暂无数据"
    for method, path, params, body, headers, field, said in [
        ("GET", f"/villages/{VILLAGE}/quarter-hours", {"year": next_year}, None, county, "year", none),
        ("GET", f"/advisors/{svc.tag}-zhao/assessments/{next_year}", None, None, county, "year", none),
        ("POST", "/feedback", None, feedback, committee, "year", "尚未开始，不能评价"),
        ("POST", "/evaluations", None, {"county": "621025", "period": f"{next_year}Q1"}, county, "period",
         "尚未开始，不能评估"),
    ]:  # fmt: skip
        keyed = {**headers, "Idempotency-Key": f"not-begun-{svc.tag}-{path}"}
        answer = await svc.http.request(method, path, params=params, json=body, headers=keyed)
        assert answer.status_code == 422, (path, answer.text)
        message = answer.json()["message"]
        assert answer.json()["field"] == field and message.startswith(f"{next_year}年"), (path, message)
        assert said in message, (path, message)


async def test_at_23_57_of_31_december_the_next_year_s_sheet_stands_just_begun(
    svc: Assessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page a few minutes fast asks for the year it has entered: the sheet is answered (session 33),
    its first quarter and its lectures 进行中, not 未开始 beside the year the page is in."""
    await quarters(svc)
    year = datetime.now(CST).year + 1  # a future 31 December: nothing of the feed is dated after it
    server = datetime(year, 12, 31, 23, 57, tzinfo=CST)
    for module in (clock, figures):  # the server's clock, and the sheet's own `now`
        monkeypatch.setattr(module, "now_cst", lambda: server)
    county = svc.headers("county_admin", "621025")
    answer = await svc.http.get(f"/advisors/{svc.tag}-zhao/assessments/{year + 1}", headers=county)
    assert answer.status_code == 200, answer.text
    [village] = answer.json()["villages"]
    assert [q["standing_label"] for q in village["quarters"]] == ["进行中", "未开始", "未开始", "未开始"]
    assert village["lectures"]["standing"] == "running"
