"""The yearly figure sheet of one advisor, derived from the read models (never re-typed).

Every figure carries its counting rule and the rule version it was measured against; the digest
covers the figures only, so the advisor's confirmation goes stale when a figure changes. Each
quarter and each year's lectures also carry `standing` (upcoming / running / met / short) and its
`standing_label` (未开始 / 进行中 / 达标 / 未达标) as of the request (`domain.standing`): outside the
digest, since the end of a quarter changes no figure.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from fractions import Fraction
from typing import Any

import asyncpg
from eventkit.clock import now_cst
from eventkit.periods import Period, PeriodKind, seen_at
from vc_contracts.catalogue.assessment import ComplianceRulesSet, FeedbackSubmitted
from vc_contracts.durations import display_hours, meets_hours, shown_owed
from vc_contracts.rounding import half_up
from vc_contracts.rules import rule_for_period, rule_label

from assessment.application import decisions_view, gatherings_view, hours_view
from assessment.application.assignments_view import Served, overlapping
from assessment.domain.compliance import LECTURES_RULE_TEXT, SHARE_RULE_TEXT, bounds, owed
from assessment.domain.rules import HOURS_RULE_TEXT
from assessment.domain.standing import STANDING_LABEL, standing

FEEDBACK_RULE_TEXT = (
    "评价按来源（村（居）委会、村（居）民）分别计数并求算术平均（1–5 分，保留两位小数）；"
    "每个村（居）委会每年对同一顾问只计一份评价（修改后以最新一次为准）；不排名、不折算总分。"
)


async def figure_sheet(
    pool: asyncpg.Pool,
    schema: str,
    advisor_id: str,
    year: int,
    feedback: tuple[FeedbackSubmitted, ...],
    now: datetime | None = None,
) -> dict[str, Any]:
    served = await overlapping(pool, schema, *bounds(str(year)), advisor_id=advisor_id)
    sets = await decisions_view.rule_sets(pool, schema)
    seconds = await hours_view.advisor_seconds(pool, schema, advisor_id, year)
    lectures = await gatherings_view.counts(pool, schema, advisor_id, year)
    villages = [
        _village(v, year, [s for s in served if s.village_code == v], seconds, lectures, sets)
        for v in sorted({s.village_code for s in served})
    ]
    county = served[0].village_code[:6] if served else "620000"
    figures = {
        "advisor_id": advisor_id,
        "year": year,
        "units": sorted({s.unit_id for s in served}),
        "villages": villages,
        "feedback": _feedback(feedback),
        "breaches": await decisions_view.breaches_of(pool, schema, advisor_id, year),
        "rule": rule_label(rule_for_period(county, str(year), sets)),
    }
    digest = hashlib.sha256(json.dumps(figures, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    # begun only on the reader's day (the sheet's check): its first quarter 进行中, not 未开始
    _stand(villages, year, seen_at(Period(year, PeriodKind.year), now or now_cst()))
    return {**figures, "digest": digest, "share_rule": SHARE_RULE_TEXT}


def _village(
    code: str,
    year: int,
    periods: list[Served],
    seconds: dict[tuple[str, str], int],
    lectures: dict[str, int],
    sets: list[ComplianceRulesSet],
) -> dict[str, Any]:
    spans = [(p.valid_from, p.valid_to) for p in periods]
    quarters = []
    for q in range(1, 5):
        period = f"{year}Q{q}"
        rules = rule_for_period(code, period, sets)
        actual = seconds.get((code, period), 0)
        # exact share over all assignments, compared exactly; rounded toward the verdict for display
        expected = owed(rules.min_quarter_onsite_hours, period, spans)
        meets = meets_hours(actual, expected)
        quarters.append(
            {
                "quarter": period,
                "hours": display_hours(actual),
                "expected": shown_owed(expected, met=meets),
                "meets": meets,
                "rule": rule_label(rules),
                "counting_rule": HOURS_RULE_TEXT,
            }
        )
    rules = rule_for_period(code, str(year), sets)
    count, expected = lectures.get(code, 0), owed(rules.min_year_lectures, str(year), spans)
    return {
        "village_code": code,
        "served": [
            {"from": str(p.valid_from), "to": str(p.valid_to) if p.valid_to else None} for p in periods
        ],
        "quarters": quarters,
        "lectures": {
            "count": count,
            "expected": shown_owed(expected, met=count >= expected),
            "meets": count >= expected,
            "rule": rule_label(rules),
            "counting_rule": LECTURES_RULE_TEXT,
        },
    }


def _stand(villages: list[dict[str, Any]], year: int, now: datetime) -> None:
    """Mark each quarter and the year's lectures with where they stand at `now` (in place)."""
    for village in villages:
        for figure, period in [
            *((q, q["quarter"]) for q in village["quarters"]),
            (village["lectures"], str(year)),
        ]:
            figure["standing"] = standing(period, figure["meets"], now)
            figure["standing_label"] = STANDING_LABEL[figure["standing"]]


def _feedback(feedback: tuple[FeedbackSubmitted, ...]) -> dict[str, Any]:
    by_source: dict[str, Any] = {}
    for source in ("committee", "resident"):
        ratings = [f.rating for f in feedback if f.source == source]
        by_source[source] = {
            "count": len(ratings),
            # the exact mean rounded half up once (33 / 8 = 4.125 shows 4.13; the float's round gave 4.12)
            "average": half_up(Fraction(sum(ratings), len(ratings)), 2) if ratings else None,
        }
    return {**by_source, "counting_rule": FEEDBACK_RULE_TEXT}
