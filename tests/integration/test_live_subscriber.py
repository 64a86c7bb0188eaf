"""The services' projection subscriber runs the overlapped loop (eventkit.consumer.consume, session 12):
batches are parsed ahead of the one being written, yet no offset is committed past what the
database holds, dead letters go out before the offsets that pass them, and a batch whose partitions
were taken away meanwhile neither commits them nor stops the loop. Real Tansu and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from conftest import unique
from eventkit import consumer as consumer_module
from eventkit.consumer import MAX_RECORDS, consume
from eventkit.projection import BatchOutcome, ProjectionRunner
from eventkit.relay import encode
from eventkit.store import EventStore
from support.backlog import COUNTIES
from support.events import META, TENANT, division, visit, visits
from support.kafka import group_caught_up, produce, read_topic
from support.projections import StreamCounts, counts
from support.relaying import publish_store, subscribed
from support.waiting import eventually
from vc_contracts import Tenant
from vc_contracts.topics import DEAD_LETTER_TOPIC

pytestmark = pytest.mark.timeout(180)

JOIN_TIMEOUT = 60

Commits = list[tuple[str, dict[TopicPartition, int]]]


def _record_commits(
    monkeypatch: pytest.MonkeyPatch, log: Commits, before: Callable[..., Awaitable[None]]
) -> None:
    """Every AIOKafkaConsumer.commit of this test: `before(offsets)` runs first, then the commit is
    noted in `log` (a bare commit, without offsets, is noted as such)."""
    real = AIOKafkaConsumer.commit

    async def commit(self: AIOKafkaConsumer, offsets: Any = None) -> None:
        if offsets is None:  # what a bare commit commits: the consumer's position
            log.append(("bare commit", {}))
            await before({tp: await self.position(tp) for tp in self.assignment()})
        else:
            await before(offsets)
        await real(self, offsets)
        log.append(("commit", dict(offsets or {})))

    monkeypatch.setattr(AIOKafkaConsumer, "commit", commit)


def _by_partition(
    records: list[ConsumerRecord[Any, Any]],
) -> dict[TopicPartition, list[tuple[int, str, int]]]:
    """(offset, stream id, stream version) of each record on the topic, per partition."""
    out: dict[TopicPartition, list[tuple[int, str, int]]] = {}
    for r in records:
        envelope = json.loads(r.value)
        out.setdefault(TopicPartition(r.topic, r.partition), []).append(
            (r.offset, envelope["stream_id"], envelope["stream_version"])
        )
    return out


async def _tracked(pool: asyncpg.Pool, schema: str) -> dict[str, int]:
    rows = await pool.fetch(
        f"SELECT stream_id, stream_version FROM {schema}.projection_tracking WHERE projection = 'counts#g1'"
    )
    return {r["stream_id"]: r["stream_version"] for r in rows}


def _past_the_database(
    offsets: dict[TopicPartition, int],
    on_topic: dict[TopicPartition, list[tuple[int, str, int]]],
    tracked: dict[str, int],
) -> list[str]:
    """Records below a committed offset that the database does not hold (tracking behind them)."""
    return [
        f"{tp.partition}@{offset}: {stream} v{version}"
        for tp, end in offsets.items()
        for offset, stream, version in on_topic.get(tp, [])
        if offset < end and tracked.get(stream, 0) < version
    ]


async def test_a_transaction_failing_on_the_second_of_three_queued_batches_skips_nothing(
    store: EventStore,
    pool: asyncpg.Pool,
    schema: str,
    bootstrap: str,
    topic: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    streams = 30
    per_stream = 3 * MAX_RECORDS // streams + 10  # more than three full batches
    for s in range(streams):
        await store.append(f"village-{s}", 0, visits(per_stream), tenant=TENANT, metadata=META)
    await publish_store(store, bootstrap, topic)
    on_topic = _by_partition(await read_topic(bootstrap, topic))
    events = streams * per_stream

    commits: Commits = []
    violations: list[str] = []

    async def check(offsets: dict[TopicPartition, int]) -> None:
        violations.extend(_past_the_database(offsets, on_topic, await _tracked(pool, schema)))

    _record_commits(monkeypatch, commits, check)

    projection = StreamCounts([topic])
    runner = ProjectionRunner(pool, schema, projection)
    await runner.install()
    real_decode, real_apply = runner.decode_batch, runner.apply_decoded
    decoded_batches, failed = [0], asyncio.Event()
    outcomes: list[BatchOutcome] = []
    third_parsed = asyncio.Event()

    async def counting_decode(*args: Any, **kwargs: Any) -> Any:
        result = await real_decode(*args, **kwargs)
        decoded_batches[0] += 1
        if decoded_batches[0] >= 3:
            third_parsed.set()
        return result

    async def fail_the_second(*args: Any, **kwargs: Any) -> BatchOutcome:
        if len(outcomes) == 1 and not failed.is_set():
            # batch 1 is in the database, batch 2 is being written, batch 3 has been parsed
            await asyncio.wait_for(third_parsed.wait(), 30)
            failed.set()
            raise ConnectionError("database gone for a moment")
        outcome = await real_apply(*args, **kwargs)
        outcomes.append(outcome)
        return outcome

    runner.decode_batch = counting_decode  # type: ignore[method-assign]
    runner.apply_decoded = fail_the_second  # type: ignore[method-assign]
    group = unique("fail2")
    async with subscribed(runner, bootstrap, group):
        await eventually(
            lambda: group_caught_up(bootstrap, f"{group}.{projection.name}", [topic]),
            within=JOIN_TIMEOUT,
            what="every record applied and committed",
        )

    assert failed.is_set()
    assert await counts(pool, schema) == {f"village-{s}": (per_stream, per_stream) for s in range(streams)}
    # every event applied exactly once: batch 2 and the parsed batch 3 were read again, not skipped
    assert sum(o.applied for o in outcomes) == events
    assert sum(o.duplicates for o in outcomes) == 0
    assert not violations, f"offsets committed past the database: {violations[:5]}"
    assert commits and all(kind == "commit" for kind, _ in commits), "a bare commit of the position"


async def test_dead_letters_are_published_with_their_headers_before_the_offsets_passing_them(
    store: EventStore,
    pool: asyncpg.Pool,
    schema: str,
    bootstrap: str,
    topic: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before, after = await store.append("village-dl", 0, [division(), visit()], tenant=TENANT, metadata=META)
    key = b"village-dl"
    records: list[tuple[bytes | None, bytes | None]] = [
        (key, encode(before)[1]),
        (key, b"not JSON at all"),
        (key, encode(after)[1]),
    ]
    await produce(bootstrap, topic, records, headers=[("trace", "原样".encode())])
    poison = next(r for r in await read_topic(bootstrap, topic) if r.value == b"not JSON at all")
    poison_tp = TopicPartition(topic, poison.partition)

    steps: list[str] = []

    async def noted(offsets: dict[TopicPartition, int]) -> None:
        if offsets.get(poison_tp, 0) > poison.offset:
            steps.append("offset past the poison committed")

    _record_commits(monkeypatch, [], noted)
    real_publish = consumer_module.publish_dead_letters

    async def publish(bootstrap: str, letters: Any) -> None:
        await real_publish(bootstrap, letters)
        steps.append("dead letters published")

    monkeypatch.setattr(consumer_module, "publish_dead_letters", publish)

    runner = ProjectionRunner(pool, schema, StreamCounts([topic]))
    await runner.install()
    async with subscribed(runner, bootstrap, unique("dlorder")):
        await eventually(
            lambda: _has(steps, "offset past the poison committed"), within=JOIN_TIMEOUT, what="the commit"
        )

    assert steps.index("dead letters published") < steps.index("offset past the poison committed")
    assert await counts(pool, schema) == {"village-dl": (2, 2)}
    letter = next(
        r
        for r in await read_topic(bootstrap, DEAD_LETTER_TOPIC)
        if dict(r.headers)["source_topic"] == topic.encode()
    )
    headers = dict(letter.headers)
    assert letter.value == b"not JSON at all" and letter.key == key
    assert headers["trace"] == "原样".encode()
    assert headers["source_partition"] == str(poison.partition).encode()
    assert headers["source_offset"] == str(poison.offset).encode()
    assert headers["projection"] == b"counts"
    assert headers["error"] and headers["failed_at"]


async def _has(steps: list[str], step: str) -> bool:
    return step in steps


async def test_a_batch_whose_partitions_were_taken_away_commits_only_what_is_still_held(
    store: EventStore,
    pool: asyncpg.Pool,
    schema: str,
    bootstrap: str,
    topic: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    for s in range(30):  # the relay spreads counties over the three partitions
        tenant = Tenant.of(COUNTIES[s % len(COUNTIES)])
        await store.append(f"village-{s}", 0, visits(100), tenant=tenant, metadata=META)
    await publish_store(store, bootstrap, topic)
    on_topic = _by_partition(await read_topic(bootstrap, topic))
    partitions = sorted(on_topic, key=lambda tp: tp.partition)
    kept = partitions[0]
    assert len(partitions) > 1

    commits: Commits = []

    async def nothing(offsets: dict[TopicPartition, int]) -> None:
        return None

    _record_commits(monkeypatch, commits, nothing)
    group = unique("revoked")
    client = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await client.start()
    runner = ProjectionRunner(pool, schema, StreamCounts([topic]))
    await runner.install()
    real_apply = runner.apply_decoded
    taken_away = asyncio.Event()

    async def apply_then_lose_partitions(*args: Any, **kwargs: Any) -> BatchOutcome:
        outcome = await real_apply(*args, **kwargs)
        if not taken_away.is_set():  # a rebalance between the transaction and its offset commit
            client.assign([kept])
            taken_away.set()
        return outcome

    runner.apply_decoded = apply_then_lose_partitions  # type: ignore[method-assign]
    try:
        client.assign(partitions)
        await client.seek_to_beginning(*partitions)
        first = await client.getmany(timeout_ms=5000, max_records=MAX_RECORDS)
        fetched = [r for part in first.values() for r in part]
        assert fetched
        with caplog.at_level(logging.WARNING, logger="eventkit.consumer"):
            await asyncio.wait_for(consume(runner, client, fetched, bootstrap=bootstrap, idle_ms=2000), 120)
        assert await client.committed(kept) == on_topic[kept][-1][0] + 1  # the kept partition read to its end
    finally:
        await client.stop()

    assert taken_away.is_set()
    # the first batch's own commit came after the partitions were taken away: it left them out too
    assert commits and all(set(offsets) <= {kept} for _, offsets in commits), "committed a partition not held"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "the loop failed"
    tracked = await _tracked(pool, schema)
    assert not _past_the_database({kept: on_topic[kept][-1][0] + 1}, on_topic, tracked)
