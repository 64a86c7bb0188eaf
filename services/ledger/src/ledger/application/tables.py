"""The ledger's own tables, written in the same transaction as the events they come from.

- `entries`: the read model of every entry's current values, confirmation, open query (质疑),
  corrections and void
  (rebuildable from the event store: `python -m ledger.cli rebuild-entries`). It is written inline,
  not from Kafka, because the overlap rule must see the advisor's latest visit at once.
- `volume_links` / `volume_heads`: the hash chain of each volume (see domain/chain.py). They are
  the record of what the events looked like when they were appended, so they are never rebuilt
  from the events: that would erase the evidence `verify` compares against. Links are append-only.
  Each link records the canonical version it was computed with (`vc_contracts.chain`): links
  written before v2 existed are v1; there is no default, so every writer says which it used.
- `volume_link_runs`: a bulk write's links, one row per volume and run of consecutive links
  (`volume_chain.runs_text`): the same columns as `volume_links`, each a run's values one per line.
  A 50,000-row import writes ~2,600 runs instead of 100,000 link rows and their key (a third of
  the links' PostgreSQL time). `chain_links` is every link of both, one row each: what readers read.
- `chain_origin`: the last event stored before this version kept chains. Those events (and only
  those) are sealed into the chains once, at start-up (see upgrade.py); an event that appears later
  without a link was inserted behind the service's back, and `verify` names it.
"""

from __future__ import annotations

from eventkit.migrations import Migration

