"""The projection runner behind a real FastStream subscriber: exactly-once effects, dead letters,
parked streams, rebuilds. Every test uses its own schema, topic and consumer group."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import asyncpg
import pytest
from conftest import unique
from eventkit.consumer import MAX_RECORDS
from eventkit.parked import parked_rows
from eventkit.projection import BatchOutcome, ProjectionRunner
from eventkit.rebuild import rebuild
from eventkit.relay import encode
from eventkit.store import EventStore
from support.events import META, TENANT, division, visit, visits
from support.kafka import group_caught_up, produce, read_topic
from support.projections import StreamCounts, counts, total
from support.relaying import publish_store, subscribed
from support.waiting import eventually
from vc_contracts.topics import DEAD_LETTER_TOPIC

pytestmark = pytest.mark.timeout(180)

JOIN_TIMEOUT = 60  # a consumer-group join takes ~5 s on Tansu; rejoins after a stop take longer


async def _install(pool: asyncpg.Pool, schema: str, topic: str) -> tuple[StreamCounts, ProjectionRunner]:
    projection = StreamCounts([topic])
    runner = ProjectionRunner(pool, schema, projection)
    assert await runner.install() == 1
    return projection, runner


async def _applied(pool: asyncpg.Pool, schema: str) -> int:
    return int(await pool.fetchval(f"SELECT applied FROM {schema}.projection_status"))


async def test_projection_killed_between_its_commit_and_its_offset_commit_counts_each_event_once(
    store: EventStore, pool: asyncpg.Pool, schema: str, bootstrap: str, topic: str
) -> None:
    streams = 30
    per_stream = 2 * MAX_RECORDS // streams + 10  # more than two full batches: the kill comes mid-way
    for s in range(streams):
        await store.append(f"village-{s}", 0, visits(per_stream), tenant=TENANT, metadata=META)
    await publish_store(store, bootstrap, topic)
    group = unique("kill")

    projection, first_life = await _install(pool, schema, topic)
    real_apply = first_life.apply_decoded  # the subscriber parses and writes apart (overlap.py)
    calls: list[int] = []
    dead = asyncio.Event()

    async def apply_then_die(
        decoded: list[Any], dead_letters: Any = (), generation: Any = None, conn: Any = None
    ) -> BatchOutcome:
        if dead.is_set():  # the process is gone: nothing of it runs any more
            raise ConnectionError("process killed")
        size = len(decoded)  # the loop empties a written batch once the next one started
        outcome = await real_apply(decoded, dead_letters, generation, conn)
        calls.append(size)
        if len(calls) == 2:  # the database committed batch 2; its offsets never will be
            dead.set()
            raise ConnectionError("killed between the database commit and the offset commit")
        return outcome

    first_life.apply_decoded = apply_then_die  # type: ignore[method-assign]
    async with subscribed(first_life, bootstrap, group):
        await eventually(lambda: _is_set(dead), within=JOIN_TIMEOUT, what="the kill")
    applied_before_restart = await total(pool, schema)
    assert applied_before_restart == sum(calls) < streams * per_stream  # two batches, both committed

    second_life = ProjectionRunner(pool, schema, projection)
    outcomes: list[BatchOutcome] = []
    real_second = second_life.apply_decoded

    async def recording(*args: Any, **kwargs: Any) -> BatchOutcome:
        outcome = await real_second(*args, **kwargs)
        outcomes.append(outcome)
        return outcome

    second_life.apply_decoded = recording  # type: ignore[method-assign]
    async with subscribed(second_life, bootstrap, group):
        await eventually(
            lambda: _total_is(pool, schema, streams * per_stream), within=JOIN_TIMEOUT, what="the restart"
        )
        # committed up to the end offsets: every record was handed over again if it was going to be
        await eventually(
            lambda: group_caught_up(bootstrap, f"{group}.{projection.name}", [topic]),
            within=JOIN_TIMEOUT,
            what="the second life committed every record",
        )

    assert await counts(pool, schema) == {f"village-{s}": (per_stream, per_stream) for s in range(streams)}
    # the second life was handed batch 2 again (its offsets were never committed) and skipped it
    assert sum(o.duplicates for o in outcomes) == calls[1]
    assert sum(o.applied for o in outcomes) == streams * per_stream - applied_before_restart
    assert await _applied(pool, schema) == streams * per_stream


async def test_poison_messages_go_to_the_dead_letter_topic_and_the_next_message_is_applied(
    store: EventStore, pool: asyncpg.Pool, schema: str, bootstrap: str, topic: str
) -> None:
    good_before, good_after = await store.append(
        "village-dl", 0, [division(), visit()], tenant=TENANT, metadata=META
    )
    _, good_value, _ = encode(good_before)
    envelope = json.loads(good_value)
    unknown = {**envelope, "event_type": "NothingHappened"}
    invalid = {**envelope, "data": {**envelope["data"], "code": "not-a-division"}}
    key = b"village-dl"
    poison: list[tuple[str, bytes | None]] = [
        ("not JSON", b"\xff\xfe this is not JSON"),
        ("JSON, not an envelope", b'{"hello": "world"}'),
        ("unknown event type", json.dumps(unknown).encode()),
        ("invalid data", json.dumps(invalid).encode()),
        ("no value (tombstone)", None),
    ]
    records = [(key, good_value)] + [(key, value) for _, value in poison]
    records.append((key, encode(good_after)[1]))
    # binary header bytes (not UTF-8) must neither stop the subscriber nor be altered in the letter
    sent_headers = [("event_type", b"Whatever"), ("trace", "原样".encode()), ("binary", b"\x00\xff\xfe")]
    await produce(bootstrap, topic, records, headers=sent_headers)

    _, runner = await _install(pool, schema, topic)
    async with subscribed(runner, bootstrap, unique("dl")):
        await eventually(
            lambda: _counts_are(pool, schema, {"village-dl": (2, 2)}),
            within=JOIN_TIMEOUT,
            what="the good messages around the poison",
        )

    dead = [
        r
        for r in await read_topic(bootstrap, DEAD_LETTER_TOPIC)
        if dict(r.headers)["source_topic"] == topic.encode()
    ]
    assert len(dead) == len(poison)
    # the record as received: the same bytes, key and headers; why and where from in added headers
    assert [r.value for r in dead] == [value for _, value in poison]
    assert [r.key for r in dead] == [key] * len(poison)
    assert all(r.headers[: len(sent_headers)] == tuple(sent_headers) for r in dead)
    added = [{k: v.decode() for k, v in r.headers[len(sent_headers) :]} for r in dead]
    assert [int(a["source_offset"]) for a in added] == list(range(1, len(poison) + 1))
    assert {a["source_topic"] for a in added} == {topic}
    source_partitions = {str(r.partition) for r in await read_topic(bootstrap, topic)}  # one key: one
    assert {a["source_partition"] for a in added} == source_partitions
    assert {a["projection"] for a in added} == {"counts"}
    assert all(a["failed_at"].endswith("+08:00") for a in added)
    errors = [a["error"] for a in added]
    assert "ValidationError" in errors[0] and "json" in errors[0].lower()
    assert "ValidationError" in errors[1] and "event_id" in errors[1]
    assert "UnknownEventError" in errors[2] and "NothingHappened" in errors[2]
    assert "ValidationError" in errors[3] and "code" in errors[3]
    assert "ValidationError" in errors[4]


async def test_a_failing_handler_parks_its_stream_until_replayed_while_other_streams_flow(
    store: EventStore, pool: asyncpg.Pool, schema: str, bootstrap: str, topic: str
) -> None:
    await store.append("village-bad", 0, visits(3), tenant=TENANT, metadata=META)
    await store.append("village-good", 0, visits(2), tenant=TENANT, metadata=META)
    await publish_store(store, bootstrap, topic)
    projection, runner = await _install(pool, schema, topic)
    projection.fail_on = {("village-bad", 2)}
    parked_sql = (
        f"SELECT stream_version, error FROM {schema}.parked_events WHERE stream_id = 'village-bad'"
        " ORDER BY stream_version"
    )

    async def parked() -> list[tuple[int, str]]:
        return [(r["stream_version"], r["error"]) for r in await pool.fetch(parked_sql)]

    async with subscribed(runner, bootstrap, unique("park")):
        await eventually(
            lambda: _counts_are(pool, schema, {"village-bad": (1, 1), "village-good": (2, 2)}),
            within=JOIN_TIMEOUT,
            what="the good stream applied, the bad one stopped at v1",
        )
        await eventually(lambda: _count(parked()), within=10, what="two parked events")
        held = await parked()
        assert [v for v, _ in held] == [2, 3]
        assert "HandlerBug" in held[0][1] and "waits behind" in held[1][1]

        # later events of the parked stream wait too; other streams keep flowing
        await store.append("village-bad", 3, [visit()], tenant=TENANT, metadata=META)
        await store.append("village-good", 2, [visit()], tenant=TENANT, metadata=META)
        await publish_store(store, bootstrap, topic)
        await eventually(
            lambda: _counts_are(pool, schema, {"village-bad": (1, 1), "village-good": (3, 3)}),
            within=30,
            what="the good stream's third event",
        )
        await eventually(lambda: _count(parked(), 3), within=10, what="three parked events")
        listed = await parked_rows(runner)  # what `python -m eventkit.parked` shows the operator
        assert [(r["stream_id"], r["stream_version"]) for r in listed] == [
            ("village-bad", v) for v in (2, 3, 4)
        ]

        assert await runner.replay_parked() == (0, 3)  # still broken: nothing moves
        assert (await counts(pool, schema))["village-bad"] == (1, 1)

        projection.fail_on.clear()  # the bug is fixed
        assert await runner.replay_parked() == (3, 0)
        assert await runner.replay_parked() == (0, 0)  # replaying again changes nothing
        assert await parked() == []
        assert await counts(pool, schema) == {"village-bad": (4, 4), "village-good": (3, 3)}

        # the stream is unparked: its next event is applied directly
        await store.append("village-bad", 4, [visit()], tenant=TENANT, metadata=META)
        await publish_store(store, bootstrap, topic)
        await eventually(
            lambda: _counts_are(pool, schema, {"village-bad": (5, 5), "village-good": (3, 3)}),
            within=30,
            what="the unparked stream's next event",
        )


async def test_rebuild_fills_a_new_generation_while_the_old_one_serves_then_swaps(
    store: EventStore, pool: asyncpg.Pool, schema: str, bootstrap: str, topic: str
) -> None:
    for s in range(10):
        await store.append(f"village-{s}", 0, visits(20), tenant=TENANT, metadata=META)
    await publish_store(store, bootstrap, topic)
    projection, live = await _install(pool, schema, topic)
    group = unique("rebuild")
    async with subscribed(live, bootstrap, group):
        await eventually(lambda: _total_is(pool, schema, 200), within=JOIN_TIMEOUT, what="generation 1")
        before = await counts(pool, schema)

        rebuilder = ProjectionRunner(pool, schema, projection)
        real_apply = rebuilder.apply_decoded  # a rebuild parses and writes its batches apart (overlap.py)
        served_during_rebuild: list[int] = []

        async def apply_and_serve(
            decoded: Any, dead: Any, generation: Any = None, conn: Any = None
        ) -> BatchOutcome:
            outcome = await real_apply(decoded, dead, generation, conn)
            if not served_during_rebuild:
                assert generation == 2
                served_during_rebuild.append(await total(pool, schema))  # generation 1 still answers
                # traffic goes on during the rebuild: the live subscriber applies it to generation 1
                await store.append("village-late", 0, visits(5), tenant=TENANT, metadata=META)
                await publish_store(store, bootstrap, topic)
                await eventually(lambda: _total_is(pool, schema, 205), within=30, what="live traffic")
            return outcome

        rebuilder.apply_decoded = apply_and_serve  # type: ignore[method-assign]
        assert await rebuild(rebuilder, bootstrap) == 2
        assert served_during_rebuild == [200]

        expected = {**before, "village-late": (5, 5)}
        # at once: generation 2 holds what generation 1 had, including the traffic during the rebuild
        assert await counts(pool, schema) == expected
        tables = await pool.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name LIKE $2",
            schema,
            "counts_g%",
        )
        assert [t["table_name"] for t in tables] == ["counts_g2_stream_counts"]

        # the live subscriber now writes to generation 2, once per event
        await store.append("village-0", 20, visits(1), tenant=TENANT, metadata=META)
        await publish_store(store, bootstrap, topic)
        expected["village-0"] = (21, 21)
        await eventually(lambda: _counts_are(pool, schema, expected), within=30, what="after the swap")
        await eventually(
            lambda: group_caught_up(bootstrap, f"{group}.{projection.name}", [topic]),
            within=30,
            what="the live subscriber committed every record",
        )
        assert await counts(pool, schema) == expected


async def _is_set(event: asyncio.Event) -> bool:
    return event.is_set()


async def _total_is(pool: asyncpg.Pool, schema: str, expected: int) -> bool:
    return await total(pool, schema) == expected


async def _counts_are(pool: asyncpg.Pool, schema: str, expected: dict[str, tuple[int, int]]) -> bool:
    return await counts(pool, schema) == expected


async def _count(rows: Any, expected: int = 2) -> bool:
    return len(await rows) == expected


@pytest.mark.parametrize(
    "streams",
    [
        ["entry-a", "village-1", "village-2"],  # the usual batch: one joined text
        ["", "village-1"],  # an empty id among others splits back into both
        [""],  # one empty id alone would split into none: sent as an array
        ["odd\x1fid", "village-1"],  # an id holding the separator: sent as an array
        ['quote"d', "comma,id", "{brace}", "back\\slash", "村-1"],
    ],
)
async def test_a_batch_of_any_stream_ids_is_tracked_exactly_and_applied_once(
    store: EventStore, pool: asyncpg.Pool, schema: str, topic: str, streams: list[str]
) -> None:
    """The tracking statements send a batch's stream ids as one text split on a separator, or as an
    array when that text would not split back into exactly them: either way each is tracked."""
    records = []
    for stream in streams:
        for stored in await store.append(stream, 0, visits(2), tenant=TENANT, metadata=META):
            key, value, _ = encode(stored)
            records.append((value, key, topic))
    _, runner = await _install(pool, schema, topic)

    async def no_dead_letters(*args: Any) -> None:
        raise AssertionError(f"dead letter: {args}")

    first = await runner.apply_batch(records, no_dead_letters)
    again = await runner.apply_batch(records, no_dead_letters)  # a redelivery changes nothing
    assert (first.applied, again.applied, again.duplicates) == (len(records), 0, len(records))
    assert await counts(pool, schema) == dict.fromkeys(streams, (2, 2))
    tracked = await pool.fetch(f"SELECT stream_id, stream_version FROM {schema}.projection_tracking")
    assert sorted((r["stream_id"], r["stream_version"]) for r in tracked) == sorted((s, 2) for s in streams)
