"""Backfill import: a unit uploads past entries; every row is checked, and nothing is committed
unless every row passes.

1. Read the sheet and parse every row (unreadable cells named by row and column).
2. Decide every row with the same pure rules as the API, facts read in bulk: assignments of the
   villages, the advisors' on-site time already in the ledger plus the other rows of the file.
   Rows are decided a chunk at a time (`import_writes.chunk_spans`), each chunk's new events
   handed to the writer as it is done.
3. Meanwhile the writer writes every new entry in ONE transaction (import_writes: multi-stream
   INSERTs of each chunk, with the inline read model and the volume chains), starting with the first
   chunk decided: the database works while the next rows are decided. A crash or a refusal at any
   point writes nothing, and the relay publishes nothing of it.
4. Any problem anywhere: the writer stops, every row is still decided, and all problems are
   answered at once (row, column, reason) while the transaction rolls back: nothing is written.
   A row whose client entry id is already in the ledger with the same content is left alone, so
   importing the same file again changes nothing (and takes no lock: no chunk has a new entry).
   A row repeating an earlier row of the file exactly is that entry, counted unchanged (never
   handed to the writer twice); the same client id with other content is refused.
   A row whose client entry id the advisor's answer to a resident's question holds (an entry whose
   id is the question's, not the hash of advisor and client id) is refused by that column.

Reading, parsing and deciding are CPU-bound (seconds for a large file): they run in a worker thread
so the service keeps answering other requests; the writes are awaited chunk by chunk.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from eventkit.auth import Principal, Role
from eventkit.clock import now_cst
from eventkit.command_runner import request_metadata
from eventkit.db import Connection
from eventkit.idempotency import Idempotency, claim, remember
from eventkit.import_errors import ImportRejectedError, Problems
from eventkit.imports import ImportProgress, freed_aside
from eventkit.spreadsheets import Sheet
from eventkit.store import EventStore
from eventkit.workers import THREADS, CpuWorkers
from vc_contracts import CST
from vc_contracts.catalogue.ledger import LedgerEntryEvent

from ledger.application.access import unit_of
from ledger.application.commands import entry_id_for
from ledger.application.import_checks import (
    FileFacts,
    Prepared,
    build_events,
    check_loose_row,
    load_facts,
    prepare_row,
)
from ledger.application.import_columns import read_upload
from ledger.application.import_halves import read_in_halves
from ledger.application.import_rows import ParsedRow, parse_row, when
from ledger.application.import_writes import chunk_spans, write_entries
from ledger.domain.chain import volumes_of
from ledger.domain.entry_fields import dump_many
from ledger.domain.kinds import FIELD_LABEL, Kind

UNITS = (Role.law_firm, Role.justice_office, Role.legal_aid_center)


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    unchanged: int = 0
    named: dict[str, str] | None = None  # the XLSX sheet read (`Sheet.named`)

    def as_json(self) -> dict[str, int | str]:
        return {
            "rows": self.rows,
            "imported": self.imported,
            "unchanged": self.unchanged,
            **(self.named or {}),
        }


Loose = list[tuple[int, str | None, str | None, datetime | None]]


def parse_all(sheet: Sheet, problems: Problems, progress: ImportProgress) -> tuple[list[ParsedRow], Loose]:
    """The rows that parse, and (row, advisor, village, start) of those that do not: their readable
    cells are still checked against the facts (`check_loose_row`), so that a row's problems all
    come in one answer, not one upload per problem."""
    parsed: list[ParsedRow] = []
    loose: Loose = []

    def unparsed(line: int, values: dict[str, str], found: list[tuple[str, str]]) -> None:
        wrong = {field for field, _ in found}
        advisor, village = values.get("advisor_id"), values.get("village_code")
        if "village_code" in wrong:
            village = None
        if not (advisor or village):
            return
        start = None
        source = values["started_at"] if "started_at" in values else values.get("occurred_at")
        if source is not None and "started_at" not in wrong:
            start = when(source)  # read by parse_row already, without a problem
        loose.append((line, advisor, village, start))

    for line, values in progress.counted("parsed", sheet.rows):
        row, found = parse_row(line, values)
        for field, reason in found:
            problems.add(line, field, reason)
        if row is not None:
            parsed.append(row)
        else:
            unparsed(line, values, found)
    for line, values in sheet.partial:  # a cell refused while read: the row's other problems too
        found = parse_row(line, values)[1]
        for field, reason in found:
            problems.add(line, field, reason)
        unparsed(line, values, found)
    return parsed, loose


def check_loose(loose: Loose, who: Principal, facts: FileFacts, problems: Problems) -> None:
    unit = unit_of(who)
    for line, advisor, village, start in loose:
        check_loose_row(line, advisor, village, start, who, unit, facts, problems)


Handover = Callable[[list[LedgerEntryEvent]], None]


def decide_all(
    parsed: list[ParsedRow],
    ids: dict[int, str],
    who: Principal,
    facts: FileFacts,
    problems: Problems,
    progress: ImportProgress,
    handover: Handover | None = None,
) -> tuple[list[LedgerEntryEvent], int]:
    """The events to write and the number of rows already in the ledger as they are.

    Each row is decided as the API decides one entry; the events are built many at once
    (`build_events`), a chunk of rows at a time (`chunk_spans`), and each chunk's new events are
    given to `handover` as soon as they are (the writer starts on them while the next chunk is
    decided). A row's problems come from one step only, and problems are answered in row order, so
    the answer is the same as deciding the rows one after another."""
    unit, now = unit_of(who), now_cst()
    seen: dict[str, ParsedRow] = {}
    new: list[LedgerEntryEvent] = []
    unchanged = 0
    for span in chunk_spans(len(parsed)):
        prepared: list[Prepared] = []
        for row in progress.counted("checked", parsed[span.start : span.stop]):
            entry_id = ids[row.line]
            if (first := seen.get(entry_id)) is not None:
                if first[1:] == row[1:]:  # repeated exactly (all but the line): one entry, unchanged
                    unchanged += 1
                    continue
                again = f"与本文件第 {first.line} 行的客户端编号重复（同一顾问）"
                problems.add(row.line, "client_entry_id", again)
                continue
            seen[entry_id] = row
            if (taken := facts.taken.get(entry_id)) is not None:
                problems.add(row.line, "client_entry_id", taken)
                continue
            ready = prepare_row(row, entry_id, who, unit, facts, now, problems)
            if ready is not None:
                prepared.append(ready)
        chunk: list[LedgerEntryEvent] = []
        events = build_events(prepared, problems)
        logged = _logged_as(prepared, events, facts.existing)
        for p, event in zip(prepared, events, strict=True):
            if event is None:
                continue
            entry_id = p.command.entry_id
            if entry_id in facts.existing:
                corrected = facts.corrected.get(entry_id)
                if logged[entry_id] in (facts.existing[entry_id], corrected):  # as first logged or corrected
                    unchanged += 1
                elif corrected is not None:
                    problems.add(p.row.line, "client_entry_id", _CORRECTED)
                else:
                    problems.add(p.row.line, "client_entry_id", "该客户端编号已用于内容不同的记录")
                continue
            chunk.append(event)
        new += chunk
        if handover is not None and chunk:
            handover(chunk)
    return new, unchanged


_CORRECTED = (
    "该客户端编号已用于内容不同的记录：该记录导入后已更正（更正记录可在台账中查看），"
    "请按更正后的内容填写此行，或删去此行"
)


def _logged_as(
    prepared: list[Prepared], events: list[LedgerEntryEvent | None], existing: dict[str, Any]
) -> dict[str, Any]:
    """By entry id, the JSON form of each built event whose entry is already in the ledger (what
    it is compared with), dumped a kind at a time (`entry_fields.dump_many`)."""
    by_kind: dict[Kind, list[tuple[str, LedgerEntryEvent]]] = defaultdict(list)
    for p, event in zip(prepared, events, strict=True):
        if event is not None and p.command.entry_id in existing:
            by_kind[p.row.kind].append((p.command.entry_id, event))
    logged: dict[str, Any] = {}
    for kind, pairs in by_kind.items():
        dumped = dump_many(kind, [event for _, event in pairs])
        logged.update(zip((entry_id for entry_id, _ in pairs), dumped, strict=True))
    return logged


def reach_of(parsed: list[ParsedRow], who: Principal) -> set[str]:
    """The volumes the file's entries may link into: each row's village's and the uploading unit's
    of the year (CST) the row starts in (an entry's volumes, `chain.volumes_of`)."""
    unit = unit_of(who)
    years = {(row.village_code, row.start.astimezone(CST).year) for row in parsed}
    return {volume for village, year in years for volume in volumes_of(village, unit, year)}


async def read_rows(
    content: bytes, progress: ImportProgress, workers: CpuWorkers
) -> tuple[Sheet, list[ParsedRow], Loose, dict[int, str]]:
    """The sheet, its rows that parse, those that do not (`parse_all`) and the entry ids of the
    rows by row number. A large plain CSV without a problem is read in two halves at once
    (`import_halves`); any other file, or one whose halves have a problem, is read whole."""
    halves = await read_in_halves(content, progress, workers)
    if halves is not None:
        sheet, parsed, ids = halves
        sheet.problems.labels |= FIELD_LABEL
        progress.rows = sheet.count
        return sheet, parsed, [], ids
    sheet = await asyncio.to_thread(read_upload, content)
    sheet.problems.labels |= FIELD_LABEL
    progress.rows = sheet.count
    parsed, loose = await asyncio.to_thread(parse_all, sheet, sheet.problems, progress)
    ids = {row.line: entry_id_for(row.advisor_id, row.client_entry_id) for row in parsed}
    return sheet, parsed, loose, ids


async def import_file(
    store: EventStore,
    who: Principal,
    content: bytes,
    progress: ImportProgress,
    workers: CpuWorkers = THREADS,
    idem: Idempotency | None = None,
) -> ImportReport:
    """`workers`: where the write's per-row hashing runs (`write_entries`). `idem`: the upload's
    idempotency key, claimed and answered in the transaction of the entries (`_KeyAnswer`).
    Raises ImportRejectedError (422, every problem by row and column) having written nothing."""
    # Tens of thousands of live objects: see `gc_paused`. The collector comes back on only once
    # refcounting has freed the file's rows and events (after the answer, `freed_aside`): turned
    # on while they lived, its first young collection walked them all (~0.1 s of a 50,000-row
    # import, issue 12's profile), to free nothing.
    with freed_aside() as kept:
        return await _import_file(store, who, content, progress, workers, kept, idem)


@dataclass
class _KeyAnswer:
    """An upload's idempotency key (None: none sent) and its answer, the report once every row is
    decided (201 when entries were written, else 200). In the entries' transaction the key is claimed
    first (`claim`: a twin upload under the key waits for this one, then has its answer replayed) and
    answered last (`within`), so the answer commits with the entries or not at all; when nothing
    was new, and so nothing written, both alone (`unless_given`)."""

    idem: Idempotency | None
    report: Callable[[], ImportReport]
    given: bool = False

    async def claim(self, conn: Connection) -> None:
        await claim(conn, self.idem)

    async def within(self, conn: Connection) -> None:
        self.given = True
        if self.idem is not None:
            report = self.report()
            await remember(conn, replace(self.idem, status=201 if report.imported else 200), report.as_json())

    async def unless_given(self, store: EventStore) -> None:
        if self.idem is not None and not self.given:
            async with store.pool.acquire() as conn, conn.transaction():
                await self.claim(conn)
                await self.within(conn)


async def _import_file(
    store: EventStore, who: Principal, content: bytes, progress: ImportProgress, workers: CpuWorkers,
    kept: list[Any], idem: Idempotency | None = None,
) -> ImportReport:  # fmt: skip
    who.require_role(*UNITS)
    unit_of(who)
    sheet, parsed, loose, ids = await read_rows(content, progress, workers)
    problems = sheet.problems
    facts = await load_facts(store.pool, store.schema, parsed, ids, loose)
    check_loose(loose, who, facts, problems)
    loop = asyncio.get_running_loop()
    decided: asyncio.Queue[list[LedgerEntryEvent] | None] = asyncio.Queue()

    def handover(chunk: list[LedgerEntryEvent]) -> None:  # in the worker thread
        loop.call_soon_threadsafe(decided.put_nowait, chunk)

    async def decide() -> tuple[list[LedgerEntryEvent], int]:
        try:
            return await asyncio.to_thread(decide_all, parsed, ids, who, facts, problems, progress, handover)
        finally:  # the end, behind every chunk handed over (the loop runs its callbacks in turn)
            loop.call_soon_threadsafe(decided.put_nowait, None)

    deciding = asyncio.create_task(decide())

    async def chunks() -> AsyncIterator[list[LedgerEntryEvent]]:
        """The chunks decided while no problem is known; at the end (inside the transaction:
        raising rolls it back) every row decided and every problem raised."""
        given = 0
        while (chunk := await decided.get()) is not None:
            if problems:  # the file is refused: nothing more worth writing
                break
            given += len(chunk)
            yield chunk
        new, _ = await deciding
        problems.raise_if_any()
        if given != len(new):  # never: a chunk lost on its way would be a silent gap in the ledger
            raise RuntimeError(f"{given} of {len(new)} new entries were handed to the write")

    key = _KeyAnswer(
        idem,
        lambda: ImportReport(sheet.count, len(deciding.result()[0]), deciding.result()[1], sheet.named()),
    )

    try:
        metadata = request_metadata(who.subject)  # the upload's correlation id, for the whole file
        await write_entries(
            store,
            chunks(),
            metadata,
            progress,
            checked_at=facts.seen,
            workers=workers,
            reach=reach_of(parsed, who),
            first_step=key.claim,
            last_step=key.within,
        )
    except ImportRejectedError:
        raise
    except Exception:
        # A refusal of the write (an overlap found again under the lock, a stream taken meanwhile)
        # while rows are still being decided: the file's own problems, when it has any, are the
        # answer, all of them, as when nothing was written before every row was decided.
        if not deciding.done():
            await asyncio.wait([deciding])
        if problems and not deciding.exception():
            problems.raise_if_any()
        raise
    new, unchanged = deciding.result()
    report = ImportReport(sheet.count, len(new), unchanged, sheet.named())
    await key.unless_given(store)
    # freed after the answer, the large lists and dicts a slice at a time (`freed_aside`), the
    # events first (also held by `deciding`'s result)
    kept += (sheet, sheet.rows, facts, facts.starts, facts.busy, ids, loose, parsed, deciding, new)
    return report
