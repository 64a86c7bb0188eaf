"""Two replicas of every consuming service in one consumer group per read model, over topics of four
partitions; one replica of each service is killed (SIGKILL) in the middle of a catch-up (issue 12,
"Many consumers, one group").

Every service runs twice as a real process (uvicorn, as `make run` starts it), both replicas on the
same database and in the same consumer groups, against a broker of this test's own (fresh topics of
four partitions, no committed offsets of other tests). The backlog is appended to the producing
services' stores once both replicas of every group have joined; their relays publish it. Then:

- the replicas share the partitions: each replica's consumer of every read model holds half of its
  topics' partitions (the replicas' own logs), and both replicas of every read model applied events
  (their own /metrics);
- one replica of each service, the one whose relay publishes, is killed while the backlog is still
  being published or consumed;
- once the survivors have caught up (relay checkpoints at the stores' heads, every group committed
  up to the end of its topics), nothing is lost and nothing duplicated: every read model equals a
  fresh rebuild from the topics (table contents compared), its tracking rows hold each stream's last
  version, its applied count is the number of distinct events on its topics, nothing is parked; and
  every stored event is on its topic, each county on one partition, each stream in version order.
The kill costs a rebalance; how long the survivors took to hold every partition is printed
(docs/scale.md quotes it).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import import_module
from pathlib import Path
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest
from devstack import procs
from devstack.paths import repo_root
from devstack.services import RunningService, Service, start_service
from devstack.tansu import start_tansu
from eventkit.lag import ConsumerLagMonitor
from eventkit.migrations import EVENT_STORE, PROJECTIONS, migrate
from eventkit.projection import Projection, ProjectionRunner
from eventkit.rebuild import rebuild
from eventkit.runtime import ServiceSpec
from eventkit.store import EventStore, Metadata
from support.backlog import backlog
from support.inprocess import new_secret, own_database
from support.kafka import group_caught_up, read_topic
from support.waiting import eventually
from vc_contracts.topics import topic_for

# alone: eight service processes must settle into groups of two; a second worker's load beside them
# kept them rebalancing past four minutes once (tests/support/parallel.py)
pytestmark = [pytest.mark.timeout(600), pytest.mark.alone]

SERVICES = ("registry", "ledger", "assessment", "reporting")
PRODUCERS = ("registry", "ledger", "assessment")
PARTITIONS = 4
VILLAGES, ENTRIES_PER_VILLAGE = 225, 16  # about 7,500 events: 1,750 registry, 5,600 ledger, 100 assessment
_ASSIGNED = re.compile(r"Consumer (\S+) assigned to partitions: \((.*?)\)\"")
_PARTITION = re.compile(r"TopicPartition\(topic='([^']+)', partition=(\d+)\)")
_PUBLISHER = "is the publisher"  # eventkit.relay: "relay <topic> is the publisher"
_APPLIED = re.compile(r'^vc_projection_applied_total\{projection="([^"]+)"\} (\S+)$', re.MULTILINE)


@dataclass
class Replica:
    name: str
    index: int
    running: RunningService

    @property
    def url(self) -> str:
        return self.running.service.url


def spec_of(service: str) -> ServiceSpec:
    return import_module(f"{service}.main").SPEC  # type: ignore[no-any-return]


def groups() -> dict[str, list[str]]:
    """Consumer group (`<service>.<read model>`, as eventkit.consumer names it) -> its topics."""
    return {f"{s}.{p.name}": list(p.topics) for s in SERVICES for p in spec_of(s).projections}


async def applied_per_read_model(http: httpx.AsyncClient, replica: Replica) -> dict[str, float]:
    """The replica's own count of events applied, per read model (its /metrics)."""
    text = (await http.get(f"{replica.url}/metrics")).text
    return {name: float(value) for name, value in _APPLIED.findall(text)}


def assignment_log(replica: Replica) -> dict[str, list[tuple[datetime, set[tuple[str, int]]]]]:
    """Each consumer's assignments in order, with when, as the replica logged them (FastStream:
    "Consumer <id> assigned to partitions: (...)"; one consumer per read model)."""
    log: dict[str, list[tuple[datetime, set[tuple[str, int]]]]] = defaultdict(list)
    for line in replica.running.log_path.read_text(errors="replace").splitlines():
        if found := _ASSIGNED.search(line):
            when = datetime.strptime(json.loads(line)["ts"], "%Y-%m-%dT%H:%M:%S%z")
            log[found[1]].append((when, {(t, int(p)) for t, p in _PARTITION.findall(found[2])}))
    return log


