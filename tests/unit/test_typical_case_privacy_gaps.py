"""A typical case's write-up is refused for a phone, identity or name written with gaps a reader
reads across (pure): a mobile number grouped by spaces or hyphens (139 0000 1234, 139-0000-1234),
in full-width digits (１３９００００１２３４) or after +86; an identity card number grouped the
same way; a name split by a middle dot (村民王·小明, 王・小明, 王•小明), also a party's name the
entry lists. The check saw only the unbroken forms. Ordinary numbers of a write-up still pass
(金额 12,000 元, 2026 年, 30 人, dates and times). The resident's public question (registry
feedback) uses the same number rule (`vc_contracts.personal_numbers`)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from eventkit.errors import RuleViolationError
from hypothesis import given
from hypothesis import strategies as st
from ledger.domain.typical_cases import EntryFacts, ProposeCase, typical_cases
from support.deciding import Spec
from vc_contracts import CST
from vc_contracts.catalogue.enums import EntryKind
from vc_contracts.catalogue.ledger import TypicalCaseProposed
from vc_contracts.personal_numbers import personal_number_in

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=CST)
VILLAGE = "621025100201"
MEDIATION = EntryFacts("E-abc", EntryKind.mediation, VILLAGE, 2026, voided=False)
WITH_PARTIES = EntryFacts("E-abc", EntryKind.mediation, VILLAGE, 2026, False, ("张三丰",))
TITLE = "宅基地边界纠纷的调解"
SPEC = Spec(typical_cases, NOW)
PHONE = "不得出现手机号码或身份证号码"


def proposing(text: str, entry: EntryFacts = MEDIATION, title: str = TITLE) -> ProposeCase:
    return ProposeCase("TC-abc", entry, title, text, "A-1")


def proposed(text: str, title: str = TITLE) -> TypicalCaseProposed:
    return TypicalCaseProposed(
        case_id="TC-abc", entry_id="E-abc", entry_kind=EntryKind.mediation, village_code=VILLAGE,
        county_code="621025", year=2026, title=title, text=text, proposed_by="A-1",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("entry", "title", "text", "field", "said"),
    [
        # given a mediation, when its write-up holds …, then refused next to the field
        (MEDIATION, TITLE, "回访电话 139 0000 1234。", "text", "手机号码"),
        (MEDIATION, TITLE, "回访电话 139-0000-1234。", "text", "手机号码"),
        (MEDIATION, TITLE, "回访电话 139 - 0000 - 1234。", "text", "手机号码"),
        (MEDIATION, TITLE, "回访电话１３９００００１２３４。", "text", "手机号码"),
        (MEDIATION, TITLE, "回访电话 １３９ ００００ １２３４。", "text", "手机号码"),
        (MEDIATION, TITLE, "回访电话 +86 139 0000 1234。", "text", "手机号码"),
        (MEDIATION, TITLE, "回访电话 +8613900001234。", "text", "手机号码"),
        (MEDIATION, TITLE, "回访电话 0086-139-0000-1234。", "text", "手机号码"),
        (MEDIATION, TITLE, "回访电话 139\u200b0000\u200b1234。", "text", "手机号码"),
        (MEDIATION, TITLE, "回访电话 139·0000·1234。", "text", "手机号码"),
        (MEDIATION, "139 0000 1234 的来电", "双方达成协议。", "title", "手机号码"),
        (MEDIATION, TITLE, "身份证 621025 19800101 123X。", "text", "身份证号码"),
        (MEDIATION, TITLE, "身份证 6210 2519 8001 0112 3X。", "text", "身份证号码"),
        (MEDIATION, TITLE, "身份证 621025-19800101-1234。", "text", "身份证号码"),
        (MEDIATION, TITLE, "身份证６２１０２５１９８００１０１１２３Ｘ。", "text", "身份证号码"),
        (MEDIATION, TITLE, "村民王·小明向李某借款。", "text", "王小明"),
        (MEDIATION, TITLE, "村民王・小明向李某借款。", "text", "王小明"),
        (MEDIATION, TITLE, "村民王•小明向李某借款。", "text", "王小明"),
        (MEDIATION, TITLE, "村民王‧小明向李某借款。", "text", "王小明"),
        (MEDIATION, TITLE, "村民王･小明向李某借款。", "text", "王小明"),
        (MEDIATION, "当事人刘·强的纠纷", "双方达成协议。", "title", "刘强"),
        (WITH_PARTIES, TITLE, "张·三丰认为协议无效。", "text", "张三丰"),  # a listed party, split
        (WITH_PARTIES, TITLE, "张 三丰认为协议无效。", "text", "张三丰"),
        (WITH_PARTIES, TITLE, "张\u200b三丰认为协议无效。", "text", "张三丰"),
    ],
)  # fmt: skip
def test_a_number_or_name_written_with_gaps_is_refused(
    entry: EntryFacts, title: str, text: str, field: str, said: str
) -> None:
    SPEC.given().when(proposing(text, entry, title)).refused(RuleViolationError, field)
    with pytest.raises(RuleViolationError, match=said):
        typical_cases.decide(typical_cases.initial, proposing(text, entry, title), NOW)


@pytest.mark.parametrize(
    "text",
    [
        # given a mediation, when its write-up holds only ordinary numbers, then it is proposed
        "双方确认欠款金额 12,000 元，2026 年 3 月 1 日前付清，30 人到场见证。",
        "2026-03-01 09:30 调解，2026-03-15 14:00 回访。",
        "涉及土地 13.5 亩，共 139 户、1,234 人。",
        "调解书编号 2026-139-0001。",
        "2018 2019 2020 2021 2022 2023 年连续六年未分红。",
        "第 13 组 15 户 17 人。",
        "维吾尔族村民买买提·吐尔逊的纠纷由王某调解。",  # a dotted name is no surname + name: the reviewer's
        "座机 0931-1234567。",  # a landline is not a mobile
        "订单号 813900001234567。",  # a mobile's digits inside a longer number
    ],
)
def test_ordinary_numbers_and_dots_pass(text: str) -> None:
    SPEC.given().when(proposing(text)).then(proposed(text))


GAP = st.sampled_from(["", "", " ", "-", "\u3000", "－"])  # more often none than one


@given(
    st.sampled_from("3456789"),
    st.lists(st.sampled_from("0123456789"), min_size=9, max_size=9),
    st.lists(GAP, min_size=10, max_size=10),
    st.booleans(),
)
def test_any_mobile_with_single_spaces_or_hyphens_between_its_digits_is_refused(
    second: str, rest: list[str], gaps: list[str], wide: bool
) -> None:
    digits = ["1", second, *rest]
    number = digits[0] + "".join(gap + digit for gap, digit in zip(gaps, digits[1:], strict=True))
    groups = re.split("[ \u3000]", number)
    if len(groups) >= 3 and all(g.isdigit() and len(g) <= 3 for g in groups) and max(map(len, groups)) > 1:
        # Only spaces, three or more groups of at most three digits (130 000 000 00): a list of
        # counts (户数 135 148 160 72, session 25), which a write-up must be able to hold.
        assert personal_number_in(f"各组户数{number}户。") is None
        return
    if wide:
        number = number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert personal_number_in(f"回访电话{number}，双方满意。") == "手机号码"
    with pytest.raises(RuleViolationError, match=PHONE):
        typical_cases.decide(typical_cases.initial, proposing(f"回访电话 {number}。"), NOW)


@given(
    st.lists(st.sampled_from("0123456789"), min_size=17, max_size=17),
    st.sampled_from("0123456789Xx"),
    st.lists(st.sampled_from(["", "", "", " ", "-"]), min_size=17, max_size=17),
)
def test_any_identity_number_with_single_spaces_or_hyphens_is_refused(
    digits: list[str], check: str, gaps: list[str]
) -> None:
    chars = [*digits, check]
    number = chars[0] + "".join(gap + c for gap, c in zip(gaps, chars[1:], strict=True))
    groups = number.split(" ")
    if all(g.isdigit() and len(g) <= 3 for g in groups) and max(map(len, groups)) > 1:
        assert personal_number_in(f"各组人数{number}人。") is None  # a list of counts (session 25)
        return
    assert personal_number_in(f"身份证{number}。") == "身份证号码"


AMOUNT = st.integers(0, 10**8).map(lambda n: f"{n:,}")  # 12,000 (元)
SHORT = st.integers(0, 10**5).map(str)  # 30 (人), 2026 (年)
WORD = st.sampled_from(["元", "年", "人", "户", "亩", "月", "日", "宅基地", "调解", "，", "。", "、"])


NUMBERED = st.lists(st.tuples(st.one_of(AMOUNT, SHORT), WORD), min_size=1, max_size=12)


@given(NUMBERED, st.sampled_from([" ", ""]))
def test_amounts_years_and_counts_as_written_pass(parts: list[tuple[str, str]], space: str) -> None:
    """Numbers as a write-up writes them (amounts grouped by commas, years, counts), each followed by
    its word, with or without a space around the number: never taken for a phone or an ID."""
    text = "".join(f"{space}{number}{space}{word}" for number, word in parts)
    assert personal_number_in(text) is None, text
    SPEC.given().when(proposing(text)).then(proposed(text))


def test_the_resident_question_refuses_a_spaced_mobile_too() -> None:
    """Registry feedback, shown back on the village's public board, uses the same rule."""
    assert personal_number_in("请回电 139 0000 1234") == "手机号码"
    assert personal_number_in("我家 3 口人，承包地 12.5 亩") is None


ROLE = st.sampled_from(["村民", "当事人", "被申请人", "向", "与"])
GIVEN = st.sampled_from(["小明", "大海", "建国", "红梅", "强"])
SPLIT = st.sampled_from(["·", "・", "•", "‧", "･", " ", "\u3000", "\u200b"])


@given(ROLE, st.sampled_from(list("王李张刘陈杨赵吴周")), GIVEN, SPLIT)
def test_a_name_split_by_any_dot_or_gap_after_a_role_is_refused(
    role: str, surname: str, given_name: str, split: str
) -> None:
    text = f"{role}{surname}{split}{given_name}借款五万元。"
    with pytest.raises(RuleViolationError, match=f"“{surname}{given_name}”"):
        typical_cases.decide(typical_cases.initial, proposing(text), NOW)
