"""Registry queries over its read model, always within the caller's scope."""

from __future__ import annotations

from typing import Any

import asyncpg
from eventkit.auth import Principal
from eventkit.errors import NotFoundError
from eventkit.paging import PageParams, page_of
from vc_contracts.divisions import significant_prefix


def _scope_like(who: Principal) -> str:
    return significant_prefix(who.scope) + "%"


async def village_card(pool: asyncpg.Pool, schema: str, who: Principal, code: str) -> dict[str, Any]:
    who.require_division(code, "code")
    village = await pool.fetchrow(
        f"SELECT code, name, level, parent_code FROM {schema}.divisions WHERE code = $1", code
    )
    if village is None:
        raise NotFoundError(f"村（社区）{code} 不存在或尚未同步", field="code")
    advisor = await pool.fetchrow(
        f"""SELECT a.assignment_id, a.advisor_id, a.unit_id, a.valid_from, a.schedule, v.name, v.phone,
                   u.name AS unit_name
            FROM {schema}.assignments a
            LEFT JOIN {schema}.advisors v USING (advisor_id)
            LEFT JOIN {schema}.units u ON u.unit_id = a.unit_id
            WHERE a.village_code = $1 AND a.valid_to IS NULL""",
        code,
    )
    agreements = await pool.fetch(
        "SELECT agreement_id, unit_id, term_start, term_end, signed_on, filing_no, filed_on,"
        f" signed_and_stamped FROM {schema}.agreements WHERE village_code = $1 ORDER BY term_start DESC",
        code,
    )
    return {
        "village": dict(village),
        "current_advisor": dict(advisor) if advisor else None,
        "agreements": [dict(a) for a in agreements],
    }


async def list_divisions(
    pool: asyncpg.Pool,
    schema: str,
    who: Principal,
    parent_code: str | None,
    level: str | None,
    paging: PageParams,
) -> dict[str, Any]:
    where, args = ["code LIKE $1"], [_scope_like(who)]
    if parent_code:
        args.append(parent_code)
        where.append(f"parent_code = ${len(args)}")
    if level:
        args.append(level)
        where.append(f"level = ${len(args)}")
    clause = " AND ".join(where)
    total = await pool.fetchval(f"SELECT count(*) FROM {schema}.divisions WHERE {clause}", *args)
    rows = await pool.fetch(
        f"SELECT code, name, level, parent_code FROM {schema}.divisions WHERE {clause} ORDER BY code"
        f" LIMIT {paging.page_size} OFFSET {paging.offset}",
        *args,
    )
    return page_of([dict(r) for r in rows], total, paging)
