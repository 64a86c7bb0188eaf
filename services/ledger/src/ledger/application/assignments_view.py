"""The ledger's own copy of registry assignments: who may log work for which village, when."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

import asyncpg
from eventkit.db import Connection
from eventkit.readmodels import AssignmentHistory

from ledger.domain.facts import Assignment, on_day


class AssignmentsView(AssignmentHistory):
    name = "known_assignments"
    tables: Sequence[str] = ("known_assignments",)


async def village_histories(
    conn: asyncpg.Pool | Connection, schema: str, village_codes: Iterable[str]
) -> dict[str, list[Assignment]]:
    """Every known assignment of the villages, oldest first (who served which village, when)."""
    rows = await conn.fetch(
        f"SELECT assignment_id, advisor_id, unit_id, village_code, valid_from, valid_to"
        f" FROM {schema}.known_assignments WHERE village_code = ANY($1::text[]) ORDER BY valid_from",
        list(set(village_codes)),
    )
    histories: dict[str, list[Assignment]] = defaultdict(list)
    for row in rows:
        histories[row["village_code"]].append(Assignment(**dict(row)))
    return histories


async def assignment_facts(
    pool: asyncpg.Pool, schema: str, advisor_id: str, village_code: str, day: date
) -> tuple[Assignment | None, Assignment | None]:
    """(the advisor's own assignment to the village that day, whoever held the village that day)."""
    row = await pool.fetchrow(
        f"SELECT assignment_id, advisor_id, unit_id, village_code, valid_from, valid_to"
        f" FROM {schema}.known_assignments WHERE advisor_id = $1 AND village_code = $2"
        " AND valid_from <= $3 AND (valid_to IS NULL OR valid_to >= $3)",
        advisor_id,
        village_code,
        day,
    )
    if row is not None:  # the usual case, on the (advisor, village) index
        return Assignment(**dict(row)), None
    history = (await village_histories(pool, schema, [village_code])).get(village_code, [])
    return on_day(history, advisor_id, day)


async def advisor_of_unit(
    conn: asyncpg.Pool | Connection, schema: str, advisor_id: str, unit_id: str
) -> bool:
    """Whether the advisor was ever assigned for the unit, or has work of the unit in the ledger."""
    return bool(
        await conn.fetchval(
            f"SELECT EXISTS (SELECT 1 FROM {schema}.known_assignments WHERE advisor_id = $1 AND unit_id = $2)"
            f" OR EXISTS (SELECT 1 FROM {schema}.entries WHERE advisor_id = $1 AND unit_id = $2)",
            advisor_id,
            unit_id,
        )
    )


async def example_of_unit(pool: asyncpg.Pool, schema: str, unit_id: str) -> tuple[str, str]:
    """(advisor id, village code) of one current assignment of the unit, for the import template's
    example row; placeholders when the unit has none."""
    row = await pool.fetchrow(
        f"SELECT advisor_id, village_code FROM {schema}.known_assignments WHERE unit_id = $1"
        " AND valid_to IS NULL ORDER BY advisor_id, village_code LIMIT 1",
        unit_id,
    )
    return (row["advisor_id"], row["village_code"]) if row else ("顾问编号", "村（社区）代码")
