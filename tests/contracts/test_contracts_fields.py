"""The shared field types: text refuses NUL and control characters and holds one cap per kind; codes,
numbers and phones read full-width digits as ASCII; stored events stay readable (given/when/then
tables, and hypothesis properties)."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from vc_contracts import DivisionCode, parse_event
from vc_contracts.catalogue.fields import Period, Phone, VillageCode
from vc_contracts.catalogue.ledger import ConsultationGiven, EntryCorrected
from vc_contracts.catalogue.registry import AdvisorRegistered, UnitRegistered
from vc_contracts.codes import ID_MAX, CreditCode, Id, LawyerLicence, Number, ascii_digits
from vc_contracts.text import (
    FREE_TEXT_MAX,
    REASON_MAX,
    SHORT_TEXT_MAX,
    STORED,
    FreeText,
    Note,
    Reason,
    ShortText,
    clean_text,
    clean_text_in_full,
)

SHORT, REASON, FREE, NOTE = (TypeAdapter(t) for t in (ShortText, Reason, FreeText, Note))
REFUSED = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9f", "\ud800", "\udfff",
           "\ufffe", "\uffff"]  # fmt: skip
KINDS = [(SHORT, SHORT_TEXT_MAX), (REASON, REASON_MAX), (FREE, FREE_TEXT_MAX)]


def refused(adapter: TypeAdapter[Any], value: Any, **kwargs: Any) -> bool:
    try:
        adapter.validate_python(value, **kwargs)
    except ValidationError:
        return True
    return False


@pytest.mark.parametrize("char", REFUSED, ids=[f"U+{ord(c):04X}" for c in REFUSED])
@pytest.mark.parametrize(("adapter", "cap"), [*KINDS, (NOTE, FREE_TEXT_MAX)])
def test_a_control_character_or_lone_surrogate_is_refused_in_every_kind_of_text(
    adapter: TypeAdapter[Any], cap: int, char: str
) -> None:
    assert refused(adapter, f"微信群答复{char}土地流转")


@pytest.mark.parametrize(
    ("given_text", "then"),
    [
        ("  微信群答复  ", "微信群答复"),  # outer whitespace stripped
        ("第一行\r\n第二行\r第三行", "第一行\n第二行\n第三行"),  # CR LF and CR read as LF
        ("甲\t乙\n丙", "甲\t乙\n丙"),  # TAB and LF kept in multi-line text
        ("𠮷野家 鿏 ｢全角｣", "𠮷野家 鿏 ｢全角｣"),  # rare characters untouched: text is never NFKC'd
    ],
)
def test_multi_line_text_is_read_by_one_rule(given_text: str, then: str) -> None:
    assert FREE.validate_python(given_text) == then
    assert REASON.validate_python(given_text) == then


@pytest.mark.parametrize("value", ["甲\n乙", "甲\t乙", "甲\r\n乙"])
def test_single_line_text_refuses_line_breaks(value: str) -> None:
    assert refused(SHORT, value)


@pytest.mark.parametrize(("adapter", "cap"), KINDS)
def test_each_kind_holds_exactly_its_cap_and_not_one_more(adapter: TypeAdapter[Any], cap: int) -> None:
    assert adapter.validate_python("村" * cap) == "村" * cap
    assert refused(adapter, "村" * (cap + 1))
    assert refused(adapter, "   ")  # empty after stripping


def test_a_note_may_be_empty_but_not_longer_than_free_text() -> None:
    assert NOTE.validate_python("") == ""
    assert refused(NOTE, "x" * (FREE_TEXT_MAX + 1))


@given(st.text(), st.text(), st.sampled_from(REFUSED))
def test_any_text_holding_a_refused_character_is_refused(head: str, tail: str, char: str) -> None:
    for adapter, _ in KINDS:
        assert refused(adapter, head + char + tail)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=200))
def test_printable_text_within_the_cap_is_kept_as_typed_but_stripped(text: str) -> None:
    if text.strip() and "\ufffe" not in text and "\uffff" not in text:
        assert FREE.validate_python(text) == text.strip()


@given(st.text(alphabet="0123456789", min_size=1, max_size=20))
def test_nfkc_of_full_width_digits_gives_the_ascii_digits(digits: str) -> None:
    full_width = "".join(chr(ord(d) - ord("0") + 0xFF10) for d in digits)
    assert ascii_digits(full_width) == digits
    assert ascii_digits(f" {full_width}\u3000") == digits


@given(st.characters(categories=("Nd",)))
def test_every_decimal_digit_of_any_script_is_read_as_ascii(char: str) -> None:
    assert ascii_digits(char) == str(unicodedata.decimal(unicodedata.normalize("NFKC", char)[0]))


@pytest.mark.parametrize(
    ("given_value", "then"),
    [("3²", "3²"), ("①", "①"), ("⑩", "⑩"), ("⒈", "⒈"), ("¹⁰", "¹⁰"), ("a²b１", "a²b1"), ("３²０", "3²0")],
)
def test_a_character_nfkc_makes_digits_although_it_is_none_is_kept_as_typed(
    given_value: str, then: str
) -> None:
    """NFKC reads `²` as 2 and `⑩` as 10: a count of 3² was 32, and 62102510020² a village code."""
    assert ascii_digits(given_value) == then


@given(st.characters(categories=("No",)))
def test_no_other_number_ever_becomes_an_ascii_digit(char: str) -> None:
    assert not any(c.isdigit() for c in ascii_digits(char) if c.isascii())


# Any code point (surrogates too), and the characters the rules are about, often.
ANY_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=()),
        st.sampled_from([*REFUSED, "\r", "\n", "\t", " ", "\u3000", "\u00a0", "\u200b", "１", "a"]),
    ),
    max_size=40,
)


def outcome(check: Any, value: Any) -> Any:
    """What a check answers: its value, or that it refused (ValueError, ValidationError)."""
    try:
        return check(value)
    except (ValueError, ValidationError):
        return "refused"


@given(ANY_TEXT, st.booleans())
def test_the_fast_path_of_clean_text_answers_as_the_full_check(value: str, single_line: bool) -> None:
    assert outcome(lambda v: clean_text(v, single_line=single_line), value) == outcome(
        lambda v: clean_text_in_full(v, single_line=single_line), value
    )


def _in_full(single_line: bool, least: int, cap: int) -> Any:
    """A text kind's validator spelled out with the full check only (the reference)."""

    def check(value: str) -> str:
        text = clean_text_in_full(value, single_line=single_line)
        if not least <= len(text) <= cap:
            raise ValueError(len(text))
        return text

    return check


