"""Advisors' confirmations of a unit's half-year figures: each advisor's own table and digest, the
state of every advisor with figures (confirmed / pending / changed), and recording a confirmation."""

from __future__ import annotations

from typing import Any

import asyncpg
from eventkit.auth import Principal
from eventkit.command_runner import Outcome
from eventkit.errors import ForbiddenError, RuleViolationError
from eventkit.idempotency import Idempotency
from eventkit.store import EventStore

from reporting.application.report_commands import command_runner
from reporting.application.statistics import advisors_with_figures, statistics_table
from reporting.domain import confirmations
from reporting.domain.confirmations import STATE_NAMES, state_of


async def advisor_states(
    pool: asyncpg.Pool, schema: str, period: str, county: str, unit_id: str
) -> list[dict[str, Any]]:
    """`[{advisor_id, advisor_name, digest, state, state_name, confirmed_at}]` for the unit's half-year."""
    sql = (
        f"SELECT advisor_id, digest, confirmed_at FROM {schema}.advisor_confirmations"
        " WHERE unit_id = $1 AND period = $2"
    )
    confirmed = {r["advisor_id"]: r for r in await pool.fetch(sql, unit_id, period)}
    states = []
    for advisor in await advisors_with_figures(pool, schema, period, county, unit_id):
        table = await statistics_table(pool, schema, period, county, unit_id, advisor["advisor_id"])
        done = confirmed.get(advisor["advisor_id"])
        state = state_of(table["digest"], done["digest"] if done else None)
        states.append({
            "advisor_id": advisor["advisor_id"], "advisor_name": advisor["name"] or advisor["advisor_id"],
            "digest": table["digest"], "state": state, "state_name": STATE_NAMES[state],
            "confirmed_at": done["confirmed_at"] if done else None,
        })  # fmt: skip
    return states


async def confirm(
    store: EventStore, pool: asyncpg.Pool, who: Principal, period: str, county: str, unit_id: str,
    confirm_digest: str, idem: Idempotency,
) -> Outcome:  # fmt: skip
    """Record the advisor's confirmation of their current figures of the unit (409 if they changed)."""
    table = await statistics_table(pool, store.schema, period, county, unit_id, who.subject)
    command = confirmations.Confirm(unit_id, period, who.subject, table["digest"], confirm_digest)

    stream = confirmations.stream_id(period, unit_id, who.subject)
    return await command_runner(store).run(
        confirmations.confirmations, stream, command, actor=who.subject, tenant=county, idempotency=idem
    )


async def advisor_unit(
    pool: asyncpg.Pool, schema: str, period: str, county: str, advisor_id: str, unit_id: str | None
) -> str | None:
    """The unit whose figures the advisor confirms: one their entries of the half-year count for
    (None when they have none). `unit_id` picks one of them; another unit (any, when they have
    none) is 403 naming `unit_id`
    (its figures are not the advisor's to confirm: once a digest mismatch, 409); none given when
    they count for several is 422."""
    sql = (
        f"SELECT DISTINCT unit_id FROM {schema}.st_entries WHERE half = $1 AND NOT voided"
        " AND starts_with(village_code, $2) AND data->>'advisor_id' = $3 ORDER BY 1"
    )
    units = [r["unit_id"] for r in await pool.fetch(sql, period, county, advisor_id)]
    if unit_id is not None:
        # with no entries at all the unit is not theirs either: 403 as for any other unit, not 422
        if unit_id not in units:
            raise ForbiddenError("只能确认本人为其工作的服务单位的数据", field="unit_id")
        return unit_id
    if len(units) > 1:
        raise RuleViolationError("您本期的数据属于多个服务单位，请指明单位（unit_id）", field="unit_id")
    return units[0] if units else None
