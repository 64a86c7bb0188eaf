"""What a downstream system sees: records read with plain aiokafka validate against the committed
JSON Schemas (Draft 2020-12) chosen from the record headers. No project code on the reading side:
only the schema files under contracts/schemas."""

from __future__ import annotations

import asyncio
import copy
import json
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, ConsumerRecord
from conftest import unique
from eventkit.migrations import EVENT_STORE, PROJECTIONS, migrate
from eventkit.store import EventStore
from jsonschema import Draft202012Validator
from support import events
from support.relaying import publish_store

pytestmark = pytest.mark.timeout(120)

SCHEMAS = Path(__file__).resolve().parents[2] / "contracts" / "schemas"


def validator_for(owner: str, event_type: str, schema_version: int) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / owner / f"{event_type}.v{schema_version}.json").read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


async def read_as_downstream(
    bootstrap: str, topics: list[str], expected: int, within: float = 60
) -> list[ConsumerRecord[bytes, bytes]]:
    """A consumer group of its own, from the earliest offset, the way an outside system reads."""
    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        group_id=unique("downstream"),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        session_timeout_ms=6000,
        heartbeat_interval_ms=2000,
    )
    await consumer.start()
    try:
        records: list[ConsumerRecord[bytes, bytes]] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while len(records) < expected and loop.time() < deadline:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                records += batch
        await consumer.commit()
        return records
    finally:
        await consumer.stop()


async def test_every_published_record_validates_against_its_committed_schema(
    pool: asyncpg.Pool, bootstrap: str
) -> None:
    appended: dict[str, list[Any]] = {"registry": [], "ledger": []}
    topics = {owner: f"{unique('downstream')}.{owner}.events".replace("_", "-") for owner in appended}
    for owner, batches in {
        "registry": [
            ("division-621025100201", [events.division()]),
            ("unit-firm-1", [events.unit()]),
            ("advisor-adv-1", [events.advisor()]),
            ("village-621025100201", [events.assignment(), events.assignment(events.village(7))]),
        ],
        "ledger": [
            ("entry-1", [events.visit(1)]),
            ("entry-2", [events.lecture()]),
            ("entry-3", [events.consultation()]),
            ("village-621025100202", [events.visit(2), events.visit(3)]),
        ],
    }.items():
        schema = unique(owner)
        await migrate(pool, schema, EVENT_STORE, PROJECTIONS)
        store = EventStore(pool, schema)
        for stream, evts in batches:
            appended[owner] += await store.append(stream, 0, evts, tenant=events.TENANT, metadata=events.META)
        await publish_store(store, bootstrap, topics[owner])

    expected = sum(map(len, appended.values()))
    records = await read_as_downstream(bootstrap, list(topics.values()), expected)
    assert len(records) == expected
    owner_of = {topic: owner for owner, topic in topics.items()}
    seen_types: set[tuple[str, str]] = set()
    for record in records:
        headers = {name: value.decode() for name, value in record.headers}
        value = json.loads(record.value.decode("utf-8"))
        owner = owner_of[record.topic]
        validator = validator_for(owner, headers["event_type"], int(headers["schema_version"]))
        errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(value)]
        assert not errors, f"{headers['event_type']} breaks its schema: {errors}"
        assert (value["event_type"], value["schema_version"]) == (
            headers["event_type"],
            int(headers["schema_version"]),
        )
        assert record.key.decode() == value["stream_id"]
        assert value["occurred_at"].endswith("+08:00") and value["recorded_at"].endswith("+08:00")
        seen_types.add((owner, headers["event_type"]))
    assert seen_types == {
        ("registry", "DivisionRegistered"),
        ("registry", "UnitRegistered"),
        ("registry", "AdvisorRegistered"),
        ("registry", "AdvisorAssigned"),
        ("ledger", "VisitLogged"),
        ("ledger", "LectureHeld"),
        ("ledger", "ConsultationGiven"),
    }
    published = {str(s.envelope.event_id) for owned in appended.values() for s in owned}
    assert {json.loads(r.value)["event_id"] for r in records} == published

    # the schemas are strict enough to catch a drifting producer
    sample = json.loads(next(r.value for r in records if dict(r.headers)["event_type"] == b"VisitLogged"))
    validator = validator_for("ledger", "VisitLogged", 1)
    drifted = copy.deepcopy(sample)
    drifted["data"]["duration_minutes"] = 120
    assert not validator.is_valid(drifted)
    retyped = copy.deepcopy(sample)
    retyped["data"]["hours"] = "2"
    assert not validator.is_valid(retyped)
    before_the_first = copy.deepcopy(sample)
    before_the_first["stream_version"] = 0
    assert not validator.is_valid(before_the_first)
