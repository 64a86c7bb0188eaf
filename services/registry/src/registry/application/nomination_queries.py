"""Nominations (R2 vetting): the county section's inbox and each unit's own nominations with the
decision and its reason. Newest first; a unit sees only its own, an administrator those in scope."""

from __future__ import annotations

from typing import Any

from eventkit.auth import UNITS, Principal
from eventkit.paging import PageParams, page_of
from eventkit.scoping import within

from registry.application.sql_queries import Filters, ReadModel, code_prefix


async def nominations(
    db: ReadModel,
    who: Principal,
    county: str | None,
    state: str | None,
    unit_id: str | None,
    paging: PageParams,
) -> dict[str, Any]:
    """Page of {advisor_id, name, kind, unit_id, unit_name, licence_no, phone, state, nominated_at,
    decided_at, reason}; `state` filters pending / approved / rejected; another unit's 403 `unit_id`."""
    if unit_id is not None:
        where = await db.value("SELECT division_code FROM {s}.units WHERE unit_id = $1", unit_id)
        who.require_unit_at(unit_id, where)
    elif who.role in UNITS:
        unit_id = who.unit_id
    f = (
        Filters(within("u.division_code", "?"), code_prefix(who, county))
        .add("n.unit_id = ?", unit_id)
        .add("n.state = ?", state)
    )
    base = f"FROM {{s}}.nominations n JOIN {{s}}.units u USING (unit_id) WHERE {f.where}"
    total = await db.value(f"SELECT count(*) {base}", *f.args)
    rows = await db.rows(
        "SELECT n.advisor_id, n.name, n.kind, n.unit_id, u.name AS unit_name, n.licence_no, n.phone,"
        f" n.state, n.nominated_at, n.decided_at, n.reason {base}"
        " ORDER BY n.nominated_at DESC, n.advisor_id" + f.page(paging.page_size, paging.offset),
        *f.args,
    )
    return page_of(rows, total, paging)
