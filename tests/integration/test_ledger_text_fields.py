"""Text hazards and full-width digits at the ledger's edge (in-process app, real PostgreSQL and
broker): NUL or another control character in any text is refused with 422 naming the field, one cap
per kind of text holds for logging, corrections and imports alike, full-width digits in a code are
read as ASCII, and nothing bad ever reaches the store."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from test_ledger_harness import Cast, Ledger, at, ledger_scene
from vc_contracts import CST

DAY = (datetime.now(CST) - timedelta(days=4)).date()
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.fixture(scope="module")
async def scene(devstack) -> AsyncIterator[tuple[Ledger, Cast]]:  # type: ignore[no-untyped-def]
    async with ledger_scene(devstack, DAY) as found:
        yield found


def _me(ledger: Ledger, cast: Cast) -> dict[str, str]:
    return ledger.headers("advisor", "621025", cast.advisor("li"), cast.firm)


async def _events(ledger: Ledger) -> int:
    return int(await ledger.pool.fetchval("SELECT count(*) FROM ledger.events"))


def _refused(r: Any, field: str) -> None:
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["code"] in {"validation_failed", "rule_violated"}, body
    assert body["field"] == field and body["correlation_id"], body
    assert any(e["field"] == field for e in body["errors"]), body


def _consultation(village: str, hour: int, **changes: Any) -> dict[str, Any]:
    body = {"village_code": village, "occurred_at": at(DAY, hour), "channel": "wechat", "category": "land",
            "outcome": "resolved", "summary": "微信群答复土地流转"}  # fmt: skip
    return body | changes


@pytest.mark.parametrize(
    ("path", "changes", "field"),
    [
        ("/consultations", {"summary": "微信群答复\u0000土地流转"}, "summary"),  # the example
        ("/consultations", {"note": "备注\u0000"}, "note"),
        ("/consultations", {"summary": "答复\x1b[31m"}, "summary"),  # an escape sequence
        ("/consultations", {"summary": "答复\ud800"}, "summary"),  # a lone surrogate
        ("/consultations", {"client_entry_id": "c\u0000-1"}, "client_entry_id"),
        ("/consultations", {"summary": "答" * 2001}, "summary"),
        ("/lectures", {"topic": "民法典\u0000", "audience": 30}, "topic"),
        ("/lectures", {"topic": "民法典", "audience": 30, "co_organisers": ["普法股\u0000"]},
         "co_organisers.0"),
    ],
)  # fmt: skip
async def test_bad_text_in_any_entry_field_is_refused_naming_the_field(
    scene: tuple[Ledger, Cast], path: str, changes: dict[str, Any], field: str
) -> None:
    ledger, cast = scene
    before = await _events(ledger)
    body = _consultation(cast.villages[0], 9, **changes)
    if path == "/lectures":
        body = {k: v for k, v in body.items() if k not in {"channel", "category", "outcome", "summary"}}
    as_sent = json.dumps(body)  # \u escapes: a lone surrogate travels as JSON allows it
    r = await ledger.http.post(
        path, content=as_sent, headers={**_me(ledger, cast), "Content-Type": "application/json"}
    )
    _refused(r, field)
    assert await _events(ledger) == before


async def test_full_width_digits_in_a_village_code_are_read_as_ascii(scene: tuple[Ledger, Cast]) -> None:
    ledger, cast = scene
    v2 = cast.villages[1]
    body = _consultation(v2.translate(FULL_WIDTH), 10, client_entry_id="ｆｗ－１")
    r = await ledger.http.post("/consultations", json=body, headers=_me(ledger, cast))
    assert r.status_code == 201, r.text
    stored = await ledger.pool.fetchrow(
        "SELECT data->>'village_code' AS village, data->>'client_entry_id' AS client FROM ledger.events"
        " WHERE stream_id = $1",
        f"entry-{r.json()['entry_id']}",
    )
    assert (stored["village"], stored["client"]) == (v2, "fw-1")


async def test_corrections_hold_the_same_caps_and_refuse_the_same_characters(
    scene: tuple[Ledger, Cast],
) -> None:
    ledger, cast = scene
    me = _me(ledger, cast)
    r = await ledger.http.post("/consultations", json=_consultation(cast.villages[0], 11), headers=me)
    assert r.status_code == 201, r.text
    path = f"/entries/{r.json()['entry_id']}/corrections"
    before = await _events(ledger)
    cases = [  # every field named by its path in the body, as the body's own format errors are
        ({"changes": {"summary": "答" * 30_000}, "reason": "补充"}, "changes.summary"),  # logging's cap
        ({"changes": {"summary": "答复\u0000"}, "reason": "补充"}, "changes.summary"),
        ({"changes": {"summary": "答复\u202e"}, "reason": "补充"}, "changes.summary"),  # reversed text
        ({"changes": {"occurred_at": 1740000000}, "reason": "补充"}, "changes.occurred_at"),  # Unix time
        ({"changes": {"channel": "carrier-pigeon"}, "reason": "补充"}, "changes.channel"),
        ({"changes": {"village_code": cast.villages[1]}, "reason": "补充"}, "changes.village_code"),
        ({"changes": {"outcome": "resolved"}, "reason": "补充"}, "changes"),  # nothing different
        ({"changes": {}, "reason": "补充"}, "changes"),
        ({"changes": {"outcome": "referred"}, "reason": "因" * 30_000}, "reason"),
        ({"changes": {"outcome": "referred"}, "reason": "核对\u0000"}, "reason"),
        ({"changes": {"outcome": "referred"}, "reason": "核对\u2067"}, "reason"),
    ]
    for body, field in cases:
        _refused(await ledger.http.post(path, json=body, headers=me), field)
    for same in ({}, {"outcome": "resolved"}):  # nothing sent is nothing changed: one answer
        nothing = await ledger.http.post(path, json={"changes": same, "reason": "补充"}, headers=me)
        assert nothing.json()["errors"][0]["reason"] == "更正内容与原记录相同，无需更正", nothing.text
    void = await ledger.http.post(
        f"/entries/{r.json()['entry_id']}/void", json={"reason": "重复\u0000"}, headers=me
    )
    _refused(void, "reason")
    assert await _events(ledger) == before


async def test_a_correction_sending_true_or_false_for_a_number_is_refused(scene: tuple[Ledger, Cast]) -> None:
    # session 17: `{"changes": {"audience": true}}` was stored as an audience of 1 (201): a correction's
    # changes are checked by the event model, where pydantic reads a bool as 1 or 0
    ledger, cast = scene
    me = _me(ledger, cast)
    lecture = {
        "village_code": cast.villages[0],
        "occurred_at": at(DAY, 15),
        "topic": "民法典",
        "audience": 30,
    }
    r = await ledger.http.post("/lectures", json=lecture, headers=me)
    assert r.status_code == 201, r.text
    path = f"/entries/{r.json()['entry_id']}/corrections"
    before = await _events(ledger)
    for sent in (True, False):
        refused = await ledger.http.post(
            path, json={"changes": {"audience": sent}, "reason": "更正人数"}, headers=me
        )
        _refused(refused, "changes.audience")
        assert "不能为 true 或 false" in refused.json()["errors"][0]["reason"], refused.text
    assert await _events(ledger) == before
    # a number is still a number
    fixed = await ledger.http.post(path, json={"changes": {"audience": 1}, "reason": "更正人数"}, headers=me)
    assert fixed.status_code == 201, fixed.text


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([["类型", "顾问编号", "村（社区）代码", "开始时间", "渠道", "类别", "结果",
                                "内容摘要", "客户端编号"], *rows])  # fmt: skip
    return out.getvalue().encode("utf-8-sig")


async def test_an_import_row_with_bad_text_is_a_row_error_and_nothing_is_written(
    scene: tuple[Ledger, Cast],
) -> None:
    ledger, cast = scene
    li, v1 = cast.advisor("li"), cast.villages[0]
    rows = [["法律咨询", li, v1, f"{DAY} {8 + i // 60:02d}:{i % 60:02d}", "微信群", "土地", "已解决",
             "答复", f"imp-{i}"] for i in range(5)]  # fmt: skip
    rows[-1][7] = "答" * 30_000  # the same cap as logging, not 30,000 characters
    rows[-2][7] = "答复\x01"
    unit = ledger.headers("law_firm", "621025", "staff", cast.firm)
    before = await _events(ledger)
    r = await ledger.http.post("/imports", content=_csv(rows), headers={**unit, "Content-Type": "text/csv"})
    assert r.status_code == 422, r.text
    assert {e["field"] for e in r.json()["errors"]} == {"rows[5].summary", "rows[6].summary"}
    assert await _events(ledger) == before


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/entries/E%00X"),
        ("POST", "/entries/E%00X/void"),
        ("GET", "/entries?village_code=621025%00"),
        ("GET", "/entries?advisor_id=A%01"),
    ],
)
async def test_nul_or_a_control_character_in_a_path_or_query_is_refused(
    scene: tuple[Ledger, Cast], method: str, url: str
) -> None:
    ledger, cast = scene
    r = await ledger.http.request(method, url, headers=_me(ledger, cast), json={"reason": "重复"})
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "validation_failed" and r.json()["field"], r.text


async def test_a_filter_with_full_width_digits_finds_what_the_ascii_filter_finds(
    scene: tuple[Ledger, Cast],
) -> None:
    ledger, cast = scene
    me = _me(ledger, cast)
    r = await ledger.http.post("/consultations", json=_consultation(cast.villages[1], 12), headers=me)
    assert r.status_code == 201, r.text
    ascii_ids = await ledger.http.get("/entries", params={"village_code": cast.villages[1]}, headers=me)
    full_width = await ledger.http.get(
        "/entries", params={"village_code": cast.villages[1].translate(FULL_WIDTH)}, headers=me
    )
    assert full_width.status_code == 200, full_width.text
    assert full_width.json()["items"] and full_width.json()["items"] == ascii_ids.json()["items"]
    one = await ledger.http.get(f"/entries/{r.json()['entry_id']}".translate(FULL_WIDTH), headers=me)
    assert one.status_code == 200, one.text  # ids with digits too: the path is read in ASCII
