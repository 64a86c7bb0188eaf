"""The projection runner, not each read model, keeps a ledger entry's events in order (issue 12
clean-up): a read model that declares its entry's events (`Projection.entry_events`) gets the
guarantee without calling eventkit.entry_versions; one that declares none is handed every event.

Two copies of one small read model, written as if events came in order (a create inserts, a
correction overwrites, a void deletes), one declaring its entry's events and one not, are fed one
entry's stream with earlier events delivered again: by the runner's batch path (one statement of
admission a batch), its event-by-event fallback, its whole path with the tracking reset (a
replay), and `replay_parked`. On the real PostgreSQL."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any
from uuid import uuid4

import asyncpg
import pytest
from conftest import unique
from eventkit.entry_versions import EntryEvents, admit, versions_ddl
from eventkit.projection import Projection, ProjectionRunner
from eventkit.relay import encode
from eventkit.set_apply import Decoded
from eventkit.store import EventStore, StoredEvent
from ledger.domain.entries import stream_id
from support.events import META, TENANT, visit
from vc_contracts import Envelope, Event
from vc_contracts.catalogue import ledger as lg

pytestmark = pytest.mark.timeout(120)


def _group(item: Decoded) -> str | None:
    match item.event:
        case lg.VisitLogged():
            return "visits"
        case lg.EntryCorrected() if "hours" in item.event.changes:
            return "corrections"
        case lg.EntryVoided():
            return "voids"
    return None


class Hours(Projection):
    """Hours per entry, naive about order: it never reads a version."""

    name = "entry_hours"
    topics = ("ledger",)
    tables: Sequence[str] = ("entry_hours",)
    ddl = "CREATE TABLE {t}entry_hours (entry_id text PRIMARY KEY, hours numeric NOT NULL);"

    def __init__(self) -> None:
        self.seen: list[str] = []  # the event types handed to it, in order
        self.fail_on: set[int] = set()  # stream versions whose handler fails

    async def apply(self, conn: Any, t: str, envelope: Envelope, event: Event) -> None:
        self.seen.append(type(event).__name__)
        if envelope.stream_version in self.fail_on:
            raise RuntimeError(f"bug on v{envelope.stream_version}")
        match event:
            case lg.VisitLogged():
                await conn.execute(
                    f"INSERT INTO {t}entry_hours VALUES ($1, $2) ON CONFLICT (entry_id) DO UPDATE"
                    " SET hours = excluded.hours",
                    event.entry_id,
                    event.hours,
                )
            case lg.EntryCorrected() if "hours" in event.changes:
                await conn.execute(
                    f"UPDATE {t}entry_hours SET hours = $2 WHERE entry_id = $1",
                    event.entry_id,
                    event.changes["hours"],
                )
            case lg.EntryVoided():
                await conn.execute(f"DELETE FROM {t}entry_hours WHERE entry_id = $1", event.entry_id)


class OrderedHours(Hours):
    """The same, declaring its entry's events: the runner admits them."""

    name = "ordered_entry_hours"
    tables = ("entry_hours", "entry_hours_versions")
    ddl = Hours.ddl + versions_ddl("entry_hours_versions")
    entry_events = EntryEvents(
        "entry_hours_versions", _group, frozenset({"visits", "corrections"}), frozenset({"voids"})
    )


class BatchOrderedHours(OrderedHours):
    """The same with `apply_batch` (event by event inside): the runner's set-based path."""

    name = "batch_ordered_entry_hours"

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[list[str]] = []

    async def apply_batch(self, conn: Any, t: str, items: Sequence[Decoded]) -> None:
        self.batches.append([type(d.event).__name__ for d in items])
        for d in items:
            await self.apply(conn, t, d.envelope, d.event)


async def _stream(store: EventStore, *, void: bool) -> list[StoredEvent]:
    """A visit (2 h), corrected to 5 h, then voided if `void`; plus a note no read model reads."""
    logged = visit(1)
    ids = {"entry_id": logged.entry_id, "village_code": logged.village_code}
    events: list[Event] = [
        logged,
        lg.EntryCorrected(**ids, changes={"hours": 5.0}, reason="时长登记错误"),
        lg.EntryConfirmed(**ids, confirmed_by="vc-1", confirmed_on=logged.started_at.date()),
    ]
    if void:
        events.append(lg.EntryVoided(**ids, reason="重复登记"))
    return await store.append(stream_id(logged.entry_id), 0, events, tenant=TENANT, metadata=META)