LEDGER_TABLES: list[Migration] = [
    (
        "ledger_0001_entries_and_volumes",
        """
        CREATE TABLE {schema}.entries (
            entry_id        text PRIMARY KEY,
            stream_id       text NOT NULL,
            kind            text NOT NULL,
            village_code    text NOT NULL,
            county          text,
            advisor_id      text NOT NULL,
            unit_id         text NOT NULL,
            client_entry_id text,
            year            integer NOT NULL,
            occurred_at     timestamptz NOT NULL,
            started_at      timestamptz NOT NULL,
            ended_at        timestamptz NOT NULL,
            hours           numeric(6, 2),
            on_site         boolean NOT NULL,
            data            jsonb NOT NULL,
            original        jsonb NOT NULL,
            history         jsonb NOT NULL DEFAULT '[]',
            confirmed       boolean NOT NULL DEFAULT false,
            confirmed_by    text,
            confirmed_on    date,
            voided          boolean NOT NULL DEFAULT false,
            void_reason     text,
            corrections     integer NOT NULL DEFAULT 0,
            logged_at       timestamptz NOT NULL,
            logged_by       text NOT NULL,
            UNIQUE (advisor_id, client_entry_id)
        );
        CREATE INDEX entries_on_site ON {schema}.entries (advisor_id, started_at)
            WHERE on_site AND NOT voided;
        CREATE INDEX entries_village ON {schema}.entries (village_code, year, occurred_at);
        CREATE INDEX entries_unit ON {schema}.entries (unit_id, year, occurred_at);
        CREATE TABLE {schema}.volume_heads (
            volume_id  text PRIMARY KEY,
            kind       text NOT NULL,
            owner      text NOT NULL,
            year       integer NOT NULL,
            county     text,
            length     integer NOT NULL,
            head       text NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
        );
        CREATE TABLE {schema}.volume_links (
            volume_id  text NOT NULL,
            seq        integer NOT NULL,
            event_id   uuid NOT NULL,
            entry_id   text NOT NULL,
            event_type text NOT NULL,
            hash       text NOT NULL,
            linked_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
            PRIMARY KEY (volume_id, seq)
        );
        CREATE INDEX volume_links_entry ON {schema}.volume_links (entry_id);
        CREATE FUNCTION {schema}.volume_links_are_append_only() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'volume links are append-only: % refused', TG_OP; END $$;
        CREATE TRIGGER volume_links_append_only BEFORE UPDATE OR DELETE ON {schema}.volume_links
            FOR EACH ROW EXECUTE FUNCTION {schema}.volume_links_are_append_only();
        """,
    ),
    (
        "ledger_0002_chain_origin",
        """
        CREATE TABLE {schema}.chain_origin (
            upto   bigint NOT NULL,
            sealed boolean NOT NULL DEFAULT false
        );
        INSERT INTO {schema}.chain_origin (upto, sealed)
            SELECT coalesce(max(position), 0), coalesce(max(position), 0) = 0 FROM {schema}.events;
        CREATE INDEX volume_links_event ON {schema}.volume_links (event_id);
        """,
    ),
    (
        "ledger_0003_entry_queries",
        """
        ALTER TABLE {schema}.entries ADD COLUMN queried boolean NOT NULL DEFAULT false;
        ALTER TABLE {schema}.entries ADD COLUMN query_reason text;
        ALTER TABLE {schema}.entries ADD COLUMN queried_by text;
        ALTER TABLE {schema}.entries ADD COLUMN queried_at timestamptz;
        """,
    ),
    (
        "ledger_0004_link_canonical_version",
        """
        ALTER TABLE {schema}.volume_links ADD COLUMN canonical_version smallint NOT NULL DEFAULT 1;
        ALTER TABLE {schema}.volume_links ALTER COLUMN canonical_version DROP DEFAULT;
        """,
    ),
    (
        # No query reads links by entry (verify and the exports read a volume's links by
        # volume_id and seq: the primary key; the stray-event check by volume_id and event_id:
        # `volume_links_event`), and every link row paid for this index: two per imported entry.
        "ledger_0005_drop_volume_links_entry_index",
        """
        DROP INDEX IF EXISTS {schema}.volume_links_entry;
        """,
    ),
    (
        # Paid on every link (two per imported entry: ~0.3 s of PostgreSQL CPU per 50,000 rows) for
        # one reader, the stray-event check, which now reads a volume's linked event ids by the
        # primary key's volume_id and compares them in the service (`volume_chain.first_stray`).
        "ledger_0006_drop_volume_links_event_index",
        """
        DROP INDEX IF EXISTS {schema}.volume_links_event;
        """,
    ),
    (
        # An entry's `original` (its data as first logged) was a second copy of `data` on every
        # row: ~350 bytes of jsonb a row, ~0.45 s of PostgreSQL CPU per 50,000 imported rows. It is
        # NULL until the entry's first correction, which keeps the data it replaces
        # (`entries_model._correct`); readers take `coalesce(original, data)`. Rows written before
        # keep their copy (the same value).
        "ledger_0007_original_null_until_corrected",
        """
        ALTER TABLE {schema}.entries ALTER COLUMN original DROP NOT NULL;
        """,
    ),
    (
        # Issue 12: 100,000 link rows and their primary key cost PostgreSQL ~0.26 s of an import of
        # 50,000 entries, a run row per volume and chunk ~0.08 s (the same bytes; the columns are
        # kept out of line uncompressed: hashes and ids do not compress, and pglz would try).
        "ledger_0008_volume_link_runs",
        """
        CREATE TABLE {schema}.volume_link_runs (
            volume_id         text NOT NULL,
            first_seq         integer NOT NULL,
            links             integer NOT NULL CHECK (links > 0),
            event_ids         text NOT NULL,
            entry_ids         text NOT NULL,
            event_types       text NOT NULL,
            hashes            text NOT NULL,
            canonical_version smallint NOT NULL,
            linked_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
            PRIMARY KEY (volume_id, first_seq),
            CHECK (octet_length(event_ids) = 37 * links - 1 AND octet_length(hashes) = 65 * links - 1)
        );
        ALTER TABLE {schema}.volume_link_runs
            ALTER COLUMN event_ids SET STORAGE EXTERNAL, ALTER COLUMN entry_ids SET STORAGE EXTERNAL,
            ALTER COLUMN event_types SET STORAGE EXTERNAL, ALTER COLUMN hashes SET STORAGE EXTERNAL;
        CREATE TRIGGER volume_link_runs_append_only BEFORE UPDATE OR DELETE ON {schema}.volume_link_runs
            FOR EACH ROW EXECUTE FUNCTION {schema}.volume_links_are_append_only();
        CREATE VIEW {schema}.chain_links AS
            SELECT volume_id, seq, event_id, entry_id, event_type, hash, canonical_version
            FROM {schema}.volume_links
            UNION ALL
            SELECT r.volume_id, r.first_seq + (u.n - 1)::integer, u.event_id::uuid, u.entry_id, u.event_type,
                   u.hash, r.canonical_version
            FROM {schema}.volume_link_runs r CROSS JOIN LATERAL unnest(
                string_to_array(r.event_ids, E'\\n'), string_to_array(r.entry_ids, E'\\n'),
                string_to_array(r.event_types, E'\\n'), string_to_array(r.hashes, E'\\n')
            ) WITH ORDINALITY AS u(event_id, entry_id, event_type, hash, n);
        """,
    ),
    (
        # A run's event_ids are text (the table checks only their total length): a line that is not
        # a uuid, altered behind the service's back, made the cast fail and every reader of the
        # volume's links raise (a 500 from its verify endpoint). Such a link now has no event id:
        # `verify_volume` names it. (pg_input_is_valid, PostgreSQL 16: no slower than the cast
        # alone, where a regex took 1.5 µs a link.)
        "ledger_0009_chain_links_unreadable_event_id",
        """
        CREATE OR REPLACE VIEW {schema}.chain_links AS
            SELECT volume_id, seq, event_id, entry_id, event_type, hash, canonical_version
            FROM {schema}.volume_links
            UNION ALL
            SELECT r.volume_id, r.first_seq + (u.n - 1)::integer,
                   CASE WHEN pg_input_is_valid(u.event_id, 'uuid') THEN u.event_id::uuid END,
                   u.entry_id, u.event_type, u.hash, r.canonical_version
            FROM {schema}.volume_link_runs r CROSS JOIN LATERAL unnest(
                string_to_array(r.event_ids, E'\\n'), string_to_array(r.entry_ids, E'\\n'),
                string_to_array(r.event_types, E'\\n'), string_to_array(r.hashes, E'\\n')
            ) WITH ORDINALITY AS u(event_id, entry_id, event_type, hash, n);
        """,
    ),
]
