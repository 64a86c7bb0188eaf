"""Projection catch-up by several replicas of one consumer, as a service is deployed (issue 12, "many
consumers, one group"): each replica is a process of its own, holding its share of the topic's
partitions and catching them up through the services' own loop (`eventkit.consumer.consume`, as
their FastStream subscriber runs it) into the same read model, its transactions taking turns on
the projection's status row as the services' replicas do.

`catch_up(...)` (the bench's side) starts `replicas` processes of `python -m bench.replicas`, each
with partitions `i, i + replicas, …`; each connects, reads its partitions' end offsets and its first
batch, says `ready`, and waits. Once all are ready, the clock starts and every replica is told `go`;
it stops at the end of the last replica's last transaction (its offset commit follows). A process
start and its imports are left out, as the single consumer's clock leaves out its group join.

A replica's CPU runs beside the other's: on this machine's two cores, two replicas use both for the
clients' decoding while PostgreSQL writes one batch at a time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Sequence
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from eventkit.collector import batch_friendly_gc
from eventkit.consumer import consume
from eventkit.db import Connection
from eventkit.projection import BatchOutcome, ProjectionRunner
from eventkit.relay import log_end_offsets
from eventkit.set_apply import Decoded
from vc_contracts.cli_args import name, wholes

from bench import raw
from bench.timing import rate
from bench.workload import VillageHours

READY, GO = "ready", "go"


async def _replica(dsn: str, schema: str, bootstrap: str, topic: str, group: str, parts: list[int]) -> None:
    """One replica: its partitions from the start to their end offsets (see the module docstring)."""
    pool = await asyncpg.create_pool(dsn, min_size=2, max_size=2)
    runner = CountingRunner(pool, schema, VillageHours(topic))
    probe = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    client = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False, fetch_max_wait_ms=100
    )
    await probe.start()
    await client.start()
    try:
        partitions = [TopicPartition(topic, p) for p in parts]
        ends = await log_end_offsets(probe, partitions)
        client.assign(partitions)
        await client.seek_to_beginning(*partitions)
        first = await client.getmany(timeout_ms=5000, max_records=raw.CONSUMER_MAX_RECORDS)
        print(READY, flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        fetched = [r for part in first.values() for r in part]
        while True:  # consume returns when a fetch finds nothing for a while, or after a failure
            await consume(runner, client, fetched, bootstrap=bootstrap, max_records=raw.CONSUMER_MAX_RECORDS)
            if not [tp for tp in partitions if await client.position(tp) < ends[tp]]:
                break
            fetched = []  # failed: consume sought back, so fetch again
            while not fetched:
                got = await client.getmany(timeout_ms=1000, max_records=raw.CONSUMER_MAX_RECORDS)
                fetched = [r for part in got.values() for r in part]
        if runner.dead or runner.parked:
            raise RuntimeError(f"a replica parked {runner.parked} events, dead letters {runner.dead[:3]}")
        ended = runner.batches[-1][0]
        print(json.dumps({"ended": ended, "applied": runner.applied()}), flush=True)
    finally:
        await client.stop()
        await probe.stop()
        await pool.close()


class CountingRunner(ProjectionRunner):
    """A ProjectionRunner noting when each batch's transaction ended and how many events it held."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.batches: list[tuple[float, int]] = []
        self.parked = 0
        self.dead: list[str] = []

    async def apply_decoded(
        self,
        decoded: list[Decoded],
        dead: Sequence[str] = (),
        generation: int | None = None,
        conn: Connection | None = None,
    ) -> BatchOutcome:
        size = len(decoded)  # the overlapped loop empties a written batch later
        outcome = await super().apply_decoded(decoded, dead, generation, conn)
        self.batches.append((time.perf_counter(), size))
        self.parked += outcome.parked
        self.dead += outcome.dead
        return outcome

    def applied(self) -> int:
        return sum(size for _, size in self.batches)

    def rate(self) -> float:
        """Events/s from the end of the first batch's transaction to the end of the last's."""
        (first, _), (last, _) = self.batches[0], self.batches[-1]
        return rate(self.applied() - self.batches[0][1], last - first)


async def catch_up(
    dsn: str, schema: str, bootstrap: str, topic: str, partitions: int, replicas: int
) -> float:
    """`replicas` processes catching up `topic` (every partition) into `schema`'s `VillageHours`
    read model, installed here first. Seconds from `go` to the last replica's last commit."""
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=1)
    try:
        await ProjectionRunner(pool, schema, VillageHours(topic)).install()
    finally:
        await pool.close()
    group = f"{topic}.replicas"
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.replicas", dsn, schema, bootstrap, topic, group,
            ",".join(str(p) for p in range(i, partitions, replicas)),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )
        for i in range(replicas)
    ]  # fmt: skip
    try:
        for proc in procs:
            assert proc.stdout is not None
            line = (await asyncio.wait_for(proc.stdout.readline(), 120)).decode().strip()
            if line != READY:
                raise RuntimeError(f"a replica did not start: {line!r}")
        started = time.perf_counter()
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write(f"{GO}\n".encode())
            await proc.stdin.drain()
        ended = []
        for proc in procs:
            assert proc.stdout is not None
            line = (await asyncio.wait_for(proc.stdout.readline(), 3600)).decode().strip()
            if not line:
                raise RuntimeError(f"a replica failed (exit {await proc.wait()})")
            ended.append(json.loads(line)["ended"])
            await proc.wait()
        return max(ended) - started
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    for arg in ("dsn", "schema", "bootstrap", "topic", "group"):
        parser.add_argument(arg, type=name)
    parser.add_argument("partitions", type=wholes(0, 10**4))
    args = parser.parse_args()
    batch_friendly_gc()  # as every service's runtime
    parts: list[int] = args.partitions
    asyncio.run(_replica(args.dsn, args.schema, args.bootstrap, args.topic, args.group, parts))


if __name__ == "__main__":
    main()
