"""Issue 14's "done when", with the four services as real processes: entries logged → sealed →
the county's annual report submitted (the volumes' heads frozen in it) and approved by the county →
one event rewritten in the ledger's database together with its links and heads (so the ledger's
own `verify` says ok) → `ledger.cli seal --audit` → the city's approval is refused naming the
entry, and the topic verifier names it too. The county is one no other test uses (环县), so the
heads frozen are this test's alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from support.waiting import eventually
from vc_contracts import CST
from vc_contracts.topics import topic_for
from vc_contracts.verify_topic import V1_NOTE, TopicVerdict, _line, verify_topic

COUNTY, TOWNSHIP, VILLAGE = "621022", "621022100000", "621022100201"
UNIT, ADVISOR, YEAR = "U-seal-firm", "A-seal-ma", 2025
VOLUME = f"village:{VILLAGE}:{YEAR}"


def ledger_cli(stack_env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **stack_env}
    return subprocess.run(
        [sys.executable, "-m", "ledger.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def verifier(*args: str) -> subprocess.CompletedProcess[str]:
    """The standalone verifier as a newcomer runs it (`python -m vc_contracts.verify`)."""
    command = [sys.executable, "-m", "vc_contracts.verify", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


async def _a_fresh_export_verifies_alone_but_not_against(
    http: httpx.AsyncClient, stack: Any, tmp_path: Path, frozen_head: str
) -> None:
    county = stack.headers("county_admin", COUNTY)
    exported = await http.get(f"{stack.urls['ledger']}/volumes/{VOLUME}/export.json", headers=county)
    assert exported.status_code == 200, exported.text
    export = tmp_path / "volume.json"
    export.write_bytes(exported.content)
    alone = verifier(str(export))
    assert alone.returncode == 0 and alone.stdout.startswith(f"ok {VOLUME} 3 "), alone  # it is consistent
    against = verifier(str(export), "--head", frozen_head)
    assert against.returncode == 1, against  # but not with the head the report froze


async def _registry(http: httpx.AsyncClient, stack: Any) -> None:
    reg = stack.urls["registry"]
    province, county = stack.headers("province_admin", "620000"), stack.headers("county_admin", COUNTY)
    for body, who in [
        ({"code": "620000", "name": "甘肃省", "level": "province"}, province),
        ({"code": "621000", "name": "庆阳市", "level": "city", "parent_code": "620000"}, province),
        ({"code": COUNTY, "name": "环县", "level": "county", "parent_code": "621000"}, province),
        ({"code": TOWNSHIP, "name": "环城镇", "level": "township", "parent_code": COUNTY}, county),
        ({"code": VILLAGE, "name": "城东村", "level": "village", "parent_code": TOWNSHIP}, county),
    ]:
        r = await http.post(f"{reg}/divisions", json=body, headers=who)
        assert r.status_code in (201, 409), r.text  # another test may have registered the province
    unit = {"unit_id": UNIT, "kind": "law_firm", "name": "甘肃环江律师事务所", "division_code": COUNTY,
            "credit_code": "91621022MA71A0002X"}  # fmt: skip
    assert (await http.post(f"{reg}/units", json=unit, headers=county)).status_code == 201
    advisor = {"advisor_id": ADVISOR, "name": "马环江", "kind": "lawyer", "unit_id": UNIT,
               "phone": "13900000031", "licence_no": "16210201234567831"}  # fmt: skip
    assert (await http.post(f"{reg}/advisors", json=advisor, headers=county)).status_code == 201
    assignment = {"village_code": VILLAGE, "advisor_id": ADVISOR, "valid_from": f"{YEAR}-01-01",
                  "schedule": "每周三 9:00-12:00"}  # fmt: skip
    assert (await http.post(f"{reg}/assignments", json=assignment, headers=county)).status_code == 201


async def _log_visits(http: httpx.AsyncClient, stack: Any) -> list[str]:
    me = stack.headers("advisor", COUNTY, subject=ADVISOR, unit=UNIT)
    ids = []
    for day in (3, 10, 17):
        start = datetime(YEAR, 3, day, 9, tzinfo=CST)
        end = start + timedelta(hours=3)
        body = {"village_code": VILLAGE, "started_at": start.isoformat(), "ended_at": end.isoformat(),
                "place": "村委会", "summary": "坐班咨询"}  # fmt: skip

        async def logged(body: dict[str, Any] = body) -> httpx.Response | None:
            r = await http.post(f"{stack.urls['ledger']}/visits", json=body, headers=me)
            return None if r.status_code == 422 else r  # the ledger has not learnt the assignment yet

        response = await eventually(logged, within=60, what="the ledger learns the assignment")
        assert response.status_code == 201, response.text
        ids.append(response.json()["entry_id"])
    return ids


async def _rewrite_consistently(dsn: str, entry_id: str) -> str:
    """Behind the service's back: change one event's data, then recompute the links and heads of its
    volumes with the ledger's own canonical function, so the ledger's `verify` still says ok."""
    from ledger.application.sealing import recompute_links  # noqa: PLC0415

    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            event_id = await conn.fetchval(
                "SELECT event_id FROM ledger.events e JOIN ledger.entries n ON n.stream_id = e.stream_id"
                " WHERE n.entry_id = $1 AND e.event_type = 'VisitLogged'",
                entry_id,
            )
            await conn.execute("ALTER TABLE ledger.events DISABLE TRIGGER events_append_only")
            await conn.execute("ALTER TABLE ledger.volume_links DISABLE TRIGGER volume_links_append_only")
            await conn.execute(
                "UPDATE ledger.events SET data = jsonb_set(data, '{summary}', '\"未到村，补记\"')"
                " WHERE event_id = $1",
                event_id,
            )
            linked = "SELECT DISTINCT volume_id FROM ledger.volume_links WHERE event_id = $1"
            volumes = [r["volume_id"] for r in await conn.fetch(linked, event_id)]
            for volume in volumes:
                links = await recompute_links(conn, "ledger", volume, 1)
                for x in links:
                    await conn.execute(
                        "UPDATE ledger.volume_links SET hash = $3 WHERE volume_id = $1 AND seq = $2",
                        volume, x.seq, x.link,
                    )  # fmt: skip
                await conn.execute(
                    "UPDATE ledger.volume_heads SET head = $2 WHERE volume_id = $1", volume, links[-1].link
                )
            await conn.execute("ALTER TABLE ledger.events ENABLE TRIGGER events_append_only")
            await conn.execute("ALTER TABLE ledger.volume_links ENABLE TRIGGER volume_links_append_only")
    finally:
        await conn.close()
    return str(event_id)


async def _sealed(dsn: str, query: str, *args: Any) -> Any:
    conn = await asyncpg.connect(dsn)
    try:
        return await conn.fetchval(query, *args)
    finally:
        await conn.close()


async def test_a_consistent_rewrite_blocks_the_city_s_approval_and_the_topic_names_it(
    stack, devstack, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    env, dsn = devstack.env(), devstack.env()["DATABASE_URL"]
    county, city = stack.headers("county_admin", COUNTY), stack.headers("city_admin", "621000")
    rep = stack.urls["reporting"]
    async with httpx.AsyncClient(timeout=30, trust_env=False) as http:
        await _registry(http, stack)
        entries = await _log_visits(http, stack)

        sealed = ledger_cli(env, "seal", "--county", COUNTY)
        assert sealed.returncode == 0 and "sealed 2 volumes: 6 links" in sealed.stdout, sealed
        again = ledger_cli(env, "seal", "--county", COUNTY)
        assert "sealed 0 volumes: 0 links in 0" in again.stdout  # nothing new: nothing written

        async def heads_known() -> int | None:
            n = await _sealed(dsn, "SELECT count(*) FROM reporting.rp_sealed_volumes WHERE county = $1"
                              " AND length = 3", COUNTY)  # fmt: skip
            return n if n == 2 else None

        await eventually(heads_known, within=60, what="reporting holds the sealed heads")
        preview = (await http.get(f"{rep}/reports/annual/{YEAR}/preview", headers=county)).json()
        confirm = {"confirm_digest": preview["digest"]}
        submitted = await http.post(f"{rep}/reports/annual/{YEAR}", json=confirm, headers=county)
        assert submitted.status_code == 201, submitted.text
        report_id = submitted.json()["stream_id"]
        detail = (await http.get(f"{rep}/reports/{report_id}", headers=county)).json()
        frozen = {h["volume_id"]: h for h in detail["heads"]}
        assert sorted(frozen) == [f"unit:{UNIT}:{YEAR}", VOLUME] and all(h["ok"] for h in detail["heads"])
        assert frozen[VOLUME]["length"] == 3 and frozen[VOLUME]["volume_name"] == f"城东村 {YEAR} 年村卷"
        assert (await http.post(f"{rep}/reports/{report_id}/approve", headers=county)).status_code == 200

        event_id = await _rewrite_consistently(dsn, entries[1])
        verified = ledger_cli(env, "verify", "village", VILLAGE, str(YEAR))
        assert verified.returncode == 0 and json.loads(verified.stdout)["ok"] is True  # consistent
        assert json.loads(verified.stdout)["head"] != frozen[VOLUME]["head"]  # but not the head frozen

        audited = ledger_cli(env, "seal", "--audit", "--county", COUNTY)
        assert audited.returncode == 0 and "sealed 2 volumes: 6 links" in audited.stdout, audited

        async def seen() -> int | None:
            return await _sealed(dsn, "SELECT min(seq) FROM reporting.rp_sealed_links WHERE volume_id = $1"
                                 " AND first_link <> latest_link", VOLUME)  # fmt: skip

        assert await eventually(seen, within=60, what="reporting holds the audit seal") == 2
        refused = await http.post(f"{rep}/reports/{report_id}/approve", headers=city)
        assert refused.status_code == 409, refused.text
        body = refused.json()
        assert body["code"] == "chain_mismatch" and body["field"] == "heads"
        for named in (VOLUME, "第 2 条", entries[1], event_id):
            assert named in body["message"]
        detail = (await http.get(f"{rep}/reports/{report_id}", headers=city)).json()
        assert [h["ok"] for h in detail["heads"] if h["volume_id"] == VOLUME] == [False]
        await _the_volume_pages_second_check_names_it(http, stack, entries[1], event_id)

        await _a_fresh_export_verifies_alone_but_not_against(http, stack, tmp_path, frozen[VOLUME]["head"])

    async def named_on_the_topic() -> TopicVerdict | None:
        verdict = (await verify_topic(devstack.bootstrap, topic_for("ledger"), VOLUME))[VOLUME]
        return verdict if verdict.first_mismatch is not None else None

    verdict = await eventually(named_on_the_topic, within=60, what="the audit seal on the topic")
    assert verdict.first_mismatch is not None and verdict.first_mismatch.seq == 2
    assert (verdict.first_mismatch.entry_id, verdict.first_mismatch.event_id) == (entries[1], event_id)
    assert verdict.head == frozen[VOLUME]["head"]  # the topic keeps the head first sealed
    if verdict.v1_seqs:  # links written before canonical v2 cannot be recomputed from the topic
        assert V1_NOTE in _line(verdict)
    topic = verifier("--topic", topic_for("ledger"), "--bootstrap", devstack.bootstrap, "--volume", VOLUME)
    assert (
        topic.returncode == 1
        and f"不一致 {VOLUME} 第 2 条（记录 {entries[1]}，事件 {event_id}" in topic.stdout
    )


async def _the_volume_pages_second_check_names_it(
    http: httpx.AsyncClient, stack: Any, entry_id: str, event_id: str
) -> None:
    """The ledger's own verify passes the consistent rewrite; the check against the first seals
    (reporting's, what the volume pages show beside it) names the entry. Same access as the volume;
    a malformed id is 404 whoever asks."""
    rep = stack.urls["reporting"]
    city, other = stack.headers("city_admin", "621000"), stack.headers("county_admin", "621026")
    found = await http.get(f"{rep}/sealed-volumes/{VOLUME}", headers=city)
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["ok"] is False and body["first_mismatch"]["seq"] == 2
    assert (body["first_mismatch"]["entry_id"], body["first_mismatch"]["event_id"]) == (entry_id, event_id)
    assert f"第 2 条（记录 {entry_id}" in body["message"]
    assert (await http.get(f"{rep}/sealed-volumes/{VOLUME}", headers=other)).status_code == 403
    for malformed in (f"village:城东村:{YEAR}", "village:621025", f"unit:a b:{YEAR}"):
        r = await http.get(f"{rep}/sealed-volumes/{malformed}", headers=other)
        assert r.status_code == 404 and r.json()["field"] == "volume_id", (malformed, r.text)
    unsealed = await http.get(f"{rep}/sealed-volumes/village:621025100299:{YEAR}", headers=city)
    assert unsealed.status_code == 404 and unsealed.json()["code"] == "not_found"
    # a page that asks every time says so and is told "not sealed yet" without a 404 (a console error)
    asked = await http.get(f"{rep}/sealed-volumes/village:621025100299:{YEAR}?missing=ok", headers=city)
    assert (asked.status_code, asked.json()) == (
        200,
        {"volume_id": f"village:621025100299:{YEAR}", "sealed": False},
    )
    assert (await http.get(f"{rep}/sealed-volumes/{VOLUME}?missing=ok", headers=city)).json()[
        "sealed"
    ] is True
    outside = await http.get(f"{rep}/sealed-volumes/village:621025100299:{YEAR}?missing=ok", headers=other)
    assert outside.status_code == 403  # scope first, as without it
