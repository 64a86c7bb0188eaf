"""Ledger queries over the `entries` read model, always within the caller's scope."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import asyncpg
from eventkit.auth import ADMINS, Principal, Role
from eventkit.errors import ForbiddenError, NotFoundError
from eventkit.paging import PageParams, page_of
from eventkit.periods import parse_period

from ledger.application import access
from ledger.domain.kinds import KIND_LABEL, Kind

COLUMNS = (
    "entry_id, kind, village_code, county, advisor_id, unit_id, client_entry_id, year, occurred_at,"
    " started_at, ended_at, hours::float AS hours, on_site, data::text AS data,"
    " coalesce(original, data)::text AS original,"  # NULL until the first correction (tables.py)
    " history::text AS history, confirmed, confirmed_by, confirmed_on, queried, query_reason, queried_by,"
    " queried_at, voided, void_reason, corrections,"
    " logged_at, logged_by"
)


def entry_json(row: asyncpg.Record) -> dict[str, Any]:
    entry = dict(row)
    for column in ("data", "original", "history"):
        if column in entry:
            entry[column] = json.loads(entry[column])
    entry["kind_label"] = KIND_LABEL[Kind(entry["kind"])]
    if not entry.get("hours"):
        entry["hours"] = None
    return entry


async def entry_or_404(pool: asyncpg.Pool, schema: str, entry_id: str) -> dict[str, Any]:
    row = await pool.fetchrow(f"SELECT {COLUMNS} FROM {schema}.entries WHERE entry_id = $1", entry_id)
    if row is None:
        raise NotFoundError(f"台账记录 {entry_id} 不存在", field="entry_id")
    return entry_json(row)


async def entry_detail(pool: asyncpg.Pool, schema: str, who: Principal, entry_id: str) -> dict[str, Any]:
    entry = await entry_or_404(pool, schema, entry_id)
    access.require_read(who, entry)
    return entry


@dataclass(frozen=True)
class EntryFilters:
    kind: Kind | None = None
    period: str | None = None
    advisor_id: str | None = None
    village_code: str | None = None
    unit_id: str | None = None
    confirmed: bool | None = None
    voided: bool | None = None


def _check_filters(who: Principal, f: EntryFilters) -> None:
    """A filter naming something outside the caller's scope is refused, not answered empty."""
    if f.village_code:
        who.require_division(f.village_code, "village_code")
    if f.advisor_id and who.role is Role.advisor and f.advisor_id != who.subject:
        raise ForbiddenError("法律顾问只能查看本人的台账记录", field="advisor_id")
    if f.unit_id and who.role not in ADMINS and f.unit_id != who.unit_id:
        raise ForbiddenError("只能查看本单位的台账记录", field="unit_id")


async def _check_named_owners(pool: asyncpg.Pool, schema: str, who: Principal, f: EntryFilters) -> None:
    """An advisor or unit filter naming someone who works outside the caller's scope is refused
    (403 naming the filter), not answered with an empty page. Their entries tell where they work."""
    if f.advisor_id:
        await access.require_advisor_of_unit(pool, schema, who, f.advisor_id)
    for field, value in (("unit_id", f.unit_id), ("advisor_id", f.advisor_id)):
        if value is None:
            continue
        where = await pool.fetchval(
            f"SELECT village_code FROM {schema}.entries WHERE {field} = $1 LIMIT 1", value
        )
        if where is not None and not who.can_see(where):
            raise ForbiddenError(f"{value} 的台账不在您的管辖范围 {who.scope} 内", field=field)


async def list_entries(
    pool: asyncpg.Pool, schema: str, who: Principal, f: EntryFilters, paging: PageParams
) -> dict[str, Any]:
    _check_filters(who, f)
    await _check_named_owners(pool, schema, who, f)
    args: list[Any] = []
    where = [access.read_filter(who, args)]
    for column, value in (
        ("kind", f.kind.value if f.kind else None),
        ("advisor_id", f.advisor_id),
        ("village_code", f.village_code),
        ("unit_id", f.unit_id),
        ("confirmed", f.confirmed),
        ("voided", f.voided),
    ):
        if value is not None:
            args.append(value)
            where.append(f"{column} = ${len(args)}")
    if f.period:
        start, end = parse_period(f.period).bounds
        args += [start, end]
        where.append(f"occurred_at >= ${len(args) - 1} AND occurred_at < ${len(args)}")
    clause = " AND ".join(where)
    total = await pool.fetchval(f"SELECT count(*) FROM {schema}.entries WHERE {clause}", *args)
    rows = await pool.fetch(
        f"SELECT {COLUMNS} FROM {schema}.entries WHERE {clause} ORDER BY occurred_at DESC, entry_id"
        f" LIMIT {paging.page_size} OFFSET {paging.offset}",
        *args,
    )
    items = [entry_json(r) for r in rows]
    for item in items:
        item.pop("original", None)
    return page_of(items, int(total), paging)
