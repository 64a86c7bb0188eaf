"""Downstream read models honour corrections and voids: the assessment's quarter hours and the
reporting compliance view, fed the events the ledger really stored (as the relay puts them on the
wire), on the real PostgreSQL. Also: hours count for the advisor who served them on a reassignment."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime

import pytest
from assessment.application.hours_view import QuarterHoursView, village_quarters
from eventkit.migrations import PROJECTIONS, migrate
from eventkit.projection import ProjectionRunner
from eventkit.relay import encode
from eventkit.store import EventStore
from ledger.cli import rebuild_entries
from reporting.application.compliance_view import ComplianceView
from support.waiting import eventually
from test_ledger_harness import Cast, Ledger, ledger_service, set_the_scene
from vc_contracts import CST
from vc_contracts.durations import display_hours

YEAR = datetime.now(CST).year - 1


def at(month: int, day: int, hour: int) -> str:
    return datetime(YEAR, month, day, hour, tzinfo=CST).isoformat()


async def _no_dead_letters(value: bytes, key: bytes | None, topic: str, error: str) -> None:
    raise AssertionError(f"dead letter: {error}")


@pytest.fixture(scope="module")
async def scene(devstack) -> AsyncIterator[tuple[Ledger, Cast, list[ProjectionRunner]]]:  # type: ignore[no-untyped-def]
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        cast = await set_the_scene(ledger, date(YEAR, 1, 1))
        await migrate(ledger.pool, "downstream", PROJECTIONS)
        runners = [
            ProjectionRunner(ledger.pool, "downstream", v) for v in (QuarterHoursView(), ComplianceView())
        ]
        for runner in runners:
            await runner.install()
        yield ledger, cast, runners


async def _feed(ledger: Ledger, runners: list[ProjectionRunner], after: int) -> int:
    """Apply the ledger's events after `after` to both read models; return the last position."""
    stored = await EventStore(ledger.pool, "ledger").read_all(after=after)
    records = [(value, key, "villagecounsel.ledger.events") for key, value, _ in map(encode, stored)]
    for runner in runners:
        await runner.apply_batch(records, _no_dead_letters)
    return stored[-1].position if stored else after


async def _hours(ledger: Ledger, village: str) -> dict[str, float]:
    assessment = await village_quarters(ledger.pool, "downstream", village, YEAR)
    rows = await ledger.pool.fetch(
        "SELECT quarter, sum(seconds)::bigint AS seconds FROM downstream.cv_hours WHERE village_code = $1"
        " GROUP BY quarter",
        village,
    )
    assert assessment == {r["quarter"]: r["seconds"] for r in rows if r["seconds"]}, "the two views agree"
    return {quarter: display_hours(seconds) for quarter, seconds in assessment.items()}


async def test_a_correction_moves_hours_between_quarters_and_a_void_stops_them_counting(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast, runners = scene
    v2 = cast.villages[1]
    me = ledger.headers("advisor", "621025", cast.advisor("li"), cast.firm)
    ids = []
    for start, end in [(at(3, 31, 20), at(3, 31, 23)), (at(6, 30, 22), at(7, 1, 2))]:
        body = {
            "village_code": v2,
            "started_at": start,
            "ended_at": end,
            "place": "村委会",
            "summary": "坐班",
        }
        r = await ledger.http.post("/visits", json=body, headers=me)
        assert r.status_code == 201, r.text
        ids.append(r.json()["entry_id"])
    position = await _feed(ledger, runners, 0)
    assert await _hours(ledger, v2) == {f"{YEAR}Q1": 3.0, f"{YEAR}Q2": 2.0, f"{YEAR}Q3": 2.0}

    fix = {"changes": {"started_at": at(4, 1, 9), "ended_at": at(4, 1, 12)}, "reason": "日期记错"}
    assert (await ledger.http.post(f"/entries/{ids[0]}/corrections", json=fix, headers=me)).status_code == 201
    position = await _feed(ledger, runners, position)
    assert await _hours(ledger, v2) == {f"{YEAR}Q2": 5.0, f"{YEAR}Q3": 2.0}

    void = {"reason": "重复登记"}
    assert (await ledger.http.post(f"/entries/{ids[1]}/void", json=void, headers=me)).status_code == 201
    await _feed(ledger, runners, position)
    assert await _hours(ledger, v2) == {f"{YEAR}Q2": 3.0}
    await _feed(ledger, runners, 0)  # redelivery of everything changes nothing
    assert await _hours(ledger, v2) == {f"{YEAR}Q2": 3.0}


async def test_on_a_mid_quarter_reassignment_hours_count_for_the_advisor_who_served_them(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast, runners = scene
    v1, li, zhao = cast.villages[0], cast.advisor("li"), cast.advisor("zhao")
    await ledger.assign(v1, li, cast.firm, date(YEAR, 1, 1), until=date(YEAR, 5, 15))
    await ledger.assign(v1, zhao, cast.office, date(YEAR, 5, 16))
    as_li = ledger.headers("advisor", "621025", li, cast.firm)
    as_zhao = ledger.headers("advisor", "621025", zhao, cast.office)
    before = {"village_code": v1, "started_at": at(5, 10, 9), "ended_at": at(5, 10, 12), "place": "村委会",
              "summary": "坐班"}  # fmt: skip
    assert (await ledger.http.post("/visits", json=before, headers=as_li)).status_code == 201
    on_the_day = {**before, "started_at": at(5, 16, 9), "ended_at": at(5, 16, 11)}

    async def zhao_may_log() -> bool:
        r = await ledger.http.post("/visits", json=on_the_day, headers=as_zhao)
        return r.status_code == 201

    await eventually(zhao_may_log, what="the ledger learns the reassignment")
    refused = await ledger.http.post("/visits", json={**on_the_day, "started_at": at(5, 16, 14),
                                                      "ended_at": at(5, 16, 15)}, headers=as_li)  # fmt: skip
    assert refused.status_code == 422 and zhao in refused.json()["message"]
    await _feed(ledger, runners, 0)
    rows = await ledger.pool.fetch(
        "SELECT advisor_id, sum(seconds) / 3600.0 AS hours FROM downstream.visit_hours"
        " WHERE village_code = $1 AND quarter = $2 AND NOT voided GROUP BY advisor_id",
        v1,
        f"{YEAR}Q2",
    )
    assert {r["advisor_id"]: float(r["hours"]) for r in rows} == {li: 3.0, zhao: 2.0}
    units = await ledger.pool.fetch("SELECT DISTINCT unit_id FROM ledger.entries WHERE village_code = $1", v1)
    assert {r["unit_id"] for r in units} == {cast.firm, cast.office}  # each in its own unit's volume


async def test_the_entries_read_model_rebuilds_from_the_events_to_the_same_content(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, _, _ = scene
    query = (
        "SELECT entry_id, kind, village_code, unit_id, occurred_at, started_at, ended_at, hours, data,"
        " original, confirmed, voided, void_reason, corrections, history FROM ledger.entries"
        " ORDER BY entry_id"
    )
    before = [dict(r) for r in await ledger.pool.fetch(query)]
    assert await rebuild_entries(ledger.dsn) == 0
    assert [dict(r) for r in await ledger.pool.fetch(query)] == before and len(before) == 4
