"""Whole numbers from outside text (`vc_contracts.numerals.ascii_whole`): ASCII digits only, bounded,
never an exception. Python's int() reads any script's digits and raises on some isdigit() text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from vc_contracts.numerals import MAX_DIGITS, ascii_whole


@pytest.mark.parametrize(
    ("given_text", "least", "then"),
    [
        ("7", 0, 7),
        ("0", 0, 0),
        ("0", 1, None),
        ("007", 0, 7),
        ("9" * MAX_DIGITS, 0, int("9" * MAX_DIGITS)),
        ("9" * (MAX_DIGITS + 1), 0, None),  # beyond bigint: a 500 from PostgreSQL, not a position
        ("9" * 5000, 0, None),  # int() raises beyond 4300 digits
        ("٣", 0, None),  # Arabic-Indic three: int() reads it as 3
        ("３", 0, None),  # full-width three
        ("²", 0, None),  # isdigit() is true, int() raises
        ("", 0, None),
        (" 7", 0, None),
        ("7\n", 0, None),  # `$` would let a trailing newline through
        ("+7", 0, None),
        ("-7", 0, None),
        ("7.0", 0, None),
        ("1_000", 0, None),  # int() takes underscores
        (b"12", 0, 12),
        (b"\xb2", 0, None),  # "²" as a latin-1 header byte
    ],
)
def test_only_ascii_digits_read_as_a_whole_number(
    given_text: str | bytes, least: int, then: int | None
) -> None:
    assert ascii_whole(given_text, least=least) == then


@given(st.text(max_size=25))
def test_any_text_is_a_number_or_none_and_never_raises(text: str) -> None:
    value = ascii_whole(text)
    assert value is None or (str(value) == text.lstrip("0") or (value == 0 and set(text) == {"0"}))
    assert (value is not None) == (text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS)
