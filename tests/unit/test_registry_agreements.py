"""Agreements and divisions: decide/evolve tables (pure)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from eventkit.errors import ConflictError, RuleViolationError
from registry.domain.agreements import FileAgreement, SignAgreement, agreements
from registry.domain.divisions import Division, RegisterDivision, divisions
from registry.domain.people import Unit
from vc_contracts import CST
from vc_contracts.catalogue.enums import DivisionLevel, UnitKind
from vc_contracts.catalogue.registry import AgreementFiled, AgreementSigned, DivisionRegistered

NOW = datetime(2025, 6, 1, 10, 0, tzinfo=CST)
VILLAGE = Division("621025100201", "西头村", DivisionLevel.village, "621025100000")
FIRM = Unit("U-firm", UnitKind.law_firm, "甘肃正宁律师事务所", "621025")
SIGN = SignAgreement("AG-1", FIRM, VILLAGE, ("A-li",), date(2025, 1, 1), date(2025, 12, 31), date(2025, 1, 5))


def test_signing_records_the_agreement() -> None:
    events = agreements.decide(agreements.initial, SIGN, NOW)
    assert isinstance(events[0], AgreementSigned) and events[0].village_code == VILLAGE.code


def test_filing_an_agreement_that_was_never_signed_is_refused() -> None:
    with pytest.raises(RuleViolationError) as refused:
        agreements.decide(agreements.initial, FileAgreement("ZN-2025-001", date(2025, 3, 1), True), NOW)
    assert refused.value.field == "agreement_id"


def test_an_agreement_is_filed_once() -> None:
    signed = agreements.fold(list(agreements.decide(agreements.initial, SIGN, NOW)))
    filed = agreements.decide(signed, FileAgreement("ZN-2025-001", date(2025, 3, 31), True), NOW)
    assert isinstance(filed[0], AgreementFiled)
    with pytest.raises(ConflictError):
        agreements.decide(agreements.evolve(signed, filed[0]), FileAgreement("ZN-2", date(2025, 4, 1), True), NOW)


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (SignAgreement("AG-1", FIRM, VILLAGE, ("A",), date(2025, 12, 31), date(2025, 1, 1), date(2025, 1, 5)),
         "term_end"),
        (SignAgreement("AG-1", Unit(), VILLAGE, ("A",), date(2025, 1, 1), date(2025, 12, 31), date(2025, 1, 5)),
         "unit_id"),
        (SignAgreement("AG-1", FIRM, Division(), ("A",), date(2025, 1, 1), date(2025, 12, 31), date(2025, 1, 5)),
         "village_code"),
        (SignAgreement("AG-1", FIRM, VILLAGE, ("A",), date(2025, 1, 1), date(2025, 12, 31), date(2025, 7, 1)),
         "signed_on"),
    ],
    ids=["dates-in-wrong-order", "unknown-unit", "unknown-village", "signed-in-the-future"],
)
def test_bad_agreements_are_refused(command: SignAgreement, field: str) -> None:
    with pytest.raises(RuleViolationError) as refused:
        agreements.decide(agreements.initial, command, NOW)
    assert refused.value.field == field


COUNTY = Division("621025", "正宁县", DivisionLevel.county, "621000")
TOWNSHIP = Division("621025100000", "山河镇", DivisionLevel.township, "621025")


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (RegisterDivision("621025100201", "西头村", DivisionLevel.village, COUNTY), "parent_code"),
        (RegisterDivision("621026100201", "外县村", DivisionLevel.village, TOWNSHIP), "code"),
        (RegisterDivision("621025100201", "西头村", DivisionLevel.village, Division()), "parent_code"),
        (RegisterDivision("621025", "正宁县", DivisionLevel.village, TOWNSHIP), "code"),
    ],
    ids=["village-under-county", "code-outside-parent", "parent-unknown", "short-code-for-village"],
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
