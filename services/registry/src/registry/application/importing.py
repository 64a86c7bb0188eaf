"""Running a bulk import: plan every row in a Workspace, refuse all on any problem, else write all
in one transaction. The idempotency key (eventkit.idempotency) is claimed and answered in that same
transaction: a retry of the same file replays the first report, another file under the key is 422."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from eventkit.auth import Principal
from eventkit.clock import now_cst
from eventkit.command_runner import request_metadata
from eventkit.idempotency import Idempotency, claim, remember
from eventkit.store import EventStore

from registry.application.import_batch import Workspace

Plan = Callable[[Workspace], Awaitable[dict[str, Any]]]


async def run_import(store: EventStore, who: Principal, idem: Idempotency, plan: Plan) -> dict[str, Any]:
    """The import's report `{..., events}` as answered (a stored key was answered before this runs)."""
    workspace = Workspace(store, now_cst())
    report = await plan(workspace)  # raises ImportRejectedError, having written nothing
    async with store.pool.acquire() as conn, conn.transaction():
        await claim(conn, idem)  # a concurrent twin of this upload committed first: replay its report
        appended = await workspace.commit(request_metadata(who.subject), conn)
        answer: dict[str, Any] = await remember(conn, idem, {**report, "events": appended})
    return answer
