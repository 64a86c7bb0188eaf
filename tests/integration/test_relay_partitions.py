"""The relay chooses partitions by county: a county's events, whatever their streams, are on one
partition in the store's order; counties spread over the partitions; the key stays the stream id.

Keyed by stream, a village's agreement could sit on another partition than the village and be
applied first: the reporting compliance view then lost the agreement (an update of a row not yet
there), found by the two-replica test (test_replicas.py) as a difference from a fresh rebuild.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date

import pytest
from eventkit.relay import OutboxRelay
from eventkit.store import EventStore
from eventkit.topics import ensure_topics, partition_for
from support.events import META
from support.kafka import read_topic
from support.waiting import background, eventually
from vc_contracts import Tenant
from vc_contracts.catalogue.enums import DivisionLevel
from vc_contracts.catalogue.registry import AgreementSigned, DivisionRegistered

pytestmark = pytest.mark.timeout(120)

PARTITIONS = 4
COUNTIES = ("621025", "621026", "621027", "620102", "620103", "620104", "620402", "620403")


async def test_a_countys_events_are_on_one_partition_in_store_order_and_counties_spread(
    bootstrap: str, store: EventStore, topic: str
) -> None:
    await ensure_topics(bootstrap, [topic], PARTITIONS)
    for n in range(6):  # per county: villages registered, then their agreements, each a stream
        for county in COUNTIES:
            village = f"{county}100{200 + n:03d}"
            division = DivisionRegistered(
                code=village, name="某村", level=DivisionLevel.village, parent_code=f"{county}100000"
            )
            await store.append(f"division-{village}", 0, [division], tenant=Tenant.of(village), metadata=META)
    for n in range(6):
        for county in COUNTIES:
            village = f"{county}100{200 + n:03d}"
            signed = AgreementSigned(agreement_id=f"AG-{village}", unit_id="U-1", village_code=village,
                                     advisor_ids=["A-1"], term_start=date(2025, 1, 1),
                                     term_end=date(2027, 12, 31), signed_on=date(2024, 12, 20))  # fmt: skip
            await store.append(
                f"agreement-AG-{village}", 0, [signed], tenant=Tenant.of(village), metadata=META
            )
    stored = await store.pool.fetch(f"SELECT event_id, position FROM {store.schema}.events")
    position = {str(r["event_id"]): r["position"] for r in stored}

    relay = OutboxRelay(store, bootstrap, topic, partitions=PARTITIONS, poll_seconds=0.2)
    async with background(relay.run(), "relay") as task:

        async def all_published() -> bool:
            return len(await read_topic(bootstrap, topic)) >= len(stored)

        await eventually(all_published, within=60, what="every event published", tasks=(task,))

    partitions_of: dict[str, set[int]] = defaultdict(set)
    order: dict[str, list[int]] = defaultdict(list)
    for record in await read_topic(bootstrap, topic):  # partition by partition, in offset order
        envelope = json.loads(record.value)
        assert record.key.decode() == envelope["stream_id"]
        county = envelope["tenant"]["county"]
        partitions_of[county].add(record.partition)
        order[county].append(position[envelope["event_id"]])
    for county in COUNTIES:
        assert partitions_of[county] == {partition_for(county.encode(), PARTITIONS)}, county
        assert order[county] == sorted(order[county]), f"{county}: not in store order"
    assert len({p for ps in partitions_of.values() for p in ps}) > 1, "the counties did not spread"
