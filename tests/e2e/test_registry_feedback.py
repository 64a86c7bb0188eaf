"""Residents' feedback from the public notice board, against the real registry: no token needed,
validated per field, idempotent per submission, rate-limited per client and village (429), the call-back phone
kept off the public topic, and listed only to the village's advisor and the county. The question's
answer through the ledger: tests/e2e/test_resident_questions.py."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from support.scenes import ADVISORS, NAMES, UNIT, V1, V2, BoardVillages
from support.waiting import eventually
from test_registry_helpers import COUNTY, OTHER_COUNTY, Api
from test_registry_topic import read_until
from vc_contracts.topics import topic_for

PHONE = "13912345678"


@dataclass
class Scene:
    http: httpx.AsyncClient
    url: str
    county: Api
    stack: Any


def submission(**over: Any) -> dict[str, Any]:
    return {"submission_id": uuid.uuid4().hex, "category": "land", "text": "承包地被占，想咨询怎么办", **over}


@pytest.fixture(scope="module")
def scene(board_villages: BoardVillages) -> Scene:
    """The session's shared villages (tests/support/scenes.py): V1 served by A-q-1, V2 by A-q-2."""
    return Scene(board_villages.http, board_villages.registry, board_villages.county(), board_villages.stack)


async def leave(s: Scene, village: str, body: dict[str, Any], client: str = "198.51.100.1") -> httpx.Response:
    return await s.http.post(
        f"{s.url}/public/villages/{village}/feedback", json=body, headers={"X-Forwarded-For": client}
    )


async def listed(s: Scene, headers: dict[str, str], **params: Any) -> httpx.Response:
    params = {"page_size": 500, **params}  # the question tests' questions share the villages
    return await s.http.get(f"{s.url}/feedback", params=params, headers=headers)


async def test_feedback_needs_no_token_and_a_double_submit_is_recorded_once(scene: Scene) -> None:
    body = submission(callback_phone=PHONE)
    first = await leave(scene, V1, body, "198.51.100.10")
    assert first.status_code == 201, first.text
    again = await leave(scene, V1, body, "198.51.100.10")
    assert again.status_code == 201 and again.content == first.content
    assert again.headers["Idempotency-Replayed"] == "true"
    other = await leave(scene, V1, {**body, "text": "另一个问题"}, "198.51.100.10")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert other.json()["field"] == "submission_id"
    mine = await listed(scene, scene.county.headers, village_code=V1)
    ids = [f["feedback_id"] for f in mine.json()["items"]]
    assert ids.count(first.json()["feedback_id"]) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "有\x00空字符"}, "text"),
        ({"text": "长" * 2001}, "text"),
        ({"category": "weather"}, "category"),
        ({"callback_phone": "12345"}, "callback_phone"),
        ({"submission_id": "x"}, "submission_id"),
    ],
)
async def test_bad_feedback_is_refused_naming_the_field_in_chinese(
    scene: Scene, change: dict[str, Any], field: str
) -> None:
    response = await leave(scene, V1, submission(**change), "198.51.100.20")
    assert response.status_code == 422, response.text
    error = response.json()
    assert error["code"] == "validation_failed" and error["field"] == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["errors"][0]["reason"])


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("我的身份证号是 62102519800101123X，宅基地证写错了", "身份证号码"),
        ("请打 13912345678 联系我", "手机号码"),
    ],
)
async def test_a_question_holding_a_personal_number_is_refused_it_would_be_public(
    scene: Scene, text: str, number: str
) -> None:
    # given a question shown back on the public board with its answer, when it holds an ID or a
    # mobile number, then 422 naming the text (the callback number has a private field of its own)
    response = await leave(scene, V1, submission(text=text), "198.51.100.22")
    assert response.status_code == 422, response.text
    error = response.json()
    assert error["field"] == "text" and number in error["message"] and "回电号码" in error["message"]


async def test_a_number_inside_a_longer_code_is_no_personal_number(scene: Scene) -> None:
    response = await leave(
        scene, V1, submission(text="合同编号 HT139123456789012 的违约金怎么算"), "198.51.100.23"
    )
    assert response.status_code == 201, response.text


async def test_feedback_for_an_unknown_village_is_404(scene: Scene) -> None:
    response = await leave(scene, "621025308299", submission(), "198.51.100.21")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


async def test_the_21st_question_from_one_client_in_a_minute_is_refused_in_chinese(scene: Scene) -> None:
    client = "198.51.100.30"
    for _ in range(20):  # VC_QUESTIONS_PER_MINUTE's default
        assert (await leave(scene, V2, submission(), client)).status_code == 201
    refused = await leave(scene, V2, submission(), client)
    assert refused.status_code == 429
    error = refused.json()
    assert error["code"] == "rate_limited" and "每分钟最多可向本村提交 20 条" in error["message"]
    assert (await leave(scene, V2, submission(), "198.51.100.31")).status_code == 201  # another client
    assert (await leave(scene, V1, submission(), client)).status_code == 201  # another village's board


async def test_the_phone_stays_off_the_public_topic(scene: Scene, devstack: Any) -> None:
    response = await leave(scene, V1, submission(callback_phone="13900002222"), "198.51.100.40")
    assert response.status_code == 201
    event_id = response.json()["events"][0]["event_id"]
    records = await read_until(devstack.bootstrap, topic_for("registry"), {event_id})
    (record,) = [r for r in records if json.loads(r.value)["event_id"] == event_id]
    assert b"13900002222" not in record.value
    data = json.loads(record.value)["data"]
    assert data["callback_requested"] is True and "phone" not in json.dumps(data)
    rows = (await listed(scene, scene.county.headers, village_code=V1)).json()["items"]
    assert {"feedback_id": response.json()["feedback_id"], "callback_phone": "13900002222"}.items() <= next(
        r for r in rows if r["feedback_id"] == response.json()["feedback_id"]
    ).items()


async def test_the_list_is_for_the_villages_advisor_and_the_county_only(scene: Scene) -> None:
    await leave(scene, V1, submission(text="给一村顾问的问题"), "198.51.100.50")
    await leave(scene, V2, submission(text="给二村顾问的问题"), "198.51.100.50")
    h = scene.stack.headers

    async def served() -> httpx.Response | None:  # the advisor's villages come from the read model
        r = await listed(scene, h("advisor", COUNTY, ADVISORS[V1], UNIT))
        return r if r.status_code == 200 and r.json()["items"] else None

    own = await eventually(served, what="the advisor's village in the read model")
    assert {r["village_code"] for r in own.json()["items"]} == {V1}
    assert "callback_phone" in own.json()["items"][0] and own.json()["items"][0]["village_name"] == NAMES[V1]
    refused = await listed(scene, h("advisor", COUNTY, ADVISORS[V1], UNIT), village_code=V2)
    assert refused.status_code == 403 and refused.json()["field"] == "village_code"
    county = await listed(scene, scene.county.headers)
    assert {V1, V2} <= {r["village_code"] for r in county.json()["items"]}
    other = await listed(scene, h("county_admin", OTHER_COUNTY, "fb-other"), village_code=V1)
    assert other.status_code == 403
    firm = await listed(scene, h("law_firm", COUNTY, "fb-firm", UNIT))
    assert firm.status_code == 403
    anonymous = await scene.http.get(f"{scene.url}/feedback")
    assert anonymous.status_code == 401
