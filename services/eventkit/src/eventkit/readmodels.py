"""Read models several services keep of another service's public events (each its own copy).

`AssignmentHistory`: who served which village from when to when, from the registry's
AdvisorAssigned / AssignmentEnded. A service subclasses it to name its copy (class attributes
`name` and `tables`, one table; `keeps_schedule` to keep each assignment's on-site schedule too) and
adds the queries it needs. `in_force_sql` is the one definition of "the assignment in force on a
day": it started on or before the day and had not ended before it (`valid_to` is inclusive); the
latest start wins when a reassignment overlaps. A batch is one insert per run of assignments and
one update per run of ends (`apply_batch`).
"""

from __future__ import annotations

from collections.abc import Sequence

from vc_contracts import Envelope, Event
from vc_contracts.catalogue.registry import AdvisorAssigned, AssignmentEnded
from vc_contracts.topics import topic_for

from eventkit.db import Connection
from eventkit.projection import Projection
from eventkit.set_apply import Decoded, events_of, insert_rows, keyed, runs, update_rows

_GROUPS = {AdvisorAssigned: "assigned", AssignmentEnded: "ended"}
_KEY = keyed({AdvisorAssigned: "assignment_id", AssignmentEnded: "assignment_id"})


def in_force_sql(table: str, day: str, prefix: str) -> str:
    """SQL selecting, per village whose code starts with `prefix`, the assignment in force on `day`
    (SQL expressions, e.g. "$2" and "$1"): the columns of `table`, one row per village."""
    return (
        f"SELECT DISTINCT ON (village_code) * FROM {table}"
        f" WHERE starts_with(village_code, {prefix}) AND valid_from <= {day}"
        f" AND (valid_to IS NULL OR valid_to >= {day})"
        " ORDER BY village_code, valid_from DESC, assignment_id"
    )


class AssignmentHistory(Projection):
    name: str
    tables: Sequence[str]
    topics: Sequence[str] = (topic_for("registry"),)
    keeps_schedule: bool = False

    @property
    def table(self) -> str:
        return self.tables[0]

    @property
    def ddl(self) -> str:
        schedule = ", schedule text" if self.keeps_schedule else ""
        return f"""
        CREATE TABLE {{t}}{self.table} (
            assignment_id text PRIMARY KEY, village_code text NOT NULL, advisor_id text NOT NULL,
            unit_id text NOT NULL, valid_from date NOT NULL, valid_to date{schedule}
        );
        CREATE INDEX ON {{t}}{self.table} (advisor_id, village_code);
        CREATE INDEX ON {{t}}{self.table} (village_code);
        """

    async def apply(self, conn: Connection, t: str, env: Envelope, event: Event) -> None:
        match event:
            case AdvisorAssigned() if self.keeps_schedule:
                await conn.execute(
                    f"INSERT INTO {t}{self.table} VALUES ($1,$2,$3,$4,$5,NULL,$6) ON CONFLICT DO NOTHING",
                    event.assignment_id, event.village_code, event.advisor_id, event.unit_id,
                    event.valid_from, event.schedule,
                )  # fmt: skip
            case AdvisorAssigned():
                await conn.execute(
                    f"INSERT INTO {t}{self.table} VALUES ($1,$2,$3,$4,$5,NULL) ON CONFLICT DO NOTHING",
                    event.assignment_id, event.village_code, event.advisor_id, event.unit_id,
                    event.valid_from,
                )  # fmt: skip
            case AssignmentEnded():
                await conn.execute(
                    f"UPDATE {t}{self.table} SET valid_to = $2 WHERE assignment_id = $1",
                    event.assignment_id, event.valid_to,
                )  # fmt: skip

    async def apply_batch(self, conn: Connection, t: str, items: Sequence[Decoded]) -> None:
        table = f"{t}{self.table}"
        for kind, run in runs(items, lambda d: _GROUPS.get(type(d.event)), _KEY):
            if kind == "ended":
                ends = [(e.assignment_id, e.valid_to) for e in events_of(run, AssignmentEnded)]
                await update_rows(conn, table, (("assignment_id", "text"), ("valid_to", "date")), ends)
                continue
            columns = [("assignment_id", "text"), ("village_code", "text"), ("advisor_id", "text"),
                       ("unit_id", "text"), ("valid_from", "date")]  # fmt: skip
            rows: list[tuple[object, ...]] = [
                (e.assignment_id, e.village_code, e.advisor_id, e.unit_id, e.valid_from)
                + ((e.schedule,) if self.keeps_schedule else ())
                for e in events_of(run, AdvisorAssigned)
            ]
            if self.keeps_schedule:
                columns.append(("schedule", "text"))
            await insert_rows(conn, table, columns, rows, "ON CONFLICT DO NOTHING")
