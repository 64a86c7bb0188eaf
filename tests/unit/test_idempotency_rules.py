"""Idempotency keys, the parts without a database: every command route takes the one header, and a
request's fingerprint ignores JSON key order and spacing but nothing else."""

from __future__ import annotations

import json
from importlib import import_module
from typing import Any

import pytest
from eventkit.idempotency import HEADER, canonical_body
from hypothesis import given
from hypothesis import strategies as st

# POSTs that are not keyed commands, and why
NOT_KEYED = {
    ("ledger", "/volumes/{kind}/{owner}/{year}/verify"),  # reads and checks; appends nothing
    ("ledger", "/imports"),  # every row carries its client_entry_id: a re-import changes nothing
    ("registry", "/public/villages/{code}/feedback"),  # keyed by the body's submission_id (public form)
}


@pytest.mark.parametrize("service", ["registry", "ledger", "assessment", "reporting"])
def test_every_command_route_takes_the_idempotency_key(service: str) -> None:
    spec: dict[str, Any] = import_module(f"{service}.main").app.openapi()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "get" or (service, path) in NOT_KEYED:
                continue
            headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            assert HEADER in headers, f"{service} {method.upper()} {path}"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=10,
)


@given(st.dictionaries(st.text(max_size=4), json_values, max_size=4))
def test_key_order_and_spacing_do_not_change_the_fingerprint(body: dict[str, Any]) -> None:
    compact = json.dumps(body, separators=(",", ":")).encode()
    spaced = json.dumps(dict(reversed(list(body.items()))), indent=2, ensure_ascii=False).encode()
    assert canonical_body(compact) == canonical_body(spaced)


@given(st.dictionaries(st.text(max_size=4), json_values, min_size=1, max_size=4), st.integers())
def test_a_changed_value_changes_the_fingerprint(body: dict[str, Any], other: int) -> None:
    key = next(iter(body))
    changed = {**body, key: [body[key], other]}
    assert canonical_body(json.dumps(body).encode()) != canonical_body(json.dumps(changed).encode())


def test_a_body_that_is_not_json_counts_byte_for_byte() -> None:
    assert canonical_body(b"code,name\n621025,\xd5\xfd") == b"code,name\n621025,\xd5\xfd"
    assert canonical_body(b"") == b""
    nested = b"[" * 100_000 + b"]" * 100_000
    assert canonical_body(nested) == nested


def test_a_lone_surrogate_in_a_body_still_has_a_fingerprint() -> None:
    # the field rules refuse the text with 422; the fingerprint, computed first, must not raise (was a 500)
    escaped = canonical_body(b'{"name":"\\u674e\\ud800\\u5ddd"}')
    assert canonical_body('{"name": "李\\ud800川"}'.encode()) == escaped
