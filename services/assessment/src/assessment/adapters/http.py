"""Assessment HTTP API."""

from __future__ import annotations

from typing import Any

from eventkit.clock import today_cst
from eventkit.params import OptionalYearQuery
from eventkit.periods import quarters_of_year
from eventkit.runtime import runtime_of
from eventkit.web import CurrentPrincipal
from fastapi import APIRouter, Request
from vc_contracts.catalogue.fields import VillageCode

from assessment.application.hours_view import village_quarters
from assessment.application.records import rule_sets
from assessment.domain.rules import HOURS_RULE_TEXT, rules_for

router = APIRouter(tags=["assessment"])


@router.get("/villages/{village_code}/quarter-hours", summary="村（居）季度驻点时长 Quarterly on-site hours")
async def quarter_hours(
    village_code: VillageCode,
    who: CurrentPrincipal,
    request: Request,
    year: OptionalYearQuery = None,
) -> dict[str, Any]:
    who.require_division(village_code, "village_code")
    runtime = runtime_of(request)
    year = year or today_cst().year
    hours = await village_quarters(runtime.pool, runtime.settings.schema, village_code, year)
    rules = rules_for(village_code, today_cst(), await rule_sets(runtime.pool, runtime.settings.schema))
    return {
        "village_code": village_code,
        "year": year,
        "rule": {
            "min_quarter_onsite_hours": rules.min_quarter_onsite_hours,
            "version": rules.version,
            "division_code": rules.division_code,
            "counting_rule": HOURS_RULE_TEXT,
        },
        "quarters": [
            {
                "quarter": q,
                "hours": hours.get(q, 0.0),
                "meets_minimum": hours.get(q, 0.0) >= rules.min_quarter_onsite_hours,
            }
            for q in quarters_of_year(year)
        ],
    }
