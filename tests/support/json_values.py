"""Hypothesis strategies for arbitrary JSON documents (property tests of canonical encodings)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st


def json_values(*, non_finite: bool = False) -> st.SearchStrategy[Any]:
    """Nested lists and objects of null, booleans, integers up to 2**60, floats (NaN and infinities
    only with `non_finite`) and text; up to 20 leaves."""
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(min_value=-(2**60), max_value=2**60)
        | st.floats(allow_nan=non_finite, allow_infinity=non_finite)
        | st.text()
    )
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
        max_leaves=20,
    )
