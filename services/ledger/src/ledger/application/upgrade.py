"""Sealing the history recorded before the ledger kept volume chains (a one-time upgrade step).

Events up to `chain_origin.upto` (the last position when the chain tables were created) get their
entries rows and chain links once, in position order, under the store's ordering lock. Nothing after
`upto` is ever sealed here: an unlinked later event was not appended by the service, and must stay
visible to `verify` rather than be laundered into the chain by a restart.
"""

from __future__ import annotations

import logging

import asyncpg
from eventkit.store import EventStore

from ledger.application import entries_model, volume_chain

log = logging.getLogger(__name__)
BATCH = 2000


async def seal_history(pool: asyncpg.Pool, schema: str) -> int:
    """Record the pre-chain events into the entries model and the chains; return how many."""
    store, sealed = EventStore(pool, schema), 0
    async with pool.acquire() as conn, conn.transaction():
        origin = await conn.fetchrow(f"SELECT upto, sealed FROM {schema}.chain_origin FOR UPDATE")
        if origin is None or origin["sealed"]:
            return 0
        await conn.execute("SELECT pg_advisory_xact_lock($1)", store.append_lock)
        position = 0
        while events := [
            e for e in await store.read_all(after=position, limit=BATCH) if e.position <= origin["upto"]
        ]:
            fresh = [e for e in events if "entry_id" in e.envelope.data]
            await entries_model.apply(conn, schema, fresh)  # type: ignore[arg-type]
            await volume_chain.record_links(conn, schema, fresh)  # type: ignore[arg-type]
            sealed, position = sealed + len(fresh), events[-1].position
        await conn.execute(f"UPDATE {schema}.chain_origin SET sealed = true")
    if sealed:
        log.warning("sealed %d ledger events stored before volume chains were kept", sealed)
    return sealed
