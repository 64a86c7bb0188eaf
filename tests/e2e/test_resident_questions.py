"""A resident's board question reaches the village's own advisor and is logged once (issue 13), over
HTTP against the real services: the question is listed for that advisor and no other; the answer is
one ledger consultation linked to it (a second answer is refused, the same request replays); the
resident reads the answer with the code; the ledger's topic never carries the phone; a meeting is
asked for at one of the village's on-site times and recorded on site; a question unanswered past the
county's limit (working days) shows on the dashboard, named by village."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from eventkit.clock import now_cst
from reporting.application.questions_view import overdue_questions
from support.scenes import NAMES, SCHEDULE, V1, V2, BoardVillages
from support.waiting import eventually
from test_registry_helpers import COUNTY
from test_registry_topic import read_until
from vc_contracts.catalogue.assessment import ComplianceRulesSet
from vc_contracts.schedules import on_site_times
from vc_contracts.topics import topic_for

PHONE = "13987654321"


Scene = BoardVillages  # the session's shared scene (tests/support/scenes.py)


@pytest.fixture(scope="module")
def scene(board_villages: BoardVillages) -> Scene:
    return board_villages


async def ask(s: Scene, village: str, client: str, **over: Any) -> httpx.Response:
    body = {
        "submission_id": uuid.uuid4().hex,
        "category": "labour",
        "text": "工钱被拖欠半年，怎么讨要？",
        **over,
    }
    return await s.http.post(
        f"{s.registry}/public/villages/{village}/feedback", json=body, headers={"X-Forwarded-For": client}
    )


async def open_for(s: Scene, headers: dict[str, str], feedback_id: str) -> dict[str, Any] | None:
    params = {"status": "open", "page_size": 500}  # the feedback tests' questions share the villages
    response = await s.http.get(f"{s.registry}/feedback", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return next((q for q in response.json()["items"] if q["feedback_id"] == feedback_id), None)


def answer_body(question_id: str, village: str = V1, **over: Any) -> dict[str, Any]:
    return {
        "village_code": village,
        "occurred_at": (now_cst() - timedelta(minutes=5)).isoformat(timespec="seconds"),
        "channel": "online",
        "category": "labour",
        "outcome": "resolved",
        "summary": "可先向劳动监察大队投诉，也可申请劳动仲裁；请保留考勤和工资条。",
        "question_id": question_id,
        **over,
    }


async def answer(s: Scene, body: dict[str, Any], advisor: int = 1, key: str | None = None) -> httpx.Response:
    headers = {**s.advisor(advisor), **({"Idempotency-Key": key} if key else {})}
    return await s.http.post(f"{s.ledger}/consultations", json=body, headers=headers)


async def answered(s: Scene, body: dict[str, Any], key: str) -> httpx.Response:
    """The answer, once the ledger has heard of the question and the assignment (eventually)."""

    async def attempt() -> httpx.Response | None:
        response = await answer(s, body, key=key)
        return response if response.status_code == 201 else None

    return await eventually(attempt, what="the ledger accepts the answer")  # type: ignore[no-any-return]


async def test_a_question_is_answered_once_and_read_back_with_the_code(scene: Scene, devstack: Any) -> None:
    asked = await ask(scene, V1, "198.51.100.60", callback_phone=PHONE)
    assert asked.status_code == 201, asked.text
    question_id, code = asked.json()["feedback_id"], asked.json()["code"]
    assert len(code) == 8

    mine = await eventually(lambda: open_for(scene, scene.advisor(1), question_id), what="listed for A-q-1")
    assert mine["callback_phone"] == PHONE and mine["village_name"] == NAMES[V1] and mine["status"] == "open"
    assert await open_for(scene, scene.advisor(2), question_id) is None  # another village's advisor
    refused = await scene.http.get(
        f"{scene.registry}/feedback", params={"village_code": V1}, headers=scene.advisor(2)
    )
    assert refused.status_code == 403

    body = answer_body(question_id)
    first = await answered(scene, body, key=f"answer-{question_id}")
    entry_id = first.json()["entry_id"]
    replay = await answer(scene, body, key=f"answer-{question_id}")
    assert replay.status_code == 201 and replay.json()["entry_id"] == entry_id
    assert replay.headers["Idempotency-Replayed"] == "true"
    twice = await answer(scene, {**body, "summary": "第二次答复"}, key=f"again-{question_id}")
    assert twice.status_code == 409 and twice.json()["field"] == "question_id", twice.text
    elsewhere = await answer(scene, answer_body(question_id, V2), advisor=2, key=f"v2-{question_id}")
    assert elsewhere.status_code == 422 and elsewhere.json()["field"] == "question_id"

    entries = await scene.http.get(
        f"{scene.ledger}/entries",
        params={"village_code": V1, "kind": "consultation", "page_size": 500},
        headers=scene.advisor(1),
    )
    linked = [e for e in entries.json()["items"] if e["data"].get("question_id") == question_id]
    assert [e["entry_id"] for e in linked] == [entry_id]
    # the answer's half-year (5 min ago: the last one at 00:00-00:05 on 1 January and 1 July)
    day = datetime.fromisoformat(body["occurred_at"])
    half = f"{day.year}H{1 if day.month <= 6 else 2}"
    county = scene.stack.headers("county_admin", COUNTY, "q-county-admin")

    async def counted() -> dict[str, Any] | None:  # the statistics count the answer once
        url = f"{scene.stack.urls['reporting']}/statistics"
        r = await scene.http.get(url, params={"period": half, "division": V1}, headers=county)
        rows = [row for row in r.json()["rows"] if row["village_code"] == V1] if r.status_code == 200 else []
        return rows[0] if rows and rows[0]["consultations_online"] >= 1 else None

    assert (await eventually(counted, what="the statistics count the answer"))["consultations_online"] == 1

    async def read() -> dict[str, Any] | None:
        r = await scene.http.get(f"{scene.registry}/public/villages/{V1}/questions/{code.lower()}")
        assert r.status_code == 200, r.text
        return r.json() if r.json()["status"] == "answered" else None

    page = await eventually(read, what="the answer reaches the resident")
    assert page["answer"] == body["summary"] and page["channel_label"] == "网络"
    assert "callback_phone" not in page and PHONE not in json.dumps(page)
    wrong = await scene.http.get(f"{scene.registry}/public/villages/{V2}/questions/{code}")
    assert wrong.status_code == 404 and wrong.json()["field"] == "code"
    assert await open_for(scene, scene.advisor(1), question_id) is None  # no longer open

    records = await read_until(
        devstack.bootstrap, topic_for("ledger"), {first.json()["events"][0]["event_id"]}
    )
    for topic in ("ledger", "registry"):
        recs = records if topic == "ledger" else await read_until(
            devstack.bootstrap, topic_for("registry"), {asked.json()["events"][0]["event_id"]}
        )  # fmt: skip
        assert all(PHONE.encode() not in r.value and code.encode() not in r.value for r in recs)
    (given,) = [
        r for r in records if json.loads(r.value)["event_id"] == first.json()["events"][0]["event_id"]
    ]
    data = json.loads(given.value)["data"]
    assert data["question_id"] == question_id and json.loads(given.value)["schema_version"] == 2


async def test_a_meeting_is_asked_for_at_an_on_site_time_and_recorded_on_site(scene: Scene) -> None:
    slot = on_site_times(SCHEDULE, now_cst())[0].start
    off = slot + timedelta(hours=1)
    refused = await ask(scene, V1, "198.51.100.61", kind="meeting", meeting_at=off.isoformat())
    assert refused.status_code == 422 and refused.json()["field"] == "meeting_at", refused.text
    asked = await ask(scene, V1, "198.51.100.61", kind="meeting", meeting_at=slot.isoformat())
    assert asked.status_code == 201, asked.text
    question_id = asked.json()["feedback_id"]
    item = await eventually(lambda: open_for(scene, scene.advisor(1), question_id), what="the meeting listed")
    assert item["kind"] == "meeting" and datetime.fromisoformat(item["meeting_at"]) == slot

    async def online_refused() -> httpx.Response | None:
        r = await answer(scene, answer_body(question_id), key=f"online-{question_id}")
        return r if r.status_code == 422 else None

    online = await eventually(online_refused, what="the ledger knows the meeting")
    assert online.json()["field"] == "channel"
    on_site = await answer(scene, answer_body(question_id, channel="on_site"), key=f"site-{question_id}")
    assert on_site.status_code == 201, on_site.text


async def test_an_unanswered_question_past_the_countys_limit_shows_on_the_dashboard(
    scene: Scene, devstack: Any
) -> None:
    asked = await ask(scene, V2, "198.51.100.62", text="邻居占道盖房，怎么办？")
    assert asked.status_code == 201, asked.text
    question_id = asked.json()["feedback_id"]
    county = scene.stack.headers("county_admin", COUNTY, "q-county-admin")

    async def tile() -> dict[str, Any] | None:
        r = await scene.http.get(
            f"{scene.stack.urls['reporting']}/dashboard/overview", params={"division": COUNTY}, headers=county
        )
        return r.json()["tiles"]["questions"] if r.status_code == 200 else None

    shown = await eventually(tile, what="the dashboard's questions tile")
    assert shown["label"] == "居民提问逾期未答复" and "3个工作日" in shown["rule"]["text"]
    assert all(q["question_id"] != question_id for q in shown["items"])  # asked just now: not overdue
    assert "advisor" not in json.dumps(shown)  # villages only: nothing ranks advisors

    pool = await asyncpg.create_pool(devstack.dsn, min_size=1, max_size=2)
    try:

        async def known() -> bool:
            row = await pool.fetchval(
                "SELECT 1 FROM reporting.board_questions WHERE question_id = $1", question_id
            )
            return row is not None

        await eventually(known, what="reporting's copy of the question")
        later = now_cst() + timedelta(days=7)  # at least five working days on
        found = await overdue_questions(pool, "reporting", V2, [], later)
        (item,) = [q for q in found["items"] if q["question_id"] == question_id]
        assert item["village_name"] == NAMES[V2] and item["limit_working_days"] == 3
        assert item["working_days_open"] == 5 and found["value"] >= 1
        strict = ComplianceRulesSet(
            division_code=COUNTY, version=1, effective_from=now_cst().date(), question_answer_working_days=1
        )
        tomorrow_but_one = now_cst() + timedelta(days=4)
        assert any(
            q["limit_working_days"] == 1
            for q in (await overdue_questions(pool, "reporting", V2, [strict], tomorrow_but_one))["items"]
        )
    finally:
        await pool.close()
