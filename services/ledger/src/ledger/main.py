"""Ledger service composition root: `uvicorn ledger.main:app`."""

from __future__ import annotations

from eventkit.runtime import ServiceSpec, create_app

from ledger.adapters import http, http_entries, http_import, http_volumes
from ledger.application.assignments_view import AssignmentsView
from ledger.application.directory_view import DirectoryView
from ledger.application.tables import LEDGER_TABLES

SPEC = ServiceSpec(
    name="ledger",
    title="Village Counsel · Ledger 工作台账",
    description="The work ledger: one record per occurrence, one volume per village and per unit.",
    routers=[http.router, http_entries.router, http_volumes.router, http_import.router],
    migrations=LEDGER_TABLES,
    projections=[AssignmentsView(), DirectoryView()],
)

app = create_app(SPEC)
