"""The Zhengning demo's ledger as `make run` seeds it (once per session: the `demo` fixture), read by
registry and ledger in-process on a copy of the demo's database and a broker of their own; every
seeded entry was accepted (no visit of one advisor clashes with another of the same advisor), and
the county has visits, lectures and WeChat consultations."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from devstack import procs, seed_demo
from devstack.tansu import start_tansu
from ledger.main import build_app as build_ledger
from registry.main import build_app
from support.demo import Demo, copy_of, drop
from support.inprocess import ByHost

DATABASE = "villagecounsel_ledger_demo"


@pytest.fixture
async def services(
    devstack: Any, demo: Demo, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Any]:
    dsn = copy_of(demo, devstack.dsn, DATABASE)
    broker = start_tansu(tmp_path, procs.free_port())
    secret = secrets.token_urlsafe(48)
    env = {"DATABASE_URL": dsn, "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap, "VC_JWT_SECRET": secret}
    for name, value in {**env, "VC_CONSUMER_SESSION_TIMEOUT_MS": "2000"}.items():  # a quick group join
        monkeypatch.setenv(name, value)
    registry, ledger = build_app(), build_ledger()
    try:
        monkeypatch.setenv("VC_SERVICE", "registry")
        async with registry.router.lifespan_context(registry):
            monkeypatch.setenv("VC_SERVICE", "ledger")
            async with ledger.router.lifespan_context(ledger):
                transport = ByHost({"registry": registry, "ledger": ledger})
                async with httpx.AsyncClient(transport=transport, timeout=30) as client:
                    monkeypatch.setitem(seed_demo.URL, "registry", "http://registry")
                    monkeypatch.setitem(seed_demo.URL, "ledger", "http://ledger")
                    yield client, secret, ledger.state.runtime.pool
    finally:
        broker.stop()
        drop(devstack.dsn, DATABASE)


async def test_the_demo_county_ledger_has_visits_lectures_and_wechat_consultations(
    services: Any, demo: Demo
) -> None:
    client, secret, pool = services
    seeder = seed_demo.Seeder(client, secret)
    villages, visits = demo.seeded.villages, demo.seeded.visits
    assert "ledger" not in demo.refused, "the seed had refused ledger requests"
    kinds = dict(await pool.fetch("SELECT kind, count(*) FROM ledger.entries GROUP BY kind"))
    assert kinds["visit"] == visits > 100 and kinds["lecture"] > 50 and kinds["consultation"] > 100
    wechat = await pool.fetchval("SELECT count(*) FROM ledger.entries WHERE data->>'channel' = 'wechat'")
    assert wechat == kinds["consultation"]
    changed = await pool.fetchrow(
        "SELECT sum(corrections) AS fixed, count(*) FILTER (WHERE voided) AS voided,"
        " count(*) FILTER (WHERE confirmed) AS confirmed FROM ledger.entries"
    )
    assert changed["fixed"] == 1 and changed["voided"] == 1 and changed["confirmed"] > 20
    year = await pool.fetchval("SELECT year FROM ledger.entries WHERE corrections = 1")
    county = seeder._token("county_admin", "621025", "demo-county-admin")
    village = villages[1].code
    volume = (await client.get(f"http://ledger/volumes/village/{village}/{year}", headers=county)).json()
    assert any("更正" in line for e in volume["entries"] for line in e["notes"])
