"""Residents' board questions left unanswered too long: the county dashboard's 居民提问逾期未答复.

Reporting keeps its own copy of the questions and their answers (`eventkit.questions.BoardQuestions`,
from the registry's and the ledger's topics; never a phone). A question is overdue when it is still
unanswered after the county's limit: `question_answer_working_days` of the rule set in force today
(ComplianceRulesSet v2, default 3), counted in working days from the day after it was asked
(`vc_contracts.workdays`: Monday to Friday, +08:00). The list names villages, not advisors, and is
in the order the questions were asked: nothing ranks advisors by it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg
from eventkit.questions import BoardQuestions
from vc_contracts import CST
from vc_contracts.catalogue.assessment import ComplianceRulesSet
from vc_contracts.catalogue.enums import (
    CONSULTATION_CATEGORY_LABELS,
    RESIDENT_REQUEST_KIND_LABELS,
    ConsultationCategory,
    ResidentRequestKind,
)
from vc_contracts.rules import rule_in_force, rule_label
from vc_contracts.workdays import nth_working_day_after, working_days_between

LISTED = 50
RULE_TEXT = (
    "居民在公示页提交的提问或面谈预约，自提交次日起算，超过县规则规定的工作日数（默认3个工作日，"
    "周一至周五计，暂未扣除法定节假日）仍无答复（即台账中尚无关联的法律咨询记录）的，列为逾期。"
    "只列村（社区），不对法律顾问排名。"
)


class ReportingQuestions(BoardQuestions):
    name = "board_questions_v2"
    tables = ("board_questions", "board_question_versions")


async def overdue_questions(
    pool: asyncpg.Pool, schema: str, prefix: str, sets: list[ComplianceRulesSet], now: datetime
) -> dict[str, Any]:
    """The tile: `{label, unit, value, items: [{question_id, village_code, village_name, kind_label,
    category_label, asked_at, due_day, working_days_open, limit_working_days}], truncated, rule,
    entries}` for the villages whose code starts with `prefix`, oldest question first."""
    today = now.astimezone(CST).date()
    rows = await pool.fetch(
        f"SELECT q.question_id, q.village_code, q.kind, q.category, q.asked_at, v.name AS village_name"
        f" FROM {schema}.board_questions q"
        f" LEFT JOIN {schema}.cv_villages v ON v.village_code = q.village_code"
        " WHERE starts_with(q.village_code, $1) AND q.asked_at IS NOT NULL AND q.entry_id IS NULL"
        " ORDER BY q.asked_at, q.question_id",
        prefix,
    )
    overdue, limits = [], {}
    for r in rows:
        county = r["village_code"][:6]
        if county not in limits:
            limits[county] = rule_in_force(county, today, sets)
        limit = limits[county].question_answer_working_days
        asked_on = r["asked_at"].astimezone(CST).date()
        due = nth_working_day_after(asked_on, limit)
        if today > due:
            overdue.append({
                "question_id": r["question_id"], "village_code": r["village_code"],
                "village_name": r["village_name"] or r["village_code"],
                "kind_label": RESIDENT_REQUEST_KIND_LABELS[ResidentRequestKind(r["kind"])],
                "category_label": CONSULTATION_CATEGORY_LABELS[ConsultationCategory(r["category"])],
                "asked_at": r["asked_at"].astimezone(CST).isoformat(), "due_day": due.isoformat(),
                "working_days_open": working_days_between(asked_on, today), "limit_working_days": limit,
            })  # fmt: skip
    versions = {tuple(rule_label(rule).items()) for rule in limits.values()}
    return {
        "label": "居民提问逾期未答复",
        "unit": "条",
        "value": len(overdue),
        "items": overdue[:LISTED],
        "truncated": len(overdue) > LISTED,
        "rule": {"text": RULE_TEXT, "versions": [dict(v) for v in sorted(versions)]},
        "entries": None,
    }
