"""A backfill import writes its first chunks while its later rows are still being decided (one
transaction, committed only when every row passed): a problem found after chunks were written still
refuses the whole file with every problem and leaves nothing, the ordering lock released; another
writer's append waits for the import and lands after it, both chains whole (in-process app, real
PostgreSQL and broker). The decider is held back here until chunks are written, so that the
overlap these tests are about happens on every run, whatever the machine's speed."""

from __future__ import annotations

import asyncio
import csv
import io
import threading
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from eventkit.store import append_lock
from ledger.application import import_writes, importing
from test_ledger_harness import Cast, Ledger, ledger_service, set_the_scene
from vc_contracts import CST

YEAR = datetime.now(CST).year - 1
HEADINGS = ["类型", "顾问编号", "村（社区）代码", "开始时间", "结束时间", "地点", "内容摘要", "渠道", "类别",
            "结果", "客户端编号"]  # fmt: skip
WAIT = 60.0  # seconds a held-back decider waits for the writer at most (a hang fails, never a timing)


@pytest.fixture(autouse=True)
def chunks_of_a_thousand(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 1,000 rows throughout (`import_writes.chunk_spans`): these files of 1,500-2,500 rows
    are then cut in several, as the pipeline under test needs; the sizes are the writer's tuning."""
    monkeypatch.setattr(import_writes, "FIRST_CHUNK", 1000)
    monkeypatch.setattr(import_writes, "CHUNK", 1000)


@pytest.fixture(scope="module")
async def scene(devstack) -> AsyncIterator[tuple[Ledger, Cast]]:  # type: ignore[no-untyped-def]
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        yield ledger, await set_the_scene(ledger, date(YEAR, 1, 1))


def wechat(cast: Cast, n: int, prefix: str, month: int, village: int = 0) -> list[list[Any]]:
    """`n` WeChat consultations of li, five minutes apart (never on site: they overlap nothing)."""
    first = datetime(YEAR, month, 1, 8, 0)  # noqa: DTZ001 (a sheet's cells hold wall-clock time)
    return [
        ["法律咨询", cast.advisor("li"), cast.villages[village],
         (first + timedelta(minutes=5 * i)).isoformat(" "), "", "", "宅基地确权", "微信群", "土地", "已解决",
         f"{prefix}-{i}"]
        for i in range(n)
    ]  # fmt: skip


def as_csv(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADINGS, *rows])
    return out.getvalue().encode("utf-8")


async def upload(ledger: Ledger, cast: Cast, content: bytes) -> Any:
    unit = ledger.headers("law_firm", "621025", "overlap-staff", cast.firm)
    return await ledger.http.post("/imports", content=content, headers={**unit, "Content-Type": "text/csv"})


async def tables(ledger: Ledger) -> tuple[Any, ...]:
    """What an import may write: every table's row count and the volume heads."""
    counts = [
        await ledger.pool.fetchval(f"SELECT count(*) FROM ledger.{table}")
        for table in ("events", "entries", "volume_links", "volume_link_runs")
    ]
    heads = await ledger.pool.fetch("SELECT volume_id, length, head FROM ledger.volume_heads ORDER BY 1")
    return (*counts, [tuple(h) for h in heads])


def hold_deciding(monkeypatch: pytest.MonkeyPatch, chunks_written: int) -> dict[str, Any]:
    """Hold the decider (a worker thread) before the rows after `chunks_written` chunks (of
    import_writes.CHUNK rows, each without a problem) until the writer has linked that many chunks;
    what the writer's transaction held then is put in the answer."""
    linked = threading.Event()
    seen: dict[str, Any] = {"links": 0, "prepared": 0}
    prepare, write_links = importing.prepare_row, import_writes.write_links

    def held_prepare(*args: Any) -> Any:
        if seen["prepared"] == chunks_written * import_writes.CHUNK:
            assert linked.wait(WAIT), "the writer never wrote the first chunks"
        seen["prepared"] += 1
        return prepare(*args)

    async def counted_write(conn: Any, schema: str, links: Any, *text: Any) -> None:
        await write_links(conn, schema, links, *text)
        seen["links"] += 1
        if seen["links"] == chunks_written:
            seen["entries in the transaction"] = await conn.fetchval(
                "SELECT count(*) FROM ledger.entries WHERE logged_by = 'overlap-staff'"
            )
            linked.set()

    monkeypatch.setattr(importing, "prepare_row", held_prepare)
    monkeypatch.setattr(import_writes, "write_links", counted_write)
    return seen


