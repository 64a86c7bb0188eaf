"""Migration 0003 on a database made before it: keys become per caller, stored answers survive."""

from __future__ import annotations

from uuid import uuid4

import asyncpg
from eventkit.migrations import EVENT_STORE, migrate
from support.inprocess import own_database


async def test_an_existing_key_table_becomes_per_caller_and_keeps_its_answers(devstack) -> None:  # type: ignore[no-untyped-def]
    async with own_database(devstack.dsn, f"vc_idem_{uuid4().hex[:8]}") as dsn:
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
        try:
            await migrate(pool, "svc", EVENT_STORE[:2])  # as deployed before per-caller keys
            await pool.execute(
                "INSERT INTO svc.idempotency_keys (key, actor, response) VALUES ($1, $2, $3)",
                "k1",
                "advisor-a",
                '{"stream_id": "s", "version": 1, "events": [], "replayed": false}',
            )
            assert await migrate(pool, "svc", EVENT_STORE[:3]) == ["0003_idempotency_per_caller"]
            await pool.execute(
                "INSERT INTO svc.idempotency_keys (actor, key, request) VALUES ('advisor-b', 'k1', 'x')"
            )
            old = await pool.fetchrow("SELECT * FROM svc.idempotency_keys WHERE actor = 'advisor-a'")
            assert (old["status"], old["request"]) == (201, None)
            assert old["answer"] == '{"events": [], "version": 1, "stream_id": "s"}'  # jsonb text, flag gone
        finally:
            await pool.close()
