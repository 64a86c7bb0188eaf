"""Every figure is judged by the rule version in force for its period, and names it."""

from __future__ import annotations

from datetime import date

import pytest
from reporting.domain.compliance import reference_day, village_figures
from vc_contracts.catalogue.assessment import ComplianceRulesSet
from vc_contracts.rules import DEFAULT_RULES, last_day, rule_for_period, rule_in_force

COUNTY, VILLAGE = "621025", "621025100201"
PROVINCE_2026 = ComplianceRulesSet(
    division_code="620000", version=2, effective_from=date(2026, 1, 1), min_quarter_onsite_hours=9
)
COUNTY_MID_2025 = ComplianceRulesSet(
    division_code=COUNTY, version=1, effective_from=date(2025, 5, 1), min_quarter_onsite_hours=10,
    min_year_lectures=4,
)  # fmt: skip
SETS = [PROVINCE_2026, COUNTY_MID_2025]


@pytest.mark.parametrize(
    ("period", "day"),
    [("2025", date(2025, 12, 31)), ("2025Q1", date(2025, 3, 31)), ("2024Q1", date(2024, 3, 31)),
     ("2025Q4", date(2025, 12, 31)), ("2025H1", date(2025, 6, 30)), ("2025H2", date(2025, 12, 31))],
)  # fmt: skip
def test_a_period_ends_on_its_last_cst_day(period: str, day: date) -> None:
    assert last_day(period) == day


# given the rule sets, when a village's period is judged, then this division's version applies
IN_FORCE = [
    ("2025Q1", "620000", 1, 8),  # before the county's rule: the province's default
    ("2025Q2", COUNTY, 1, 10),  # changed mid-quarter: the quarter is judged by its last day's rule
    ("2025Q4", COUNTY, 1, 10),
    ("2024Q4", "620000", 1, 8),  # a past year keeps the rule it had
    ("2026Q1", COUNTY, 1, 10),  # a stricter county rule stays above a later province default
]


@pytest.mark.parametrize(("period", "division", "version", "hours"), IN_FORCE)
def test_each_period_uses_the_rule_version_in_force_for_it(
    period: str, division: str, version: int, hours: float
) -> None:
    rule = rule_for_period(VILLAGE, period, SETS)
    assert (rule.division_code, rule.version, rule.min_quarter_onsite_hours) == (division, version, hours)


def test_another_county_keeps_the_province_s_rule() -> None:
    assert rule_in_force("621026100201", date(2025, 12, 31), SETS) == DEFAULT_RULES
    assert rule_in_force("621026100201", date(2026, 3, 31), SETS) == PROVINCE_2026


@pytest.mark.parametrize(
    ("today", "day"),
    [(date(2025, 9, 1), date(2025, 6, 30)),  # a past quarter: its last day
     (date(2025, 5, 10), date(2025, 5, 10)),  # the current quarter: today
     (date(2025, 3, 1), date(2025, 4, 1))],  # a future quarter: its first day
)  # fmt: skip
def test_the_quarter_names_the_assignment_in_force_on_its_reference_day(today: date, day: date) -> None:
    assert reference_day(date(2025, 4, 1), date(2025, 6, 30), today) == day


def test_a_village_s_figures_name_their_rules_and_compare_exactly() -> None:
    q1 = village_figures(VILLAGE, "2025Q1", 6 * 80 * 60, 1, SETS)
    assert (q1["hours"], q1["min_quarter_onsite_hours"], q1["meets_onsite_minimum"]) == (8.0, 8, True)
    assert q1["onsite_rule"] == {"division_code": "620000", "version": 1, "effective_from": "2018-01-01"}
    # the year is judged by the rule in force at its end: the county's 4 lectures
    assert q1["lectures"] == {
        "year": 2025, "count": 1, "minimum": 4, "meets_minimum": False,
        "rule": {"division_code": COUNTY, "version": 1, "effective_from": "2025-05-01"},
    }  # fmt: skip
    q2 = village_figures(VILLAGE, "2025Q2", 6 * 80 * 60, 4, SETS)
    assert (q2["meets_onsite_minimum"], q2["onsite_rule"]["division_code"]) == (False, COUNTY)
    assert q2["lectures"]["meets_minimum"]
