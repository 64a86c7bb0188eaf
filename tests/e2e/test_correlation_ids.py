"""A request's correlation id is on the events it caused, in the store and on the topic; an event
appended because of another carries that event's id as its causation id (in-process registry, real
PostgreSQL and broker).

Before the command runner built metadata from the request, every event got a fresh random
correlation id, so a request's log lines and its events could not be joined.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from eventkit.command_runner import CommandRunner, correlation_uuid
from eventkit.runtime import Runtime
from fastapi import FastAPI
from registry.domain import divisions
from registry.main import SPEC as REGISTRY
from support.inprocess import bearer, new_secret, own_database, running_app
from support.kafka import read_topic
from support.waiting import eventually
from vc_contracts.catalogue.enums import DivisionLevel
from vc_contracts.topics import topic_for

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
async def registry(devstack) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient, str]]:  # type: ignore[no-untyped-def]
    tag, secret = uuid4().hex[:8], new_secret()
    async with (
        own_database(devstack.dsn, f"vc_correlation_{tag}") as database,
        running_app(
            REGISTRY, tag, database=database, bootstrap=devstack.bootstrap, secret=secret
        ) as (app, http),
    ):  # fmt: skip
        await register(http, secret, "620000", str(uuid4()), level="province")
        yield app, http, secret


async def register(
    http: httpx.AsyncClient, secret: str, code: str, correlation: str, level: str = "city"
) -> dict[str, Any]:
    headers = {**bearer(secret, "province_admin", "620000", "prov-corr"), "x-correlation-id": correlation}
    parent = None if level == "province" else "620000"
    body = {"code": code, "name": f"关联测试{code[2:4]}", "level": level, "parent_code": parent}
    response = await http.post("/divisions", json=body, headers=headers)
    assert response.status_code == 201, response.text
    assert response.headers["x-correlation-id"] == correlation
    return response.json()  # type: ignore[no-any-return]


async def on_topic(bootstrap: str, event_id: str) -> dict[str, Any]:
    """The event's envelope as the registry's topic carries it (the relay publishes it shortly)."""

    async def found() -> dict[str, Any] | None:
        for record in await read_topic(bootstrap, topic_for("registry")):
            value = json.loads(record.value)
            if value["event_id"] == event_id:
                return value  # type: ignore[no-any-return]
        return None

    return await eventually(found, within=60, what=f"event {event_id} on the topic")  # type: ignore[no-any-return]


async def test_the_request_correlation_id_is_on_its_events_in_the_store_and_on_the_topic(
    registry, devstack
) -> None:  # type: ignore[no-untyped-def]
    app, http, secret = registry
    runtime: Runtime = app.state.runtime
    correlation = str(UUID("abc" + uuid4().hex[3:]))
    answer = await register(http, secret, "621000", correlation)
    [event] = answer["events"]
    [stored] = await runtime.store.read_stream(answer["stream_id"])
    assert str(stored.envelope.event_id) == event["event_id"]
    assert str(stored.envelope.correlation_id) == correlation
    assert stored.envelope.causation_id is None  # caused by a request, not by an event
    published = await on_topic(devstack.bootstrap, event["event_id"])
    assert published["correlation_id"] == correlation


async def test_a_correlation_id_that_is_not_a_uuid_gives_the_same_event_id_every_time(registry) -> None:  # type: ignore[no-untyped-def]
    app, http, secret = registry
    runtime: Runtime = app.state.runtime
    correlation = f"abc-req-{uuid4().hex[:6]}"
    firsts = [await register(http, secret, code, correlation) for code in ("622900", "623000")]
    ids = {(await runtime.store.read_stream(a["stream_id"]))[0].envelope.correlation_id for a in firsts}
    assert ids == {correlation_uuid(correlation)}


async def test_an_event_caused_by_another_carries_its_id_and_correlation(registry) -> None:  # type: ignore[no-untyped-def]
    app, http, secret = registry
    runtime: Runtime = app.state.runtime
    correlation = str(uuid4())
    answer = await register(http, secret, "624000", correlation)
    [cause] = await runtime.store.read_stream(answer["stream_id"])
    # as a process manager would: a command decided because of `cause`, outside any request
    runner = CommandRunner(runtime.store)
    city = await runner.state(divisions.divisions, answer["stream_id"])
    command = divisions.RegisterDivision("624001", "因果测试县", DivisionLevel.county, city)
    outcome = await runner.run(
        divisions.divisions, divisions.stream_id("624001"), command, actor="process-manager",
        tenant="624001", cause=cause,
    )  # fmt: skip
    [effect] = await runtime.store.read_stream(outcome.stream_id)
    assert effect.envelope.causation_id == cause.envelope.event_id
    assert str(effect.envelope.correlation_id) == correlation
    assert effect.envelope.actor == "process-manager"
