"""The dev stack itself: PostgreSQL answers, Tansu round-trips messages and forgets them on restart."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from devstack.pytest_plugin import TEST_DATABASE, DevStack

pytestmark = pytest.mark.timeout(120)


async def produce(bootstrap: str, topic: str, *values: bytes) -> None:
    # acks="all" without idempotence: Tansu 0.6 rejects InitProducerId
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=False)
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(topic, value, partition=0)
    finally:
        await producer.stop()


async def consume_all(bootstrap: str, topic: str, expected: int, wait_s: float = 15.0) -> list[bytes]:
    """Everything in partition 0 from the beginning; stops at `expected` messages or after `wait_s` seconds.

    No consumer group: a group join costs ~5 s on Tansu and adds nothing here.
    """
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partition = TopicPartition(topic, 0)
        consumer.assign([partition])
        await consumer.seek_to_beginning(partition)
        values: list[bytes] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_s
        while len(values) < expected and loop.time() < deadline:
            batches = await consumer.getmany(partition, timeout_ms=500)
            values += [record.value for record in batches.get(partition, []) if record.value is not None]
        return values
    finally:
        await consumer.stop()


async def list_topics(bootstrap: str) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return await admin.list_topics()
    finally:
        await admin.close()


async def test_postgres_answers(devstack: DevStack) -> None:
    conn = await asyncpg.connect(devstack.dsn)
    try:
        assert await conn.fetchval("select 1") == 1
        assert await conn.fetchval("select current_database()") == TEST_DATABASE
        # a dedicated database, recreated per session (other tests may already have created schemas)
        sessions = "select count(*) from pg_stat_activity where datname = $1"
        assert await conn.fetchval(sessions, TEST_DATABASE) >= 1
    finally:
        await conn.close()


async def test_tansu_round_trip(devstack: DevStack) -> None:
    topic = f"devstack-{uuid.uuid4().hex[:8]}"
    await produce(devstack.bootstrap, topic, b"one", b"two")
    assert await consume_all(devstack.bootstrap, topic, expected=2) == [b"one", b"two"]


async def test_broker_restart_forgets_everything(devstack: DevStack) -> None:
    if not devstack.can_restart_broker:
        pytest.skip("KAFKA_BOOTSTRAP_SERVERS points at an external broker")
    topic = f"amnesia-{uuid.uuid4().hex[:8]}"
    await produce(devstack.bootstrap, topic, b"before")
    assert await consume_all(devstack.bootstrap, topic, expected=1) == [b"before"]
    assert topic in await list_topics(devstack.bootstrap)

    devstack.restart_broker()

    assert topic not in await list_topics(devstack.bootstrap)
    await produce(devstack.bootstrap, topic, b"after")
    # reading from the beginning yields the new message first: the old log is gone
    assert await consume_all(devstack.bootstrap, topic, expected=1) == [b"after"]
