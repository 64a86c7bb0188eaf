"""Projection catch-up by several replicas of one consumer, as a service is deployed (issue 12, "many
consumers, one group"): each replica is a process of its own, holding its share of the topic's
partitions and catching them up through `eventkit.overlap` into the same read model, its
transactions taking turns on the projection's status row as the services' replicas do.

`catch_up(...)` (the bench's side) starts `replicas` processes of `python -m bench.replicas`, each
with partitions `i, i + replicas, …`; each connects, reads its partitions' end offsets and its first
batch, says `ready`, and waits. Once all are ready, the clock starts and every replica is told `go`;
it stops at the last replica's last commit. A process start and its imports are left out, as the
single consumer's clock leaves out its group join.

A replica's CPU runs beside the other's: on this machine's two cores, two replicas use both for the
clients' decoding while PostgreSQL writes one batch at a time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from eventkit.overlap import Records, apply_overlapped
from eventkit.projection import BatchOutcome, ProjectionRunner
from eventkit.relay import log_end_offsets
from eventkit.runtime import batch_friendly_gc
from vc_contracts.cli_args import name, wholes

from bench import raw
from bench.workload import VillageHours

READY, GO = "ready", "go"


async def _replica(dsn: str, schema: str, bootstrap: str, topic: str, group: str, parts: list[int]) -> None:
    """One replica: its partitions from the start to their end offsets (see the module docstring)."""
    pool = await asyncpg.create_pool(dsn, min_size=2, max_size=2)
    runner = ProjectionRunner(pool, schema, VillageHours(topic))
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

        async def batches() -> AsyncIterator[tuple[Records, dict[TopicPartition, int]]]:
            fetched = first
            while True:
                if fetched:
                    records = [(r.value, r.key, r.topic) for part in fetched.values() for r in part]
                    yield records, {tp: part[-1].offset + 1 for tp, part in fetched.items() if part}
                behind = [tp for tp in partitions if await client.position(tp) < ends[tp]]
                if not behind:
                    return
                fetched = await client.getmany(timeout_ms=1000, max_records=raw.CONSUMER_MAX_RECORDS)

        async def committed(offsets: dict[TopicPartition, int], outcome: BatchOutcome) -> None:
            await client.commit(offsets)

        outcome = await apply_overlapped(runner, batches(), _no_dead_letters, committed)
        print(json.dumps({"ended": time.perf_counter(), "applied": outcome.applied}), flush=True)
    finally:
        await client.stop()
        await probe.stop()
        await pool.close()


async def _no_dead_letters(value: bytes, key: bytes | None, topic: str, error: str) -> None:
    raise RuntimeError(f"a bench event went to the dead letters: {error}")


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
