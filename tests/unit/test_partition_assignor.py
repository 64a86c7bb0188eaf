"""The projection consumers' join metadata changes exactly when a topic's partition count does.

Tansu starts a new group generation only for a member whose join metadata changed (see
eventkit/assignor.py), so the counts must be in it; and equal counts must give equal bytes, or every
rejoin would start a generation.
"""

from __future__ import annotations

import json

import pytest
from aiokafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor
from aiokafka.coordinator.protocol import ConsumerProtocolMemberMetadata
from eventkit.assignor import PartitionCountAssignor

Seen = dict[str, set[int]]


def _join_metadata(seen: Seen, topics: list[str]) -> bytes:
    assignor = PartitionCountAssignor()
    assignor.follow(seen.get)
    encoded: bytes = assignor.metadata(topics).encode()
    return encoded


@pytest.mark.parametrize(
    ("before", "after", "changed"),
    [
        ({"a": {0}}, {"a": {0, 1, 2}}, True),  # recreated with more partitions
        ({}, {"a": {0, 1, 2}}, True),  # not known at the first join, known now
        ({"a": {0, 1, 2}}, {"a": {0, 1, 2}}, False),  # a rejoin for another reason
        ({"a": {0}, "b": {0, 1}}, {"b": {0, 1}, "a": {0}}, False),  # order does not matter
        ({"a": {0}, "z": {0}}, {"a": {0}, "z": {0, 1}}, False),  # a topic it does not read
    ],
)
def test_join_metadata_changes_with_the_partition_counts_of_the_subscribed_topics(
    before: Seen, after: Seen, changed: bool
) -> None:
    topics = ["a", "b"]
    assert (_join_metadata(before, topics) != _join_metadata(after, topics)) is changed


def test_join_metadata_is_round_robin_with_the_counts_as_user_data() -> None:
    assignor = PartitionCountAssignor()
    assignor.follow({"b": {0, 1, 2}, "a": {0}}.get)
    decoded = ConsumerProtocolMemberMetadata.decode(assignor.metadata(["b", "a", "c"]).encode())
    assert assignor.name == RoundRobinPartitionAssignor.name
    assert decoded.subscription == ["a", "b", "c"]
    assert json.loads(decoded.user_data) == {"partitions": {"a": 1, "b": 3, "c": 0}}
