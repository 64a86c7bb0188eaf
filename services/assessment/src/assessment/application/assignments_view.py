"""Who served which village when, from the registry's assignments (accountability for the figures)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import asyncpg
from eventkit.readmodels import AssignmentHistory


class AssignmentsView(AssignmentHistory):
    name = "served"
    tables = ("served",)


@dataclass(frozen=True)
class Served:
    village_code: str
    advisor_id: str
    unit_id: str
    valid_from: date
    valid_to: date | None


_COLS = "village_code, advisor_id, unit_id, valid_from, valid_to"


async def overlapping(
    pool: asyncpg.Pool, schema: str, first: date, last: date, *, advisor_id: str = "", county: str = ""
) -> list[Served]:
    """Assignments overlapping [first, last], of one advisor or in one county's villages."""
    rows = await pool.fetch(
        f"SELECT {_COLS} FROM {schema}.served WHERE valid_from <= $2 AND (valid_to IS NULL OR valid_to >= $1)"
        " AND ($3 = '' OR advisor_id = $3) AND ($4 = '' OR starts_with(village_code, $4))"
        " ORDER BY village_code, valid_from",
        first,
        last,
        advisor_id,
        county,
    )
    return [Served(**dict(r)) for r in rows]
