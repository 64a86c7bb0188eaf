"""Idempotency keys on the ledger (in-process app, real PostgreSQL and broker): a retry gets the first
answer byte for byte, a different request under a used key is refused, keys are per caller, and two
identical requests at the same moment make one entry."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from test_ledger_harness import Cast, Ledger, at, ledger_scene
from vc_contracts import CST

DAY = (datetime.now(CST) - timedelta(days=4)).date()


@pytest.fixture(scope="module")
async def scene(devstack) -> AsyncIterator[tuple[Ledger, Cast]]:  # type: ignore[no-untyped-def]
    async with ledger_scene(devstack, DAY) as found:
        yield found


def lecture(cast: Cast, hour: int, topic: str = "反电信网络诈骗") -> dict[str, Any]:
    return {"village_code": cast.villages[0], "occurred_at": at(DAY, hour), "topic": topic, "audience": 30}


async def events_of(ledger: Ledger, entry_id: str) -> int:
    count = await ledger.pool.fetchval(
        "SELECT count(*) FROM ledger.events WHERE stream_id = $1", f"entry-{entry_id}"
    )
    return int(count)


def replayed(r: httpx.Response) -> bool:
    return r.headers.get("Idempotency-Replayed") == "true"


async def test_a_retry_gets_the_first_answer_byte_for_byte_and_its_entry_exists(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    me = {**ledger.headers("advisor", "621025", cast.advisor("li"), cast.firm), "Idempotency-Key": "lec-1"}
    first = await ledger.http.post("/lectures", json=lecture(cast, 8), headers=me)
    again = await ledger.http.post("/lectures", json=lecture(cast, 8), headers=me)
    assert first.status_code == again.status_code == 201, (first.text, again.text)
    assert again.content == first.content and replayed(again) and not replayed(first)
    entry_id = again.json()["entry_id"]
    found = await ledger.http.get(f"/entries/{entry_id}", headers=me)
    assert found.status_code == 200, found.text
    assert await events_of(ledger, entry_id) == 1


async def test_a_retried_correction_replays_its_answer_and_corrects_once(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    me = ledger.headers("advisor", "621025", cast.advisor("li"), cast.firm)
    logged = await ledger.http.post("/lectures", json=lecture(cast, 9), headers=me)
    entry_id = logged.json()["entry_id"]
    keyed = {**me, "Idempotency-Key": "fix-1"}
    fix = {"changes": {"audience": 45}, "reason": "签到表复核"}
    first = await ledger.http.post(f"/entries/{entry_id}/corrections", json=fix, headers=keyed)
    again = await ledger.http.post(f"/entries/{entry_id}/corrections", json=fix, headers=keyed)
    assert first.status_code == again.status_code == 201 and again.content == first.content
    assert await events_of(ledger, entry_id) == 2


async def test_the_same_key_on_a_different_body_or_endpoint_is_refused_naming_the_key(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    me = {**ledger.headers("advisor", "621025", cast.advisor("li"), cast.firm), "Idempotency-Key": "lec-2"}
    assert (await ledger.http.post("/lectures", json=lecture(cast, 10), headers=me)).status_code == 201
    other = await ledger.http.post("/lectures", json=lecture(cast, 13, "民法典进农村"), headers=me)
    assert other.status_code == 422, other.text
    assert other.json()["code"] == "idempotency_key_reused" and "lec-2" in other.json()["message"]
    publicity = {**lecture(cast, 15), "audience": 80}
    elsewhere = await ledger.http.post("/publicity-events", json=publicity, headers=me)
    assert elsewhere.status_code == 422 and elsewhere.json()["code"] == "idempotency_key_reused"
    # the second lecture was never logged under the old key; with a new key it is
    fresh = {**me, "Idempotency-Key": "lec-3"}
    assert (
        await ledger.http.post("/lectures", json=lecture(cast, 13, "民法典进农村"), headers=fresh)
    ).status_code == 201


async def test_a_client_entry_id_sent_again_with_other_content_is_refused_not_replayed(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    me = ledger.headers("advisor", "621025", cast.advisor("li"), cast.firm)
    body = {**lecture(cast, 16), "client_entry_id": "phone-7"}
    first = await ledger.http.post("/lectures", json=body, headers=me)
    again = await ledger.http.post("/lectures", json=body, headers=me)
    assert first.status_code == again.status_code == 201 and again.content == first.content
    changed = await ledger.http.post("/lectures", json={**body, "audience": 31}, headers=me)
    assert changed.status_code == 422 and changed.json()["code"] == "idempotency_key_reused"
    assert changed.json()["field"] == "client_entry_id"


async def test_two_callers_may_use_the_same_key(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    li = {**ledger.headers("advisor", "621025", cast.advisor("li"), cast.firm), "Idempotency-Key": "k1"}
    zhao = {**ledger.headers("advisor", "621025", cast.advisor("zhao"), cast.office), "Idempotency-Key": "k1"}
    theirs = {**lecture(cast, 17), "village_code": cast.villages[2]}
    mine = await ledger.http.post("/lectures", json=lecture(cast, 17), headers=li)
    other = await ledger.http.post("/lectures", json=theirs, headers=zhao)
    assert mine.status_code == other.status_code == 201, other.text
    assert mine.json()["entry_id"] != other.json()["entry_id"] and not replayed(other)


async def test_two_identical_requests_at_once_make_one_entry_and_one_replay(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    me = {**ledger.headers("advisor", "621025", cast.advisor("li"), cast.firm), "Idempotency-Key": "race-1"}
    body = {"village_code": cast.villages[1], "started_at": at(DAY, 18), "ended_at": at(DAY, 20),
            "place": "村委会", "summary": "夜间坐班"}  # fmt: skip
    a, b = await asyncio.gather(
        ledger.http.post("/visits", json=body, headers=me), ledger.http.post("/visits", json=body, headers=me)
    )
    assert a.status_code == b.status_code == 201, (a.text, b.text)
    assert a.content == b.content and sorted([replayed(a), replayed(b)]) == [False, True]
    assert await events_of(ledger, a.json()["entry_id"]) == 1
    stored = await ledger.pool.fetchval(
        "SELECT count(*) FROM ledger.events WHERE event_type = 'VisitLogged' AND data->>'summary' = $1",
        "夜间坐班",
    )
    assert stored == 1


async def test_an_overlong_key_is_refused_in_the_error_format(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    me = {**ledger.headers("advisor", "621025", cast.advisor("li"), cast.firm), "Idempotency-Key": "k" * 4000}
    r = await ledger.http.post("/lectures", json=lecture(cast, 19), headers=me)
    assert r.status_code == 422 and r.json()["code"] == "validation_failed"


async def test_an_answer_is_not_replayed_to_the_same_subject_acting_with_other_authority(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    li = cast.advisor("li")
    me = {**ledger.headers("advisor", "621025", li, cast.firm), "Idempotency-Key": "lec-auth"}
    assert (await ledger.http.post("/lectures", json=lecture(cast, 7), headers=me)).status_code == 201
    # advisors' scopes are counties (eventkit.auth): the same subject acting for another county
    other = {**ledger.headers("advisor", "621026", li, cast.firm), "Idempotency-Key": "lec-auth"}
    r = await ledger.http.post("/lectures", json=lecture(cast, 7), headers=other)
    assert r.status_code == 422 and r.json()["code"] == "idempotency_key_reused"


async def test_a_client_entry_id_replays_its_entry_whatever_key_the_retry_carries(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    me = ledger.headers("advisor", "621025", cast.advisor("li"), cast.firm)
    body = {**lecture(cast, 21), "client_entry_id": "cid-2"}
    first = await ledger.http.post("/lectures", json=body, headers={**me, "Idempotency-Key": "hk-1"})
    assert first.status_code == 201 and not replayed(first), first.text
    # a key once used for another request does not count either: the client entry id decides
    used = {**me, "Idempotency-Key": "lec-other"}
    assert (await ledger.http.post("/lectures", json=lecture(cast, 6), headers=used)).status_code == 201
    for key in (None, "hk-1", "hk-2", "lec-other"):
        headers = {**me, "Idempotency-Key": key} if key else me
        again = await ledger.http.post("/lectures", json=body, headers=headers)
        assert again.status_code == 201, (key, again.text)
        assert again.content == first.content and replayed(again), key
    assert await events_of(ledger, first.json()["entry_id"]) == 1


@pytest.mark.parametrize("key", [None, "hk-3", "hk-4"])
async def test_other_content_under_a_used_client_entry_id_is_refused_naming_that_field(scene, key) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    me = ledger.headers("advisor", "621025", cast.advisor("li"), cast.firm)
    body = {**lecture(cast, 22), "client_entry_id": "cid-3"}
    if key == "hk-3":  # the first answer was given under this key
        first = await ledger.http.post("/lectures", json=body, headers={**me, "Idempotency-Key": key})
    else:
        first = await ledger.http.post("/lectures", json=body, headers=me)
    assert first.status_code == 201, first.text  # after the first case: a replay
    headers = {**me, "Idempotency-Key": key} if key else me
    publicity = {**body, "audience": 80}
    for path, other in (("/lectures", {**body, "audience": 31}), ("/publicity-events", publicity)):
        refused = await ledger.http.post(path, json=other, headers=headers)
        assert refused.status_code == 422, refused.text
        answer = refused.json()
        assert (answer["code"], answer["field"]) == ("idempotency_key_reused", "client_entry_id")
        assert "客户端编号" in answer["message"] and "cid-3" in answer["message"]
        assert "ledger:" not in answer["message"]
    assert await events_of(ledger, first.json()["entry_id"]) == 1


IMPORT_HEADINGS = "类型,顾问编号,村（社区）代码,开始时间,主题,参加人数,客户端编号\n"


def lectures_file(cast: Cast, *clients: str) -> bytes:
    rows = [f"法治讲座,{cast.advisor('li')},{cast.villages[1]},{DAY} {10 + n}:00,普法,20,{c}\n"
            for n, c in enumerate(clients)]  # fmt: skip
    return (IMPORT_HEADINGS + "".join(rows)).encode()


async def test_an_import_under_a_key_replays_its_first_answer_and_refuses_another_file(scene) -> None:  # type: ignore[no-untyped-def]
    # given a unit's import sent with an Idempotency-Key, when the same file is sent again under it,
    # then the first answer comes back (201, imported 2), not a fresh 200 "unchanged"; and another
    # file under the same key is 422 naming the key, writing nothing (the key was ignored: it ran)
    ledger, cast = scene
    unit = {**ledger.headers("law_firm", "621025", "idem-staff", cast.firm), "Content-Type": "text/csv"}
    keyed = {**unit, "Idempotency-Key": "import-1"}
    first = await ledger.http.post("/imports", content=lectures_file(cast, "imp-1", "imp-2"), headers=keyed)
    assert first.status_code == 201 and first.json()["imported"] == 2, first.text
    again = await ledger.http.post("/imports", content=lectures_file(cast, "imp-1", "imp-2"), headers=keyed)
    assert (again.status_code, again.content) == (201, first.content) and replayed(again), again.text
    before = await ledger.pool.fetchval("SELECT count(*) FROM ledger.events")
    other = await ledger.http.post("/imports", content=lectures_file(cast, "imp-3"), headers=keyed)
    assert other.status_code == 422, other.text
    assert (other.json()["code"], other.json()["field"]) == ("idempotency_key_reused", "Idempotency-Key")
    assert await ledger.pool.fetchval("SELECT count(*) FROM ledger.events") == before
    # nothing new under a fresh key: its own first answer (200, unchanged) is what it replays
    fresh = {**unit, "Idempotency-Key": "import-2"}
    same = await ledger.http.post("/imports", content=lectures_file(cast, "imp-1"), headers=fresh)
    assert same.status_code == 200 and same.json()["unchanged"] == 1, same.text
    twice = await ledger.http.post("/imports", content=lectures_file(cast, "imp-1"), headers=fresh)
    assert (twice.status_code, twice.content) == (200, same.content) and replayed(twice), twice.text


async def test_two_identical_imports_under_one_key_at_once_write_once_and_replay(scene) -> None:  # type: ignore[no-untyped-def]
    # given the same file sent twice at the same moment under one key (a double click, a retry after a
    # timeout), when both run, then one writes and the other gets its answer replayed, never a 409
    ledger, cast = scene
    keyed = {**ledger.headers("law_firm", "621025", "twin-staff", cast.firm), "Content-Type": "text/csv",
             "Idempotency-Key": "import-twin"}  # fmt: skip
    content = lectures_file(cast, "twin-1", "twin-2", "twin-3")
    answers = await asyncio.gather(
        *(ledger.http.post("/imports", content=content, headers=keyed) for _ in range(2))
    )
    assert sorted(a.status_code for a in answers) == [201, 201], [a.text for a in answers]
    assert answers[0].content == answers[1].content
    assert sorted(replayed(a) for a in answers) == [False, True]
