# ruff: noqa: E501  (the scene reads best as one event per line)
"""The reporting tests' scene (no tests here): a county with two villages, a firm and an office,
and a 2025H1 ledger with a visit across a quarter boundary, one across the half-year boundary,
a corrected lecture and a voided consultation."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from support.waiting import eventually
from test_reporting_harness import Reporting
from vc_contracts import CST, Event
from vc_contracts.catalogue import ledger as lg
from vc_contracts.catalogue import registry as rg
from vc_contracts.catalogue.enums import AdvisorKind, DivisionLevel, UnitKind


def at(month: int, day: int, hour: int, year: int = 2025) -> datetime:
    return datetime(year, month, day, hour, tzinfo=CST)


class Scene:
    def __init__(self, county: str) -> None:
        self.county, self.city = county, county[:4] + "00"
        self.v1, self.v2 = f"{county}100201", f"{county}100202"
        self.firm, self.office, self.li = f"U-{county}-firm", f"U-{county}-office", f"A-{county}-li"

    def registry(self) -> list[tuple[str, Event]]:
        c, town = self.county, f"{self.county}100000"
        div = rg.DivisionRegistered
        return [
            (f"div-{c}", div(code=c, name="川源县", level=DivisionLevel.county, parent_code=self.city)),
            (f"div-{town}", div(code=town, name="川源镇", level=DivisionLevel.township, parent_code=c)),
            (f"div-{self.v1}", div(code=self.v1, name="上川村", level=DivisionLevel.village, parent_code=town)),
            (f"div-{self.v2}", div(code=self.v2, name="下川村", level=DivisionLevel.village, parent_code=town)),
            (f"unit-{self.firm}", rg.UnitRegistered(unit_id=self.firm, kind=UnitKind.law_firm,
                                                    name="甘肃川源律师事务所", division_code=c)),
            (f"unit-{self.office}", rg.UnitRegistered(unit_id=self.office, kind=UnitKind.justice_office,
                                                      name="川源司法所", division_code=c)),
            (f"adv-{self.li}", rg.AdvisorRegistered(advisor_id=self.li, name="李川", kind=AdvisorKind.lawyer,
                                                    unit_id=self.firm, phone="13900001111")),
            (f"assign-{self.v1}", rg.AdvisorAssigned(assignment_id=f"AS-{self.v1}", village_code=self.v1,
                                                     advisor_id=self.li, unit_id=self.firm,
                                                     valid_from=date(2025, 1, 1), schedule="每周三 9:00-12:00")),
            (f"group-{self.v1}", rg.ServiceGroupEstablished(group_id=f"G-{self.v1}", village_code=self.v1,
                                                            advisor_id=self.li, name="上川村法律服务群",
                                                            member_count=120, established_on=date(2025, 1, 5))),
        ]  # fmt: skip

    def ledger(self) -> list[tuple[str, Event]]:
        # stream and entry ids carry the county: harnesses share the topics, and a read model that
        # already saw another harness's "e-1" (or entry "E1") would take this one's for a redelivery
        who: dict[str, Any] = {"advisor_id": self.li, "unit_id": self.firm, "village_code": self.v1}

        def visit(n: int, start: datetime, end: datetime) -> tuple[str, Event]:
            hours = (end - start).total_seconds() / 3600
            return (f"e-{self.county}-{n}", lg.VisitLogged(entry_id=f"E{self.county}-{n}", occurred_at=start, started_at=start, ended_at=end,
                                             hours=hours, place="村委会", summary="驻村服务", **who))  # fmt: skip

        return [
            visit(1, at(3, 31, 22), at(4, 1, 2)),  # 4 h, both quarters inside H1
            visit(2, at(6, 30, 21), at(7, 1, 3)),  # 3 h in H1, 3 h in H2
            (f"e-{self.county}-3", lg.LectureHeld(entry_id=f"E{self.county}-3", occurred_at=at(3, 5, 9), topic="民法典", audience=30, **who)),
            (f"e-{self.county}-4", lg.PublicityEventHeld(entry_id=f"E{self.county}-4", occurred_at=at(4, 5, 9), topic="宪法日", audience=50,
                                          **who)),
            (f"e-{self.county}-5", lg.ConsultationGiven(entry_id=f"E{self.county}-5", occurred_at=at(5, 1, 9), channel="wechat", category="land",
                                         outcome="resolved", summary="宅基地", **who)),
            (f"e-{self.county}-6", lg.ConsultationGiven(entry_id=f"E{self.county}-6", occurred_at=at(5, 2, 9), channel="phone",
                                         category="labour", outcome="resolved", summary="欠薪", **who)),
            (f"e-{self.county}-6", lg.EntryVoided(entry_id=f"E{self.county}-6", village_code=self.v1, reason="重复录入")),
            (f"e-{self.county}-7", lg.DisputeMediated(entry_id=f"E{self.county}-7", occurred_at=at(5, 3, 9), parties=2, category="neighbour",
                                       outcome="agreed", summary="邻里纠纷", **who)),
            (f"e-{self.county}-8", lg.DocumentReviewed(entry_id=f"E{self.county}-8", occurred_at=at(5, 4, 9), document_kind="village_rules",
                                        title="村规民约", summary="无违法条款", **who)),
            (f"e-{self.county}-9", lg.LectureHeld(entry_id=f"E{self.county}-9", occurred_at=at(6, 1, 9), topic="反诈", audience=10, **who)),
            (f"e-{self.county}-9", lg.EntryCorrected(entry_id=f"E{self.county}-9", village_code=self.v1, changes={"audience": 40},
                                      reason="听众人数录错")),
        ]  # fmt: skip


SETTLED_H1 = {"visits": 2, "visit_hours": 7.0, "lectures": 2, "publicity_events": 1, "audience": 120,
              "consultations": 1, "mediations": 1, "document_reviews": 1}  # fmt: skip
"""The scene's 2025H1 totals once every one of its ledger events is applied."""


