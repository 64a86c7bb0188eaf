"""The heads a report froze live in its read model row (real PostgreSQL): the submission fills them
in the append's transaction, a resubmission replaces them, and a report submitted before the column
existed gets them back from its events when the migration runs. Approval reads them with the row,
not by reading the report's stream back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from eventkit.db import create_pool
from eventkit.migrations import EVENT_STORE, migrate
from eventkit.store import EventStore, Metadata
from reporting.application import seals_view
from reporting.application.report_model import TABLES, record
from support.inprocess import own_database
from vc_contracts.catalogue.reporting import ReportSubmitted
from vc_contracts.divisions import Tenant

SCHEMA = "rp"
REPORT = "report-annual_results-2025-unit-firm-1"
A, B = "a" * 64, "b" * 64


def submitted(*heads: tuple[str, int, str]) -> ReportSubmitted:
    return ReportSubmitted(
        report_id=REPORT, kind="annual_results", period="2025", submitter_unit_id="unit-firm-1",
        division_code="621025", figures={"visits": 3}, confirmed_by=["adv-1"],
        heads=[{"volume_id": v, "length": n, "head": h} for v, n, h in heads],
    )  # type: ignore[arg-type]  # fmt: skip


@pytest.fixture
async def pool(devstack: Any) -> AsyncIterator[asyncpg.Pool]:
    async with own_database(devstack.dsn, "vc_reporting_report_heads") as dsn:
        connections = await create_pool(dsn, min_size=1, max_size=2)
        try:
            yield connections
        finally:
            await connections.close()


async def _submit(store: EventStore, event: ReportSubmitted, inline: bool = True) -> None:
    async def keep(conn: Any, stored: Any) -> None:
        await record(conn, SCHEMA, stored)

    await store.append(
        REPORT, None, [event], tenant=Tenant.of("621025"), metadata=Metadata("unit-firm-1"),
        after_append=keep if inline else None,
    )  # fmt: skip


async def test_the_frozen_heads_are_kept_in_the_report_row_and_replaced_on_resubmission(pool) -> None:  # type: ignore[no-untyped-def]
    await migrate(pool, SCHEMA, EVENT_STORE, TABLES)
    store = EventStore(pool, SCHEMA)
    await _submit(store, submitted(("village:621025100200:2025", 3, A)))
    assert await seals_view.submitted_heads(pool, SCHEMA, REPORT) == [("village:621025100200:2025", 3, A)]
    await _submit(store, submitted(("village:621025100200:2025", 4, B), ("unit:unit-firm-1:2025", 2, A)))
    assert await seals_view.submitted_heads(pool, SCHEMA, REPORT) == [
        ("village:621025100200:2025", 4, B),
        ("unit:unit-firm-1:2025", 2, A),
    ]
    assert await seals_view.submitted_heads(pool, SCHEMA, "report-none") == []


async def test_a_report_submitted_before_the_column_gets_its_heads_back_from_its_events(pool) -> None:  # type: ignore[no-untyped-def]
    before = [m for m in TABLES if m[0] in ("reporting_0001_reports", "reporting_0002_advisor_confirmations")]
    await migrate(pool, SCHEMA, EVENT_STORE, before)
    store = EventStore(pool, SCHEMA)
    await _submit(store, submitted(("village:621025100200:2025", 3, A)), inline=False)
    await pool.execute(  # the row as the old inline record wrote it: no heads
        f"INSERT INTO {SCHEMA}.reports VALUES ($1,'annual_results','2025','unit-firm-1','621025','621000',"
        "'pending','county','{}'::jsonb,'[]'::jsonb,NULL,now(),now())",
        REPORT,
    )
    await migrate(pool, SCHEMA, EVENT_STORE, TABLES)
    assert await seals_view.submitted_heads(pool, SCHEMA, REPORT) == [("village:621025100200:2025", 3, A)]
