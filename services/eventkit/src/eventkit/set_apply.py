"""Set-based application of a batch of events to a read model: the helpers behind `apply_batch`.

A read model may offer `apply_batch(conn, t, items)` next to `apply` (see projection.py). It must
leave its tables exactly as `apply` of each item in order would; a property test checks that for
every read model that offers it (tests/integration/test_set_based_projections.py). These helpers
keep that promise simple to keep:

- `runs` cuts a batch into maximal runs of consecutive events handled alike, leaving out the events
  the read model ignores (they change nothing), and starts a new run when a key comes back, so one
  set statement never meets a row twice (ON CONFLICT DO UPDATE refuses that; UPDATE … FROM would
  pick either match; a first-wins insert would depend on scan order);
- `insert_rows` writes a run's rows with one `INSERT … SELECT FROM unnest(…)` (one round trip
  whatever the run's length);
- `ONE_BY_ONE` names the group of rare events that read before they write (corrections): such a
  run is applied through `apply`, one event after the other, in its place in the batch.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from vc_contracts import Envelope, Event

from eventkit.db import Connection
from eventkit.text_arrays import text_array

E = TypeVar("E", bound=Event)
T = TypeVar("T")

ONE_BY_ONE = "one-by-one"
"""A group whose events `apply_batch` hands to `apply`, each in turn."""


@dataclass(slots=True)
class Decoded:
    """One record of a batch, parsed: its envelope and its typed event (slots: one is built per
    event on the catch-up's hot path)."""

    envelope: Envelope
    event: Event


class Ignored(Event, abstract=True):
    """The stand-in for an event of a type the read model does not read (see `Projection.handles`)."""


IGNORED = Ignored()
"""What `Decoded.event` holds for such an event: it matches none of a read model's event classes."""


class Applies(Protocol):
    """A read model's per-event apply: the fallback `one_by_one` hands events to."""

    async def apply(self, conn: Connection, t: str, envelope: Envelope, event: Event) -> None: ...


def runs(
    items: Sequence[T],
    group: Callable[[T], Hashable | None],
    key: Callable[[T], Hashable] | None = None,
) -> Iterator[tuple[Hashable, list[T]]]:
    """(group, items) for each maximal run of consecutive items of one group, in batch order (items
    are usually `Decoded` events; rows work too).

    Items whose group is None are left out. With `key`, a run ends before an item whose key it
    already holds (the repeated item starts the next run); a None key never ends a run.
    """
    current: Hashable | None = None
    run: list[T] = []
    keys: set[Hashable] = set()
    for item in items:
        kind = group(item)
        if kind is None:
            continue
        k = key(item) if key is not None else None
        if run and (kind != current or (k is not None and k in keys)):
            yield current, run
            run, keys = [], set()
        current = kind
        run.append(item)
        if k is not None:
            keys.add(k)
    if run:
        yield current, run


async def one_by_one(projection: Applies, conn: Connection, t: str, run: Sequence[Decoded]) -> None:
    """Apply a run through the read model's per-event `apply`."""
    for item in run:
        await projection.apply(conn, t, item.envelope, item.event)


async def insert_rows(
    conn: Connection,
    table: str,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[Sequence[Any]],
    conflict: str = "",
    alias: str = "",
) -> None:
    """`INSERT INTO table (columns) SELECT * FROM unnest(one array per column) [conflict]`.

    `columns` are (name, PostgreSQL type) pairs, e.g. ("hours", "numeric"); each value is cast to
    that type as the per-event statement's parameter would be. `conflict` is the statement's ON
    CONFLICT clause, `alias` the table's alias it names (e.g. "AS v"). Nothing is sent for no rows.
    """
    if not rows:
        return
    names = ", ".join(name for name, _ in columns)
    arrays, params = _arrays(columns, rows)
    await conn.execute(
        f"INSERT INTO {table} {alias} ({names}) SELECT * FROM unnest({arrays}) {conflict}", *params
    )


async def update_rows(
    conn: Connection,
    table: str,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[Sequence[Any]],
    assignments: str | None = None,
) -> None:
    """`UPDATE table AS r SET … FROM unnest(…) AS u(columns) WHERE r.<first column> = u.<first column>`.

    The first of `columns` is the key the rows are matched on (unique within `rows`: see `runs`);
    the others are set as given, unless `assignments` (SQL naming `r.` and `u.`) says otherwise.
    """
    if not rows:
        return
    names = [name for name, _ in columns]
    arrays, params = _arrays(columns, rows)
    sets = assignments or ", ".join(f"{name} = u.{name}" for name in names[1:])
    await conn.execute(
        f"UPDATE {table} AS r SET {sets} FROM unnest({arrays}) AS u({', '.join(names)})"
        f" WHERE r.{names[0]} = u.{names[0]}",
        *params,
    )


def _arrays(columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]]) -> tuple[str, list[Any]]:
    """The unnest arguments of `columns` (SQL) and their parameters, one array per column: a text
    column as one joined text where it can be (`text_arrays`), any other as a typed array."""
    sql: list[str] = []
    params: list[Any] = []
    for i, ((_, kind), values) in enumerate(zip(columns, zip(*rows, strict=True), strict=True), start=1):
        if kind == "text":
            expression, value = text_array(f"${i}", values)
        else:
            expression, value = f"${i}::{kind}[]", list(values)
        sql.append(expression)
        params.append(value)
    return ", ".join(sql), params


def events_of(run: Sequence[Decoded], kind: type[E] | tuple[type[E], ...]) -> list[E]:
    """The events of `run` that are `kind`s (typed, for the run's handler)."""
    return [item.event for item in run if isinstance(item.event, kind)]  # type: ignore[misc]


def pairs_of(run: Sequence[Decoded], kind: type[E] | tuple[type[E], ...]) -> list[tuple[Envelope, E]]:
    """(envelope, event) of the events of `run` that are `kind`s."""
    return [(item.envelope, item.event) for item in run if isinstance(item.event, kind)]  # type: ignore[misc]


def keyed(fields: Mapping[type[Event], str]) -> Callable[[Decoded], Hashable]:
    """A `runs` key: per event type, the field naming the row it writes (other types: None)."""

    def key(item: Decoded) -> Hashable:
        field = fields.get(type(item.event))
        return None if field is None else getattr(item.event, field)

    return key


async def mark_voided(conn: Connection, table: str, run: Sequence[Decoded]) -> None:
    """`UPDATE table SET voided = true` for every entry a run of voids names (their `entry_id`)."""
    entry_ids = [getattr(item.event, "entry_id") for item in run]  # noqa: B009
    await conn.execute(f"UPDATE {table} SET voided = true WHERE entry_id = ANY($1::text[])", entry_ids)
