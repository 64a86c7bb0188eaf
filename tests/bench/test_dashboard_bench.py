"""The dashboard figure of `make bench` installs every read model the province overview reads: an
overview of the empty bench schema answers (a read model the bench forgot made the whole run fail)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

import asyncpg
import pytest
from devstack.pytest_plugin import DevStack
from eventkit.clock import now_cst
from eventkit.db import create_pool
from eventkit.periods import quarter_of
from reporting.application.due_rules_view import rule_sets
from reporting.application.overview import overview
from vc_contracts.catalogue.enums import DivisionLevel
from vc_contracts.catalogue.registry import DivisionRegistered

from bench.dashboard import SCHEMA, _record, install


@pytest.fixture
async def pool(devstack: DevStack) -> AsyncIterator[asyncpg.Pool]:
    name = f"vc_dash_{uuid4().hex[:10]}"
    admin = await asyncpg.connect(devstack.dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        pool = await create_pool(urlunsplit(urlsplit(devstack.dsn)._replace(path=f"/{name}")))
        try:
            yield pool
        finally:
            await pool.close()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def test_the_overview_reads_only_tables_the_dashboard_bench_installs(pool: asyncpg.Pool) -> None:
    province = DivisionRegistered(code="620000", name="甘肃省", level=DivisionLevel.province)
    record = _record("registry", "div-620000", province, {})
    for runner in await install(pool):
        if record[2] in runner.projection.topics:
            await runner.apply_batch([record], _refused)
    answer = await overview(pool, SCHEMA, "62", "62", quarter_of(now_cst()), await rule_sets(pool, SCHEMA))
    assert answer["division"]["name"] == "甘肃省" and "questions" in answer["tiles"]


async def _refused(value: bytes, key: bytes | None, topic: str, error: str) -> None:
    raise AssertionError(error)
