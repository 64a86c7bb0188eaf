"""Read models several services keep of another service's public events (each its own copy).

`AssignmentHistory`: who served which village from when to when, from the registry's
AdvisorAssigned / AssignmentEnded. A service subclasses it to name its copy (class attributes
`name` and `tables`, one table) and adds the queries it needs.
"""

from __future__ import annotations

from collections.abc import Sequence

from vc_contracts import Envelope, Event
from vc_contracts.catalogue.registry import AdvisorAssigned, AssignmentEnded
from vc_contracts.topics import topic_for

from eventkit.db import Connection


class AssignmentHistory:
    name: str
    tables: Sequence[str]
    topics: Sequence[str] = (topic_for("registry"),)

    @property
    def table(self) -> str:
        return self.tables[0]

    @property
    def ddl(self) -> str:
        return f"""
        CREATE TABLE {{t}}{self.table} (
            assignment_id text PRIMARY KEY, village_code text NOT NULL, advisor_id text NOT NULL,
            unit_id text NOT NULL, valid_from date NOT NULL, valid_to date
        );
        CREATE INDEX ON {{t}}{self.table} (advisor_id, village_code);
        CREATE INDEX ON {{t}}{self.table} (village_code);
        """

    async def apply(self, conn: Connection, t: str, env: Envelope, event: Event) -> None:
        match event:
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
