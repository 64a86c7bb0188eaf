"""Harness of the reporting API tests (no tests here): the reporting app in-process (ASGI transport,
real lifespan) on a database of its own and the session's broker, fed registry and ledger events
produced to those services' topics as they would publish them. Its read models get unique names
(own consumer groups from the earliest offset) and its county a random code, so other tests'
events on the shared topics never land in its scope.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
from reporting.main import SPEC
from support.inprocess import bearer, new_secret, own_database, running_app
from support.publishing import publish_as
from vc_contracts import Event, Tenant


@dataclass
class Reporting:
    http: httpx.AsyncClient
    pool: asyncpg.Pool
    secret: str
    bootstrap: str
    county: str
    app: Any = None
    """The app itself (for a real HTTP server in front of it: streamed responses)."""

    def headers(
        self, role: str, scope: str, unit: str | None = None, subject: str | None = None
    ) -> dict[str, str]:
        return bearer(self.secret, role, scope, subject, unit)

    async def publish(
        self, service: str, events: list[tuple[str, Event]], occurred_at: datetime | None = None
    ) -> None:
        """Publish (stream id, event) pairs on a service's topic, versions counted per stream;
        `occurred_at` backdates them (a unit registered before the periods it reports on)."""
        await publish_as(
            self.bootstrap, service, events, tenant=Tenant.of(self.county), occurred_at=occurred_at
        )


@contextlib.asynccontextmanager
async def reporting_service(dsn: str, bootstrap: str) -> AsyncIterator[Reporting]:
    tag, secret = uuid4().hex[:8], new_secret()
    county = f"62{random.randint(50, 99)}{random.randint(10, 98)}"  # never 629999: the tests' unknown county
    async with (
        own_database(dsn, f"vc_reporting_{tag}") as database,
        running_app(SPEC, tag, database=database, bootstrap=bootstrap, secret=secret) as (app, http),
    ):
        yield Reporting(http, app.state.runtime.pool, secret, bootstrap, county, app)