async def _hours(pool: asyncpg.Pool, t: str) -> list[float]:
    return [float(r["hours"]) for r in await pool.fetch(f"SELECT hours FROM {t}entry_hours")]


def _decoded(stored: Sequence[StoredEvent]) -> list[Decoded]:
    return [Decoded(s.envelope, s.event) for s in stored]


@pytest.mark.parametrize("void", [False, True], ids=["corrected", "voided"])
@pytest.mark.parametrize("path", ["one batch", "batches of one", "event by event"])
async def test_a_read_model_declaring_its_entry_events_gets_them_in_order_without_reading_versions(
    store: EventStore, pool: asyncpg.Pool, schema: str, void: bool, path: str
) -> None:
    stored = await _stream(store, void=void)
    late = [*stored, stored[0], stored[1]]  # the create and the correction come again, late
    for view in (OrderedHours(), BatchOrderedHours(), Hours()):
        runner = ProjectionRunner(pool, schema, view)
        await runner.install()
        t = runner.prefix(1)
        async with pool.acquire() as conn, conn.transaction():
            if path == "one batch":
                await runner.hand_over(conn, t, _decoded(late))
            elif path == "batches of one":
                for item in _decoded(late):
                    await runner.hand_over(conn, t, [item])
            else:
                for item in _decoded(late):
                    await runner.hand_over_one(conn, t, item)
        if isinstance(view, OrderedHours):
            assert await _hours(pool, t) == ([] if void else [5.0]), view.name
            # it saw each event of its groups once, in order, and the note it does not read
            assert view.seen == [type(s.event).__name__ for s in stored], view.name
        else:  # undeclared: handed every event, it ends as the late events leave it
            assert view.seen == [type(s.event).__name__ for s in late]
            assert await _hours(pool, t) == [5.0]


async def test_a_batch_is_admitted_in_one_piece_before_the_read_model_sees_it(
    store: EventStore, pool: asyncpg.Pool, schema: str
) -> None:
    stored = await _stream(store, void=True)
    view = BatchOrderedHours()
    runner = ProjectionRunner(pool, schema, view)
    await runner.install()
    t = runner.prefix(1)
    async with pool.acquire() as conn, conn.transaction():
        await runner.hand_over(conn, t, _decoded(stored[:2]))
        await runner.hand_over(conn, t, _decoded([stored[0], *stored[2:], stored[1]]))
    assert view.batches == [
        ["VisitLogged", "EntryCorrected"],
        ["EntryConfirmed", "EntryVoided"],  # the create and correction again: left out
    ]
    versions = await pool.fetch(f"SELECT version, voided FROM {t}entry_hours_versions")
    assert [tuple(r) for r in versions] == [(4, True)]


async def _records(stored: Sequence[StoredEvent]) -> list[tuple[bytes, bytes | None, str]]:
    return [(encode(s)[1], encode(s)[0], "ledger") for s in stored]


async def _no_dead_letters(*_: Any) -> None:
    raise AssertionError("nothing here is poison")


@pytest.mark.parametrize("declared", [True, False], ids=["declared", "undeclared"])
async def test_through_the_whole_runner_a_replay_with_its_tracking_reset_keeps_the_order(
    store: EventStore, pool: asyncpg.Pool, schema: str, declared: bool
) -> None:
    stored = await _stream(store, void=True)
    view = BatchOrderedHours() if declared else Hours()
    runner = ProjectionRunner(pool, schema, view)
    await runner.install()
    t = runner.prefix(1)
    await runner.apply_batch(await _records(stored), _no_dead_letters)
    assert await _hours(pool, t) == []
    await pool.execute(f"DELETE FROM {schema}.projection_tracking")  # a reset tracking
    outcome = await runner.apply_batch(await _records(stored[:1]), _no_dead_letters)
    assert outcome.applied == 1  # handed over (or left out by the admission): applied, not parked
    assert await _hours(pool, t) == ([] if declared else [2.0])


