"""What each advisor owed each village of a county over a period, and what the read models show."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import asyncpg
from vc_contracts.catalogue.assessment import ComplianceRulesSet
from vc_contracts.durations import exact_hours

from assessment.application import gatherings_view, hours_view
from assessment.application.assignments_view import overlapping
from assessment.domain import compliance as c


async def county_obligations(
    pool: asyncpg.Pool, schema: str, county: str, period: str, rules: ComplianceRulesSet
) -> tuple[tuple[c.Obligation, ...], float]:
    """One obligation per (village, advisor) assigned in the period, with the exact share owed over all
    their assignments there; and the rule's minimum (as written, for display)."""
    first, last = c.bounds(period)
    served = await overlapping(pool, schema, first, last, county=county)
    actual: dict[tuple[str, str], Fraction]
    if c.rule_of(period) == c.HOURS:
        seconds = await hours_view.county_seconds(pool, schema, county, period)
        actual = {k: exact_hours(v) for k, v in seconds.items()}
        minimum = rules.min_quarter_onsite_hours
    else:
        counts = await gatherings_view.county_counts(pool, schema, county, int(period))
        actual = {k: Fraction(v) for k, v in counts.items()}
        minimum = rules.min_year_lectures  # a count: 6 in the answer, not 6.0
    spans: dict[tuple[str, str], list[tuple[date, date | None]]] = {}
    for s in served:
        spans.setdefault((s.village_code, s.advisor_id), []).append((s.valid_from, s.valid_to))
    found = tuple(
        c.Obligation(v, adv, c.owed(minimum, period, days), actual.get((v, adv), Fraction(0)))
        for (v, adv), days in spans.items()
    )
    return found, minimum
