"""Compliance rules as data: stricter-only county rules, effective dates, versions per division."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from assessment.domain.rules import DEFAULT_RULES, LooserRulesError, SetRules, division_rules, rules_for
from eventkit.errors import RuleViolationError
from vc_contracts import CST
from vc_contracts.catalogue.assessment import ComplianceRulesSet

NOW = datetime(2025, 6, 1, 9, tzinfo=CST)
COUNTY = "621025"


def decide(given: list[ComplianceRulesSet], command: SetRules) -> list[ComplianceRulesSet]:
    return list(division_rules.decide(division_rules.fold(given), command, NOW))  # type: ignore[arg-type]


def test_county_may_set_stricter_rules_as_its_first_version() -> None:
    [rules] = decide([], SetRules(COUNTY, date(2025, 1, 1), {"min_quarter_onsite_hours": 10}))
    assert (rules.version, rules.min_quarter_onsite_hours, rules.min_year_lectures) == (1, 10, 2)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"min_quarter_onsite_hours": 6}, "min_quarter_onsite_hours"),
        ({"min_year_lectures": 1}, "min_year_lectures"),
        ({"filing_deadline_month_day": "04-30"}, "filing_deadline_month_day"),
        ({"annual_report_due": "12-31", "half_year_report_due": ["07-31", "01-15"]}, "half_year_report_due"),
    ],
)
def test_county_rules_looser_than_the_province_are_refused_naming_the_field(values: dict, field: str) -> None:
    with pytest.raises(LooserRulesError) as refused:
        decide([], SetRules(COUNTY, date(2025, 1, 1), values))
    body = refused.value.body(None)
    assert body.field == field and body.errors[0].field == field
    assert "省级规则（第 1 版）" in body.errors[0].reason
    assert "620000" not in body.errors[0].reason  # the level is said, not the division code


def test_stricter_is_judged_against_the_province_rules_in_force_on_the_effective_day() -> None:
    province = ComplianceRulesSet(
        division_code="620000", version=2, effective_from=date(2025, 7, 1), min_quarter_onsite_hours=12
    )
    command = SetRules(COUNTY, date(2025, 4, 1), {"min_quarter_onsite_hours": 10}, above=[province])
    assert decide([], command)  # before the province raised its minimum: 10 is stricter than 8
    later = SetRules(COUNTY, date(2025, 7, 1), {"min_quarter_onsite_hours": 10}, above=[province])
    with pytest.raises(LooserRulesError):
        decide([], later)


def test_versions_count_up_per_division_and_never_go_back_in_time() -> None:
    [first] = decide([], SetRules(COUNTY, date(2025, 1, 1), {"min_year_lectures": 3}))
    [second] = decide([first], SetRules(COUNTY, date(2025, 4, 1), {"min_year_lectures": 4}))
    assert second.version == 2
    with pytest.raises(RuleViolationError) as refused:
        decide([first, second], SetRules(COUNTY, date(2025, 2, 1), {"min_year_lectures": 4}))
    assert refused.value.field == "effective_from"


def test_the_province_numbers_after_the_built_in_defaults() -> None:
    [rules] = decide([], SetRules("620000", date(2026, 1, 1), {"min_quarter_onsite_hours": 6}))
    assert rules.version == 2  # a province may also loosen its own defaults


def test_rules_in_force_prefer_the_county_and_respect_the_effective_day() -> None:
    county = ComplianceRulesSet(
        division_code=COUNTY, version=1, effective_from=date(2025, 4, 1), min_quarter_onsite_hours=10
    )
    village = "621025100201"
    assert rules_for(village, date(2025, 3, 31), [county]) == DEFAULT_RULES
    assert rules_for(village, date(2025, 4, 1), [county]).version == 1
    assert rules_for(village, date(2025, 4, 1), [county]).min_quarter_onsite_hours == 10
    assert rules_for("621026100201", date(2025, 4, 1), [county]) == DEFAULT_RULES


V1 = ComplianceRulesSet(
    division_code=COUNTY, version=1, effective_from=date(2027, 1, 1), min_quarter_onsite_hours=10
)
PROVINCE_V2 = ComplianceRulesSet(
    division_code="620000", version=2, effective_from=date(2026, 1, 1), min_quarter_onsite_hours=9
)
SAME_AGAIN = [  # (given, when: division, day, values, then: the new version, or None: nothing written)
    # the tester's case: v1 posted again and again became v2…v9, all effective 2027-01-01, identical
    ([V1], COUNTY, date(2027, 1, 1), {"min_quarter_onsite_hours": 10}, None),
    ([V1], COUNTY, date(2027, 1, 1), {"min_quarter_onsite_hours": 10.0, "min_year_lectures": 2}, None),
    ([V1], COUNTY, date(2027, 1, 1), V1.model_dump(exclude={"division_code", "version", "effective_from"}),
     None),
    # another value or another day is a new version
    ([V1], COUNTY, date(2027, 1, 1), {"min_quarter_onsite_hours": 11}, 2),
    ([V1], COUNTY, date(2027, 4, 1), {"min_quarter_onsite_hours": 10}, 2),
    # only the latest version counts: going back to v1's values after v2 is a new version
    ([V1, V1.model_copy(update={"version": 2, "min_quarter_onsite_hours": 12})], COUNTY, date(2027, 1, 1),
     {"min_quarter_onsite_hours": 10}, 3),
    # the province: its latest version, or its built-in defaults (version 1, from 2018-01-01)
    ([PROVINCE_V2], "620000", date(2026, 1, 1), {"min_quarter_onsite_hours": 9}, None),
    ([], "620000", DEFAULT_RULES.effective_from, {}, None),
    ([], "620000", date(2026, 1, 1), {}, 2),
]  # fmt: skip


@pytest.mark.parametrize(("given", "division", "day", "values", "then"), SAME_AGAIN)
def test_rules_identical_to_the_latest_version_of_the_same_day_write_nothing(
    given: list[ComplianceRulesSet], division: str, day: date, values: dict, then: int | None
) -> None:
    written = decide(given, SetRules(division, day, values))
    assert [rules.version for rules in written] == ([] if then is None else [then])


def test_identical_rules_are_answered_even_where_the_province_has_since_tightened() -> None:
    # like a replay: what is already the latest version is not decided again (nothing is written)
    tighter = ComplianceRulesSet(
        division_code="620000", version=2, effective_from=date(2026, 1, 1), min_quarter_onsite_hours=12
    )
    command = SetRules(COUNTY, date(2027, 1, 1), {"min_quarter_onsite_hours": 10}, above=[tighter])
    assert decide([V1], command) == []
