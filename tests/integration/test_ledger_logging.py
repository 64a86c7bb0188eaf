"""Logging every kind of entry over HTTP (in-process app, real PostgreSQL and broker), with the
rules that need the ledger's read models: assignment on the day, and no two places at once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from test_ledger_harness import Cast, Ledger, at, ledger_scene
from vc_contracts import CST

DAY = (datetime.now(CST) - timedelta(days=3)).date()


@pytest.fixture(scope="module")
async def scene(devstack) -> AsyncIterator[tuple[Ledger, Cast]]:  # type: ignore[no-untyped-def]
    async with ledger_scene(devstack, DAY) as found:
        yield found


async def test_an_advisor_logs_each_kind_of_entry_and_the_answer_names_the_assignment(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    v1 = cast.villages[0]
    me = ledger.headers("advisor", "621025", cast.advisor("li"), cast.firm)
    bodies = {
        "/visits": {"started_at": at(DAY, 8), "ended_at": at(DAY, 11), "place": "村委会", "summary": "坐班"},
        "/lectures": {"occurred_at": at(DAY, 14), "topic": "反电诈", "audience": 60},
        "/publicity-events": {"occurred_at": at(DAY, 15), "topic": "宪法宣传日", "audience": 200,
                              "co_organisers": ["县司法局普法与依法治理股"]},
        "/consultations": {"occurred_at": at(DAY, 21), "channel": "wechat", "category": "land",
                           "outcome": "referred", "summary": "宅基地确权"},
        "/mediations": {"occurred_at": at(DAY, 10), "parties": 2, "category": "neighbour",
                        "outcome": "agreed", "summary": "排水沟纠纷"},
        "/document-reviews": {"occurred_at": at(DAY, 16), "document_kind": "village_rules",
                              "title": "村规民约（修订稿）", "summary": "删除违法罚款条款"},
    }  # fmt: skip
    for path, body in bodies.items():
        r = await ledger.http.post(path, json={"village_code": v1, **body}, headers=me)
        assert r.status_code == 201, (path, r.text)
        assert r.json()["assignment"]["assignment_id"].startswith(f"AS-{ledger.tag}-{v1}")
        assert "依据指派" in r.json()["assignment"]["basis"]
    listed = await ledger.http.get("/entries", params={"village_code": v1}, headers=me)
    kinds = {e["kind"] for e in listed.json()["items"]}
    assert kinds == {"visit", "lecture", "publicity", "consultation", "mediation", "document_review"}
    # every time in the answer is shown in +08:00 (never Z), the recording time included
    times = [
        e[k] for e in listed.json()["items"] for k in ("occurred_at", "started_at", "ended_at", "logged_at")
    ]
    assert times and all(t.endswith("+08:00") for t in times), times


async def test_an_advisor_not_assigned_to_the_village_is_refused_and_told_who_is(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    me = ledger.headers("advisor", "621025", cast.advisor("li"), cast.firm)
    body = {"village_code": cast.villages[2], "occurred_at": at(DAY, 9), "topic": "普法", "audience": 10}
    r = await ledger.http.post("/lectures", json=body, headers=me)
    assert r.status_code == 422 and r.json()["field"] == "village_code"
    assert cast.advisor("zhao") in r.json()["message"]  # the holder that day is named


async def test_one_advisor_cannot_be_on_site_in_two_villages_at_once(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    v1, v2 = cast.villages[:2]
    day = DAY - timedelta(days=1)
    me = ledger.headers("advisor", "621025", cast.advisor("li"), cast.firm)
    first = {
        "village_code": v1,
        "started_at": at(day, 9),
        "ended_at": at(day, 12),
        "place": "村委会",
        "summary": "坐班",
    }
    assert (await ledger.http.post("/visits", json=first, headers=me)).status_code == 201
    clash = {**first, "village_code": v2, "started_at": at(day, 11), "ended_at": at(day, 13)}
    r = await ledger.http.post("/visits", json=clash, headers=me)
    assert r.status_code == 409 and v1 in r.json()["message"]
    lecture = {"village_code": v2, "occurred_at": at(day, 10), "topic": "普法", "audience": 5}
    assert (await ledger.http.post("/lectures", json=lecture, headers=me)).status_code == 409
    wechat = {"village_code": v2, "occurred_at": at(day, 10), "channel": "wechat", "category": "other",
              "outcome": "resolved", "summary": "微信答复"}  # fmt: skip
    assert (await ledger.http.post("/consultations", json=wechat, headers=me)).status_code == 201
    after = {**clash, "started_at": at(day, 12), "ended_at": at(day, 14)}  # back to back is fine
    assert (await ledger.http.post("/visits", json=after, headers=me)).status_code == 201


async def test_a_retried_upload_with_the_same_client_entry_id_is_one_entry(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    me = ledger.headers("advisor", "621025", cast.advisor("li"), cast.firm)
    body = {"village_code": cast.villages[1], "occurred_at": at(DAY, 19), "channel": "phone",
            "category": "labour", "outcome": "resolved", "summary": "工伤认定",
            "client_entry_id": "phone-42"}  # fmt: skip
    first = await ledger.http.post("/consultations", json=body, headers=me)
    again = await ledger.http.post("/consultations", json=body, headers=me)
    assert first.status_code == again.status_code == 201
    assert again.content == first.content and again.headers["Idempotency-Replayed"] == "true"


async def test_a_visit_longer_than_the_limit_or_in_the_future_is_refused(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    me = ledger.headers("advisor", "621025", cast.advisor("li"), cast.firm)
    day = DAY - timedelta(days=2)
    long = {"village_code": cast.villages[0], "started_at": at(day, 6), "ended_at": at(day, 19),
            "place": "村委会", "summary": "全天"}  # fmt: skip
    r = await ledger.http.post("/visits", json=long, headers=me)
    assert r.status_code == 422 and "12 小时" in r.json()["message"]
    tomorrow = (datetime.now(CST) + timedelta(days=1)).date()
    future = {**long, "started_at": at(tomorrow, 9), "ended_at": at(tomorrow, 10)}
    assert (await ledger.http.post("/visits", json=future, headers=me)).status_code == 422
