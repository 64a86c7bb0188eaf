"""Typical cases (R16) in the ledger: proposing an entry, the county's decision, and the lists.

Why the ledger owns them: a case is one ledger entry written up, so its scope rules are the entry's
(the advisor who did the work or the advisor's unit proposes it; the entry's county decides) and the
facts a proposal checks (kind, void, year, the parties' names) are in the ledger's own read model.

`typical_cases` is written in the same transaction as the events (like `entries`), so the county's
list shows a proposal at once. Reporting learns approved cases from the topic and publishes them
(the county's public page, the annual report); nothing here is public.
"""

from __future__ import annotations

from typing import Any

import asyncpg
from eventkit.auth import ADMINS, UNITS, Principal, Role
from eventkit.command_runner import CommandRunner, Outcome
from eventkit.db import Connection
from eventkit.errors import ForbiddenError, NotFoundError
from eventkit.idempotency import Idempotency, answer_if_stored
from eventkit.migrations import Migration
from eventkit.paging import PageParams, page_of
from eventkit.store import EventStore, StoredEvent
from vc_contracts.catalogue.enums import ENTRY_KIND_LABELS, EntryKind
from vc_contracts.catalogue.ledger import TypicalCaseApproved, TypicalCaseProposed, TypicalCaseReturned

from ledger.application import access
from ledger.application.directory_view import names
from ledger.application.queries import entry_or_404
from ledger.domain import typical_cases as cases
from ledger.domain.typical_cases import STATUS_LABELS, Status

TYPICAL_CASE_TABLES: list[Migration] = [
    (
        "ledger_typical_cases_0001",
        """
        CREATE TABLE {schema}.typical_cases (
            case_id      text PRIMARY KEY,
            entry_id     text NOT NULL UNIQUE,
            kind         text NOT NULL,
            village_code text NOT NULL,
            county       text NOT NULL,
            advisor_id   text NOT NULL,
            unit_id      text NOT NULL,
            year         integer NOT NULL,
            title        text NOT NULL,
            text         text NOT NULL,
            status       text NOT NULL,
            reason       text,
            submissions  integer NOT NULL DEFAULT 1,
            proposed_by  text NOT NULL,
            proposed_at  timestamptz NOT NULL,
            decided_by   text,
            decided_at   timestamptz
        );
        CREATE INDEX typical_cases_county ON {schema}.typical_cases (county, status, proposed_at);
        """,
    )
]


async def record(conn: Connection, schema: str, stored: list[StoredEvent]) -> None:
    """Inside the append's transaction: the `typical_cases` row of each event."""
    t = f"{schema}.typical_cases"
    for item in stored:
        event, at = item.event, item.envelope.recorded_at
        match event:
            case TypicalCaseProposed():
                entry = await conn.fetchrow(
                    f"SELECT advisor_id, unit_id FROM {schema}.entries WHERE entry_id = $1", event.entry_id
                )
                advisor, unit = (entry["advisor_id"], entry["unit_id"]) if entry else ("", "")
                await conn.execute(
                    f"INSERT INTO {t} (case_id, entry_id, kind, village_code, county, advisor_id, unit_id,"
                    " year, title, text, status, proposed_by, proposed_at)"
                    " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,'proposed',$11,$12)"
                    " ON CONFLICT (case_id) DO UPDATE SET title = excluded.title, text = excluded.text,"
                    " status = 'proposed', submissions = typical_cases.submissions + 1,"
                    " proposed_by = excluded.proposed_by, proposed_at = excluded.proposed_at",
                    event.case_id, event.entry_id, event.entry_kind.value, event.village_code,
                    event.county_code, advisor, unit, event.year, event.title, event.text,
                    event.proposed_by, at,
                )  # fmt: skip
            case TypicalCaseApproved():
                await conn.execute(
                    f"UPDATE {t} SET status = 'approved', reason = NULL, decided_by = $2, decided_at = $3"
                    " WHERE case_id = $1",
                    event.case_id, event.approved_by, at,
                )  # fmt: skip
            case TypicalCaseReturned():
                await conn.execute(
                    f"UPDATE {t} SET status = 'returned', reason = $2, decided_by = $3, decided_at = $4"
                    " WHERE case_id = $1",
                    event.case_id, event.reason, event.returned_by, at,
                )  # fmt: skip


COLUMNS = (
    "case_id, entry_id, kind, village_code, county, advisor_id, unit_id, year, title, text, status, reason,"
    " submissions, proposed_by, proposed_at, decided_by, decided_at"
)