async def test_problems_decided_after_chunks_were_written_refuse_the_file_whole_and_free_the_lock(
    scene, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    rows = wechat(cast, 2500, "late", month=2)
    rows[2449][1] = "adv-nobody"  # the last chunk: an advisor no one knows
    rows[2499][10] = rows[5][10]  # and a client id given twice
    before = await tables(ledger)
    seen = hold_deciding(monkeypatch, chunks_written=2)
    r = await upload(ledger, cast, as_csv(rows))
    assert r.status_code == 422, r.text
    assert [(e["row"], e["column"]) for e in r.json()["errors"]] == [(2451, "顾问编号"), (2501, "客户端编号")]
    assert seen["entries in the transaction"] == 2000  # two chunks were written, then rolled back
    assert await tables(ledger) == before
    async with ledger.pool.acquire() as conn, conn.transaction():
        assert await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", append_lock("ledger"))
    monkeypatch.undo()
    rows[2449][1], rows[2499][10] = rows[0][1], "late-2499"
    r = await upload(ledger, cast, as_csv(rows))
    assert r.status_code == 201 and r.json() == {"rows": 2500, "imported": 2500, "unchanged": 0}, r.text


async def test_a_write_refused_while_rows_are_decided_answers_the_files_problems(
    scene, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """A visit logged after the file was checked overlaps its first row: the write, under the lock,
    refuses it (409). A row of a later chunk has a problem of its own: as when every row was decided
    before anything was written, the answer is the file's problems (422), all of them."""
    ledger, cast = scene
    li, v1, v2 = cast.advisor("li"), cast.villages[0], cast.villages[1]
    visit = ["驻点服务", li, v1, f"{YEAR}-07-01 09:00", f"{YEAR}-07-01 12:00", "村委会", "坐班", "", "", "",
             "race-v"]  # fmt: skip
    rows = [visit, *wechat(cast, 1500, "race", month=8)]
    rows[1400][1] = "adv-nobody"
    meanwhile = {"village_code": v2, "started_at": datetime(YEAR, 7, 1, 10, tzinfo=CST).isoformat(),
                 "ended_at": datetime(YEAR, 7, 1, 11, tzinfo=CST).isoformat(), "place": "村委会",
                 "summary": "坐班"}  # fmt: skip
    read_facts = importing.load_facts

    async def read_then_someone_logs(*args: object) -> object:
        facts = await read_facts(*args)  # type: ignore[arg-type]
        me = ledger.headers("advisor", "621025", li, cast.firm)
        logged = await ledger.http.post("/visits", json=meanwhile, headers=me)
        assert logged.status_code == 201, logged.text
        return facts

    monkeypatch.setattr(importing, "load_facts", read_then_someone_logs)
    refused, recheck, prepare = threading.Event(), import_writes.recheck_clashes, importing.prepare_row
    prepared = [0]

    async def refusing_recheck(*args: Any) -> None:
        try:
            await recheck(*args)
        except Exception:
            refused.set()
            raise

    def held_prepare(*args: Any) -> Any:  # the rows after the first chunk wait for the refusal
        if prepared[0] == import_writes.CHUNK:
            assert refused.wait(WAIT), "the write was never refused"
        prepared[0] += 1
        return prepare(*args)

    monkeypatch.setattr(import_writes, "recheck_clashes", refusing_recheck)
    monkeypatch.setattr(importing, "prepare_row", held_prepare)
    events = await ledger.pool.fetchval("SELECT count(*) FROM ledger.events")
    r = await upload(ledger, cast, as_csv(rows))
    assert r.status_code == 422, r.text
    assert [(e["row"], e["column"]) for e in r.json()["errors"]] == [(1402, "顾问编号")]
    assert refused.is_set()
    assert await ledger.pool.fetchval("SELECT count(*) FROM ledger.events") == events + 1  # the visit only
    imported = "SELECT count(*) FROM ledger.entries WHERE client_entry_id LIKE 'race-%'"
    assert await ledger.pool.fetchval(imported) == 0


async def test_an_append_during_an_import_waits_for_it_and_both_chains_verify(
    scene, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    li, v1, v2 = cast.advisor("li"), cast.villages[0], cast.villages[1]
    rows = wechat(cast, 2500, "during", month=3, village=1)
    first_written = asyncio.Event()
    write_links = import_writes.write_links

    async def signalled_write(conn: Any, schema: str, links: Any, *text: Any) -> None:
        await write_links(conn, schema, links, *text)
        first_written.set()

    monkeypatch.setattr(import_writes, "write_links", signalled_write)
    importing_task = asyncio.create_task(upload(ledger, cast, as_csv(rows)))
    await asyncio.wait_for(first_written.wait(), WAIT)
    assert not importing_task.done()
    # li logs a consultation in V1 meanwhile: li's unit volume is one the import is writing too
    me = ledger.headers("advisor", "621025", li, cast.firm)
    consultation = {"village_code": v1, "occurred_at": datetime(YEAR, 3, 2, 9, tzinfo=CST).isoformat(),
                    "summary": "电话咨询", "channel": "phone", "category": "land",
                    "outcome": "resolved"}  # fmt: skip
    meanwhile = asyncio.create_task(ledger.http.post("/consultations", json=consultation, headers=me))
    answer = await importing_task
    assert answer.status_code == 201 and answer.json()["imported"] == 2500, answer.text
    logged = await meanwhile
    assert logged.status_code == 201, logged.text
    last_imported = await ledger.pool.fetchval(
        "SELECT max(e.position) FROM ledger.events e JOIN ledger.entries n USING (stream_id)"
        " WHERE n.client_entry_id LIKE 'during-%'"
    )
    theirs = await ledger.pool.fetchval(
        "SELECT e.position FROM ledger.events e JOIN ledger.entries n USING (stream_id)"
        " WHERE n.entry_id = $1",
        logged.json()["entry_id"],
    )
    assert theirs > last_imported  # it waited for the ordering lock the import held to its commit
    for village in (v1, v2):
        committee = ledger.headers("village_committee", village, f"committee-{village}")
        verdict = (
            await ledger.http.post(f"/volumes/village/{village}/{YEAR}/verify", headers=committee)
        ).json()
        assert verdict["ok"] is True, verdict
    unit = ledger.headers("law_firm", "621025", "overlap-staff", cast.firm)
    verdict = (await ledger.http.post(f"/volumes/unit/{cast.firm}/{YEAR}/verify", headers=unit)).json()
    assert verdict["ok"] is True and verdict["length"] >= 2501, verdict
    assert len(rows) > import_writes.CHUNK  # more than one chunk: the append came between chunks
