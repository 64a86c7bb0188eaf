"""The Zhengning demo as `make run` seeds it (seeded once per session: the `demo` fixture), read by a
registry of its own (a copy of the demo's database, own broker, in-process app): its deliberate gaps
show in the views — one uncovered village, one late filing, two unfiled agreements, one stale board."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from devstack import procs, seed_demo
from devstack.demo import zhengning as zn
from devstack.tansu import start_tansu
from registry.main import build_app
from support.demo import Demo, copy_of, drop
from support.waiting import eventually

DATABASE = "villagecounsel_registry_demo"


@pytest.fixture
async def registry(
    devstack: Any, demo: Demo, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[Any, str]]:
    dsn = copy_of(demo, devstack.dsn, DATABASE)
    broker = start_tansu(tmp_path, procs.free_port())
    secret = secrets.token_urlsafe(48)
    env = {"DATABASE_URL": dsn, "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap, "VC_SERVICE": "registry"}
    # 2 s consumer sessions: quicker group joins at the start (as test_ledger_demo.py)
    for name, value in {**env, "VC_JWT_SECRET": secret, "VC_CONSUMER_SESSION_TIMEOUT_MS": "2000"}.items():
        monkeypatch.setenv(name, value)
    app = build_app()
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://registry", timeout=30
            ) as client:
                monkeypatch.setitem(seed_demo.URL, "registry", "http://registry")
                yield client, secret
    finally:
        broker.stop()
        drop(devstack.dsn, DATABASE)


async def test_the_demo_county_shows_its_deliberate_gaps(registry: tuple[Any, str], demo: Demo) -> None:
    client, secret = registry
    seeder = seed_demo.Seeder(client, secret)
    villages, stale_village = demo.seeded.villages, demo.seeded.stale
    assert len(villages) > 90
    assert "registry" not in demo.refused, "the seed had refused requests"

    async def get(path: str, **params: Any) -> dict[str, Any]:
        response = await client.get(path, params={"page_size": 500, **params}, headers=seeder.county)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    async def coverage() -> dict[str, Any] | None:
        body = await get("/coverage", county=zn.COUNTY[0])
        return body if body["villages"] == len(villages) and body["covered"] == len(villages) - 1 else None

    gaps = await eventually(coverage, within=60, what="the demo's villages in the coverage view")
    assert [(g["village_code"], g["gap"]) for g in gaps["items"]] == [(villages[-1].code, "no_advisor")]

    async def filings() -> dict[str, Any] | None:
        body = await get("/filings", county=zn.COUNTY[0], year=seed_demo.YEAR)
        return body if body["total"] == len(villages) - 1 else None

    filed = await eventually(filings, what="the demo's agreements in the filing view")
    by_status = {
        s: sorted(i["village_code"] for i in filed["items"] if i["filing_status"] == s)
        for s in filed["summary"]
    }
    assert by_status["late"] == [villages[seed_demo.LATE].code]
    assert by_status["missing"] == sorted(villages[i].code for i in seed_demo.UNFILED)

    async def stale_boards() -> list[dict[str, Any]] | None:
        return (await get("/notice-boards", county=zn.COUNTY[0], stale="true"))["items"] or None

    boards = await eventually(stale_boards, what="the stale board")
    assert [(b["village_name"], b["stale_reasons"]) for b in boards] == [(stale_village, ["former_advisor"])]


async def test_the_demo_county_records_who_leads_the_program_once(
    registry: tuple[Any, str], demo: Demo, capsys: Any
) -> None:
    client, secret = registry
    seeder = seed_demo.Seeder(client, secret)
    assert "responsibilities" not in demo.refused, "the seed had refused them"
    assert await seeder.responsibilities() == 201  # the seed's own request again: its answer replayed
    path = f"/counties/{zn.COUNTY[0]}/responsibilities"
    first = (await client.get(path, headers=seeder.county)).json()
    shown = first["responsibilities"]
    assert shown["head"].startswith("局长") and shown["deputy"].startswith("副局长")
    assert "301 室" in shown["filing_place"] and len(shown["sections"]) >= 3

    # Reseeding (another `make run`, a new key): the same arrangement writes no new event.
    response = await client.put(
        path, json=seed_demo.RESPONSIBILITIES, headers={**seeder.county, "Idempotency-Key": "reseed"}
    )
    assert response.status_code == 201 and response.json()["events"] == [], response.text
    assert (await client.get(path, headers=seeder.county)).json() == first
    assert "registry" not in capsys.readouterr().err, "the seed had refused requests"
