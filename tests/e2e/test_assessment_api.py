"""The assessment API against real PostgreSQL and Kafka: rules as data, closed-period breaches,
feedback, the figure sheet, confirmation, conclusion and rectification, and scope refusals."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from assessment.domain.compliance import owed as owed_share
from devstack.pytest_plugin import DevStack
from eventkit import own_views
from eventkit.clock import today_cst
from eventkit.store import Metadata
from support.days import days_since
from support.waiting import eventually
from test_assessment_harness import Assessment, assessment_service
from vc_contracts import CST, Event, Tenant
from vc_contracts.base import _UPCASTERS
from vc_contracts.catalogue.assessment import ComplianceBreachedV1
from vc_contracts.catalogue.ledger import EntryVoided, LectureHeld, PublicityEventHeld, VisitLogged
from vc_contracts.catalogue.registry import AdvisorAssigned, AssignmentEnded

YEAR = datetime.now(CST).year - 1  # a closed year
V1, V2, V3 = "621025490201", "621025490202", "621025490203"
HANDOVER = date(YEAR, 2, 15)  # zhou serves V3 until the day before, sun from this day


@pytest.fixture(scope="module")
async def svc(devstack: DevStack) -> AsyncIterator[Assessment]:
    async with assessment_service(devstack.dsn, devstack.bootstrap, feed) as service:
        yield service


def visit(s: Assessment, n: int, advisor: str, village: str, start: datetime, hours: int) -> VisitLogged:
    return VisitLogged(
        entry_id=f"E-{s.tag}-{n}",
        advisor_id=advisor,
        unit_id=s.tag + "-firm",
        village_code=village,
        occurred_at=start,
        started_at=start,
        ended_at=start + timedelta(hours=hours),
        hours=hours,
        place="村委会",
        summary="坐班接待",
    )


def gathering(s: Assessment, n: int, kind: type[LectureHeld | PublicityEventHeld], when: datetime) -> Event:
    return kind(
        entry_id=f"E-{s.tag}-{n}",
        advisor_id=f"{s.tag}-li",
        unit_id=s.tag + "-firm",
        village_code=V1,
        occurred_at=when,
        topic="民法典",
        audience=30,
    )


def assigned(s: Assessment, n: int, village: str, advisor: str, since: date) -> AdvisorAssigned:
    return AdvisorAssigned(
        assignment_id=f"AS-{s.tag}-{n}",
        village_code=village,
        advisor_id=advisor,
        unit_id=f"{s.tag}-firm",
        valid_from=since,
        schedule="每周五",
    )


async def feed(s: Assessment) -> None:
    li, wang, firm = f"{s.tag}-li", f"{s.tag}-wang", f"{s.tag}-firm"
    q1 = datetime(YEAR, 2, 10, 9, tzinfo=CST)
    await s.publish(
        "registry",
        [
            (
                f"as-{V1}",
                AdvisorAssigned(
                    assignment_id=f"AS-{s.tag}-1",
                    village_code=V1,
                    advisor_id=li,
                    unit_id=firm,
                    valid_from=date(YEAR - 1, 1, 1),
                    schedule="每周三",
                ),
            ),
            (
                f"as-{V2}",
                AdvisorAssigned(
                    assignment_id=f"AS-{s.tag}-2",
                    village_code=V2,
                    advisor_id=wang,
                    unit_id=firm,
                    valid_from=date(YEAR - 1, 1, 1),
                    schedule="每周四",
                ),
            ),
        ],
    )
    zhou, sun = f"{s.tag}-zhou", f"{s.tag}-sun"
    end = HANDOVER - timedelta(days=1)
    await s.publish(
        "registry",
        [
            (f"as-{V3}", assigned(s, 3, V3, zhou, date(YEAR - 1, 1, 1))),
            (
                f"as-{V3}",
                AssignmentEnded(
                    assignment_id=f"AS-{s.tag}-3",
                    village_code=V3,
                    advisor_id=zhou,
                    valid_to=end,
                    reason="人员调整",
                ),
            ),
            (f"as-{V3}", assigned(s, 4, V3, sun, HANDOVER)),
        ],
    )
    await s.publish(
        "ledger",
        [
            ("e7", visit(s, 7, zhou, V3, datetime(YEAR, 1, 8, 9, tzinfo=CST), 4)),
            ("e8", visit(s, 8, sun, V3, datetime(YEAR, 3, 4, 9, tzinfo=CST), 5)),
            ("e1", visit(s, 1, li, V1, q1, 3)),
            ("e2", visit(s, 2, li, V1, q1 + timedelta(days=7), 6)),
            ("e2", EntryVoided(entry_id=f"E-{s.tag}-2", village_code=V1, reason="重复录入")),
            ("e3", visit(s, 3, wang, V2, q1, 9)),
            ("e4", gathering(s, 4, LectureHeld, q1)),
            ("e5", gathering(s, 5, PublicityEventHeld, q1 + timedelta(days=60))),
            ("e6", gathering(s, 6, LectureHeld, q1 + timedelta(days=90))),
            ("e6", EntryVoided(entry_id=f"E-{s.tag}-6", village_code=V1, reason="未举办")),
        ],
    )


def county(s: Assessment, code: str = "621025") -> dict[str, str]:
    return s.headers("county_admin", code, subject=f"county-{code}")


async def sheet_of(s: Assessment, advisor: str, headers: dict[str, str] | None = None) -> dict:
    r = await s.http.get(f"/advisors/{advisor}/assessments/{YEAR}", headers=headers or county(s))
    return r.json() if r.status_code == 200 else {}


async def caught_up(s: Assessment) -> dict:
    async def ready() -> dict:
        sheet = await sheet_of(s, f"{s.tag}-li")
        v1 = sheet.get("villages", [{}])[0] if sheet else {}
        successor = await sheet_of(s, f"{s.tag}-sun")
        v3 = successor.get("villages", [{}])[0] if successor else {}
        hours_in = (
            v1.get("quarters", [{}])[0].get("hours") == 3 and v3.get("quarters", [{}])[0].get("hours") == 5
        )
        return sheet if hours_in and v1["lectures"]["count"] == 2 else {}

    return await eventually(ready, what="the read models learn the ledger and registry events")


async def test_county_rules_are_stricter_only_and_versioned(svc: Assessment) -> None:
    looser = {"division_code": "621025", "effective_from": f"{YEAR}-01-01", "min_quarter_onsite_hours": 6}
    r = await svc.http.post("/rules", json=looser, headers=county(svc))
    assert r.status_code == 422 and r.json()["field"] == "min_quarter_onsite_hours", r.text
    assert "省级规则" in r.json()["errors"][0]["reason"]
    stricter = {**looser, "min_quarter_onsite_hours": 10}
    headers = {**county(svc), "Idempotency-Key": f"rules-{svc.tag}"}
    assert (await svc.http.post("/rules", json=stricter, headers=headers)).status_code == 201
    again = await svc.http.post("/rules", json=stricter, headers=headers)
    assert again.headers["Idempotency-Replayed"] == "true"
    other = await svc.http.post("/rules", json={**stricter, "division_code": "621026"}, headers=county(svc))
    assert other.status_code == 403 and other.json()["code"] == "forbidden"
    r = await svc.http.get("/rules", params={"division_code": V1}, headers=county(svc))
    assert r.json()["in_force"]["version"] == 1 and r.json()["in_force"]["division_code"] == "621025"


async def test_a_closed_quarter_yields_breaches_once_with_rule_and_version(svc: Assessment) -> None:
    await caught_up(svc)
    mine = f"{svc.tag}-"
    refused = await svc.http.post(
        "/evaluations", json={"county": "621025", "period": f"{YEAR + 1}Q4"}, headers=county(svc)
    )
    assert refused.status_code == 422 and refused.json()["field"] == "period"
    body = {"county": "621025", "period": f"{YEAR}Q1"}
    first = await svc.http.post("/evaluations", json=body, headers=county(svc))
    assert first.status_code == 201, first.text
    found = {
        (b["advisor_id"], b["expected"], b["actual"])
        for b in first.json()["breaches"]
        if b["advisor_id"].startswith(mine)
    }
    owed = float(owed_share(10, f"{YEAR}Q1", [(date(YEAR - 1, 1, 1), HANDOVER - timedelta(days=1))]))
    # the void does not count; 10 h from the county rule; zhou owes his share, sun's 5 h cover hers
    assert found == {(f"{mine}li", 10.0, 3.0), (f"{mine}wang", 10.0, 9.0), (f"{mine}zhou", owed, 4.0)}
    assert first.json()["rule"]["version"] == 1 and "作废" in first.json()["rule"]["counting_rule"]
    again = await svc.http.post("/evaluations", json=body, headers=county(svc))
    assert [b for b in again.json()["breaches"] if b["advisor_id"].startswith(mine)] == [
        b for b in first.json()["breaches"] if b["advisor_id"].startswith(mine)
    ]
    other = await svc.http.post("/evaluations", json=body, headers=county(svc, "621026"))
    assert other.status_code == 403
    year = await svc.http.post(
        "/evaluations", json={"county": "621025", "period": str(YEAR)}, headers=county(svc)
    )
    lectures = {b["advisor_id"]: (b["rule"], b["expected"], b["actual"]) for b in year.json()["breaches"]}
    assert f"{mine}li" not in lectures  # a lecture and a publicity event; the voided lecture does not count
    assert lectures[f"{mine}wang"] == ("min_year_lectures", 2.0, 0.0)
    metrics = (await svc.http.get("/metrics")).text
    assert 'vc_rule_breaches_total{rule="min_quarter_onsite_hours"}' in metrics
    listed = await svc.http.get(
        "/breaches",
        params={"county": "621025", "period": f"{YEAR}Q1", "advisor_id": f"{mine}li"},
        headers=county(svc),
    )
    assert listed.json()["total"] == 1 and "作废" in listed.json()["items"][0]["counting_rule"]
    outside = await svc.http.get("/breaches", params={"county": "621025"}, headers=county(svc, "621026"))
    assert outside.status_code == 403


async def rated_then_revised(svc: Assessment, fb: dict[str, Any], committee: dict[str, str]) -> None:
    """The committee rates 2 and then revises to `fb`: its rating of the year reads back as the later
    one (the sheet then counts it once); another village's committee may not read it."""
    first = {**fb, "rating": 2, "comment": "一般"}
    assert (await svc.http.post("/feedback", json=first, headers=committee)).status_code == 201
    assert (await svc.http.post("/feedback", json=fb, headers=committee)).status_code == 201
    mine = {k: fb[k] for k in ("advisor_id", "village_code", "year")}
    given = (await svc.http.get("/feedback", params=mine, headers=committee)).json()
    assert (given["rating"], given["comment"]) == (fb["rating"], fb["comment"])
    elsewhere = svc.headers("village_committee", V2, subject=f"committee-{V2}")
    assert (await svc.http.get("/feedback", params=mine, headers=elsewhere)).status_code == 403


