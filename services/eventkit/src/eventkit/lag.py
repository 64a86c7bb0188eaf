"""Consumer lag from offsets: for each partition a group reads, end offset - committed offset.

Measured on a timer, not when a batch applies, so a consumer that stopped (stuck handler, lost
assignment, partitions it never got) shows a growing lag instead of its last good value. A
partition the group never committed counts whole (the groups read from the earliest offset).
Exported as `vc_consumer_lag_messages{group, topic, partition}`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping, Sequence

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from eventkit import metrics
from eventkit.relay import log_end_offsets

log = logging.getLogger(__name__)


class ConsumerLagMonitor:
    """Measures the lag of consumer groups: `groups` maps a group id to the topics it reads."""

    def __init__(self, bootstrap: str, groups: Mapping[str, Sequence[str]], interval_seconds: float = 10.0):
        self.bootstrap, self.groups, self.interval_seconds = bootstrap, dict(groups), interval_seconds

    async def run(self) -> None:
        """Measure every `interval_seconds` until cancelled; a failed round is logged and retried."""
        while True:
            try:
                await self.measure()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the broker is away: the gauges keep their last value
                log.warning("consumer lag not measured: %s", exc)
            await asyncio.sleep(self.interval_seconds)

    async def measure(self) -> dict[tuple[str, str, int], int]:
        """One round: (group, topic, partition) -> lag in records, also set on the gauge."""
        if not self.groups:
            return {}
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap)
        offsets = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False)
        await admin.start()
        try:
            await offsets.start()
            await offsets._client.force_metadata_update()
            topics = sorted({t for ts in self.groups.values() for t in ts})
            partitions = [
                TopicPartition(t, p) for t in topics for p in sorted(offsets.partitions_for_topic(t) or ())
            ]
            ends = await log_end_offsets(offsets, partitions) if partitions else {}
            lags: dict[tuple[str, str, int], int] = {}
            for group, group_topics in self.groups.items():
                mine = [tp for tp in partitions if tp.topic in group_topics]
                committed = await admin.list_consumer_group_offsets(group, partitions=mine) if mine else {}
                for tp in mine:
                    done = committed.get(tp)
                    position = done.offset if done is not None and done.offset >= 0 else 0
                    lag = max(ends.get(tp, 0) - position, 0)
                    lags[(group, tp.topic, tp.partition)] = lag
                    metrics.CONSUMER_LAG.labels(group, tp.topic, str(tp.partition)).set(lag)
            return lags
        finally:
            with contextlib.suppress(Exception):
                await offsets.stop()
            with contextlib.suppress(Exception):
                await admin.close()
