"""A phone field takes a mobile as people write it (session 24's second tester: the resident's
回电号码, the field the board sends a number to, refused 139 1234 5678): spaces, hyphens, dots,
brackets and +86/0086 are dropped from a mobile; a landline keeps its form; anything else is refused."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError
from vc_contracts.codes import Phone

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
        # a landline keeps its form
        ("0934-1234567", "0934-1234567"),
        ("09341234567", "09341234567"),
    ],
)
def test_a_phone_as_written_is_stored_as_its_digits(written: str, stored: str) -> None:
    assert PHONE.validate_python(written) == stored


@pytest.mark.parametrize("written", ["139 1234 567", "1391234567890", "12912345678", "电话13912345678", ""])
def test_anything_else_is_still_refused(written: str) -> None:
    with pytest.raises(ValidationError):
        PHONE.validate_python(written)
