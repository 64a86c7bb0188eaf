"""Nominations (R2 vetting): the county section's inbox and each unit's own nominations with the
decision and its reason. Newest first; a unit sees only its own, an administrator those in scope."""

from __future__ import annotations

from typing import Any

from eventkit.auth import Principal
from eventkit.paging import PageParams, page_of
from eventkit.scoping import within

from registry.application.sql_queries import Filters, ReadModel, code_prefix
from registry.domain.vetting import KnownPerson


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
    where = (
        await db.value("SELECT division_code FROM {s}.units WHERE unit_id = $1", unit_id)
        if unit_id is not None
        else None
    )
    unit_id = who.listed_unit(unit_id, where)  # a unit its own nominations only
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


async def known_people(db: ReadModel, unit_id: str, name: str, licence_no: str | None) -> list[KnownPerson]:
    """Who, in the county of `unit_id`, may be the person nominated: advisors on the roster and
    pending nominations with the licence number (when given) or the same name in the same unit.

    Read from the read model, so a nomination made an instant ago may not be in it yet: this names
    the existing advisor for an honest duplicate; the race is decided by the nominee's claim stream
    (domain/nominees.py) in the nomination's transaction.
    """
    county = await db.value("SELECT county FROM {s}.units WHERE unit_id = $1", unit_id)
    match = "licence_no = $2" if licence_no else "(name = $2 AND unit_id = $3)"
    args = (county, licence_no) if licence_no else (county, name, unit_id)
    rows = await db.rows(
        "SELECT p.*, u.name AS unit_name FROM ("
        f" SELECT advisor_id, name, unit_id, licence_no, true AS approved FROM {{s}}.advisors"
        f"  WHERE county = $1 AND status <> 'left' AND {match}"
        " UNION ALL"
        f" SELECT advisor_id, name, unit_id, licence_no, false FROM {{s}}.nominations"
        f"  WHERE county = $1 AND state = 'pending' AND {match}"
        ") p LEFT JOIN {s}.units u USING (unit_id) ORDER BY p.approved DESC, p.advisor_id",
        *args,
    )
    return [KnownPerson(**r) for r in rows]