def assignments(replica: Replica) -> dict[str, set[tuple[str, int]]]:
    """Each consumer's latest assignment."""
    return {consumer: history[-1][1] for consumer, history in assignment_log(replica).items()}


def split_in_two(replicas: list[Replica]) -> bool:
    """Every consumer of every replica holds half of its topics' partitions (two members per group)."""
    for replica in replicas:
        held = assignments(replica)
        if len(held) != len(spec_of(replica.name).projections):
            return False
        for partitions in held.values():
            if len(partitions) * 2 != PARTITIONS * len({t for t, _ in partitions}):
                return False
    return True


def start_replicas(env: dict[str, str], base: Path) -> list[Replica]:
    replicas = []
    for index in (1, 2):
        state = base / f"replica{index}"
        (state / "run").mkdir(parents=True)
        for name in SERVICES:
            running = start_service(Service(name, procs.free_port()), env, state, repo_root())
            replicas.append(Replica(name, index, running))
    return replicas


async def wait_ready(replica: Replica) -> None:
    r = replica.running
    await asyncio.to_thread(procs.wait_until, r.ready, what=f"{replica.name} #{replica.index} ready",
                            timeout=240, proc=r.process, log_path=r.log_path)  # fmt: skip


async def feed(pool: asyncpg.Pool, seed: int) -> dict[str, int]:
    """Append the backlog to the producing services' stores (first round, then later events)."""
    made = backlog(seed, VILLAGES, ENTRIES_PER_VILLAGE)
    meta = Metadata(actor="replica-test")
    for round_ in (made.first, made.later):
        for service, streams in round_.items():
            store = EventStore(pool, service)
            for start in range(0, len(streams), 2000):
                async with pool.acquire() as conn, conn.transaction():
                    await store.append_many(streams[start : start + 2000], metadata=meta, conn=conn)
    return made.count()


async def relays_done(pool: asyncpg.Pool) -> bool:
    for service in PRODUCERS:
        head = await pool.fetchval(f"SELECT coalesce(max(position), 0) FROM {service}.events")
        checkpoint = await pool.fetchval(
            f"SELECT position FROM {service}.relay_checkpoint WHERE topic = $1", topic_for(service)
        )
        if checkpoint is None or checkpoint < head:
            return False
    return True


async def rows_of(conn: asyncpg.Connection, relation: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in await conn.fetch(f"SELECT * FROM {relation} t ORDER BY t::text")]


def topic_events(records: list[Any]) -> dict[str, dict[str, Any]]:
    """Per topic: event ids, per stream its versions in first-seen order and its partitions."""
    out: dict[str, dict[str, Any]] = {}
    for r in records:
        t = out.setdefault(r.topic, {"ids": [], "versions": defaultdict(list), "partitions": defaultdict(set),
                                     "counties": defaultdict(set)})  # fmt: skip
        envelope = json.loads(r.value)
        t["ids"].append(envelope["event_id"])
        if envelope["stream_version"] not in t["versions"][envelope["stream_id"]]:
            t["versions"][envelope["stream_id"]].append(envelope["stream_version"])
        t["partitions"][envelope["stream_id"]].add(r.partition)
        t["counties"][envelope["tenant"]["county"]].add(r.partition)
    return out


async def check_outbox(pool: asyncpg.Pool, topics: dict[str, dict[str, Any]]) -> None:
    """Every stored event is on its topic (a relay killed mid-publish may have sent some twice),
    each county (so each stream) on one partition, a stream's versions first seen in order."""
    for service in PRODUCERS:
        on_topic = topics[topic_for(service)]
        stored = {str(r["event_id"]) for r in await pool.fetch(f"SELECT event_id FROM {service}.events")}
        assert set(on_topic["ids"]) == stored, service
        assert all(len(p) == 1 for p in on_topic["counties"].values()), (
            f"{service}: a county on two partitions"
        )
        for stream, versions in on_topic["versions"].items():
            assert versions == list(range(1, len(versions) + 1)), (service, stream, versions)
        assert len(on_topic["partitions"]) > 50  # many keys: spread over every partition
        assert {p for ps in on_topic["partitions"].values() for p in ps} == set(range(PARTITIONS))


