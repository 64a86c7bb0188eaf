"""The ledger killed (SIGKILL) in the middle of a backfill import: nothing of it is stored or published,
and uploading the file again writes every row exactly once. The ledger runs as a real process
(uvicorn, as `make run` starts it) on a database of its own and the session's broker.

To kill it at a known point, a link into one village's volume is inserted here and not committed, at
the place the import's first link into that volume takes: the import writes its first chunks (inside
its transaction), then waits for that row at the chunk of that village.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import signal
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest
from devstack import procs
from devstack.paths import repo_root
from devstack.services import RunningService, Service, start_service
from ledger.application.commands import entry_id_for
from ledger.application.import_writes import chunk_spans
from ledger.domain.entries import stream_id
from support.inprocess import bearer, new_secret, own_database
from support.kafka import read_topic
from support.waiting import eventually
from test_ledger_harness import CONSULTATION_HEADINGS
from vc_contracts import CST
from vc_contracts.topics import topic_for

pytestmark = pytest.mark.timeout(240)
YEAR = datetime.now(CST).year - 1
THIRD = list(chunk_spans(10**6))[2].start  # the writer's cut: V2's rows begin the third chunk
ROWS = THIRD + 500
V1, V2, UNIT = "621025391201", "621025391202", "U-kill-firm"
HEADINGS = CONSULTATION_HEADINGS
LINKS = "SELECT (SELECT count(*) FROM ledger.volume_links) + (SELECT count(*) FROM ledger.volume_link_runs)"


def backfill(advisor: str, rows: int, prefix: str, village_from: int) -> bytes:
    """WeChat consultations five minutes apart: V1 up to row `village_from`, then V2."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADINGS)
    first = datetime(YEAR, 3, 1, 8, 0)  # noqa: DTZ001 (a sheet's cells hold wall-clock time)
    for i in range(rows):
        when = (first + timedelta(minutes=5 * i)).strftime("%Y/%m/%d %H:%M")
        village = V1 if i < village_from else V2
        writer.writerow(
            ["法律咨询", advisor, village, when, "土地承包", "微信群", "土地", "已解决", f"{prefix}-{i}"]
        )
    return out.getvalue().encode("gb18030")


async def start(env: dict[str, str], state: Path) -> RunningService:
    service = start_service(Service("ledger", procs.free_port()), env, state, repo_root())
    await asyncio.to_thread(
        procs.wait_until, service.ready, what="ledger ready", timeout=90, proc=service.process,
        log_path=service.log_path,
    )  # fmt: skip
    return service


async def published_keys(bootstrap: str, keys: set[bytes]) -> list[bytes]:
    """Keys among `keys` of every record on the ledger topic, from the beginning to its end now."""
    return [r.key for r in await read_topic(bootstrap, topic_for("ledger")) if r.key in keys]


async def kill_mid_import(
    service: RunningService,
    http: httpx.AsyncClient,
    db: asyncpg.Connection,
    content: bytes,
    headers: dict[str, str],
) -> None:
    """Upload, let two chunks be written (then the import waits to link into V2's volume), SIGKILL."""
    held = db.transaction()
    await held.start()
    try:  # V2's volume has one link (the earlier entry): the import's first one there is the second
        await db.execute(  # an import writes runs of links: its run into V2 then waits for this one
            "INSERT INTO ledger.volume_link_runs (volume_id, first_seq, links, event_ids, entry_ids,"
            " event_types, hashes, canonical_version)"
            " VALUES ($1, 2, 1, $2, 'E-held', 'ConsultationLogged', $3, 2)",
            f"village:{V2}:{YEAR}", str(uuid4()), "0" * 64,
        )  # fmt: skip
        upload = asyncio.create_task(http.post("/imports", content=content, headers=headers))

        async def two_chunks_written() -> bool:
            items = (await http.get("/imports", headers=headers)).json()["items"]
            return any(i["state"] == "running" and i["written"] == THIRD for i in items)

        await eventually(two_chunks_written, what="the import waiting after two chunks", within=60)
        os.killpg(service.process.pid, signal.SIGKILL)
        service.process.wait(timeout=10)
        with pytest.raises(httpx.HTTPError):
            await upload
    finally:
        await held.rollback()


