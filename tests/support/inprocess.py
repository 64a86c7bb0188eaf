"""One service in-process for API tests: its own database, the session's broker, real lifespan.

Read models are renamed per harness (own generation tables and consumer groups reading from the
earliest offset), so events other tests put on the shared topics never mix into its state.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
from eventkit.runtime import ServiceSpec, create_app
from eventkit.tokens import issue
from fastapi import FastAPI

SETTINGS = ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "VC_SERVICE", "VC_JWT_SECRET",
            "VC_CONSUMER_SESSION_TIMEOUT_MS")  # fmt: skip


class Renamed:
    """A read model under another name: its own tables' generation prefix and consumer group."""

    def __init__(self, inner: Any, suffix: str) -> None:
        self.inner, self.name = inner, f"{inner.name}_{suffix}"
        self.topics, self.tables, self.ddl = inner.topics, inner.tables, inner.ddl
        # the runner admits the inner read model's entry events (it no longer does it in `apply`)
        self.entry_events, self.rebuild_defers_indexes = inner.entry_events, inner.rebuild_defers_indexes
        self.handles = None  # every event validated and handed over, as before `handles` was a member

    async def apply(self, *args: Any) -> None:
        await self.inner.apply(*args)


class ByHost(httpx.AsyncBaseTransport):
    """One client for several in-process apps: http://registry/... goes to apps["registry"], etc."""

    def __init__(self, apps: dict[str, Any]) -> None:
        self.transports = {host: httpx.ASGITransport(app=app) for host, app in apps.items()}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.transports[request.url.host].handle_async_request(request)


def bearer(
    secret: str, role: str, scope: str, subject: str | None = None, unit: str | None = None
) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue(secret, role=role, scope=scope, subject=subject, unit=unit)}"}


def new_secret() -> str:
    return secrets.token_urlsafe(48)


@contextlib.asynccontextmanager
async def own_database(dsn: str, name: str, *, keep: bool = False) -> AsyncIterator[str]:
    """Database `name` on the server of `dsn` (created if missing, dropped after unless `keep`)."""
    admin = await asyncpg.connect(dsn)
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await admin.execute(f'CREATE DATABASE "{name}"')
        yield urlunsplit(urlsplit(dsn)._replace(path=f"/{name}"))
    finally:
        if not keep:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """`values` set in os.environ for the block; every service setting (SETTINGS) restored after."""
    saved = {k: os.environ.get(k) for k in SETTINGS}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.asynccontextmanager
async def running_app(
    spec: ServiceSpec,
    tag: str,
    *,
    database: str,
    bootstrap: str,
    secret: str,
    build: Callable[[ServiceSpec], FastAPI] = create_app,
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """`spec`'s app with renamed read models, started through its lifespan, and a client for it."""
    # the broker's start waits about one session timeout for the group join: keep it short here
    settings = {"DATABASE_URL": database, "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "VC_SERVICE": spec.name,
                "VC_JWT_SECRET": secret, "VC_CONSUMER_SESSION_TIMEOUT_MS": "2000"}  # fmt: skip
    with environment(settings):
        app = build(replace(spec, projections=[Renamed(p, tag) for p in spec.projections]))
        async with app.router.lifespan_context(app):  # type: ignore[attr-defined]
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url=f"http://{spec.name}", timeout=60
            ) as http:
                yield app, http
