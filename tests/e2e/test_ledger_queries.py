"""The village committee queries (质疑) an entry over HTTP against the ledger as a real process: the
reason shows in the entry and the volume, a retried request with the same Idempotency-Key is replayed
(not a second query), another village's committee and the advisor get 403, and the advisor's
correction answers the query."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import httpx
import pytest
from test_ledger_support import FIRM, LI, V2, V4, World, at, ensure_world
from vc_contracts import CST

# The lectures' day: three days ago, so on 1–3 January last year's; the volume read is that day's year.
DAY = (datetime.now(CST) - timedelta(days=3)).date()


@pytest.fixture(scope="module")
async def world(stack) -> AsyncIterator[World]:  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(timeout=30, trust_env=False) as http:
        w = World(http, stack)
        await ensure_world(w)
        yield w


async def _lecture(w: World, client_entry_id: str) -> str:
    day = DAY
    body = {"village_code": V4, "occurred_at": at(day, 10), "topic": "反电信诈骗", "audience": 25,
            "client_entry_id": client_entry_id}  # fmt: skip
    r = await w.post("/lectures", body, w.advisor(LI, FIRM))
    assert r.status_code == 201, r.text
    return str(r.json()["entry_id"])


async def test_the_committee_queries_an_entry_once_and_the_reason_shows(world: World) -> None:
    w = world
    entry_id = await _lecture(w, "query-lecture")
    path, reason = f"/entries/{entry_id}/queries", {"reason": "当天村里没有举办讲座"}
    keyed = {**w.committee(V4), "Idempotency-Key": "query-1"}
    first = await w.post(path, reason, keyed)
    assert first.status_code == 201, first.text
    again = await w.post(path, reason, keyed)  # retried: its stored answer, not a second query
    assert again.status_code == 201 and again.headers.get("Idempotency-Replayed") == "true"
    assert again.json() == first.json()
    fresh = await w.post(path, {"reason": "再问一次"}, w.committee(V4))  # a new request: already queried
    assert fresh.status_code == 409, fresh.text
    assert (fresh.json()["code"], fresh.json()["field"]) == ("conflict", "entry_id")

    entry = (await w.get(f"/entries/{entry_id}", w.advisor(LI, FIRM))).json()
    assert entry["queried"] is True and entry["query_reason"] == "当天村里没有举办讲座"
    assert entry["queried_by"] == f"committee-{V4}" and entry["queried_at"].endswith("+08:00")
    assert [h["event_type"] for h in entry["history"]] == ["EntryQueried"]
    volume = (await w.get(f"/volumes/village/{V4}/{DAY.year}", w.committee(V4))).json()
    mine = next(e for e in volume["entries"] if e["entry_id"] == entry_id)
    assert mine["status"] == "有质疑：当天村里没有举办讲座"
    assert any("质疑" in line and "当天村里没有举办讲座" in line for line in mine["notes"])

    fix = {"changes": {"audience": 20}, "reason": "讲座改在村小学，人数按签到表"}
    assert (await w.post(f"/entries/{entry_id}/corrections", fix, w.advisor(LI, FIRM))).status_code == 201
    answered = (await w.get(f"/entries/{entry_id}", w.committee(V4))).json()
    assert answered["queried"] is False  # answered; the reason stays in the history
    assert answered["query_reason"] == "当天村里没有举办讲座"


async def test_queries_outside_the_committee_or_its_village_are_refused(world: World) -> None:
    w = world
    entry_id = await _lecture(w, "query-refused")
    path = f"/entries/{entry_id}/queries"
    other = await w.post(path, {"reason": "不属实"}, w.committee(V2))
    assert other.status_code == 403 and other.json()["code"] == "forbidden", other.text
    advisor = await w.post(path, {"reason": "不属实"}, w.advisor(LI, FIRM))
    assert advisor.status_code == 403
    blank = await w.post(path, {"reason": "   "}, w.committee(V4))
    assert blank.status_code == 422 and "reason" in blank.json()["field"], blank.text
    missing = await w.post("/entries/E-nope/queries", {"reason": "不属实"}, w.committee(V4))
    assert missing.status_code == 404
    entry = (await w.get(f"/entries/{entry_id}", w.committee(V4))).json()
    assert entry["queried"] is False and entry["history"] == []  # nothing written by a refusal
    await w.post(f"/entries/{entry_id}/confirmation", None, w.committee(V4))
    confirmed = await w.post(path, {"reason": "不属实"}, w.committee(V4))
    assert confirmed.status_code == 409 and "已确认" in confirmed.json()["message"]
