"""The demo's ledger entries are dated within its advisors' assignments whatever day it is seeded on:
in the first days of January its history (up to 20 days back) lies in last year, when an assignment
from 1 January did not hold yet, and the ledger refused every such entry (the seed retrying each for
30 s: on 1 January, at CI's 00:01 +08:00, seeding took hours and the demo had no entries)."""

from __future__ import annotations

import json
from datetime import date, datetime

import httpx
import pytest
from devstack import seed_demo
from devstack.demo import zhengning as zn
from vc_contracts import CST


async def _seeded(today: date) -> tuple[dict[str, date], list[tuple[str, date]]]:
    """Seed the assignments and the ledger as of `today` into a stand-in for the services: each
    village's assignment start, and each entry's (village, day)."""
    since: dict[str, date] = {}
    entries: list[tuple[str, date]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content or b"{}")
        if request.url.path == "/assignments":
            since[body["village_code"]] = date.fromisoformat(body["valid_from"])
        when = body.get("started_at") or body.get("occurred_at")
        if when:
            entries.append((body["village_code"], datetime.fromisoformat(when).astimezone(CST).date()))
        return httpx.Response(201, json={"entry_id": f"E-{len(entries)}"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer), base_url="http://demo") as client:
        seeder = seed_demo.Seeder(client, "secret", today=today)
        villages, advisors = zn.villages(), [(a.advisor_id, a.unit_id) for a in zn.advisors()]
        await seeder.assignments_and_agreements(villages, advisors)
        await seeder.visits(villages, advisors)
    return since, entries


@pytest.mark.parametrize(
    "today",
    [
        date(2027, 1, 1),
        date(2027, 1, 5),
        date(2027, 1, 20),
        date(2027, 1, 21),
        date(2027, 4, 1),
        date(2026, 12, 4),
    ],
)
async def test_every_demo_entry_falls_within_its_village_s_assignment(
    today: date, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(seed_demo, "URL", {"registry": "http://demo", "ledger": "http://demo"})
    # given the seed runs on `today`, when it assigns the advisors and logs the demo's ledger
    since, entries = await _seeded(today)
    # then every entry is of a day past, on or after its village's assignment began
    assert entries and all(day < today for _, day in entries)
    late = [(village, day) for village, day in entries if day < since[village]]
    assert late == [], f"{len(late)} entries before the assignment, e.g. {late[:2]}"


@pytest.mark.parametrize(
    ("today", "served_from"),
    [
        (date(2027, 1, 1), date(2026, 1, 1)),
        (date(2027, 1, 20), date(2026, 1, 1)),
        (date(2027, 1, 21), date(2027, 1, 1)),  # the oldest entry, 20 days back, is of this year
        (date(2027, 7, 1), date(2027, 1, 1)),
    ],
)
def test_the_advisors_serve_from_1_january_unless_the_history_reaches_into_last_year(
    today: date, served_from: date
) -> None:
    assert seed_demo.served_from(today) == served_from
