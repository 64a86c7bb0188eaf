"""Advisor queries: the advisor card (villages served, history) and the county roster."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from eventkit.auth import UNITS, Principal, Role
from eventkit.errors import ForbiddenError, NotFoundError
from eventkit.paging import PageParams, page_of
from eventkit.scoping import has_text, within

from registry.application.sql_queries import Filters, ReadModel, code_prefix


async def advisor_card(db: ReadModel, who: Principal, advisor_id: str, today: date) -> dict[str, Any]:
    advisor = await db.row(
        "SELECT v.*, u.name AS unit_name, u.kind AS unit_kind, u.division_code AS unit_division_code"
        " FROM {s}.advisors v LEFT JOIN {s}.units u USING (unit_id) WHERE v.advisor_id = $1",
        advisor_id,
    )
    if advisor is None:
        raise NotFoundError(f"法律顾问 {advisor_id} 不存在或尚未同步", field="advisor_id")
    who.require_division(advisor["unit_division_code"] or advisor["county"] or "", "advisor_id")
    who.require_unit(advisor["unit_id"], "advisor_id")
    if who.role is Role.advisor and who.subject != advisor_id:
        raise ForbiddenError("顾问只能查看本人的信息", field="advisor_id")
    history = await db.rows(
        "SELECT a.assignment_id, a.village_code, d.name AS village_name, a.valid_from, a.valid_to,"
        " a.schedule, a.end_reason FROM {s}.assignments a"
        " LEFT JOIN {s}.divisions d ON d.code = a.village_code"
        " WHERE a.advisor_id = $1 ORDER BY a.valid_from DESC, a.village_code",
        advisor_id,
    )
    serving = [
        h for h in history if h["valid_from"] <= today and (h["valid_to"] is None or today <= h["valid_to"])
    ]
    return {
        "advisor": advisor,
        "status_history": await db.rows(
            "SELECT status, changed_on, reason FROM {s}.advisor_statuses"
            " WHERE advisor_id = $1 ORDER BY version",
            advisor_id,
        ),
        "villages_served": serving,
        "history": history,
        "agreements": await db.rows(
            "SELECT agreement_id, village_code, unit_id, term_start, term_end, signed_on, filed_on,"
            " terminated_on FROM {s}.agreements WHERE $1 = ANY(advisor_ids) ORDER BY term_start DESC",
            advisor_id,
        ),
    }


async def roster(
    db: ReadModel,
    who: Principal,
    filters: dict[str, Any],
    today: date,
    paging: PageParams,
) -> dict[str, Any]:
    """Advisors whose unit lies in the county (or the caller's scope), with the villages they serve."""
    unit_id = filters.get("unit_id")
    where = (
        await db.value("SELECT division_code FROM {s}.units WHERE unit_id = $1", unit_id)
        if unit_id is not None
        else None
    )
    unit_id = who.listed_unit(unit_id, where)  # a unit its own roster only
    f = (
        Filters(within("u.division_code", "?"), code_prefix(who, filters.get("county")))
        .add("v.unit_id = ?", unit_id)
        .add("v.kind = ?", filters.get("kind"))
        .add("v.status = ?", filters.get("status"))
        .add(has_text("v.name", "?"), filters.get("name"))
    )
    base = f"FROM {{s}}.advisors v JOIN {{s}}.units u USING (unit_id) WHERE {f.where}"
    total = await db.value(f"SELECT count(*) {base}", *f.args)
    day = f"${len(f.args) + 1}"
    rows = await db.rows(
        "SELECT v.advisor_id, v.name, v.kind, v.phone, v.licence_no, v.status, v.status_since, v.unit_id,"
        " u.name AS unit_name, u.kind AS unit_kind, (SELECT coalesce(jsonb_agg(jsonb_build_object("
        " 'code', a.village_code, 'name', d.name, 'schedule', a.schedule) ORDER BY a.village_code),"
        " '[]')::text"
        " FROM {s}.assignments a LEFT JOIN {s}.divisions d ON d.code = a.village_code"
        f" WHERE a.advisor_id = v.advisor_id AND a.valid_from <= {day}"
        f" AND (a.valid_to IS NULL OR a.valid_to >= {day})) AS villages"
        f" {base} ORDER BY u.name, v.name, v.advisor_id" + f.page(paging.page_size, paging.offset),
        *f.args,
        today,
    )
    return page_of([{**r, "villages": json.loads(r["villages"])} for r in rows], total, paging)


async def list_units(
    db: ReadModel, who: Principal, county: str | None, kind: str | None, paging: PageParams
) -> dict[str, Any]:
    f = Filters(within("u.division_code", "?"), code_prefix(who, county)).add("u.kind = ?", kind)
    if who.role in UNITS:
        f.add("u.unit_id = ?", who.unit_id or "")
    total = await db.value(f"SELECT count(*) FROM {{s}}.units u WHERE {f.where}", *f.args)
    rows = await db.rows(
        "SELECT u.*, (SELECT count(*) FROM {s}.advisors v WHERE v.unit_id = u.unit_id) AS advisors"
        f" FROM {{s}}.units u WHERE {f.where} ORDER BY u.kind, u.name"
        + f.page(paging.page_size, paging.offset),
        *f.args,
    )
    return page_of(rows, total, paging)
