"""Reading a large plain CSV in two halves at once: the first in a thread here, the second in the
service's worker process (`eventkit.workers`), which is idle until the first chunk is decided.

Until its rows are read, parsed and given their entry ids, an import is one core's work: the
facts need every row, and nothing is decided before them. Issue 12's timeline of a 50,000-row
first import: its first 1.1-1.6 s were the service's process alone, 0.66 s of them reading and
parsing the file. A file cut at a line end (`sheet_sources.csv_halves`) reads as two files.

Only a clean file is read this way: when either half has any problem (a cell, a row, a bound), the
whole file is read again the usual way, so every answer, row number and message is the whole
file's. The halves' rows are the rows of the file: the same cells, parsed by the same function.
"""

from __future__ import annotations

import asyncio
import copyreg
import io
import pickle
from dataclasses import replace
from datetime import timezone
from typing import Any, cast

from eventkit.import_errors import ImportRejectedError
from eventkit.imports import ImportProgress, gc_paused
from eventkit.sheet_sources import csv_halves
from eventkit.spreadsheets import MAX_BYTES, Sheet
from eventkit.workers import CpuWorkers
from vc_contracts import CST

from ledger.application.commands import entry_id_for
from ledger.application.import_columns import read_upload
from ledger.application.import_rows import ParsedRow, parse_row

SHARE = 0.58
"""The service's part of the file: it also loads the worker's rows (~1.3 µs a row), and the worker,
niced below it (`eventkit.workers`), read and pickled its half 1.3-1.5 times slower than the service
read the same rows in issue 12's runs."""

Read = tuple[Sheet, list[ParsedRow], list[str]]  # the sheet, its rows parsed, their entry ids
Sent = tuple[int, list[tuple[Any, ...]], list[str]]  # the worker's: rows counted, parsed, their ids


async def read_in_halves(
    content: bytes, progress: ImportProgress, workers: CpuWorkers
) -> tuple[Sheet, list[ParsedRow], dict[int, str]] | None:
    """The file's sheet (the first half's, counting every row), its rows parsed and their entry ids
    by row number, when it is a large plain CSV (`csv_halves`) without a problem; else None (read
    it whole: `read_upload`, `importing.parse_all`)."""
    # decoding a file of up to 32 MiB: off the event loop, which keeps answering other requests
    halves = await asyncio.to_thread(csv_halves, content, MAX_BYTES, SHARE)
    if halves is None:
        return None
    later = asyncio.ensure_future(workers.run(second_half, halves.second, halves.second_from))
    try:
        first = await asyncio.to_thread(clean_rows, halves.first, 2)
    finally:
        sent = await later  # a worker call cannot be taken back: its answer is awaited, then dropped
    if first is None or sent is None:
        return None
    count, rows, later_ids = cast(Sent, pickle.loads(sent))  # our own worker's bytes
    sheet, parsed, ids = first
    sheet = replace(sheet, count=sheet.count + count)
    progress.step("parsed", len(parsed) + len(rows))
    parsed += map(ParsedRow._make, rows)
    return sheet, parsed, dict(zip((r.line for r in parsed), ids + later_ids, strict=True))


def clean_rows(content: bytes, first_line: int) -> Read | None:
    """A half's sheet, rows and entry ids; None when it has any problem, or is refused."""
    with gc_paused():  # tens of thousands of objects that live on: see `importing.import_file`
        try:
            sheet = read_upload(content, first_line)
        except ImportRejectedError:
            return None
        if sheet.problems or sheet.partial:
            return None
        parsed: list[ParsedRow] = []
        for line, values in sheet.rows:
            row, found = parse_row(line, values)
            if row is None or found:
                return None
            parsed.append(row)
        ids = [entry_id_for(row.advisor_id, row.client_entry_id) for row in parsed]
        return replace(sheet, rows=[]), parsed, ids


def second_half(content: bytes, first_line: int) -> bytes | None:
    """`clean_rows` in the worker process: the count, the rows as plain tuples and their entry ids,
    pickled keeping `CST` itself (`_dumps`). A `ParsedRow` pickles through a Python call per row
    each way (its `__getnewargs__`, then its `__new__`): 25,000 of them took ~0.08 s to load in the
    service with the collector paused, against ~0.02 s for plain tuples (and `_make`, ~0.01 s)."""
    read = clean_rows(content, first_line)
    if read is None:
        return None
    sheet, parsed, ids = read
    return _dumps((sheet.count, [tuple(row) for row in parsed], ids))


def _cst() -> timezone:
    return CST


def _timezone(zone: timezone) -> Any:
    return (_cst, ()) if zone is CST else zone.__reduce__()


_KEEP_CST = copyreg.dispatch_table.copy()
_KEEP_CST[timezone] = _timezone


def _dumps(value: Any) -> bytes:
    """`pickle.dumps` but `CST` loads as `CST` itself, not as an equal copy: the import's fast paths
    ask `tzinfo is CST` (a copy would take the slow ones, the same answer later)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _KEEP_CST
    pickler.dump(value)
    return buffer.getvalue()
