"""Shared by the registry's queries: the read model's location and the caller's scope as a filter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg
from eventkit.auth import Principal
from eventkit.scoping import scope_prefix


@dataclass(frozen=True)
class ReadModel:
    pool: asyncpg.Pool
    schema: str

    async def rows(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        return [dict(r) for r in await self.pool.fetch(sql.replace("{s}", self.schema), *args)]

    async def row(self, sql: str, *args: Any) -> dict[str, Any] | None:
        found = await self.pool.fetchrow(sql.replace("{s}", self.schema), *args)
        return dict(found) if found else None

    async def value(self, sql: str, *args: Any) -> Any:
        return await self.pool.fetchval(sql.replace("{s}", self.schema), *args)


def code_prefix(who: Principal, division: str | None = None) -> str:
    """The prefix of codes inside the `county` filter (403 outside the caller's scope) or the scope.

    Bind it to `eventkit.scoping.within(column, "?")`, never to a LIKE pattern.
    """
    return scope_prefix(who, division, "county")


class Filters:
    """WHERE clauses with numbered parameters, built up one optional filter at a time."""

    def __init__(self, first: str, value: Any) -> None:
        self.clauses, self.args = [first.replace("?", "$1")], [value]

    def add(self, clause: str, value: Any) -> Filters:
        if value is not None:
            self.args.append(value)
            self.clauses.append(clause.replace("?", f"${len(self.args)}"))
        return self

    @property
    def where(self) -> str:
        return " AND ".join(self.clauses)

    def page(self, size: int, offset: int) -> str:
        return f" LIMIT {int(size)} OFFSET {int(offset)}"


async def unit_places(pool: asyncpg.Pool, schema: str, unit_id: str) -> list[str]:
    """Where the unit is registered (its division code; none if unknown): `ServiceSpec.unit_places`."""
    found = await pool.fetchval(f"SELECT division_code FROM {schema}.units WHERE unit_id = $1", unit_id)
    return [str(found)] if found else []