class TypicalCaseCommands:
    def __init__(self, store: EventStore, pool: asyncpg.Pool) -> None:
        self.store, self.pool, self.schema = store, pool, store.schema
        self.commands = CommandRunner(store, after_append=self._record)

    async def _record(self, conn: Connection, stored: list[StoredEvent]) -> None:
        await record(conn, self.schema, stored)

    async def _run(
        self, who: Principal, entry_id: str, village: str, command: cases.Command, idem: Idempotency
    ) -> dict[str, Any]:
        case_id = cases.case_id_for(entry_id)

        async def respond(_: Connection, outcome: Outcome) -> dict[str, Any]:
            return {"case_id": case_id, "entry_id": entry_id, **outcome.summary()}

        outcome = await self.commands.run(
            cases.typical_cases, cases.stream_id(entry_id), command,
            actor=who.subject, tenant=village, idempotency=idem, respond=respond,
        )  # fmt: skip
        return outcome.answer

    async def propose(
        self, who: Principal, entry_id: str, title: str, text: str, idem: Idempotency
    ) -> dict[str, Any]:
        """201 `{case_id, entry_id, stream_id, version, events}`: the advisor who logged the entry or
        the advisor's unit (else 403); 404 unknown entry; 422 a kind that is not a mediation,
        consultation or lecture, a voided entry, a party's name or a phone/ID number in the write-up
        (naming `title` or `text`); 409 already pending or approved."""
        await answer_if_stored(self.pool, idem)
        entry = await entry_or_404(self.pool, self.schema, entry_id)
        if not (who.role is Role.advisor or who.role in UNITS):
            raise ForbiddenError("只有登记该记录的法律顾问或其所在单位可以推荐典型案例", field="entry_id")
        access.require_changer(who, entry)
        facts = cases.EntryFacts(
            entry_id, EntryKind(entry["kind"]), entry["village_code"], entry["year"], entry["voided"],
            cases.resident_names(entry["data"]),
        )  # fmt: skip
        command = cases.ProposeCase(cases.case_id_for(entry_id), facts, title, text, who.subject)
        return await self._run(who, entry_id, entry["village_code"], command, idem)

    async def decide(
        self, who: Principal, case_id: str, reason: str | None, idem: Idempotency
    ) -> dict[str, Any]:
        """Approve (`reason` None) or return a pending case: the county administrator of its county
        only (403 otherwise); 404 unknown case; 409 not pending."""
        await answer_if_stored(self.pool, idem)
        who.require_role(Role.county_admin)
        row = await self.pool.fetchrow(
            f"SELECT entry_id, village_code FROM {self.schema}.typical_cases WHERE case_id = $1", case_id
        )
        if row is None:
            raise NotFoundError(f"典型案例 {case_id} 不存在", field="case_id")
        who.require_division(row["village_code"], "case_id")
        command: cases.Command = (
            cases.ApproveCase(who.subject) if reason is None else cases.ReturnCase(reason, who.subject)
        )
        return await self._run(who, row["entry_id"], row["village_code"], command, idem)


async def list_cases(
    pool: asyncpg.Pool,
    schema: str,
    who: Principal,
    status: Status | None,
    year: int | None,
    paging: PageParams,
) -> dict[str, Any]:
    """Cases newest proposal first, within what the caller may read: an advisor its own, a unit its
    advisors', administrators and committees everything inside their scope. Each item carries
    `status_label`, `kind_label`, and the names of the village, advisor and unit."""
    if who.role not in ADMINS and who.role is not Role.advisor and who.role not in UNITS:
        raise ForbiddenError("无权查看典型案例")
    args: list[Any] = []
    where = [access.read_filter(who, args)]
    for column, value in (("status", status.value if status else None), ("year", year)):
        if value is not None:
            args.append(value)
            where.append(f"{column} = ${len(args)}")
    clause = " AND ".join(where)
    total = await pool.fetchval(f"SELECT count(*) FROM {schema}.typical_cases WHERE {clause}", *args)
    rows = [
        dict(r)
        for r in await pool.fetch(
            f"SELECT {COLUMNS} FROM {schema}.typical_cases WHERE {clause}"
            f" ORDER BY proposed_at DESC, case_id LIMIT {paging.page_size} OFFSET {paging.offset}",
            *args,
        )
    ]
    keys = [f"division:{r['village_code']}" for r in rows] + [f"advisor:{r['advisor_id']}" for r in rows]
    known = await names(pool, schema, keys + [f"unit:{r['unit_id']}" for r in rows])
    for row in rows:
        row["status_label"] = STATUS_LABELS.get(Status(row["status"]), row["status"])
        row["kind_label"] = ENTRY_KIND_LABELS[EntryKind(row["kind"])]
        row["village_name"] = known.get(f"division:{row['village_code']}")
        row["advisor_name"] = known.get(f"advisor:{row['advisor_id']}")
        row["unit_name"] = known.get(f"unit:{row['unit_id']}")
    return page_of(rows, int(total), paging)


async def case_of_entry(pool: asyncpg.Pool, schema: str, who: Principal, entry_id: str) -> dict[str, Any]:
    """The case of an entry the caller may read (`{case: null}` when none was proposed)."""
    access.require_read(who, await entry_or_404(pool, schema, entry_id))
    row = await pool.fetchrow(f"SELECT {COLUMNS} FROM {schema}.typical_cases WHERE entry_id = $1", entry_id)
    if row is None:
        return {"entry_id": entry_id, "case": None}
    case = dict(row)
    case["status_label"] = STATUS_LABELS.get(Status(case["status"]), case["status"])
    return {"entry_id": entry_id, "case": case}
