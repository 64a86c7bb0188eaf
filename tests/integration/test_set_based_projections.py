"""Set-based projections (issue 12): for every read model that offers `apply_batch`, applying a
random event sequence batch by batch leaves exactly the tables that `apply`, event by event, leaves;
and a batch whose set-based apply fails is applied event by event, parking only the culprit's stream.

A property over random sequences (tests/support/event_mix.py: every event type, ids from small
pools so rows collide), cut into batches of random sizes, on the real PostgreSQL.
"""

from __future__ import annotations

import json
import random
import re
from typing import Any
from uuid import uuid4

import asyncpg
import pytest
from assessment.application.assignments_view import AssignmentsView as AssessmentAssignments
from assessment.application.gatherings_view import GatheringsView
from assessment.application.hours_view import QuarterHoursView
from conftest import unique
from eventkit.migrations import EVENT_STORE, PROJECTIONS, migrate
from eventkit.projection import Projection, ProjectionRunner, decode, handled_types, set_based
from eventkit.relay import encode
from eventkit.set_apply import IGNORED, Decoded, runs
from eventkit.store import EventStore, StoredEvent
from ledger.application import entries_model
from ledger.application.assignments_view import AssignmentsView as LedgerAssignments
from ledger.application.directory_view import DirectoryView
from ledger.application.tables import LEDGER_TABLES
from pydantic import ValidationError
from registry.application.views import RegistryViews
from reporting.application.assignments_view import AssignmentsView as ReportingAssignments
from reporting.application.board_view import BoardView
from reporting.application.compliance_view import ComplianceView
from reporting.application.dashboard_view import DashboardView
from reporting.application.stats_view import StatsView
from support.event_mix import event_mix
from support.events import META, TENANT, visits
from support.projections import StreamCounts, counts
from vc_contracts import Envelope
from vc_contracts.base import UnknownEventError
from vc_contracts.catalogue import ledger as lg

pytestmark = pytest.mark.timeout(300)

SEQUENCES = 25  # random sequences per read model

READ_MODELS: list[Any] = [
    QuarterHoursView(),
    GatheringsView(),
    AssessmentAssignments(),
    StatsView(),
    ComplianceView(),
    DashboardView(),
    BoardView(),
    ReportingAssignments(),
    RegistryViews(),
    DirectoryView(),
    LedgerAssignments(),
]


def test_every_read_model_of_every_service_is_set_based() -> None:
    from assessment.main import SPEC as ASSESSMENT  # noqa: PLC0415
    from ledger.main import SPEC as LEDGER  # noqa: PLC0415
    from registry.main import SPEC as REGISTRY  # noqa: PLC0415
    from reporting.main import SPEC as REPORTING  # noqa: PLC0415

    tested = {type(p) for p in READ_MODELS}
    for spec in (REGISTRY, LEDGER, ASSESSMENT, REPORTING):
        for projection in spec.projections:
            if set_based(projection) is not None:
                assert type(projection) in tested, f"{spec.name}.{projection.name} has no equivalence test"


async def _tables(conn: asyncpg.Connection, prefix: str, projection: Projection) -> dict[str, list[Any]]:
    return {
        table: [tuple(r) for r in await conn.fetch(f"SELECT * FROM {prefix}{table} t ORDER BY t::text")]
        for table in projection.tables
    }


