"""Assessment HTTP API: a village's quarterly on-site hours against the rule in force."""

from __future__ import annotations

from typing import Any

from eventkit.clock import phone_today_cst, today_cst
from eventkit.dependencies import CurrentPrincipal, CurrentRuntime
from eventkit.params import OptionalYearQuery
from eventkit.periods import quarters_of_year, require_started
from fastapi import APIRouter
from vc_contracts.catalogue.fields import VillageCode
from vc_contracts.durations import display_hours, meets_hours
from vc_contracts.rules import rule_for_period, rule_label

from assessment.application.decisions_view import rule_sets
from assessment.application.hours_view import village_quarters
from assessment.domain.rules import HOURS_RULE_TEXT

router = APIRouter(tags=["assessment"])


@router.get("/villages/{village_code}/quarter-hours", summary="村（居）季度驻点时长 Quarterly on-site hours")
async def quarter_hours(
    village_code: VillageCode,
    who: CurrentPrincipal,
    runtime: CurrentRuntime,
    year: OptionalYearQuery = None,
) -> dict[str, Any]:
    who.require_division(village_code, "village_code")
    year = year or today_cst().year
    # a year not begun has no hours, not zeros; begun by a page's clock up to MAX_CLOCK_AHEAD ahead
    require_started(str(year), phone_today_cst(), field="year")
    seconds = await village_quarters(runtime.pool, runtime.settings.schema, village_code, year)
    sets = await rule_sets(runtime.pool, runtime.settings.schema)
    quarters = []
    for q in quarters_of_year(year):
        rules = rule_for_period(village_code, q, sets)  # each quarter is judged by its own version
        quarters.append(
            {
                "quarter": q,
                "hours": display_hours(seconds.get(q, 0)),
                "min_quarter_onsite_hours": rules.min_quarter_onsite_hours,
                "meets_minimum": meets_hours(seconds.get(q, 0), rules.min_quarter_onsite_hours),
                "rule": rule_label(rules),
            }
        )
    rules = rule_for_period(village_code, str(year), sets)
    return {
        "village_code": village_code,
        "year": year,
        "rule": {
            "min_quarter_onsite_hours": rules.min_quarter_onsite_hours,
            # the year's lectures and publicity events together (the figure sheet's rule): a unit
            # may not read the rules, and its progress page judged each kind against 2 of its own
            "min_year_lectures": rules.min_year_lectures,
            **rule_label(rules),
            "counting_rule": HOURS_RULE_TEXT,
        },
        "quarters": quarters,
    }
