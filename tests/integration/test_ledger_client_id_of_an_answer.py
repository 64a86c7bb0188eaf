"""A client entry id used by an entry answering a resident's question (whose entry id is the
question's, not the hash of advisor and client id) is still that advisor's: a backfill row, or
another entry logged over HTTP, with the same client id is refused in the documented error format,
never a 500, and never a second entry with the same (advisor, client id). The other way round too:
an answer whose client id an imported row holds already (in-process app, real PostgreSQL and broker).
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest
from eventkit.clock import now_cst
from support.waiting import eventually
from test_ledger_harness import Cast, Ledger, ledger_service, set_the_scene
from vc_contracts import CST
from vc_contracts.catalogue.enums import ConsultationCategory
from vc_contracts.catalogue.registry import ResidentFeedbackReceived

YEAR = datetime.now(CST).year - 1
HEADINGS = ["类型", "顾问编号", "村（社区）代码", "开始时间", "结束时间", "地点", "内容摘要",
            "主题", "参加人数", "渠道", "类别", "结果", "客户端编号"]  # fmt: skip


@pytest.fixture(scope="module")
async def scene(devstack) -> AsyncIterator[tuple[Ledger, Cast]]:  # type: ignore[no-untyped-def]
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        yield ledger, await set_the_scene(ledger, date(YEAR, 1, 1))


def lecture(advisor: str, village: str, day: int, client: str, audience: object = "45") -> list[object]:
    start = f"{YEAR}-05-{day:02d} 14:00"
    return ["法治讲座", advisor, village, start, "", "", "", "民法典", audience, "", "", "", client]


def as_csv(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADINGS, *rows])
    return out.getvalue().encode("utf-8-sig")


async def upload(ledger: Ledger, cast: Cast, rows: list[list[object]]) -> httpx.Response:
    unit = ledger.headers("law_firm", "621025", "staff", cast.firm)
    headers = {**unit, "Content-Type": "text/csv"}
    return await ledger.http.post("/imports", content=as_csv(rows), headers=headers)


async def ask(ledger: Ledger, village: str, name: str) -> str:
    """A resident's question on the village's board, as the registry publishes it; its id."""
    question_id = f"Q-{ledger.tag}-{name}"
    asked = ResidentFeedbackReceived(feedback_id=question_id, village_code=village,
                                     category=ConsultationCategory.labour, text="工资被拖欠怎么办？",
                                     callback_requested=False)  # fmt: skip
    await ledger.publish_registry([(f"question-{name}", asked)])

    async def heard() -> bool:
        found = await ledger.pool.fetchval(
            "SELECT count(*) FROM ledger.board_questions WHERE question_id = $1 AND village_code IS NOT NULL",
            question_id,
        )
        return bool(found)

    await eventually(heard, what="the ledger hears of the question")
    return question_id


def consultation(village: str, client: str, **over: Any) -> dict[str, Any]:
    return {
        "village_code": village,
        "occurred_at": (now_cst() - timedelta(minutes=5)).isoformat(timespec="seconds"),
        "channel": "online",
        "category": "labour",
        "outcome": "resolved",
        "summary": "可先向劳动监察大队投诉，也可申请劳动仲裁。",
        "client_entry_id": client,
        **over,
    }


async def counts(ledger: Ledger, advisor: str, client: str) -> tuple[int, int]:
    """(events in the ledger, entries of the advisor with that client id)."""
    events = await ledger.pool.fetchval("SELECT count(*) FROM ledger.events")
    entries = await ledger.pool.fetchval(
        "SELECT count(*) FROM ledger.entries WHERE advisor_id = $1 AND client_entry_id = $2", advisor, client
    )
    return int(events), int(entries)


async def test_an_answers_client_id_is_refused_on_a_backfill_row_and_on_another_entry(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    li, v1 = cast.advisor("li"), cast.villages[0]
    me = ledger.headers("advisor", "621025", li, cast.firm)
    question_id = await ask(ledger, v1, "answered")
    answered = await ledger.http.post(
        "/consultations", json=consultation(v1, "ans-1", question_id=question_id), headers=me
    )
    assert answered.status_code == 201, answered.text
    before = await counts(ledger, li, "ans-1")
    assert before[1] == 1

    # the row with the answer's client id is refused with the file's other problems, nothing written
    bad = lecture(li, v1, 8, "ok-2", audience="四十")
    rows = [lecture(li, v1, 6, "ok-1"), lecture(li, v1, 7, "ans-1"), bad]
    r = await upload(ledger, cast, rows)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["code"] == "import_rejected", body
    used = f"该客户端编号已用于另一条记录（居民问题的答复，台账记录 {answered.json()['entry_id']}）"
    assert [e["field"] for e in body["errors"]] == ["rows[3].client_entry_id", "rows[4].audience"], body
    assert body["errors"][0]["reason"].startswith(f"第 3 行「客户端编号」：{used}"), body["errors"]
    alone = await upload(ledger, cast, [lecture(li, v1, 7, "ans-1")])
    assert alone.status_code == 422, alone.text
    assert [e["field"] for e in alone.json()["errors"]] == ["rows[2].client_entry_id"]
    assert await counts(ledger, li, "ans-1") == before

    # the same client id on a plain consultation over HTTP: a documented refusal, nothing appended
    plain = await ledger.http.post("/consultations", json=consultation(v1, "ans-1"), headers=me)
    assert plain.status_code in (409, 422), plain.text
    assert {"code", "message", "field"} <= set(plain.json()), plain.json()
    assert "client_entry_id" in plain.json()["field"]
    assert await counts(ledger, li, "ans-1") == before


async def test_an_answer_with_a_client_id_an_imported_row_holds_is_a_conflict_naming_it(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    li, v1 = cast.advisor("li"), cast.villages[0]
    me = ledger.headers("advisor", "621025", li, cast.firm)
    imported = await upload(ledger, cast, [lecture(li, v1, 12, "imp-ans-1")])
    assert imported.status_code == 201, imported.text
    question_id = await ask(ledger, v1, "after-import")
    before = await counts(ledger, li, "imp-ans-1")
    body = consultation(v1, "imp-ans-1", question_id=question_id)
    answer = await ledger.http.post("/consultations", json=body, headers=me)
    assert answer.status_code == 409, answer.text
    refused = answer.json()
    assert (refused["code"], refused["field"]) == ("conflict", "client_entry_id"), refused
    assert "imp-ans-1" in refused["message"]
    assert await counts(ledger, li, "imp-ans-1") == before
    # the question is still open: answered under another client id, it is logged
    again = await ledger.http.post(
        "/consultations", json={**body, "client_entry_id": "imp-ans-2"}, headers=me
    )
    assert again.status_code == 201, again.text