@pytest.mark.parametrize("projection", READ_MODELS, ids=lambda p: p.name)
async def test_a_batch_applied_set_based_leaves_the_tables_one_event_at_a_time_leaves(
    pool: asyncpg.Pool, projection: Any
) -> None:
    assert set_based(projection) is not None
    # as the runner hands events over (a declared entry's events admitted first), without its tracking
    runner = ProjectionRunner(pool, "unused", projection)
    schema, filled = unique("eq"), set[str]()
    await pool.execute(f"CREATE SCHEMA {schema}")
    for seed in range(SEQUENCES):
        rng = random.Random(seed)
        items = event_mix(rng, rng.randrange(10, 150))
        one, batched, only = f"{schema}.one{seed}_", f"{schema}.set{seed}_", f"{schema}.only{seed}_"
        async with pool.acquire() as conn, conn.transaction():
            ddl = projection.ddl
            await conn.execute(
                ddl.replace("{t}", one) + ddl.replace("{t}", batched) + ddl.replace("{t}", only)
            )
            for item in items:
                await runner.hand_over_one(conn, one, item)
                # what the runner hands over when the read model names the types it reads
                await runner.hand_over_one(conn, only, _as_runner_hands_it(projection, item))
            first = 0
            while first < len(items):
                size = rng.choice((1, 2, 5, 17, 60, 500))
                await runner.hand_over(conn, batched, items[first : first + size])
                first += size
            expected, got = await _tables(conn, one, projection), await _tables(conn, batched, projection)
            handled = await _tables(conn, only, projection)
        assert got == expected, f"seed {seed}: {[i.envelope.event_type for i in items]}"
        assert handled == expected, f"seed {seed}: `handles` misses a type {projection.name} reads"
        filled |= {table for table, rows in expected.items() if rows}
    assert filled == set(projection.tables)  # the sequences wrote every table of the read model


def _as_runner_hands_it(projection: Projection, item: Decoded) -> Decoded:
    handles = handled_types(projection)
    return item if handles is None or item.envelope.event_type in handles else Decoded(item.envelope, IGNORED)


def test_a_type_the_read_model_ignores_is_checked_against_the_catalogue_but_its_payload_is_not_read() -> None:
    envelope = json.loads(_visit_envelope().model_dump_json())
    handles = frozenset({"LectureHeld"})
    poisoned = json.dumps({**envelope, "data": {"hours": "not a visit"}}).encode()
    assert decode(poisoned, handles).event is IGNORED  # nobody here reads it: not validated
    with pytest.raises(ValidationError):
        decode(poisoned)  # a read model that reads every type
    with pytest.raises(ValidationError):
        decode(poisoned, frozenset({"VisitLogged"}))
    with pytest.raises(UnknownEventError):  # an unknown type is dead-lettered whoever reads it
        decode(json.dumps({**envelope, "event_type": "NoSuchThing"}).encode(), handles)
    assert isinstance(decode(json.dumps(envelope).encode(), frozenset({"VisitLogged"})).event, lg.VisitLogged)


def _visit_envelope() -> Envelope:
    event = visits(1)[0]
    return Envelope(
        event_id=uuid4(), event_type=event.event_type, schema_version=event.schema_version,
        stream_id="entry-1", stream_version=1, occurred_at=event.occurred_at, recorded_at=event.occurred_at,
        tenant=TENANT, actor="test", correlation_id=uuid4(), data=event.model_dump(mode="json"),
    )  # fmt: skip


def _d(label: str) -> Decoded:
    return Decoded(envelope=None, event=label)  # type: ignore[arg-type]


def test_runs_keep_the_order_leave_out_ignored_events_and_never_hold_a_key_twice() -> None:
    items = [_d(x) for x in ["a1", "a2", "-", "a1", "b1", "b2", "a3", "-", "a3"]]
    grouped = [
        (group, [d.event for d in run])
        for group, run in runs(items, lambda d: None if d.event == "-" else d.event[0], key=lambda d: d.event)
    ]
    assert grouped == [("a", ["a1", "a2"]), ("a", ["a1"]), ("b", ["b1", "b2"]), ("a", ["a3"]), ("a", ["a3"])]


def test_each_registry_event_type_writes_each_table_once_so_its_statements_may_run_per_run() -> None:
    from registry.application.views import WRITES  # noqa: PLC0415

    for kind, writes in WRITES.items():
        tables = [re.search(r"(?:INTO|UPDATE) \{t\}(\w+)", sql).group(1) for sql, _ in writes]  # type: ignore[union-attr]
        assert len(set(tables)) == len(tables), kind.__name__


