"""Bulk appends answered with the values inserted (`EventStore.append_rows`, the backfill import's
writer), and the one assumption the import's chain links rest on: JSON text that `plain_json` calls
plain reads back from PostgreSQL's jsonb as the same JSON (real PostgreSQL)."""

from __future__ import annotations

import json
import math
import random

import asyncpg
import pytest
from eventkit.store import ConcurrencyError, EventStore, NewStream
from ledger.application.volume_chain import plain_json
from pydantic_core import to_json
from support.events import META, TENANT, visit

pytestmark = pytest.mark.timeout(60)


async def test_append_rows_answers_what_was_stored_in_position_order(pool: asyncpg.Pool, schema: str) -> None:
    store = EventStore(pool, schema)
    events = [visit(i) for i in range(5)]
    batch = [NewStream(f"entry-{i}", [e], TENANT, e.occurred_at) for i, e in enumerate(events)]
    async with pool.acquire() as conn, conn.transaction():
        appended = await store.append_rows(batch, metadata=META, conn=conn)
    stored = await store.read_all()
    assert [a.position for a in appended] == [s.position for s in stored]
    for a, s in zip(appended, stored, strict=True):
        env = s.envelope
        assert (a.event_id, a.stream_id, a.stream_version, a.event_type) == (
            env.event_id, env.stream_id, env.stream_version, env.event_type,
        )  # fmt: skip
        assert (a.recorded_at, a.occurred_at, a.county) == (
            env.recorded_at,
            env.occurred_at,
            env.tenant.county,
        )
        assert json.loads(a.data_json) == env.data and a.event == s.event
        assert json.loads(a.metadata_json)["actor"] == env.actor == META.actor


async def test_append_rows_to_a_stream_that_exists_writes_nothing(pool: asyncpg.Pool, schema: str) -> None:
    store = EventStore(pool, schema)
    await store.append("entry-1", 0, [visit(1)], tenant=TENANT, metadata=META)
    batch = [NewStream(f"entry-{i}", [visit(i)], TENANT, visit(i).occurred_at) for i in (2, 1)]
    async with pool.acquire() as conn:
        with pytest.raises(ConcurrencyError) as refused:
            async with conn.transaction():
                await store.append_rows(batch, metadata=META, conn=conn)
    assert await store.head() == 1
    assert refused.value.stream_id == "entry-1"  # new streams are not read first: the insert names it


async def test_rows_built_beforehand_append_as_built(pool: asyncpg.Pool, schema: str) -> None:
    """A bulk writer builds the next batch's rows (ids, JSON) while the database writes this one."""
    store = EventStore(pool, schema)
    batch = [NewStream(f"entry-{i}", [visit(i)], TENANT, visit(i).occurred_at) for i in range(3)]
    rows = store.bulk_rows(batch, META)
    async with pool.acquire() as conn, conn.transaction():
        appended = await store.append_rows(batch, metadata=META, conn=conn, rows=rows)
    assert [a.event_id for a in appended] == [row[0] for row in rows.rows]
    assert [s.envelope.event_id for s in await store.read_all()] == [row[0] for row in rows.rows]


# given JSON text | plain_json says | why
CASES = [
    (
        '{"hours":3.0,"n":[1,-0,2.5]}',
        True,
        "plain floats read back as written (-0 is 0 both ways)",
    ),
    ('{"id":"3e4f-1e5","t":"-0.0 NaN"}', True, "digits, e's and words inside strings are text"),
    ('{"x":1e+20}', False, "jsonb gives 100000000000000000000 back: an int"),
    ('{"x":[1.5e-7]}', False, "an exponent reads back written out"),
    ('{"x":-0.0}', False, "jsonb's numeric has no negative zero"),
    ('{"x":NaN}', False, "not JSON: jsonb refuses it"),
]


@pytest.mark.parametrize(("text", "plain", "why"), CASES)
def test_plain_json_flags_the_numbers_jsonb_writes_back_differently(text: str, plain: bool, why: str) -> None:
    value, said = plain_json(text)
    assert said is plain, why
    assert value == json.loads(text) or any(isinstance(v, float) and math.isnan(v) for v in value.values())


async def test_json_plain_json_accepts_reads_back_from_jsonb_as_the_same_json(pool: asyncpg.Pool) -> None:
    """Many floats of every size and sign (as pydantic-core and json.dumps write them), strings and
    nesting: each text plain_json calls plain parses to the same JSON after a trip through jsonb."""
    rng = random.Random(12)
    floats = [0.0, 0.5, 2.25, 3.0, 1 / 3, 0.1 + 0.2, 123456.789, 9007199254740993.0, 1e15, 1e16, 1e-4, 1e-5]
    floats += [rng.uniform(-1e6, 1e6) for _ in range(300)] + [10 ** rng.uniform(-12, 22) for _ in range(300)]
    values = [
        {"f": f, "g": -f, "l": [f, {"h": f * 7}], "s": f"{f}e", "i": int(f) if f < 1e18 else 1}
        for f in floats
    ]
    texts = [to_json(v).decode() for v in values] + [json.dumps(v, ensure_ascii=False) for v in values]
    rows = await pool.fetch("SELECT t, t::jsonb::text AS back FROM unnest($1::text[]) AS t", texts)
    checked = 0
    for row in rows:
        value, plain = plain_json(row["t"])
        if plain:
            checked += 1
            assert json.loads(row["back"]) == value, row["t"]
            assert json.dumps(json.loads(row["back"]), sort_keys=True) == json.dumps(value, sort_keys=True)
    assert checked > len(texts) // 2  # most of them are plain