async def a_pass_with_items_is_refused(svc: Assessment, path: str, fail: dict[str, Any]) -> None:
    """A pass with items to rectify was concluded and the items dropped: now refused naming `items`,
    nothing concluded (the year's failed conclusion is still taken after it)."""
    passed = await svc.http.post(f"{path}/conclusion", json={**fail, "result": "passed"}, headers=county(svc))
    assert passed.status_code == 422 and passed.json()["field"] == "items", passed.text


async def test_feedback_sheet_confirmation_conclusion_and_rectification(svc: Assessment) -> None:
    li, firm = f"{svc.tag}-li", f"{svc.tag}-firm"
    await caught_up(svc)
    committee = svc.headers("village_committee", V1, subject=f"committee-{V1}")
    fb = {
        "advisor_id": li,
        "village_code": V1,
        "year": YEAR,
        "source": "committee",
        "rating": 4,
        "comment": "及时",
    }
    await rated_then_revised(svc, fb, committee)
    resident = {**fb, "source": "resident", "rating": 2}
    assert (await svc.http.post("/feedback", json=resident, headers=county(svc))).status_code == 201
    stranger = await svc.http.post(
        "/feedback", json={**fb, "advisor_id": f"{svc.tag}-wang"}, headers=committee
    )
    assert stranger.status_code == 422
    sheet = await sheet_of(svc, li)
    assert sheet["feedback"]["committee"] == {"count": 1, "average": 4.0}
    assert sheet["villages"][0]["quarters"][0]["rule"] == {
        "division_code": "621025",
        "version": 1,
        "effective_from": "2025-01-01",
    }
    assert "counting_rule" in sheet["villages"][0]["lectures"] and "counting_rule" in sheet["feedback"]
    assert await sheet_of(svc, li, county(svc, "621026")) == {}
    other_unit = svc.headers("law_firm", "621025", subject="x", unit="U-other")
    assert (await svc.http.get(f"/advisors/{li}/assessments/{YEAR}", headers=other_unit)).status_code == 403
    path = f"/advisors/{li}/assessments/{YEAR}"
    fail = {"result": "failed", "items": ["补足驻点时间"], "due_on": str(today_cst() + timedelta(days=60))}
    early = await svc.http.post(f"{path}/conclusion", json=fail, headers=county(svc))
    assert early.status_code == 422 and early.json()["field"] == "reason"
    advisor = svc.headers("advisor", "621025", subject=li, unit=firm)
    assert (await svc.http.post(f"{path}/confirmation", json={}, headers=advisor)).status_code == 201
    late = {**resident, "rating": 5}  # new feedback changes the figures: the confirmation goes stale
    assert (await svc.http.post("/feedback", json=late, headers=county(svc))).status_code == 201
    stale = await svc.http.post(f"{path}/conclusion", json=fail, headers=county(svc))
    assert stale.status_code == 422 and "重新确认" in stale.json()["message"]
    assert (await sheet_of(svc, li, advisor))["confirmation"] == {"confirmed": True, "current": False}
    blank = await svc.http.post(f"{path}/dispute", json={"reason": " "}, headers=advisor)
    assert blank.status_code == 422 and blank.json()["field"] == "reason"
    why = {"reason": "村民评价录入有误"}
    assert (await svc.http.post(f"{path}/dispute", json=why, headers=county(svc))).status_code == 403
    before = today_cst()  # the server dates the dispute: past midnight +08:00, the day after
    assert (await svc.http.post(f"{path}/dispute", json=why, headers=advisor)).status_code == 201
    disputed = await sheet_of(svc, li, advisor)
    assert disputed["dispute"]["reason"] == "村民评价录入有误"
    assert date.fromisoformat(disputed["dispute"]["on"]) in days_since(before), disputed["dispute"]
    assert disputed["confirmation"] == {"confirmed": False, "current": False}
    assert (await svc.http.post(f"{path}/confirmation", json={}, headers=advisor)).status_code == 201
    assert (await sheet_of(svc, li, advisor))["dispute"] is None  # the new confirmation settles it
    await a_pass_with_items_is_refused(svc, path, fail)
    done = await svc.http.post(f"{path}/conclusion", json=fail, headers=county(svc))
    assert done.status_code == 201, done.text
    assert [e["event_type"] for e in done.json()["events"]] == [
        "AssessmentConcluded",
        "RectificationRequested",
    ]
    unit = svc.headers("law_firm", "621025", subject="staff", unit=firm)
    report = {"completed_on": str(today_cst()), "summary": "已补足驻点时间"}
    assert (
        await svc.http.post(f"{path}/rectification-completed", json=report, headers=unit)
    ).status_code == 201
    final = await sheet_of(svc, li, unit)
    assert final["result"] == "failed" and final["rectification"] == {
        "unit_id": firm,
        "items": ["补足驻点时间"],
        "due_on": fail["due_on"],
        "completed": True,
        "completed_on": report["completed_on"],  # the day the unit reported, shown as 已整改 with it
        "summary": "已补足驻点时间",
    }
    listed = await svc.http.get(
        "/assessments", params={"county": "621025", "year": YEAR}, headers=county(svc)
    )
    assert [i["advisor_id"] for i in listed.json()["items"]] == [li]


