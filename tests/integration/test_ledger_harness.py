"""Harness of the ledger integration tests (no tests here): the ledger app in-process (ASGI transport,
real lifespan) on a database of its own and the session's broker, taught about villages and
assignments by registry events produced to the registry topic, as the registry would publish them.

Its read models get unique names (so unique consumer groups, reading from the earliest offset),
so a ledger process of another test in the same session never takes their partitions.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

import asyncpg
import httpx
from eventkit.tokens import issue
from ledger.main import SPEC, build_app
from support.publishing import publish_as
from vc_contracts import Event, Tenant
from vc_contracts.catalogue.registry import AdvisorAssigned, AssignmentEnded

SETTINGS = (
    "DATABASE_URL",
    "KAFKA_BOOTSTRAP_SERVERS",
    "VC_SERVICE",
    "VC_JWT_SECRET",
    "VC_CONSUMER_SESSION_TIMEOUT_MS",
)


class Renamed:
    """A read model under another name: its own tables' generation prefix and consumer group."""

    def __init__(self, inner: Any, suffix: str) -> None:
        self.inner, self.name = inner, f"{inner.name}_{suffix}"
        self.topics, self.tables, self.ddl = inner.topics, inner.tables, inner.ddl

    async def apply(self, *args: Any) -> None:
        await self.inner.apply(*args)


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
        token = issue(self.secret, role=role, scope=scope, subject=subject, unit=unit)
        return {"Authorization": f"Bearer {token}"}

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


async def eventually(check: Callable[[], Awaitable[Any]], within: float = 30.0, what: str = "") -> Any:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        if result := await check():
            return result
        if loop.time() > deadline:
            raise AssertionError(f"not reached within {within}s: {what}")
        await asyncio.sleep(0.1)


@contextlib.asynccontextmanager
async def ledger_service(
    dsn: str, bootstrap: str, *, tag: str | None = None, keep: bool = False
) -> AsyncIterator[Ledger]:
    """The app on database vc_ledger_<tag> (created if missing; dropped at the end unless `keep`)."""
    tag = tag or uuid4().hex[:8]
    name = f"vc_ledger_{tag}"
    admin = await asyncpg.connect(dsn)
    if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
        await admin.execute(f'CREATE DATABASE "{name}"')
    own = urlunsplit(urlsplit(dsn)._replace(path=f"/{name}"))
    secret = secrets.token_urlsafe(48)
    saved = {k: os.environ.get(k) for k in SETTINGS}
    os.environ.update(DATABASE_URL=own, KAFKA_BOOTSTRAP_SERVERS=bootstrap, VC_SERVICE="ledger",
                      VC_JWT_SECRET=secret, VC_CONSUMER_SESSION_TIMEOUT_MS="2000")  # fmt: skip
    # the broker's start waits about one session timeout for the group join: keep it short here
    spec = replace(SPEC, projections=[Renamed(p, tag) for p in SPEC.projections])
    app = build_app(spec)
    try:
        async with app.router.lifespan_context(app):  # type: ignore[attr-defined]
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://ledger", timeout=60) as http:
                yield Ledger(http, app.state.runtime.pool, own, secret, bootstrap, tag)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        if not keep:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


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
