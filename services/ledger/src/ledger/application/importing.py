"""Backfill import: a unit uploads past entries; nothing is committed unless every row is good.

1. Read the sheet and parse every row (unreadable cells named by row and column).
2. Decide every row with the same pure rules as the API, facts read in bulk: assignments of the
   villages, the advisors' on-site time already in the ledger plus the other rows of the file.
3. Write every new entry in ONE transaction (import_writes: multi-stream INSERTs of CHUNK rows,
   with the inline read model and the volume chains), slice by slice while the next slice is
   decided: PostgreSQL works on slice k while Python checks slice k+1.
4. Any problem: no further slice is written, every remaining row is still checked, the
   transaction rolls back, and all problems are answered at once (row, column, reason). A crash
   or a refusal at any point commits nothing, and the relay publishes nothing of it. A row whose
   client entry id is already in the ledger with the same content is left alone, so importing
   the same file again changes nothing.

Reading, parsing and deciding are CPU-bound (seconds for a large file): they run in a worker thread
so the service keeps answering other requests; the writes are awaited slice by slice. The ordering
lock is held from the first slice's insert to the commit (as before, the write of a whole file)."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from eventkit.auth import Principal, Role
from eventkit.clock import now_cst
from eventkit.command_runner import request_metadata
from eventkit.import_errors import Problems
from eventkit.imports import ImportProgress
from eventkit.spreadsheets import Sheet
from eventkit.store import EventStore
from vc_contracts.catalogue.ledger import LedgerEntryEvent

from ledger.application.access import unit_of
from ledger.application.commands import entry_id_for
from ledger.application.import_checks import FileFacts, decide_row, load_facts
from ledger.application.import_columns import read_upload
from ledger.application.import_rows import ParsedRow, parse_row
from ledger.application.import_writes import CHUNK, Slices, write_entries
from ledger.domain.kinds import FIELD_LABEL

UNITS = (Role.law_firm, Role.justice_office, Role.legal_aid_center)


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    unchanged: int = 0

    def as_json(self) -> dict[str, int]:
        return {"rows": self.rows, "imported": self.imported, "unchanged": self.unchanged}


def parse_all(sheet: Sheet, problems: Problems, progress: ImportProgress) -> list[ParsedRow]:
    parsed: list[ParsedRow] = []
    for line, values in progress.counted("parsed", sheet.rows):
        row, found = parse_row(line, values)
        for field, reason in found:
            problems.add(line, field, reason)
        if row is not None:
            parsed.append(row)
    return parsed


class Checker:
    """`decide_row` over the file's rows slice by slice, remembering the client ids seen (a repeated
    one is the later row's problem) and the rows already in the ledger as they are."""

    def __init__(self, ids: dict[int, str], who: Principal, facts: FileFacts, problems: Problems) -> None:
        self.ids, self.who, self.facts, self.problems = ids, who, facts, problems
        self.unit, self.now = unit_of(who), now_cst()
        self.seen: dict[str, int] = {}
        self.unchanged = 0

    def decide(self, parsed: list[ParsedRow], progress: ImportProgress) -> list[LedgerEntryEvent]:
        """The events of `parsed` to write (problems go to `problems`)."""
        new: list[LedgerEntryEvent] = []
        facts, problems, seen = self.facts, self.problems, self.seen
        for row in progress.counted("checked", parsed):
            entry_id = self.ids[row.line]
            if entry_id in seen:
                problems.add(row.line, "client_entry_id", f"与第 {seen[entry_id]} 行的客户端编号重复")
                continue
            seen[entry_id] = row.line
            event = decide_row(row, entry_id, self.who, self.unit, facts, self.now, problems)
            if event is None:
                continue
            if entry_id in facts.existing:
                if facts.existing[entry_id] != event.model_dump(mode="json"):
                    problems.add(row.line, "client_entry_id", "该客户端编号已用于内容不同的记录")
                else:
                    self.unchanged += 1
                continue
            new.append(event)
        return new


async def import_file(
    store: EventStore, who: Principal, content: bytes, progress: ImportProgress
) -> ImportReport:
    """Raises ImportRejectedError (422, every problem by row and column) having written nothing."""
    who.require_role(*UNITS)
    unit_of(who)
    sheet = await asyncio.to_thread(read_upload, content)
    problems = sheet.problems
    problems.labels |= FIELD_LABEL
    progress.rows = sheet.count
    parsed = await asyncio.to_thread(parse_all, sheet, problems, progress)
    ids = {row.line: entry_id_for(row.advisor_id, row.client_entry_id) for row in parsed}
    facts = await load_facts(store.pool, store.schema, parsed, ids)
    checker = Checker(ids, who, facts, problems)
    # Slice k+1 is checked (in a worker thread) while PostgreSQL writes slice k, all in the one
    # transaction of `write_entries`: the first problem stops the writes, the remaining rows are
    # still checked (every problem is answered at once), and the transaction is rolled back.
    slices = Slices()
    writing = asyncio.create_task(
        write_entries(store, slices, request_metadata(who.subject), progress, checked_at=facts.seen)
    )  # the upload's correlation id, for the whole file
    try:
        for first in range(0, len(parsed), CHUNK):
            new = await asyncio.to_thread(checker.decide, parsed[first : first + CHUNK], progress)
            if problems or writing.done():  # a refusal of the writer is raised below
                continue
            slices.put(new)
        slices.end(aborted=bool(problems))
        if problems:
            with contextlib.suppress(Exception):  # Aborted, or the write's own refusal: the rows' first
                await writing
            problems.raise_if_any()
        await writing
    finally:
        if not writing.done():  # cancelled or failed while checking: roll back, never leave it running
            slices.end(aborted=True)
            with contextlib.suppress(Exception):
                await writing
    return ImportReport(sheet.count, slices.taken, checker.unchanged)
