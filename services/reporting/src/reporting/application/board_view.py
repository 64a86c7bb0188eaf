"""Public notice-board read model (R9): per village, who serves it today, how to reach them, when they
are on site, their unit and the village's WeChat group. From registry events only. The advisor shown
is the assignment in force today (CST) in assignments_view: a reassignment dated in the future
shows from its first day, not from when it was recorded. A batch is one or two statements per run of
divisions, people, boards or groups."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import asyncpg
from eventkit.db import Connection
from eventkit.projection import Projection
from eventkit.readmodels import in_force_sql
from eventkit.set_apply import Decoded, events_of, insert_rows, keyed, runs
from vc_contracts import Envelope, Event
from vc_contracts.catalogue import registry as rg
from vc_contracts.topics import topic_for

DDL = """
CREATE TABLE {t}nb_villages (
    village_code text PRIMARY KEY, village_name text, group_name text, board_posted_on date
);
CREATE TABLE {t}nb_people (id text PRIMARY KEY, name text NOT NULL, phone text, unit_id text);
CREATE TABLE {t}nb_divisions (code text PRIMARY KEY, name text NOT NULL, parent_code text);
"""
PERSON_UPSERT = (
    "ON CONFLICT (id) DO UPDATE SET name = excluded.name, phone = coalesce(excluded.phone, p.phone),"
    " unit_id = coalesce(excluded.unit_id, p.unit_id)"
)
_GROUPS: dict[type[Event], str] = {
    rg.DivisionRegistered: "divisions", rg.UnitRegistered: "people", rg.AdvisorRegistered: "people",
    rg.NoticeBoardPosted: "boards", rg.ServiceGroupEstablished: "groups",
}  # fmt: skip
_KEY = keyed({
    rg.DivisionRegistered: "code", rg.UnitRegistered: "unit_id", rg.AdvisorRegistered: "advisor_id",
    rg.NoticeBoardPosted: "village_code", rg.ServiceGroupEstablished: "village_code",
})  # fmt: skip


def _is_village(code: str) -> bool:
    return len(code) == 12 and not code.endswith("000")


def _person(event: Event) -> tuple[str, str, str | None, str | None]:
    match event:
        case rg.UnitRegistered():
            return event.unit_id, event.name, None, None
        case rg.AdvisorRegistered():
            return event.advisor_id, event.name, event.phone, event.unit_id
    raise TypeError(type(event).__name__)


async def _set_village(
    conn: Connection, t: str, column: str, kind: str, rows: Sequence[tuple[object, object]]
) -> None:
    """Upsert one column of nb_villages for each (village code, value)."""
    await insert_rows(conn, f"{t}nb_villages", (("village_code", "text"), (column, kind)), rows,
                      f"ON CONFLICT (village_code) DO UPDATE SET {column} = excluded.{column}")  # fmt: skip


class BoardView(Projection):
    name = "notice_board_v3"  # v3: division names, so a board names its township and county
    topics = (topic_for("registry"),)
    tables = ("nb_villages", "nb_people", "nb_divisions")
    ddl = DDL
    handles = tuple(_GROUPS)

    async def apply(self, conn: Connection, t: str, env: Envelope, event: Event) -> None:
        upsert = (
            f"INSERT INTO {t}nb_villages (village_code, {{c}}) VALUES ($1, $2) ON CONFLICT (village_code)"
        )
        match event:
            case rg.DivisionRegistered():
                await conn.execute(
                    f"INSERT INTO {t}nb_divisions VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    event.code, event.name, event.parent_code,
                )  # fmt: skip
                if _is_village(event.code):
                    await conn.execute(upsert.format(c="village_name") + " DO UPDATE SET village_name = $2",
                                       event.code, event.name)  # fmt: skip
            case rg.UnitRegistered() | rg.AdvisorRegistered():
                await self._person(conn, t, *_person(event))
            case rg.NoticeBoardPosted():
                await conn.execute(upsert.format(c="board_posted_on") + " DO UPDATE SET board_posted_on = $2",
                                   event.village_code, event.posted_on)  # fmt: skip
            case rg.ServiceGroupEstablished():
                await conn.execute(upsert.format(c="group_name") + " DO UPDATE SET group_name = $2",
                                   event.village_code, event.name)  # fmt: skip

    async def _person(self, conn: Connection, t: str, *row: Any) -> None:
        await conn.execute(f"INSERT INTO {t}nb_people AS p VALUES ($1,$2,$3,$4) {PERSON_UPSERT}", *row)

    async def apply_batch(self, conn: Connection, t: str, items: Sequence[Decoded]) -> None:
        for group, run in runs(items, lambda d: _GROUPS.get(type(d.event)), _KEY):
            match group:
                case "divisions":
                    divisions = events_of(run, rg.DivisionRegistered)
                    rows = [(e.code, e.name, e.parent_code) for e in divisions]
                    await insert_rows(
                        conn, f"{t}nb_divisions", DIVISION_COLUMNS, rows, "ON CONFLICT DO NOTHING"
                    )
                    names = [(e.code, e.name) for e in divisions if _is_village(e.code)]
                    await _set_village(conn, t, "village_name", "text", names)
                case "people":
                    people = [_person(d.event) for d in run]
                    await insert_rows(
                        conn, f"{t}nb_people", PERSON_COLUMNS, people, PERSON_UPSERT, alias="AS p"
                    )
                case "boards":
                    posted = [(e.village_code, e.posted_on) for e in events_of(run, rg.NoticeBoardPosted)]
                    await _set_village(conn, t, "board_posted_on", "date", posted)
                case "groups":
                    groups = [(e.village_code, e.name) for e in events_of(run, rg.ServiceGroupEstablished)]
                    await _set_village(conn, t, "group_name", "text", groups)


DIVISION_COLUMNS = (("code", "text"), ("name", "text"), ("parent_code", "text"))
PERSON_COLUMNS = (("id", "text"), ("name", "text"), ("phone", "text"), ("unit_id", "text"))


async def boards(pool: asyncpg.Pool, schema: str, prefix: str, today: date) -> list[dict[str, Any]]:
    """The boards of the villages whose code starts with `prefix` (a county's 6 digits, or one
    village's 12), by code: each with its township's and county's names and the advisor whose
    assignment is in force on `today` (CST); advisor fields are null when none is."""
    rows = await pool.fetch(
        f"""WITH serving AS ({in_force_sql(f"{schema}.rp_assignments", "$2::date", "$1")})
            SELECT v.village_code, v.village_name, t.name AS township_name, c.name AS county_name,
                   p.name AS advisor_name, p.phone, a.schedule, u.name AS unit_name, v.group_name,
                   v.board_posted_on
            FROM {schema}.nb_villages v
            LEFT JOIN {schema}.nb_divisions d ON d.code = v.village_code
            LEFT JOIN {schema}.nb_divisions t ON t.code = d.parent_code
            LEFT JOIN {schema}.nb_divisions c ON c.code = t.parent_code
            LEFT JOIN serving a USING (village_code)
            LEFT JOIN {schema}.nb_people p ON p.id = a.advisor_id
            LEFT JOIN {schema}.nb_people u ON u.id = a.unit_id
            WHERE starts_with(v.village_code, $1)
            ORDER BY v.village_code""",
        prefix,
        today,
    )
    return [{**dict(r), "board_posted_on": r["board_posted_on"] and str(r["board_posted_on"])} for r in rows]


async def board(pool: asyncpg.Pool, schema: str, village_code: str, today: date) -> dict[str, Any] | None:
    """The village's board (see `boards`), None for a village not registered."""
    found = await boards(pool, schema, village_code, today)
    return found[0] if found else None


async def division_name(pool: asyncpg.Pool, schema: str, code: str) -> str | None:
    return await pool.fetchval(f"SELECT name FROM {schema}.nb_divisions WHERE code = $1", code)  # type: ignore[no-any-return]
