"""A large backfill CSV read in two halves at once (`import_halves`) gives what reading it whole
gives (`importing.read_rows`): the rows parsed, their numbers and entry ids, the count; its times
in `CST` itself after the trip through the worker process; and a file with a problem anywhere is
answered as the whole file's reader answers it."""

from __future__ import annotations

from datetime import datetime
from unittest import mock

import pytest
from eventkit import sheet_sources, spreadsheets
from eventkit.import_errors import ImportRejectedError
from eventkit.imports import ImportProgress
from eventkit.spreadsheets import MAX_BYTES
from eventkit.workers import THREADS, CpuWorkers
from ledger.application import import_halves, importing
from ledger.application.importing import read_rows
from vc_contracts import CST

HEADINGS = "类型,顾问编号,村（社区）代码,开始时间,结束时间,地点,内容摘要,主题,参加人数,客户端编号"


def backfill_csv(rows: int) -> bytes:
    """A paper ledger's backfill: visits, and every fifth row a lecture (as bench.ledger writes)."""
    lines = [HEADINGS]
    for i in range(rows):
        day = f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}"
        if i % 5 == 3:
            lines.append(
                f"法治讲座,A-{i % 50},6210251002{i % 40:02d},{day} 14:00,,,,民法典,{30 + i % 50},paper-{i}"
            )
        else:
            where = f"A-{i % 50},6210251002{i % 40:02d}"
            lines.append(f"驻点服务,{where},{day} 09:00,{day} 12:00,村委会,坐班接待,,,paper-{i}")
    return ("\n".join(lines) + "\n").encode()


def _progress() -> ImportProgress:
    return ImportProgress("halves", "ledger", "test", datetime.now(CST))


async def _whole(content: bytes) -> tuple[object, ...]:
    with mock.patch.object(sheet_sources, "SPLIT_AT_LEAST", 10**12):
        assert sheet_sources.csv_halves(content, MAX_BYTES) is None
        return await read_rows(content, _progress(), THREADS)


@pytest.fixture(scope="module")
def worker() -> object:
    pool = CpuWorkers(["ledger.application.import_halves"])
    pool.start()
    yield pool
    pool.stop()


async def test_a_large_csv_read_in_halves_in_the_worker_process_reads_as_the_whole_file(
    worker: CpuWorkers,
) -> None:
    content = backfill_csv(12_000)
    halves = sheet_sources.csv_halves(content, MAX_BYTES)
    assert halves is not None and 5_000 < halves.second_from < 7_000
    progress = _progress()
    with mock.patch.object(importing, "read_upload", side_effect=AssertionError("read whole")):
        sheet, parsed, loose, ids = await read_rows(content, progress, worker)
    whole_sheet, whole_parsed, whole_loose, whole_ids = await _whole(content)
    assert parsed == whole_parsed and ids == whole_ids and loose == whole_loose == []
    assert sheet.count == whole_sheet.count == 12_000 == progress.rows == progress.parsed
    assert sheet.problems.headers == whole_sheet.problems.headers and not sheet.problems
    # the second half came through pickling: its times are in CST itself (the fast paths ask `is`)
    assert all(row.start.tzinfo is CST for row in parsed[-100:])
    assert all(row.end is None or row.end.tzinfo is CST for row in parsed[-100:])


@pytest.mark.parametrize("where", [10, 11_000])
async def test_a_problem_in_either_half_is_answered_as_the_whole_file_answers_it(where: int) -> None:
    lines = backfill_csv(12_000).decode().split("\n")
    lines[where] = lines[where].replace("驻点服务", "驻点").replace("2025-", "2025年-", 1)  # a bad start
    content = "\n".join(lines).encode()
    assert sheet_sources.csv_halves(content, MAX_BYTES) is not None
    with mock.patch.object(import_halves, "clean_rows", wraps=import_halves.clean_rows) as tried:
        sheet, parsed, loose, ids = await read_rows(content, _progress(), THREADS)
    assert tried.call_count == 2  # both halves read, then the whole file
    whole_sheet, whole_parsed, whole_loose, whole_ids = await _whole(content)
    assert parsed == whole_parsed and ids == whole_ids and loose == whole_loose
    found = [(p.row, p.field, p.reason) for p in sheet.problems.found]
    assert found == [(p.row, p.field, p.reason) for p in whole_sheet.problems.found]
    assert [row for row, _, _ in found] == [where + 1]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
async def test_a_file_just_over_the_byte_cap_is_refused_as_the_whole_file_is(encoding: str) -> None:
    # before: each half, re-encoded in UTF-8, was under the cap: the file was imported, not refused
    content = backfill_csv(12_000).decode().encode(encoding)
    with (
        mock.patch.object(spreadsheets, "MAX_BYTES", len(content) - 1),
        mock.patch.object(import_halves, "MAX_BYTES", len(content) - 1),
        pytest.raises(ImportRejectedError) as caught,
    ):
        await read_rows(content, _progress(), THREADS)
    assert [(p.row, p.field) for p in caught.value.problems] == [(0, "file")]
    assert "文件过大" in caught.value.problems[0].reason
