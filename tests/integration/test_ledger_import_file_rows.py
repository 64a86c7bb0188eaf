"""A backfill file's rows checked against each other are named by their rows (in-process app, real
PostgreSQL and broker): the id a row would get is in no ledger, so an overlap between two rows of
the file names the other row, whether or not one of them is already in the ledger; and a row with
an unreadable cell has its other problems answered in the same answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from test_ledger_harness import Cast, Ledger, ledger_service, set_the_scene
from test_ledger_import import YEAR, _count, _upload, as_csv, row, visit


@pytest.fixture(scope="module")
async def scene(devstack) -> AsyncIterator[tuple[Ledger, Cast]]:  # type: ignore[no-untyped-def]
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        yield ledger, await set_the_scene(ledger, date(YEAR, 1, 1))


def consultation(cast: Cast, day: str, client: str) -> list[object]:
    return row("法律咨询", cast.advisor("li"), cast.villages[0], f"{day} 20:00", client,
               summary="宅基地纠纷", channel="微信群", category="土地", outcome="已解决")  # fmt: skip


def reasons(body: dict[str, Any]) -> dict[str, str]:
    return {e["field"]: e["reason"] for e in body["errors"]}


async def test_a_row_already_in_the_ledger_overlapping_a_later_row_names_that_row(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    li, v1 = cast.advisor("li"), cast.villages[0]
    logged = visit(li, v1, "03-02 10:00", "03-02 12:00", "fr-1")
    first = await _upload(ledger, cast, as_csv([logged]))
    assert first.status_code == 201, first.text  # type: ignore[attr-defined]
    filler = [consultation(cast, f"03-0{3 + n}", f"fr-c{n}") for n in range(5)]  # rows 3 to 7
    again = [logged, *filler, visit(li, v1, "03-02 10:00", "03-02 12:00", "fr-8")]  # row 8
    r = await _upload(ledger, cast, as_csv(again))
    assert r.status_code == 422, r.text  # type: ignore[attr-defined]
    found = reasons(r.json())  # type: ignore[attr-defined]
    assert set(found) <= {"rows[2].started_at", "rows[8].started_at"} and found, found
    for field, reason in found.items():
        other = 8 if field == "rows[2].started_at" else 2
        assert f"与本文件第 {other} 行（{YEAR}-03-02 10:00–12:00）时间重叠" in reason, reason
        assert "E-" not in reason  # no would-be entry id
    assert await _count(ledger, cast) == 1


async def test_two_rows_of_a_file_in_two_villages_at_once_name_each_other(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    li, (v1, v2) = cast.advisor("li"), cast.villages[:2]
    rows = [
        visit(li, v1, "04-06 09:00", "04-06 11:00", "fr-v1"),
        visit(li, v2, "04-06 10:00", "04-06 12:00", "fr-v2"),
        row("法治讲座", li, v2, "04-06 09:30", "fr-l", topic="民法典", audience="30"),
    ]
    r = await _upload(ledger, cast, as_csv(rows))
    assert r.status_code == 422, r.text  # type: ignore[attr-defined]
    found = reasons(r.json())  # type: ignore[attr-defined]
    assert (
        "与本文件第 3 行" in found["rows[2].started_at"] or "与本文件第 4 行" in found["rows[2].started_at"]
    )
    assert "与本文件第 2 行" in found["rows[3].started_at"]
    assert f"（{v1}）的驻点服务" in found["rows[3].started_at"]  # the village by name, its code in brackets
    assert all("E-" not in reason for reason in found.values()), found


async def test_a_row_with_an_unreadable_time_has_its_other_problems_answered_too(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    li, v1 = cast.advisor("li"), cast.villages[0]
    rows = [
        row("法治讲座", li, v1, "五月五日下午", "fr-u", topic="民法典", audience="四十"),
        row("培训", li, v1, "五月六日", "fr-k"),
    ]
    r = await _upload(ledger, cast, as_csv(rows))
    assert r.status_code == 422, r.text  # type: ignore[attr-defined]
    fields = [e["field"] for e in r.json()["errors"]]  # type: ignore[attr-defined]
    assert fields == ["rows[2].started_at", "rows[2].audience", "rows[3].started_at", "rows[3].kind"]


async def test_a_row_repeated_exactly_is_one_entry_the_repeat_unchanged(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    li, v1 = cast.advisor("li"), cast.villages[0]
    before = await _count(ledger, cast)
    again = visit(li, v1, "06-02 09:00", "06-02 11:00", "bf-dup-1")  # a visit: must not clash with itself
    rows = [again, consultation(cast, "06-03", "bf-dup-2"), again]
    r = await _upload(ledger, cast, as_csv(rows))
    assert r.status_code == 201, r.text  # type: ignore[attr-defined]
    assert r.json() == {"rows": 3, "imported": 2, "unchanged": 1}  # type: ignore[attr-defined]
    assert await _count(ledger, cast) == before + 2
    r = await _upload(ledger, cast, as_csv(rows))  # the same file again: nothing new
    assert r.json() == {"rows": 3, "imported": 0, "unchanged": 3}  # type: ignore[attr-defined]


async def test_one_client_id_with_other_content_in_one_file_is_still_refused(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    li, v1 = cast.advisor("li"), cast.villages[0]
    before = await _count(ledger, cast)
    rows = [
        visit(li, v1, "06-09 09:00", "06-09 11:00", "bf-dup-3"),
        visit(li, v1, "06-09 09:00", "06-09 11:30", "bf-dup-3"),
    ]
    r = await _upload(ledger, cast, as_csv(rows))
    assert r.status_code == 422, r.text  # type: ignore[attr-defined]
    assert reasons(r.json()) == {  # type: ignore[attr-defined]
        "rows[3].client_entry_id": "第 3 行「客户端编号」：与本文件第 2 行的客户端编号重复（同一顾问）"
    }
    assert await _count(ledger, cast) == before


async def test_cells_beyond_the_header_are_named_not_dropped(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    li, v1 = cast.advisor("li"), cast.villages[0]
    before = await _count(ledger, cast)
    rows = [
        [*visit(li, v1, "06-12 09:00", "06-12 11:00", "bf-rag-1"), ""],  # a trailing comma: no problem
        [*visit(li, v1, "06-13 09:00", "06-13 11:00", "bf-rag-2"), "extra", "extra2"],
    ]
    r = await _upload(ledger, cast, as_csv(rows))
    assert r.status_code == 422, r.text  # type: ignore[attr-defined]
    assert reasons(r.json()) == {  # type: ignore[attr-defined]
        f"rows[3].column_{c}": f"第 3 行「第 {c} 列」：第 {c} 列没有表头，该单元格的内容不会被导入："
        "请补上表头或删除该单元格"
        for c in ("N", "O")
    }
    assert await _count(ledger, cast) == before


async def test_a_village_code_of_the_wrong_shape_is_named_as_such(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    li = cast.advisor("li")
    short = visit(li, "62102510000", "06-16 09:00", "06-16 11:00", "bf-code")  # 11 digits
    r = await _upload(ledger, cast, as_csv([short]))
    assert r.status_code == 422, r.text  # type: ignore[attr-defined]
    assert reasons(r.json()) == {  # type: ignore[attr-defined]
        "rows[2].village_code": "第 2 行「村（社区）代码」：村（社区）代码须为12位数字，末三位不为000"
    }


async def test_a_row_that_does_not_parse_still_has_its_advisor_and_village_checked(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    li, v1 = cast.advisor("li"), cast.villages[0]
    rows = [
        visit(li, "621026100201", "六月二十日", "06-20 11:00", "bf-loose-1"),  # out of scope, no time
        row("培训", "A-nobody", v1, "06-21 09:00", "bf-loose-2"),  # no such kind, no such advisor
    ]
    r = await _upload(ledger, cast, as_csv(rows))
    assert r.status_code == 422, r.text  # type: ignore[attr-defined]
    found = reasons(r.json())  # type: ignore[attr-defined]
    assert list(found) == [
        "rows[2].started_at", "rows[2].village_code", "rows[3].kind", "rows[3].advisor_id",
    ], found  # fmt: skip
    assert "不在您的管辖范围内" in found["rows[2].village_code"]
    assert "顾问编号 A-nobody 不存在" in found["rows[3].advisor_id"]


async def test_a_row_with_a_wrong_detail_still_has_its_assignment_checked(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    li, v3 = cast.advisor("li"), cast.villages[2]  # zhao serves v3, not li
    rows = [row("法治讲座", li, v3, "06-24 14:00", "bf-loose-3", topic="民法典", audience="四十")]
    r = await _upload(ledger, cast, as_csv(rows))
    assert r.status_code == 422, r.text  # type: ignore[attr-defined]
    found = reasons(r.json())  # type: ignore[attr-defined]
    assert list(found) == ["rows[2].audience", "rows[2].village_code"], found
    assert "未被指派到" in found["rows[2].village_code"]


async def test_a_row_with_an_unknown_advisor_in_a_village_outside_the_scope_is_told_both(scene) -> None:  # type: ignore[no-untyped-def]
    """Neither refusal causes the other: a row, whole or with an unreadable cell, is told both at
    once (before, the first refusal hid the second until the file came back corrected)."""
    ledger, cast = scene
    before = await _count(ledger, cast)
    rows = [
        visit("A-nobody", "621026100201", "07-01 09:00", "07-01 11:00", "fr-both-1"),  # reads whole
        visit("A-nobody", "621026100201", "七月二日", "07-02 11:00", "fr-both-2"),  # no start
    ]
    r = await _upload(ledger, cast, as_csv(rows))
    assert r.status_code == 422, r.text  # type: ignore[attr-defined]
    found = reasons(r.json())  # type: ignore[attr-defined]
    for line in (2, 3):
        assert "不在您的管辖范围内" in found[f"rows[{line}].village_code"], found
        assert "顾问编号 A-nobody 不存在" in found[f"rows[{line}].advisor_id"], found
    assert await _count(ledger, cast) == before