async def check_read_model(
    pool: asyncpg.Pool,
    bootstrap: str,
    service: str,
    projection: Projection,
    topics: dict[str, dict[str, Any]],
) -> list[str]:
    """Tracking, applied count and parked events of the live read model; its tables against a fresh
    rebuild from the topics into a schema of its own."""
    name = projection.name
    status = await pool.fetchrow(
        f"SELECT generation, applied FROM {service}.projection_status WHERE projection = $1", name
    )
    reached = {
        stream: max(versions) for t in projection.topics for stream, versions in topics[t]["versions"].items()
    }
    tracked = await pool.fetch(
        f"SELECT stream_id, stream_version FROM {service}.projection_tracking WHERE projection = $1",
        f"{name}#g{status['generation']}",
    )
    assert {r["stream_id"]: r["stream_version"] for r in tracked} == reached, f"{service}.{name} tracking"
    assert status["applied"] == sum(reached.values()), f"{service}.{name}: applied more or less than once"
    assert not await pool.fetchval(f"SELECT count(*) FROM {service}.parked_events"), f"{service}: parked"
    fresh = f"fresh_{service}"
    runner = ProjectionRunner(pool, fresh, projection)
    await runner.install()
    await rebuild(runner, bootstrap)
    problems: list[str] = []
    async with pool.acquire() as conn:
        for table in projection.tables:
            live, rebuilt = await rows_of(conn, f"{service}.{table}"), await rows_of(conn, f"{fresh}.{table}")
            if live != rebuilt:
                diff = sorted(set(live) ^ set(rebuilt), key=str)[:4]
                problems.append(
                    f"{service}.{table}: live {len(live)} rows, fresh rebuild {len(rebuilt)}: {diff}"
                )
    assert (
        await pool.fetchval(f"SELECT applied FROM {fresh}.projection_status WHERE projection = $1", name)
        == status["applied"]
    )
    return problems


@dataclass
class Stack:
    bootstrap: str
    pool: asyncpg.Pool
    replicas: list[Replica]


@contextlib.asynccontextmanager
async def replica_stack(devstack: Any, tmp_path: Path) -> AsyncIterator[Stack]:
    """A broker of its own, a database of its own, two replicas of every service, all ready."""
    broker = await asyncio.to_thread(start_tansu, tmp_path / "broker", procs.free_port())
    try:
        async with own_database(devstack.dsn, f"vc_replicas_{uuid4().hex[:8]}") as dsn:
            env = {**os.environ, "DATABASE_URL": dsn, "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap,
                   "VC_JWT_SECRET": new_secret(), "VC_TOPIC_PARTITIONS": str(PARTITIONS),
                   "VC_CONSUMER_SESSION_TIMEOUT_MS": "4000", "VC_DB_POOL_SIZE": "4",
                   "VC_CONSUMER_LAG_INTERVAL_SECONDS": "60"}  # fmt: skip
            replicas = start_replicas(env, tmp_path)
            pool = await asyncpg.create_pool(dsn, min_size=1, max_size=8)
            try:
                await asyncio.gather(*(wait_ready(r) for r in replicas))
                yield Stack(broker.bootstrap, pool, replicas)
            finally:
                await pool.close()
                for r in replicas:
                    r.running.stop(r.running.log_path.parent.parent / "run")
    finally:
        await asyncio.to_thread(broker.stop)


async def both_applying(replicas: list[Replica]) -> None:
    """Wait until both replicas of every read model applied events (each its own /metrics)."""
    async with httpx.AsyncClient(timeout=10, trust_env=False) as http:

        async def both_applied() -> bool:
            seen = [await applied_per_read_model(http, r) for r in replicas]
            return all(
                seen[i].get(p.name, 0) > 0
                for i, r in enumerate(replicas)
                for p in spec_of(r.name).projections
            )

        await eventually(both_applied, within=120, what="both replicas of every read model applying")


async def caught_up(bootstrap: str, pool: asyncpg.Pool) -> None:
    """Wait until the relays published everything and every group committed to its topics' ends."""
    await eventually(lambda: relays_done(pool), within=120, what="the relays at the stores' heads")

    async def every_group() -> bool:
        for group, topics in groups().items():
            if not await group_caught_up(bootstrap, group, topics):
                return False
        return True

    await eventually(every_group, within=240, what="every group committed to the end", interval=0.5)


