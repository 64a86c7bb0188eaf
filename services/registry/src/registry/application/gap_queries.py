"""The views that show gaps: villages without an advisor (now or on a past day), late and missing
agreement filings per year, and stale notice boards."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from eventkit.auth import Principal
from eventkit.paging import PageParams, page_of
from eventkit.scoping import within
from vc_contracts import filing
from vc_contracts.filing_rules import filing_deadline, filing_due
from vc_contracts.rules import rule_label

from registry.application.queries import board_with_staleness, with_filing_status
from registry.application.rules_view import rule_sets
from registry.application.sql_queries import Filters, ReadModel, code_prefix

COVERAGE = """
    SELECT d.code AS village_code, d.name AS village_name, d.level, d.parent_code AS township_code,
           t.name AS township_name, a.advisor_id, v.name AS advisor_name, st.status AS advisor_status,
           CASE WHEN a.advisor_id IS NULL THEN 'no_advisor'
                WHEN coalesce(st.status, 'active') <> 'active' THEN 'advisor_inactive' END AS gap
    FROM {s}.divisions d
    LEFT JOIN {s}.divisions t ON t.code = d.parent_code
    LEFT JOIN LATERAL (
        SELECT x.advisor_id FROM {s}.assignments x WHERE x.village_code = d.code AND x.valid_from <= $2
        AND (x.valid_to IS NULL OR x.valid_to >= $2) ORDER BY x.valid_from DESC LIMIT 1) a ON true
    LEFT JOIN {s}.advisors v ON v.advisor_id = a.advisor_id
    LEFT JOIN LATERAL (
        SELECT h.status FROM {s}.advisor_statuses h WHERE h.advisor_id = a.advisor_id AND h.changed_on <= $2
        ORDER BY h.changed_on DESC, h.version DESC LIMIT 1) st ON true
    WHERE d.level IN ('village', 'community') AND starts_with(d.code, $1)
      AND ($3::text IS NULL OR d.parent_code = $3)
"""
GAP_LABEL = {"no_advisor": "无法律顾问", "advisor_inactive": "顾问已暂停或离任"}


async def coverage(
    db: ReadModel,
    who: Principal,
    county: str | None,
    township: str | None,
    gap: str | None,
    as_of: date,
    paging: PageParams,
) -> dict[str, Any]:
    """Villages and communities with no serving advisor on `as_of` (or whose advisor was not active)."""
    if township:
        who.require_division(township, "township")
    args = (code_prefix(who, county), as_of, township)
    villages = await db.value(f"SELECT count(*) FROM ({COVERAGE}) c", *args)
    gaps = f"FROM ({COVERAGE}) c WHERE gap IS NOT NULL AND ($4::text IS NULL OR gap = $4)"
    total = await db.value(f"SELECT count(*) {gaps}", *args, gap)
    rows = await db.rows(
        f"SELECT * {gaps} ORDER BY village_code LIMIT {paging.page_size} OFFSET {paging.offset}", *args, gap
    )
    page = page_of([{**r, "gap_note": GAP_LABEL[r["gap"]]} for r in rows], total, paging)
    return {**page, "as_of": as_of, "villages": villages, "covered": villages - total}


async def filings(
    db: ReadModel,
    who: Principal,
    county: str | None,
    year: int,
    statuses: list[filing.FilingStatus],
    deadline: str | None,
    as_of: date,
    paging: PageParams,
) -> dict[str, Any]:
    """Agreements due by `year`'s filing deadline, with their status as of `as_of` (late, missing…).

    Each county's deadline is the one its rule in force at that deadline sets (`filing_rules`, the
    dashboard's choice); `deadline` (MM-DD) instead judges every county by that day, as a what-if."""
    prefix = code_prefix(who, county)
    sets = await rule_sets(db)

    def due_of(agreement: dict[str, Any]) -> date:
        opened = agreement["renewed_on"] or agreement["signed_on"]
        if deadline is not None:
            return filing.due_date(opened, deadline)
        return filing_due(agreement["village_code"][:6], opened, sets).day

    # every window of `year` lies after the previous year began and ends within `year`: narrowed
    # per county below, by the deadline each term is due by
    rows = await db.rows(
        "SELECT g.*, d.name AS village_name, d.parent_code AS township_code, u.name AS unit_name"
        " FROM {s}.agreements g LEFT JOIN {s}.divisions d ON d.code = g.village_code"
        " LEFT JOIN {s}.units u ON u.unit_id = g.unit_id WHERE starts_with(g.village_code, $1)"
        " AND coalesce(g.renewed_on, g.signed_on) >= $2 AND coalesce(g.renewed_on, g.signed_on) <= $3"
        " ORDER BY g.village_code, g.agreement_id",
        prefix,
        date(year - 1, 1, 1),
        date(year, 12, 31),
    )
    due = [(r, due_of(r)) for r in rows]
    judged = [with_filing_status(r, day, as_of) for r, day in due if day.year == year]
    chosen = [r for r in judged if not statuses or r["filing_status"] in statuses]
    summary = Counter(r["filing_status"].value for r in judged)
    page = page_of(chosen[paging.offset : paging.offset + paging.page_size], len(chosen), paging)
    if deadline is not None:
        shown, rule = filing.deadline_in(year, deadline), None
    else:  # the county's (or, above a county, the scope's own) deadline and the version that set it
        found = filing_deadline(prefix[:6].ljust(6, "0"), year, sets)
        shown, rule = found.day, rule_label(found.rule)
    return {**page, "year": year, "deadline": shown, "rule": rule, "as_of": as_of, "summary": dict(summary)}


async def notice_boards(
    db: ReadModel, who: Principal, county: str | None, stale: bool | None, today: date, paging: PageParams
) -> dict[str, Any]:
    """Boards in scope with what they should show today; `stale=true` keeps only the outdated ones."""
    f = Filters(within("b.village_code", "?"), code_prefix(who, county))
    f.args.append(today)
    rows = await db.rows(
        "SELECT b.*, d.name AS village_name, cur.advisor_id AS current_advisor_id,"
        " v.name AS current_advisor_name, v.phone AS current_phone, cur.schedule AS current_schedule"
        " FROM {s}.notice_boards b LEFT JOIN {s}.divisions d ON d.code = b.village_code"
        " LEFT JOIN LATERAL (SELECT a.advisor_id, a.schedule FROM {s}.assignments a"
        f" WHERE a.village_code = b.village_code AND a.valid_from <= ${len(f.args)}"
        f" AND (a.valid_to IS NULL OR a.valid_to >= ${len(f.args)}) LIMIT 1) cur ON true"
        f" LEFT JOIN {{s}}.advisors v ON v.advisor_id = cur.advisor_id"
        f" WHERE {f.where} ORDER BY b.village_code",
        *f.args,
    )
    judged = [board_with_staleness(r, _current(r)) or r for r in rows]
    chosen = [r for r in judged if stale is None or r["stale"] == stale]
    page = page_of(chosen[paging.offset : paging.offset + paging.page_size], len(chosen), paging)
    return {**page, "stale_boards": sum(1 for r in judged if r["stale"])}


def _current(row: dict[str, Any]) -> dict[str, Any] | None:
    if row["current_advisor_id"] is None:
        return None
    return {
        "advisor_id": row["current_advisor_id"],
        "advisor_name": row["current_advisor_name"],
        "phone": row["current_phone"],
        "schedule": row["current_schedule"],
    }
