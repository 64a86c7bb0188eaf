"""A write whose streams keep moving under it answers 409 `version_conflict` naming no field the
request lacks. The review found an import answer, after its three plans, `field:
expected_version`, which no import request has (the command runner said the same for a command
sent without a version); a stale version the caller did send still names `expected_version`.
On the real PostgreSQL: the streams are moved by a second writer on its own connection."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg
import pytest
from eventkit.auth import Principal, Role
from eventkit.command_runner import execute
from eventkit.decider import Decider
from eventkit.errors import VersionConflictError
from eventkit.idempotency import Idempotency
from eventkit.imports import Imports
from eventkit.store import ConcurrencyError, EventStore
from registry.application.import_batch import Workspace
from registry.application.importing import ATTEMPTS, run_import
from support.events import META, TENANT, VILLAGE, division
from vc_contracts import Event

pytestmark = pytest.mark.timeout(120)

STREAM = "division-moving"
ADMIN = Principal(subject="county-admin-1", role=Role.county_admin, scope="621025")


def _count(state: int, _: Event) -> int:
    return state + 1


async def _move(dsn: str, schema: str) -> None:
    """Append one event to STREAM at its current version, committed, on a connection of its own."""
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=1)
    try:
        other = EventStore(pool, schema)
        await other.append(STREAM, await other.version(STREAM), [division()], tenant=TENANT, metadata=META)
    finally:
        await pool.close()


def _move_now(dsn: str, schema: str) -> None:
    """`_move` from synchronous code (a decider), in a thread with its own event loop."""
    thread = threading.Thread(target=asyncio.run, args=(_move(dsn, schema),))
    thread.start()
    thread.join()


async def test_a_command_without_a_version_whose_stream_keeps_moving_names_no_field(
    store: EventStore, database: str, schema: str
) -> None:
    decided: list[int] = []

    def decide(state: int, _: object, now: datetime) -> Sequence[Event]:
        decided.append(state)
        _move_now(database, schema)  # another writer commits between this read and the append
        return [division()]

    with pytest.raises(VersionConflictError) as refused:
        await execute(store, Decider(0, _count, decide), STREAM, "go", tenant=TENANT, metadata=META)
    body = refused.value.body(None)
    assert (body.code, body.field, body.errors) == ("version_conflict", None, [])
    assert "请稍后重试" in body.message and len(decided) == 3


async def test_a_stale_version_the_caller_sent_still_names_it(store: EventStore) -> None:
    await store.append(STREAM, 0, [division()], tenant=TENANT, metadata=META)
    with pytest.raises(ConcurrencyError):  # answered 409 naming expected_version (eventkit.web)
        await execute(
            store, Decider(0, _count, lambda s, c, n: [division()]), STREAM, "go",
            tenant=TENANT, metadata=META, expected_version=0,
        )  # fmt: skip


async def test_an_import_whose_streams_keep_moving_says_the_data_changed_while_checking(
    store: EventStore, database: str, schema: str
) -> None:
    plans: list[int] = []

    async def plan(workspace: Workspace) -> dict[str, Any]:
        await workspace.load([STREAM])
        workspace.decide(Decider(0, _count, lambda s, c, n: [division()]), STREAM, "go", VILLAGE)
        await _move(database, schema)  # the stream moves after the plan read it
        plans.append(1)
        return {"imported": 1}

    imports = Imports("registry")
    idem = Idempotency(schema, ADMIN.subject, None, "POST /imports/roster#x", 201)
    with pytest.raises(VersionConflictError) as refused, imports.tracked(ADMIN.subject):
        await run_import(store, ADMIN, idem, plan)
    body = refused.value.body(None)
    assert (body.code, body.field, body.errors) == ("version_conflict", None, [])
    assert body.message.startswith("核对文件期间名册或区划已有变化") and "请重新上传" in body.message
    assert len(plans) == ATTEMPTS and imports.of(ADMIN.subject)[0].state == "rejected"
    assert len(await store.read_stream(STREAM)) == ATTEMPTS  # only the other writer's events