async def test_a_failing_set_based_batch_is_applied_event_by_event_parking_only_the_culprits_stream(
    store: EventStore, pool: asyncpg.Pool, schema: str
) -> None:
    for stream in ("village-a", "village-bad", "village-c"):
        await store.append(stream, 0, visits(4), tenant=TENANT, metadata=META)
    records = [
        (encode(s)[1], s.envelope.stream_id.encode(), "t") for s in await store.read_all(after=0, limit=100)
    ]
    projection = StreamCounts(["t"])
    projection.fail_on = {("village-bad", 2)}
    runner = ProjectionRunner(pool, schema, projection)
    await runner.install()
    letters: list[str] = []

    async def dead_letter(value: bytes, key: bytes | None, topic: str, error: str) -> None:
        letters.append(error)

    outcome = await runner.apply_batch(records, dead_letter)

    assert projection.batches == 1  # the set-based apply was tried, failed and was undone
    assert (outcome.applied, outcome.parked, outcome.duplicates, letters) == (9, 3, 0, [])
    assert await counts(pool, schema) == {"village-a": (4, 4), "village-bad": (1, 1), "village-c": (4, 4)}
    parked = await pool.fetch(
        f"SELECT stream_id, stream_version, error FROM {schema}.parked_events ORDER BY 2"
    )
    assert [(r["stream_id"], r["stream_version"]) for r in parked] == [("village-bad", v) for v in (2, 3, 4)]
    assert "HandlerBug" in parked[0]["error"] and "waits behind" in parked[1]["error"]

    again = await runner.apply_batch(records, dead_letter)  # redelivered: changes nothing
    assert (again.applied, again.parked, again.duplicates) == (0, 0, 12)
    more = await store.append("village-a", 4, visits(2), tenant=TENANT, metadata=META)
    more += await store.append("village-bad", 4, visits(1), tenant=TENANT, metadata=META)
    later = await runner.apply_batch([(encode(s)[1], None, "t") for s in more], dead_letter)
    assert projection.batches == 2  # a parked stream does not stop the next batch being set-based
    assert (later.applied, later.parked) == (2, 1)
    assert await counts(pool, schema) == {"village-a": (6, 6), "village-bad": (1, 1), "village-c": (4, 4)}


async def test_the_ledgers_entries_written_many_at_once_equal_them_written_one_event_at_a_time(
    pool: asyncpg.Pool,
) -> None:
    """`entries_model.apply` of a batch (imports, rebuild-entries) against one call per event."""
    filled: set[str] = set()
    for seed in range(SEQUENCES):
        rng = random.Random(seed)
        created: set[str] = set()
        stored = []
        for position, item in enumerate(event_mix(rng, rng.randrange(20, 150)), start=1):
            event = item.event
            if not isinstance(event, lg.LedgerEvent):
                continue
            if isinstance(event, lg.LedgerEntryEvent):  # the ledger creates an entry once,
                if event.entry_id in created:
                    continue
                created.add(event.entry_id)
            elif getattr(event, "entry_id", None) not in created:  # and changes it only once created
                continue
            stored.append(StoredEvent(position, item.envelope))
        one, batched = unique("one"), unique("set")
        for name in (one, batched):
            await migrate(pool, name, EVENT_STORE, PROJECTIONS, LEDGER_TABLES)
        async with pool.acquire() as conn, conn.transaction():
            for s in stored:
                await entries_model.apply(conn, one, [s])
            first = 0
            while first < len(stored):
                size = rng.choice((1, 3, 17, 60, 500))
                await entries_model.apply(conn, batched, stored[first : first + size])
                first += size
            query = "SELECT * FROM {}.entries e ORDER BY e.entry_id"
            expected = [tuple(r) for r in await conn.fetch(query.format(one))]
            got = [tuple(r) for r in await conn.fetch(query.format(batched))]
        assert got == expected, f"seed {seed}"
        filled |= {
            f"{k}:{r[k]}"
            for r in await pool.fetch(query.format(one))
            for k in ("confirmed", "voided", "queried")
            if r[k]
        }
    assert {"confirmed:True", "voided:True", "queried:True"} <= filled