async def build(reporting: Reporting) -> Scene:
    scene = Scene(reporting.county)
    # registered at the start of the scene's year: it owes the reports of 2025 (a unit registered
    # after a deadline does not, reporting.domain.deadlines.missed)
    await reporting.publish("registry", scene.registry(), occurred_at=at(1, 1, 0))
    await reporting.publish("ledger", scene.ledger())
    admin = reporting.headers("county_admin", scene.county)

    async def settled() -> bool:
        stats = await reporting.http.get("/statistics", params={"period": "2025H1"}, headers=admin)
        board = await reporting.http.get(f"/public/villages/{scene.v1}.json")
        dashboard = await reporting.http.get("/dashboard/overview", params={"period": "2025"}, headers=admin)
        coverage = dashboard.json().get("tiles", {}).get("coverage", {})
        totals = stats.json().get("totals", {})
        return (
            coverage.get("value") == 1  # the compliance view has the assignment too
            # every ledger event of the scene, not a few: the streams lie on several partitions, and
            # a visit applied after an advisor confirmed changed the half-year's figures under the
            # confirmation (a unit's submission refused 422 in a loaded CI run)
            and {key: totals.get(key) for key in SETTLED_H1} == SETTLED_H1
            and board.status_code == 200
            and board.json()["advisor_name"] == "李川"
        )

    await eventually(settled, within=40, what="statistics, board and compliance projections caught up")
    return scene


async def advisors_confirm(reporting: Reporting, scene: Scene, period: str) -> None:
    """The scene's advisor confirms their current figures of the half-year (before the unit submits)."""
    li = reporting.headers("advisor", scene.county, subject=scene.li)
    mine = await reporting.http.get(f"/reports/half-year/{period}/my-figures", headers=li)
    assert mine.status_code == 200, mine.text
    if mine.json()["rows"]:
        body = {"confirm_digest": mine.json()["digest"]}
        done = await reporting.http.post(f"/reports/half-year/{period}/confirmations", json=body, headers=li)
        assert done.status_code == 201, done.text
