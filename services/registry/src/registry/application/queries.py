"""Village queries: the village card, its assignment history "as of" a day, the divisions list."""

from __future__ import annotations

from datetime import date
from typing import Any

from eventkit.auth import Principal
from eventkit.errors import NotFoundError
from eventkit.paging import PageParams, page_of
from eventkit.scoping import within
from vc_contracts import filing
from vc_contracts.catalogue.assessment import ComplianceRulesSet
from vc_contracts.divisions import contains
from vc_contracts.filing_rules import filing_due

from registry.application.rules_view import rule_sets
from registry.application.sql_queries import Filters, ReadModel, code_prefix
from registry.domain.boards import STALENESS_LABEL, Shown, stale_reasons

SERVING_ON = """
    SELECT a.assignment_id, a.advisor_id, v.name AS advisor_name, v.phone, v.status AS advisor_status,
           a.unit_id, u.name AS unit_name, a.valid_from, a.valid_to, a.schedule
    FROM {s}.assignments a LEFT JOIN {s}.advisors v USING (advisor_id)
    LEFT JOIN {s}.units u ON u.unit_id = a.unit_id
    WHERE a.village_code = $1 AND a.valid_from <= $2 AND (a.valid_to IS NULL OR a.valid_to >= $2)
"""


async def village_card(db: ReadModel, who: Principal, code: str, today: date) -> dict[str, Any]:
    who.require_division(code, "code")
    village = await db.row(
        "SELECT d.code, d.name, d.level, d.parent_code AS township_code, t.name AS township_name"
        " FROM {s}.divisions d LEFT JOIN {s}.divisions t ON t.code = d.parent_code WHERE d.code = $1",
        code,
    )
    if village is None:
        raise NotFoundError(f"村（社区）{code} 不存在或尚未同步", field="code")
    current = await db.row(SERVING_ON, code, today)
    agreements = await db.rows(
        "SELECT g.*, u.name AS unit_name FROM {s}.agreements g LEFT JOIN {s}.units u USING (unit_id)"
        " WHERE g.village_code = $1 ORDER BY g.term_start DESC, g.agreement_id",
        code,
    )
    sets = await rule_sets(db)
    return {
        "village": village,
        "current_advisor": current,
        "agreements": [with_filing_status(a, _due(a, sets), today) for a in agreements],
        "notice_board": board_with_staleness(
            await db.row("SELECT * FROM {s}.notice_boards WHERE village_code = $1", code), current
        ),
        "service_group": await _group(db, code),
    }


def _due(agreement: dict[str, Any], sets: list[ComplianceRulesSet]) -> date:
    """The deadline the term is due by, under its county's rule in force at it (`filing_rules`)."""
    opened = agreement["renewed_on"] or agreement["signed_on"]
    return filing_due(agreement["village_code"][:6], opened, sets).day


def with_filing_status(agreement: dict[str, Any], due: date, as_of: date) -> dict[str, Any]:
    """The agreement with its filing status as of `as_of`, due by `due`."""
    status = filing.filing_status(
        due, agreement["filed_on"], bool(agreement["signed_and_stamped"]), agreement["terminated_on"], as_of
    )
    return {
        **agreement,
        "filing_due": due,
        "filing_status": status,
        "filing_note": filing.STATUS_NOTE[status],
    }


def board_with_staleness(
    board: dict[str, Any] | None, current: dict[str, Any] | None
) -> dict[str, Any] | None:
    if board is None:
        return None
    shown = Shown(board["advisor_id"], board["advisor_name"], board["phone"], board["schedule"])
    now = (
        Shown(
            current["advisor_id"], current["advisor_name"] or "", current["phone"] or "", current["schedule"]
        )
        if current
        else None
    )
    reasons = stale_reasons(shown, now)
    note = "；".join(STALENESS_LABEL[r] for r in reasons)
    return {**board, "stale": bool(reasons), "stale_reasons": reasons, "stale_note": note or None}


async def _group(db: ReadModel, code: str) -> dict[str, Any] | None:
    group = await db.row("SELECT * FROM {s}.service_groups WHERE village_code = $1", code)
    if group is None:
        return None
    counts = await db.rows(
        "SELECT counted_on, member_count FROM {s}.service_group_counts WHERE group_id = $1 ORDER BY version",
        group["group_id"],
    )
    return {**group, "member_counts": counts}


async def village_assignments(db: ReadModel, who: Principal, code: str, as_of: date) -> dict[str, Any]:
    """The full history of who served the village, and who served it on `as_of`."""
    who.require_division(code, "code")
    history = await db.rows(
        "SELECT a.assignment_id, a.advisor_id, v.name AS advisor_name, a.unit_id, u.name AS unit_name,"
        " a.valid_from, a.valid_to, a.schedule, a.end_reason FROM {s}.assignments a"
        " LEFT JOIN {s}.advisors v USING (advisor_id) LEFT JOIN {s}.units u ON u.unit_id = a.unit_id"
        " WHERE a.village_code = $1 ORDER BY a.valid_from",
        code,
    )
    serving = next(
        (
            h
            for h in history
            if h["valid_from"] <= as_of and (h["valid_to"] is None or as_of <= h["valid_to"])
        ),
        None,
    )
    return {"village_code": code, "as_of": as_of, "serving": serving, "history": history}


async def list_divisions(
    db: ReadModel, who: Principal, parent_code: str | None, level: str | None, paging: PageParams
) -> dict[str, Any]:
    if parent_code and not (who.can_see(parent_code) or contains(parent_code, who.scope)):
        # Neither inside the scope nor one of its ancestors: refused, not answered empty.
        who.require_division(parent_code, "parent_code")
    f = (
        Filters(within("code", "?"), code_prefix(who))
        .add("parent_code = ?", parent_code)
        .add("level = ?", level)
    )
    total = await db.value(f"SELECT count(*) FROM {{s}}.divisions WHERE {f.where}", *f.args)
    rows = await db.rows(
        f"SELECT code, name, level, parent_code FROM {{s}}.divisions WHERE {f.where} ORDER BY code"
        + f.page(paging.page_size, paging.offset),
        *f.args,
    )
    return page_of(rows, total, paging)
