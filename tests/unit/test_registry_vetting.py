"""Advisor vetting (R2): nominate, approve or reject, and only approved advisors serve (pure)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from eventkit.errors import AppError, ConflictError, RuleViolationError
from registry.domain.advisors import (
    ApproveAdvisor,
    Command,
    NominateAdvisor,
    RegisterAdvisor,
    RejectAdvisor,
    advisors,
)
from registry.domain.agreements import SignAgreement, agreements
from registry.domain.assignments import AssignAdvisor, assignments
from registry.domain.divisions import Division
from registry.domain.units import Unit
from registry.domain.vetting import (
    AdvisorNotApprovedError,
    AlreadyNominatedError,
    KnownPerson,
    require_new_person,
)
from support.deciding import Spec
from vc_contracts import CST, Event
from vc_contracts.catalogue.enums import AdvisorKind, AdvisorVetting, DivisionLevel, UnitKind
from vc_contracts.catalogue.registry import (
    AdvisorApproved,
    AdvisorNominated,
    AdvisorRegistered,
    AdvisorRejected,
)

NOW = datetime(2025, 6, 1, 10, 0, tzinfo=CST)
FIRM = Unit("U-firm", UnitKind.law_firm, "甘肃正宁律师事务所", "621025")
OFFICE = Unit("U-office", UnitKind.justice_office, "山河司法所", "621025")
AID = Unit("U-aid", UnitKind.legal_aid_center, "正宁县法律援助中心", "621025")
BUREAU = Unit("U-bureau", UnitKind.county_bureau, "正宁县司法局", "621025")
LICENCE = "16210201234567890"
NOMINATE = NominateAdvisor("A-zhou", "周律师", AdvisorKind.lawyer, FIRM, "13800000003", LICENCE)
PERSON = {"advisor_id": "A-zhou", "name": "周律师", "kind": AdvisorKind.lawyer, "unit_id": "U-firm"}
NOMINATED = AdvisorNominated(**PERSON, licence_no=LICENCE, phone="13800000003")
APPROVED = AdvisorApproved(advisor_id="A-zhou", unit_id="U-firm")
REGISTERED = AdvisorRegistered(**PERSON, licence_no=LICENCE, phone="13800000003")
REJECTED = AdvisorRejected(advisor_id="A-zhou", unit_id="U-firm", reason="执业证已注销")
ADVISORS = Spec(advisors, NOW)


def test_a_nomination_is_recorded_pending_with_every_field() -> None:
    events = ADVISORS.given().when(NOMINATE).then(NOMINATED)
    assert ADVISORS.state(*events).vetting is AdvisorVetting.pending


def test_approval_is_followed_by_the_registration_that_puts_the_nominee_on_the_roster() -> None:
    events = ADVISORS.given(NOMINATED).when(ApproveAdvisor()).then(APPROVED, REGISTERED)
    assert ADVISORS.state(NOMINATED, *events).approved


def test_a_rejection_carries_its_reason_and_the_nominee_may_be_nominated_again() -> None:
    events = ADVISORS.given(NOMINATED).when(RejectAdvisor("执业证已注销")).then(REJECTED)
    assert ADVISORS.state(NOMINATED, *events).vetting is AdvisorVetting.rejected
    again = ADVISORS.given(NOMINATED, REJECTED).when(NOMINATE).then(NOMINATED)
    assert ADVISORS.state(NOMINATED, REJECTED, *again).vetting is AdvisorVetting.pending


def test_the_same_nomination_again_changes_nothing() -> None:
    ADVISORS.given(NOMINATED).when(NOMINATE).then()


def test_an_advisor_registered_by_the_county_counts_as_approved() -> None:
    """Existing advisors (AdvisorRegistered without a nomination, the roster import) are approved."""
    assert ADVISORS.state(REGISTERED).approved


@pytest.mark.parametrize(
    ("given", "command", "error", "field"),
    [
        ([], ApproveAdvisor(), RuleViolationError, "advisor_id"),
        ([], RejectAdvisor("x"), RuleViolationError, "advisor_id"),
        ([NOMINATED, APPROVED, REGISTERED], ApproveAdvisor(), ConflictError, "advisor_id"),
        ([NOMINATED, APPROVED, REGISTERED], RejectAdvisor("x"), ConflictError, "advisor_id"),
        ([REGISTERED], ApproveAdvisor(), ConflictError, "advisor_id"),
        ([NOMINATED, REJECTED], ApproveAdvisor(), ConflictError, "advisor_id"),
        ([NOMINATED, REJECTED], RejectAdvisor("x"), ConflictError, "advisor_id"),
        ([REGISTERED], NOMINATE, ConflictError, "advisor_id"),
        ([NOMINATED, REJECTED], replace(NOMINATE, unit=replace(FIRM, unit_id="U-other")), ConflictError,
         "advisor_id"),
        ([NOMINATED], RegisterAdvisor("A-zhou", "周律师", AdvisorKind.lawyer, FIRM, "1", LICENCE),
         ConflictError, "advisor_id"),
        ([], replace(NOMINATE, licence_no=None), RuleViolationError, "licence_no"),
        ([], replace(NOMINATE, unit=Unit()), RuleViolationError, "unit_id"),
        ([], replace(NOMINATE, kind=AdvisorKind.judicial_assistant), RuleViolationError, "kind"),
        ([], replace(NOMINATE, unit=OFFICE), RuleViolationError, "kind"),
        ([], replace(NOMINATE, unit=BUREAU, kind=AdvisorKind.public_lawyer), RuleViolationError, "unit_id"),
    ],
    ids=[
        "approve-unknown", "reject-unknown", "approve-twice", "reject-approved", "approve-registered",
        "approve-rejected", "reject-twice", "nominate-registered", "renominate-by-another-unit",
        "register-over-a-pending-nomination", "lawyer-without-licence", "unknown-unit",
        "firm-nominates-judicial-assistant", "office-nominates-lawyer", "bureau-is-no-providing-unit",
    ],
)  # fmt: skip
def test_bad_vetting_commands_are_refused_with_the_field(
    given: list[Event], command: Command, error: type[AppError], field: str
) -> None:
    ADVISORS.given(*given).when(command).refused(error, field)


@pytest.mark.parametrize(
    ("unit", "kind", "licence"),
    [
        (OFFICE, AdvisorKind.justice_office_head, None),
        (OFFICE, AdvisorKind.judicial_assistant, None),
        (AID, AdvisorKind.legal_aid_lawyer, LICENCE),
        (AID, AdvisorKind.public_lawyer, LICENCE),
        (FIRM, AdvisorKind.lawyer, LICENCE),
    ],
    ids=["office-head", "judicial-assistant", "legal-aid-lawyer", "public-lawyer", "firm-lawyer"],
)
def test_each_unit_nominates_the_kinds_the_notice_names(
    unit: Unit, kind: AdvisorKind, licence: str | None
) -> None:
    command = replace(NOMINATE, unit=unit, kind=kind, licence_no=licence)
    ADVISORS.given().when(command).then(
        NOMINATED.model_copy(update={"unit_id": unit.unit_id, "kind": kind, "licence_no": licence})
    )


VILLAGE = Division("621025100201", "西头村", DivisionLevel.village, "621025100000")
PENDING = ADVISORS.state(NOMINATED)
REFUSED = ADVISORS.state(NOMINATED, REJECTED)
ON_ROSTER = ADVISORS.state(NOMINATED, APPROVED, REGISTERED)


@pytest.mark.parametrize("advisor", [PENDING, REFUSED], ids=["pending", "rejected"])
def test_only_an_approved_advisor_is_assigned_to_a_village(advisor: object) -> None:
    spec = Spec(assignments, NOW)
    command = AssignAdvisor("AS-1", VILLAGE, advisor, date(2025, 5, 1), "每周三")  # type: ignore[arg-type]
    error = spec.given().when(command).refused(AdvisorNotApprovedError, "advisor_id")
    assert error.code == "advisor_not_approved" and error.status == 422
    assert "审核" in error.message and "周律师" in error.message
    spec.given().when(replace(command, advisor=ON_ROSTER)).decided()  # once approved: assigned


@pytest.mark.parametrize("advisor", [PENDING, REFUSED], ids=["pending", "rejected"])
def test_only_an_approved_advisor_is_named_in_an_agreement(advisor: object) -> None:
    spec = Spec(agreements, NOW)
    term = (date(2025, 1, 1), date(2025, 12, 31))
    command = SignAgreement("AG-1", FIRM, VILLAGE, (advisor,), *term, date(2025, 1, 5))  # type: ignore[arg-type]
    spec.given().when(command).refused(AdvisorNotApprovedError, "advisor_ids")
    spec.given().when(replace(command, advisors=(ON_ROSTER,))).decided()


ON_FILE = KnownPerson("A-zhou", "周律师", "U-firm", LICENCE, approved=True, unit_name="甘肃正宁律师事务所")
WAITING = KnownPerson("A-li", "李助理", "U-office", None, approved=False, unit_name="山河司法所")


@pytest.mark.parametrize(
    ("nominee", "field", "says"),
    [
        (("A-new", "周律师", "U-firm", LICENCE), "licence_no", "已审核通过在册"),  # same licence
        (("A-new", "周某", "U-aid", LICENCE), "licence_no", "周律师"),  # same licence, other unit
        (("A-new", "李助理", "U-office", None), "name", "正在等待县司法局审核"),  # no licence: name+unit
    ],
)
def test_a_person_approved_or_pending_in_the_county_is_not_nominated_again(
    nominee: tuple[str, str, str, str | None], field: str, says: str
) -> None:
    with pytest.raises(AlreadyNominatedError) as refused:
        require_new_person(*nominee, [ON_FILE, WAITING])
    error = refused.value
    assert (error.status, error.code, error.field) == (409, "already_nominated", field)
    assert says in error.message and "不能重复提名" in error.message


@pytest.mark.parametrize(
    "nominee",
    [
        ("A-new", "周律师", "U-firm", "16210209999999999"),  # another licence: another person
        ("A-new", "李助理", "U-other-office", None),  # the same name in another unit
        ("A-li", "李助理", "U-office", None),  # the pending nomination itself, retried
        ("A-zhou", "周律师", "U-firm", LICENCE),  # its own stream (a renomination after rejection)
    ],
)
def test_other_people_and_the_nominee_itself_pass(nominee: tuple[str, str, str, str | None]) -> None:
    require_new_person(*nominee, [ON_FILE, WAITING])


def test_a_rejected_person_is_not_known_so_may_be_nominated_again() -> None:
    require_new_person("A-new", "周律师", "U-firm", LICENCE, [])  # rejected ones are not in `known`
