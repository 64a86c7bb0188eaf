"""The events' correlation id for a request's x-correlation-id (pure): kept when a UUID, the same
name-based UUID for the same other text, a fresh one without a request."""

from __future__ import annotations

from uuid import UUID

from eventkit.command_runner import correlation_uuid
from hypothesis import given
from hypothesis import strategies as st

ACCEPTED = st.from_regex(r"[A-Za-z0-9._:-]{1,128}", fullmatch=True)  # what eventkit.web lets through


def test_a_uuid_is_kept_as_sent() -> None:
    sent = "abc01234-5678-4abc-8def-0123456789ab"
    assert str(correlation_uuid(sent)) == sent


@given(ACCEPTED)
def test_other_text_always_maps_to_the_same_uuid(text: str) -> None:
    assert correlation_uuid(text) == correlation_uuid(text)
    assert isinstance(correlation_uuid(text), UUID)


def test_two_texts_two_ids_and_no_request_a_fresh_one_each_time() -> None:
    assert correlation_uuid("req-1") != correlation_uuid("req-2")
    assert correlation_uuid(None) != correlation_uuid(None)
