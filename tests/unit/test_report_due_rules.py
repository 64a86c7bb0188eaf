"""A report's due day is set by the rule version in force on the due day it sets itself, as a filing
deadline is (`reporting.domain.deadlines.due_rule`, over `vc_contracts.rules.rule_at_deadline`).

Two readings disagreed before: the overdue list took the rule in force on the DEFAULT due day (a
county rule effective 07-12 with H1 due 07-10 made 2026H1 due on a day already past when it took
effect), the dashboard's "due soon" the rule in force at the year's end; a recorded 02-29 due day
raised in a common year.
"""

from __future__ import annotations

from datetime import date

import pytest
from reporting.domain.deadlines import due_day, due_days, due_rule
from vc_contracts.catalogue.assessment import ComplianceRulesSet

COUNTY = "621025"
H1_0710_FROM_0712 = ComplianceRulesSet(
    division_code=COUNTY, version=1, effective_from=date(2026, 7, 12), half_year_report_due=["07-10", "01-15"]
)
ANNUAL_0229 = ComplianceRulesSet(
    division_code="620000", version=2, effective_from=date(2026, 1, 1), annual_report_due="02-29"
)  # recorded before 02-29 was refused as a yearly day

# given the rule sets, when a county's report of a period is due, then (due day, whose rule, version)
DUE = [
    ([H1_0710_FROM_0712], "half_year_ledger", "2026H1", date(2026, 7, 15), "620000", 1),
    ([H1_0710_FROM_0712], "half_year_ledger", "2027H1", date(2027, 7, 10), COUNTY, 1),
    ([H1_0710_FROM_0712], "half_year_ledger", "2026H2", date(2027, 1, 15), COUNTY, 1),
    ([ANNUAL_0229], "annual_results", "2026", date(2027, 2, 28), "620000", 2),
    ([ANNUAL_0229], "annual_results", "2027", date(2028, 2, 29), "620000", 2),
]


@pytest.mark.parametrize(("sets", "kind", "period", "day", "whose", "version"), DUE)
def test_a_report_s_due_day_is_set_by_the_rule_in_force_on_it(
    sets: list[ComplianceRulesSet], kind: str, period: str, day: date, whose: str, version: int
) -> None:
    rule = due_rule(COUNTY, kind, period, sets)
    assert (due_day(kind, period, due_days(rule)), rule.division_code, rule.version) == (day, whose, version)
