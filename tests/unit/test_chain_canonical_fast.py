"""canonical_v2 writes RFC 8785 byte for byte: the fast path (the C json encoder) against the
rfc8785 package, on the envelope's own shape and on arbitrary JSON."""

from typing import Any

import pytest
import rfc8785
from hypothesis import given
from support.json_values import json_values
from vc_contracts.chain import canonical_v2

JSON = json_values(non_finite=True)


def _expected(value: dict[str, Any]) -> bytes | type[Exception]:
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError:
        return rfc8785.CanonicalizationError


@given(data=JSON, tenant=JSON)
def test_the_fast_path_writes_what_the_package_writes(data: Any, tenant: Any) -> None:
    envelope = {"event_id": "e-1", "data": data, "tenant": tenant, "causation_id": None}
    expected = _expected(envelope)
    if isinstance(expected, bytes):
        assert canonical_v2(envelope) == expected
    else:
        with pytest.raises(rfc8785.CanonicalizationError):
            canonical_v2(envelope)


@pytest.mark.parametrize(
    "value",
    [1.0, -0.0, 2.33, 2.0**53, 2.0**53 + 2, 1e15 + 0.5, 9.5e15, -(2.0**60),
     1e-7, 1e-6, 1e20, 1e21, 1e16, 123456789012345680.0, 2**53 - 1, -(2**53) + 1,
     "\x00\x1f\x7f\u2028\"\\\b\f\n\r\t", "中文", "😀", {"é": 1, "e": 2}, {"\U0001f600": 1, "\ue000": 2}],
)  # fmt: skip
def test_the_edges_of_numbers_escapes_and_key_order(value: Any) -> None:
    envelope = {"data": {"v": value}}
    assert canonical_v2(envelope) == rfc8785.dumps(envelope)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 2**53, "\ud800"])
def test_what_json_cannot_carry_exactly_is_refused(value: Any) -> None:
    with pytest.raises(rfc8785.CanonicalizationError):
        canonical_v2({"data": {"v": value}})
