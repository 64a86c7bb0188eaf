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


@pytest.mark.parametrize(
    ("title", "text", "field", "name"),
    [
        (TITLE, "村民王小明向李大海借款五万元，到期未还。", "text", "王小明"),
        (TITLE, "王某向李大海借款五万元。", "text", "李大海"),
        (TITLE, "当事人刘强拒绝调解。", "text", "刘强"),
        (TITLE, "被申请人陈红梅认为协议无效。", "text", "陈红梅"),
        (TITLE, "老人的儿子赵小军不同意赡养。", "text", "赵小军"),
        (TITLE, "顾问与张伟协商后，双方和解。", "text", "张伟"),
        ("村民王小明的借款纠纷", TEXT, "title", "王小明"),
    ],
)
def test_a_name_written_out_where_a_write_up_uses_surname_mou_is_refused(
    title: str, text: str, field: str, name: str
) -> None:
    """No parties listed on the entry: the name is caught by the 王某 convention alone."""
    SPEC.given().when(ProposeCase("TC-abc", MEDIATION, title, text, "A-1")).refused(RuleViolationError, field)
    with pytest.raises(RuleViolationError, match=f"“{name}”.*{name[0]}某"):
        typical_cases.decide(typical_cases.initial, ProposeCase("TC-abc", MEDIATION, title, text, "A-1"), NOW)


@pytest.mark.parametrize(
    "text",
    [
        "村民王某向李某某借款五万元，到期未还。",
        "村委会组织双方调解，达成协议。",
        "李家川村两户村民因宅基地边界发生争执。",
        "法律顾问张律师向村民讲解民法典。",  # a surname with a title is not a resident's name
        "和王主任协商后，被告王某同意还款。",
        "村民高兴地说，问题解决了。",
        "顾问向法院了解诉讼程序，与双方沟通。",
    ],
)
def test_surname_mou_forms_titles_and_place_names_are_accepted(text: str) -> None:
    command = ProposeCase("TC-abc", MEDIATION, TITLE, text, "A-1")
    SPEC.given().when(command).then(PROPOSED.model_copy(update={"text": text}))


ROLE_OR_LINK = st.sampled_from(["村民", "当事人", "被告", "妻子", "向", "与", "被", "和"])
SURNAME = st.sampled_from(list("王李张刘陈杨黄赵吴周"))
MOU = st.builds(lambda s, m: s + m, SURNAME, st.sampled_from(["某", "某某"]))
GLUE = st.sampled_from(["，", "。", "借款", "协商"])


@given(st.lists(st.one_of(WORDS, ROLE_OR_LINK, MOU, GLUE), max_size=16))
def test_any_text_naming_people_only_as_surname_mou_passes(parts: list[str]) -> None:
    text = "".join(parts) or TEXT
    command = ProposeCase("TC-abc", MEDIATION, TITLE, text, "A-1")
    assert [type(e) for e in typical_cases.decide(typical_cases.initial, command, NOW)] == [
        TypicalCaseProposed
    ]
