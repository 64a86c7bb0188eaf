"""Public notice-board read model (R9): per village, who serves it today, how to reach them, when they
are on site, their unit and the village's WeChat group. From registry events only. The advisor shown
is the assignment in force today (CST) in assignments_view: a reassignment dated in the future
shows from its first day, not from when it was recorded."""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg
from eventkit.db import Connection
from eventkit.readmodels import in_force_sql
from vc_contracts import Envelope, Event
from vc_contracts.catalogue import registry as rg
from vc_contracts.topics import topic_for

DDL = """
CREATE TABLE {t}nb_villages (
    village_code text PRIMARY KEY, village_name text, group_name text, board_posted_on date
);
CREATE TABLE {t}nb_people (id text PRIMARY KEY, name text NOT NULL, phone text, unit_id text);
"""


class BoardView:
    name = "notice_board_v2"  # v2: the advisor comes from the assignment in force today
    topics = (topic_for("registry"),)
    tables = ("nb_villages", "nb_people")
    ddl = DDL

    async def apply(self, conn: Connection, t: str, env: Envelope, event: Event) -> None:
        upsert = (
            f"INSERT INTO {t}nb_villages (village_code, {{c}}) VALUES ($1, $2) ON CONFLICT (village_code)"
        )
        match event:
            case rg.DivisionRegistered() if len(event.code) == 12 and not event.code.endswith("000"):
                await conn.execute(upsert.format(c="village_name") + " DO UPDATE SET village_name = $2",
                                   event.code, event.name)  # fmt: skip
            case rg.UnitRegistered():
                await self._person(conn, t, event.unit_id, event.name, None, None)
            case rg.AdvisorRegistered():
                await self._person(conn, t, event.advisor_id, event.name, event.phone, event.unit_id)
            case rg.NoticeBoardPosted():
                await conn.execute(upsert.format(c="board_posted_on") + " DO UPDATE SET board_posted_on = $2",
                                   event.village_code, event.posted_on)  # fmt: skip
            case rg.ServiceGroupEstablished():
                await conn.execute(upsert.format(c="group_name") + " DO UPDATE SET group_name = $2",
                                   event.village_code, event.name)  # fmt: skip

    async def _person(self, conn: Connection, t: str, *row: Any) -> None:
        await conn.execute(
            f"INSERT INTO {t}nb_people AS p VALUES ($1,$2,$3,$4) ON CONFLICT (id) DO UPDATE"
            " SET name = $2, phone = coalesce(excluded.phone, p.phone),"
            " unit_id = coalesce(excluded.unit_id, p.unit_id)",
            *row,
        )


async def board(pool: asyncpg.Pool, schema: str, village_code: str, today: date) -> dict[str, Any] | None:
    """The village's board with the advisor whose assignment is in force on `today` (CST)."""
    row = await pool.fetchrow(
        f"""WITH serving AS ({in_force_sql(f"{schema}.rp_assignments", "$2::date", "$1")})
            SELECT v.village_code, v.village_name, p.name AS advisor_name, p.phone, a.schedule,
                   u.name AS unit_name, v.group_name, v.board_posted_on
            FROM {schema}.nb_villages v
            LEFT JOIN serving a USING (village_code)
            LEFT JOIN {schema}.nb_people p ON p.id = a.advisor_id
            LEFT JOIN {schema}.nb_people u ON u.id = a.unit_id
            WHERE v.village_code = $1""",
        village_code,
        today,
    )
    return (
        None
        if row is None
        else {**dict(row), "board_posted_on": row["board_posted_on"] and str(row["board_posted_on"])}
    )
