"""Every pool decodes `timestamptz` as +08:00 (so every answer shows China Standard Time) without
changing the instant; writing aware datetimes of any offset still stores the same instant."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone

import asyncpg
import pytest
from eventkit.db import create_pool
from vc_contracts import CST


@pytest.fixture
async def pool(devstack) -> AsyncIterator[asyncpg.Pool]:  # type: ignore[no-untyped-def]
    pool = await create_pool(devstack.dsn, min_size=1, max_size=2)
    try:
        yield pool
    finally:
        await pool.close()


async def test_timestamps_read_from_the_database_are_in_cst(pool: asyncpg.Pool) -> None:
    read = await pool.fetchval("SELECT '2025-03-31T20:00:00-04:00'::timestamptz")
    assert read == datetime(2025, 4, 1, 8, 0, tzinfo=CST) and read.utcoffset() == timedelta(hours=8)
    assert read.isoformat() == "2025-04-01T08:00:00+08:00"
    now = await pool.fetchval("SELECT now()")
    assert now.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize(
    "written",
    [
        datetime(2025, 3, 31, 16, 0, 0, 123456, tzinfo=UTC),
        datetime(2025, 3, 31, 12, 0, tzinfo=timezone(timedelta(hours=-4))),
        datetime(2025, 4, 1, 0, 0, tzinfo=CST),
        datetime(1999, 12, 31, 23, 59, 59, tzinfo=CST),  # before PostgreSQL's epoch
    ],
)
async def test_aware_datetimes_round_trip_as_the_same_instant(pool: asyncpg.Pool, written: datetime) -> None:
    read = await pool.fetchval("SELECT $1::timestamptz", written)
    assert read == written and read.tzinfo == CST
    as_text = await pool.fetchval(
        "SELECT to_char($1::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')", written
    )
    assert as_text == written.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


async def test_infinity_survives(pool: asyncpg.Pool) -> None:
    assert await pool.fetchval("SELECT 'infinity'::timestamptz") == datetime.max.replace(tzinfo=CST)
    assert await pool.fetchval("SELECT $1::timestamptz = 'infinity'", datetime.max.replace(tzinfo=CST))
