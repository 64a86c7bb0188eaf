"""Harness of the reporting API tests (no tests here): the reporting app in-process (ASGI transport,
real lifespan) on a database of its own and the session's broker, fed registry and ledger events
produced to those services' topics as they would publish them. Its read models get unique names
(own consumer groups from the earliest offset) and its county a random code, so other tests'
events on the shared topics never land in its scope.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

import asyncpg
import httpx
from eventkit.runtime import create_app
from eventkit.tokens import issue
from reporting.main import SPEC
from support.publishing import publish_as
from vc_contracts import Event, Tenant

SETTINGS = (
    "DATABASE_URL",
    "KAFKA_BOOTSTRAP_SERVERS",
    "VC_SERVICE",
    "VC_JWT_SECRET",
    "VC_CONSUMER_SESSION_TIMEOUT_MS",
)


class Renamed:
    def __init__(self, inner: Any, suffix: str) -> None:
        self.inner, self.name = inner, f"{inner.name}_{suffix}"
        self.topics, self.tables, self.ddl = inner.topics, inner.tables, inner.ddl

    async def apply(self, *args: Any) -> None:
        await self.inner.apply(*args)


@dataclass
class Reporting:
    http: httpx.AsyncClient
    pool: asyncpg.Pool
    secret: str
    bootstrap: str
    county: str

    def headers(
        self, role: str, scope: str, unit: str | None = None, subject: str | None = None
    ) -> dict[str, str]:
        token = issue(self.secret, role=role, scope=scope, subject=subject, unit=unit)
        return {"Authorization": f"Bearer {token}"}

    async def publish(self, service: str, events: list[tuple[str, Event]]) -> None:
        """Publish (stream id, event) pairs on a service's topic, versions counted per stream."""
        await publish_as(self.bootstrap, service, events, tenant=Tenant.of(self.county))


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
async def reporting_service(dsn: str, bootstrap: str) -> AsyncIterator[Reporting]:
    tag = uuid4().hex[:8]
    county = f"62{random.randint(50, 99)}{random.randint(10, 99)}"
    name = f"vc_reporting_{tag}"
    admin = await asyncpg.connect(dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    own = urlunsplit(urlsplit(dsn)._replace(path=f"/{name}"))
    secret = secrets.token_urlsafe(48)
    saved = {k: os.environ.get(k) for k in SETTINGS}
    os.environ.update(DATABASE_URL=own, KAFKA_BOOTSTRAP_SERVERS=bootstrap, VC_SERVICE="reporting",
                      VC_JWT_SECRET=secret, VC_CONSUMER_SESSION_TIMEOUT_MS="2000")  # fmt: skip
    app = create_app(replace(SPEC, projections=[Renamed(p, tag) for p in SPEC.projections]))
    try:
        async with app.router.lifespan_context(app):  # type: ignore[attr-defined]
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://reporting", timeout=60
            ) as http:
                yield Reporting(http, app.state.runtime.pool, secret, bootstrap, county)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
