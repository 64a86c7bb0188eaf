"""A phone field takes a mobile as people write it (session 24's second tester: the resident's
回电号码, the field the board sends a number to, refused 139 1234 5678): spaces, hyphens, dots,
brackets and +86/0086 are dropped from a mobile; a landline keeps its form; anything else is refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from vc_contracts.codes import Phone
from vc_contracts.personal_numbers import personal_number_in

PHONE: TypeAdapter[str] = TypeAdapter(Phone)


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        # given a phone field, when a mobile is written …, then it is the 11 digits
        ("13912345678", "13912345678"),
        ("139 1234 5678", "13912345678"),
        ("139-1234-5678", "13912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("0086-139-1234-5678", "13912345678"),
        ("(+86)13912345678", "13912345678"),
        ("１３９ １２３４ ５６７８", "13912345678"),
        ("139·1234·5678", "13912345678"),
        # session 25: the spellings the free-text rule reads as a mobile (one reader for both)
        ("(139)1234-5678", "13912345678"),
        ("（139）1234-5678", "13912345678"),
        ("[139] 1234 5678", "13912345678"),
        ("0086 13912345678", "13912345678"),
        ("008613912345678", "13912345678"),
        ("86 139 1234 5678", "13912345678"),
        ("8613912345678", "13912345678"),
        ("+86-139-1234-5678", "13912345678"),
        ("139   1234   5678", "13912345678"),
        ("139 \t1234\u30005678", "13912345678"),
        ("139～1234～5678", "13912345678"),
        ("139.1234.5678", "13912345678"),
        # a landline keeps its form
        ("0934-1234567", "0934-1234567"),
        ("09341234567", "09341234567"),
    ],
)
def test_a_phone_as_written_is_stored_as_its_digits(written: str, stored: str) -> None:
    assert PHONE.validate_python(written) == stored


@pytest.mark.parametrize(
    "written",
    [
        "139 1234 567",
        "1391234567890",
        "12912345678",
        "电话13912345678",
        "",
        "139\n1234 5678",
        "8713912345678",
        # digits the free-text rule reads to withhold them, but no field holds: refused, not read
        "一三九一二三四五六七八",
        "壹叁玖壹贰叁肆伍陆柒捌",
        "1390934123④",
        "①③⑨ 1234 5678",
    ],
)
def test_anything_else_is_still_refused(written: str) -> None:
    with pytest.raises(ValidationError):
        PHONE.validate_python(written)


GAPS = st.lists(st.sampled_from([" ", "  ", "   ", "\t", "\u3000", "-", " - ", ""]), min_size=2, max_size=2)


OPENING = st.sampled_from(["", "(", "（", "["])
COUNTRY = st.sampled_from(["", "+86", "0086", "86", "+86 ", "86-"])


@given(st.sampled_from("3456789"), st.lists(st.sampled_from("0123456789"), min_size=9, max_size=9),
       OPENING, COUNTRY, GAPS)  # fmt: skip
def test_every_mobile_the_text_rule_reads_is_a_phone_of_its_digits(
    second: str, rest: list[str], opening: str, country: str, gaps: list[str]
) -> None:
    """Given a mobile as people write it, when the free-text rule reads it as a mobile, then the
    phone field takes it as the same 11 digits: one reader of the written forms for both."""
    digits = "1" + second + "".join(rest)
    closing = {"": "", "(": ")", "（": "）", "[": "]"}[opening]
    written = f"{country}{opening}{digits[:3]}{closing}{gaps[0]}{digits[3:7]}{gaps[1]}{digits[7:]}"
    assert personal_number_in(written) == "手机号码"
    assert PHONE.validate_python(written) == digits
