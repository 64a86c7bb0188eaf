"""The province generator against the real services: a small province (the first four townships of
Lanzhou's 城关区, real names and codes) written twice gives the same events, and the county's
statistics table counts what the plan holds (on-site hours, lectures, consultations).

Each generation gets a fresh database of its own on the session's PostgreSQL and a Tansu of its own
(the services' topics have fixed names, so two provinces cannot share a broker). The first runs the
four services as processes, as `python -m bench.province` does (bench/province/stack.py), and is
counted. The second, written meanwhile in a thread, runs in-process only what the comparison reads:
the registry and the ledger, whose stores hold every event the generator causes (the writer sends
its commands to them alone; assessment and reporting only consume). Same code, same database and
broker, no server processes to start: what determinism needs, at a fraction of the cost.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest
from devstack import procs
from devstack.postgres import PostgresHandle, ensure_database, psql
from devstack.stack import Infra
from devstack.tansu import start_tansu
from eventkit.tokens import issue
from ledger.main import build_app as build_ledger
from registry.main import build_app as build_registry
from support.inprocess import ByHost, new_secret
from support.waiting import eventually
from vc_contracts.durations import display_hours

from bench.province import divisions
from bench.province.plan import Plan, expected_county, make_plan
from bench.province.stack import Stack, province_stack
from bench.province.writer import Writer

YEAR, TOWNSHIPS = 2025, 4
# What differs between two generations of the same plan: ids and times a service gives each event
# (event_id, position, recorded_at, correlation and causation ids, its actor's request metadata),
# and, in the data, the id of an assignment made by POST /assignments (new_id: random, as in
# production) plus the moments a late entry or a correction was recorded.
ENVELOPE = ("stream_id", "stream_version", "event_type", "data")
VARYING_DATA = ("assignment_id", "recorded_at", "logged_at", "corrected_at", "voided_at")
COMPARED = ("registry", "ledger")  # the schemas compared; the services the writer sends commands to


@pytest.fixture(scope="module")
def plan() -> Plan:
    return make_plan(divisions.load(100).first_townships(TOWNSHIPS), 7, YEAR)


async def events_of(dsn: str) -> list[tuple[Any, ...]]:
    conn = await asyncpg.connect(dsn)
    try:
        rows = []
        for schema in COMPARED:
            found = await conn.fetch(
                f"SELECT stream_id, stream_version, event_type, data FROM {schema}.events"
            )
            rows += [(schema, *[_clean(r[k]) for k in ENVELOPE]) for r in found]
        return sorted(rows)
    finally:
        await conn.close()


def _clean(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("{"):
        data = json.loads(value)
        return json.dumps({k: v for k, v in data.items() if k not in VARYING_DATA}, sort_keys=True)
    return value


async def statistics(stack: Stack, county: str, half: int) -> dict[str, Any]:
    token = issue(stack.secret, role="county_admin", scope=county, subject="test-county")
    async with httpx.AsyncClient(trust_env=False, timeout=60) as client:
        r = await client.get(
            f"{stack.urls['reporting']}/statistics?period={YEAR}H{half}&division={county}",
            headers={"Authorization": f"Bearer {token}"},
        )
    assert r.status_code == 200, r.text
    return dict(r.json()["totals"])


async def counted(stack: Stack, county: str, half: int, expected: tuple[object, ...]) -> None:
    """The half-year's county totals equal `expected` (waiting while the projections catch up)."""
    keys = ("visits", "visit_hours", "lectures", "audience", "consultations")
    got: tuple[object, ...] = ()

    async def check() -> bool:
        nonlocal got
        totals = await statistics(stack, county, half)
        got = tuple(totals[k] for k in keys)
        return got == expected

    with contextlib.suppress(AssertionError):
        await eventually(check, within=180, what=f"H{half} statistics")
    assert dict(zip(keys, got, strict=True)) == dict(zip(keys, expected, strict=True))


@contextlib.contextmanager
def own_infra(server_dsn: str, state: Path) -> Iterator[Infra]:
    """A fresh database on the session's server (dropped after) and a broker of its own."""
    database = f"vc_province_{uuid4().hex[:8]}"
    infra = Infra(PostgresHandle(ensure_database(server_dsn, database, fresh=True)),
                  start_tansu(state, procs.free_port()))  # fmt: skip
    try:
        yield infra
    finally:
        infra.stop()  # the broker (the session's PostgreSQL is external here: left running)
        psql(server_dsn, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def generate(plan: Plan, server_dsn: str, state: Path) -> list[tuple[Any, ...]]:
    """The plan through the four services as processes; the county's statistics checked."""
    state.mkdir(parents=True)
    with own_infra(server_dsn, state) as infra, province_stack(state, infra=infra) as stack:
        asyncio.run(Writer(stack.urls, stack.secret, stack.dsn).write(plan))
        county = plan.province.counties[0].division.code
        for half in (1, 2):
            want = expected_county(plan, county, half)
            expected = (
                want["visits"],
                display_hours(want["seconds"]),
                want["lectures"],
                want["audience"],
                want["consultations"],
            )
            asyncio.run(counted(stack, county, half, expected))
        return asyncio.run(events_of(stack.dsn))


@contextlib.contextmanager
def settings_for(service: str, infra: Infra, secret: str) -> Iterator[None]:
    """The environment an app reads its settings from at start-up, restored right after."""
    names = ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "VC_JWT_SECRET", "VC_SERVICE",
             "VC_CONSUMER_SESSION_TIMEOUT_MS")  # fmt: skip
    saved = {name: os.environ.get(name) for name in names}
    # a short session timeout: a quick consumer-group join
    os.environ.update({**infra.env(), "VC_JWT_SECRET": secret, "VC_SERVICE": service,
                       "VC_CONSUMER_SESSION_TIMEOUT_MS": "2000"})  # fmt: skip
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


async def generate_in_process(
    plan: Plan, server_dsn: str, state: Path, started: threading.Event
) -> list[tuple[Any, ...]]:
    """The plan through the registry and the ledger in-process. `started` is set once both apps have
    read their settings and the environment is back as it was (the main thread waits for it before
    copying the environment into its services' processes)."""
    state.mkdir(parents=True)
    try:
        with own_infra(server_dsn, state) as infra:
            secret = new_secret()
            async with contextlib.AsyncExitStack() as apps:
                built = {}
                for name, build in (("registry", build_registry), ("ledger", build_ledger)):
                    with settings_for(name, infra, secret):
                        built[name] = app = build()
                        await apps.enter_async_context(app.router.lifespan_context(app))
                started.set()
                urls = {name: f"http://{name}" for name in built}
                await Writer(urls, secret, infra.dsn, transport=ByHost(built)).write(plan)
                return await events_of(infra.dsn)
    finally:
        started.set()


def test_the_same_seed_writes_the_same_province_and_the_statistics_count_the_plan(
    plan: Plan, devstack: Any, tmp_path: Path
) -> None:
    summary = plan.summary()
    assert summary["villages"] == 29 and summary["reassignments"] >= 0 and summary["corrections"] > 0
    started = threading.Event()
    with ThreadPoolExecutor(1) as beside:
        later = beside.submit(asyncio.run, generate_in_process(plan, devstack.dsn, tmp_path / "two", started))
        started.wait()
        first = generate(plan, devstack.dsn, tmp_path / "one")
        second = later.result()
    assert len(first) > summary["entries"] + summary["villages"]
    assert first == second
