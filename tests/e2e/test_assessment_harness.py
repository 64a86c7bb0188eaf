"""Harness of the assessment API tests (no tests here): the assessment app in-process (ASGI transport,
real lifespan) on a database of its own and the session's broker, fed registry and ledger events
produced to their topics as those services would publish them.

Its read models get unique names (unique consumer groups reading from the earliest offset), and every
advisor id carries the harness tag, so other tests' events on the same topics never count here.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

import asyncpg
import httpx
from assessment.main import SPEC
from eventkit.runtime import create_app
from eventkit.tokens import issue
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
    """A read model under another name: its own tables' generation prefix and consumer group."""

    def __init__(self, inner: Any, suffix: str) -> None:
        self.inner, self.name = inner, f"{inner.name}_{suffix}"
        self.topics, self.tables, self.ddl = inner.topics, inner.tables, inner.ddl

    async def apply(self, *args: Any) -> None:
        await self.inner.apply(*args)


@dataclass
class Assessment:
    secret: str
    bootstrap: str
    tag: str
    versions: dict[str, int] = field(default_factory=dict)
    http: httpx.AsyncClient = field(default_factory=httpx.AsyncClient)

    def headers(
        self, role: str, scope: str, subject: str | None = None, unit: str | None = None
    ) -> dict[str, str]:
        token = issue(self.secret, role=role, scope=scope, subject=subject, unit=unit)
        return {"Authorization": f"Bearer {token}"}

    async def publish(self, service: str, events: list[tuple[str, Event]]) -> None:
        """Publish (stream name, event) pairs on `service`'s topic, versions counted per stream."""
        named = [(f"{self.tag}-{name}", event) for name, event in events]
        await publish_as(self.bootstrap, service, named, tenant=Tenant.of("621025"), versions=self.versions)


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
async def assessment_service(
    dsn: str, bootstrap: str, feed: Callable[[Assessment], Awaitable[None]]
) -> AsyncIterator[Assessment]:
    """The service, started after `feed` has published its events (the topics exist before it
    subscribes, so a consumer never starts on a topic that is created under it)."""
    tag = uuid4().hex[:8]
    name = f"vc_assessment_{tag}"
    admin = await asyncpg.connect(dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    own = urlunsplit(urlsplit(dsn)._replace(path=f"/{name}"))
    secret = secrets.token_urlsafe(48)
    service = Assessment(secret, bootstrap, tag)
    await feed(service)
    saved = {k: os.environ.get(k) for k in SETTINGS}
    os.environ.update(
        DATABASE_URL=own,
        KAFKA_BOOTSTRAP_SERVERS=bootstrap,
        VC_SERVICE="assessment",
        VC_JWT_SECRET=secret,
        VC_CONSUMER_SESSION_TIMEOUT_MS="2000",
    )
    app = create_app(replace(SPEC, projections=[Renamed(p, tag) for p in SPEC.projections]))
    try:
        async with app.router.lifespan_context(app):  # type: ignore[attr-defined]
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://assessment", timeout=60
            ) as http:
                service.http = http
                yield service
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
