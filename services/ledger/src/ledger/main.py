"""Ledger service composition root: `uvicorn ledger.main:app`."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator

from eventkit import imports
from eventkit.runtime import ServiceSpec, create_app
from eventkit.unit_places import served_counties
from fastapi import FastAPI

from ledger.adapters import (
    http,
    http_advisor_export,
    http_entries,
    http_import,
    http_typical_cases,
    http_volumes,
)
from ledger.adapters.reads import READS
from ledger.adapters.writes import WRITES
from ledger.application.assignments_view import AssignmentsView
from ledger.application.directory_view import DirectoryView
from ledger.application.questions import LedgerQuestions
from ledger.application.sealing import SEAL_TABLES, seal_daily, seal_time
from ledger.application.tables import LEDGER_TABLES
from ledger.application.typical_cases import TYPICAL_CASE_TABLES
from ledger.application.upgrade import seal_history

SPEC = ServiceSpec(
    name="ledger",
    title="Village Counsel · Ledger 工作台账",
    description="The work ledger: one record per occurrence, one volume per village and per unit.",
    routers=[
        http.router,
        http_entries.router,
        http_volumes.router,
        http_volumes.by_id,
        http_advisor_export.router,
        http_import.router,
        imports.router,
        http_typical_cases.router,
    ],
    migrations=LEDGER_TABLES + TYPICAL_CASE_TABLES + SEAL_TABLES,
    # the backfill import's second half of a large CSV, its COPY texts and its chain links
    cpu_work=["ledger.application.import_halves", "ledger.application.chain_worker"],
    projections=[AssignmentsView(), DirectoryView(), LedgerQuestions()],
    reads=READS,
    writes=WRITES,
    unit_places=served_counties(AssignmentsView.tables[0]),
)


def build_app(spec: ServiceSpec = SPEC) -> FastAPI:
    """The service's app; once started, history from before the volume chains is sealed into them,
    and the volumes with new links are sealed daily at `VC_SEAL_AT` (HH:MM +08:00, default 00:30;
    `off`: never, as in tests)."""
    seal_at = seal_time(os.environ.get("VC_SEAL_AT"))
    app = create_app(spec)
    runtime_lifespan = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with runtime_lifespan(app):
            runtime = app.state.runtime
            await seal_history(runtime.pool, runtime.store.schema)
            daily = asyncio.create_task(seal_daily(runtime.store, seal_at)) if seal_at else None
            try:
                yield
            finally:
                if daily is not None:
                    daily.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await daily

    app.router.lifespan_context = lifespan
    return app


app = build_app()
