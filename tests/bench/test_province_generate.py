"""The province generator against the real services: a small province (the first four townships of
Lanzhou's 城关区, real names and codes) written twice on fresh stacks gives the same events, and the
county's statistics table counts what the plan holds (on-site hours, lectures, consultations).

Each generation starts its own PostgreSQL, Tansu and services (bench/province/stack.py): the
services' topics have fixed names, so two provinces cannot share a broker. The two generations run
side by side (the second in a thread), and the second starts only what the comparison reads: the
registry and the ledger, whose stores hold every event the generator causes (the writer talks to
them alone; assessment and reporting only consume, and the statistics are read from the first).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from eventkit.tokens import issue
from support.waiting import eventually
from vc_contracts.durations import display_total_hours

from bench.province import divisions
from bench.province.plan import Plan, expected_county, make_plan
from bench.province.stack import Stack, province_stack
from bench.province.writer import Writer

YEAR, TOWNSHIPS = 2025, 4
# What differs between two generations of the same plan: ids and times a service gives each event
# (event_id, position, recorded_at, correlation and causation ids, its actor's request metadata),
# and, in the data, the id of an assignment made by POST /assignments (new_id: random, as in
# production) plus the moments a late entry or a correction was recorded.
ENVELOPE = ("stream_id", "stream_version", "event_type", "data")
VARYING_DATA = ("assignment_id", "recorded_at", "logged_at", "corrected_at", "voided_at")
COMPARED = ("registry", "ledger")  # the schemas compared; the services the writer sends commands to


@pytest.fixture(scope="module")
def plan() -> Plan:
    return make_plan(divisions.load(100).first_townships(TOWNSHIPS), 7, YEAR)


async def events_of(dsn: str) -> list[tuple[Any, ...]]:
    conn = await asyncpg.connect(dsn)
    try:
        rows = []
        for schema in COMPARED:
            found = await conn.fetch(
                f"SELECT stream_id, stream_version, event_type, data FROM {schema}.events"
            )
            rows += [(schema, *[_clean(r[k]) for k in ENVELOPE]) for r in found]
        return sorted(rows)
    finally:
        await conn.close()


def _clean(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("{"):
        data = json.loads(value)
        return json.dumps({k: v for k, v in data.items() if k not in VARYING_DATA}, sort_keys=True)
    return value


async def statistics(stack: Stack, county: str, half: int) -> dict[str, Any]:
    token = issue(stack.secret, role="county_admin", scope=county, subject="test-county")
    async with httpx.AsyncClient(trust_env=False, timeout=60) as client:
        r = await client.get(
            f"{stack.urls['reporting']}/statistics?period={YEAR}H{half}&division={county}",
            headers={"Authorization": f"Bearer {token}"},
        )
    assert r.status_code == 200, r.text
    return dict(r.json()["totals"])


async def counted(stack: Stack, county: str, half: int, expected: tuple[object, ...]) -> None:
    """The half-year's county totals equal `expected` (waiting while the projections catch up)."""
    keys = ("visits", "visit_hours", "lectures", "audience", "consultations")
    got: tuple[object, ...] = ()

    async def check() -> bool:
        nonlocal got
        totals = await statistics(stack, county, half)
        got = tuple(totals[k] for k in keys)
        return got == expected

    with contextlib.suppress(AssertionError):
        await eventually(check, within=180, what=f"H{half} statistics")
    assert dict(zip(keys, got, strict=True)) == dict(zip(keys, expected, strict=True))


def generate(
    plan: Plan, state: Path, check: bool, services: Sequence[str] | None = None
) -> list[tuple[Any, ...]]:
    with province_stack(state, services=services) as stack:
        asyncio.run(Writer(stack.urls, stack.secret, stack.dsn).write(plan))
        if check:
            county = plan.province.counties[0].division.code
            for half in (1, 2):
                want = expected_county(plan, county, half)
                expected = (
                    want["visits"],
                    display_total_hours(want["seconds"]),
                    want["lectures"],
                    want["audience"],
                    want["consultations"],
                )
                asyncio.run(counted(stack, county, half, expected))
        return asyncio.run(events_of(stack.dsn))


def test_the_same_seed_writes_the_same_province_and_the_statistics_count_the_plan(
    plan: Plan, tmp_path: Path
) -> None:
    summary = plan.summary()
    assert summary["villages"] == 29 and summary["reassignments"] >= 0 and summary["corrections"] > 0
    with ThreadPoolExecutor(1) as beside:
        later = beside.submit(generate, plan, tmp_path / "two", check=False, services=COMPARED)
        first = generate(plan, tmp_path / "one", check=True)
        second = later.result()
    assert len(first) > summary["entries"] + summary["villages"]
    assert first == second
