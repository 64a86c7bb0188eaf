"""The connection type every database helper accepts (a plain connection or a pooled one), and
the one way pools are created (`create_pool`: timestamps decode in China Standard Time)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeAlias

import asyncpg
from vc_contracts import CST

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

    Connection: TypeAlias = asyncpg.Connection[Any] | PoolConnectionProxy[Any]
else:
    Connection = asyncpg.Connection


# -- timestamps come out in China Standard Time --------------------------------------------------
# PostgreSQL hands `timestamptz` to asyncpg as UTC, so a datetime read from any table would be
# answered as `...Z`/`+00:00`. Decoding every timestamptz as +08:00 here is the one place that makes
# every answer (lists, details, exports, read models) show +08:00; the instant is unchanged.

_PG_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_INFINITY, _NEG_INFINITY = 2**63 - 1, -(2**63)
_MAX, _MIN = datetime.max.replace(tzinfo=CST), datetime.min.replace(tzinfo=CST)  # built once: hot path


def _decode_timestamptz(value: tuple[int]) -> datetime:
    (micros,) = value
    if micros == _INFINITY:
        return _MAX
    if micros == _NEG_INFINITY:
        return _MIN
    return (_PG_EPOCH + timedelta(microseconds=micros)).astimezone(CST)


def _encode_timestamptz(value: datetime | date) -> tuple[int]:
    if not isinstance(value, datetime):  # a bare date is midnight, local time, as asyncpg does
        value = datetime(value.year, value.month, value.day).astimezone()
    if value == _MAX:
        return (_INFINITY,)
    if value == _MIN:
        return (_NEG_INFINITY,)
    delta = value.astimezone(UTC) - _PG_EPOCH
    return ((delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds,)


async def init_connection(conn: Connection) -> None:
    """Per-connection setup for every pool: `timestamptz` values decode as +08:00 datetimes."""
    await conn.set_type_codec(
        "timestamptz",
        schema="pg_catalog",
        encoder=_encode_timestamptz,
        decoder=_decode_timestamptz,
        format="tuple",
    )


# asyncpg prepares every statement once per connection; after five runs PostgreSQL may switch a
# prepared statement to a generic plan, made without its arguments. Scoped reads filter with
# `starts_with(code, $1)`, whose selectivity only the argument tells (a village or the province):
# a generic plan answered a township's dashboard like the province's (`make bench`, dashboard
# section). Planning each run costs well under a millisecond on these queries.
SERVER_SETTINGS = {"plan_cache_mode": "force_custom_plan"}


async def create_pool(dsn: str, **options: Any) -> asyncpg.Pool:
    """asyncpg.create_pool with `init_connection` (timestamps in CST) and plans made per run."""
    options["server_settings"] = {**SERVER_SETTINGS, **options.get("server_settings", {})}
    pool = await asyncpg.create_pool(dsn, init=init_connection, **options)
    assert pool is not None
    return pool
