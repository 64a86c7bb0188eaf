"""The client id a violation of the entries' UNIQUE (advisor_id, client_entry_id) names (pure): shown
in the 409 that replaces the 500 it used to be; None when PostgreSQL's detail has another form."""

from __future__ import annotations

import pytest
from ledger.application.entries_model import _taken_client_id


@pytest.mark.parametrize(
    ("detail", "client_id"),
    [
        ("Key (advisor_id, client_entry_id)=(A-1-li, imp-ans-1) already exists.", "imp-ans-1"),
        ("Key (advisor_id, client_entry_id)=(A-1-li, 第3行, 补录) already exists.", "第3行, 补录"),
        ("Key (advisor_id, client_entry_id)=(A-1-li, x) already exists.", "x"),
        ("Key (stream_id, stream_version)=(entry-x, 1) already exists.", None),
        ("Key (advisor_id, client_entry_id)=(A-1-li) already exists.", None),
        ("", None),
    ],
)
def test_the_client_id_a_violation_names(detail: str, client_id: str | None) -> None:
    # given the detail of a unique violation, when its client id is read, then it is the pair's second
    assert _taken_client_id(detail) == client_id
