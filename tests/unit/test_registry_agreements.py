"""Agreements: given past events, when a command, then events or a refusal naming the field (pure)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from eventkit.errors import AppError, ConflictError, RuleViolationError
from registry.domain.advisors import Advisor
from registry.domain.agreements import (
    Command,
    FileAgreement,
    RenewAgreement,
    SignAgreement,
    TerminateAgreement,
    agreements,
)
from registry.domain.divisions import Division
from registry.domain.units import Unit
from support.deciding import Spec
from vc_contracts import CST, Event
from vc_contracts.catalogue.enums import DivisionLevel, UnitKind
from vc_contracts.catalogue.registry import (
    AgreementFiled,
    AgreementRenewed,
    AgreementSigned,
    AgreementTerminated,
)

NOW = datetime(2025, 6, 1, 10, 0, tzinfo=CST)
VILLAGE = Division("621025100201", "西头村", DivisionLevel.village, "621025100000")
TOWNSHIP = Division("621025100000", "山河镇", DivisionLevel.township, "621025")
FIRM = Unit("U-firm", UnitKind.law_firm, "甘肃正宁律师事务所", "621025")
LI = Advisor("A-li", "李律师", "U-firm", "13800000001")
STRANGER = Advisor("A-x", "外所律师", "U-other", "13800000009")
TERM = (date(2025, 1, 1), date(2025, 12, 31))
SIGN = SignAgreement("AG-1", FIRM, VILLAGE, (LI,), *TERM, date(2025, 1, 5))
SIGNED = AgreementSigned(
    agreement_id="AG-1",
    unit_id="U-firm",
    village_code=VILLAGE.code or "",
    advisor_ids=["A-li"],
    term_start=TERM[0],
    term_end=TERM[1],
    signed_on=date(2025, 1, 5),
)
FILED = AgreementFiled(
    agreement_id="AG-1",
    village_code=VILLAGE.code or "",
    filing_no="正司备〔2025〕1号",
    filed_on=date(2025, 3, 1),
    signed_and_stamped=True,
)
UNSTAMPED = FILED.model_copy(update={"signed_and_stamped": False})
RENEWED = AgreementRenewed(
    agreement_id="AG-1",
    village_code=VILLAGE.code or "",
    new_term_end=date(2026, 12, 31),
    renewed_on=date(2025, 5, 20),
)
TERMINATED = AgreementTerminated(
    agreement_id="AG-1", village_code=VILLAGE.code or "", terminated_on=date(2025, 5, 1), reason="顾问离任"
)


SPEC = Spec(agreements, NOW)


def _filed(no: str, on: date) -> AgreementFiled:
    return FILED.model_copy(update={"filing_no": no, "filed_on": on})


@pytest.mark.parametrize(
    ("given", "command", "expected"),
    [
        ([], SIGN, SIGNED),
        (
            [SIGNED],
            FileAgreement("正司备〔2025〕1号", date(2025, 3, 31), True),
            _filed("正司备〔2025〕1号", date(2025, 3, 31)),
        ),
        (
            [SIGNED, UNSTAMPED],
            FileAgreement("正司备〔2025〕1号", date(2025, 4, 2), True),
            _filed("正司备〔2025〕1号", date(2025, 4, 2)),
        ),
        ([SIGNED], RenewAgreement(date(2026, 12, 31), date(2025, 5, 20)), RENEWED),
        (
            [SIGNED, FILED, RENEWED],
            FileAgreement("正司备〔2025〕9号", date(2025, 5, 25), True),
            _filed("正司备〔2025〕9号", date(2025, 5, 25)),
        ),
        ([SIGNED, FILED], TerminateAgreement(date(2025, 5, 1), "顾问离任"), TERMINATED),
    ],
    ids=["sign", "file", "refile-an-unstamped-filing", "renew", "file-the-renewed-term", "terminate"],
)
def test_accepted_agreement_commands_record_one_whole_event(
    given: list[Event], command: Command, expected: Event
) -> None:
    SPEC.given(*given).when(command).then(expected)


def test_signing_names_the_advisors_and_the_village() -> None:
    [signed] = SPEC.given().when(SIGN).then(SIGNED)
    assert isinstance(signed, AgreementSigned)
    assert (signed.village_code, signed.unit_id, signed.advisor_ids) == (VILLAGE.code, "U-firm", ["A-li"])


def test_renewal_opens_a_term_that_must_be_filed_again() -> None:
    state = SPEC.state(SIGNED, FILED, RENEWED)
    assert (state.term_end, state.filed_on, state.term_opened_on) == (
        date(2026, 12, 31),
        None,
        date(2025, 5, 20),
    )


@pytest.mark.parametrize(
    ("given", "command", "error", "field"),
    [
        ([], FileAgreement("X", date(2025, 3, 1), True), RuleViolationError, "agreement_id"),
        ([SIGNED, FILED], FileAgreement("X", date(2025, 4, 1), True), ConflictError, "agreement_id"),
        ([SIGNED], FileAgreement("X", date(2025, 1, 4), True), RuleViolationError, "filed_on"),
        ([SIGNED, UNSTAMPED], FileAgreement("X", date(2025, 2, 1), True), RuleViolationError, "filed_on"),
        ([SIGNED], FileAgreement("X", date(2025, 6, 2), True), RuleViolationError, "filed_on"),
        ([SIGNED, TERMINATED], FileAgreement("X", date(2025, 5, 2), True), ConflictError, "agreement_id"),
        ([], RenewAgreement(date(2026, 12, 31), date(2025, 5, 1)), RuleViolationError, "agreement_id"),
        ([SIGNED], RenewAgreement(date(2025, 6, 30), date(2025, 5, 1)), RuleViolationError, "new_term_end"),
        ([SIGNED], RenewAgreement(date(2026, 12, 31), date(2025, 1, 1)), RuleViolationError, "renewed_on"),
        (
            [SIGNED, TERMINATED],
            RenewAgreement(date(2026, 12, 31), date(2025, 5, 2)),
            ConflictError,
            "agreement_id",
        ),
        ([SIGNED], TerminateAgreement(date(2025, 1, 4), "x"), RuleViolationError, "terminated_on"),
        ([SIGNED], TerminateAgreement(date(2025, 7, 1), "x"), RuleViolationError, "terminated_on"),
        ([SIGNED, TERMINATED], TerminateAgreement(date(2025, 5, 2), "x"), ConflictError, "agreement_id"),
        ([SIGNED], SIGN, ConflictError, "agreement_id"),
    ],
    ids=[
        "file-unsigned",
        "file-twice",
        "filed-before-signed",
        "refiled-before-first-filing",
        "filed-in-future",
        "file-terminated",
        "renew-unsigned",
        "renewal-shortens-term",
        "renewed-before-signed",
        "renew-terminated",
        "terminated-before-signed",
        "terminated-in-future",
        "terminate-twice",
        "sign-twice",
    ],
)
def test_bad_agreement_commands_are_refused_with_the_field(
    given: list[Event], command: Command, error: type[AppError], field: str
) -> None:
    SPEC.given(*given).when(command).refused(error, field)


def sign(**changes: object) -> SignAgreement:
    fields = {**SIGN.__dict__, **changes}
    return SignAgreement(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (sign(term_start=date(2025, 12, 31), term_end=date(2025, 1, 1)), "term_end"),
        (sign(unit=Unit()), "unit_id"),
        (sign(village=Division()), "village_code"),
        (sign(village=TOWNSHIP), "village_code"),
        (sign(signed_on=date(2025, 7, 1)), "signed_on"),
        (sign(term_end=date(2025, 3, 1), signed_on=date(2025, 4, 1)), "signed_on"),
        (sign(advisors=()), "advisor_ids"),
        (sign(advisors=(Advisor(),)), "advisor_ids"),
        (sign(advisors=(LI, LI)), "advisor_ids"),
        (sign(advisors=(LI, STRANGER)), "advisor_ids"),
    ],
    ids=[
        "dates-in-wrong-order",
        "unknown-unit",
        "unknown-village",
        "township-is-not-a-village",
        "signed-in-the-future",
        "signed-after-term-end",
        "no-advisor",
        "unknown-advisor",
        "advisor-twice",
        "advisor-of-another-unit",
    ],
)
def test_bad_agreements_are_refused(command: SignAgreement, field: str) -> None:
    with pytest.raises(RuleViolationError) as refused:
        agreements.decide(agreements.initial, command, NOW)
    assert refused.value.field == field
