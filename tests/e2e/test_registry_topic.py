"""What downstream consumers see: the registry's events on `villagecounsel.registry.events`, read by
a plain aiokafka consumer, each a whole message valid against its committed JSON Schema."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from uuid import uuid4

import httpx
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from jsonschema import Draft202012Validator, FormatChecker
from test_registry_helpers import COUNTY, Api, advisor_body, days_ago, register_divisions, unit_body
from vc_contracts.export import DEFAULT_DIR
from vc_contracts.topics import topic_for

TOWN, X1 = "621025305000", "621025305201"
ALL_REGISTRY_EVENTS = {
    "DivisionRegistered", "UnitRegistered", "AdvisorRegistered", "AdvisorStatusChanged", "AdvisorAssigned",
    "AssignmentEnded", "AgreementSigned", "AgreementFiled", "AgreementRenewed", "AgreementTerminated",
    "NoticeBoardPosted", "ServiceGroupEstablished", "ServiceGroupMembersCounted", "ResidentFeedbackReceived",
    "CountyResponsibilitiesSet",
}  # fmt: skip


def validators() -> dict[tuple[str, int], Draft202012Validator]:
    index = json.loads((DEFAULT_DIR / "index.json").read_text("utf-8"))
    return {
        (e["event_type"], e["schema_version"]): Draft202012Validator(
            json.loads((DEFAULT_DIR / e["file"]).read_text("utf-8")), format_checker=FormatChecker()
        )
        for e in index["events"]
        if e["owner"] == "registry"
    }


async def one_of_each(api: Api, province: Api) -> list[str]:
    """Commands producing every registry event type; returns the ids of the events appended."""
    ids = await register_divisions(api, province, [(TOWN, "主题镇", "township"), (X1, "主题村", "village")])
    outcomes = [await api.ok("/units", unit_body("U-topic", COUNTY, 301))]
    outcomes += [await api.ok("/advisors", advisor_body(f"A-topic-{n}", "U-topic", 300 + n)) for n in (1, 2)]
    steps: list[tuple[str, dict[str, Any]]] = [
        (
            "/assignments",
            {"village_code": X1, "advisor_id": "A-topic-1", "valid_from": days_ago(100), "schedule": "周一"},
        ),
        (f"/villages/{X1}/notice-board", {"advisor_id": "A-topic-1", "posted_on": days_ago(95)}),
        (
            "/assignments",
            {"village_code": X1, "advisor_id": "A-topic-2", "valid_from": days_ago(50), "schedule": "周二"},
        ),
        ("/advisors/A-topic-1/status", {"status": "left", "changed_on": days_ago(40), "reason": "调离"}),
        (
            "/agreements",
            {
                "agreement_id": "AG-topic",
                "unit_id": "U-topic",
                "village_code": X1,
                "advisor_ids": ["A-topic-2"],
                "term_start": days_ago(50),
                "term_end": days_ago(-300),
                "signed_on": days_ago(49),
            },
        ),
        (
            "/agreements/AG-topic/filing",
            {"filing_no": "主题备1号", "filed_on": days_ago(45), "signed_and_stamped": True},
        ),
        ("/agreements/AG-topic/renewal", {"new_term_end": days_ago(-600), "renewed_on": days_ago(20)}),
        ("/agreements/AG-topic/termination", {"terminated_on": days_ago(5), "reason": "村委会换届"}),
        (
            f"/villages/{X1}/service-group",
            {
                "advisor_id": "A-topic-2",
                "name": "主题村法律服务群",
                "member_count": 30,
                "established_on": days_ago(30),
            },
        ),
        (f"/villages/{X1}/service-group/counts", {"member_count": 45, "counted_on": days_ago(3)}),
        (  # public: the token is not looked at
            f"/public/villages/{X1}/feedback",
            {"submission_id": "topic-feedback-1", "category": "other", "text": "主题村留言"},
        ),
    ]
    outcomes += [await api.ok(path, body) for path, body in steps]
    # a new place each run: the same arrangement again would append nothing
    duties = {"head": "局长 甲", "deputy": "副局长 乙", "sections": ["公共法律服务股"],
              "filing_place": f"{uuid4().hex[:6]} 室"}  # fmt: skip
    where = f"{api.url}/counties/{COUNTY}/responsibilities"
    put = await api.http.put(where, json=duties, headers=api.headers)
    assert put.status_code == 201, put.text
    outcomes.append(put.json())
    return ids + [e["event_id"] for o in outcomes for e in o["events"]]


async def read_until(
    bootstrap: str, topic: str, wanted: set[str], within: float = 30.0
) -> list[ConsumerRecord[Any, Any]]:
    """Every record from the beginning until all `wanted` event ids were seen (no consumer group)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    try:
        while not (parts := consumer.partitions_for_topic(topic)):
            assert loop.time() < deadline, f"{topic} has no partitions"
            await consumer._client.force_metadata_update()
            await asyncio.sleep(0.2)
        partitions = [TopicPartition(topic, p) for p in sorted(parts)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        records: list[ConsumerRecord[Any, Any]] = []
        seen: set[str] = set()
        while not wanted <= seen:
            assert loop.time() < deadline, f"missing on the topic: {wanted - seen}"
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                records += batch
                seen |= {json.loads(r.value)["event_id"] for r in batch}
        return records
    finally:
        await consumer.stop()


async def test_registry_events_on_the_topic_match_the_published_json_schemas(
    stack: Any, devstack: Any
) -> None:
    async with httpx.AsyncClient(timeout=15, trust_env=False) as http:
        api = Api(http, stack.urls["registry"], stack.headers("county_admin", COUNTY, "topic-county-admin"))
        province = Api(
            http, stack.urls["registry"], stack.headers("province_admin", "620000", "topic-province")
        )
        produced = await one_of_each(api, province)
    records = await read_until(devstack.bootstrap, topic_for("registry"), set(produced))
    schemas = validators()
    ours = {}
    for record in records:
        message = json.loads(record.value)
        headers = dict(record.headers)
        assert headers["event_type"].decode() == message["event_type"]
        assert int(headers["schema_version"]) == message["schema_version"]
        assert record.key.decode() == message["stream_id"]
        errors = list(schemas[(message["event_type"], message["schema_version"])].iter_errors(message))
        assert not errors, f"{message['event_type']}: {errors[0].message}"
        if message["event_id"] in produced:
            ours[message["event_id"]] = message
    assert {m["event_type"] for m in ours.values()} == ALL_REGISTRY_EVENTS
    assert all(
        m["tenant"]["county"] == COUNTY for m in ours.values() if m["event_type"] != "DivisionRegistered"
    )
