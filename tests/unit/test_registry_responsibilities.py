"""The county's responsible people and sections (R16): set as a whole, the same again changes
nothing, a county only, at least one section (pure)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from eventkit.errors import NotFoundError, RuleViolationError
from registry.domain.divisions import Division
from registry.domain.responsibilities import SetResponsibilities, responsibilities
from support.deciding import Spec
from vc_contracts import CST
from vc_contracts.catalogue.enums import DivisionLevel
from vc_contracts.catalogue.registry import CountyResponsibilitiesSet

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=CST)
COUNTY = Division("621025", "正宁县", DivisionLevel.county, "621000")
SECTIONS = ("公共法律服务股", "各乡镇司法所")
SET = SetResponsibilities(COUNTY, "局长 赵国强", "副局长 孙丽", SECTIONS, "县司法局 301 室", date(2026, 1, 1))
DONE = CountyResponsibilitiesSet(
    county_code="621025", head="局长 赵国强", deputy="副局长 孙丽", sections=list(SECTIONS),
    filing_place="县司法局 301 室", effective_on=date(2026, 1, 1),
)  # fmt: skip
SPEC = Spec(responsibilities, NOW)


def test_the_county_records_who_leads() -> None:
    SPEC.given().when(SET).then(DONE)


def test_the_same_arrangement_again_changes_nothing_and_a_new_one_replaces_it() -> None:
    SPEC.given(DONE).when(SET).then()
    moved = replace(SET, filing_place="县司法局 302 室", effective_on=date(2026, 6, 1))
    SPEC.given(DONE).when(moved).then(
        DONE.model_copy(update={"filing_place": "县司法局 302 室", "effective_on": date(2026, 6, 1)})
    )


def test_repeated_sections_are_listed_once() -> None:
    twice = replace(SET, sections=SECTIONS * 2)
    SPEC.given().when(twice).then(DONE)


def test_only_a_known_county_and_at_least_one_section() -> None:
    township = Division("621025100000", "山河镇", DivisionLevel.township, "621025")
    SPEC.given().when(SetResponsibilities(township, "a", "b", SECTIONS, "c", date(2026, 1, 1))).refused(
        NotFoundError, "county_code"
    )
    SPEC.given().when(SetResponsibilities(COUNTY, "a", "b", (), "c", date(2026, 1, 1))).refused(
        RuleViolationError, "sections"
    )
