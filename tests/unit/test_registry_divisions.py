"""Divisions: registration rules and what a code's shape implies (pure)."""

from __future__ import annotations

from datetime import datetime

import pytest
from eventkit.errors import ConflictError, RuleViolationError
from registry.domain.divisions import Division, RegisterDivision, divisions, level_by_shape, parent_by_shape
from vc_contracts import CST
from vc_contracts.catalogue.enums import DivisionLevel
from vc_contracts.catalogue.registry import DivisionRegistered

NOW = datetime(2025, 6, 1, 10, 0, tzinfo=CST)
COUNTY = Division("621025", "正宁县", DivisionLevel.county, "621000")
TOWNSHIP = Division("621025100000", "山河镇", DivisionLevel.township, "621025")


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (RegisterDivision("621025100201", "西头村", DivisionLevel.village, COUNTY), "parent_code"),
        (RegisterDivision("621026100201", "外县村", DivisionLevel.village, TOWNSHIP), "code"),
        (RegisterDivision("621025100201", "西头村", DivisionLevel.village, Division()), "parent_code"),
        (RegisterDivision("621025", "正宁县", DivisionLevel.village, TOWNSHIP), "code"),
        (RegisterDivision("621025100201", "西头村", DivisionLevel.township, COUNTY), "level"),
        (RegisterDivision("621025101000", "某镇", DivisionLevel.community, TOWNSHIP), "level"),
    ],
    ids=[
        "village-under-county",
        "code-outside-parent",
        "parent-unknown",
        "short-code-for-village",
        "village-code-as-township",
        "township-code-as-community",
    ],
)
def test_bad_divisions_are_refused(command: RegisterDivision, field: str) -> None:
    with pytest.raises(RuleViolationError) as refused:
        divisions.decide(divisions.initial, command, NOW)
    assert refused.value.field == field


def test_registering_the_same_division_twice_changes_nothing() -> None:
    command = RegisterDivision("621025100201", "西头村", DivisionLevel.village, TOWNSHIP)
    first = divisions.decide(divisions.initial, command, NOW)
    assert isinstance(first[0], DivisionRegistered)
    assert divisions.decide(divisions.fold(first), command, NOW) == []


def test_a_code_cannot_be_registered_under_another_name() -> None:
    first = divisions.decide(
        divisions.initial, RegisterDivision("621025100201", "西头村", DivisionLevel.village, TOWNSHIP), NOW
    )
    with pytest.raises(ConflictError):
        divisions.decide(
            divisions.fold(first),
            RegisterDivision("621025100201", "东头村", DivisionLevel.village, TOWNSHIP),
            NOW,
        )


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("620000", DivisionLevel.province, None),
        ("621000", DivisionLevel.city, "620000"),
        ("621025", DivisionLevel.county, "621000"),
        ("621025100000", DivisionLevel.township, "621025"),
        ("621025100201", DivisionLevel.village, "621025100000"),
    ],
)
def test_a_codes_shape_implies_its_level_and_parent(
    code: str, level: DivisionLevel, parent: str | None
) -> None:
    assert (level_by_shape(code), parent_by_shape(code)) == (level, parent)
