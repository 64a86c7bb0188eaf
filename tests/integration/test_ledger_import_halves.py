"""A large plain CSV, read in two halves at once (the second in the service's worker process,
`import_halves`), is answered over HTTP exactly as the whole file: a row of the second half that
repeats a client id of the first with other content, or whose visit overlaps one of the first, is
refused by its row number in the whole file, nothing written; the clean file imports every row, and
again changes nothing (in-process app with its worker process, real PostgreSQL and broker)."""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from eventkit import sheet_sources
from eventkit.spreadsheets import MAX_BYTES
from ledger.application import import_halves, importing
from test_ledger_harness import Cast, Ledger, ledger_service, set_the_scene
from vc_contracts import CST

YEAR = datetime.now(CST).year - 1
HEADINGS = ["类型", "顾问编号", "村（社区）代码", "开始时间", "结束时间", "地点", "内容摘要", "渠道", "类别",
            "结果", "客户端编号"]  # fmt: skip
ROWS = 4_000  # ~300 K characters: past SPLIT_AT_LEAST, so the file is read in halves
TABLES = ("ledger.entries", "ledger.events", "ledger.volume_links", "ledger.volume_link_runs")


@pytest.fixture(scope="module")
async def scene(devstack) -> AsyncIterator[tuple[Ledger, Cast]]:  # type: ignore[no-untyped-def]
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        yield ledger, await set_the_scene(ledger, date(YEAR, 1, 1))


def rows_of(cast: Cast, prefix: str) -> list[list[Any]]:
    """ROWS WeChat consultations of li five minutes apart, and every 500th row a visit of hers
    (9:00-12:00, a day apart): never overlapping, in both halves."""
    li, village = cast.advisor("li"), cast.villages[0]
    first = datetime(YEAR, 3, 1, 8, 0)  # noqa: DTZ001 (a sheet's cells hold wall-clock time)
    rows = []
    for i in range(ROWS):
        if i % 500 == 250:
            day = datetime(YEAR, 9, 1) + timedelta(days=i // 500)  # noqa: DTZ001
            start, end = day.replace(hour=9).isoformat(" "), day.replace(hour=12).isoformat(" ")
            rows.append(
                ["驻点服务", li, village, start, end, "村委会", "坐班接待", "", "", "", f"{prefix}-{i}"]
            )
        else:
            start = (first + timedelta(minutes=5 * i)).isoformat(" ")
            rows.append(
                [
                    "法律咨询",
                    li,
                    village,
                    start,
                    "",
                    "",
                    "宅基地确权",
                    "微信群",
                    "土地",
                    "已解决",
                    f"{prefix}-{i}",
                ]
            )
    return rows


def as_csv(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([HEADINGS, *rows])
    content = out.getvalue().encode("gb18030")
    assert sheet_sources.csv_halves(content, MAX_BYTES, import_halves.SHARE) is not None
    return content


def second_row(content: bytes) -> int:
    """The index in `rows_of` of the first row of the file's second half."""
    halves = sheet_sources.csv_halves(content, MAX_BYTES, import_halves.SHARE)
    assert halves is not None
    return halves.second_from - 2


async def upload(ledger: Ledger, cast: Cast, content: bytes) -> Any:
    unit = ledger.headers("law_firm", "621025", "import-staff", cast.firm)
    return await ledger.http.post("/imports", content=content, headers={**unit, "Content-Type": "text/csv"})


async def counts(ledger: Ledger) -> list[int]:
    return [int(await ledger.pool.fetchval(f"SELECT count(*) FROM {table}")) for table in TABLES]


async def refused(ledger: Ledger, cast: Cast, content: bytes) -> list[tuple[int, str, str]]:
    """The errors of the file's 422, the same read in halves as read whole; nothing written."""
    answers = []
    for split, halved in ((sheet_sources.SPLIT_AT_LEAST, True), (10**12, False)):  # then read whole
        with mock.patch.object(sheet_sources, "SPLIT_AT_LEAST", split), read_how() as how:
            before = await counts(ledger)
            r = await upload(ledger, cast, content)
        assert r.status_code == 422, r.text
        assert how == [halved]
        body = r.json()
        assert body["code"] == "import_rejected" and "未写入任何记录" in body["message"]
        assert await counts(ledger) == before
        answers.append({k: v for k, v in body.items() if k != "correlation_id"})
    assert answers[0] == answers[1]
    return [(e["row"], e["column"], e["reason"]) for e in answers[0]["errors"]]


@contextlib.contextmanager
def read_how() -> Iterator[list[bool]]:
    """Whether each import meanwhile took the halves' rows (`import_halves.read_in_halves`)."""
    how: list[bool] = []
    halves = importing.read_in_halves

    async def told(*args: Any) -> Any:
        read = await halves(*args)
        how.append(read is not None)
        return read

    with mock.patch.object(importing, "read_in_halves", told):
        yield how


async def test_a_client_id_of_the_first_half_repeated_in_the_second_is_refused_by_its_row(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    rows = rows_of(cast, "dup")
    later = second_row(as_csv(rows)) + 3  # a consultation a few rows past the cut
    rows[later][-1] = rows[10][-1]  # its client id is row 12's, its content another
    found = await refused(ledger, cast, as_csv(rows))
    assert [(row, column) for row, column, _ in found] == [(later + 2, "客户端编号")]
    assert "第 12 行" in found[0][2]


async def test_a_visit_of_the_second_half_overlapping_one_of_the_first_is_refused_by_its_row(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    rows = rows_of(cast, "lap")
    later = next(i for i in range(second_row(as_csv(rows)), ROWS) if rows[i][0] == "驻点服务")
    rows[later][3:5] = rows[250][3:5]  # the times of the first visit of the file (row 252)
    found = await refused(ledger, cast, as_csv(rows))
    assert [row for row, _, _ in found] == [252, later + 2]  # each names the other


async def test_a_clean_file_read_in_halves_imports_every_row_and_again_changes_nothing(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    content = as_csv(rows_of(cast, "clean"))
    before = await counts(ledger)
    with read_how() as how:
        r = await upload(ledger, cast, content)
    assert r.status_code == 201, r.text
    assert how == [True]
    assert (r.json()["rows"], r.json()["imported"]) == (ROWS, ROWS)
    assert (await counts(ledger))[0] == before[0] + ROWS
    again = await upload(ledger, cast, content)
    assert again.status_code == 200, again.text  # nothing created
    assert (again.json()["imported"], again.json()["unchanged"]) == (0, ROWS)
