"""Backfill import: a unit uploads past entries; every row is checked before anything is written.

1. Parse every row (unreadable cells named by row and column).
2. Decide every row with the same pure rules as the API, facts read in bulk: assignments of the
   villages, the advisors' on-site time already in the ledger plus the other rows of the file.
3. Any error: answer all of them at once (row, column, reason) and write nothing.
4. Else write the new entries in chunks of CHUNK (one multi-stream INSERT each, with the inline
   read model and the volume chains in the same transaction). A row whose client entry id is
   already in the ledger with the same content is left alone, so re-importing changes nothing;
   an interrupted import is finished by uploading the same file again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eventkit.auth import Principal, Role
from eventkit.clock import now_cst
from eventkit.store import EventStore, Metadata, NewStream
from vc_contracts import Tenant
from vc_contracts.catalogue.ledger import LedgerEntryEvent

from ledger.application.access import unit_of
from ledger.application.commands import entry_id_for, record
from ledger.application.import_checks import RowError, decide_row, load_facts
from ledger.application.import_rows import ParsedRow, parse_row
from ledger.domain.entries import stream_id

CHUNK = 1000
UNITS = (Role.law_firm, Role.justice_office, Role.legal_aid_center)


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


def parse_all(table: list[tuple[int, dict[str, Any]]], report: ImportReport) -> list[ParsedRow]:
    parsed: list[ParsedRow] = []
    for line, values in table:
        row, problems = parse_row(line, values)
        report.errors += [RowError(line, f, reason) for f, reason in problems]
        if row is not None:
            parsed.append(row)
    return parsed


async def import_rows(
    store: EventStore, who: Principal, table: list[tuple[int, dict[str, Any]]]
) -> ImportReport:
    who.require_role(*UNITS)
    unit = unit_of(who)
    report = ImportReport(rows=len(table))
    parsed = parse_all(table, report)
    ids = {row.line: entry_id_for(row.advisor_id, row.client_entry_id) for row in parsed}
    facts = await load_facts(store.pool, store.schema, parsed, ids)
    new: list[LedgerEntryEvent] = []
    seen: dict[str, int] = {}
    now = now_cst()
    for row in parsed:
        entry_id = ids[row.line]
        if entry_id in seen:
            report.errors.append(
                RowError(row.line, "client_entry_id", f"与第 {seen[entry_id]} 行的客户端编号重复")
            )
            continue
        seen[entry_id] = row.line
        event = decide_row(row, entry_id, who, unit, facts, now, report.errors)
        if event is None:
            continue
        if entry_id in facts.existing:
            if facts.existing[entry_id] != event.model_dump(mode="json"):
                report.errors.append(
                    RowError(row.line, "client_entry_id", "该客户端编号已用于内容不同的记录")
                )
            else:
                report.unchanged += 1
            continue
        new.append(event)
    if report.errors:
        return report
    for first in range(0, len(new), CHUNK):
        await _write(store, who, new[first : first + CHUNK])
    report.imported = len(new)
    return report


async def _write(store: EventStore, who: Principal, events: list[LedgerEntryEvent]) -> None:
    tenants = {code: Tenant.of(code) for code in {e.village_code for e in events}}
    batch = [NewStream(stream_id(e.entry_id), [e], tenants[e.village_code], e.occurred_at) for e in events]
    async with store.pool.acquire() as conn, conn.transaction():
        stored = await store.append_many(batch, metadata=Metadata(who.subject), conn=conn)  # type: ignore[arg-type]
        await record(conn, store.schema, stored)  # type: ignore[arg-type]