async def test_the_event_by_event_fallback_and_replay_parked_admit_too(
    store: EventStore, pool: asyncpg.Pool, schema: str
) -> None:
    stored = await _stream(store, void=False)
    view = BatchOrderedHours()
    view.fail_on = {2}  # the correction's handler fails: the batch falls back to one by one
    runner = ProjectionRunner(pool, schema, view)
    await runner.install()
    t = runner.prefix(1)
    outcome = await runner.apply_batch(await _records(stored), _no_dead_letters)
    assert (outcome.applied, outcome.parked) == (1, 2)  # the correction, and the note behind it
    assert await _hours(pool, t) == [2.0]
    versions = await pool.fetch(f"SELECT version FROM {t}entry_hours_versions")
    assert [r["version"] for r in versions] == [1]  # the failed correction's admission was undone
    view.fail_on = set()
    assert await runner.replay_parked() == (2, 0)
    assert await _hours(pool, t) == [5.0]
    # the create parked again (as a replay of an old dead letter would): retried, it is admitted
    # out and changes nothing
    await pool.execute(
        f"INSERT INTO {schema}.parked_events (projection, event_id, stream_id, stream_version, envelope,"
        " error) VALUES ($1, $2, $3, 1, $4::jsonb, 'test')",
        runner.tracking_key(1),
        stored[0].envelope.event_id,
        stored[0].envelope.stream_id,
        stored[0].envelope.model_dump_json(),
    )
    view.seen.clear()
    assert await runner.replay_parked() == (1, 0)
    assert view.seen == []
    assert await _hours(pool, t) == [5.0]


def _shuffled_entry_events(rng: random.Random, made: list[lg.VisitLogged]) -> list[Decoded]:
    """Events of the entries `made` with versions out of order and repeated, voids among them."""
    items = []
    for _ in range(rng.randrange(1, 14)):
        logged = rng.choice(made)
        version = rng.randrange(1, 7)
        event: Event = (
            lg.EntryVoided(entry_id=logged.entry_id, village_code=logged.village_code, reason="重复登记")
            if rng.random() < 0.2
            else logged
        )
        envelope = Envelope(
            event_id=uuid4(), event_type=event.event_type, schema_version=event.schema_version,
            stream_id=stream_id(logged.entry_id), stream_version=version, occurred_at=logged.occurred_at,
            recorded_at=logged.occurred_at, tenant=TENANT, actor="test", correlation_id=uuid4(),
            data=event.model_dump(mode="json"),
        )  # fmt: skip
        items.append(Decoded(envelope, event))
    return items


async def test_admitting_a_batch_in_one_statement_admits_what_one_event_at_a_time_admits(
    pool: asyncpg.Pool,
) -> None:
    """The runner's one statement a batch equals the admission event after event (each its own
    statement), in the events it lets through and the versions it leaves, from any versions held."""
    spec = OrderedHours.entry_events
    table = spec.table
    schema = unique("admit")
    await pool.execute(f"CREATE SCHEMA {schema}")
    ddl = versions_ddl(table)
    async with pool.acquire() as conn:
        for seed in range(300):
            rng = random.Random(seed)
            made = [visit(1), visit(2), visit(3)]
            held, items = _shuffled_entry_events(rng, made), _shuffled_entry_events(rng, made)
            ends = []
            async with conn.transaction():
                for prefix in (f"{schema}.one_", f"{schema}.all_"):
                    await conn.execute(ddl.replace("{t}", prefix))
                    await admit(conn, prefix, spec, held)
                one = [d for d in items if await admit(conn, f"{schema}.one_", spec, [d])]
                batch = list(await admit(conn, f"{schema}.all_", spec, items))
                for prefix in (f"{schema}.one_", f"{schema}.all_"):
                    ends.append(await conn.fetch(f"SELECT * FROM {prefix}{table} ORDER BY entry_id"))
                    await conn.execute(f"DROP TABLE {prefix}{table}")
            assert batch == one, seed
            assert ends[0] == ends[1], seed
