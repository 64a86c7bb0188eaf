"""Harness of the assessment API tests (no tests here): the assessment app in-process (ASGI transport,
real lifespan) on a database of its own and the session's broker, fed registry and ledger events
produced to their topics as those services would publish them.

Its read models get unique names (unique consumer groups reading from the earliest offset), and every
advisor id carries the harness tag, so other tests' events on the same topics never count here.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

import httpx
from assessment.main import SPEC
from support.inprocess import bearer, new_secret, own_database, running_app
from support.publishing import publish_as
from vc_contracts import Event, Tenant


@dataclass
class Assessment:
    secret: str
    bootstrap: str
    tag: str
    versions: dict[str, int] = field(default_factory=dict)
    http: httpx.AsyncClient = field(default_factory=httpx.AsyncClient)
    app: Any = None
    """The app itself (its runtime: the store, the read models)."""

    def headers(
        self, role: str, scope: str, subject: str | None = None, unit: str | None = None
    ) -> dict[str, str]:
        return bearer(self.secret, role, scope, subject, unit)

    async def publish(self, service: str, events: list[tuple[str, Event]]) -> None:
        """Publish (stream name, event) pairs on `service`'s topic, versions counted per stream."""
        named = [(f"{self.tag}-{name}", event) for name, event in events]
        await publish_as(self.bootstrap, service, named, tenant=Tenant.of("621025"), versions=self.versions)


@contextlib.asynccontextmanager
async def assessment_service(
    dsn: str, bootstrap: str, feed: Callable[[Assessment], Awaitable[None]]
) -> AsyncIterator[Assessment]:
    """The service, started after `feed` has published its events (the topics exist before it
    subscribes, so a consumer never starts on a topic that is created under it)."""
    tag = uuid4().hex[:8]
    service = Assessment(new_secret(), bootstrap, tag)
    async with own_database(dsn, f"vc_assessment_{tag}") as database:
        await feed(service)
        async with running_app(SPEC, tag, database=database, bootstrap=bootstrap, secret=service.secret) as (
            app,
            http,
        ):
            service.http, service.app = http, app
            yield service
