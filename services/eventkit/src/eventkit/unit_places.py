"""A unit token acts only inside its scope: checked once, for every route a token is read for.

A law firm of 621025 signed in with a token scoped to 621026 read the ledger, the roster and its
nominations as 200 with empty lists (its rows lie outside the scope), and only reporting's
statistics and half-year report refused it (403 naming `unit`), by a check written in that service.
Each service now says where a unit is (`ServiceSpec.unit_places`: where it is registered, or where
it serves when that is all the service knows) and this app-wide dependency refuses the token on every
route that reads one, before the route's parameters: the same 403 naming `unit` everywhere.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from typing import Any

import asyncpg
from fastapi import Request

from eventkit.auth import UNITS, Principal

UnitPlaces = Callable[[asyncpg.Pool, str, str], Awaitable[Collection[str]]]
"""(pool, the service's schema, unit id) -> the division codes where the unit is registered or
serves, as the service's read models know them (empty: unknown)."""


async def enforce_unit_place(request: Request) -> None:
    """App-wide dependency, after the read and write rules: a unit role's token whose unit lies
    only outside the token's scope is 403 naming `unit` (`Principal.require_own_unit_within`).

    Runs only where those rules read a token (the principal they verified is kept on the request),
    so public and ops routes, and a request already refused, never reach the database."""
    places_of: UnitPlaces | None = getattr(request.app.state, "unit_places", None)
    known: tuple[Any, Principal] | None = getattr(request.state, "principal", None)
    if places_of is None or known is None:
        return
    who = known[1]
    if who.role not in UNITS or not who.unit_id:
        return
    runtime = request.app.state.runtime
    who.require_own_unit_within(await places_of(runtime.pool, runtime.settings.schema, who.unit_id))


def served_counties(table: str) -> UnitPlaces:
    """`UnitPlaces` of a service that knows units only by their assignments (an
    `eventkit.readmodels.AssignmentHistory` table, `table` its name): the counties of the villages
    the unit's advisors were ever assigned to. A county assigns only advisors of units inside its
    scope, so a unit serving nowhere in a token's scope is not registered there either."""

    async def places(pool: asyncpg.Pool, schema: str, unit_id: str) -> list[str]:
        rows = await pool.fetch(
            f"SELECT DISTINCT left(village_code, 6) AS county FROM {schema}.{table} WHERE unit_id = $1",
            unit_id,
        )
        return [str(r["county"]) for r in rows]

    return places
