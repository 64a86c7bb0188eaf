"""Units and advisors: registration and status changes (pure)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from eventkit.errors import AppError, ConflictError, RuleViolationError
from registry.domain.advisors import Advisor, ChangeAdvisorStatus, Command, RegisterAdvisor, advisors
from registry.domain.divisions import Division
from registry.domain.units import RegisterUnit, Unit, units
from support.deciding import Spec
from vc_contracts import CST, Event
from vc_contracts.catalogue.enums import AdvisorKind, AdvisorStatus, DivisionLevel, UnitKind
from vc_contracts.catalogue.registry import AdvisorRegistered, AdvisorStatusChanged, UnitRegistered

NOW = datetime(2025, 6, 1, 10, 0, tzinfo=CST)
COUNTY = Division("621025", "正宁县", DivisionLevel.county, "621000")
FIRM = Unit("U-firm", UnitKind.law_firm, "甘肃正宁律师事务所", "621025")
REGISTER = RegisterAdvisor("A-li", "李律师", AdvisorKind.lawyer, FIRM, "13800000001", "16210201234567890")
REGISTERED = AdvisorRegistered(
    advisor_id="A-li",
    name="李律师",
    kind=AdvisorKind.lawyer,
    unit_id="U-firm",
    licence_no="16210201234567890",
    phone="13800000001",
)
SUSPENDED = AdvisorStatusChanged(
    advisor_id="A-li", status=AdvisorStatus.suspended, changed_on=date(2025, 3, 1), reason="病假"
)


ADVISORS, UNITS = Spec(advisors, NOW), Spec(units, NOW)


def test_an_advisor_is_registered_with_every_field_of_the_command() -> None:
    ADVISORS.given().when(REGISTER).then(REGISTERED)


def test_a_status_change_is_recorded_and_folded() -> None:
    left = AdvisorStatusChanged(
        advisor_id="A-li", status=AdvisorStatus.left, changed_on=date(2025, 5, 31), reason="调离"
    )
    when = ADVISORS.given(REGISTERED).when(ChangeAdvisorStatus(AdvisorStatus.left, date(2025, 5, 31), "调离"))
    events = when.then(left)
    state = ADVISORS.state(REGISTERED, *events)
    assert (state.status, state.status_since) == (AdvisorStatus.left, date(2025, 5, 31))


def test_registering_the_same_advisor_again_changes_nothing() -> None:
    ADVISORS.given(REGISTERED).when(REGISTER).then()


@pytest.mark.parametrize(
    ("given", "command", "error", "field"),
    [
        (
            [],
            ChangeAdvisorStatus(AdvisorStatus.left, date(2025, 5, 1), "x"),
            RuleViolationError,
            "advisor_id",
        ),
        (
            [REGISTERED],
            ChangeAdvisorStatus(AdvisorStatus.active, date(2025, 5, 1), "x"),
            ConflictError,
            "status",
        ),
        (
            [REGISTERED],
            ChangeAdvisorStatus(AdvisorStatus.left, date(2025, 6, 2), "x"),
            RuleViolationError,
            "changed_on",
        ),
        (
            [REGISTERED, SUSPENDED],
            ChangeAdvisorStatus(AdvisorStatus.active, date(2025, 2, 1), "x"),
            RuleViolationError,
            "changed_on",
        ),
        (
            [],
            RegisterAdvisor("A-li", "李律师", AdvisorKind.lawyer, FIRM, "13800000001"),
            RuleViolationError,
            "licence_no",
        ),
        (
            [],
            RegisterAdvisor("A-li", "李律师", AdvisorKind.lawyer, Unit(), "1380000001", "1" * 17),
            RuleViolationError,
            "unit_id",
        ),
        (
            [REGISTERED],
            RegisterAdvisor("A-li", "王律师", AdvisorKind.lawyer, FIRM, "1", "1" * 17),
            ConflictError,
            "advisor_id",
        ),
    ],
    ids=[
        "unknown-advisor",
        "same-status",
        "in-the-future",
        "before-last-change",
        "lawyer-without-licence",
        "unknown-unit",
        "id-taken",
    ],
)
def test_bad_advisor_commands_are_refused_with_the_field(
    given: list[Event], command: Command, error: type[AppError], field: str
) -> None:
    ADVISORS.given(*given).when(command).refused(error, field)


def test_a_justice_office_head_needs_no_licence() -> None:
    office = Unit("U-office", UnitKind.justice_office, "山河司法所", "621025")
    command = RegisterAdvisor("A-wang", "王所长", AdvisorKind.justice_office_head, office, "13800000002")
    ADVISORS.given().when(command).then(
        AdvisorRegistered(
            advisor_id="A-wang",
            name="王所长",
            kind=AdvisorKind.justice_office_head,
            unit_id="U-office",
            licence_no=None,
            phone="13800000002",
        )
    )


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (RegisterUnit("U-1", UnitKind.law_firm, "某律师事务所", COUNTY), "credit_code"),
        (RegisterUnit("U-1", UnitKind.justice_office, "某司法所", Division()), "division_code"),
    ],
    ids=["firm-without-credit-code", "unknown-division"],
)
def test_bad_units_are_refused(command: RegisterUnit, field: str) -> None:
    UNITS.given().when(command).refused(RuleViolationError, field)


def test_a_unit_registered_twice_changes_nothing() -> None:
    command = RegisterUnit("U-1", UnitKind.legal_aid_center, "正宁县法律援助中心", COUNTY)
    first = (
        UNITS.given()
        .when(command)
        .then(
            UnitRegistered(
                unit_id="U-1",
                kind=UnitKind.legal_aid_center,
                name="正宁县法律援助中心",
                division_code="621025",
            )
        )
    )
    UNITS.given(*first).when(command).then()
    assert UNITS.state(*first) == Unit("U-1", UnitKind.legal_aid_center, "正宁县法律援助中心", "621025")


def test_an_unregistered_advisor_is_a_blank_state() -> None:
    assert advisors.initial == Advisor() and not Advisor().exists
