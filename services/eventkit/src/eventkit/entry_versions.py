"""The version of each entry a read model has applied, so events of one entry may come in any order.

An entry (a ledger entry: its own stream) is created, corrected and voided by events of rising stream
versions. A read model that reads them keeps, per entry, the highest version it applied and whether
the entry was voided, in a table of its own (`versions_ddl`), and lets through only the events that
are newer (`admit`): an earlier event delivered again (a republish out of order, a replay of one
stream) changes nothing, a later version is never overwritten by an earlier one, and a void is final
(nothing after it is applied, whatever its version). The projection runner's tracking drops such
events too, but a read model must not depend on it (a rebuild, `replay_parked`, a reset tracking).

A correction carries the whole new value of each field it changes, so "the newest version wins" is
the entry's state.
"""

from __future__ import annotations

from collections.abc import Sequence

from eventkit.db import Connection
from eventkit.set_apply import Decoded


def versions_ddl(table: str) -> str:
    """The DDL of a read model's versions table `table` (with `{t}`, see projection.Projection)."""
    return (
        f"CREATE TABLE {{t}}{table} (entry_id text PRIMARY KEY, version integer NOT NULL,"
        " voided boolean NOT NULL DEFAULT false);\n"
    )


async def admit(
    conn: Connection, table: str, run: Sequence[Decoded], *, voids: bool = False
) -> list[Decoded]:
    """The events of `run` (each naming an `entry_id`) newer than the version `table` holds for their
    entry and whose entry is not voided, in `run`'s order; their versions are recorded (`voids`: the
    run voids its entries, which are recorded voided). Of two events of one entry in `run` only the
    newer is considered. One statement whatever the run's length."""
    newest: dict[str, Decoded] = {}
    for item in run:
        entry_id: str = getattr(item.event, "entry_id")  # noqa: B009
        held = newest.get(entry_id)
        if held is None or held.envelope.stream_version < item.envelope.stream_version:
            newest[entry_id] = item
    if not newest:
        return []
    # the version rises past a void too, so the table holds the newest version whichever events
    # came and however they were batched; `voided` (read before the statement) keeps them out
    admitted = await conn.fetch(
        f"WITH was_voided AS (SELECT entry_id FROM {table} WHERE entry_id = ANY($1::text[]) AND voided),"
        f" written AS (INSERT INTO {table} AS v (entry_id, version, voided)"
        " SELECT e, n, $3 FROM unnest($1::text[], $2::int[]) AS u(e, n)"
        " ON CONFLICT (entry_id) DO UPDATE"
        " SET version = excluded.version, voided = v.voided OR excluded.voided"
        " WHERE v.version < excluded.version RETURNING entry_id)"
        " SELECT entry_id FROM written WHERE entry_id NOT IN (SELECT entry_id FROM was_voided)",
        list(newest),
        [item.envelope.stream_version for item in newest.values()],
        voids,
    )
    kept = {r["entry_id"] for r in admitted}
    return [item for entry_id, item in newest.items() if entry_id in kept]