async def test_a_units_rectifications_are_listed_in_scope_and_none_is_an_empty_page(svc: Assessment) -> None:
    """The unit's page lists its rectifications in one request (it asked every advisor's sheet of
    each year: a 404 for each advisor without one). Runs after the conclusion above."""
    li, firm = f"{svc.tag}-li", f"{svc.tag}-firm"
    unit = svc.headers("law_firm", "621025", subject="staff", unit=firm)
    listed = await svc.http.get("/rectifications", params={"unit_id": firm, "from_year": YEAR}, headers=unit)
    assert listed.status_code == 200, listed.text
    (item,) = listed.json()["items"]
    assert item == {
        "assessment_id": item["assessment_id"], "advisor_id": li, "unit_id": firm, "year": YEAR,
        "items": ["补足驻点时间"], "due_on": item["due_on"], "completed": True,
        "completed_on": item["completed_on"], "summary": "已补足驻点时间",
    }  # fmt: skip
    sheet = await sheet_of(svc, li, unit)
    # the days the test above sent (its today, which a run across midnight +08:00 leaves behind)
    assert item["due_on"] == sheet["rectification"]["due_on"]
    assert item["completed_on"] == sheet["rectification"]["completed_on"]
    later = await svc.http.get(
        "/rectifications", params={"unit_id": firm, "from_year": YEAR + 1}, headers=county(svc)
    )
    assert later.status_code == 200 and later.json() == {"items": [], "total": 0, "page": 1, "page_size": 50}
    other_county = await svc.http.get(
        "/rectifications", params={"unit_id": firm}, headers=county(svc, "621026")
    )
    assert other_county.status_code == 200 and other_county.json()["total"] == 0  # outside its scope
    other_unit = svc.headers("law_firm", "621025", subject="x", unit="U-other")
    refused = await svc.http.get("/rectifications", params={"unit_id": firm}, headers=other_unit)
    assert refused.status_code == 403 and refused.json()["field"] == "unit_id"
    advisor = svc.headers("advisor", "621025", subject=f"{svc.tag}-li", unit=firm)
    assert (
        await svc.http.get("/rectifications", params={"unit_id": firm}, headers=advisor)
    ).status_code == 403
    for bad in (
        {},
        {"unit_id": ""},
        {"unit_id": firm, "from_year": "1900"},
        {"unit_id": firm, "page_size": "0"},
    ):
        answer = await svc.http.get("/rectifications", params=bad, headers=county(svc))
        assert answer.status_code == 422 and answer.json()["code"] == "validation_failed", bad


