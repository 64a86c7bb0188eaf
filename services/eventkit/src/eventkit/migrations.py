"""A tiny forward-only migration runner: each service owns one PostgreSQL schema.

Migrations are (id, sql) pairs with ids unique across groups; `{schema}` in the SQL is
replaced by the service's schema.
Applied ids are recorded in `<schema>.schema_migrations`; an advisory lock keeps two starting
replicas from applying the same migration twice.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

Migration = tuple[str, str]

EVENT_STORE: list[Migration] = [
    (
        "0001_event_store",
        """
        CREATE TABLE {schema}.events (
            position       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            event_id       uuid        NOT NULL UNIQUE,
            stream_id      text        NOT NULL,
            stream_version integer     NOT NULL CHECK (stream_version >= 1),
            event_type     text        NOT NULL,
            schema_version integer     NOT NULL,
            tenant         jsonb       NOT NULL,
            county         text,
            occurred_at    timestamptz NOT NULL,
            recorded_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
            data           jsonb       NOT NULL,
            metadata       jsonb       NOT NULL,
            UNIQUE (stream_id, stream_version)
        );
        CREATE FUNCTION {schema}.events_are_append_only() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'events are append-only: % refused', TG_OP; END $$;
        CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON {schema}.events
            FOR EACH ROW EXECUTE FUNCTION {schema}.events_are_append_only();
        CREATE TABLE {schema}.relay_checkpoint (
            topic      text PRIMARY KEY,
            position   bigint NOT NULL DEFAULT 0,
            published  bigint NOT NULL DEFAULT 0,
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE {schema}.idempotency_keys (
            key         text PRIMARY KEY,
            actor       text NOT NULL,
            response    jsonb NOT NULL,
            created_at  timestamptz NOT NULL DEFAULT now()
        );
        """,
    ),
    (
        "0002_events_no_truncate",
        """
        CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON {schema}.events
            FOR EACH STATEMENT EXECUTE FUNCTION {schema}.events_are_append_only();
        """,
    ),
    (
        # Keys are per caller (two callers may pick the same string) and carry the request's
        # fingerprint and the exact answer (status, body text). A row is claimed (answer NULL) and
        # answered in the command's own transaction, so only answered rows are ever visible.
        # Rows stored before keep their answer with an unknown fingerprint (replayed as before).
        "0003_idempotency_per_caller",
        """
        ALTER TABLE {schema}.idempotency_keys DROP CONSTRAINT idempotency_keys_pkey;
        ALTER TABLE {schema}.idempotency_keys ADD PRIMARY KEY (actor, key);
        ALTER TABLE {schema}.idempotency_keys
            ADD COLUMN request text, ADD COLUMN status smallint, ADD COLUMN answer text;
        UPDATE {schema}.idempotency_keys SET status = 201, answer = (response - 'replayed')::text;
        ALTER TABLE {schema}.idempotency_keys DROP COLUMN response;
        """,
    ),
    (
        "0004_relay_unpublishable",
        """
        CREATE TABLE {schema}.relay_unpublishable (
            topic       text   NOT NULL,
            position    bigint NOT NULL,
            stream_id   text   NOT NULL,
            error       text   NOT NULL,
            recorded_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (topic, position)
        );
        """,
    ),
]

PROJECTIONS: list[Migration] = [
    (
        "0001_projection_tracking",
        """
        CREATE TABLE {schema}.projection_tracking (
            projection     text NOT NULL,
            stream_id      text NOT NULL,
            stream_version integer NOT NULL,
            PRIMARY KEY (projection, stream_id)
        );
        CREATE TABLE {schema}.projection_status (
            projection  text PRIMARY KEY,
            generation  integer NOT NULL DEFAULT 1,
            rebuild_offsets jsonb,
            applied     bigint NOT NULL DEFAULT 0,
            last_event_at timestamptz,
            updated_at  timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE {schema}.parked_events (
            projection  text NOT NULL,
            event_id    uuid NOT NULL,
            stream_id   text NOT NULL,
            stream_version integer NOT NULL,
            envelope    jsonb NOT NULL,
            error       text NOT NULL,
            parked_at   timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (projection, event_id)
        );
        """,
    ),
]


async def migrate(pool: asyncpg.Pool, schema: str, *groups: Sequence[Migration]) -> list[str]:
    """Apply every migration of `groups` not yet applied in `schema`; return the ids applied."""
    applied: list[str] = []
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"migrate:{schema}")
        await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        await conn.execute(
            f"CREATE TABLE IF NOT EXISTS {schema}.schema_migrations "
            "(id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r["id"] for r in await conn.fetch(f"SELECT id FROM {schema}.schema_migrations")}
        for group in groups:
            for migration_id, sql in group:
                if migration_id in done:
                    continue
                await conn.execute(sql.replace("{schema}", schema))
                await conn.execute(f"INSERT INTO {schema}.schema_migrations (id) VALUES ($1)", migration_id)
                applied.append(migration_id)
    return applied
