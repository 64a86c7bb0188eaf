"""Typical cases (R16): proposed from a mediation, consultation or lecture, approved or returned by
the county, proposed again after a return; a write-up naming a party or holding a phone or identity
number is refused (pure)."""

from __future__ import annotations

from datetime import datetime

import pytest
from eventkit.errors import AppError, ConflictError, RuleViolationError
from hypothesis import given
from hypothesis import strategies as st
from ledger.domain.typical_cases import (
    ApproveCase,
    EntryFacts,
    ProposeCase,
    ReturnCase,
    case_id_for,
    resident_names,
    typical_cases,
)
from support.deciding import Spec
from vc_contracts import CST
from vc_contracts.catalogue.enums import EntryKind
from vc_contracts.catalogue.ledger import TypicalCaseApproved, TypicalCaseProposed, TypicalCaseReturned

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=CST)
VILLAGE = "621025100201"
MEDIATION = EntryFacts("E-abc", EntryKind.mediation, VILLAGE, 2026, voided=False)
TITLE, TEXT = "宅基地边界纠纷的调解", "两户村民因宅基地边界发生争执，顾问现场调解，双方达成协议。"
PROPOSE = ProposeCase(case_id_for("E-abc"), MEDIATION, TITLE, TEXT, "A-1")
PROPOSED = TypicalCaseProposed(
    case_id="TC-abc", entry_id="E-abc", entry_kind=EntryKind.mediation, village_code=VILLAGE,
    county_code="621025", year=2026, title=TITLE, text=TEXT, proposed_by="A-1",
)  # fmt: skip
APPROVED = TypicalCaseApproved(
    case_id="TC-abc", village_code=VILLAGE, county_code="621025", approved_by="C-1"
)
RETURNED = TypicalCaseReturned(
    case_id="TC-abc", village_code=VILLAGE, county_code="621025", reason="请补充结果", returned_by="C-1"
)
SPEC = Spec(typical_cases, NOW)


def test_a_mediation_is_proposed_with_its_write_up() -> None:
    SPEC.given().when(PROPOSE).then(PROPOSED)


@pytest.mark.parametrize(
    ("history", "command", "then"),
    [
        ([PROPOSED], ApproveCase("C-1"), [APPROVED]),
        ([PROPOSED], ReturnCase("请补充结果", "C-1"), [RETURNED]),
        ([PROPOSED, RETURNED], PROPOSE, [PROPOSED]),  # the resubmission
        ([PROPOSED, RETURNED, PROPOSED], ApproveCase("C-1"), [APPROVED]),
    ],
)
def test_the_county_decides_and_a_returned_case_may_come_again(history, command, then) -> None:  # type: ignore[no-untyped-def]
    SPEC.given(*history).when(command).then(*then)


@pytest.mark.parametrize(
    ("history", "command", "error", "field"),
    [
        ([], ApproveCase("C-1"), ConflictError, "case_id"),
        ([PROPOSED], PROPOSE, ConflictError, "entry_id"),
        ([PROPOSED, APPROVED], PROPOSE, ConflictError, "entry_id"),
        ([PROPOSED, APPROVED], ReturnCase("晚了", "C-1"), ConflictError, "case_id"),
        ([PROPOSED, RETURNED], ApproveCase("C-1"), ConflictError, "case_id"),
    ],
)
def test_only_a_pending_case_is_decided(history, command, error: type[AppError], field: str) -> None:  # type: ignore[no-untyped-def]
    SPEC.given(*history).when(command).refused(error, field)


@pytest.mark.parametrize("kind", [EntryKind.visit, EntryKind.publicity, EntryKind.document_review])
def test_other_kinds_of_work_are_not_typical_cases(kind: EntryKind) -> None:
    entry = EntryFacts("E-abc", kind, VILLAGE, 2026, voided=False)
    SPEC.given().when(ProposeCase("TC-abc", entry, TITLE, TEXT, "A-1")).refused(
        RuleViolationError, "entry_id"
    )


def test_a_voided_entry_is_not_proposed() -> None:
    entry = EntryFacts("E-abc", EntryKind.lecture, VILLAGE, 2026, voided=True)
    SPEC.given().when(ProposeCase("TC-abc", entry, TITLE, TEXT, "A-1")).refused(
        RuleViolationError, "entry_id"
    )


@pytest.mark.parametrize(
    ("title", "text", "field"),
    [
        ("张三丰家的纠纷", TEXT, "title"),
        (TITLE, "当事人李四海不同意调解方案。", "text"),
        (TITLE, "回访电话 13912345678。", "text"),
        (TITLE, "身份证 62102519800101123X。", "text"),
    ],
)
def test_a_write_up_naming_a_party_or_holding_a_number_is_refused_next_to_its_field(
    title: str, text: str, field: str
) -> None:
    entry = EntryFacts("E-abc", EntryKind.mediation, VILLAGE, 2026, False, ("张三丰", "李四海"))
    SPEC.given().when(ProposeCase("TC-abc", entry, title, text, "A-1")).refused(RuleViolationError, field)


def test_the_parties_names_come_from_the_entry_only_when_it_lists_them() -> None:
    assert resident_names({"parties": 2}) == ()
    assert resident_names({"parties": ["张三丰", " ", "李四海"]}) == ("张三丰", "李四海")
    assert resident_names({"party_names": ["王五"]}) == ("王五",)


WORDS = st.sampled_from(["宅基地", "纠纷", "调解", "顾问", "双方", "协议"])


@given(st.lists(st.one_of(WORDS, st.integers(0, 10**10 - 1).map(str)), min_size=1, max_size=12))
def test_plain_text_with_short_numbers_is_accepted(parts: list[str]) -> None:
    """Amounts, areas, dates (runs of up to 10 digits) are fine: only phone and ID shapes are not."""
    command = ProposeCase("TC-abc", MEDIATION, TITLE, "，".join(parts), "A-1")
    assert [type(e) for e in typical_cases.decide(typical_cases.initial, command, NOW)] == [
        TypicalCaseProposed
    ]
