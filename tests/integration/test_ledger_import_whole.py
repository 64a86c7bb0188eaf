"""Backfill imports are all-or-nothing, answer every bad cell by row and column, and do not stop the
service answering others while they run (in-process app, real PostgreSQL and broker)."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import gc
import io
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from eventkit import imports
from eventkit.store import append_lock
from ledger.application.import_rows import ParsedRow
from openpyxl import Workbook
from test_ledger_harness import Cast, Ledger, ledger_service, set_the_scene
from vc_contracts import CST

YEAR = datetime.now(CST).year - 1
HEADINGS = ["序号", "类型", "顾问编号", "村（社区）代码", "开始时间", "内容摘要", "渠道", "类别", "结果",
            "客户端编号"]  # fmt: skip


@pytest.fixture(scope="module")
async def scene(devstack) -> AsyncIterator[tuple[Ledger, Cast]]:  # type: ignore[no-untyped-def]
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        yield ledger, await set_the_scene(ledger, date(YEAR, 1, 1))


def wechat_rows(cast: Cast, n: int, prefix: str, village: int = 0) -> list[list[Any]]:
    """`n` WeChat consultations of li, five minutes apart (never on site: no overlaps to check)."""
    first = datetime(YEAR, 2, 1, 8, 0)  # noqa: DTZ001 (a sheet's cells hold wall-clock time)
    return [
        [i + 1, "法律咨询", cast.advisor("li"), cast.villages[village],
         (first + timedelta(minutes=5 * i)).strftime("%Y/%m/%d %H:%M"), "宅基地确权", "微信群", "土地",
         "已解决", f"{prefix}-{i}"]
        for i in range(n)
    ]  # fmt: skip


def as_csv(rows: list[list[Any]], headings: list[str] = HEADINGS, encoding: str = "gb18030") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([headings, *rows])
    return out.getvalue().encode(encoding)


async def upload(ledger: Ledger, cast: Cast, content: bytes) -> Any:
    unit = ledger.headers("law_firm", "621025", "import-staff", cast.firm)
    return await ledger.http.post("/imports", content=content, headers={**unit, "Content-Type": "text/csv"})


async def stored(ledger: Ledger, prefix: str) -> int:
    return int(
        await ledger.pool.fetchval(
            "SELECT count(*) FROM ledger.entries WHERE client_entry_id LIKE $1", f"{prefix}-%"
        )
    )


async def test_a_nul_in_the_last_of_1001_rows_writes_nothing_and_the_fixed_file_imports_whole(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    rows = wechat_rows(cast, 1001, "nul")
    rows[-1][5] = "微信群答复\x00土地流转"
    events = await ledger.pool.fetchval("SELECT count(*) FROM ledger.events")
    for _ in range(2):  # the same file again is refused the same way, still writing nothing
        r = await upload(ledger, cast, as_csv(rows, encoding="utf-8"))
        assert r.status_code == 422, r.text
        body = r.json()
        assert body["code"] == "import_rejected" and "未写入任何记录" in body["message"]
        assert [(e["row"], e["column"], e["field"]) for e in body["errors"]] == [
            (1002, "内容摘要", "rows[1002].summary")
        ]
        assert await stored(ledger, "nul") == 0
        assert await ledger.pool.fetchval("SELECT count(*) FROM ledger.events") == events
    rows[-1][5] = "微信群答复土地流转"
    r = await upload(ledger, cast, as_csv(rows))
    assert r.status_code == 201 and r.json() == {"rows": 1001, "imported": 1001, "unchanged": 0}, r.text
    assert await stored(ledger, "nul") == 1001


async def test_rows_refused_when_decided_past_the_first_chunks_leave_nothing_and_are_named(scene) -> None:  # type: ignore[no-untyped-def]
    """Problems found only when the rows are decided (an advisor no one knows, a client id given
    twice), past the write's first chunks of 1,000, refuse the whole file with every problem, and
    nothing of it is committed (a guard for any future overlap of checking and writing)."""
    ledger, cast = scene
    rows = wechat_rows(cast, 2500, "late", village=1)
    rows[2199][2] = "adv-nobody"
    rows[2399][9] = rows[5][9]
    events = await ledger.pool.fetchval("SELECT count(*) FROM ledger.events")
    r = await upload(ledger, cast, as_csv(rows, encoding="utf-8"))
    assert r.status_code == 422, r.text
    assert [(e["row"], e["column"]) for e in r.json()["errors"]] == [(2201, "顾问编号"), (2401, "客户端编号")]
    assert await stored(ledger, "late") == 0
    assert await ledger.pool.fetchval("SELECT count(*) FROM ledger.events") == events
    links = "SELECT count(*) FROM ledger.chain_links l JOIN ledger.entries n USING (entry_id)"
    assert await ledger.pool.fetchval(f"{links} WHERE n.client_entry_id LIKE 'late-%'") == 0
    rows[2199][2], rows[2399][9] = rows[0][2], "late-2399"
    r = await upload(ledger, cast, as_csv(rows))
    assert r.status_code == 201 and r.json() == {"rows": 2500, "imported": 2500, "unchanged": 0}, r.text
    assert await stored(ledger, "late") == 2500


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        (5, "x" * 131_073),  # over the csv module's field limit: a 500 before
        (5, "x" * 40_000),  # over Excel's cell limit
        (5, "退格\x08字符"),
        (4, "2026/2/30 9:00"),
        (9, "c" * 200),  # the event model refuses a client entry id over 128 characters
    ],
    ids=["over-csv-limit", "over-cell-limit", "control-char", "no-such-day", "model-refuses"],
)
async def test_a_bad_cell_is_a_row_error_and_nothing_is_written(scene, cell: int, value: str) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    rows = wechat_rows(cast, 3, f"bad{cell}", village=1)
    rows[1][cell] = value
    r = await upload(ledger, cast, as_csv(rows, encoding="utf-8"))
    assert r.status_code == 422, r.text
    assert [(e["row"], e["column"]) for e in r.json()["errors"]] == [(3, HEADINGS[cell])]
    assert await stored(ledger, f"bad{cell}") == 0


async def test_a_start_time_and_a_date_column_are_refused_naming_both(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    rows = [[*row, f"{YEAR}/3/1"] for row in wechat_rows(cast, 2, "both")]
    r = await upload(ledger, cast, as_csv(rows, [*HEADINGS, "日期"]))
    assert r.status_code == 422, r.text
    [error] = r.json()["errors"]
    assert error["row"] == 1 and "「开始时间」" in error["reason"] and "「日期」" in error["reason"]
    assert await stored(ledger, "both") == 0


async def test_an_xlsx_with_a_licence_like_number_as_client_id_is_refused_asking_for_text(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADINGS)
    [row] = wechat_rows(cast, 1, "xlsx")
    cell = datetime(YEAR, 5, 6, 10, 30)  # noqa: DTZ001 (a sheet's cells hold wall-clock time)
    row[4], row[9] = cell, 16210201234567800  # a date cell; a 17-digit number
    sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    unit = ledger.headers("law_firm", "621025", "import-staff", cast.firm)
    r = await ledger.http.post("/imports", content=out.getvalue(), headers=unit)
    assert r.status_code == 422, r.text
    [error] = r.json()["errors"]
    assert (error["row"], error["column"]) == (2, "客户端编号") and "请将该列设置为文本格式" in error[
        "reason"
    ]
    row[9] = "xlsx-0"
    sheet.delete_rows(2)
    sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    r = await ledger.http.post("/imports", content=out.getvalue(), headers=unit)
    assert r.status_code == 201, r.text
    at = await ledger.pool.fetchval("SELECT occurred_at FROM ledger.entries WHERE client_entry_id = 'xlsx-0'")
    assert at == datetime(YEAR, 5, 6, 10, 30, tzinfo=CST)


async def test_other_requests_are_answered_while_a_large_import_runs(scene) -> None:  # type: ignore[no-untyped-def]
    """The import's writes wait behind an append lock held here, so it cannot finish before the checks;
    while its rows are parsed and checked (CPU work), progress is seen part-way: the event loop is free."""
    ledger, cast = scene
    rows = wechat_rows(cast, 6000, "big", village=1)
    unit = ledger.headers("law_firm", "621025", "import-staff", cast.firm)
    seen: list[dict[str, Any]] = []
    async with ledger.pool.acquire() as blocker, blocker.transaction():
        await blocker.execute("SELECT pg_advisory_xact_lock($1)", append_lock("ledger"))
        running = asyncio.create_task(upload(ledger, cast, as_csv(rows)))
        while not seen or seen[-1]["checked"] < len(rows):
            r = await ledger.http.get("/imports", headers=unit)
            assert r.status_code == 200 and not running.done()
            seen += [i for i in r.json()["items"] if i["state"] == "running"]
            await asyncio.sleep(0)
        health = await ledger.http.get("/healthz")
        assert health.status_code == 200 and not running.done()
    answer = await running
    assert answer.status_code == 201 and answer.json()["imported"] == 6000, answer.text
    part_way = [s for s in seen if 0 < s["parsed"] + s["checked"] < 2 * len(rows)]
    assert part_way, "no request was answered while the rows were parsed and checked"
    import_id = answer.headers["Location"].rsplit("/", 1)[-1]
    done = (await ledger.http.get(f"/imports/{import_id}", headers=unit)).json()
    assert (done["state"], done["rows"], done["written"]) == ("done", 6000, 6000)
    other = ledger.headers("law_firm", "621025", "someone-else", cast.firm)
    assert (await ledger.http.get(f"/imports/{import_id}", headers=other)).status_code == 404


async def test_the_collector_comes_back_on_only_after_the_files_rows_are_freed(scene, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Turned back on while the file's rows and events lived, the collector's first young
    collection walked them all, to free nothing (issue 12's profile: ~0.1 s of a 50,000-row
    import). The import's frame must be gone, and its rows with it, when `gc_paused` ends (in the
    thread that frees them after the answer, `imports.freed_aside`)."""
    alive_at_exit: list[int] = []
    paused = imports.gc_paused

    @contextlib.contextmanager
    def watched() -> Any:
        with paused():
            yield
            alive_at_exit.append(sum(_mine(o) for o in gc.get_objects()))

    def _mine(o: object) -> bool:  # this import's rows only: an earlier test's may wait in a cycle
        return isinstance(o, ParsedRow) and str(o.client_entry_id).startswith("freed-")

    monkeypatch.setattr(imports, "gc_paused", watched)
    ledger, cast = scene
    r = await upload(ledger, cast, as_csv(wechat_rows(cast, 300, "freed")))
    assert r.status_code == 201, r.text
    for _ in range(500):  # the freeing thread ends the pause soon after the answer
        if alive_at_exit:
            break
        await asyncio.sleep(0.01)
    assert alive_at_exit == [0]