async def test_a_breach_stored_as_version_1_is_listed_through_its_upcaster(
    svc: Assessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reads go through the envelope: an old release's v1 breach is listed as v2 says it, here with a
    marker the (patched) upcaster adds, not with the stored JSON of v1."""
    upcast = {"rule_division_code": "620000"}
    monkeypatch.setitem(_UPCASTERS, ("ComplianceBreached", 1), lambda data: {**data, **upcast})
    runtime, period = svc.app.state.runtime, f"{YEAR - 2}Q3"
    old = ComplianceBreachedV1(
        breach_id=f"BR-{svc.tag}-v1", advisor_id=f"{svc.tag}-old", village_code=V1,
        rule="min_quarter_onsite_hours", period=period, expected=8.0, actual=2.5, rule_version=1,
    )  # fmt: skip
    await runtime.store.append(
        f"breaches-621025-{period}", None, [old], tenant=Tenant.of("621025"), metadata=Metadata("v1-release")
    )
    for runner in runtime.own_views:  # as the new release's start-up does
        await own_views.install(runner, runtime.store)
    query = {"county": "621025", "period": period}
    listed = await svc.http.get("/breaches", params=query, headers=county(svc))
    (item,) = listed.json()["items"]
    assert item == {**old.model_dump(mode="json"), **upcast, "counting_rule": item["counting_rule"]}
    monkeypatch.undo()  # the real upcaster again: a rebuild reads the v1 event through it
    for runner in runtime.own_views:
        await own_views.rebuild(runner, runtime.store)
    listed = await svc.http.get("/breaches", params=query, headers=county(svc))
    assert listed.json()["items"][0]["rule_division_code"] is None


async def test_the_decisions_read_model_rebuilds_from_the_store_to_the_same_content(svc: Assessment) -> None:
    runtime, code = svc.app.state.runtime, "621027"  # a county no other test here sets rules for
    body = {"division_code": code, "effective_from": f"{YEAR}-01-01", "min_year_lectures": 3}
    assert (await svc.http.post("/rules", json=body, headers=county(svc, code))).status_code == 201
    shown = (await svc.http.get("/rules", params={"division_code": code}, headers=county(svc, code))).json()
    assert shown["in_force"]["min_year_lectures"] == 3  # seen at once: fed in the command's transaction
    schema = runtime.settings.schema
    queries = [
        f"SELECT * FROM {schema}.rule_sets ORDER BY division_code, version",
        f"SELECT * FROM {schema}.breaches ORDER BY breach_id",
        f"SELECT * FROM {schema}.conclusions ORDER BY assessment_id",
    ]
    before = [[dict(r) for r in await runtime.pool.fetch(q)] for q in queries]
    (runner,) = [r for r in runtime.own_views if r.projection.name == "decisions"]
    live = await runtime.pool.fetchval(
        f"SELECT generation FROM {schema}.projection_status WHERE projection = 'decisions'"
    )
    assert await own_views.rebuild(runner, runtime.store) == live + 1
    assert [[dict(r) for r in await runtime.pool.fetch(q)] for q in queries] == before and before[0]
    again = await svc.http.get("/rules", params={"division_code": code}, headers=county(svc, code))
    assert again.json() == shown
