"""A bulk import's events go to PostgreSQL as COPY text built beforehand (`BulkRows.copy_text`,
`copy_text.event_rows_text`): what PostgreSQL stores is what asyncpg's own binary COPY of the same
values stores, for texts holding any character COPY treats specially and times in any offset (real
PostgreSQL)."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import uuid4

import asyncpg
import pytest
from eventkit.migrations import EVENT_STORE, PROJECTIONS, migrate
from eventkit.store import BulkRows, EventStore

pytestmark = pytest.mark.timeout(60)

AWKWARD = ["", "\\", "\\N", "\\.", "a\tb", "line\nnext", "cr\rlf\r\n", '引号"与\\反斜杠', "😀 beyond U+FFFF",
           "\x01\x1f control", "tab at end\t", "\\\\t not a tab"]  # fmt: skip
ALPHABET = "ab民法\\\t\n\r\"'{}:,😀\x07 "
OFFSETS = [timezone(timedelta(hours=8)), UTC, timezone(timedelta(hours=-5, minutes=-30)),
           timezone(timedelta(hours=5, minutes=45))]  # fmt: skip
COLUMNS = ("event_id, stream_id, stream_version, event_type, schema_version, tenant, county, occurred_at,"
           " data, metadata, recorded_at")  # fmt: skip


def _rows(count: int, seed: int) -> list[tuple[Any, ...]]:
    rng = random.Random(seed)
    texts = AWKWARD + ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 24))) for _ in range(count)]
    rows = []
    for i, text in enumerate(texts):
        at = datetime(2025, 3, 1, 9, tzinfo=OFFSETS[i % 4])
        at += timedelta(minutes=i, microseconds=rng.randint(0, 999_999))
        tenant, county = json.dumps({"village_code": text}, ensure_ascii=False), f"县{text}"
        data = json.dumps({"summary": text, "n": i}, ensure_ascii=i % 2 == 0)
        county_or_none = None if i % 5 == 0 else county
        rows.append((uuid4(), f"entry-{i}-{text}", 1, "LectureHeld", 1, tenant, county_or_none, at, data,
                     json.dumps({"actor": text})))  # fmt: skip
    return rows


async def _stored(pool: asyncpg.Pool, schema: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in await pool.fetch(f"SELECT {COLUMNS} FROM {schema}.events ORDER BY position")]


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_events_copied_as_text_are_stored_as_the_binary_copy_stores_them(
    pool: asyncpg.Pool, schema: str, seed: int
) -> None:
    # given event rows whose texts hold tabs, newlines, backslashes, \N, \. and more, times in four offsets
    rows, recorded_at = _rows(200, seed), datetime(2025, 3, 2, 10, 0, 0, 654321, tzinfo=OFFSETS[0])
    reference = f"t_{uuid4().hex[:12]}"
    await migrate(pool, reference, EVENT_STORE, PROJECTIONS)
    # when they are copied as text built beforehand, and by asyncpg's binary COPY into another store
    store = EventStore(pool, schema)
    async with pool.acquire() as conn, conn.transaction():
        await store.take_order(conn)
        text = BulkRows(rows).copy_text(recorded_at)
        positions = await store.copy_new_streams(conn, BulkRows(rows), recorded_at, text)
    async with pool.acquire() as conn:
        await conn.copy_records_to_table(
            "events", schema_name=reference, columns=[c.strip() for c in COLUMNS.split(",")],
            records=[(*r, recorded_at) for r in rows],
        )  # fmt: skip
    # then both stores hold the same values, in the same order, every position taken
    assert len(positions) == len(rows)
    assert await _stored(pool, schema) == await _stored(pool, reference)
