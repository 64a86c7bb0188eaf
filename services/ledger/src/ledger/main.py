"""Ledger service composition root: `uvicorn ledger.main:app`."""

from __future__ import annotations

from eventkit.runtime import ServiceSpec, create_app

from ledger.adapters.http import router
from ledger.application.assignments_view import AssignmentsView

SPEC = ServiceSpec(
    name="ledger",
    title="Village Counsel · Ledger 工作台账",
    description="The work ledger: one record per occurrence, one volume per village and per unit.",
    routers=[router],
    projections=[AssignmentsView()],
)

app = create_app(SPEC)