@given(ANY_TEXT)
def test_text_kinds_and_ids_answer_as_their_full_check(value: str) -> None:
    kinds = [
        (SHORT, _in_full(True, 1, SHORT_TEXT_MAX)),
        (REASON, _in_full(False, 1, REASON_MAX)),
        (FREE, _in_full(False, 1, FREE_TEXT_MAX)),
        (NOTE, _in_full(False, 0, FREE_TEXT_MAX)),
    ]
    for adapter, reference in kinds:
        assert outcome(adapter.validate_python, value) == outcome(reference, value)
    full_id = _in_full(True, 1, ID_MAX)
    assert outcome(TypeAdapter(Id).validate_python, value) == outcome(
        lambda v: full_id(ascii_digits(v)), value
    )


@pytest.mark.parametrize(
    ("adapter", "given_value", "then"),
    [
        (Phone, "１３９０９３４１２３４", "13909341234"),  # the tel:139０９… case
        (Phone, " 139０９341234 ", "13909341234"),
        (Phone, "０９３４－１２３４５６７", "0934-1234567"),  # full-width hyphen too
        (DivisionCode, "６２１０２５", "621025"),
        (VillageCode, "６２１０２５１００２０１", "621025100201"),
        (LawyerLicence, "１６２１０２０１２３４５６７８９０", "16210201234567890"),
        (CreditCode, "９１６２１０２５ｍａ７２３４５６７８", "91621025MA72345678"),
        (Number, "（２０２５）正司备３号", "(2025)正司备3号"),
        (Id, "ｆｌｏｗ－００１", "flow-001"),
        (Period, "２０２５Ｑ１", "2025Q1"),
    ],
)
def test_codes_numbers_and_phones_are_read_in_ascii(adapter: Any, given_value: str, then: str) -> None:
    assert TypeAdapter(adapter).validate_python(given_value) == then


@pytest.mark.parametrize(
    ("adapter", "value"),
    [(Phone, "139\x000934123"), (DivisionCode, "62102５\x00"), (Id, "a\x00b"), (Id, "a\nb"),
     (Number, "x" * 65), (Phone, "13909341234x"), (DivisionCode, "62１０２5a"), (VillageCode, "62102510020²"),
     (Phone, "1390934123④"), (Period, "2025Q¹")],
)  # fmt: skip
def test_codes_with_anything_but_their_characters_are_refused(adapter: Any, value: str) -> None:
    assert refused(TypeAdapter(adapter), value)


def test_an_event_refuses_nul_in_free_text_so_it_can_never_reach_the_store() -> None:
    data = {"entry_id": "E1", "advisor_id": "A1", "unit_id": "U1", "village_code": "621025100201",
            "occurred_at": "2025-03-05T09:00:00+08:00", "channel": "wechat", "category": "land",
            "outcome": "resolved", "summary": "微信群答复\u0000土地流转"}  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        ConsultationGiven.model_validate(data)
    assert caught.value.errors()[0]["loc"] == ("summary",)


def test_an_event_refuses_a_correction_reason_over_the_reason_cap() -> None:
    with pytest.raises(ValidationError):
        EntryCorrected(
            entry_id="E1", village_code="621025100201", changes={"audience": 4}, reason="因" * 30_000
        )


def test_a_stored_event_is_read_back_as_stored_even_where_todays_rules_are_stricter() -> None:
    """Written before the caps (a 30,000-character reason) or with a full-width phone: both still read."""
    old = {
        "entry_id": "E1",
        "village_code": "621025100201",
        "changes": {"audience": 4},
        "reason": "因" * 30_000,
    }
    assert parse_event("EntryCorrected", 1, old).reason == "因" * 30_000  # type: ignore[attr-defined]
    advisor = {
        "advisor_id": "Ａ-1",
        "name": "李\x01川",
        "kind": "lawyer",
        "unit_id": "U1",
        "phone": "139０９341234",
    }
    event = parse_event("AdvisorRegistered", 1, advisor)
    assert isinstance(event, AdvisorRegistered)
    assert event.phone == "13909341234"  # dials now
    assert event.advisor_id == "Ａ-1"  # ids name streams and rows: read exactly as stored
    assert refused(TypeAdapter(AdvisorRegistered), advisor)  # but a new write refuses the name


def test_events_of_the_catalogue_read_back_their_own_json_unchanged() -> None:
    unit = UnitRegistered(unit_id="U1", kind="law_firm", name="甘肃川源律师事务所",
                          division_code="６２１０２５", credit_code="91621025ma72345678",
                          licence_no="３１６２００００１２３")  # fmt: skip
    assert (unit.division_code, unit.credit_code, unit.licence_no) == (
        "621025",
        "91621025MA72345678",
        "31620000123",
    )
    assert parse_event("UnitRegistered", 1, unit.model_dump(mode="json")) == unit
    assert TypeAdapter(ShortText).validate_python("x", context=STORED) == "x"