async def test_a_file_fixed_to_match_a_correction_imports_as_unchanged(scene) -> None:  # type: ignore[no-untyped-def]
    """An imported entry corrected in the ledger (its summary), then its file fixed to say the same:
    uploading the file again changes nothing. It was refused whole, 该客户端编号已用于内容不同的记录, with
    no word of the correction (session 24's tester). A row that matches neither form is still refused,
    and the reason now says the entry was corrected."""
    ledger, cast = scene
    rows = wechat_rows(cast, 3, "fixed")
    r = await upload(ledger, cast, as_csv(rows))
    assert r.status_code == 201, r.text
    entry_id = await ledger.pool.fetchval(
        "SELECT entry_id FROM ledger.entries WHERE client_entry_id = $1", "fixed-1"
    )
    me = ledger.headers("advisor", "621025", cast.advisor("li"), cast.firm)
    fix = {"changes": {"summary": "宅基地确权纠纷"}, "reason": "摘要写得不全"}
    corrected = await ledger.http.post(f"/entries/{entry_id}/corrections", json=fix, headers=me)
    assert corrected.status_code == 201, corrected.text

    rows[1][5] = "宅基地确权纠纷"  # the file says what the ledger now says
    r = await upload(ledger, cast, as_csv(rows))
    assert r.status_code in (200, 201) and r.json() == {"rows": 3, "imported": 0, "unchanged": 3}, r.text

    rows[1][5] = "另一个摘要"  # neither as first logged nor as corrected
    r = await upload(ledger, cast, as_csv(rows))
    assert r.status_code == 422, r.text
    [problem] = r.json()["errors"]
    assert problem["row"] == 3 and "已更正" in problem["reason"], problem
