# ruff: noqa: E501  (the scene reads best as one event per line)
"""Reporting figures against real PostgreSQL and Kafka, each for its own period: exact hour sums
(six visits of 1 h 20 min are 8.00 h), the rule version in force for the quarter and the year (named,
with the division whose rule it is), the advisor whose assignment was in force in the quarter, the
year's lectures and publicity events, and the public board showing today's advisor even when a
reassignment dated in the future is already recorded."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from eventkit.clock import today_cst
from support.waiting import eventually
from test_reporting_harness import Reporting, reporting_service
from vc_contracts import CST, Event
from vc_contracts.catalogue import ledger as lg
from vc_contracts.catalogue import registry as rg
from vc_contracts.catalogue.assessment import ComplianceRulesSet
from vc_contracts.catalogue.enums import AdvisorKind, DivisionLevel, UnitKind


class Pending(dict[str, bool]):
    """Which projections have not caught up yet (falsy, so `eventually` keeps waiting and shows it)."""

    def __bool__(self) -> bool:
        return False


class Scene:
    """Village 1: advisor 甲 until 2025-05-15, then 乙; six 80-minute visits in each of Q1 and Q2;
    a lecture and a publicity event in 2025. Village 2: advisor 丙, one visit over the Q1/Q2
    boundary, and 丁 recorded to take over in 30 days. The county's own rule (10 h, 4 lectures)
    takes effect on 2025-05-01."""

    def __init__(self, county: str) -> None:
        self.county = county
        self.v1, self.v2, self.firm = f"{county}100201", f"{county}100202", f"U-{county}-firm"
        self.jia, self.yi, self.bing, self.ding = (f"A-{county}-{n}" for n in ("jia", "yi", "bing", "ding"))
        self.handover = today_cst() + timedelta(days=30)

    def assign(self, n: int, village: str, advisor: str, since: date, schedule: str) -> tuple[str, Event]:
        return (f"as-{village}", rg.AdvisorAssigned(assignment_id=f"AS-{self.county}-{n}", village_code=village, advisor_id=advisor,
                                                    unit_id=self.firm, valid_from=since, schedule=schedule))  # fmt: skip

    def registry(self) -> list[tuple[str, Event]]:
        c, town, div = self.county, f"{self.county}100000", rg.DivisionRegistered
        people = [(self.jia, "甲律师", "13900000001"), (self.yi, "乙律师", "13900000002"),
                  (self.bing, "丙律师", "13900000003"), (self.ding, "丁律师", "13900000004")]  # fmt: skip
        return [
            (f"div-{c}", div(code=c, name="川北县", level=DivisionLevel.county, parent_code=c[:4] + "00")),
            (f"div-{town}", div(code=town, name="川北镇", level=DivisionLevel.township, parent_code=c)),
            (f"div-{self.v1}", div(code=self.v1, name="东村", level=DivisionLevel.village, parent_code=town)),
            (f"div-{self.v2}", div(code=self.v2, name="西村", level=DivisionLevel.village, parent_code=town)),
            (f"unit-{self.firm}", rg.UnitRegistered(unit_id=self.firm, kind=UnitKind.law_firm, name="川北律师事务所", division_code=c)),
            *[(f"adv-{a}", rg.AdvisorRegistered(advisor_id=a, name=n, kind=AdvisorKind.lawyer, unit_id=self.firm, phone=p))
              for a, n, p in people],
            self.assign(1, self.v1, self.jia, date(2025, 1, 1), "每周一"),
            (f"as-{self.v1}", rg.AssignmentEnded(assignment_id=f"AS-{c}-1", village_code=self.v1, advisor_id=self.jia,
                                                 valid_to=date(2025, 5, 15), reason="人员调整")),
            self.assign(2, self.v1, self.yi, date(2025, 5, 16), "每周二"),
            self.assign(3, self.v2, self.bing, date(2025, 1, 1), "每周三 9:00-12:00"),
            (f"as-{self.v2}", rg.AssignmentEnded(assignment_id=f"AS-{c}-3", village_code=self.v2, advisor_id=self.bing,
                                                 valid_to=self.handover - timedelta(days=1), reason="人员调整")),
            self.assign(4, self.v2, self.ding, self.handover, "每周四"),
        ]  # fmt: skip

    def ledger(self) -> list[tuple[str, Event]]:
        def visit(n: int, village: str, advisor: str, start: datetime, minutes: int) -> tuple[str, Event]:
            end = start + timedelta(minutes=minutes)
            return (f"e-{self.county}-{n}", lg.VisitLogged(entry_id=f"E{self.county}-{n}", occurred_at=start, started_at=start, ended_at=end,
                                             hours=round(minutes / 60, 2), place="村委会", summary="驻村服务", advisor_id=advisor,
                                             unit_id=self.firm, village_code=village))  # fmt: skip

        week = timedelta(weeks=1)
        q1 = [
            visit(n, self.v1, self.jia, datetime(2025, 1, 6, 9, tzinfo=CST) + n * week, 80) for n in range(6)
        ]
        q2 = [
            visit(10 + n, self.v1, self.yi, datetime(2025, 5, 19, 9, tzinfo=CST) + n * week, 80)
            for n in range(6)
        ]
        who: dict[str, Any] = {"advisor_id": self.yi, "unit_id": self.firm, "village_code": self.v1}
        return [
            *q1, *q2,
            visit(20, self.v2, self.bing, datetime(2025, 3, 31, 23, tzinfo=CST), 80),  # 1 h in Q1, 20 min in Q2
            (f"e-{self.county}-21", lg.LectureHeld(entry_id=f"E{self.county}-21", occurred_at=datetime(2025, 6, 3, 9, tzinfo=CST), topic="民法典", audience=30, **who)),
            (f"e-{self.county}-22", lg.PublicityEventHeld(entry_id=f"E{self.county}-22", occurred_at=datetime(2025, 9, 3, 9, tzinfo=CST), topic="宪法日", audience=50, **who)),
            (f"e-{self.county}-23", lg.LectureHeld(entry_id=f"E{self.county}-23", occurred_at=datetime(2025, 10, 3, 9, tzinfo=CST), topic="反诈", audience=20, **who)),
            (f"e-{self.county}-23", lg.EntryVoided(entry_id=f"E{self.county}-23", village_code=self.v1, reason="重复录入")),
        ]  # fmt: skip

    def rules(self) -> list[tuple[str, Event]]:
        return [(f"rules-{self.county}", ComplianceRulesSet(division_code=self.county, version=1, effective_from=date(2025, 5, 1),
                                                            min_quarter_onsite_hours=10, min_year_lectures=4))]  # fmt: skip


@pytest.fixture(scope="module")
async def world(devstack) -> AsyncIterator[tuple[Reporting, Scene]]:  # type: ignore[no-untyped-def]
    async with reporting_service(devstack.dsn, devstack.bootstrap) as reporting:
        scene = Scene(reporting.county)
        await reporting.publish("registry", scene.registry())
        await reporting.publish("ledger", scene.ledger())
        await reporting.publish("assessment", scene.rules())
        admin = reporting.headers("county_admin", scene.county)

        async def settled() -> Any:
            q4 = (await reporting.http.get("/compliance", params={"quarter": "2025Q4"}, headers=admin)).json()
            q2 = (await reporting.http.get("/compliance", params={"quarter": "2025Q2"}, headers=admin)).json()
            stats = (
                await reporting.http.get("/statistics", params={"period": "2025H1"}, headers=admin)
            ).json()
            board = await reporting.http.get(f"/public/villages/{scene.v2}.json")
            items = {i["village_code"]: i for i in q4.get("items", [])}
            v1 = items.get(scene.v1, {}).get("lectures", {})
            reached = {
                "villages": len(items) == 2,
                "lectures": v1.get("count") == 2,
                "rules": v1.get("minimum") == 4,
                "hours": {i["hours"] for i in q2.get("items", [])} == {8.0, 0.33},
                "statistics": stats.get("totals", {}).get("visits") == 13,
                "board": board.status_code == 200 and board.json()["advisor_name"] is not None,
            }
            return True if all(reached.values()) else Pending(reached)

        await eventually(settled, within=40, what="the reporting projections caught up")
        yield reporting, scene


async def compliance(reporting: Reporting, scene: Scene, quarter: str) -> dict[str, Any]:
    admin = reporting.headers("county_admin", scene.county)
    body = (await reporting.http.get("/compliance", params={"quarter": quarter}, headers=admin)).json()
    return {"body": body, **{i["village_code"]: i for i in body["items"]}}


async def test_six_visits_of_80_minutes_meet_the_quarter_s_8_hours(world) -> None:  # type: ignore[no-untyped-def]
    reporting, scene = world
    q1 = await compliance(reporting, scene, "2025Q1")
    v1, v2 = q1[scene.v1], q1[scene.v2]
    assert (v1["hours"], v1["min_quarter_onsite_hours"], v1["meets_onsite_minimum"]) == (8.0, 8, True)
    assert v1["onsite_rule"] == {"division_code": "620000", "version": 1, "effective_from": "2018-01-01"}
    assert (v2["hours"], v2["meets_onsite_minimum"]) == (1.0, False)  # the boundary visit's Q1 part


async def test_the_quarter_after_a_rule_change_is_judged_by_the_county_s_new_version(world) -> None:  # type: ignore[no-untyped-def]
    reporting, scene = world
    v1 = (await compliance(reporting, scene, "2025Q2"))[scene.v1]
    assert (v1["hours"], v1["min_quarter_onsite_hours"], v1["meets_onsite_minimum"]) == (8.0, 10, False)
    assert v1["onsite_rule"] == {"division_code": scene.county, "version": 1, "effective_from": "2025-05-01"}


async def test_a_past_quarter_names_the_advisor_in_force_then(world) -> None:  # type: ignore[no-untyped-def]
    reporting, scene = world
    q1 = await compliance(reporting, scene, "2025Q1")
    assert (q1[scene.v1]["advisor_id"], q1[scene.v1]["advisor_name"], q1[scene.v1]["covered"]) == (
        scene.jia,
        "甲律师",
        True,
    )
    assert q1["body"]["assignments_as_of"] == "2025-03-31"
    q2 = await compliance(reporting, scene, "2025Q2")
    assert q2[scene.v1]["advisor_name"] == "乙律师"  # in force on the quarter's last day
    assert [(s["advisor_id"], s["from"], s["to"]) for s in q2[scene.v1]["served"]] == [
        (scene.jia, "2025-01-01", "2025-05-15"), (scene.yi, "2025-05-16", None)
    ]  # fmt: skip
    before = await compliance(reporting, scene, "2024Q4")
    assert (before[scene.v1]["advisor_id"], before[scene.v1]["covered"]) == (None, False)


async def test_the_compliance_view_counts_the_year_s_lectures_against_the_minimum(world) -> None:  # type: ignore[no-untyped-def]
    reporting, scene = world
    for quarter in ("2025Q1", "2025Q4"):  # every quarter shows its year's figure, by the year's rule
        lectures = (await compliance(reporting, scene, quarter))[scene.v1]["lectures"]
        assert lectures == {
            "year": 2025, "count": 2, "minimum": 4, "meets_minimum": False,
            "rule": {"division_code": scene.county, "version": 1, "effective_from": "2025-05-01"},
        }  # fmt: skip
    earlier = (await compliance(reporting, scene, "2024Q2"))[scene.v1]["lectures"]
    assert (earlier["count"], earlier["minimum"], earlier["rule"]["division_code"]) == (0, 2, "620000")


async def test_the_dashboard_uses_each_quarter_s_rule_and_assignments(world) -> None:  # type: ignore[no-untyped-def]
    reporting, scene = world
    admin = reporting.headers("county_admin", scene.county)

    async def tiles(quarter: str) -> dict[str, Any]:
        view = (
            await reporting.http.get("/dashboard/overview", params={"period": quarter}, headers=admin)
        ).json()
        return view["tiles"]  # type: ignore[no-any-return]

    q1, q2 = await tiles("2025Q1"), await tiles("2025Q2")
    assert (
        q1["coverage"]["value"],
        q1["onsite"]["value"],
        q1["onsite"]["rule"]["versions"][0]["division_code"],
    ) == (
        2,
        1,
        "620000",
    )
    assert (
        q2["coverage"]["value"],
        q2["onsite"]["value"],
        q2["onsite"]["rule"]["versions"][0]["division_code"],
    ) == (
        2,
        0,
        scene.county,
    )
    assert (await tiles("2024Q4"))["coverage"]["value"] == 0


async def test_the_statistics_add_exact_durations(world) -> None:  # type: ignore[no-untyped-def]
    reporting, scene = world
    admin = reporting.headers("county_admin", scene.county)
    table = (await reporting.http.get("/statistics", params={"period": "2025H1"}, headers=admin)).json()
    by_village = {r["village_code"]: r["visit_hours"] for r in table["rows"]}
    assert by_village == {scene.v1: 16.0, scene.v2: 1.33}  # 12 × 80 min; not 12 × 1.33 = 15.96
    assert table["totals"]["visit_hours"] == 17.33


async def test_a_reassignment_dated_in_the_future_is_not_on_the_board_yet(world) -> None:  # type: ignore[no-untyped-def]
    reporting, scene = world
    board = (await reporting.http.get(f"/public/villages/{scene.v2}.json")).json()
    assert (board["advisor_name"], board["phone"], board["schedule"]) == (
        "丙律师",
        "13900000003",
        "每周三 9:00-12:00",
    )
    assert (await reporting.http.get(f"/public/villages/{scene.v1}.json")).json()["advisor_name"] == "乙律师"
