"""The projection consumers' partition assignor: round robin, with the partition counts the member
sees carried in its join metadata, so that a topic that gained partitions is reassigned on Tansu too.

When a group leader's metadata shows a subscribed topic with a new partition count it rejoins the
group (aiokafka). Kafka then starts a new generation and takes the leader's new assignment. Tansu
0.6 starts a new generation only when a member joins with metadata different from what it sent
before; a rejoin with the same metadata gets the current generation back, and SyncGroup answers with
the assignment stored for it, ignoring the leader's new one. After the broker lost its data and the
topic was recreated with 3 partitions, a group that had rejoined while it still saw 1 partition
therefore kept reading partition 0 only, for good (issue 8 §7). Naming the counts in the member's
user data makes a changed topic a changed member: both brokers then rebalance onto every partition.
Round robin ignores user data, so members with and without it can share a group during a rollout.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from aiokafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor
from aiokafka.coordinator.protocol import ConsumerProtocolMemberMetadata

PartitionsOf = Callable[[str], "set[int] | None"]
"""A topic's partition ids as the consumer's cached metadata has them (None: not known yet)."""


class PartitionCountAssignor(RoundRobinPartitionAssignor):
    """Round robin (same protocol name); `metadata()` adds `{"partitions": {topic: count}}` as user data.

    One instance per consumer: `partitions_of` reads that consumer's metadata, set with `follow`
    once the consumer exists (joins only happen after it started).
    """

    def __init__(self) -> None:
        self.partitions_of: PartitionsOf = lambda topic: None

    def follow(self, partitions_of: PartitionsOf) -> None:
        self.partitions_of = partitions_of

    def metadata(self, topics: Iterable[str]) -> ConsumerProtocolMemberMetadata:
        """The subscription, with the partition count seen for each topic (0: unknown) as user data."""
        names = sorted(topics)
        counts = {topic: len(self.partitions_of(topic) or ()) for topic in names}
        user_data = json.dumps({"partitions": counts}, sort_keys=True, separators=(",", ":")).encode()
        return ConsumerProtocolMemberMetadata(self.version, names, user_data)
