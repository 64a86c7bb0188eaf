"""Running a bulk import: plan every row in a Workspace, refuse all on any problem, else write all
in one transaction. A client-supplied idempotency key replays the first answer."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from eventkit.auth import Principal
from eventkit.clock import now_cst
from eventkit.store import EventStore, Metadata

from registry.application.workspace import Workspace

Plan = Callable[[Workspace], Awaitable[dict[str, Any]]]


async def run_import(store: EventStore, who: Principal, key: str | None, plan: Plan) -> dict[str, Any]:
    keys = f"{store.schema}.idempotency_keys"
    if key:
        previous = await store.pool.fetchval(
            f"SELECT response::text FROM {keys} WHERE key = $1 AND actor = $2", key, who.subject
        )
        if previous is not None:
            return {**json.loads(previous), "replayed": True}
    workspace = Workspace(store, now_cst())
    report = await plan(workspace)  # raises ImportRejectedError, having written nothing
    async with store.pool.acquire() as conn, conn.transaction():
        stored = await workspace.commit(Metadata(who.subject), conn)
        report = {**report, "events": len(stored), "replayed": False}
        if key:
            await conn.execute(
                f"INSERT INTO {keys} (key, actor, response) VALUES ($1, $2, $3)",
                key,
                who.subject,
                json.dumps(report, default=str),
            )
    return report