async def compare(stack: Stack) -> None:
    """Outbox and read models against the topics and a fresh rebuild (the replicas stopped)."""
    names = sorted({t for ts in groups().values() for t in ts})
    topics = topic_events([r for t in names for r in await read_topic(stack.bootstrap, t)])
    await check_outbox(stack.pool, topics)
    problems = []
    for service in SERVICES:
        await migrate(stack.pool, f"fresh_{service}", EVENT_STORE, PROJECTIONS, spec_of(service).migrations)
        for projection in spec_of(service).projections:
            problems += await check_read_model(stack.pool, stack.bootstrap, service, projection, topics)
    assert not problems, "\n".join(problems)


def relay_leader(replicas: list[Replica], service: str) -> Replica:
    """The replica of `service` whose relay is the publisher (it logged so): killing it kills the
    relay too. Its twin's relay waits for the session lock and takes over."""
    for replica in replicas:
        if replica.name == service and publishing(replica):
            return replica
    raise AssertionError(f"no replica of {service} is publishing")


def publishing(replica: Replica) -> bool:
    return _PUBLISHER in replica.running.log_path.read_text(errors="replace")


def hold_everything(survivors: list[Replica]) -> bool:
    """Every survivor consumer's latest assignment is every partition of its topics."""
    return all(
        len(partitions) == PARTITIONS * len({t for t, _ in partitions})
        for replica in survivors
        for partitions in assignments(replica).values()
    )


def took_over(survivors: list[Replica], killed_at: datetime) -> float:
    """Seconds (whole, as logged) from the kill until the last survivor consumer logged holding every
    partition of its topics (call once `hold_everything`)."""
    latest = 0.0
    for replica in survivors:
        for history in assignment_log(replica).values():
            latest = max(latest, (history[-1][0] - killed_at).total_seconds())
    return latest


async def test_two_replicas_share_the_partitions_and_one_killed_mid_catch_up_loses_and_duplicates_nothing(
    devstack: Any, tmp_path: Path
) -> None:
    started = time.monotonic()
    timings: dict[str, float] = {}

    def mark(what: str) -> None:
        timings[what] = round(time.monotonic() - started, 1)

    async with replica_stack(devstack, tmp_path) as stack:
        mark("ready")
        await eventually(lambda: asyncio.to_thread(split_in_two, stack.replicas), within=240,
                         what="both replicas holding half the partitions of every group")  # fmt: skip
        mark("groups of two")
        counts = await feed(stack.pool, seed=12)
        mark("fed")
        await both_applying(stack.replicas)
        mark("both applying")
        lags = await ConsumerLagMonitor(stack.bootstrap, groups()).measure()
        unpublished = not await relays_done(stack.pool)
        killed = [relay_leader(stack.replicas, service) for service in SERVICES]
        killed_at = datetime.now(UTC).replace(microsecond=0)
        for r in killed:
            os.killpg(r.running.process.pid, signal.SIGKILL)
        for r in killed:
            r.running.process.wait(timeout=10)
        mark("killed")
        assert unpublished or sum(lags.values()) > 0, "the catch-up was over before the kill"

        await caught_up(stack.bootstrap, stack.pool)
        mark("caught up")
        survivors = [r for r in stack.replicas if r not in killed]
        await eventually(lambda: asyncio.to_thread(lambda: all(map(publishing, survivors))),
                         what="every survivor's relay publishing")  # fmt: skip
        # The groups can be at their ends before the broker notices the kill: a killed consumer
        # that had committed its partitions' last records leaves no lag, so the survivors' takeover
        # is awaited, not assumed (a CI run once saw a survivor still holding its half).
        await eventually(lambda: asyncio.to_thread(hold_everything, survivors), within=120,
                         what="every survivor consumer holding every partition")  # fmt: skip
        rebalance = took_over(survivors, killed_at)
        for r in survivors:
            r.running.stop(r.running.log_path.parent.parent / "run")
        await compare(stack)
        mark("compared")
        lag = sum(lags.values())
        print(f"\nevents {counts}, lag at the kill {lag} records, unpublished {unpublished},")
        print(f"survivors held every partition {rebalance:.0f} s after the kill; seconds: {timings}")
