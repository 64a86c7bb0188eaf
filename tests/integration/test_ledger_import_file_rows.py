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
