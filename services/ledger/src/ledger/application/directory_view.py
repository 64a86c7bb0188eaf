"""Names of villages, units and advisors, from registry events: volumes and exports show names, not ids."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import asyncpg
from eventkit.db import Connection
from eventkit.projection import Projection
from eventkit.set_apply import Decoded, insert_rows, runs
from vc_contracts import Envelope, Event
from vc_contracts.catalogue.registry import AdvisorRegistered, DivisionRegistered, UnitRegistered
from vc_contracts.topics import topic_for

DDL = """
CREATE TABLE {t}ledger_names (key text PRIMARY KEY, name text NOT NULL);
"""


class DirectoryView(Projection):
    name = "directory"
    topics: Sequence[str] = (topic_for("registry"),)
    tables: Sequence[str] = ("ledger_names",)
    ddl: str = DDL

    async def apply(self, conn: Connection, t: str, env: Envelope, event: Event) -> None:
        if (row := _row(event)) is not None:
            await conn.execute(f"INSERT INTO {t}ledger_names VALUES ($1, $2) {UPSERT}", *row)

    async def apply_batch(self, conn: Connection, t: str, items: Sequence[Decoded]) -> None:
        """One upsert per run of names (a run never names a key twice)."""
        rows = [row for d in items if (row := _row(d.event)) is not None]
        for _, run in runs(rows, lambda row: "names", lambda row: row[0]):
            await insert_rows(conn, f"{t}ledger_names", (("key", "text"), ("name", "text")), run, UPSERT)


UPSERT = "ON CONFLICT (key) DO UPDATE SET name = excluded.name"


def _row(event: Event) -> tuple[str, str] | None:
    """(key, name) the event names, or None."""
    match event:
        case DivisionRegistered():
            return f"division:{event.code}", event.name
        case UnitRegistered():
            return f"unit:{event.unit_id}", event.name
        case AdvisorRegistered():
            return f"advisor:{event.advisor_id}", event.name
    return None


async def names(pool: asyncpg.Pool | Connection, schema: str, keys: Iterable[str]) -> dict[str, str]:
    """key -> name for keys like division:621025100201, unit:U-1, advisor:A-1 (unknown keys left out);
    `pool` may be a connection (inside its transaction)."""
    rows = await pool.fetch(
        f"SELECT key, name FROM {schema}.ledger_names WHERE key = ANY($1::text[])", list(set(keys))
    )
    return {r["key"]: r["name"] for r in rows}
