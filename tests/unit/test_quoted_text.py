"""`vc_contracts.text.quoted`: the one way a message repeats a caller's own text (an import's
heading or value, the edge's Content-Type, the gateway's service name). Before, the edge and the
gateway had their own copy, which wrote a control as U+0009 without brackets, let an invisible
letter (U+3164) through as itself and cut nothing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from vc_contracts.text import QUOTED_MAX, invisible_character, quoted


@pytest.mark.parametrize(
    ("given_text", "limit", "shown"),
    [
        ("村委会", QUOTED_MAX, "村委会"),
        ("text/pl\tain", QUOTED_MAX, "text/pl<U+0009>ain"),
        ("签\u202e名", QUOTED_MAX, "签<U+202E>名"),
        ("reg\u3164istry", QUOTED_MAX, "reg<U+3164>istry"),  # printable, drawn as nothing
        ("a\x00b\x00", QUOTED_MAX, "a<U+0000>b<U+0000>"),
        ("x" * 41, QUOTED_MAX, "x" * 40 + "…"),
        ("x" * 40, QUOTED_MAX, "x" * 40),
        ("名" * 120, 100, "名" * 100 + "…"),
        ("", QUOTED_MAX, ""),
    ],
)
def test_quoted(given_text: str, limit: int, shown: str) -> None:
    assert quoted(given_text, limit) == shown


@given(st.text(max_size=80), st.integers(min_value=1, max_value=60))
def test_nothing_hidden_is_repeated_and_the_text_is_cut_at_the_limit(text: str, limit: int) -> None:
    shown = quoted(text, limit)
    assert all(c.isprintable() and invisible_character(c) is None for c in shown)
    assert shown.endswith("…") == (len(text) > limit)
    plain = "".join(c for c in text[:limit] if c.isprintable() and invisible_character(c) is None)
    if len(plain) == len(text[:limit]):  # nothing to write as a code point: the text itself, cut
        assert shown == text[:limit] + ("…" if len(text) > limit else "")
