"""Running a bulk import: plan every row in a Workspace, refuse all on any problem, else write all
in one transaction. The idempotency key (eventkit.idempotency) is claimed and answered in that same
transaction: a retry of the same file replays the first report, another file under the key is 422.
A stream that moved between planning and writing (a concurrent import or command) makes the import
plan again on the new state: it then passes, or is refused by row like any other clash."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from eventkit.auth import Principal
from eventkit.clock import now_cst
from eventkit.command_runner import request_metadata
from eventkit.idempotency import Idempotency, claim, remember
from eventkit.store import ConcurrencyError, EventStore

from registry.application.import_batch import Workspace

Plan = Callable[[Workspace], Awaitable[dict[str, Any]]]
ATTEMPTS = 3  # plans of one import when streams keep moving under it; then 409 as any command


async def run_import(store: EventStore, who: Principal, idem: Idempotency, plan: Plan) -> dict[str, Any]:
    """The import's report `{..., events}` as answered (a stored key was answered before this runs)."""
    for attempt in range(ATTEMPTS):
        workspace = Workspace(store, now_cst())
        report = await plan(workspace)  # raises ImportRejectedError, having written nothing
        try:
            async with store.pool.acquire() as conn, conn.transaction():
                await claim(conn, idem)  # a concurrent twin of this upload committed first: replay
                appended = await workspace.commit(request_metadata(who.subject), conn)
                answer: dict[str, Any] = await remember(conn, idem, {**report, "events": appended})
            return answer
        except ConcurrencyError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")
