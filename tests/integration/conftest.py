"""Fixtures of the eventkit integration tests: a database of their own, unique schemas and topics.

The tests get their own database on the devstack server (created here, dropped at the end) so that
the schemas they create never show up in other tests' view of the session database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

import asyncpg
import pytest
from devstack.pytest_plugin import DevStack
from eventkit.migrations import EVENT_STORE, PROJECTIONS, migrate
from eventkit.store import EventStore


def unique(prefix: str) -> str:
    """A fresh lowercase name, usable as a schema, topic or consumer-group name."""
    return f"{prefix}_{uuid4().hex[:10]}"


@pytest.fixture(scope="session")
async def database(devstack: DevStack) -> AsyncIterator[str]:
    """DSN of a database created for this session's eventkit tests."""
    name = unique("vc_eventkit")
    admin = await asyncpg.connect(devstack.dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield urlunsplit(urlsplit(devstack.dsn)._replace(path=f"/{name}"))
    finally:  # a new connection: a test may have restarted PostgreSQL meanwhile
        admin = await asyncpg.connect(devstack.dsn)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@pytest.fixture
async def pool(database: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(database, min_size=2, max_size=40)
    try:
        yield pool
    finally:
        await pool.close()


@pytest.fixture
def bootstrap(devstack: DevStack) -> str:
    return devstack.bootstrap


@pytest.fixture
async def schema(pool: asyncpg.Pool) -> str:
    """A fresh schema holding an event store and the projection tables."""
    name = unique("t")
    await migrate(pool, name, EVENT_STORE, PROJECTIONS)
    return name


@pytest.fixture
def store(pool: asyncpg.Pool, schema: str) -> EventStore:
    return EventStore(pool, schema)


@pytest.fixture
def topic() -> str:
    return unique("test.events").replace("_", "-")