async def test_a_ledger_killed_mid_import_leaves_nothing_and_the_upload_again_writes_every_row_once(
    devstack: Any, tmp_path: Path
) -> None:
    tag = uuid4().hex[:8]
    advisor, secret = f"A-kill-{tag}", new_secret()
    (tmp_path / "run").mkdir()
    async with own_database(devstack.dsn, f"vc_ledger_kill_{tag}") as dsn:
        # 2 s consumer sessions: quicker group joins at each start (see tests/e2e/conftest.py)
        env = {**os.environ, **devstack.env(), "DATABASE_URL": dsn, "VC_JWT_SECRET": secret,
               "VC_CONSUMER_SESSION_TIMEOUT_MS": "2000"}  # fmt: skip
        headers = {**bearer(secret, "law_firm", "621025", "kill-staff", UNIT), "Content-Type": "text/csv"}
        service = await start(env, tmp_path)
        db = await asyncpg.connect(dsn)
        try:
            await db.executemany(
                "INSERT INTO ledger.known_assignments VALUES ($1, $2, $3, $4, $5, NULL)",
                [(f"AS-{tag}-{v}", v, advisor, UNIT, date(YEAR, 1, 1)) for v in (V1, V2)],
            )
            async with httpx.AsyncClient(base_url=service.service.url, timeout=60, trust_env=False) as http:
                # one earlier entry in V2 gives its volume a head row to hold
                first = await http.post("/imports", content=backfill(advisor, 1, "early", 0), headers=headers)
                assert first.status_code == 201, first.text
                early = {stream_id(entry_id_for(advisor, "early-0")).encode()}
                # the relay runs: what is committed is published (and what is not, is not: below)
                await eventually(
                    lambda: published_keys(devstack.bootstrap, early), what="the earlier entry published"
                )
                events_before = await db.fetchval("SELECT count(*) FROM ledger.events")
                links_before = await db.fetchval(LINKS)
                content = backfill(advisor, ROWS, "paper", village_from=THIRD)
                await kill_mid_import(service, http, db, content, headers)
                # the killed process's transaction dies with its connection
                await eventually(
                    lambda: db.fetchval(
                        "SELECT count(*) = 0 FROM pg_stat_activity WHERE datname = current_database()"
                        " AND pid <> pg_backend_pid()"
                    ),
                    what="the killed ledger's connections to end",
                )
        finally:
            service.stop(tmp_path / "run")
        assert await db.fetchval("SELECT count(*) FROM ledger.events") == events_before
        assert await db.fetchval(LINKS) == links_before  # no run or row of links left behind
        assert (
            await db.fetchval("SELECT count(*) FROM ledger.entries WHERE client_entry_id LIKE 'paper-%'") == 0
        )
        keys = {stream_id(entry_id_for(advisor, f"paper-{i}")).encode() for i in range(ROWS)}
        assert await published_keys(devstack.bootstrap, keys) == []

        service = await start(env, tmp_path)
        try:
            async with httpx.AsyncClient(base_url=service.service.url, timeout=120, trust_env=False) as http:
                again = await http.post("/imports", content=content, headers=headers)
                assert again.status_code == 201, again.text
                assert again.json() == {"rows": ROWS, "imported": ROWS, "unchanged": 0}
                county = bearer(secret, "county_admin", "621025", "kill-county")
                for volume in (f"village/{V1}/{YEAR}", f"village/{V2}/{YEAR}", f"unit/{UNIT}/{YEAR}"):
                    verdict = (await http.post(f"/volumes/{volume}/verify", headers=county)).json()
                    assert verdict["ok"] is True, verdict
            entries = await db.fetch(
                "SELECT stream_id FROM ledger.entries WHERE client_entry_id LIKE 'paper-%'"
            )
            assert len({r["stream_id"] for r in entries}) == len(entries) == ROWS
            assert await db.fetchval("SELECT count(*) FROM ledger.events") == events_before + ROWS
            assert {r["stream_id"].encode() for r in entries} == keys

            async def all_published_once() -> bool:
                found = await published_keys(devstack.bootstrap, keys)
                return len(found) == ROWS and set(found) == keys

            await eventually(all_published_once, what="every imported entry published once", within=60)
        finally:
            service.stop(tmp_path / "run")
            await db.close()
