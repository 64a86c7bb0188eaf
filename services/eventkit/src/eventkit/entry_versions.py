"""The version of each entry a read model has applied, so events of one entry may come in any order.

An entry (a ledger entry: its own stream) is created, corrected and voided by events of rising stream
versions. A read model that reads them declares which of its events are an entry's (`EntryEvents`,
its `Projection.entry_events`) and keeps, per entry, the highest version applied and whether the
entry was voided, in a table of its own (`versions_ddl`). The projection runner lets through only
the events that are newer (`admit`), in the batch's transaction, before the read model sees them:
an earlier event delivered again (a republish out of order, a replay of one stream) changes
nothing, a later version is never overwritten by an earlier one, and a void is final (nothing after
it is applied, whatever its version). The runner's tracking drops such events too, but the read
model must not depend on it (a rebuild, `replay_parked`, a reset tracking), hence this table.

A correction carries the whole new value of each field it changes, so "the newest version wins" is
the entry's state.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from eventkit.db import Connection
from eventkit.set_apply import Decoded


def versions_ddl(table: str) -> str:
    """The DDL of a read model's versions table `table` (with `{t}`, see projection.Projection)."""
    return (
        f"CREATE TABLE {{t}}{table} (entry_id text PRIMARY KEY, version integer NOT NULL,"
        " voided boolean NOT NULL DEFAULT false);\n"
    )


@dataclass(frozen=True, slots=True)
class EntryEvents:
    """Which of a read model's events are a ledger entry's, so the runner admits them (`admit`).

    - `table`: the versions table, one of the read model's `tables` (DDL from `versions_ddl`);
    - `group`: the read model's group of an event (usually the one its `apply_batch` cuts runs by,
      set_apply.runs), None for an event it does not read;
    - `entries`: the groups of an entry's events that leave it alive (created, corrected);
    - `voids`: the groups of an entry's events that void it (final: nothing after it applies).

    An event of any other group is not an entry's event and passes untouched. Every event of the
    two sets names its entry in `entry_id`; its envelope's `stream_version` is its version."""

    table: str
    group: Callable[[Decoded], Hashable | None]
    entries: frozenset[Hashable]
    voids: frozenset[Hashable] = frozenset()


ADMIT = (
    "WITH u AS (SELECT * FROM unnest($1::text[], $2::int[]) AS u(e, n)),"
    " d AS (SELECT * FROM unnest($3::text[], $4::int[]) AS d(e, n)),"
    " held AS MATERIALIZED (SELECT entry_id, version, voided FROM {table} WHERE entry_id = ANY($1::text[])),"
    " written AS (INSERT INTO {table} AS v (entry_id, version, voided)"
    " SELECT u.e, u.n, coalesce(h.voided, false) OR coalesce(d.n > coalesce(h.version, 0), false)"
    " FROM u LEFT JOIN held h ON h.entry_id = u.e LEFT JOIN d ON d.e = u.e"
    " ON CONFLICT (entry_id) DO UPDATE SET version = excluded.version, voided = excluded.voided"
    " WHERE v.version < excluded.version)"
    " SELECT entry_id, version, voided FROM held"
)
"""Per entry of a batch ($1, each once): its newest version in the batch ($2); per entry whose void
raised it ($3, usually none), that void's version ($4). The versions table's rows as they were
before the statement come back (every sub-statement of one WITH reads one snapshot), so the client
tells which events were newer; the rows are written as one event after the other would leave them:
the version rises past a void too (whichever events came and however they were batched), and
`voided` is set by a void newer than what was held."""


async def admit(conn: Connection, t: str, spec: EntryEvents, items: Sequence[Decoded]) -> Sequence[Decoded]:
    """`items` (a batch, in order) without the entry's events (`spec`) that change nothing: those
    not newer than the version applied to their entry, held in table `t + spec.table` or met
    earlier in `items`, and those after their entry's void. The others pass, in `items`' order, and
    the versions table is left as admitting one event after the other would leave it.

    One statement (none when no item is an entry's event), whatever the batch's length."""
    group, entries, voids = spec.group, spec.entries, spec.voids
    # per item: None (not an entry's event), False (an entry's), True (a void)
    marks: list[bool | None] = []
    top: dict[str, int] = {}  # entry -> its newest version in `items`
    voided_at: dict[str, int] = {}  # entry -> the version of the void that raised `top`, if any
    for item in items:
        kind = group(item)
        if kind in voids:
            mark = True
        elif kind in entries:
            mark = False
        else:
            marks.append(None)
            continue
        marks.append(mark)
        entry_id: str = item.event.entry_id  # type: ignore[attr-defined]
        version = item.envelope.stream_version
        if version > top.get(entry_id, 0):
            top[entry_id] = version
            if mark:
                voided_at[entry_id] = version
    if not top:
        return items
    rows = await conn.fetch(
        ADMIT.format(table=t + spec.table),
        list(top),
        list(top.values()),
        list(voided_at),
        list(voided_at.values()),
    )
    if not rows and len(top) == len(marks) - marks.count(None):
        return items  # each entry's only event here, and no entry held: all new (a rebuild's batch)
    # per entry: [the version reached, whether it is voided], from the held row, then event by event
    state: dict[str, list[int]] = {r["entry_id"]: [r["version"], r["voided"]] for r in rows}
    admitted: list[Decoded] = []
    for item, role in zip(items, marks, strict=True):
        if role is None:
            admitted.append(item)
            continue
        entry_id = item.event.entry_id  # type: ignore[attr-defined]
        version = item.envelope.stream_version
        held = state.get(entry_id)
        if held is None:
            held = state[entry_id] = [0, False]
        if version > held[0]:
            held[0] = version
            if not held[1]:
                admitted.append(item)
            if role:
                held[1] = True
    return admitted
