"""Harness of the ledger integration tests (no tests here): the ledger app in-process (ASGI transport,
real lifespan) on a database of its own and the session's broker, taught about villages and
assignments by registry events produced to the registry topic, as the registry would publish them.

Its read models get unique names (so unique consumer groups, reading from the earliest offset),
so a ledger process of another test in the same session never takes their partitions.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
from ledger.main import SPEC, build_app
from support.inprocess import bearer, new_secret, own_database, running_app
from support.publishing import publish_as
from support.waiting import eventually
from vc_contracts import CST, Event, Tenant
from vc_contracts.catalogue.registry import AdvisorAssigned, AssignmentEnded


@dataclass
class Ledger:
    http: httpx.AsyncClient
    pool: asyncpg.Pool
    dsn: str
    secret: str
    bootstrap: str
    tag: str  # unique per harness: ids of its advisors and units

    def headers(
        self, role: str, scope: str, subject: str | None = None, unit: str | None = None
    ) -> dict[str, str]:
        return bearer(self.secret, role, scope, subject, unit)

    async def publish_registry(self, events: list[tuple[str, Event]]) -> None:
        """Publish (stream id, event) pairs on the registry topic, versions counted per stream."""
        named = [(f"{self.tag}-{name}", event) for name, event in events]
        await publish_as(self.bootstrap, "registry", named, tenant=Tenant.of("621025"))

    async def assign(
        self, village: str, advisor: str, unit: str, since: date, until: date | None = None
    ) -> None:
        assignment_id = f"AS-{self.tag}-{village}-{advisor}"
        events: list[tuple[str, Event]] = [
            (f"assign-{village}-{advisor}", AdvisorAssigned(assignment_id=assignment_id, village_code=village,
             advisor_id=advisor, unit_id=unit, valid_from=since, schedule="每周三 9:00-12:00"))
        ]  # fmt: skip
        if until is not None:
            ended = AssignmentEnded(assignment_id=assignment_id, village_code=village, advisor_id=advisor,
                                    valid_to=until, reason="人员调整")  # fmt: skip
            events.append((f"assign-{village}-{advisor}", ended))
        await self.publish_registry(events)


@contextlib.asynccontextmanager
async def ledger_service(
    dsn: str, bootstrap: str, *, tag: str | None = None, keep: bool = False
) -> AsyncIterator[Ledger]:
    """The app on database vc_ledger_<tag> (created if missing; dropped at the end unless `keep`)."""
    tag, secret = tag or uuid4().hex[:8], new_secret()
    async with (
        own_database(dsn, f"vc_ledger_{tag}", keep=keep) as database,
        running_app(SPEC, tag, database=database, bootstrap=bootstrap, secret=secret, build=build_app) as (
            app,
            http,
        ),
    ):
        yield Ledger(http, app.state.runtime.pool, database, secret, bootstrap, tag)


@dataclass(frozen=True)
class Cast:
    """Who is who in one harness: a township with four villages, a law firm and a justice office."""

    tag: str

    @property
    def villages(self) -> tuple[str, str, str, str]:
        return ("621025390201", "621025390202", "621025390203", "621025390204")

    @property
    def firm(self) -> str:
        return f"U-{self.tag}-firm"

    @property
    def office(self) -> str:
        return f"U-{self.tag}-office"

    def advisor(self, name: str) -> str:
        return f"A-{self.tag}-{name}"


async def set_the_scene(ledger: Ledger, since: date) -> Cast:
    """Names, and assignments: li (firm) serves V1 and V2, zhao (office) V3; V4 has nobody."""
    from vc_contracts.catalogue.enums import AdvisorKind, DivisionLevel, UnitKind  # noqa: PLC0415
    from vc_contracts.catalogue.registry import (  # noqa: PLC0415
        AdvisorRegistered,
        DivisionRegistered,
        UnitRegistered,
    )

    cast = Cast(ledger.tag)
    v1, v2, v3, v4 = cast.villages
    names: list[tuple[str, Event]] = [
        (f"div-{code}", DivisionRegistered(code=code, name=name, level=DivisionLevel.village,
                                           parent_code="621025390000"))
        for code, name in [(v1, "上川村"), (v2, "下川村"), (v3, "中川村"), (v4, "后川村")]
    ]  # fmt: skip
    names += [
        ("unit-firm", UnitRegistered(unit_id=cast.firm, kind=UnitKind.law_firm, name="甘肃川源律师事务所",
                                     division_code="621025")),
        ("unit-office", UnitRegistered(unit_id=cast.office, kind=UnitKind.justice_office, name="川源司法所",
                                       division_code="621025")),
        ("adv-li", AdvisorRegistered(advisor_id=cast.advisor("li"), name="李川", kind=AdvisorKind.lawyer,
                                     unit_id=cast.firm, phone="13900001111", licence_no="16210201234567890")),
        ("adv-zhao", AdvisorRegistered(advisor_id=cast.advisor("zhao"), name="赵川",
                                       kind=AdvisorKind.judicial_assistant, unit_id=cast.office,
                                       phone="13900002222")),
    ]  # fmt: skip
    await ledger.publish_registry(names)
    await ledger.assign(v1, cast.advisor("li"), cast.firm, since)
    await ledger.assign(v2, cast.advisor("li"), cast.firm, since)
    await ledger.assign(v3, cast.advisor("zhao"), cast.office, since)

    async def learnt() -> bool:
        count = await ledger.pool.fetchval(
            "SELECT count(*) FROM ledger.known_assignments WHERE advisor_id LIKE $1", f"A-{ledger.tag}-%"
        )
        named = await ledger.pool.fetchval("SELECT count(*) FROM ledger.ledger_names WHERE key = $1",
                                           f"advisor:{cast.advisor('zhao')}")  # fmt: skip
        return bool(count == 3 and named == 1)

    await eventually(learnt, what="the ledger learns the registry's assignments and names")
    return cast


def at(day: date, hour: int, minute: int = 0) -> str:
    """An ISO instant at `hour:minute` of `day` in China Standard Time."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CST).isoformat()


@contextlib.asynccontextmanager
async def ledger_scene(devstack: Any, day: date) -> AsyncIterator[tuple[Ledger, Cast]]:
    """A ledger service with the cast assigned since January 1st of the year before `day`."""
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        yield ledger, await set_the_scene(ledger, date(day.year - 1, 1, 1))


CONSULTATION_HEADINGS = [
    "类型",
    "顾问编号",
    "村（社区）代码",
    "开始时间",
    "内容摘要",
    "渠道",
    "类别",
    "结果",
    "客户端编号",
]
"""Backfill columns of a consultation row (the ledger's Chinese headings)."""
